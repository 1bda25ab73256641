"""How much instruction counts move between runs, against times: the same
workloads run RUNS times with `--count instructions`, and for each variant
the spread (highest / lowest) of its instructions per call and of its median
time per call over the runs, side by side.

Instruction counts measure work, not time: they repeat to ~0.01% where wall
time moves 10% or more on a shared machine, and they disagree with time
where the cost is memory traffic, not instructions.

    /usr/bin/python3.11 bench/bench_count_repeat.py [--optdemo PATH] [--runs 5]
"""

import argparse
import json
import os
import subprocess
import tempfile

SOURCE_ROOT = os.environ.get(
    "OPTDEMO_SOURCE_ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORKLOADS = ["string_concat", "list_membership", "numpy_vectorize", "slots_access", "queue_popleft"]


def one_run(optdemo):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "count.json")
        subprocess.run([optdemo, "run", "--quick", "--no-memory", "--no-gap", "--count",
                        "instructions", *WORKLOADS, "--json", path],
                       check=True, stdout=subprocess.DEVNULL)
        with open(path, encoding="utf-8") as file:
            data = json.load(file)
    rows = {}
    for bench in data["benchmarks"]:
        meta = bench["metadata"]
        values = sorted(v for run in bench["runs"] for v in run["values"])
        rows[meta["workload"] + "/" + meta["variant"]] = (
            meta.get("instructions_per_call"), values[len(values) // 2],
            meta.get("instructions_speedup"), meta.get("speedup"))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--optdemo", default=os.environ.get(
        "OPTDEMO", os.path.join(SOURCE_ROOT, "build", "app", "optdemo")))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs = [one_run(args.optdemo) for _ in range(args.runs)]
    print(f"{args.runs} runs of --quick --count instructions; spread = highest / lowest "
          "over the runs")
    print(f"  {'workload/variant':<34} {'instructions':>14} {'spread':>9} {'time spread':>12}"
          f" {'speedup: instr.':>16} {'time':>8}")
    for name in runs[0]:
        counts = [run[name][0] for run in runs if run.get(name) and run[name][0]]
        times = [run[name][1] for run in runs if run.get(name)]
        if not counts:
            continue
        last = runs[-1][name]
        print(f"  {name:<34} {counts[-1]:>14.4g} {max(counts) / min(counts):>8.4f}x"
              f" {max(times) / min(times):>11.3f}x {last[2] or 1:>15.3g}x"
              f" {last[3] or 1:>7.3g}x")
    print(f"reproduce: /usr/bin/python3.11 bench/bench_count_repeat.py --runs {args.runs}")


if __name__ == "__main__":
    main()
