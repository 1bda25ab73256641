"""`optdemo matrix` and `run --matrix`: which fixes matter on which build."""

import json
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_helpers import SOURCE_ROOT, fixture, optdemo  # noqa: E402

MATRIX = os.path.join(SOURCE_ROOT, "tests", "results", "matrix.json")


def test_known_answers_from_a_fixture(tmp_path):
    path = tmp_path / "matrix.json"
    done = optdemo("matrix", MATRIX, "--json", str(path))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    # on fastbuild the fix pays 4x; on jitbuild the naive loop wins
    assert "demo/after" in out and "4.00× faster *" in out and "1.20× slower *" in out
    assert ("the fastest variant of demo changes between builds: "
            "after on fastbuild, before on jitbuild") in out
    # jitbuild against the reference build, variant by variant
    assert "40.0× faster *" in out and "8.33× faster *" in out
    data = json.loads(path.read_text())
    assert data["reference"] == "fastbuild" and data["interpreters"] == ["fastbuild", "jitbuild"]
    rows = {row["name"]: row for row in data["against_reference"]["jitbuild"]["rows"]}
    assert rows["demo/before@100"]["speedup"] == pytest.approx(40.0)
    # the geometric mean of 40 (before) and 1 µs / 0.12 µs (after)
    assert data["against_reference"]["jitbuild"]["geometric_mean"]["speedup"] == pytest.approx(
        (40.0 * (1e-6 / 0.12e-6)) ** 0.5, rel=1e-3)


def test_reference_can_be_named():
    done = optdemo("matrix", "--reference", "jitbuild", MATRIX)
    assert done.returncode == 0
    assert "each build against jitbuild" in done.stdout and "40.0× slower *" in done.stdout
    bad = optdemo("matrix", "--reference", "nosuch", MATRIX)
    assert bad.returncode == 2 and "no interpreter labelled 'nosuch'" in bad.stderr


def test_a_single_interpreter_run_has_no_matrix(tmp_path):
    path = tmp_path / "one.json"
    run = optdemo("run", "--quick", "--no-memory", "--no-gap", fixture("tiny"), "--json", str(path))
    assert run.returncode == 0
    done = optdemo("matrix", str(path))
    assert done.returncode == 2 and "two interpreters or more" in done.stderr
    assert optdemo("run", "--matrix", fixture("tiny")).returncode == 2


def test_run_matrix_on_two_cheap_interpreters(tmp_path):
    path, report = tmp_path / "two.json", tmp_path / "two.md"
    run = optdemo("run", "--quick", "--no-memory", "--no-gap", "--matrix",
                  "--interpreter", "embedded", "--interpreter", "/usr/bin/python3.11",
                  fixture("tiny"), "string_concat", "--json", str(path), "--markdown", str(report))
    assert run.returncode == 0, run.stdout + run.stderr
    out = run.stdout
    assert "speedup over before, per build" in out and "each build against embedded" in out
    for row in ("tiny/after", "string_concat/native", "string_concat/before_aliased"):
        assert row in out
    # the same tables from the file
    again = optdemo("matrix", str(path))
    assert again.returncode == 0
    assert again.stdout.split("speedup over before, per build")[1].split("each build")[0] == \
        out.split("speedup over before, per build")[1].split("each build")[0]
    assert "## Speedup over before, per build" in report.read_text()


def changed_fixture(tmp_path, edit):
    """matrix.json after edit(summaries by interpreter), written to tmp_path."""
    with open(MATRIX, encoding="utf-8") as stream:
        data = json.load(stream)
    edit({summary["interpreter"]: summary for summary in data["optdemo"]["workloads"]})
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_a_tie_is_not_a_change_of_the_fastest_variant(tmp_path):
    # jitbuild's after now within noise of before: its CI holds 1, so no
    # variant is decidedly the fastest there, and nothing "changes"
    def tie(summaries):
        after = summaries["jitbuild"]["variants"][1]
        after.update(speedup=0.98, speedup_ci_low=0.9, speedup_ci_high=1.07, verdict="same",
                     significant=False)
    done = optdemo("matrix", changed_fixture(tmp_path, tie))
    assert done.returncode == 0, done.stderr
    assert "fastest variant" not in done.stdout


def test_a_variant_missing_on_one_build_is_left_out_of_the_fastest(tmp_path):
    # a native variant 50x faster on fastbuild, unavailable on jitbuild: the
    # fastest is judged among before and after, and the line says so
    def add_native(summaries):
        summaries["fastbuild"]["variants"].append(
            {"variant": "native", "status": "ok", "values": 15, "median": 8e-08, "speedup": 50.0,
             "speedup_ci_low": 48.0, "speedup_ci_high": 52.0, "verdict": "faster",
             "significant": True})
        summaries["jitbuild"]["variants"].append(
            {"variant": "native", "status": "unavailable", "values": 0})
    done = optdemo("matrix", changed_fixture(tmp_path, add_native))
    assert done.returncode == 0, done.stderr
    assert ("the fastest variant of demo changes between builds (among the variants that ran "
            "on every build): after on fastbuild, before on jitbuild") in done.stdout
