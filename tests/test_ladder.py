"""The ladder (native/ladder, pyscripts/optdemo/ladder.py): Cython, mypyc and
PyO3 rungs beside optnative.

Two halves: the bookkeeping on made-up folders (why a rung is unavailable,
lines of code, the table of `optdemo show`), and the modules meson built,
checked against the pitfalls' own `before` -- on their sizes, on edge cases
and on hypothesis' inputs -- and against hostile input (a wrong type, an int
too big for C) that must raise, not crash.  Nothing here is timed.

Run with `meson test -C build --suite workloads`, or directly with
PYTHONPATH=build/native:build/native/ladder /usr/bin/python3.11 -m pytest tests/test_ladder.py
"""

import importlib
import json
import os
import sys
import sysconfig

import pytest
from hypothesis import given, settings, strategies as st

SOURCE_ROOT = os.environ.get("OPTDEMO_SOURCE_ROOT") or os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(SOURCE_ROOT, "pyscripts"))

from optdemo import ladder, workloads  # noqa: E402  (needs the path above)

WORKLOADS = ["global_lookup", "numpy_vectorize", "counting", "caching", "sorted_insert",
             "priority_queue"]
STATUS = ladder.status()


def fake_ladder(tmp_path, monkeypatch, tools, ext_suffix=None, records=()):
    """A ladder folder of made-up files, first on sys.path."""
    status = {"python": "/usr/bin/python3.11",
              "ext_suffix": ext_suffix or sysconfig.get_config_var("EXT_SUFFIX"),
              "tools": tools}
    (tmp_path / ladder.STATUS_FILE).write_text(json.dumps(status))
    for record in records:
        (tmp_path / (record["module"] + ".ladder.json")).write_text(json.dumps(record))
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


# --- bookkeeping, on made-up folders -------------------------------------------

def test_tool_of_prefers_the_longest_suffix():
    assert ladder.tool_of("counting_cython_untyped") == "cython_untyped"
    assert ladder.tool_of("counting_cython") == "cython"
    assert ladder.tool_of("caching_hot_mypyc") == "mypyc"
    assert ladder.tool_of("numpy") is None


def test_a_tool_not_built_says_why(tmp_path, monkeypatch):
    fake_ladder(tmp_path, monkeypatch, {"mypyc": "disabled by -Dmypyc=disabled"})
    assert ladder.why_unavailable("counting_mypyc") == \
        "counting_mypyc: disabled by -Dmypyc=disabled"


def test_a_module_built_for_another_interpreter_says_for_which(tmp_path, monkeypatch):
    fake_ladder(tmp_path, monkeypatch, {"pyo3": "built"},
                ext_suffix=".cpython-311-x86_64-linux-gnu.so.not-this-one")
    reason = ladder.why_unavailable("counting_pyo3")
    assert "built for /usr/bin/python3.11" in reason and "not for this interpreter" in reason


def test_no_ladder_on_the_path_is_said(monkeypatch):
    monkeypatch.setattr(ladder, "folder", lambda: None)
    assert "not on this interpreter's path" in ladder.why_unavailable("counting_cython")
    assert ladder.why_unavailable("numpy") is None


def test_requires_reports_the_ladder_reason(tmp_path, monkeypatch):
    fake_ladder(tmp_path, monkeypatch, {"cython": "not built: cython3 was not found"})
    reason = workloads.unmet_requirement("no_such_workload_cython")
    assert reason == "no_such_workload_cython: not built: cython3 was not found"


def test_rungs_are_none_and_unavailable_when_missing(tmp_path, monkeypatch):
    fake_ladder(tmp_path, monkeypatch, {tool: "disabled by -D" + tool + "=disabled"
                                        for tool in ladder.TOOLS})
    rungs = ladder.modules("no_such_workload")
    assert all(getattr(rungs, tool) is None for tool in ladder.TOOLS)
    assert rungs.requires["pyo3"] == ["no_such_workload_pyo3"]


def test_lines_of_code_skip_the_docstring_comments_and_blanks():
    text = '"""What this is.\n\nMeasured: fast.\n"""\n\n# a comment\ndef f(x: int) -> int:\n\n' \
           '    return x  # trailing\n'
    assert ladder.lines_of_code(text) == 2
    rust = '// about\n#[pyfunction]\nfn f() -> i64 {\n    // why\n    1\n}\n'
    assert ladder.lines_of_code(rust, "//") == 4


