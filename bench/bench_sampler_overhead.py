"""What the sampling profiler costs, as `optdemo profile` measures it itself:
for each program (bench/profile_programs.py) and each rate,
`optdemo profile --only overhead --rounds R --rate HZ --json F PROGRAM`,
which runs the program unprofiled, sampled and under cProfile, R times
interleaved, in workers of the embedded interpreter (each run's wall time
is the program's, start-up excluded).  When a worker is killed by a signal
(a bug: the sampler crashed json.tool's now and then until its walk was
guarded, 2026-12-03), the command's complete rounds are kept and the rest are asked of a new command; the
medians and ratios are then the bench's own, over the pooled rounds (with
no crash they equal the command's).  Printed: the unprofiled median, the
command's median ratios, the spread of the per-round sampled/unprofiled
ratios (round i's sampled run over round i's unprofiled run), and the
handler's own time per sample in the watched sampled run.  A figure to
read, not a test.

/usr/bin/python3.11 bench/bench_sampler_overhead.py [--rounds R] [--rates 1000,250]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from profile_programs import load_average, programs, run_profile  # noqa: E402


def spread(values):
    """'median [lo-hi]': the median, the interquartile range from 4 values
    up, else min-max.  The per-round median can differ from the ratio of the
    medians when the unprofiled runs themselves vary."""
    if len(values) >= 4:
        quartiles = statistics.quantiles(values, n=4)
        return f"{statistics.median(values):.3f} [{quartiles[0]:.3f}-{quartiles[2]:.3f}]"
    return f"{statistics.median(values):.3f} [{min(values):.3f}-{max(values):.3f}]"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="--rounds of each command")
    parser.add_argument("--rates", default="1000,250", help="comma-separated rates (Hz)")
    parser.add_argument("--records", type=int, default=40_000, help="json.tool's records")
    args = parser.parse_args()
    rates = [int(rate) for rate in args.rates.split(",")]
    started = time.monotonic()
    print(f"load average before: {load_average()}")
    print(f"optdemo profile --only overhead --rounds {args.rounds} --rate HZ --json F PROGRAM;"
          " ratio = the median over the unprofiled median; per round: round i's sampled"
          " (cProfile) run over round i's unprofiled, their median [IQR, or min-max under 4];"
          " us/sample = the watched run's"
          " sampling.handler_seconds / samples")
    header = (f"{'program':16} {'Hz':>5} {'unprofiled':>10} {'sampler':>8} {'per round':>21}"
              f" {'cProfile':>8} {'cP per round':>21} {'rounds':>6} {'us/sample':>9} {'load':>14}")
    print(header)
    with tempfile.TemporaryDirectory(prefix="bench_sampler_") as folder:
        report_path = os.path.join(folder, "report.json")
        for name, argv in programs(folder, records=args.records).items():
            for rate in rates:
                plain, sampled_runs, cprofile_runs, crashes, sampling = [], [], [], 0, None
                for _ in range(5):
                    report, killed = run_profile(
                        ["--only", "overhead", "--rounds", str(args.rounds - len(plain)),
                         "--rate", str(rate)], argv, report_path)
                    crashes += killed
                    if report is not None and "overhead" in report:
                        # Complete rounds only: a killed run ends its round.
                        overhead = report["overhead"]
                        whole = min(len(overhead[key]) for key in
                                    ("plain_runs", "sampled_runs", "cprofile_runs"))
                        plain += overhead["plain_runs"][:whole]
                        sampled_runs += overhead["sampled_runs"][:whole]
                        cprofile_runs += overhead["cprofile_runs"][:whole]
                        if sampling is None and report.get("sampling", {}).get("samples"):
                            sampling = report["sampling"]
                    if len(plain) >= args.rounds:
                        break
                if not plain:
                    print(f"{name:16} {rate:5} no complete round in 5 commands", flush=True)
                    continue
                median = statistics.median
                plain_median = median(plain)
                sampled = [s / p for s, p in zip(sampled_runs, plain)]
                cprofiled = [c / p for c, p in zip(cprofile_runs, plain)]
                per_sample = (1e6 * sampling["handler_seconds"] / sampling["samples"]
                              if sampling else float("nan"))
                odd = sum(c < 1 for c in cprofiled)
                print(f"{name:16} {rate:5} {plain_median:9.3f}s"
                      f" {median(sampled_runs) / plain_median:7.3f}x {spread(sampled):>21}"
                      f" {median(cprofile_runs) / plain_median:7.3f}x {spread(cprofiled):>21}"
                      f" {len(plain):6} {per_sample:9.2f} {load_average():>14}"
                      + (f"  ({odd} round(s) with cProfile faster than unprofiled)" if odd else "")
                      + (f"  ({crashes} worker(s) killed by a signal: rounds pooled"
                         " from the commands' complete rounds)" if crashes else ""),
                      flush=True)
    print(f"{time.monotonic() - started:.0f} s in all; load average after: {load_average()}")


if __name__ == "__main__":
    main()
