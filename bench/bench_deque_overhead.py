"""Per-call overhead: optnative.Deque and optnative.memoize against the
builtins they imitate (collections.deque, functools.lru_cache).

Each operation is timed with timeit for both types, round by round
(interleaved, so drift on a shared machine hits both alike); the figure is the
minimum over rounds.  An empty statement timed the same way is the loop's own
cost: "net" subtracts it, leaving the cost of the call itself, which is what
the issue's target (within 1.3x of collections.deque.append) is about.

    python3.11 bench/bench_deque_overhead.py [--quick]
(with PYTHONPATH pointing at the build's native/ directory).
"""

import argparse
import collections
import functools
import sys
import timeit

import optnative

# name -> (setup, statement); `Deque` is collections.deque or optnative.Deque,
# `cache` is functools.lru_cache or optnative.memoize.  Setups that fill a
# deque make exactly `number` items, so pops never run dry.
OPERATIONS = {
    "append": ("d = Deque()", "d.append(x)"),
    "appendleft": ("d = Deque()", "d.appendleft(x)"),
    "append (maxlen=64, full)": ("d = Deque(range(64), maxlen=64)", "d.append(x)"),
    "pop": ("d = Deque(range(number))", "d.pop()"),
    "popleft": ("d = Deque(range(number))", "d.popleft()"),
    "len(d)": ("d = Deque(range(10))", "len(d)"),
    "cached call, hit f(x)": ("f = cache(maxsize=None)(abs); f(x)", "f(x)"),
    "cached call, hit f(x, y)": ("f = cache(maxsize=128)(max); f(x, 2)", "f(x, 2)"),
}

PAIRS = {
    "builtin": {"Deque": collections.deque, "cache": functools.lru_cache},
    "optnative": {"Deque": optnative.Deque, "cache": optnative.memoize},
}


def time_statement(setup, statement, names, number):
    namespace = dict(names, x=1, number=number)
    return timeit.Timer(statement, setup, globals=namespace).timeit(number) / number


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and calls")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--number", type=int, default=None, help="calls per round")
    options = parser.parse_args()
    rounds = options.rounds or (5 if options.quick else 15)
    number = options.number or (100_000 if options.quick else 400_000)

    print(f"python {sys.version.split()[0]}, {rounds} rounds x {number} calls, "
          f"minimum per call in ns; net = minus the empty loop")
    print(f"{'operation':28} {'builtin':>9} {'optnative':>10} {'ratio':>6} "
          f"{'net builtin':>12} {'net optnative':>14} {'net ratio':>9}")
    worst_append = None
    for name, (setup, statement) in OPERATIONS.items():
        best = {"builtin": float("inf"), "optnative": float("inf"), "empty": float("inf")}
        for _ in range(rounds):
            for label, names in PAIRS.items():
                seconds = time_statement(setup, statement, names, number)
                best[label] = min(best[label], seconds)
            seconds = time_statement(setup, "pass", PAIRS["builtin"], number)
            best["empty"] = min(best["empty"], seconds)
        builtin_ns = best["builtin"] * 1e9
        native_ns = best["optnative"] * 1e9
        empty_ns = best["empty"] * 1e9
        net_builtin = builtin_ns - empty_ns
        net_native = native_ns - empty_ns
        net_ratio = net_native / net_builtin if net_builtin > 0 else float("nan")
        print(f"{name:28} {builtin_ns:9.1f} {native_ns:10.1f} {native_ns / builtin_ns:6.2f} "
              f"{net_builtin:12.1f} {net_native:14.1f} {net_ratio:9.2f}")
        if name == "append":
            worst_append = net_ratio
    print(f"target: Deque.append net ratio <= 1.30; measured {worst_append:.2f}")


if __name__ == "__main__":
    main()
