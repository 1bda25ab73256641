"""What the timeit benchmarks share: building a timeit command line, running
it for its best per-loop time, and calibrating a loop count.  A "timeit
prefix" is the command that stands before timeit's own flags:
[python, "-m", "timeit"], [optdemo, "python", "-m", "timeit"] or
[optdemo, "timeit"]."""

import os
import subprocess
import sys

SOURCE_ROOT = os.environ.get(
    "OPTDEMO_SOURCE_ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(SOURCE_ROOT, "pyscripts"))
from optdemo.machine import TIMEIT_STATEMENTS, parse_timeit_output  # noqa: E402,F401


def timeit_command(prefix, setup, stmt, loops, repeat):
    """A full command; -v -v -v prints five significant digits, not three."""
    command = prefix + ["-v", "-v", "-v", "-n", str(loops), "-r", str(repeat)]
    if setup:
        command += ["-s", setup]
    return command + [stmt]


def best_per_loop(command):
    """Run a timeit command; its best value, in seconds per loop."""
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return parse_timeit_output(done.stdout)


def calibrate(prefix, setup, stmt, value_seconds):
    """The loop count timeit's autorange picks (values of >= 0.2 s), scaled
    so that one value lasts ~value_seconds."""
    command = prefix + ["-r", "1"] + (["-s", setup] if setup else []) + [stmt]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return max(1, int(int(done.stdout.split()[0]) * value_seconds / 0.2))
