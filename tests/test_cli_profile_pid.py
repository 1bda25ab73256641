"""`optdemo profile --pid PID`: a running CPython 3.11 process sampled
from outside by reading its memory (app/measure/remote_sampler.c).

The target is tests/scripts/spin.py, started here with the same
interpreter; it says "ready" before its loop, and the sampler attaches
then.  Nothing depends on the machine's speed: hot_loop does 20 times
cold_loop's work, so it must get most samples however fast the loop runs.
The tests need permission to read the target's memory (root, or
kernel.yama.ptrace_scope = 0 for a child of the same user)."""

import collections
import json
import os
import re
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_helpers import SOURCE_ROOT, optdemo, read_collapsed  # noqa: E402

PYTHON = os.environ.get("OPTDEMO_PYTHON", "/usr/bin/python3.11")
SPIN = os.path.join(SOURCE_ROOT, "tests", "scripts", "spin.py")


def start_spin(*args):
    """spin.py running, past its start-up (it printed "ready")."""
    target = subprocess.Popen([PYTHON, SPIN, *args], stdout=subprocess.PIPE, text=True)
    assert target.stdout.readline().strip() == "ready"
    return target


def stop(target):
    target.kill()
    target.wait(timeout=30)


def samples_reported(stdout):
    return int(re.search(r"(\d+) samples \(a thread's stack each\)", stdout).group(1))


def test_hot_function_gets_most_samples(tmp_path):
    collapsed = tmp_path / "stacks.txt"
    target = start_spin("--seconds", "60")
    try:
        result = optdemo("profile", "--pid", str(target.pid), "--duration", "1.5",
                         "--collapsed", str(collapsed), timeout=60)
        assert target.poll() is None, "sampling must not stop or kill the target"
    finally:
        stop(target)
    assert result.returncode == 0, result.stderr
    assert "CPython 3.11" in result.stdout
    stacks = read_collapsed(collapsed)
    assert sum(count for _, count in stacks) == samples_reported(result.stdout) > 0
    self_counts = collections.Counter()
    for frames, count in stacks:
        self_counts[frames[-1][0]] += count
        names = [name for name, _, _ in frames]
        assert names[:2] == ["<module>", "main"], names     # outermost first, one thread
        # Lines are decoded from co_linetable: the innermost frame's lies in its function.
        if frames[-1][0] == "hot_loop":
            assert 14 <= frames[-1][2] <= 18, frames[-1]
    assert self_counts.most_common(1)[0][0] == "hot_loop", self_counts
    assert self_counts["hot_loop"] > self_counts["cold_loop"]
    table = result.stdout.split("Where the time went")[1]
    first_row = table.splitlines()[2]
    assert "hot_loop (" in first_row and "spin.py)" in first_row, table


def test_two_threads_are_told_apart(tmp_path):
    collapsed = tmp_path / "stacks.txt"
    target = start_spin("--seconds", "60", "--thread")
    try:
        result = optdemo("profile", "--pid", str(target.pid), "--duration", "1.5",
                         "--collapsed", str(collapsed), timeout=60)
    finally:
        stop(target)
    assert result.returncode == 0, result.stderr
    by_thread = collections.defaultdict(set)
    for frames, _ in read_collapsed(collapsed):
        name, file, line = frames[0]
        assert file == "<thread>" and line == 0 and name.startswith("thread "), frames
        by_thread[name].update(frame[0] for frame in frames[1:])
    assert len(by_thread) == 2, by_thread
    assert sorted("thread_loop" in functions for functions in by_thread.values()) == [False, True]
    assert any("hot_loop" in functions for functions in by_thread.values())


def test_target_exiting_meanwhile_ends_cleanly():
    target = start_spin("--seconds", "1")
    try:
        result = optdemo("profile", "--pid", str(target.pid), "--duration", "0", timeout=60)
    finally:
        target.wait(timeout=30)
    assert result.returncode == 0, result.stderr
    assert "until it exited" in result.stdout
    assert samples_reported(result.stdout) > 0
    assert "hot_loop" in result.stdout


def test_a_process_that_is_not_python_is_refused():
    sleeper = subprocess.Popen(["sleep", "100"])
    try:
        result = optdemo("profile", "--pid", str(sleeper.pid), "--duration", "1")
    finally:
        stop(sleeper)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"optdemo profile: process {sleeper.pid} is not a CPython "
                                     "process: none of its mapped files exports _PyRuntime")
    assert result.stdout == ""


def test_a_missing_process_is_refused():
    gone = subprocess.Popen(["true"])
    gone.wait()
    result = optdemo("profile", "--pid", str(gone.pid), "--duration", "1")
    assert result.returncode == 2
    assert result.stderr.strip() == f"optdemo profile: no process {gone.pid}"


@pytest.mark.parametrize("args, message", [
    (["--pid", "abc"], "--pid needs a process id"),
    (["--pid", "1", "--rate", "0"], "--rate needs 1-10000"),
    (["--pid", "1", "--duration", "-1"], "--duration needs seconds"),
    (["--pid", "1", "script.py"], "--pid takes no script"),
])
def test_bad_command_lines_are_usage_errors(args, message):
    result = optdemo("profile", *args)
    assert result.returncode == 2
    assert message in result.stderr


def test_help_documents_exit_codes():
    result = optdemo("profile", "--pid", "1", "--help")
    assert result.returncode == 0
    assert "ptrace_scope" in result.stdout and "exit codes" in result.stdout


def test_the_report_of_a_process_names_its_pitfall_and_draws_it(tmp_path):
    """A process's report is a script's: the linter's finding in its hot
    function, --json and the page with its flame graph."""
    program = tmp_path / "dedupe.py"
    program.write_text(
        "import sys\n"
        "def unique(items):\n"
        "    seen = []\n"
        "    for item in items:\n"
        "        if item not in seen:\n"
        "            seen.append(item)\n"
        "    return seen\n"
        "print('ready', flush=True)\n"
        "while True:\n"
        "    unique([i % 3000 for i in range(6000)])\n")
    target = subprocess.Popen([PYTHON, str(program)], stdout=subprocess.PIPE, text=True)
    report_path, page = tmp_path / "report.json", tmp_path / "page.html"
    try:
        assert target.stdout.readline().strip() == "ready"
        result = optdemo("profile", "--pid", str(target.pid), "--duration", "1",
                         "--json", str(report_path), "--html", str(page), timeout=60)
    finally:
        stop(target)
    assert result.returncode == 0, result.stderr
    report = json.loads(report_path.read_text())
    assert report["program"]["pid"] == target.pid
    assert report["program"]["argv"] == [PYTHON, str(program)]
    first = report["findings"][0]
    assert (first["rule"], first["function"]) == ("OPT002", "unique"), report["findings"]
    assert "What to try first" in result.stdout
    text = page.read_text()
    assert "<svg" in text and "<script" not in text and "unique" in text
