"""`optdemo list` and `optdemo show`: the catalogue and the lesson."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_helpers import SOURCE_ROOT, fixture, optdemo  # noqa: E402

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
