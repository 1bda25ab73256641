"""Does `optdemo timeit` agree with the stdlib's timeit on the same build?

For a handful of small statements, run `optdemo timeit` and `optdemo python
-m timeit` (the stdlib's timeit in the same embedded interpreter) alternately,
round after round, with the same loop count and repeat, and compare the best
values.  Target: within 5%.  Prints a table and the command to reproduce.

    /usr/bin/python3.11 bench/bench_timeit_agreement.py [--optdemo PATH] [--rounds N]
"""

import argparse
import os
import statistics

from timeit_runs import TIMEIT_STATEMENTS, best_per_loop, calibrate, timeit_command



def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--optdemo", default=os.environ.get("OPTDEMO"),
                        help="the host to check (default: $OPTDEMO)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--value-seconds", type=float, default=0.05,
                        help="length of one timed value (default 0.05)")
    options = parser.parse_args()
    if not options.optdemo:
        parser.error("give --optdemo PATH or set OPTDEMO")
    host = options.optdemo

    print(f"optdemo timeit vs optdemo python -m timeit, {options.rounds} rounds alternating, "
          f"best of {options.repeat} values of ~{options.value_seconds * 1000:.0f} ms each; "
          f"load average {os.getloadavg()[0]:.2f}")
    rows = []
    for stmt, setup in TIMEIT_STATEMENTS:
        loops = calibrate([host, "timeit"], setup, stmt, options.value_seconds)
        ours_command = timeit_command([host, "timeit"], setup, stmt, loops, options.repeat)
        stdlib_command = timeit_command([host, "python", "-m", "timeit"], setup, stmt, loops,
                                        options.repeat)
        ours, stdlib = [], []
        for round_number in range(options.rounds):
            # Alternate who goes first, so drift hits both alike.
            if round_number % 2 == 0:
                ours.append(best_per_loop(ours_command))
                stdlib.append(best_per_loop(stdlib_command))
            else:
                stdlib.append(best_per_loop(stdlib_command))
                ours.append(best_per_loop(ours_command))
        paired = statistics.median(o / s for o, s in zip(ours, stdlib))
        rows.append((stmt, loops, min(ours), min(stdlib), min(ours) / min(stdlib), paired))

    width = max(len(row[0]) for row in rows)
    print(f"\n{'statement':<{width}}  {'loops':>8}  {'optdemo timeit':>14}  {'-m timeit':>10}"
          f"  {'ratio (best)':>12}  {'ratio (median of rounds)':>24}")
    for stmt, loops, ours, stdlib, ratio, paired in rows:
        print(f"{stmt:<{width}}  {loops:>8}  {ours * 1e9:>11.1f} ns  {stdlib * 1e9:>7.1f} ns"
              f"  {ratio:>12.3f}  {paired:>24.3f}")
    worst = max(abs(row[4] - 1) for row in rows)
    print(f"\nlargest difference of the best values: {worst * 100:.1f}% (target: within 5%)")
    print("reproduce: /usr/bin/python3.11 bench/bench_timeit_agreement.py "
          f"--optdemo {host} --rounds {options.rounds}")


if __name__ == "__main__":
    main()
