"""`optdemo run`: the table, the checks, the JSON and the ways it fails."""

import importlib.util
import json
import re
import os
import pty
import signal
import subprocess
import sys
import time

import pytest

# The embedded interpreter is -Dpython's build, the one running these tests.
HAS_NUMPY = importlib.util.find_spec("numpy") is not None

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_helpers import OPTDEMO, SOURCE_ROOT, fixture, ladder_unbuilt, optdemo  # noqa: E402

FAST = ["--quick", "--no-memory"]
VERDICT_WORDS = {"faster": "faster *", "slower": "slower *", "same": ", same",
                 "unclear": ", unclear", "too few values": ", too few values"}


def run_json(tmp_path, *args):
    path = tmp_path / "results.json"
    result = optdemo("run", *args, "--json", str(path))
    data = json.loads(path.read_text()) if path.exists() else None
    return result, data


def factor_text(speedup):
    """A speedup as the table writes its factor (report.c's format_factor)."""
    factor = speedup if speedup >= 1 else 1 / speedup
    return f"{factor:.{2 if factor < 9.995 else 1 if factor < 99.95 else 0}f}"


def test_a_good_workload_is_checked_measured_and_exits_0(tmp_path):
    result, data = run_json(tmp_path, *FAST, fixture("tiny"))
    assert result.returncode == 0, result.stderr
    assert "tiny" in result.stdout and "baseline" in result.stdout
    names = [b["metadata"]["name"] for b in data["benchmarks"]]
    assert names == ["tiny/before@200", "tiny/after@200"]
    # The verdict itself is decided on made-up measurements (test_harness.c,
    # test_stats.c); here the table must say what the JSON says.
    after = data["benchmarks"][1]["metadata"]
    row = next(line for line in result.stdout.splitlines() if line.startswith("  after "))
    assert VERDICT_WORDS[after["verdict"]] in row
    assert factor_text(after["speedup"]) + "×" in row
    assert ("faster" if after["speedup"] >= 1 else "slower") in row


def test_json_follows_pyperf_layout(tmp_path):
    result, data = run_json(tmp_path, "--quick", "--rounds", "4", "--processes", "2",
                            fixture("tiny"))
    assert result.returncode == 0, result.stderr
    assert data["version"] == "1.0"
    assert isinstance(data["metadata"], dict) and data["metadata"]["partial"] is False
    assert data["metadata"]["python_version"].startswith("3.")
    for bench in data["benchmarks"]:
        meta = bench["metadata"]
        assert meta["unit"] == "second" and meta["loops"] >= 1
        assert meta["workload"] == "tiny" and meta["n"] == 200 and meta["checked"] is True
        assert meta["memory_peak"] >= 0
        runs = bench["runs"]             # one per worker process, as pyperf
        assert len(runs) == 2
        for run in runs:
            assert len(run["values"]) == 4 and all(v > 0 for v in run["values"])
            assert all(len(pair) == 2 and pair[0] >= 1 for pair in run["warmups"])
    after = data["benchmarks"][1]["metadata"]
    assert after["speedup_ci_low"] <= after["speedup"] <= after["speedup_ci_high"]
    assert 0 <= after["p_value"] <= 1
    # The summary's statistics are those of the values in the file.
    import statistics
    def all_values(bench):
        return [value for run in bench["runs"] for value in run["values"]]
    values = all_values(data["benchmarks"][1])
    summary = data["optdemo"]["workloads"][0]["variants"][1]
    assert summary["values"] == 8 and summary["min"] == min(values)
    assert abs(summary["median"] - statistics.median(values)) <= 1e-12 * summary["median"]
    assert abs(summary["mean"] - statistics.mean(values)) <= 1e-9 * summary["mean"]
    assert abs(summary["sd"] - statistics.stdev(values)) <= 1e-6 * summary["mean"]
    # the speedup and its CI come from the same paired values
    assert after["speedup_pairs"] == 8
    assert abs(after["speedup"] - statistics.median(all_values(data["benchmarks"][0]))
               / statistics.median(values)) <= 1e-9 * after["speedup"]


