"""A/A: how often does optdemo call identical code different?

tests/workloads/aa.py has three variants running the same bytecode.  This
runs it RUNS times in a row in each mode -- worker processes (the default:
values from several processes, a CI that resamples processes, then rounds)
and --in-process (one process, the CI resamples rounds only) -- alternating
the modes, and reports side by side:

- false positives: rows called significantly faster or slower (goal 0);
- coverage: how often one run's 95% CI covers the median of the other runs'
  ratios for the same variant (goal >= 90%: a CI that describes the next
  run, not only this one);
- the spread of the ratios between runs, and what one run took.

    /usr/bin/python3.11 bench/bench_aa.py [--optdemo PATH] [--runs 10] [--quick]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

SOURCE_ROOT = os.environ.get(
    "OPTDEMO_SOURCE_ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORKLOAD = os.path.join(SOURCE_ROOT, "tests", "workloads", "aa.py")

MODES = {"workers": [], "in-process": ["--in-process"]}


def run_once(optdemo, extra, quick):
    """One run's rows: {variant: (speedup, low, high, verdict)} and seconds."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "aa.json")
        command = [optdemo, "run", "--no-memory", "--no-gap", *extra,
                   *(["--quick"] if quick else []), WORKLOAD, "--json", path]
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - started
        with open(path, encoding="utf-8") as file:
            data = json.load(file)
    rows = {}
    for bench in data["benchmarks"]:
        meta = bench["metadata"]
        if "speedup" in meta:
            rows[meta["variant"]] = (meta["speedup"], meta["speedup_ci_low"],
                                     meta["speedup_ci_high"], meta["verdict"])
    return rows, seconds


def summarize(runs):
    """False positives, coverage and spread over the runs of one mode."""
    rows = positives = covered = checked = 0
    ratios = {}
    for result, _ in runs:
        for variant, (speedup, _, _, verdict) in result.items():
            ratios.setdefault(variant, []).append(speedup)
            rows += 1
            positives += verdict in ("faster", "slower")
    for i, (result, _) in enumerate(runs):
        for variant, (_, low, high, _) in result.items():
            others = [r for j, r in enumerate(ratios[variant]) if j != i]
            if others:
                checked += 1
                covered += low <= statistics.median(others) <= high
    spread = max((max(r) / min(r) for r in ratios.values()), default=1.0)
    widths = [high / low for result, _ in runs for (_, low, high, _) in result.values()]
    return {
        "rows": rows,
        "positives": positives,
        "coverage": covered / checked if checked else float("nan"),
        "spread": spread,
        "width": statistics.median(widths) if widths else float("nan"),
        "seconds": statistics.median(seconds for _, seconds in runs),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--optdemo", default=os.environ.get(
        "OPTDEMO", os.path.join(SOURCE_ROOT, "build", "app", "optdemo")))
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()

    results = {mode: [] for mode in MODES}
    for run in range(args.runs):
        order = list(MODES) if run % 2 == 0 else list(MODES)[::-1]
        for mode in order:
            results[mode].append(run_once(args.optdemo, MODES[mode], args.quick))
        print(f"run {run + 1}/{args.runs} done", file=sys.stderr)

    print(f"A/A: {WORKLOAD}, {args.runs} runs per mode, modes alternating"
          f"{' (--quick)' if args.quick else ''}")
    print(f"  {'mode':<11} {'rows':>5} {'significant':>12} {'CI covers others':>17}"
          f" {'ratio spread':>13} {'CI width':>9} {'s per run':>10}")
    for mode, runs in results.items():
        s = summarize(runs)
        print(f"  {mode:<11} {s['rows']:>5} {s['positives']:>12} {s['coverage']:>16.0%}"
              f" {s['spread']:>12.3f}x {s['width']:>8.3f}x {s['seconds']:>10.1f}")
    print("  (significant: goal 0; coverage: goal >= 90%; ratio spread: highest / lowest "
          "ratio of one variant over the runs; CI width: median high / low)")
    print(f"reproduce: /usr/bin/python3.11 bench/bench_aa.py --runs {args.runs}"
          f"{' --quick' if args.quick else ''}")


if __name__ == "__main__":
    main()
