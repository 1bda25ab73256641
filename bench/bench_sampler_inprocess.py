"""The sampler's cost with the process noise taken out: each program
(bench/profile_programs.py) run again and again inside one `optdemo
python` process, unprofiled and under `_optdemo_host.sample` in turn
(round i: one of each), CPU time of each run, after one warm-up run.  A
worker per run, as `optdemo profile --only overhead` makes them, adds each
process's start-up and placement to the noise (bench_sampler_overhead.py);
here both kinds of run share one process, one heap and warm caches, so
what differs is the sampler: its signals and its handler.  Printed: the
median of the per-round ratios with their IQR, the medians' ratio, and the
handler's own time a sample.  A figure to read, not a test.

usage: bench_sampler_inprocess.py [--rounds 15] [--rate 1000]"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from profile_programs import OPTDEMO, load_average, programs  # noqa: E402

# Runs inside `optdemo python`: argv[1] the program's argv (JSON), then
# the rounds and the rate; prints the times as JSON.
ROUNDS_CODE = """
import contextlib, json, os, runpy, sys, time
import _optdemo_host

argv, rounds, rate = json.loads(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])

def run():
    sys.argv = list(argv)
    with open(os.devnull, "w") as null, contextlib.redirect_stdout(null):
        try:
            runpy.run_path(argv[0], run_name="__main__")
        except SystemExit:
            pass

def cpu(function):
    start = time.process_time()
    result = function()
    return time.process_time() - start, result

run()
plain, sampled, per_sample = [], [], []
for _ in range(rounds):
    plain.append(cpu(run)[0])
    seconds, (_, profile) = cpu(lambda: _optdemo_host.sample(run, rate=rate, root="<frozen runpy>"))
    sampled.append(seconds)
    per_sample.append(profile["handler_seconds"] / max(profile["samples"], 1))
print(json.dumps({"plain": plain, "sampled": sampled, "per_sample": per_sample}))
"""


def quartiles(values):
    low, median, high = statistics.quantiles(values, n=4)
    return low, median, high


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--rate", default="1000")
    args = parser.parse_args()
    print(f"load average before: {load_average()}")
    print(f"one `optdemo python` process a program, {args.rounds} rounds of (unprofiled, "
          f"sampled at {args.rate} Hz), CPU time; ratio per round: median [IQR]")
    print(f"{'program':16} {'unprofiled':>10} {'per round':>24} {'medians':>8} "
          f"{'us/sample':>9}  load")
    with tempfile.TemporaryDirectory() as folder:
        for name, argv in programs(folder).items():
            done = subprocess.run([OPTDEMO, "python", "-c", ROUNDS_CODE, json.dumps(argv),
                                   str(args.rounds), args.rate],
                                  capture_output=True, text=True, check=True)
            times = json.loads(done.stdout.splitlines()[-1])
            ratios = [s / p for s, p in zip(times["sampled"], times["plain"])]
            low, median, high = quartiles(ratios)
            medians = statistics.median(times["sampled"]) / statistics.median(times["plain"])
            print(f"{name:16} {statistics.median(times['plain']):9.3f}s "
                  f"{median:10.3f} [{low:.3f}-{high:.3f}] {medians:7.3f}x "
                  f"{1e6 * statistics.median(times['per_sample']):9.2f}  {load_average()}",
                  flush=True)


if __name__ == "__main__":
    main()