def test_mismatch_is_failed_without_speedup_and_exits_1(tmp_path):
    result, data = run_json(tmp_path, *FAST, fixture("mismatch"))
    assert result.returncode == 1
    assert "FAILED" in result.stdout and "expected 4950, got 4851" in result.stdout
    (summary,) = data["optdemo"]["workloads"]
    after = summary["variants"][1]
    assert after["status"] == "mismatch" and "speedup" not in after
    assert [b["metadata"]["variant"] for b in data["benchmarks"]] == ["before"]


def test_broken_workloads_are_reported_and_the_others_still_run(tmp_path):
    files = [fixture(name) for name in ("setup_raises", "tiny", "variant_raises", "syntax_error")]
    result, data = run_json(tmp_path, *FAST, *files)
    assert result.returncode == 1
    out = result.stdout
    assert "ValueError: setup exploded on purpose" in out
    assert "ZeroDivisionError: division by zero" in out
    assert "SyntaxError" in out and "frozen importlib" not in out
    status = {w["workload"]: w["ok"] for w in data["optdemo"]["workloads"]}
    assert status == {"setup_raises": False, "tiny": True, "variant_raises": False,
                      "syntax_error.py": False}


def test_unknown_workload_exits_2_and_lists_valid_names():
    result = optdemo("run", "no_such_pitfall")
    assert result.returncode == 2
    assert "no_such_pitfall" in result.stderr
    assert "string_concat" in result.stderr and "pitfalls" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("target", ["/nonexistent-folder/out.json", "/proc/out.json", "/tmp"])
def test_unwritable_json_fails_before_measuring(target):
    result = optdemo("run", "--json", target, "pitfalls")
    assert result.returncode == 2
    assert "cannot write" in result.stderr and target in result.stderr
    assert result.stdout == ""   # not even the header, printed before anything is measured


@pytest.mark.parametrize("args", [["--size", "0"], ["--gc", "maybe"], ["--rounds", "x"],
                                  ["--bogus"], ["--quick", "--rigorous"], ["--budget", "-1"]])
def test_bad_options_exit_2(args):
    result = optdemo("run", *args, fixture("tiny"))
    assert result.returncode == 2
    assert "optdemo run:" in result.stderr


def test_help_exits_0():
    result = optdemo("run", "--help")
    assert result.returncode == 0 and "--markdown" in result.stdout


def test_variants_option_keeps_before_as_baseline(tmp_path):
    result, data = run_json(tmp_path, *FAST, "--variants", "after", "string_concat")
    assert result.returncode == 0, result.stderr
    assert [b["metadata"]["variant"] for b in data["benchmarks"]] == ["before", "after"]


def test_a_baseline_past_the_budget_is_measured_with_fewer_values(tmp_path):
    # Issue 18, under ASan: `--variants after string_concat` wrote benchmarks
    # ['after'] and exited 0, before's first call having predicted a run past
    # the budget.  slow_baseline's before sleeps 0.3 s a call: the quick
    # plan (2 processes x (3 + 1 warm-up), a check, calibration) needs 3 s at
    # least, past a 2 s budget, while one value fits below 2 s unless a call
    # takes 0.7 s.  (The plans on made-up costs: test_harness.c.)
    result, data = run_json(tmp_path, *FAST, "--no-gap", "--budget", "2", "--variants", "after",
                            fixture("slow_baseline"))
    assert result.returncode == 0, result.stdout
    benchmarks = {b["metadata"]["variant"]: b for b in data["benchmarks"]}
    assert list(benchmarks) == ["before", "after"]
    (summary,) = data["optdemo"]["workloads"]
    before = {v["variant"]: v for v in summary["variants"]}["before"]
    assert before["status"] == "ok" and 1 <= before["values"] < 6
    assert "(budget)" in before["reduced"] and "2 s budget" in before["reduced"]
    assert benchmarks["before"]["metadata"]["optdemo_budget_reduced"] == before["reduced"]
    assert f"before: {before['reduced']}" in result.stdout
    assert "speedup_pairs" in benchmarks["after"]["metadata"]


