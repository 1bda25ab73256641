"""hot_findings (pyscripts/optdemo/hot_findings.py): the linter's findings in
a profile's sampled functions, ranked by share of the time and, with a
results file, by the time the lesson's fix could save.  The profiles here
are made up (no timing): what is tested is the arithmetic, the ranking and
which function a finding belongs to.

Run with `meson test -C build --suite workloads`, or directly:
    /usr/bin/python3.11 -m pytest tests/test_hot_findings.py
"""

import ast
import json
import os
import sys
import sysconfig
import textwrap

import pytest

SOURCE_ROOT = os.environ.get("OPTDEMO_SOURCE_ROOT") or os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(SOURCE_ROOT, "pyscripts"))

from optdemo import hot_findings, lint  # noqa: E402  (needs the path above)

PLANTED = os.path.join(SOURCE_ROOT, "tests", "scripts", "planted_pitfall.py")

# Two pitfalls in two functions: OPT002 (list_membership) in `lookups`,
# OPT005 (queue_popleft) in `drain`.
TWO_PITFALLS = """\
def lookups(items, needles):
    known = list(items)
    hits = 0
    for needle in needles:
        if needle in known:
            hits += 1
    return hits


def drain(queue):
    queue = list(queue)
    out = []
    while queue:
        out.append(queue.pop(0))
    return out
"""


def write(folder, name, source):
    path = folder / name
    path.write_text(textwrap.dedent(source))
    return str(path)


def sampled(path, totals):
    """A profile's function table: {qualname: total samples} in one file."""
    return [{"function": name, "file": path, "self": total, "total": total}
            for name, total in totals.items()]


def results_file(folder, after_speedups):
    """A results file in `optdemo run --json`'s format (its "optdemo"
    summary, as app/output/results.c writes it), with the given speedups of
    each lesson's `after` over `before`, and a faster `native` that rank()
    must not take."""
    workloads = []
    for lesson, speedup in after_speedups.items():
        workloads.append({
            "workload": lesson, "n": 5000, "ok": True, "partial": False, "duration": 1.0,
            "processes": 3, "interpreter": "embedded", "variants": [
                {"variant": "before", "status": "ok", "median": 1.0},
                {"variant": "after", "status": "ok", "median": 1.0 / speedup,
                 "speedup": speedup, "speedup_ci_low": speedup * 0.9,
                 "speedup_ci_high": speedup * 1.1, "verdict": "faster", "significant": True},
                {"variant": "native", "status": "ok", "median": 0.1 / speedup,
                 "speedup": speedup * 10, "verdict": "faster", "significant": True}]})
    path = folder / "results.json"
    path.write_text(json.dumps({"version": "1.0", "metadata": {}, "benchmarks": [],
                                "optdemo": {"partial": False, "workloads": workloads,
                                            "growth": [], "interpreters": []}}))
    return str(path)


def everything_is_own(path):
    return True


# ------------------------------------------------------------------- ranking

def test_without_results_findings_rank_by_share(tmp_path):
    path = write(tmp_path, "program.py", TWO_PITFALLS)
    findings = hot_findings.rank(sampled(path, {"lookups": 300, "drain": 600}), 1000)
    assert [(f["rule"], f["function"]) for f in findings] == [("OPT005", "drain"), ("OPT002", "lookups")]
    assert [f["share"] for f in findings] == [0.6, 0.3]
    assert all(f["speedup"] is None and f["saving"] is None for f in findings)
    drain = findings[0]
    assert drain["lesson"] == "queue_popleft" and drain["file"] == path and drain["line"] == 14
    assert drain["code"] == "out.append(queue.pop(0))"


