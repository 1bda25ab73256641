"""`optdemo list` and `optdemo show`: the catalogue and the lesson."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_helpers import SOURCE_ROOT, fixture, ladder_built, optdemo  # noqa: E402

PITFALLS = sorted(name[:-3] for name in os.listdir(os.path.join(SOURCE_ROOT, "pyscripts", "pitfalls"))
                  if name.endswith(".py") and not name.startswith("_"))


def test_list_shows_every_builtin_workload_with_title_and_section():
    result = optdemo("list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["id", "title"]
    listed = [line.split()[0] for line in lines[1:]]
    assert listed == PITFALLS
    assert "ERROR" not in result.stdout


def test_list_rejects_arguments():
    assert optdemo("list", "--bogus").returncode == 2
    assert optdemo("list", "extra").returncode == 2


def test_show_prints_explanation_and_every_variant_source():
    result = optdemo("show", "--width", "200", "string_concat")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("string_concat")
    assert "Article section:" in out
    for variant in ("before:", "before_aliased:", "after:"):
        assert variant in out
    assert "def before(" in out and "def after(" in out
    assert not any(line.endswith(" ") for line in out.splitlines())


def test_show_puts_variants_side_by_side_when_wide_enough():
    wide = optdemo("show", "--width", "250", fixture("tiny")).stdout
    narrow = optdemo("show", "--width", "30", fixture("tiny")).stdout
    header = [line for line in wide.splitlines() if line.startswith("before:")]
    assert header and "after:" in header[0]
    assert not any(line.startswith("before:") and "after:" in line for line in narrow.splitlines())


def test_show_says_when_no_native_variant_fits():
    out = optdemo("show", "slots_memory").stdout
    assert "No native variant:" in out


def test_show_unknown_suite_or_missing_name_exits_2():
    unknown = optdemo("show", "no_such_pitfall")
    assert unknown.returncode == 2 and "string_concat" in unknown.stderr
    suite = optdemo("show", "pitfalls")
    assert suite.returncode == 2 and "name one of them" in suite.stderr
    assert optdemo("show").returncode == 2


def test_show_broken_file_exits_1_with_the_error():
    result = optdemo("show", fixture("syntax_error"))
    assert result.returncode == 1 and "SyntaxError" in result.stderr


def test_a_file_with_nul_bytes_is_refused_in_one_line(tmp_path):
    broken = tmp_path / "nul.py"
    broken.write_bytes(b'ID = "nul"\0\n')
    for command in (("show",), ("run", "--quick", "--no-memory")):
        result = optdemo(*command, str(broken))
        assert result.returncode == 1, result
        assert "contains NUL bytes" in result.stdout + result.stderr
        assert "Traceback" not in result.stdout + result.stderr


def test_show_lists_only_workload_ids_as_valid_names():
    unknown = optdemo("show", "no_such_pitfall")
    valid = unknown.stderr.split("valid names:")[1]
    assert "string_concat" in valid and "pitfalls" not in valid


def test_show_keeps_the_blank_lines_of_a_variant(tmp_path):
    workload = tmp_path / "spaced.py"
    workload.write_text(open(fixture("tiny")).read().replace(
        "    total = 0\n    for x in data:", "    total = 0\n\n    for x in data:"))
    out = optdemo("show", "--width", "30", str(workload)).stdout
    lines = out.splitlines()
    start = lines.index("before:")
    assert lines[start + 1:start + 5] == ["def before(data):", "    total = 0", "",
                                          "    for x in data:"]


def test_show_width_must_be_a_number():
    for width in ("abc", "40x", "5"):
        result = optdemo("show", "--width", width, fixture("tiny"))
        assert result.returncode == 2 and "--width" in result.stderr
    # a COLUMNS that is no number is ignored, not trusted
    result = optdemo("show", fixture("tiny"), env={"COLUMNS": "wide"})
    assert result.returncode == 0 and "def after" in result.stdout


def test_show_a_missing_file_says_no_such_file():
    result = optdemo("show", "nowhere/absent.py")
    assert result.returncode == 2 and "no such file: nowhere/absent.py" in result.stderr


def test_show_ends_with_the_ladder_and_each_rung_source():
    result = optdemo("show", "--width", "100", "counting")
    assert result.returncode == 0, result.stderr
    table = result.stdout.split("The ladder:")[1]
    for variant in ("before", "after", "native", "cython_untyped", "cython", "mypyc", "pyo3"):
        assert any(line.split()[:1] == [variant] for line in table.splitlines()), variant
    assert "optdemo show counting --results FILE" in table
    built = ladder_built()
    if "cython" in built:
        assert "# native/ladder/counting/counting_cython.pyx:" in result.stdout
        assert "Cython version" in table
    if "pyo3" in built:
        assert "#[pymodule]" in result.stdout and "once to compile pyo3" in table


def test_show_results_adds_each_rung_speedup(tmp_path):
    results = tmp_path / "run.json"
    results.write_text(json.dumps({"optdemo": {"workloads": [{
        "workload": "counting", "interpreter": "embedded", "n": 50000, "variants": [
            {"variant": "before", "status": "ok"},
            {"variant": "cython", "status": "ok", "speedup": 12.5, "verdict": "faster"}]}]}}))
    result = optdemo("show", "counting", "--results", str(results))
    assert result.returncode == 0, result.stderr
    assert "12.50x (faster)" in result.stdout and "embedded, n = 50,000" in result.stdout


def test_show_results_that_cannot_be_read_exit_2_before_printing(tmp_path):
    missing = optdemo("show", "counting", "--results", str(tmp_path / "missing.json"))
    assert missing.returncode == 2 and missing.stdout == ""
    assert missing.stderr.startswith("optdemo show: ") and len(missing.stderr.splitlines()) == 1
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"optdemo": {"workloads": []}}))
    result = optdemo("show", "counting", "--results", str(other))
    assert result.returncode == 2 and "has no results for counting" in result.stderr
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    assert optdemo("show", "counting", "--results", str(garbage)).returncode == 2


def test_a_workload_without_rungs_has_no_ladder():
    result = optdemo("show", "string_concat")
    assert result.returncode == 0 and "The ladder" not in result.stdout
