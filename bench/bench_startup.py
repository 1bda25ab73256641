"""Host start-up to a ready interpreter with numpy imported:
`optdemo python -c 'import numpy'` against `/usr/bin/python3.11 -c 'import
numpy'` (target: within 1.2x), and with `-c pass` for scale.

Each command runs N times, interleaved (A B, B A, A B ...) after two warm-up
runs each; wall-clock time of the whole process (fork, exec, start-up, the
code, finalization) with time.perf_counter.  Prints medians, the ratio of the
medians and the command to reproduce.

    /usr/bin/python3.11 bench/bench_startup.py [--optdemo PATH] [--runs 20]
"""

import argparse
import os
import statistics
import subprocess
import time


def run_once(command):
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def measure(commands, runs, warmups=2):
    """Wall-clock seconds per run for each command, interleaved."""
    times = {name: [] for name in commands}
    names = list(commands)
    for _ in range(warmups):
        for name in names:
            run_once(commands[name])
    for run in range(runs):
        order = names if run % 2 == 0 else names[::-1]
        for name in order:
            times[name].append(run_once(commands[name]))
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--optdemo", default=os.environ.get("OPTDEMO"),
                        help="the host (default: $OPTDEMO)")
    parser.add_argument("--python", default="/usr/bin/python3.11")
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()
    if not options.optdemo:
        parser.error("give --optdemo PATH or set OPTDEMO")

    print(f"start-up, {options.runs} runs each, interleaved; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"\n{'code':<14}  {'python3.11 median':>17}  {'optdemo median':>14}  {'ratio':>6}"
          f"  {'optdemo min..max':>18}")
    for code in ("import numpy", "pass"):
        commands = {"python3.11": [options.python, "-c", code],
                    "optdemo": [options.optdemo, "python", "-c", code]}
        times = measure(commands, options.runs)
        python = statistics.median(times["python3.11"])
        host = statistics.median(times["optdemo"])
        spread = f"{min(times['optdemo']) * 1e3:.1f}..{max(times['optdemo']) * 1e3:.1f} ms"
        print(f"{code:<14}  {python * 1e3:>14.1f} ms  {host * 1e3:>11.1f} ms  {host / python:>5.2f}x"
              f"  {spread:>18}")
    print("\nratio = optdemo's median / python3.11's median (target for import numpy: <= 1.2x)")
    print(f"reproduce: /usr/bin/python3.11 bench/bench_startup.py --optdemo {options.optdemo} "
          f"--runs {options.runs}")


if __name__ == "__main__":
    main()
