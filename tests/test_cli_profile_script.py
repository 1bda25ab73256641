"""`optdemo profile SCRIPT.py [ARGS...]`: a program run as `python SCRIPT.py`
would run it, under the host's sampling profiler (app/embed/sampler.c).

Nothing here depends on the machine's speed: the planted hot function does 50
times the work of its neighbour, so it must get most of the samples however
fast the loop runs; a stdlib program's hottest function is compared with
cProfile's, not timed."""

import collections
import json
import os
import pstats
import random
import re
import shutil
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_helpers import OPTDEMO, SOURCE_ROOT, optdemo  # noqa: E402

SCRIPTS = os.path.join(SOURCE_ROOT, "tests", "scripts")
PYTHON = os.environ.get("OPTDEMO_PYTHON", "/usr/bin/python3.11")
FRAME = re.compile(r"^(?P<name>.+) \((?P<file>.+):(?P<line>\d+)\)$")


def script(name):
    return os.path.join(SCRIPTS, name + ".py")


def read_collapsed(path):
    """[(frames outermost first, count)], every line checked against the format."""
    stacks = []
    with open(path, encoding="utf-8") as file:
        for line in file:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            assert stack and count.isdigit(), line
            frames = stack.split(";")
            for frame in frames:
                assert FRAME.match(frame), frame
            stacks.append((frames, int(count)))
    return stacks


def self_samples(stacks):
    """{function name: samples where it is the innermost frame}."""
    counts = collections.Counter()
    for frames, count in stacks:
        counts[FRAME.match(frames[-1])["name"]] += count
    return counts


def samples_reported(stderr):
    return int(re.search(r"sampled: (\d+) samples", stderr)[1])


def test_the_planted_hot_function_gets_most_samples(tmp_path):
    collapsed = tmp_path / "stacks.txt"
    result = optdemo("profile", "--collapsed", str(collapsed), script("hot_cold"), "100000")
    assert result.returncode == 0, result.stderr
    counts = self_samples(read_collapsed(collapsed))
    total = sum(counts.values())
    assert total == samples_reported(result.stderr)
    # slow_part runs 50x fast_part's iterations of the same body.
    assert counts["slow_part"] > 5 * counts["fast_part"], counts
    assert counts["slow_part"] > total / 2, counts
    # The report's first function row names it too.
    rows = result.stderr.split("function\n", 1)[1].splitlines()
    assert "slow_part (" in rows[0], result.stderr


def test_argv_exit_code_and_main_pass_through():
    result = optdemo("profile", script("hot_cold"), "1000", "3", "--top", "x")
    assert result.returncode == 3, result.stderr
    assert "argv ['1000', '3', '--top', 'x'] name __main__" in result.stdout
    assert "exited with 3" in result.stderr


def test_a_script_that_raises_exits_1_with_its_traceback():
    result = optdemo("profile", script("raises"))
    assert result.returncode == 1, result.stderr
    assert result.stdout == "before the failure\n"
    assert "Traceback (most recent call last)" in result.stderr
    assert 'raises.py", line 5, in fail' in result.stderr
    assert "ValueError: planted failure" in result.stderr
    # The traceback python prints: the program's frames, none of runpy's.
    expected = subprocess.run([PYTHON, script("raises")], capture_output=True, text=True)
    assert result.stderr.startswith(expected.stderr), result.stderr
    assert "runpy" not in result.stderr.split("optdemo profile:")[0]


def test_sys_exit_with_a_message_exits_1_and_prints_it(tmp_path):
    program = tmp_path / "quits.py"
    program.write_text("import sys\nsys.exit('giving up')\n")
    result = optdemo("profile", str(program))
    assert result.returncode == 1
    assert result.stderr.startswith("giving up\n")


def test_script_flag_runs_a_file_without_the_py_suffix(tmp_path):
    program = tmp_path / "hot_cold"
    shutil.copy(script("hot_cold"), program)
    result = optdemo("profile", "--script", "--rate", "200", str(program), "10")
    assert result.returncode == 0, result.stderr
    assert "argv ['10'] name __main__" in result.stdout
    assert "at 200 Hz" in result.stderr


def test_usage_errors_exit_2(tmp_path):
    assert optdemo("profile", "--rate", "0", script("hot_cold")).returncode == 2
    assert optdemo("profile", "--clock", "sundial", script("hot_cold")).returncode == 2
    assert optdemo("profile", "--script").returncode == 2
    result = optdemo("profile", "--script", "--help")
    assert result.returncode == 0 and "SCRIPT.py [ARGS...]" in result.stdout


