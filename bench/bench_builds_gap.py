"""How fast each CPython build runs small statements against Debian's
/usr/bin/python3.11 (PGO + LTO): the builds of bench/cpython_builds.py, and
optdemo hosts that embed one of them (the default host embeds Debian's
static libpython; a host linked with LTO against the `lto` build is the
attempt to close the gap).

For every build: the statements of `optdemo info` (machine.TIMEIT_STATEMENTS),
each timed here and in /usr/bin/python3.11 -m timeit alternately with the
same loop count (machine.interpreter_gap), so every ratio was measured side
by side, one build at a time.

With --instructions, the same statements under valgrind's callgrind
instead: instructions per execution (a loop of LOOPS executions minus an
empty one), which repeat to the instruction where wall time on a shared
machine moves 30% -- what decides a 5% goal here.

    /usr/bin/python3.11 bench/bench_builds_gap.py [--cache DIR] [--config NAME]...
                                                  [--host LABEL=PATH]...
                                                  [--repeat N | --instructions]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys

SOURCE_ROOT = os.environ.get(
    "OPTDEMO_SOURCE_ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_CACHE = os.environ.get("OPTDEMO_CPYTHON_CACHE",
                               os.path.expanduser("~/.cache/optdemo/cpython"))
CONFIGS = ["plain", "lto", "pgo-lto", "pgo-lto-o3", "pgo-debian", "debug"]
GOAL = 1.05       # issue 8: a host within 5% of /usr/bin/python3.11 on every statement

# Run inside the build being measured: its own interpreter is "here".
PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
from optdemo import machine
print(json.dumps(machine.interpreter_gap()))
"""


def gap_of_python(python):
    done = subprocess.run([python, "-c", PROBE, os.path.join(SOURCE_ROOT, "pyscripts")],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def gap_of_host(host):
    done = subprocess.run([host, "info", "--json"], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)["interpreter_gap"]


REFERENCE = "/usr/bin/python3.11"
# Executions per count: enough that each count is ~30-100M instructions.
LOOPS = {"d[500]": 100_000, "500 in s": 100_000}
DEFAULT_LOOPS = 500


def collected(command):
    """The instructions callgrind counted for one command.  A fixed hash seed
    makes start-up's dicts, and so its count, the same in every process."""
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                           *command], capture_output=True, text=True, check=True,
                          env=dict(os.environ, PYTHONHASHSEED="0"))
    return int(re.search(r"Collected : (\d+)", done.stderr).group(1))


def instructions(prefix, stmt, setup):
    """Instructions per execution of stmt under the interpreter `prefix`.

    The loop runs in a function, as timeit's does, so setup's names are fast
    locals: at module level every `_` and `s` would be a lookup in the
    globals dict, whose probes depend on the string hash seed."""
    def loop(times):
        return f"def f():\n    {setup}\n    for _ in range({times}):\n        {stmt}\nf()\n"
    loops = LOOPS.get(stmt, DEFAULT_LOOPS)
    return (collected([*prefix, "-c", loop(loops)]) - collected([*prefix, "-c", loop(0)])) / loops


