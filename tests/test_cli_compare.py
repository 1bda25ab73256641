"""`optdemo compare`: results files side by side, on fixtures with known
answers (tests/results/: optdemo's layout and pyperf's own)."""

import json
import math
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_helpers import SOURCE_ROOT, fixture, optdemo  # noqa: E402

RESULTS = os.path.join(SOURCE_ROOT, "tests", "results")


def result(name):
    return os.path.join(RESULTS, name + ".json")


def compare_json(tmp_path, *files, options=()):
    path = tmp_path / "comparison.json"
    done = optdemo("compare", *options, *files, "--json", str(path))
    data = json.loads(path.read_text()) if path.exists() else None
    return done, data


def rows(comparison):
    return {row["name"]: row for row in comparison["rows"]}


def test_known_answers_on_optdemo_files(tmp_path):
    done, data = compare_json(tmp_path, result("reference"), result("other"))
    assert done.returncode == 0, done.stderr
    (comparison,) = data["comparisons"]
    found = rows(comparison)
    # the fixture's other file runs `before` 2x faster, `after` 1.5x slower,
    # `steady` the same (0.2% apart)
    before, after, steady = found["demo/before@1000"], found["demo/after@1000"], \
        found["demo/steady@1000"]
    assert before["reference_median"] == pytest.approx(10e-6)
    assert before["speedup"] == pytest.approx(2.0, rel=0.02)
    assert before["verdict"] == "faster"
    assert before["speedup_ci_low"] <= 2.0 <= before["speedup_ci_high"] * 1.01
    assert after["speedup"] == pytest.approx(1 / 1.5, rel=0.02) and after["verdict"] == "slower"
    assert steady["verdict"] == "same"
    # unequal numbers of values and of processes are fine
    assert before["reference_values"] == 15 and before["other_values"] == 12
    assert after["other_values"] == 12
    geometric = comparison["geometric_mean"]
    expected = math.exp((math.log(before["speedup"]) + math.log(after["speedup"])
                         + math.log(steady["speedup"])) / 3)
    assert geometric["speedup"] == pytest.approx(expected) and geometric["benchmarks"] == 3
    assert geometric["ci_low"] <= geometric["speedup"] <= geometric["ci_high"]
    assert comparison["only_in_reference"] == ["demo/gone@1000"]
    assert comparison["only_in_other"] == ["demo/new@1000"]
    out = done.stdout
    assert "2.00× faster *" in out and "1.50× slower *" in out and "same" in out
    assert "pypy 3.9.16" in out and "only in the reference (1): demo/gone@1000" in out
    assert "summary: 3 benchmarks in common, 1 faster, 1 slower, 1 same; 1 only in the " \
        "reference, 1 only in this file" in out
    # cpython against pypy: said, in the text and the JSON
    assert "warning: the interpreters differ: cpython in the reference, pypy" in out
    assert any("interpreters differ" in w for w in comparison["warnings"])


def with_metadata(tmp_path, name, **changes):
    """A copy of a fixture whose common metadata is changed."""
    data = json.load(open(result(name)))
    data["metadata"].update(changes)
    path = tmp_path / f"{name}_{len(os.listdir(tmp_path))}.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_runs_measured_under_other_conditions_are_warned_about(tmp_path):
    quiet = with_metadata(tmp_path, "reference", optdemo_template="c", load_avg_1min=0.2,
                          cpu_count=2, optdemo_gc="on")
    busy = with_metadata(tmp_path, "reference", optdemo_template="python", load_avg_1min=2.6,
                         cpu_count=2, optdemo_gc="off")
    done, data = compare_json(tmp_path, quiet, busy)
    assert done.returncode == 0, done.stderr
    warnings = data["comparisons"][0]["warnings"]
    assert len(warnings) == 3, warnings
    assert "timing templates differ: c in the reference, python" in warnings[0]
    assert "collector settings differ: on in the reference, off in" in warnings[1]
    assert "load average of 0.20 in the reference, 2.60" in warnings[2]
    assert done.stdout.count("  warning: ") == 3 and "3 warnings above" in done.stdout
    # the same conditions, a load within one CPU's worth: nothing to say
    calm = with_metadata(tmp_path, "reference", load_avg_1min=0.7, cpu_count=2)
    done, data = compare_json(tmp_path, quiet, calm)
    assert data["comparisons"][0]["warnings"] == [] and "warning" not in done.stdout


def test_a_gil_turned_back_on_is_said_and_warned_about(tmp_path):
    """3.13t with its GIL off against the same build whose GIL an import
    turned back on: the descriptions say which, and a warning says why it
    matters (no timing: the fixture's values)."""
    free = with_metadata(tmp_path, "reference", free_threaded=True, gil_enabled=False)
    reenabled = with_metadata(tmp_path, "reference", free_threaded=True, gil_enabled=True)
    done, data = compare_json(tmp_path, free, reenabled)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "cpython 3.11.2 release (free-threaded, GIL disabled) (/usr/bin/python3.11)" in lines[0]
    assert "release (free-threaded, GIL re-enabled at run time) (" in lines[1]
    (warning,) = data["comparisons"][0]["warnings"]
    assert warning.startswith("the GIL differs: off in the reference, on in ")
    # a build with a GIL says nothing of it
    done, data = compare_json(tmp_path, result("reference"), result("reference"))
    assert "free-threaded" not in done.stdout and "GIL" not in done.stdout