def test_the_cpu_clock_samples_too(tmp_path):
    collapsed = tmp_path / "stacks.txt"
    result = optdemo("profile", "--clock", "cpu", "--collapsed", str(collapsed),
                     script("hot_cold"), "100000")
    assert result.returncode == 0, result.stderr
    counts = self_samples(read_collapsed(collapsed))
    assert counts["slow_part"] > 5 * counts["fast_part"], counts


def cprofile_python_functions(tmp_path, argv):
    """cProfile's Python functions' names by own time, most first, counted as the
    sampler counts it, under the same embedded interpreter (`optdemo python
    -m cProfile`: another build's builtins cost differently, e.g. under
    AddressSanitizer's interceptors): the sampler sees Python
    frames only, so a builtin's time (a file's write, isinstance) is its
    Python caller's self time; cProfile's callers table splits each
    builtin's own time by caller, and that share goes to the caller here."""
    stats_path = tmp_path / "stats.pstats"
    subprocess.run([OPTDEMO, "python", "-m", "cProfile", "-o", str(stats_path), *argv],
                   check=True, capture_output=True)
    stats = pstats.Stats(str(stats_path)).stats
    own = collections.Counter()
    for function, (_, _, tottime, _, callers) in stats.items():
        if function[0] != "~":
            own[function] += tottime
            continue
        for caller, (_, _, caller_tottime, _) in callers.items():
            if caller[0] != "~":
                own[caller] += caller_tottime
    return [name for (_, _, name), _ in own.most_common()]


def test_json_tool_hot_function_agrees_with_cprofile(tmp_path):
    rng = random.Random(17)
    document = [{"id": i, "name": f"item{i}", "tags": [rng.choice("abcdef") for _ in range(5)],
                 "scores": {"x": rng.random(), "y": rng.randint(0, 1000)}}
                for i in range(40_000)]
    source = tmp_path / "in.json"
    source.write_text(json.dumps(document))
    tool = "/usr/lib/python3.11/json/tool.py"
    argv = [tool, str(source), str(tmp_path / "out.json")]
    expected = cprofile_python_functions(tmp_path, argv)

    collapsed = tmp_path / "stacks.txt"
    result = optdemo("profile", "--collapsed", str(collapsed), *argv)
    assert result.returncode == 0, result.stderr
    counts = self_samples(read_collapsed(collapsed))
    sampled = [name.rpartition(".")[2] for name, _ in counts.most_common()]
    # The same first function (here: _iterencode_dict).  Under
    # AddressSanitizer's interceptors the file writes charged to `dump`
    # make it a near tie (276 against 259 samples; cProfile, which adds its
    # own cost per call, still puts _iterencode_dict first): then the two
    # heaviest must be the same pair.
    assert sampled[0] == expected[0] or set(sampled[:2]) == set(expected[:2]), (
        counts.most_common(5), expected[:5])


def test_awkward_frames_are_walked_at_a_high_rate(tmp_path):
    """Deep recursion, generators, coroutines, a second thread: the program
    ends with the output plain Python gives, and deep stacks are cut, not lost."""
    expected = subprocess.run([PYTHON, script("awkward")], capture_output=True, text=True,
                              check=True).stdout
    collapsed = tmp_path / "stacks.txt"
    result = optdemo("profile", "--rate", "5000", "--collapsed", str(collapsed),
                     script("awkward"))
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected
    stacks = read_collapsed(collapsed)
    assert sum(count for _, count in stacks) == samples_reported(result.stderr)
    assert max(len(frames) for frames, _ in stacks) <= 256
    cut = int(re.search(r"(\d+) cut at 256 frames", result.stderr)[1])
    assert cut > 0, result.stderr
    names = {FRAME.match(frame)["name"] for frames, _ in stacks for frame in frames}
    assert "recurse" in names and "numbers" in names and "child" in names, names


def test_dash_m_runs_a_module_as_python_dash_m_does(tmp_path):
    """sys.argv[0] is the module's file, the current folder is sys.path[0],
    and the arguments after MODULE are the module's."""
    (tmp_path / "hotmod.py").write_text(
        "import sys\n"
        "def spin(n):\n"
        "    return sum(i % 3 for i in range(n))\n"
        "print(sys.argv[0].endswith('hotmod.py'), sys.argv[1:], __name__, spin(300_000))\n"
        "sys.exit(4)\n")
    result = subprocess.run([OPTDEMO, "profile", "-m", "hotmod", "a", "--rate", "b"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 4, result.stderr
    expected = subprocess.run([PYTHON, "-m", "hotmod", "a", "--rate", "b"], cwd=tmp_path,
                              capture_output=True, text=True).stdout
    assert result.stdout == expected == "True ['a', '--rate', 'b'] __main__ 300000\n"
    assert "hotmod exited with 4" in result.stderr
