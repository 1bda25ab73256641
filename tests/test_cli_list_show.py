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
    assert suite.returncode == 2 and "show takes one" in suite.stderr
    assert optdemo("show").returncode == 2


def test_show_broken_file_exits_1_with_the_error():
    result = optdemo("show", fixture("syntax_error"))
    assert result.returncode == 1 and "SyntaxError" in result.stderr