def test_files_with_nothing_in_common_say_so_in_a_few_lines(tmp_path):
    data = json.load(open(result("reference")))
    template = data["benchmarks"][0]
    data["benchmarks"] = [dict(template, metadata=dict(template["metadata"], name=f"w{i}/b@1"))
                          for i in range(80)]
    many = tmp_path / "many.json"
    many.write_text(json.dumps(data))
    done = optdemo("compare", str(many), result("pyperf_a"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) < 12, done.stdout
    assert "  no benchmark in common" in lines
    assert any(line.startswith("  only in the reference (80): w0/b@1, w1/b@1") and
               line.endswith("and 75 more (all in --json)") for line in lines)
    assert lines[-1] == ("  summary: 0 benchmarks in common; 80 only in the reference, "
                         "1 only in this file")


def test_pyperf_files_are_read(tmp_path):
    # pyperf's layout: the name and unit in the common metadata, and a
    # calibration run that holds warmups only
    done, data = compare_json(tmp_path, result("pyperf_a"), result("pyperf_b"))
    assert done.returncode == 0, done.stderr
    (row,) = data["comparisons"][0]["rows"]
    assert row["name"] == "timeit" and row["reference_values"] == 18
    assert row["speedup"] == pytest.approx(4 / 6, rel=0.01) and row["verdict"] == "slower"


def test_an_optdemo_file_against_a_pyperf_file_shares_no_benchmark(tmp_path):
    done, data = compare_json(tmp_path, result("reference"), result("pyperf_a"))
    assert done.returncode == 0
    comparison = data["comparisons"][0]
    assert comparison["rows"] == [] and comparison["only_in_other"] == ["timeit"]


def test_fail_if_slower_gates_a_ci_job():
    gate = optdemo("compare", "--fail-if-slower", "10", result("reference"), result("other"))
    assert gate.returncode == 1
    assert "demo/after@1000 is 50.0% slower" in gate.stderr
    # a slowdown under the threshold passes; so does a speedup
    assert optdemo("compare", "--fail-if-slower", "60", result("reference"),
                   result("other")).returncode == 0
    assert optdemo("compare", "--fail-if-slower", "10", result("pyperf_b"),
                   result("pyperf_a")).returncode == 0


def test_hide_same_shows_only_significant_rows():
    done = optdemo("compare", "--hide-same", result("reference"), result("other"))
    assert done.returncode == 0
    assert "demo/before@1000" in done.stdout and "demo/steady@1000" not in done.stdout


def test_a_changed_workload_source_is_refused():
    done = optdemo("compare", result("reference"), result("changed_source"))
    assert done.returncode == 2
    assert "demo/steady@1000: the workload's source differs" in done.stderr


@pytest.mark.parametrize("files, message", [
    ([result("reference")], "at least one other"),
    ([result("reference"), "/no/such.json"], "/no/such.json"),
    ([result("reference"), fixture("tiny")], "not JSON"),
    ([result("reference"), os.path.join(RESULTS, "..", "meson.build")], "not JSON"),
])
def test_bad_input_exits_2(files, message):
    done = optdemo("compare", *files)
    assert done.returncode == 2 and message in done.stderr


def test_a_file_that_is_json_but_no_results(tmp_path):
    path = tmp_path / "list.json"
    path.write_text("[1, 2, 3]")
    done = optdemo("compare", result("reference"), str(path))
    assert done.returncode == 2 and "not a results file" in done.stderr
    path.write_text('{"benchmarks": [{"runs": [{"values": [1.0, -2.0]}]}]}')
    done = optdemo("compare", result("reference"), str(path))
    assert done.returncode == 2 and "not a positive number" in done.stderr


def test_a_real_run_compares_with_itself_as_the_same_or_unclear(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    for path in (first, second):
        run = optdemo("run", "--quick", "--no-memory", "--no-gap", fixture("aa"),
                      "--json", str(path))
        assert run.returncode == 0, run.stdout
    done, data = compare_json(tmp_path, str(first), str(second))
    assert done.returncode == 0, done.stderr
    assert {row["name"] for row in data["comparisons"][0]["rows"]} == {
        "aa/before@1000", "aa/same_a@1000", "aa/same_b@1000"}


def test_markdown_report(tmp_path):
    path = tmp_path / "comparison.md"
    done = optdemo("compare", result("reference"), result("other"), "--markdown", str(path))
    assert done.returncode == 0
    text = path.read_text()
    assert text.startswith("# optdemo compare")
    assert "| demo/before@1000 | 10 µs | 5 µs | 2.00× faster * |" in text
