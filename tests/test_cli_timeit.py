"""`optdemo timeit`: python -m timeit's flags, defaults and output line.

No test asserts a speed.  The few that look at times check which clock or
unit was used, or the arithmetic of the output (raw times / loops = best),
with margins no machine load can cross.
"""

import os
import re
import signal
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_helpers import OPTDEMO, optdemo  # noqa: E402

PYTHON = os.environ.get("OPTDEMO_PYTHON", "/usr/bin/python3.11")
RESULT = re.compile(r"^(\d+) loops?, best of (\d+): ([0-9.e+-]+) (nsec|usec|msec|sec) per loop$")


def result_line(stdout):
    """(loops, repeat, value, unit) from the last line of the output."""
    last = stdout.rstrip("\n").splitlines()[-1]
    match = RESULT.match(last)
    assert match, f"not a timeit result line: {last!r}"
    return int(match.group(1)), int(match.group(2)), float(match.group(3)), match.group(4)


def test_output_line_has_timeits_format_and_honours_n_and_r():
    done = optdemo("timeit", "-n", "7", "-r", "3", "x = 1")
    assert done.returncode == 0, done.stderr
    loops, repeat, value, unit = result_line(done.stdout)
    assert (loops, repeat) == (7, 3)
    assert done.stdout.startswith("7 loops, best of 3: ")
    assert value > 0


def test_long_options_and_singular_loop():
    done = optdemo("timeit", "--number=1", "--repeat=2", "--unit=usec", "pass")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1 loop, best of 2: ")
    assert result_line(done.stdout)[3] == "usec"


def test_same_prefix_as_the_stdlib_timeit():
    args = ["-n", "11", "-r", "2", "-u", "msec", "x = 1"]
    ours = optdemo("timeit", *args)
    stdlib = subprocess.run([PYTHON, "-m", "timeit", *args], capture_output=True, text=True)
    assert ours.returncode == stdlib.returncode == 0
    assert ours.stdout.split(":")[0] == stdlib.stdout.split(":")[0] == "11 loops, best of 2"
    assert ours.stdout.split()[-3:-1] == stdlib.stdout.split()[-3:-1] == ["msec", "per"]


@pytest.mark.parametrize("repeat", ["0", "-3"])
def test_repeat_below_one_means_one(repeat):
    done = optdemo("timeit", "-n", "2", "-r", repeat, "pass")
    assert done.returncode == 0, done.stderr
    assert result_line(done.stdout)[:2] == (2, 1)


@pytest.mark.parametrize("unit", ["nsec", "usec", "msec", "sec"])
def test_unit_is_converted_consistently_with_the_raw_times(unit):
    # -v prints every value's total time in the same unit: the best per loop
    # must be min(raw) / loops, both rounded to 3 significant digits.
    done = optdemo("timeit", "-v", "-n", "1000", "-r", "3", "-u", unit, "x = 1")
    assert done.returncode == 0, done.stderr
    raw_line = next(line for line in done.stdout.splitlines() if line.startswith("raw times: "))
    raw = [item.split() for item in raw_line[len("raw times: "):].split(", ")]
    assert len(raw) == 3 and all(item[1] == unit for item in raw)
    loops, _, best, printed_unit = result_line(done.stdout)
    assert printed_unit == unit
    expected = min(float(item[0]) for item in raw) / loops
    assert best == pytest.approx(expected, rel=0.01)


@pytest.mark.parametrize("args, unit", [
    # Each statement's time is bounded on both sides by factors no load
    # reaches: an assignment takes ~20 ns here, not a microsecond; summing
    # 10,000 ints ~150 us (more than 10 us on any machine, less than 1 ms at
    # 3x load); sleeping lasts at least its time and, best of 3, far less
    # than 1000 times it.
    (["-n", "1000", "-r", "3", "x = 1"], "nsec"),
    (["-n", "20", "-r", "3", "sum(range(10000))"], "usec"),
    (["-n", "2", "-r", "3", "-s", "import time", "time.sleep(0.003)"], "msec"),
    (["-n", "1", "-r", "1", "-s", "import time", "time.sleep(1.001)"], "sec"),
])
def test_automatic_unit_is_the_largest_that_keeps_the_value_at_least_1(args, unit):
    done = optdemo("timeit", *args)
    assert done.returncode == 0, done.stderr
    _, _, value, printed_unit = result_line(done.stdout)
    assert printed_unit == unit
    assert value >= 1 and (unit == "sec" or value < 1000)


def test_autorange_uses_timeits_sequence_and_stops_at_the_first_value_over_0_2_s():
    done = optdemo("timeit", "-v", "-r", "1", "x = 1")
    assert done.returncode == 0, done.stderr
    calibration = re.findall(r"^(\d+) loops? -> ([0-9.e+-]+) secs$", done.stdout, re.M)
    counts = [int(count) for count, _ in calibration]
    expected = [scale * step for scale in (10 ** k for k in range(12)) for step in (1, 2, 5)]
    assert counts == expected[:len(counts)]
    times = [float(seconds) for _, seconds in calibration]
    # printed to 3 digits: a value just under 0.2 s may read "0.2"
    assert times[-1] >= 0.2 and all(t <= 0.2 for t in times[:-1])
    assert result_line(done.stdout)[0] == counts[-1]


def test_several_setups_and_statement_lines_are_joined_as_lines():
    ok = optdemo("timeit", "-n", "1", "-r", "1", "-s", "a = 1", "-s", "b = a + 1",
                 "c = b * 10", "assert c == 20")
    assert ok.returncode == 0, ok.stderr
    wrong = optdemo("timeit", "-n", "1", "-r", "1", "-s", "a = 1", "-s", "b = a + 1",
                    "c = b * 10", "assert c == 21")
    assert wrong.returncode == 1
    assert "AssertionError" in wrong.stderr


