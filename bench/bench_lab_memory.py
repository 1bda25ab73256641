"""How repeatable a lab's memory verdict is: `optdemo lab check` of the
weather_records lab's starter and reference, N times each, and the spread
of what it measured -- each function's peak resident size in a fresh
sandboxed process after one call, above one running a function that does
nothing (app/lab/lab.c, measure_memory), and the ratio the target is judged on.

    /usr/bin/python3.11 bench/bench_lab_memory.py [--runs 5]
"""

import argparse
import json
import os
import subprocess
import tempfile

SOURCE_ROOT = os.environ.get(
    "OPTDEMO_SOURCE_ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OPTDEMO = os.environ.get("OPTDEMO", os.path.join(SOURCE_ROOT, "build", "app", "optdemo"))
LAB = "weather_records"


def spread(values):
    low, high = min(values), max(values)
    middle = sorted(values)[len(values) // 2]
    return f"median {middle:.4g} [{low:.4g}-{high:.4g}], spread {100 * (high - low) / middle:.2f}%"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = os.path.join(SOURCE_ROOT, "pyscripts", "labs", LAB)
    measured = {"starter.py": [], "reference.py": []}
    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "memory.json")
        for _ in range(args.runs):
            subprocess.run([OPTDEMO, "lab", "check", "--quick", "--json", path, LAB,
                            os.path.join(folder, "starter.py"),
                            os.path.join(folder, "reference.py")],
                           capture_output=True, check=False)
            with open(path, encoding="utf-8") as stream:
                for result in json.load(stream)["results"]:
                    measured[os.path.basename(result["solution"])].append(result["memory"])
    for name, memories in measured.items():
        print(f"{LAB} {name}, {args.runs} checks:")
        for key, unit in (("solution", 2**20), ("starter", 2**20), ("reference", 2**20)):
            print(f"  {key:>9} MiB: " + spread([m[key] / unit for m in memories]))
        print("  vs starter:    " + spread([m["vs_starter"] for m in memories])
              + " (the target: at most 0.6)")
    print(f"reproduce: /usr/bin/python3.11 bench/bench_lab_memory.py --runs {args.runs}")


if __name__ == "__main__":
    main()
