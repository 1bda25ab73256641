"""Do the sampler and cProfile name the same hottest function?  For each
program (bench/profile_programs.py, the numpy polyfit loop included), R
times `optdemo profile --only cprofile --pstats P --json F PROGRAM`: the
sampler's top function by self samples (the watched run) against
cProfile's top Python function by own time (a quiet run of the same
command), with each builtin's own time charged to its Python caller, as the
sampler, which sees Python frames only, charges it (tests/
test_cli_profile_script.py's cprofile_python_functions).  Printed: the
agreements out of R, the top function's share of the samples and of
cProfile's time in each repetition.  A figure to read, not a test.

/usr/bin/python3.11 bench/bench_profile_agreement.py [--repeat R]
"""

import argparse
import collections
import os
import pstats
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from profile_programs import load_average, profile, programs  # noqa: E402


def cprofile_python_functions(pstats_path):
    """[((file's basename, function name), own seconds)], most first, each
    builtin's own time split by caller and charged to its Python callers."""
    own = collections.Counter()
    for function, (_, _, tottime, _, callers) in pstats.Stats(pstats_path).stats.items():
        if function[0] != "~":
            own[os.path.basename(function[0]), function[2]] += tottime
            continue
        for caller, (_, _, caller_tottime, _) in callers.items():
            if caller[0] != "~":
                own[os.path.basename(caller[0]), caller[2]] += caller_tottime
    return own.most_common()


def sampled_functions(report):
    """[((file's basename, function name), self samples)], most first."""
    functions = sorted(report["sampling"]["functions"], key=lambda f: -f["self"])
    return [((os.path.basename(f["file"]), f["function"].rpartition(".")[2]), f["self"])
            for f in functions]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10, help="commands per program")
    parser.add_argument("--rate", default="1000", help="--rate of the sampler (Hz)")
    args = parser.parse_args()
    started = time.monotonic()
    print(f"load average before: {load_average()}")
    print(f"optdemo profile --only cprofile --rate {args.rate} --pstats P --json F PROGRAM,"
          f" {args.repeat} times; share = the top function's self samples / all samples,"
          " its own time / all Python functions' own time (builtins charged to callers)")
    with tempfile.TemporaryDirectory(prefix="bench_agreement_") as folder:
        report_path = os.path.join(folder, "report.json")
        stats_path = os.path.join(folder, "stats.pstats")
        for name, argv in programs(folder, numpy=True).items():
            agreed, top2, crashes = 0, 0, 0
            sampler_shares, cprofile_shares, rows = [], [], []
            for _ in range(args.repeat):
                report, crashed = profile(["--only", "cprofile", "--rate", args.rate,
                                           "--pstats", stats_path], argv, report_path)
                crashes += crashed
                sampled = sampled_functions(report)
                charged = cprofile_python_functions(stats_path)
                agreed += sampled[0][0] == charged[0][0]
                top2 += {f for f, _ in sampled[:2]} == {f for f, _ in charged[:2]}
                sampler_shares.append(sampled[0][1] / sum(count for _, count in sampled))
                cprofile_shares.append(charged[0][1] / sum(seconds for _, seconds in charged))
                rows.append(f"{sampled[0][0][1]} {sampler_shares[-1]:.0%}"
                            f" (then {sampled[1][0][1] if len(sampled) > 1 else '-'}) /"
                            f" {charged[0][0][1]} {cprofile_shares[-1]:.0%}"
                            f" (then {charged[1][0][1] if len(charged) > 1 else '-'})")
            print(f"{name}: top function agrees {agreed}/{args.repeat}, same top two"
                  f" {top2}/{args.repeat}; share median sampler"
                  f" {statistics.median(sampler_shares):.0%}, cProfile"
                  f" {statistics.median(cprofile_shares):.0%}; load {load_average()}"
                  + (f"; {crashes} attempt(s) killed by a signal, retried" if crashes else ""))
            for index, row in enumerate(rows, 1):
                print(f"    {index}: sampler {row}")
    print(f"{time.monotonic() - started:.0f} s in all; load average after: {load_average()}")


if __name__ == "__main__":
    main()