def instructions_table(targets):
    sys.path.insert(0, os.path.join(SOURCE_ROOT, "pyscripts"))
    from optdemo.machine import TIMEIT_STATEMENTS
    everyone = [("python3.11 (Debian)", [REFERENCE])] + targets
    counts = {label: [instructions(prefix, stmt, setup) for stmt, setup in TIMEIT_STATEMENTS]
              for label, prefix in everyone}
    reference = counts[everyone[0][0]]
    width = max(len(stmt) for stmt, _ in TIMEIT_STATEMENTS)
    print("instructions per execution (callgrind), and against /usr/bin/python3.11")
    print(f"  {'statement':<{width}}" + "".join(f"  {label:>22}" for label, _ in everyone))
    for i, (stmt, _) in enumerate(TIMEIT_STATEMENTS):
        print(f"  {stmt:<{width}}" + "".join(
            f"  {counts[label][i]:>10.0f} ({counts[label][i] / reference[i]:.2f}x)"
            for label, _ in everyone))
    met = [label for label, _ in targets
           if all(counts[label][i] <= GOAL * reference[i] for i in range(len(reference)))]
    print(f"goal, every statement <= {GOAL:.2f}x the instructions: {', '.join(met) or 'no build'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", default=DEFAULT_CACHE)
    parser.add_argument("--host", action="append", default=[], metavar="LABEL=PATH",
                        help="an optdemo executable to measure (repeatable)")
    parser.add_argument("--repeat", type=int, default=5,
                        help="measurements of every build, round robin (default 5)")
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions under callgrind instead of timing")
    parser.add_argument("--config", action="append", choices=CONFIGS, metavar="NAME",
                        help="measure only these builds (repeatable; default: every "
                             "3.11 build in the cache: " + ", ".join(CONFIGS) + ")")
    args = parser.parse_args()

    builds, targets = [], []
    for config in args.config or CONFIGS:
        python = os.path.join(args.cache, config, "bin", "python3.11")
        if os.access(python, os.X_OK):
            builds.append((config, lambda python=python: gap_of_python(python)))
            targets.append((config, [python]))
    default_host = os.environ.get("OPTDEMO", os.path.join(SOURCE_ROOT, "build", "app", "optdemo"))
    hosts = [("host (Debian's static)", default_host)] + [
        tuple(item.split("=", 1)) for item in args.host]
    for label, path in hosts:
        if not os.access(path, os.X_OK):
            print(f"skipped {label}: {path} is not an executable", file=sys.stderr)
            continue
        builds.append((label, lambda path=path: gap_of_host(path)))
        targets.append((label, [path, "python"]))
    if args.instructions:
        instructions_table([target for target in targets if target[0] != "debug"])
        print("reproduce: /usr/bin/python3.11 bench/bench_builds_gap.py --instructions"
              + "".join(f" --config {name}" for name in args.config or [])
              + "".join(f" --host '{item}'" for item in args.host))
        return

    # Every build measured --repeat times, round robin, so a burst of load
    # hits one repetition of every build rather than all of one build's.
    repeats = {label: [] for label, _ in builds}
    for _ in range(args.repeat):
        for label, measure in builds:
            repeats[label].append(measure())
    first = repeats[builds[0][0]][0]
    statements = [item["stmt"] for item in first["statements"]]

    def ratios(label, i):
        return sorted(gap["statements"][i]["ratio"] for gap in repeats[label])

    def cell(values):
        middle = statistics.median(values)
        return f"{middle:.2f}x [{values[0]:.2f}-{values[-1]:.2f}]"

    labels = [label for label, _ in builds]
    width = max(len(s) for s in statements + ["geometric mean"])
    print("time against /usr/bin/python3.11 (PGO+LTO), per statement (>1: slower): the median "
          f"of {args.repeat} measurements [lowest-highest], each measured side by side with it")
    print(f"  {'statement':<{width}}" + "".join(f"  {label:>22}" for label in labels))
    for i, stmt in enumerate(statements):
        print(f"  {stmt:<{width}}" + "".join(f"  {cell(ratios(label, i)):>22}"
                                            for label in labels))
    print(f"  {'geometric mean':<{width}}" + "".join(
        f"  {cell(sorted(gap['geometric_mean'] for gap in repeats[label])):>22}"
        for label in labels))
    def worst(label):
        return max(statistics.median(ratios(label, i)) for i in range(len(statements)))
    print(f"  {'worst statement (median)':<{width}}"
          + "".join(f"  {worst(label):>21.2f}x" for label in labels))
    met = [label for label in labels if worst(label) <= GOAL]
    print(f"goal, every statement's median <= {GOAL:.2f}x: {', '.join(met) or 'no build'}")
    print(f"reproduce: /usr/bin/python3.11 bench/bench_builds_gap.py --repeat {args.repeat}"
          + "".join(f" --host '{item}'" for item in args.host))


if __name__ == "__main__":
    main()
