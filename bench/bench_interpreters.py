"""The pitfall suite on several interpreters in one run: the embedded
build, /usr/bin/python3.11, python3.11d and pypy3 (those present), their
worker processes alternating.  Prints, per workload and variant, the
speedup over before on each interpreter (unavailable where it cannot run
the variant: optnative and numpy under PyPy), and each interpreter's
template overhead and time.

    /usr/bin/python3.11 bench/bench_interpreters.py [--optdemo PATH] [--quick]
"""

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import time

SOURCE_ROOT = os.environ.get(
    "OPTDEMO_SOURCE_ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CANDIDATES = ["embedded", "/usr/bin/python3.11", "/usr/bin/python3.11d", "pypy3"]


def present(name):
    return name == "embedded" or shutil.which(name) is not None


def cell(variant):
    if variant["status"] == "unavailable":
        return "unavailable"
    if variant["status"] != "ok":
        return variant["status"]
    if "speedup" not in variant:
        return "baseline"
    speedup = variant["speedup"]
    text = f"{speedup:.2f}x" if speedup >= 1 else f"1/{1 / speedup:.2f}"
    return text + (" *" if variant.get("significant") else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--optdemo", default=os.environ.get(
        "OPTDEMO", os.path.join(SOURCE_ROOT, "build", "app", "optdemo")))
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()

    interpreters = [name for name in CANDIDATES if present(name)]
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "suite.json")
        command = [args.optdemo, "run", "--no-memory", "--no-gap",
                   *(["--quick"] if args.quick else [])]
        for name in interpreters:
            command += ["--interpreter", name]
        command += ["pitfalls", "--json", path]
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - started
        with open(path, encoding="utf-8") as file:
            data = json.load(file)

    labels = [item["label"] for item in data["optdemo"]["interpreters"]]
    table = {}
    spent = dict.fromkeys(labels, 0.0)
    for workload in data["optdemo"]["workloads"]:
        spent[workload["interpreter"]] += workload["duration"]
        for variant in workload["variants"]:
            key = (workload["workload"], variant["variant"])
            table.setdefault(key, {})[workload["interpreter"]] = cell(variant)
    print(f"speedup over before per interpreter ({'quick' if args.quick else 'default'} mode,"
          f" one run of {seconds:.0f} s; * significant; 1/x = x times slower)")
    print(f"  {'workload/variant':<34}" + "".join(f" {label:>13}" for label in labels))
    for (workload, variant), cells in table.items():
        print(f"  {workload + '/' + variant:<34}"
              + "".join(f" {cells.get(label, '-'):>13}" for label in labels))
    print(f"  {'template overhead per call':<34}" + "".join(
        f" {item.get('template_overhead', float('nan')) * 1e9:>11.1f}ns"
        for item in data["optdemo"]["interpreters"]))
    print(f"  {'time spent':<34}" + "".join(f" {spent[label]:>12.1f}s" for label in labels))
    print("reproduce: /usr/bin/python3.11 bench/bench_interpreters.py"
          f"{' --quick' if args.quick else ''}")


if __name__ == "__main__":
    main()