def record(module, tool, text, seconds, dependencies=None):
    made = {"module": module, "tool": tool, "tool_version": tool + " 1.0",
            "python": "/usr/bin/python3.11",
            "ext_suffix": sysconfig.get_config_var("EXT_SUFFIX"),
            "source": f"native/ladder/x/{module}", "source_text": text,
            "build_seconds": seconds, "steps": []}
    if dependencies is not None:
        made["dependencies_seconds"] = dependencies
    return made


def write_workload(tmp_path):
    path = tmp_path / "laddered.py"
    path.write_text(
        'from optdemo import ladder\n'
        'ID = "laddered"\nTITLE = "t"\nSECTION = "s"\nEXPLANATION = "e"\n'
        'SIZES = {"quick": 1, "default": 2, "sweep": [1, 2]}\n'
        'COMPILED = ladder.modules(ID)\n'
        'VARIANTS = ["before", "after", "cython", "pyo3"]\n'
        'def setup(n):\n    return n\n'
        'def before(n):\n    total = 0\n    for i in range(n):\n        total += i\n'
        '    return total\n'
        'def after(n):\n    return sum(range(n))\n'
        'def cython(n):\n    return COMPILED.cython.f(n)\n'
        'def pyo3(n):\n    return COMPILED.pyo3.f(n)\n')
    return str(path)


def test_cost_table_counts_lines_and_build_times(tmp_path, monkeypatch):
    fake_ladder(tmp_path, monkeypatch, {"cython": "built", "pyo3": "built"}, records=[
        record("laddered_cython", "cython", "cdef int x\ncdef int y\n", 2.5),
        record("laddered_pyo3", "pyo3", "// about\n#[pyfunction]\n", 1.25, dependencies=24.0)])
    table = workloads.ladder_table(write_workload(tmp_path))
    rows = {line.split()[0]: line for line in table.splitlines()[2:] if line.strip()}
    assert "Cython" in rows["cython"] and " 2 " in rows["cython"] and "2.5 s" in rows["cython"]
    assert "Rust" in rows["pyo3"] and " 1 " in rows["pyo3"] and "24 s once" in rows["pyo3"]
    assert rows["before"].split()[2] == "5"      # the def line and four of body
    assert "optdemo show laddered --results FILE" in table


def test_cost_table_takes_speedups_from_a_results_file(tmp_path, monkeypatch):
    fake_ladder(tmp_path, monkeypatch, {"cython": "built", "pyo3": "built"}, records=[
        record("laddered_cython", "cython", "cdef int x\n", 2.5)])
    results = tmp_path / "run.json"
    results.write_text(json.dumps({"optdemo": {"workloads": [{
        "workload": "laddered", "interpreter": "embedded", "n": 1000, "variants": [
            {"variant": "before", "status": "ok"},
            {"variant": "cython", "status": "ok", "speedup": 41.25, "verdict": "faster"},
            {"variant": "pyo3", "status": "unavailable"}]}]}}))
    table = workloads.ladder_table(write_workload(tmp_path), str(results))
    assert "41.25x (faster)" in table and "embedded, n = 1,000" in table
    assert "unavailable" in table


def test_cost_table_refuses_a_results_file_without_the_workload(tmp_path, monkeypatch):
    fake_ladder(tmp_path, monkeypatch, {})
    results = tmp_path / "other.json"
    results.write_text(json.dumps({"optdemo": {"workloads": []}}))
    with pytest.raises(LookupError, match="no results for laddered"):
        workloads.ladder_table(write_workload(tmp_path), str(results))


def test_a_workload_without_rungs_has_no_table():
    path = workloads.resolve_one("string_concat")
    assert workloads.ladder_table(path) == ""


# --- the modules meson built ---------------------------------------------------

built_tools = [tool for tool in ladder.TOOLS
               if STATUS is not None and STATUS["tools"].get(tool) == "built"]
needs_build = pytest.mark.skipif(
    STATUS is None or STATUS.get("ext_suffix") != sysconfig.get_config_var("EXT_SUFFIX"),
    reason="no ladder built for this interpreter on sys.path (build/native/ladder)")


@needs_build
@pytest.mark.parametrize("workload_id", WORKLOADS)
def test_every_built_rung_imports_and_has_its_record(workload_id):
    for tool in built_tools:
        name = f"{workload_id}_{tool}"
        assert importlib.import_module(name) is not None
        made = ladder.record(name)
        assert made["tool"] == tool and made["build_seconds"] > 0
        assert made["source_text"].strip() and made["source"].startswith("native/ladder/")


