"""`optdemo run` with worker processes and other interpreters: each fault a
workload can commit gets a clear row and the run goes on; values come from
several processes; verdicts only for rows that were measured."""

import importlib.util
import json
import os
import platform
import shutil
import sys
import sysconfig

import pytest

# The embedded interpreter is -Dpython's build, the one running these tests.
FREE_THREADED = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
HAS_NUMPY = importlib.util.find_spec("numpy") is not None

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_helpers import fixture, optdemo  # noqa: E402

FAST = ["--quick", "--no-memory", "--no-gap"]
PYPY = shutil.which("pypy3")


def run_json(tmp_path, *args, env=None):
    path = tmp_path / "results.json"
    result = optdemo("run", *args, "--json", str(path), env=env)
    data = json.loads(path.read_text()) if path.exists() else None
    return result, data


def variants(data, workload, interpreter=None):
    """{variant: summary} of one workload in the JSON's optdemo section."""
    for summary in data["optdemo"]["workloads"]:
        if summary["workload"] == workload and interpreter in (None, summary.get("interpreter")):
            return {v["variant"]: v for v in summary["variants"]}
    raise KeyError(workload)


def block(stdout, workload):
    """The lines of one workload's table block."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(workload + " "))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith(" ")), len(lines))
    return "\n".join(lines[start:end])


def test_each_fault_gets_its_row_and_the_run_goes_on(tmp_path):
    names = ["hang", "crash", "exits", "tiny", "raises_later", "sys_exit", "mutates"]
    result, data = run_json(tmp_path, *FAST, "--timeout", "3",
                            *[fixture(name) for name in names])
    assert result.returncode == 1
    out = result.stdout
    # hang: killed at the timeout, with the line it was stuck on
    hang = block(out, "hang")
    assert "TIMEOUT" in hang and "no answer within 3 s" in hang
    assert "hang.py\", line" in hang and "runner.py" not in hang
    assert variants(data, "hang")["after"]["status"] == "timeout"
    # crash: the signal and the worker's last lines (faulthandler's stack)
    crash = block(out, "crash")
    assert "CRASHED" in crash and "signal 11 (Segmentation fault)" in crash
    assert "crash.py\", line" in crash
    assert variants(data, "crash")["after"]["status"] == "crashed"
    # os._exit: the status
    assert "exited with status 3" in block(out, "exits")
    # error mid-timing: ERROR, the user's file and line, no speedup, no CI
    raises = variants(data, "raises_later")["after"]
    assert raises["status"] == "error" and "speedup" not in raises
    assert "raises_later.py\", line" in raises["detail"] and "runner.py" not in raises["detail"]
    assert "had passed" in raises["detail"]
    # sys.exit() in a variant is an error, not the end of the worker
    assert variants(data, "sys_exit")["after"]["status"] == "error"
    assert "SystemExit: 4" in block(out, "sys_exit")
    # a before that sorts its input: a contract error naming it; nothing compared
    mutated = variants(data, "mutates")
    assert mutated["before"]["status"] == "error"
    assert "contract error: before changed setup's data" in mutated["before"]["detail"]
    assert mutated["after"]["status"] == "not run"
    # the good workload among them was measured as usual, in several processes
    tiny = variants(data, "tiny")
    assert tiny["before"]["status"] == "ok" and tiny["after"]["status"] == "ok"
    assert {w["workload"]: w["ok"] for w in data["optdemo"]["workloads"]}["tiny"] is True
    # the before of a faulty workload is still measured in a fresh worker
    assert variants(data, "crash")["before"]["status"] == "ok"
    assert variants(data, "hang")["before"]["values"] >= 4


def test_no_speedup_for_a_row_that_is_not_ok(tmp_path):
    result, data = run_json(tmp_path, *FAST, "--timeout", "3", fixture("raises_later"),
                            fixture("crash"))
    for bench in data["benchmarks"]:
        meta = bench["metadata"]
        if meta["status"] != "ok":
            assert "speedup" not in meta and "verdict" not in meta
    for line in result.stdout.splitlines():
        if line.rstrip().endswith(("ERROR", "CRASHED", "TIMEOUT")):
            assert "faster" not in line and "slower" not in line and "[" not in line


def test_printed_output_is_captured_and_shown_under_the_row(tmp_path):
    result, data = run_json(tmp_path, *FAST, fixture("prints"))
    assert result.returncode == 0, result.stdout
    out = result.stdout
    assert "after printed 26 lines in its check call" in out
    assert "| after: a line on stderr" in out and "(23 more)" in out
    # nothing of the 26 lines per call x thousands of timed calls leaks out
    assert out.count("line 24") == 0
    assert len(out.splitlines()) < 40
    assert variants(data, "prints")["after"]["output_lines"] == 26


@pytest.mark.parametrize("name", ["nan", "nan_tolerance"])
def test_nan_results_match_at_the_same_positions(tmp_path, name):
    result, data = run_json(tmp_path, *FAST, fixture(name))
    assert result.returncode == 0, result.stdout
    assert "FAILED" not in result.stdout
    # nan_tolerance's after_array needs numpy: unavailable on a CPython 3.13 here.
    assert all(v["status"] == "ok" or (v["status"] == "unavailable" and not HAS_NUMPY)
               for v in variants(data, name).values())


def test_values_come_from_several_processes(tmp_path):
    result, data = run_json(tmp_path, "--no-memory", "--no-gap", "--quick", "--processes", "3",
                            "--rounds", "2", fixture("tiny"))
    assert result.returncode == 0, result.stdout
    for bench in data["benchmarks"]:
        runs = bench["runs"]
        assert len(runs) == 3
        assert [run["metadata"]["optdemo_process"] for run in runs] == [1, 2, 3]
        assert all(len(run["values"]) == 2 for run in runs)
        # the first process records its calibration's values as warm-ups;
        # --quick times no warm-up values (the check call warms up)
        assert len(runs[0]["warmups"]) >= 1
        assert all(len(run["warmups"]) == 0 for run in runs[1:])
        assert bench["metadata"]["optdemo_processes"] == 3
    assert data["metadata"]["optdemo_processes"] == 3
    assert data["metadata"]["optdemo_executor"] == "worker"


def test_too_few_values_is_said_not_same(tmp_path):
    # 2 processes x 2 values: 4 against 4 can never reach p < 0.01
    result, data = run_json(tmp_path, *FAST, "--processes", "2", "--rounds", "2",
                            fixture("tiny"))
    assert result.returncode == 0
    assert "too few values" in result.stdout
    assert variants(data, "tiny")["after"]["verdict"] == "too few values"
    assert "same" not in block(result.stdout, "tiny")


def test_a_slowdown_reads_as_a_factor_slower(tmp_path):
    # prints' after is far slower than before: "N× slower", never "0.0N×"
    result, _ = run_json(tmp_path, *FAST, fixture("prints"))
    row = next(line for line in result.stdout.splitlines() if line.startswith("  after "))
    assert "slower" in row and "0.0" not in row.split("slower")[0]


def test_processes_that_disagree_on_the_verdict_mark_the_row_unstable(tmp_path):
    # after calls sum() in odd processes (several times faster than before's
    # loop) and runs the loop three times in even ones: its processes'
    # speedups lie far on both sides of the verdict's marks, whatever the
    # load.  (Which rows get the mark, on made-up measurements: test_harness.c.)
    counter = tmp_path / "imports"
    result, data = run_json(tmp_path, *FAST, "--processes", "4", fixture("process_dependent"),
                            env={"OPTDEMO_TEST_COUNTER": str(counter)})
    assert result.returncode == 0, result.stdout
    after = variants(data, "process_dependent")["after"]
    assert "processes measured" in after["unstable"]
    low, high = after["speedup_range"]
    assert after["speedup_range_of"] == "processes" and low < 0.952 and high > 1.05
    assert "verdicts the noise could change: after" in result.stdout
    assert "unstable:" not in result.stdout          # one line for the table, none per row
    rows = {line.split()[0]: line for line in result.stdout.splitlines()
            if line.startswith(("  after ", "  before "))}
    assert "%!" in rows["after"] and "%!" not in rows["before"]


def test_in_process_keeps_one_process(tmp_path):
    result, data = run_json(tmp_path, *FAST, "--in-process", fixture("tiny"))
    assert result.returncode == 0, result.stdout
    assert data["metadata"]["optdemo_executor"] == "in-process"
    assert all(len(bench["runs"]) == 1 for bench in data["benchmarks"])
    assert len(data["benchmarks"][0]["runs"][0]["values"]) == 6


def test_in_process_catches_the_same_contract_errors(tmp_path):
    result, data = run_json(tmp_path, *FAST, "--in-process", fixture("mutates"),
                            fixture("prints"), fixture("nan"))
    assert result.returncode == 1
    assert variants(data, "mutates")["before"]["status"] == "error"
    assert variants(data, "nan")["after"]["status"] == "ok"
    assert "after printed 26 lines" in result.stdout


@pytest.mark.parametrize("args", [["--in-process", "--processes", "2"],
                                  ["--in-process", "--interpreter", "/usr/bin/python3.11"],
                                  ["--interpreter", "/no/such/python"],
                                  ["--template", "c", "--interpreter", "/usr/bin/python3.11"],
                                  ["--timeout", "0"], ["--memory-limit", "lots"]])
def test_bad_worker_options_exit_2(args):
    result = optdemo("run", *args, fixture("tiny"))
    assert result.returncode == 2, result.stderr
    assert "optdemo run:" in result.stderr and result.stdout == ""


def test_a_program_that_is_not_python_is_refused_before_measuring():
    result = optdemo("run", "--interpreter", "/bin/true", fixture("tiny"))
    assert result.returncode == 2
    assert "cannot measure with true" in result.stderr


def test_a_memory_limit_turns_a_huge_allocation_into_an_error(tmp_path):
    if os.environ.get("ASAN_OPTIONS"):
        pytest.skip("no RLIMIT_AS under AddressSanitizer")
    workload = tmp_path / "greedy.py"
    workload.write_text(open(fixture("tiny")).read().replace(
        "return sum(data)", "return sum(data) + len(bytearray(3 << 30)) * 0"))
    result, data = run_json(tmp_path, *FAST, "--memory-limit", "1G", str(workload))
    assert result.returncode == 1
    assert variants(data, "tiny")["after"]["status"] == "error"
    assert "MemoryError" in variants(data, "tiny")["after"]["detail"]


def test_python311_runs_the_native_variants_through_the_loadable_optnative(tmp_path):
    result, data = run_json(tmp_path, *FAST, "--interpreter", "/usr/bin/python3.11",
                            "global_lookup", "string_concat")
    assert result.returncode == 0, result.stdout
    for workload in ("global_lookup", "string_concat"):
        native = variants(data, workload, "python3.11")["native"]
        assert native["status"] == "ok"
    interpreters = data["optdemo"]["interpreters"]
    assert [item["label"] for item in interpreters] == ["python3.11"]
    assert interpreters[0]["template"] == "python"
    assert interpreters[0]["template_overhead"] > 0
    assert data["metadata"]["python_executable"] == "/usr/bin/python3.11"


def test_several_interpreters_alternate_and_use_the_python_template(tmp_path):
    result, data = run_json(tmp_path, *FAST, "--interpreter", "embedded",
                            "--interpreter", "/usr/bin/python3.11", fixture("tiny"))
    assert result.returncode == 0, result.stdout
    labels = [item["label"] for item in data["optdemo"]["interpreters"]]
    assert labels == ["embedded", "python3.11"]
    assert {item["template"] for item in data["optdemo"]["interpreters"]} == {"python"}
    names = {bench["metadata"]["name"] for bench in data["benchmarks"]}
    assert "tiny/after@200 [python3.11]" in names and "tiny/after@200 [embedded]" in names
    assert "n=200  on python3.11" in result.stdout
    # facts that differ between the interpreters are not claimed for both
    assert "python_executable" not in data["metadata"]


@pytest.mark.skipif(PYPY is None, reason="pypy3 is not installed")
def test_pypy_reports_numpy_and_native_unavailable_and_measures_the_rest(tmp_path):
    result, data = run_json(tmp_path, "--quick", "--no-gap", "--interpreter", "pypy3",
                            "global_lookup", "numpy_small", "slots_memory", fixture("crash"))
    assert result.returncode == 1   # only the crash fixture fails
    lookup = variants(data, "global_lookup", "pypy3")
    assert lookup["native"]["status"] == "unavailable" and "numpy" in lookup["native"]["detail"]
    assert lookup["before"]["status"] == "ok" and lookup["after_map"]["status"] == "ok"
    small = variants(data, "numpy_small", "pypy3")
    assert small["after"]["status"] == "unavailable" and small["before"]["status"] == "ok"
    slots = variants(data, "slots_memory", "pypy3")
    assert slots["after_dataclass"]["status"] == "unavailable"
    assert "3.10" in slots["after_dataclass"]["detail"]
    assert variants(data, "crash", "pypy3")["after"]["status"] == "crashed"
    ok = {w["workload"]: w["ok"] for w in data["optdemo"]["workloads"]}
    assert ok["global_lookup"] and ok["numpy_small"] and ok["slots_memory"]
    assert data["metadata"]["python_implementation"] == "pypy"
    # PyPy has no tracemalloc: no memory column, and no error for it
    assert all("memory_peak" not in bench["metadata"] for bench in data["benchmarks"])


def test_the_markdown_report_says_what_was_measured_where(tmp_path):
    path = tmp_path / "report.md"
    result = optdemo("run", *FAST, fixture("tiny"), "--markdown", str(path))
    assert result.returncode == 0
    text = path.read_text()
    assert "commit" in text and "command: `optdemo run" in text
    assert f"embedded: cpython {platform.python_version()}" in text   # -Dpython's build
    assert "static libpython" in text
    assert "machine:" in text


def test_nothing_timed_prints_no_legend():
    result = optdemo("run", *FAST, fixture("mutates"))
    assert result.returncode == 1
    assert "Times are seconds per call" not in result.stdout


def test_a_missing_file_says_no_such_file():
    result = optdemo("run", "no_such_dir/absent.py")
    assert result.returncode == 2
    assert "no such file: no_such_dir/absent.py" in result.stderr


def test_a_sweep_skips_a_variant_predicted_past_the_budget_without_calling_it(tmp_path):
    # grows' before is quadratic: from 800 to 20,000 its call grows ~600x,
    # past a 3 s budget; after, linear, goes on without a reference.
    result, data = run_json(tmp_path, "--quick", "--no-memory", "--no-gap", "--sweep",
                            "--budget", "3", fixture("grows"))
    assert result.returncode == 0, result.stdout
    largest = [w for w in data["optdemo"]["workloads"] if w["n"] == 20000][0]
    variants = {v["variant"]: v for v in largest["variants"]}
    assert variants["before"]["status"] == "skipped"
    assert "skipped without a call" in variants["before"]["detail"]
    assert variants["after"]["status"] == "ok"
    assert "not checked against before" in variants["after"]["detail"]
    growth = {g["variant"]: g for g in data["optdemo"]["growth"]}
    assert growth["before"]["n"] == [100, 200, 400, 800]
    # Quadratic, told from linear with a wide margin (a loaded CI machine
    # measured 1.69 once over this 8x range).
    assert 1.3 <= growth["before"]["exponent"] <= 2.7
    assert growth["after"]["n"][-1] == 20000


@pytest.mark.skipif(bool(os.environ.get("ASAN_OPTIONS")) or not shutil.which("valgrind"),
                    reason="callgrind cannot run an AddressSanitizer build; needs valgrind")
def test_count_instructions_per_call_under_callgrind(tmp_path):
    counts = []
    for attempt in range(2):
        result, data = run_json(tmp_path, *FAST, "--count", "instructions", fixture("tiny"))
        assert result.returncode == 0, result.stdout + result.stderr
        meta = {b["metadata"]["variant"]: b["metadata"] for b in data["benchmarks"]}
        counts.append({name: m["instructions_per_call"] for name, m in meta.items()})
        # sum() over 200 ints runs far fewer instructions than the loop
        assert meta["after"]["instructions_speedup"] > 2
        assert "instructions per call (callgrind): before" in result.stdout
    # counts repeat (deterministic work), unlike times: 2% is a wide margin
    for name in counts[0]:
        assert abs(counts[0][name] - counts[1][name]) <= 0.02 * counts[0][name]


def test_count_takes_only_instructions():
    result = optdemo("run", "--count", "cycles", fixture("tiny"))
    assert result.returncode == 2 and "--count needs 'instructions'" in result.stderr


# A stand-in for a free-threaded CPython (python3.13t) made of python3.11:
# sysconfig says Py_GIL_DISABLED, and the GIL is "on" once optnative is
# imported, as a real free-threaded build turns it back on when an extension
# module that does not declare itself free-threading safe is imported.
FAKE_FREE_THREADED = '''\
import runpy
import sys
import sysconfig

real_get_config_var = sysconfig.get_config_var
sysconfig.get_config_var = lambda name: 1 if name == "Py_GIL_DISABLED" else real_get_config_var(name)
sys._is_gil_enabled = lambda: "optnative" in sys.modules
arguments = [a for a in sys.argv[1:]]
while arguments and arguments[0] in ("-E", "-s"):
    arguments.pop(0)
sys.argv = arguments
runpy.run_path(arguments[0], run_name="__main__")
'''


def fake_free_threaded(tmp_path):
    script = tmp_path / "fake_free_threaded.py"
    script.write_text(FAKE_FREE_THREADED)
    program = tmp_path / "python3.13t"
    program.write_text(f'#!/bin/sh\nexec /usr/bin/python3.11 -E -s {script} "$@"\n')
    program.chmod(0o755)
    return str(program)


@pytest.mark.skipif(not os.access("/usr/bin/python3.11", os.X_OK), reason="needs python3.11")
def test_a_free_threaded_interpreter_whose_gil_stays_off(tmp_path):
    program = fake_free_threaded(tmp_path)
    result, data = run_json(tmp_path, *FAST, "--interpreter", program, fixture("tiny"))
    assert result.returncode == 0, result.stderr
    assert "(free-threaded, GIL disabled)" in result.stdout
    assert "re-enabled" not in result.stdout
    (interpreter,) = data["optdemo"]["interpreters"]
    assert interpreter["metadata"]["free_threaded"] is True
    assert interpreter["metadata"]["gil_enabled"] is False
    assert data["metadata"]["gil_enabled"] is False


@pytest.mark.skipif(not os.access("/usr/bin/python3.11", os.X_OK), reason="needs python3.11")
def test_a_gil_turned_back_on_by_an_import_is_said_everywhere(tmp_path):
    """gil_enabled is asked again after the workloads ran: the probe before
    them saw it off, caching's import of optnative turned it on."""
    program = fake_free_threaded(tmp_path)
    markdown, page = tmp_path / "report.md", tmp_path / "report.html"
    result, data = run_json(tmp_path, *FAST, "--interpreter", program, "--variants", "after",
                            "--markdown", str(markdown), "--html", str(page), "caching")
    assert result.returncode == 0, result.stderr
    assert "(free-threaded, GIL disabled)" in result.stdout       # the header, before the run
    assert "python3.13t: GIL re-enabled at run time" in result.stdout
    (interpreter,) = data["optdemo"]["interpreters"]
    assert interpreter["metadata"]["free_threaded"] is True
    assert interpreter["metadata"]["gil_enabled"] is True
    assert data["metadata"]["gil_enabled"] is True
    assert "(free-threaded, GIL re-enabled at run time)" in markdown.read_text()
    assert "free-threaded, GIL re-enabled at run time" in page.read_text()


@pytest.mark.skipif(FREE_THREADED, reason="the host embeds a free-threaded build")
def test_builds_with_a_gil_record_it(tmp_path):
    result, data = run_json(tmp_path, *FAST, fixture("tiny"))
    assert result.returncode == 0, result.stderr
    (interpreter,) = data["optdemo"]["interpreters"]
    assert interpreter["metadata"]["free_threaded"] is False
    assert interpreter["metadata"]["gil_enabled"] is True
    assert "free-threaded" not in result.stdout


@pytest.mark.skipif(not FREE_THREADED, reason="the host embeds a build with a GIL")
def test_a_free_threaded_host_keeps_the_gil_off(tmp_path):
    """A host embedding 3.13t: its own modules (_optdemo_host, optnative)
    declare Py_MOD_GIL_NOT_USED, so importing them does not turn the GIL
    back on, and the header says so."""
    result, data = run_json(tmp_path, *FAST, fixture("tiny"))
    assert result.returncode == 0, result.stderr
    (interpreter,) = data["optdemo"]["interpreters"]
    assert interpreter["metadata"]["free_threaded"] is True
    assert interpreter["metadata"]["gil_enabled"] is False
    assert "free-threaded, GIL disabled" in result.stdout