def test_a_baseline_of_which_not_one_value_fits_fails_the_run(tmp_path):
    # A 0.3 s call never fits a 0.2 s budget: before is skipped, the run says
    # that nothing is compared, and exits 1.
    result, data = run_json(tmp_path, *FAST, "--no-gap", "--budget", "0.2",
                            fixture("slow_baseline"))
    assert result.returncode == 1, result.stdout
    (summary,) = data["optdemo"]["workloads"]
    assert summary["ok"] is False and summary["no_baseline"] is True
    variants = {v["variant"]: v for v in summary["variants"]}
    assert variants["before"]["status"] == "skipped"
    assert "before is the baseline" in result.stdout
    assert variants["after"]["status"] == "ok" and "speedup" not in variants["after"]


def test_variants_option_rejects_a_name_no_workload_has():
    result = optdemo("run", *FAST, "--variants", "aftr", fixture("tiny"), "string_concat")
    assert result.returncode == 2
    assert "'aftr' is not a variant" in result.stderr
    assert result.stdout == ""


def test_gc_and_size_are_recorded(tmp_path):
    result, data = run_json(tmp_path, *FAST, "--gc", "off", "--size", "321", fixture("tiny"))
    assert result.returncode == 0, result.stderr
    assert all(b["metadata"]["gc"] == "off" and b["metadata"]["n"] == 321
               for b in data["benchmarks"])
    assert data["metadata"]["optdemo_gc"] == "off"


def test_budget_skips_a_variant_with_a_note(tmp_path):
    # values last 10 ms at least (--quick): not one fits 1 ms
    result, data = run_json(tmp_path, "--quick", "--no-memory", "--budget", "0.001",
                            fixture("tiny"))
    assert result.returncode == 1          # before, the baseline, is among them
    assert "skipped" in result.stdout and "budget" in result.stdout
    assert data["benchmarks"] == []
    assert {v["status"] for v in data["optdemo"]["workloads"][0]["variants"]} == {"skipped"}


def test_markdown_report(tmp_path):
    path = tmp_path / "report.md"
    result = optdemo("run", *FAST, fixture("tiny"), "--markdown", str(path))
    assert result.returncode == 0, result.stderr
    text = path.read_text()
    assert text.startswith("# optdemo results")
    assert "| variant | median |" in text and "| after |" in text


def test_results_replace_the_file_atomically(tmp_path):
    path = tmp_path / "results.json"
    path.write_text("old content")
    result = optdemo("run", *FAST, fixture("tiny"), "--json", str(path))
    assert result.returncode == 0
    json.loads(path.read_text())
    assert os.listdir(tmp_path) == ["results.json"]  # no temporary file left behind


