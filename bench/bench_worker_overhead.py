"""What isolation costs: the pitfall suite's wall time with worker processes
(the default) against --in-process, run alternately.

Workers pay a process start, the imports, setup(n) and a check call per
process, plus one warm-up value per variant and process; --in-process gives
its single process all the values instead.  Prints both times, their ratio,
and the per-workload times of the last pair of runs.

    /usr/bin/python3.11 bench/bench_worker_overhead.py [--optdemo PATH] [--pairs 1] [--quick]
"""

import argparse
import json
import os
import subprocess
import tempfile
import time

SOURCE_ROOT = os.environ.get(
    "OPTDEMO_SOURCE_ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODES = {"workers": [], "in-process": ["--in-process"]}


def run_suite(optdemo, extra, quick):
    """Wall seconds of one suite run and each workload's own duration."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "suite.json")
        command = [optdemo, "run", "--no-gap", *extra, *(["--quick"] if quick else []),
                   "pitfalls", "--json", path]
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - started
        with open(path, encoding="utf-8") as file:
            data = json.load(file)
    durations = {w["workload"]: w["duration"] for w in data["optdemo"]["workloads"]}
    return seconds, durations


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--optdemo", default=os.environ.get(
        "OPTDEMO", os.path.join(SOURCE_ROOT, "build", "app", "optdemo")))
    parser.add_argument("--pairs", type=int, default=1)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()

    times = {mode: [] for mode in MODES}
    last = {}
    for pair in range(args.pairs):
        order = list(MODES) if pair % 2 == 0 else list(MODES)[::-1]
        for mode in order:
            seconds, durations = run_suite(args.optdemo, MODES[mode], args.quick)
            times[mode].append(seconds)
            last[mode] = durations
    best = {mode: min(values) for mode, values in times.items()}
    label = "quick suite" if args.quick else "default suite"
    print(f"{label}: workers {best['workers']:.1f} s, --in-process {best['in-process']:.1f} s:"
          f" workers take {best['workers'] / best['in-process']:.2f}x"
          f" (best of {args.pairs} run{'s' if args.pairs > 1 else ''} each, alternating)")
    print(f"  {'workload':<18} {'workers':>9} {'in-process':>11}")
    for workload in sorted(last["workers"]):
        print(f"  {workload:<18} {last['workers'][workload]:>8.1f}s"
              f" {last['in-process'].get(workload, float('nan')):>10.1f}s")
    print("reproduce: /usr/bin/python3.11 bench/bench_worker_overhead.py"
          f"{' --quick' if args.quick else ''} --pairs {args.pairs}")


if __name__ == "__main__":
    main()
