"""How fast each CPython build runs small statements against Debian's
/usr/bin/python3.11 (PGO + LTO): the builds of bench/cpython_builds.py, and
optdemo hosts that embed one of them (the default host embeds Debian's
static libpython; a host linked with LTO against the `lto` build is the
attempt to close the gap).

For every build: the statements of `optdemo info` (machine.TIMEIT_STATEMENTS),
each timed here and in /usr/bin/python3.11 -m timeit alternately with the
same loop count (machine.interpreter_gap), so every ratio was measured side
by side, one build at a time.

    /usr/bin/python3.11 bench/bench_builds_gap.py [--cache DIR] [--host LABEL=PATH]...
"""

import argparse
import json
import os
import subprocess

SOURCE_ROOT = os.environ.get(
    "OPTDEMO_SOURCE_ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_CACHE = os.environ.get("OPTDEMO_CPYTHON_CACHE",
                               os.path.expanduser("~/.cache/optdemo/cpython"))
CONFIGS = ["plain", "lto", "pgo-lto", "debug"]

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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", default=DEFAULT_CACHE)
    parser.add_argument("--host", action="append", default=[], metavar="LABEL=PATH",
                        help="an optdemo executable to measure (repeatable)")
    args = parser.parse_args()

    builds = []
    for config in CONFIGS:
        python = os.path.join(args.cache, config, "bin", "python3.11")
        if os.access(python, os.X_OK):
            builds.append((config, lambda python=python: gap_of_python(python)))
    default_host = os.environ.get("OPTDEMO", os.path.join(SOURCE_ROOT, "build", "app", "optdemo"))
    hosts = [("host (Debian's static)", default_host)] + [
        tuple(item.split("=", 1)) for item in args.host]
    for label, path in hosts:
        if os.access(path, os.X_OK):
            builds.append((label, lambda path=path: gap_of_host(path)))

    results = []
    for label, measure in builds:
        results.append((label, measure()))
    statements = [item["stmt"] for item in results[0][1]["statements"]]
    width = max(len(s) for s in statements + ["geometric mean"])
    print("time against /usr/bin/python3.11 (PGO+LTO), per statement (>1: slower), "
          "each build measured side by side with it")
    print(f"  {'statement':<{width}}" + "".join(f"  {label:>22}" for label, _ in results))
    for i, stmt in enumerate(statements):
        print(f"  {stmt:<{width}}" + "".join(
            f"  {gap['statements'][i]['ratio']:>21.2f}x" for _, gap in results))
    print(f"  {'geometric mean':<{width}}" + "".join(
        f"  {gap['geometric_mean']:>21.2f}x" for _, gap in results))
    print(f"  {'range':<{width}}" + "".join(
        f"  {min(s['ratio'] for s in gap['statements']):>12.2f}x-"
        f"{max(s['ratio'] for s in gap['statements']):.2f}x" for _, gap in results))
    print("reproduce: /usr/bin/python3.11 bench/bench_builds_gap.py"
          + "".join(f" --host '{item}'" for item in args.host))


if __name__ == "__main__":
    main()