@needs_build
@pytest.mark.parametrize("workload_id", WORKLOADS)
def test_every_rung_equals_before_at_the_quick_size(workload_id):
    module = workloads.load(workloads.resolve_one(workload_id))
    data = module.setup(module.SIZES["quick"])
    expected = module.before(data)
    for tool in built_tools:
        actual = getattr(module, tool)(data)
        assert workloads.same_result(expected, actual, getattr(module, "TOLERANCE", None)), tool


def rung(workload_id, tool):
    return importlib.import_module(f"{workload_id}_{tool}")


NONE_BUILT = [pytest.param("none", marks=pytest.mark.skip(reason="no rung was built here"))]


def each_tool():
    return pytest.mark.parametrize("tool", built_tools or NONE_BUILT)


@needs_build
@each_tool()
@settings(max_examples=60, deadline=None)
@given(items=st.lists(st.integers(min_value=-2**62, max_value=2**62), max_size=60))
def test_sorted_insert_sorts_anything(tool, items):
    assert rung("sorted_insert", tool).insort_all(list(items)) == sorted(items)


@needs_build
@each_tool()
@settings(max_examples=60, deadline=None)
@given(items=st.lists(st.integers(min_value=-50, max_value=50), max_size=80))
def test_counting_counts_anything(tool, items):
    counts = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    assert rung("counting", tool).count(list(items)) == counts


@needs_build
@each_tool()
@settings(max_examples=60, deadline=None)
@given(operations=st.lists(st.one_of(st.none(), st.integers(0, 10**6)), max_size=80))
def test_priority_queue_pops_in_order(tool, operations):
    queue, popped = [], []
    operations = list(operations)
    for operation in operations:
        if operation is None:
            if queue:                      # the workload never pops an empty queue
                queue.sort(reverse=True)
                popped.append(queue.pop())
        else:
            queue.append(operation)
    valid = []
    waiting = 0
    for operation in operations:           # drop the pops of an empty queue
        if operation is None and waiting == 0:
            continue
        waiting += -1 if operation is None else 1
        valid.append(operation)
    assert rung("priority_queue", tool).run_queue(valid) == popped + sorted(queue)


@needs_build
@each_tool()
def test_edge_cases_empty_and_one(tool):
    assert rung("global_lookup", tool).sqrt_sum([]) == 0.0
    assert rung("global_lookup", tool).sqrt_sum([4.0]) == 2.0
    assert rung("numpy_vectorize", tool).dot([], []) == 0.0
    assert rung("numpy_vectorize", tool).dot([2.0], [3.5]) == 7.0
    assert rung("counting", tool).count([]) == {}
    assert rung("caching", tool).total_steps([]) == 0
    assert rung("caching", tool).total_steps([27, 1]) == 111
    assert rung("caching", tool).collatz_steps(27) == 111
    assert rung("sorted_insert", tool).insort_all([]) == []
    assert rung("priority_queue", tool).run_queue([]) == []
    assert rung("priority_queue", tool).run_queue([5, None, 3, 9, None]) == [5, 3, 9]


@needs_build
@each_tool()
def test_hostile_input_raises_and_does_not_crash(tool):
    if tool != "cython_untyped":     # plain Python semantics: "two" is a fine dict key
        with pytest.raises(TypeError):
            rung("counting", tool).count([1, "two"])
    with pytest.raises(TypeError):
        rung("global_lookup", tool).sqrt_sum([1.0, "x"])
    with pytest.raises(TypeError):
        rung("sorted_insert", tool).insort_all([1, None])
    with pytest.raises(TypeError):
        rung("caching", tool).total_steps(None)


@needs_build
@pytest.mark.parametrize("tool", [tool for tool in built_tools if tool in ("cython", "pyo3")]
                         or NONE_BUILT)
def test_typed_rungs_refuse_ints_too_big_for_c(tool):
    with pytest.raises(OverflowError):
        rung("sorted_insert", tool).insort_all([1, 2**70])
    with pytest.raises(OverflowError):
        rung("priority_queue", tool).run_queue([2**70])


@needs_build
def test_compiling_the_hot_function_alone_gives_the_same_total():
    module = workloads.load(workloads.resolve_one("caching"))
    if STATUS["tools"].get("mypyc") != "built":
        pytest.skip("mypyc was not built")
    data = module.setup(module.SIZES["quick"])
    assert module.mypyc_hot(data) == module.before(data)
    assert importlib.import_module("caching_hot_mypyc").collatz_steps.__module__ \
        == "caching_hot_mypyc"
