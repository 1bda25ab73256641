"""IntSet.count_contained against `sum(x in s for x in needles)` on a Python
set, with DESIGN.md's data: a 200k-key table, 1M int64 needles of which ~5%
are present.  Variants interleaved round by round; medians and ratios.
Also bytes per element: IntSet.__sizeof__ against the set's own table
(sys.getsizeof) and the set plus its int objects (tracemalloc).

    PYTHONPATH=build/native /usr/bin/python3.11 bench/bench_intset.py [--rounds 7] [--needles N]
"""
import argparse
import statistics
import sys
import time
import tracemalloc

import numpy as np

import optnative

TABLE_KEYS = 200_000
HIT_RATE = 0.05


def make_data(needle_count):
    rng = np.random.default_rng(20240601)
    table = rng.choice(10**12, size=TABLE_KEYS, replace=False).astype(np.int64)
    needles = rng.integers(0, 10**12, size=needle_count, dtype=np.int64)
    hits = rng.random(needle_count) < HIT_RATE
    needles[hits] = rng.choice(table, size=int(hits.sum()))
    return table, needles


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--needles", type=int, default=1_000_000)
    args = parser.parse_args()

    table, needles = make_data(args.needles)
    table_list, needle_list = table.tolist(), needles.tolist()
    python_set = set(table_list)
    native_set = optnative.IntSet(table)

    variants = {
        "sum(x in s for x in needles), set": lambda: sum(x in python_set for x in needle_list),
        "IntSet.count_contained(int64 array)": lambda: native_set.count_contained(needles),
        "IntSet.count_contained(list of int)": lambda: native_set.count_contained(needle_list),
        "np.isin(needles, table).sum()": lambda: int(np.isin(needles, table).sum()),
    }
    times = {name: [] for name in variants}
    results = {}
    for round_number in range(args.rounds + 1):        # round 0 warms up
        for name, run in variants.items():
            start = time.perf_counter()
            results[name] = run()
            elapsed = time.perf_counter() - start
            if round_number > 0:
                times[name].append(elapsed)
    if len(set(results.values())) != 1:
        sys.exit(f"MISMATCH: {results}")

    baseline = statistics.median(times["sum(x in s for x in needles), set"])
    print(f"membership: {TABLE_KEYS} keys, {args.needles} needles, "
          f"{results[next(iter(results))]} present; median of {args.rounds} interleaved rounds")
    for name, values in times.items():
        middle = statistics.median(values)
        print(f"  {name:40s} {middle * 1e3:8.2f} ms   {baseline / middle:6.1f}x faster than the set loop")
    ratio = baseline / statistics.median(times["IntSet.count_contained(int64 array)"])
    print(f"  count_contained(array) speedup over the set loop: {ratio:.1f}x (target >= 5)")

    # Bytes per element.  The set's table alone, and the set with its int
    # objects (fresh ints, as a set built from computed values holds them).
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    fresh = set(int(x) + 0 for x in table_list)
    with_ints = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    empty_native = sys.getsizeof(optnative.IntSet())
    print(f"bytes per element at {TABLE_KEYS} keys:")
    rows = [
        ("Python set, table only (sys.getsizeof)", sys.getsizeof(python_set) / TABLE_KEYS),
        ("Python set + int objects (tracemalloc)", with_ints / len(fresh)),
        ("IntSet (__sizeof__: entries, buckets, bloom)",
         (sys.getsizeof(native_set) - empty_native) / len(native_set)),
    ]
    for label, value in rows:
        print(f"  {label:46s} {value:6.1f}")


if __name__ == "__main__":
    main()