def test_with_results_a_bigger_measured_speedup_outranks_a_bigger_share(tmp_path):
    path = write(tmp_path, "program.py", TWO_PITFALLS)
    profile = sampled(path, {"lookups": 400, "drain": 600})
    # drain: 0.6 * (1 - 1/1.25) = 0.12; lookups: 0.4 * (1 - 1/100) = 0.396.
    results = results_file(tmp_path, {"list_membership": 100.0, "queue_popleft": 1.25})
    findings = hot_findings.rank(profile, 1000, results)
    assert [f["function"] for f in findings] == ["lookups", "drain"]
    assert findings[0]["speedup"] == 100.0          # after's, not native's 1000
    assert findings[0]["saving"] == pytest.approx(0.396)
    assert findings[1]["saving"] == pytest.approx(0.12)
    # The other way round: with the speedups swapped, share and saving agree.
    swapped = results_file(tmp_path, {"list_membership": 1.25, "queue_popleft": 100.0})
    assert [f["function"] for f in hot_findings.rank(profile, 1000, swapped)] == ["drain", "lookups"]


def test_a_finding_without_a_measurement_ranks_by_its_share(tmp_path):
    # lookups' lesson is not in the file: ranked by its share, 0.3, which is
    # above drain's measured saving with a 1.2x fix (0.1) and below it with
    # a 4x fix (0.45).
    path = write(tmp_path, "program.py", TWO_PITFALLS)
    profile = sampled(path, {"lookups": 300, "drain": 600})
    slow_fix = results_file(tmp_path, {"queue_popleft": 1.2})      # saving 0.1
    findings = hot_findings.rank(profile, 1000, slow_fix)
    assert [(f["function"], f["speedup"]) for f in findings] == [("lookups", None), ("drain", 1.2)]
    fast_fix = results_file(tmp_path, {"queue_popleft": 4.0})      # saving 0.45
    findings = hot_findings.rank(profile, 1000, fast_fix)
    assert [f["function"] for f in findings] == ["drain", "lookups"]
    assert findings[0]["saving"] == pytest.approx(0.45) and findings[1]["saving"] is None


def test_a_fix_measured_slower_sorts_last(tmp_path):
    path = write(tmp_path, "program.py", TWO_PITFALLS)
    results = results_file(tmp_path, {"queue_popleft": 0.5, "list_membership": 2.0})
    findings = hot_findings.rank(sampled(path, {"lookups": 10, "drain": 900}), 1000, results)
    assert [f["function"] for f in findings] == ["lookups", "drain"]
    assert findings[1]["saving"] == pytest.approx(-0.9)


def test_top_keeps_the_first_findings(tmp_path):
    path = write(tmp_path, "program.py", TWO_PITFALLS)
    findings = hot_findings.rank(sampled(path, {"lookups": 300, "drain": 600}), 1000, top=1)
    assert [f["function"] for f in findings] == ["drain"]


def test_a_finding_in_a_function_without_samples_is_dropped(tmp_path):
    path = write(tmp_path, "program.py", TWO_PITFALLS)
    assert [f["function"] for f in hot_findings.rank(sampled(path, {"drain": 0, "lookups": 5}), 100)] == ["lookups"]
    assert hot_findings.rank(sampled(path, {"<module>": 5}), 100) == []
    assert hot_findings.rank(sampled(path, {"drain": 5}), 0) == []


def test_the_first_run_of_a_lesson_in_the_results_counts(tmp_path):
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"optdemo": {"workloads": [
        {"workload": "counting", "variants": [{"variant": "before", "status": "ok"},
                                              {"variant": "after", "status": "ok", "speedup": 3.0}]},
        {"workload": "counting", "variants": [{"variant": "after", "status": "ok", "speedup": 9.0}]},
        {"workload": "caching", "variants": [{"variant": "after", "status": "failed"}]}]}}))
    assert hot_findings.measured_speedups(str(results)) == {"counting": 3.0}


def test_a_results_file_that_cannot_be_read_raises(tmp_path):
    with pytest.raises(OSError):
        hot_findings.measured_speedups(str(tmp_path / "missing.json"))
    broken = tmp_path / "broken.json"
    broken.write_text("[1, 2")
    with pytest.raises(ValueError):
        hot_findings.measured_speedups(str(broken))


# ------------------------------------------------------- whose finding it is

