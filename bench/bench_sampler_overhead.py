"""What the sampling profiler costs, as `optdemo profile` measures it itself:
for each program (bench/profile_programs.py) and each rate,
`optdemo profile --only overhead --rounds R --rate HZ --json F PROGRAM`,
which runs the program unprofiled, sampled and under cProfile, R times
interleaved, in workers of the embedded interpreter (each run's wall time
is the program's, start-up excluded).  Printed: the unprofiled median, the
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
from profile_programs import load_average, profile, programs  # noqa: E402


def spread(values):
    """'lo-hi': the interquartile range from 4 values up, else min-max."""
    if len(values) >= 4:
        quartiles = statistics.quantiles(values, n=4)
        return f"IQR {quartiles[0]:.3f}-{quartiles[2]:.3f}"
    return f"{min(values):.3f}-{max(values):.3f}"


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
          " ratio = the command's median over the unprofiled median; per-round spread ="
          " round i's sampled over round i's unprofiled; us/sample = the watched run's"
          " sampling.handler_seconds / samples")
    header = (f"{'program':16} {'Hz':>5} {'unprofiled':>10} {'sampler':>8} {'per-round spread':>18}"
              f" {'cProfile':>8} {'cP spread':>18} {'rounds':>6} {'us/sample':>9} {'load':>14}")
    print(header)
    with tempfile.TemporaryDirectory(prefix="bench_sampler_") as folder:
        report_path = os.path.join(folder, "report.json")
        for name, argv in programs(folder, records=args.records).items():
            for rate in rates:
                report, crashes = profile(["--only", "overhead", "--rounds", str(args.rounds),
                                  "--rate", str(rate)], argv, report_path)
                overhead, sampling = report["overhead"], report["sampling"]
                plain = overhead["plain_runs"]
                sampled = [s / p for s, p in zip(overhead["sampled_runs"], plain)]
                cprofiled = [c / p for c, p in zip(overhead["cprofile_runs"], plain)]
                per_sample = (1e6 * sampling["handler_seconds"] / sampling["samples"]
                              if sampling["samples"] else float("nan"))
                odd = sum(c < 1 for c in cprofiled)
                print(f"{name:16} {rate:5} {overhead['plain']:9.3f}s"
                      f" {overhead['sampled_ratio']:7.3f}x {spread(sampled):>18}"
                      f" {overhead['cprofile_ratio']:7.3f}x {spread(cprofiled):>18}"
                      f" {len(plain):6} {per_sample:9.2f} {load_average():>14}"
                      + (f"  ({odd} round(s) with cProfile faster than unprofiled)" if odd else "")
                      + (f"  ({crashes} attempt(s) before: worker killed by a signal)"
                         if crashes else ""),
                      flush=True)
    print(f"{time.monotonic() - started:.0f} s in all; load average after: {load_average()}")


if __name__ == "__main__":
    main()
