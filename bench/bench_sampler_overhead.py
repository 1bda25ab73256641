"""What the sampling profiler costs: tests/scripts/hot_cold.py run by the
same embedded interpreter unprofiled (`optdemo python`), under the sampler
at 1000, 500, 250 and 100 samples a second (`optdemo profile`), and under cProfile
(`optdemo python -m cProfile`), interleaved round by round.  Wall time of
each whole process (start-up included, the same for all four), median of
the rounds, and each against unprofiled.  A figure to read, not a test."""

import os
import statistics
import subprocess
import sys
import time

OPTDEMO = os.environ.get("OPTDEMO", "build/app/optdemo")
ROOT = os.environ.get("OPTDEMO_SOURCE_ROOT", ".")
SCRIPT = os.path.join(ROOT, "tests", "scripts", "hot_cold.py")
N = sys.argv[1] if len(sys.argv) > 1 else "200000"
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 7

COMMANDS = {
    "unprofiled": [OPTDEMO, "python", SCRIPT, N],
    "sampler 1000 Hz": [OPTDEMO, "profile", "--rate", "1000", SCRIPT, N],
    "sampler 500 Hz": [OPTDEMO, "profile", "--rate", "500", SCRIPT, N],
    "sampler 250 Hz": [OPTDEMO, "profile", "--rate", "250", SCRIPT, N],
    "sampler 100 Hz": [OPTDEMO, "profile", "--rate", "100", SCRIPT, N],
    "cProfile": [OPTDEMO, "python", "-m", "cProfile", "-o", os.devnull, SCRIPT, N],
}


def main():
    times = {name: [] for name in COMMANDS}
    for _ in range(ROUNDS):
        for name, command in COMMANDS.items():
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            times[name].append(time.perf_counter() - start)
    print(f"hot_cold.py {N}, {ROUNDS} interleaved rounds, wall time of the whole process;"
          " ratio: the median of each round's time over that round's unprofiled time")
    for name, values in times.items():
        ratios = [value / base for value, base in zip(values, times["unprofiled"])]
        quartiles = statistics.quantiles(ratios, n=4)
        print(f"  {name:16} median {statistics.median(values):.3f} s  (min {min(values):.3f})"
              f"  {statistics.median(ratios):.3f}x unprofiled"
              f" (IQR {quartiles[0]:.3f}-{quartiles[2]:.3f})")


if __name__ == "__main__":
    main()