NESTED = """\
def outer(items):
    def inner(needles):
        found = list(items)
        return [n for n in needles if n in found]
    return inner


class Queue:
    def drain(self, queue):
        queue = list(queue)
        while queue:
            queue.pop(0)

    class Inner:
        def drain(self, queue):
            queue = list(queue)
            while queue:
                queue.pop(0)


def factory():
    class Local:
        def method(self, queue):
            queue = list(queue)
            while queue:
                queue.pop(0)
    return Local


async def fetch(queue):
    queue = list(queue)
    while queue:
        queue.pop(0)
"""


def test_function_spans_name_functions_as_cpython_does():
    namespace = {}
    exec(compile(NESTED, "nested.py", "exec"), namespace)
    expected = {namespace["outer"]([]).__qualname__, namespace["Queue"].drain.__qualname__,
                namespace["Queue"].Inner.drain.__qualname__,
                namespace["factory"]().method.__qualname__, namespace["fetch"].__qualname__}
    names = {qualname for _first, _last, qualname in hot_findings.function_spans(ast.parse(NESTED))}
    assert expected <= names
    assert names == expected | {"outer", "factory"}


def test_a_finding_belongs_to_the_innermost_function(tmp_path):
    path = write(tmp_path, "nested.py", NESTED)
    totals = {"outer": 100, "outer.<locals>.inner": 50, "Queue.drain": 40,
              "Queue.Inner.drain": 30, "factory": 90, "factory.<locals>.Local.method": 20,
              "fetch": 10}
    findings = hot_findings.rank(sampled(path, totals), 1000)
    assert [(f["function"], f["line"], f["share"]) for f in findings] == [
        ("outer.<locals>.inner", 4, 0.05), ("Queue.drain", 12, 0.04),
        ("Queue.Inner.drain", 18, 0.03), ("factory.<locals>.Local.method", 26, 0.02),
        ("fetch", 33, 0.01)]


def test_a_module_level_finding_uses_the_module_samples(tmp_path):
    path = write(tmp_path, "script.py", """\
        import sys

        words = sys.argv[1:]
        queue = list(words)
        while queue:
            print(queue.pop(0))


        def unused():
            pass
        """)
    [finding] = hot_findings.rank(sampled(path, {"<module>": 70, "unused": 0}), 100)
    assert (finding["function"], finding["rule"], finding["share"]) == ("<module>", "OPT005", 0.7)
    assert hot_findings.rank(sampled(path, {"unused": 70}), 100) == []


# ------------------------------------------------------ which files are read

def test_standard_library_and_installed_packages_are_not_ours():
    stdlib = sysconfig.get_paths()["stdlib"]
    assert not hot_findings.is_own_code(os.path.join(stdlib, "random.py"))
    assert not hot_findings.is_own_code("/usr/lib/python3/dist-packages/numpy/core/numeric.py")
    assert not hot_findings.is_own_code("/home/me/venv/lib/python3.11/site-packages/pkg/mod.py")
    assert hot_findings.is_own_code(PLANTED)
    assert hot_findings.is_own_code("/home/me/project/site_packages_report.py")


def test_standard_library_files_are_skipped_by_default(tmp_path):
    # The standard library has findings (docs/lint.md): say every function
    # in a file that has some is hot.
    stdlib = sysconfig.get_paths()["stdlib"]
    for name in sorted(os.listdir(stdlib)):
        path = os.path.join(stdlib, name)
        if name.endswith(".py") and lint.lint_source(lint.read_source(path), path):
            break
    else:
        pytest.skip("no standard library file with a finding")
    tree = ast.parse(lint.read_source(path))
    totals = {qualname: 10 for _first, _last, qualname in hot_findings.function_spans(tree)}
    totals["<module>"] = 10
    assert hot_findings.rank(sampled(path, totals), 10) == []
    assert hot_findings.rank(sampled(path, totals), 10, own=everything_is_own) != []


