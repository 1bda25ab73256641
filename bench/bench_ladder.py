"""The ladder, measured: each workload's rungs side by side in one run.

For the six workloads with compiled rungs, `optdemo run` times every
variant interleaved, and this prints each rung's speedup over before with
its 95% CI: after (idiomatic Python), cython_untyped, cython, mypyc, pyo3,
native (optnative, by hand) and, for numpy_vectorize, NumPy (its after).
Then the goal of issue 16: optnative at least as fast as the fastest
compiled rung wherever both exist -- the ratio of their medians with a
bootstrap CI over processes and values.  With --build-times it also
rebuilds every rung one tool at a time (nothing else building), for the
build times of a quiet build.

    /usr/bin/python3.11 bench/bench_ladder.py [--optdemo PATH] [--quick]
        [--processes N] [--build-times]
"""

import argparse
import glob
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

SOURCE_ROOT = os.environ.get(
    "OPTDEMO_SOURCE_ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORKLOADS = ["global_lookup", "numpy_vectorize", "counting", "caching", "sorted_insert",
             "priority_queue"]
RUNGS = ["after", "cython_untyped", "cython", "mypyc", "pyo3", "native"]
COMPILED = ["cython_untyped", "cython", "mypyc", "pyo3"]
RESAMPLES = 2000


def speedup_cell(item):
    if item is None:
        return "-"
    if item["status"] != "ok" or "speedup" not in item:
        return item["status"]
    return (f"{item['speedup']:.3g}x [{item['speedup_ci_low']:.3g}, "
            f"{item['speedup_ci_high']:.3g}]")


def values_by_process(results, workload, variant):
    for bench in results["benchmarks"]:
        meta = bench["metadata"]
        if (meta["workload"], meta["variant"]) == (workload, variant):
            return [run["values"] for run in bench["runs"] if run.get("values")]
    return []


def resampled_median(processes, rng):
    """The median of one bootstrap sample: processes, then values in each."""
    chosen = [rng.choice(processes) for _ in processes]
    return statistics.median(value for values in chosen
                             for value in (rng.choice(values) for _ in values))


def ratio_ci(results, workload, slow, fast):
    """median(slow) / median(fast), with a 95% bootstrap CI (None if unmeasured)."""
    a, b = values_by_process(results, workload, slow), values_by_process(results, workload, fast)
    if not a or not b:
        return None
    point = (statistics.median(v for vs in a for v in vs)
             / statistics.median(v for vs in b for v in vs))
    rng = random.Random(20261203)
    ratios = sorted(resampled_median(a, rng) / resampled_median(b, rng)
                    for _ in range(RESAMPLES))
    return point, ratios[int(0.025 * RESAMPLES)], ratios[int(0.975 * RESAMPLES) - 1]


def build_times():
    """Rebuild each tool's modules alone, one tool after another, into a
    scratch folder: {module: (seconds, dependencies seconds or None)}."""
    root = os.path.join(SOURCE_ROOT, "native", "ladder")
    times = {}
    with tempfile.TemporaryDirectory() as outdir:
        for tool, source in [("cython", "{id}/{id}_cython.pyx"),
                             ("cython_untyped", "{id}/{id}_mypyc.py"),
                             ("mypyc", "{id}/{id}_mypyc.py"), ("pyo3", "{id}")]:
            modules = [f"{wid}_{tool}=" + source.format(id=wid) for wid in WORKLOADS]
            subprocess.run([sys.executable, os.path.join(root, "build_ladder.py"), tool,
                            "--python", sys.executable, "--outdir", outdir, "--root", root,
                            *modules], check=True)
        for path in glob.glob(os.path.join(outdir, "*.ladder.json")):
            with open(path, encoding="utf-8") as file:
                made = json.load(file)
            times[made["module"]] = (made["build_seconds"], made.get("dependencies_seconds"))
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--optdemo", default=os.environ.get(
        "OPTDEMO", os.path.join(SOURCE_ROOT, "build", "app", "optdemo")))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--processes", type=int, default=None)
    parser.add_argument("--build-times", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "ladder.json")
        command = [args.optdemo, "run", "--no-memory", "--no-gap",
                   *(["--quick"] if args.quick else []),
                   *(["--processes", str(args.processes)] if args.processes else []),
                   *WORKLOADS, "--json", path]
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
        seconds = time.perf_counter() - started
        with open(path, encoding="utf-8") as file:
            results = json.load(file)

    print(f"$ {' '.join(command[:-2])}  ({seconds:.0f} s)")
    print("\nspeedup over before, 95% CI (NumPy: numpy_vectorize's after)\n")
    print("| workload (n) | " + " | ".join(RUNGS) + " |")
    print("|---|" + "---:|" * len(RUNGS))
    summaries = {summary["workload"]: summary for summary in results["optdemo"]["workloads"]}
    for workload in WORKLOADS:
        summary = summaries.get(workload)
        if summary is None:
            continue
        items = {item["variant"]: item for item in summary["variants"]}
        cells = [speedup_cell(items.get(rung)) for rung in RUNGS]
        print(f"| {workload} ({summary['n']:,}) | " + " | ".join(cells) + " |")

    print("\nthe goal: native (optnative, by hand) at least as fast as the fastest compiled "
          "rung\n(native's median time over that rung's; < 1 is native faster)\n")
    print("| workload | fastest compiled | native / it, 95% CI | goal |")
    print("|---|---|---:|---|")
    for workload in WORKLOADS:
        summary = summaries.get(workload)
        items = {item["variant"]: item for item in (summary or {}).get("variants", [])}
        measured = [rung for rung in COMPILED
                    if items.get(rung, {}).get("status") == "ok" and "median" in items[rung]]
        if not measured:
            continue
        fastest = min(measured, key=lambda rung: items[rung]["median"])
        if items.get("native", {}).get("status") != "ok":
            print(f"| {workload} | {fastest} | no native variant | - |")
            continue
        point, low, high = ratio_ci(results, workload, "native", fastest)
        goal = "met" if high <= 1.05 else "not met" if low > 1.05 else "undecided"
        print(f"| {workload} | {fastest} | {point:.2f} [{low:.2f}, {high:.2f}] | {goal} |")

    if args.build_times:
        times = build_times()
        print("\nbuild times, each tool alone (seconds; pyo3's first figure builds pyo3 itself)\n")
        print("| workload | " + " | ".join(COMPILED) + " |")
        print("|---|" + "---:|" * len(COMPILED))
        for workload in WORKLOADS:
            cells = []
            for tool in COMPILED:
                built, dependencies = times.get(f"{workload}_{tool}", (None, None))
                cells.append("-" if built is None else f"{built:.1f}")
            print(f"| {workload} | " + " | ".join(cells) + " |")
        dependencies = [extra for _, extra in times.values() if extra]
        if dependencies:
            print(f"\npyo3 and its dependencies, once: {dependencies[0]:.1f} s")


if __name__ == "__main__":
    main()