def test_statement_runs_number_times_repeat_and_setup_once_per_value():
    done = optdemo("timeit", "-n", "3", "-r", "2", "-s", "print('setup')", "print('tick')")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:-1] == ["setup", "tick", "tick", "tick"] * 2
    assert lines[-1].startswith("3 loops, best of 2: ")


def test_runs_like_timeit_setup_names_are_locals_in_a_fresh_module_with_gc_off():
    statement = ("import gc; assert not gc.isenabled(); "
                 "assert 'data' in locals() and 'data' not in globals(); "
                 "assert __name__ == '__main__'; "
                 "assert set(globals()) <= {'__name__', '__doc__', '__package__', "
                 "'__loader__', '__spec__', '__builtins__'}")
    done = optdemo("timeit", "-n", "2", "-r", "2", "-s", "data = [1, 2]", statement)
    assert done.returncode == 0, done.stderr


def test_current_directory_is_importable_like_timeit(tmp_path):
    (tmp_path / "helper_module_for_timeit.py").write_text("VALUE = 41\n")
    done = subprocess.run([OPTDEMO, "timeit", "-n", "1", "-r", "1",
                           "-s", "import helper_module_for_timeit as h", "assert h.VALUE == 41"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr


def test_error_in_statement_prints_traceback_with_the_source_line_and_exits_1():
    done = optdemo("timeit", "-n", "1", "1/0")
    assert done.returncode == 1
    assert "Traceback (most recent call last)" in done.stderr
    assert '"<timeit-src>"' in done.stderr and "    1/0" in done.stderr
    assert done.stderr.rstrip().endswith("ZeroDivisionError: division by zero")
    assert "per loop" not in done.stdout


def test_error_during_autorange_exits_1():
    done = optdemo("timeit", "-s", "import itertools; c = itertools.count()",
                   "if next(c) == 3: raise KeyError('third')")
    assert done.returncode == 1
    assert "KeyError: 'third'" in done.stderr


@pytest.mark.parametrize("statement, error", [
    ("x =", "SyntaxError"),
    ("return 1", "'return' outside function"),
    ("break", "SyntaxError"),
    # compiles on its own, not inside timeit's function template: the error
    # comes from the template's compilation, and nothing runs after it
    ("from os import *", "import * only allowed at module level"),
])
def test_statement_that_does_not_compile_exits_1(statement, error):
    done = optdemo("timeit", statement)
    assert done.returncode == 1
    assert error in done.stderr


def test_setup_error_exits_1():
    done = optdemo("timeit", "-s", "import no_such_module_here", "pass")
    assert done.returncode == 1
    assert "ModuleNotFoundError" in done.stderr


def test_system_exit_in_statement_is_reported_not_obeyed():
    done = optdemo("timeit", "-n", "1", "-r", "1", "raise SystemExit(3)")
    assert done.returncode == 1
    assert "SystemExit: 3" in done.stderr


@pytest.mark.parametrize("args, message", [
    (["-x", "pass"], "option -x not recognized"),
    (["--bogus", "pass"], "not recognized"),
    (["-n"], "requires an argument"),
    (["-n", "abc", "pass"], "-n wants a whole number"),
    (["-n", "-4", "pass"], "-n wants a whole number"),
    (["-r", "two", "pass"], "-r wants a whole number"),
    (["-u", "parsec", "pass"], "Unrecognized unit. Please select nsec, usec, msec, or sec."),
])
def test_bad_flags_exit_2_with_a_message(args, message):
    done = optdemo("timeit", *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stdout == ""


def test_help_exits_0_and_describes_the_flags():
    done = optdemo("timeit", "--help")
    assert done.returncode == 0
    assert done.stdout.startswith("usage: optdemo timeit")
    for flag in ("-n N", "-r N", "-s S", "-p", "-u U", "-v"):
        assert flag in done.stdout


def test_options_stop_at_the_first_statement_and_double_dash_works():
    done = optdemo("timeit", "-n", "1", "-r", "1", "--", "-1")
    assert done.returncode == 0, done.stderr
    # after the statement, "-n" is part of the statement text (a syntax error)
    done = optdemo("timeit", "-n", "1", "x = 1", "-n", "5")
    assert done.returncode == 1


def test_process_time_does_not_count_sleeping():
    # Clock choice, not speed: a 100 ms sleep lasts at least 100 ms of wall
    # time and costs tens of microseconds of this process's CPU time,
    # whatever the load (other processes' CPU time is not ours): 50 ms is a
    # bound over a thousand times that.
    args = ["-n", "1", "-r", "2", "-u", "msec", "-s", "import time", "time.sleep(0.1)"]
    wall = result_line(optdemo("timeit", *args).stdout)
    cpu = result_line(optdemo("timeit", "-p", *args).stdout)
    assert wall[2] >= 100
    assert cpu[2] < 50


def test_unreliable_results_warning_when_worst_is_4x_best():
    # The first value sleeps 0.2 s, the others do not sleep.
    setup = "import builtins; builtins.__dict__.setdefault('optdemo_values', []).append(1)"
    statement = "import time; time.sleep(0.2 if len(optdemo_values) == 1 else 0)"
    done = optdemo("timeit", "-n", "1", "-r", "3", "-s", setup, statement)
    assert done.returncode == 0, done.stderr
    assert "UserWarning: The test results are likely unreliable." in done.stderr
    assert "was more than four times slower than the best time" in done.stderr


def test_ctrl_c_exits_130():
    process = subprocess.Popen(
        [OPTDEMO, "timeit", "-n", "1000000000", "-s", "import sys; print('ready', flush=True)",
         "x = 1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline() == "ready\n"
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130
    assert "interrupted" in err