def test_unreadable_and_fileless_code_is_skipped(tmp_path):
    path = write(tmp_path, "program.py", TWO_PITFALLS)
    undecodable = tmp_path / "latin1.py"
    undecodable.write_bytes(b"x = '\xe9'\n" + TWO_PITFALLS.encode())
    profile = (sampled(path, {"drain": 5})
               + sampled(str(tmp_path / "gone.py"), {"drain": 50})
               + sampled(str(tmp_path), {"drain": 50})                     # a folder
               + sampled(str(undecodable), {"drain": 50})
               + sampled("<string>", {"drain": 50})
               + sampled("<frozen importlib._bootstrap>", {"_find_and_load": 50}))
    findings = hot_findings.rank(profile, 100, own=everything_is_own)
    assert [(f["file"], f["function"]) for f in findings] == [(path, "drain")]


def test_each_file_is_read_once(tmp_path, monkeypatch):
    path = write(tmp_path, "program.py", TWO_PITFALLS)
    reads = []
    real_read = hot_findings.lint.read_source
    monkeypatch.setattr(hot_findings.lint, "read_source", lambda p: reads.append(p) or real_read(p))
    hot_findings.rank(sampled(path, {"<module>": 9, "lookups": 3, "drain": 5}), 10)
    assert reads == [path]


# ------------------------------------------------------------------- the fixture

def test_the_planted_pitfall_ranks_first():
    # Samples as cProfile shares them out (python3.11 -m cProfile -s cumtime):
    # unique_signups 97% of the run, the rest a few percent.
    profile = sampled(PLANTED, {"<module>": 1000, "main": 995, "unique_signups": 965,
                                "generate_signups": 17, "build_report": 8,
                                "signups_by_city": 7, "Report.add_line": 1,
                                "Report.__init__": 1})
    findings = hot_findings.rank(profile, 1000)
    assert [(f["rule"], f["function"]) for f in findings] == [
        ("OPT002", "unique_signups"), ("OPT007", "signups_by_city"), ("OPT001", "Report.add_line")]
    assert findings[0]["code"] == "if signup not in unique:"
    assert findings[0]["share"] == 0.965


def test_the_planted_pitfall_ranks_first_by_saving_too(tmp_path):
    # Even with the cold lessons' fixes measured as far better, a fix for
    # 1% of the run saves at most 1%.
    profile = sampled(PLANTED, {"unique_signups": 965, "signups_by_city": 7,
                                "Report.add_line": 1})
    results = results_file(tmp_path, {"list_membership": 1.5, "counting": 1000.0,
                                      "string_concat": 1000.0})
    findings = hot_findings.rank(profile, 1000, results)
    assert findings[0]["rule"] == "OPT002"
    assert findings[0]["saving"] == pytest.approx(0.965 / 3)


# -------------------------------------------------------------------- the report

def test_text_names_the_lesson_and_the_measured_speedup(tmp_path):
    profile = sampled(PLANTED, {"unique_signups": 965, "signups_by_city": 7,
                                "Report.add_line": 1})
    results = results_file(tmp_path, {"list_membership": 120.0})
    lines = hot_findings.text(hot_findings.rank(profile, 1000, results), 2, results)
    report = "\n".join(lines)
    assert f"{PLANTED}:38" in report and "unique_signups" in report and "96.5%" in report
    assert "OPT002" in report and "| if signup not in unique:" in report
    assert f"optdemo show list_membership; measured: 120x on this machine (results {results})" in report
    assert "optdemo show counting\n" in report + "\n"
    assert "Report.add_line" not in report and lines[-1].strip() == "... and 1 more"


def test_text_escapes_control_characters_and_says_when_nothing_was_found():
    finding = {"rule": "OPT005", "lesson": "queue_popleft", "message": "m", "file": "a\x1b[2J.py",
               "line": 3, "function": "f", "share": 0.5, "speedup": None, "saving": None,
               "code": "q.pop(0)  # \x1b]0;title\x07"}
    report = "\n".join(hot_findings.text([finding], None))
    assert "\x1b" not in report and "\x07" not in report and "a\\x1b[2J.py:3" in report
    assert hot_findings.text([], 5) == [
        "What to try first: no pitfall the linter knows in the sampled functions' own files"]