def interrupt_after_tiny(second, json_path):
    """`run` on tiny, then `second`; Ctrl-C once tiny's table is out (its
    last row, `after`), so the signal lands during `second` however slow
    this machine is.  (returncode, stdout, stderr)."""
    process = subprocess.Popen(
        [OPTDEMO, "run", "--no-memory", fixture("tiny"), second, "--json", str(json_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    for line in process.stdout:
        lines.append(line)
        if line.startswith("  after"):
            break
    time.sleep(1)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    return process.returncode, "".join(lines) + out, err


def test_ctrl_c_writes_partial_results_and_exits_130(tmp_path):
    path = tmp_path / "partial.json"
    returncode, _, err = interrupt_after_tiny(fixture("slow"), path)   # slow runs ~10 s
    assert returncode == 130, err
    assert "interrupted" in err
    data = json.loads(path.read_text())
    assert data["metadata"]["partial"] is True and data["optdemo"]["partial"] is True
    workloads = {w["workload"]: w for w in data["optdemo"]["workloads"]}
    assert workloads["tiny"]["partial"] is False and workloads["slow"]["partial"] is True
    assert any(b["metadata"]["workload"] == "tiny" for b in data["benchmarks"])


def test_ctrl_c_before_a_workload_is_loaded_shows_nothing_of_it(tmp_path):
    """Interrupted while the next workload imports: no "(null)" row, no empty
    table, and the JSON holds only what was measured."""
    slow_import = tmp_path / "slow_import.py"
    slow_import.write_text(open(fixture("tiny")).read().replace(
        'ID = "tiny"', 'import time\ntime.sleep(60)\nID = "slow_import"'))
    path = tmp_path / "partial.json"
    returncode, out, err = interrupt_after_tiny(str(slow_import), path)
    assert returncode == 130, err
    assert "(null)" not in out and out.count("  variant") == 1, out
    data = json.loads(path.read_text())
    assert [w["workload"] for w in data["optdemo"]["workloads"]] == ["tiny"]


def test_no_colour_when_piped_or_no_color_set():
    piped = optdemo("run", *FAST, fixture("tiny"))
    assert "\033[" not in piped.stdout


def run_on_terminal(*args, env=None):
    """Run the host with stdout on a pseudo-terminal; return what it printed."""
    controller, terminal = pty.openpty()
    environment = dict(os.environ)
    environment.pop("NO_COLOR", None)
    environment.update(env or {})
    process = subprocess.Popen([OPTDEMO, *args], stdout=terminal, stderr=subprocess.DEVNULL,
                               env=environment)
    os.close(terminal)
    text = read_terminal(controller)
    process.wait(timeout=120)
    return text


def read_terminal(controller):
    """Everything written to a pseudo-terminal until its last writer closes
    it (Linux then reports EIO); closes the controller side."""
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_line_on_a_terminal_stderr_only():
    controller, terminal = pty.openpty()
    process = subprocess.Popen([OPTDEMO, "run", *FAST, fixture("tiny")], stdout=subprocess.PIPE,
                               stderr=terminal, text=True)
    os.close(terminal)
    progress = read_terminal(controller)
    out, _ = process.communicate(timeout=120)
    assert process.returncode == 0
    assert "[1/1] tiny on embedded, process 2: timing" in progress
    assert progress.endswith("\r\033[K")       # the line is erased when done
    assert ": timing" not in out               # and never mixed into the table
    piped = optdemo("run", *FAST, fixture("tiny"))
    assert piped.stderr == ""                  # no progress line when not a terminal


def test_colour_on_a_terminal_unless_disabled():
    args = ("run", *FAST, fixture("tiny"))
    assert "\033[" in run_on_terminal(*args)
    assert "\033[" not in run_on_terminal(*args, env={"NO_COLOR": "1"})
    assert "\033[" not in run_on_terminal(*args, "--no-color")


def test_user_file_and_builtin_id_run_the_same_code(tmp_path):
    by_id, data_id = run_json(tmp_path, *FAST, "counting")
    assert by_id.returncode == 0, by_id.stdout
    path = os.path.join(SOURCE_ROOT, "pyscripts", "pitfalls", "counting.py")
    by_path = optdemo("run", *FAST, path)
    assert by_path.returncode == 0
    assert data_id["benchmarks"][0]["metadata"]["workload"] == "counting"


def test_the_quick_suite_checks_every_pitfall(tmp_path):
    """End to end: every built-in pitfall runs, every variant agrees with before."""
    result, data = run_json(tmp_path, "--quick", "pitfalls")
    assert result.returncode == 0, result.stdout[-3000:]
    builtin = sorted(name[:-3] for name in os.listdir(os.path.join(SOURCE_ROOT, "pyscripts", "pitfalls"))
                     if name.endswith(".py") and not name.startswith("_"))
    summaries = data["optdemo"]["workloads"]
    assert sorted(w["workload"] for w in summaries) == builtin
    # A variant is skipped only when not one value fits the budget (5 s
    # here); the slowest quick call is ~0.1 s on these machines (a build
    # under AddressSanitizer may be far slower).
    kept = ("ok",) if not os.environ.get("ASAN_OPTIONS") else ("ok", "skipped")
    for workload in summaries:
        assert workload["ok"], workload
        for variant in workload["variants"]:
            # A variant that needs numpy is unavailable where the embedded
            # interpreter cannot import it (a CPython 3.13 here), as on PyPy.
            # So is a compiled rung the build did not make (the sanitizer
            # and debug builds turn the ladder off).
            assert variant["status"] in kept or (
                variant["status"] == "unavailable" and not HAS_NUMPY
                and "needs numpy" in variant.get("detail", "")) or (
                variant["status"] == "unavailable" and ladder_unbuilt(variant["variant"])), variant
    # at most one stability line per table, and the run's summary
    blocks = result.stdout.split("\n\n")
    assert all(block.count("verdicts the noise could change") <= 1 for block in blocks)
    assert "unstable:" not in result.stdout
    assert result.stdout.count("\nstability: the noise could change ") == 1


def test_sweep_reports_growth_per_variant(tmp_path):
    result, data = run_json(tmp_path, "--quick", "--no-memory", "--sweep", fixture("tiny"))
    assert result.returncode == 0, result.stderr
    assert "cost grows as" in result.stdout and "n=100" in result.stdout
    assert sorted({b["metadata"]["n"] for b in data["benchmarks"]}) == [100, 1000]
    growth = {g["variant"]: g for g in data["optdemo"]["growth"]}
    assert set(growth) == {"before", "after"}
    for entry in growth.values():
        assert entry["n"] == [100, 1000] and len(entry["median"]) == 2
        assert isinstance(entry["exponent"], float)


def test_sweep_excludes_size():
    assert optdemo("run", "--sweep", "--size", "10", fixture("tiny")).returncode == 2


def test_a_variant_needing_a_missing_module_is_unavailable_not_failed(tmp_path):
    result, data = run_json(tmp_path, *FAST, fixture("needs_module"))
    assert result.returncode == 0, result.stdout
    assert "unavailable" in result.stdout and "no_such_module_for_optdemo_tests" in result.stdout
    (summary,) = data["optdemo"]["workloads"]
    assert summary["ok"] is True
    assert [v["status"] for v in summary["variants"]] == ["ok", "unavailable"]


def test_sweep_reports_its_crossovers_and_exponent_cis_in_the_table_and_the_json(tmp_path):
    # Which crossings and exponents a sweep finds is decided on made-up times
    # in test_harness.c (crossover.py's shape among them): timed here, a
    # loaded machine can leave a size undecided or bend an exponent.  What
    # must hold whatever was measured: every size ran, and the table says
    # what the JSON says.
    result, data = run_json(tmp_path, "--quick", "--no-memory", "--no-gap", "--sweep",
                            fixture("crossover"))
    assert result.returncode == 0, result.stdout
    sizes = [250, 1000, 4000, 16000]
    growth = {g["variant"]: g for g in data["optdemo"]["growth"]}
    assert set(growth) == {"before", "after"}
    for entry in growth.values():
        assert entry["n"] == sizes and len(entry["median"]) == len(sizes)
        low, high = entry["exponent_ci_low"], entry["exponent_ci_high"]
        assert low <= high
        assert f"n^{entry['exponent']:.2f} [{low:.2f}, {high:.2f}]" in result.stdout
    crossings = data["optdemo"]["crossovers"]
    for crossing in crossings:
        low, high = crossing["between_low"], crossing["between_high"]
        assert low in sizes and high in sizes and low < crossing["n"] < high
        assert (f"{crossing['faster_after']} overtakes {crossing['faster_before']} "
                f"between n={low} and n={high}") in result.stdout
    assert result.stdout.count(" overtakes ") == len(crossings)


def test_profile_adds_each_variants_hot_line_to_the_table_json_and_page(tmp_path):
    page = tmp_path / "page.html"
    result, data = run_json(tmp_path, "--quick", "--no-memory", "--no-gap", "--profile",
                            "--html", str(page), fixture("hotline"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "hot lines (the C line tracer" in result.stdout
    assert re.search(r"before\s+line \d+\s+\d+\.\d%\s+scores\[i\] = weigh\(x\)", result.stdout)
    (profile,) = data["optdemo"]["profiles"]
    assert profile["workload"] == "hotline" and profile["n"] == 30
    before = profile["variants"][0]
    assert before["variant"] == "before"
    hottest = max(before["lines"]["lines"], key=lambda line: line["seconds"])
    source = before["lines"]["source"][hottest["line"] - before["lines"]["first_line"]]
    assert "# hot line" in source
    assert hottest["hits"] == 30 * 7 * before["lines"]["calls"]      # rows x COLUMNS per call
    html = page.read_text(encoding="utf-8")
    assert "Where the time goes, line by line" in html
    assert 'class="hot"' in html and "weigh(x)" in html
