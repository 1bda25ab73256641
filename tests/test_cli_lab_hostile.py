"""`optdemo lab check` against the attacks the lab sandbox is built for, where
one check of each hostile file in test_cli_lab.py's shared batch is not
enough: neighbours that attack the batch itself, submission files that are
not files, an attack on the memory measurement (another lab), shrinking
that would last minutes, and a message written for the grader's terminal.
Each hostile file (tests/labs/) says in its docstring what it attempts,
what it would achieve unguarded and which layer should stop it.

Runs are armed (OPTDEMO_HOSTILE_TESTS=1) and bounded: each starts in a
session of its own and is killed with its whole process group if it
outlives a generous bound, so a checker without the defence fails a test
instead of hanging the suite or leaving processes behind. No timing is
asserted beyond those bounds."""

import csv
import importlib.util
import json
import os
import re
import resource
import signal
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_helpers import OPTDEMO, SOURCE_ROOT  # noqa: E402

HOSTILE_DIR = os.path.join(SOURCE_ROOT, "tests", "labs")
ARMED = {"OPTDEMO_HOSTILE_TESTS": "1"}
LAB = "print_queue"
CORRECT = os.path.join(HOSTILE_DIR, "correct_fast.py")
REFERENCE = os.path.join(SOURCE_ROOT, "pyscripts", "labs", LAB, "reference.py")
# What the shared batch of test_cli_lab.py knows how to check: a file of
# tests/labs/ expecting anything else lives in a subfolder.
SHARED_BATCH_VERDICTS = {"pass", "too slow", "wrong", "error: blocked", "crashed", "timed out"}
# C0 controls but newline and tab, and DEL: what a terminal acts on.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
FILE_SIZE_CAP = 64 << 20       # a run's files: bounded, should a copy never end


class Run:
    """A finished (or killed) run: returncode None when it was killed."""

    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def run_bounded(*args, seconds):
    """optdemo with `args`, armed, in a session of its own; killed with its
    process group after `seconds`.  Its files are capped (a soft
    RLIMIT_FSIZE: the workers may still set their own)."""
    environment = dict(os.environ)
    environment.pop("NO_COLOR", None)
    environment.update(ARMED)

    def cap_files():
        _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_CAP, hard))

    process = subprocess.Popen([OPTDEMO, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, errors="replace", env=environment,
                               start_new_session=True, preexec_fn=cap_files)
    try:
        stdout, stderr = process.communicate(timeout=seconds)
        return Run(process.returncode, stdout, stderr)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)     # the group this test started
    try:
        stdout, stderr = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:              # a process outside the group holds a pipe
        process.wait()
        stdout, stderr = "", ""
    return Run(None, stdout, stderr)


def finished(run, seconds):
    assert run.returncode is not None, (
        f"the check did not finish within {seconds} s; it printed:\n{run.stdout}\n{run.stderr}")


def declared(path):
    """(EXPECTED, EXPECTED_CASE or None) a hostile file declares."""
    with open(path, encoding="utf-8") as stream:
        text = stream.read()
    expected = re.search(r'^EXPECTED = "([^"]+)"', text, re.M).group(1)
    case = re.search(r'^EXPECTED_CASE = "([^"]+)"', text, re.M)
    return expected, case.group(1) if case else None


def results_of(path):
    with open(path, encoding="utf-8") as stream:
        return {os.path.basename(result["solution"]): result
                for result in json.load(stream)["results"]}


def assert_wrong_on_its_case(result, path):
    expected, case = declared(path)
    assert expected == "wrong"
    assert result["verdict"] == "wrong", result
    assert f"case '{case}'" in (result.get("detail") or ""), result
    assert "timing" not in result, "a wrong answer gets no speed verdict"


def assert_correct(result):
    # every case right, then a speed verdict (pass or too slow: timings are
    # noisy, and a neighbour may have been loading the machine)
    assert result["cases_passed"] == result["cases_total"], result
    assert result["verdict"] in ("pass", "too slow") and "timing" in result, result


def assert_reports_agree(paths, names):
    """The JSON, CSV and JUnit files hold the same solutions and verdicts."""
    by_file = results_of(paths["json"])
    assert sorted(by_file) == sorted(names)
    with open(paths["csv"], newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert sorted(os.path.basename(row["solution"]) for row in rows) == sorted(names)
    for row in rows:
        assert row["verdict"] == by_file[os.path.basename(row["solution"])]["verdict"]
    suite = ElementTree.parse(paths["xml"]).getroot().find("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == len(names) == int(suite.get("tests"))
    assert len([c for c in cases if c.find("failure") is not None]) == int(suite.get("failures"))
    assert len([c for c in cases if c.find("error") is not None]) == int(suite.get("errors"))
    return by_file


def report_paths(folder):
    return {kind: str(folder / f"results.{kind}") for kind in ("json", "csv", "xml")}


def report_options(paths):
    return ["--json", paths["json"], "--csv", paths["csv"], "--junit", paths["xml"]]


# --- neighbours in a batch --------------------------------------------------------

NEIGHBOURS = ["correct_fast.py", "batch_result_forger.py", "starves_neighbours.py",
              "hangs_grader.py"]


def test_a_batch_survives_its_hostile_neighbours(tmp_path):
    # The forger rewrites the batch's results, starves_neighbours signals
    # and starves every process of the batch, hangs_grader leaves its
    # process group and keeps its worker alive: the correct solution must
    # still be graded on its merits, and the batch must end with every row.
    paths = report_paths(tmp_path)
    bound = 300
    run = run_bounded("lab", "check", "--quick", "--jobs", "2", *report_options(paths), LAB,
                      *[os.path.join(HOSTILE_DIR, name) for name in NEIGHBOURS], seconds=bound)
    finished(run, bound)
    assert run.returncode == 1, run.stderr
    for name in NEIGHBOURS:
        assert name in run.stdout
    by_file = assert_reports_agree(paths, NEIGHBOURS)
    assert_correct(by_file["correct_fast.py"])
    for name in NEIGHBOURS[1:]:
        assert_wrong_on_its_case(by_file[name], os.path.join(HOSTILE_DIR, name))
    forged = [name for name, result in by_file.items() if "forged_by" in result]
    assert not forged, f"results rewritten by batch_result_forger.py: {forged}"


# --- submission files that are not plain files ---------------------------------

def oversized_correct_solution(path):
    """correct_fast.py and 2 MiB of comment: it would pass if it were read."""
    with open(CORRECT, encoding="utf-8") as stream:
        source = stream.read()
    with open(path, "w", encoding="utf-8") as stream:
        stream.write(source)
        for _ in range(2 * 1024):
            stream.write("#" * 1023 + "\n")


def make_submission(kind, folder):
    """A hostile submission of `kind` in `folder`: (path, reason pattern)."""
    path = folder / f"{kind}.py"
    if kind == "symlink_to_reference":        # unguarded: the reference checked, a pass
        os.symlink(REFERENCE, path)
        return path, r"symbolic link|symlink"
    if kind == "fifo":                        # unguarded: opening it waits for ever
        os.mkfifo(path)
        return path, r"not a regular file"
    if kind == "symlink_to_dev_zero":         # unguarded: a copy that fills /tmp (or,
                                              # under FILE_SIZE_CAP, spins for ever)
        os.symlink("/dev/zero", path)
        return path, r"symbolic link|symlink|not a regular file"
    assert kind == "two_mebibytes"            # unguarded: read whole, then a pass
    oversized_correct_solution(path)
    return path, r"too large|too big|larger than|exceeds"


@pytest.mark.parametrize("kind", ["symlink_to_reference", "fifo", "symlink_to_dev_zero",
                                  "two_mebibytes"])
def test_a_submission_that_is_not_a_small_regular_file_is_an_error(tmp_path, kind):
    path, reason = make_submission(kind, tmp_path)
    report = tmp_path / "result.json"
    bound = 120
    run = run_bounded("lab", "check", "--quick", "--json", str(report), LAB, str(path),
                      seconds=bound)
    finished(run, bound)
    assert run.returncode == 1, (run.stdout, run.stderr)
    (result,) = results_of(report).values()
    assert result["verdict"] == "error", result
    assert re.search(reason, result.get("detail") or ""), result


def test_a_bad_submission_file_does_not_stop_the_batch(tmp_path):
    fifo, reason = make_submission("fifo", tmp_path)
    paths = report_paths(tmp_path)
    bound = 300
    run = run_bounded("lab", "check", "--quick", "--jobs", "2", *report_options(paths), LAB,
                      str(fifo), CORRECT, seconds=bound)
    finished(run, bound)
    assert run.returncode == 1, run.stderr
    by_file = assert_reports_agree(paths, ["fifo.py", "correct_fast.py"])
    assert by_file["fifo.py"]["verdict"] == "error"
    assert re.search(reason, by_file["fifo.py"]["detail"] or ""), by_file["fifo.py"]
    assert_correct(by_file["correct_fast.py"])


# --- measurements a solution must not control ---------------------------------------

def test_resetting_tracemalloc_does_not_hide_the_memory_used(tmp_path):
    path = os.path.join(HOSTILE_DIR, "weather_records", "resets_tracemalloc_peak.py")
    expected, _ = declared(path)
    report = tmp_path / "result.json"
    bound = 300
    run = run_bounded("lab", "check", "--quick", "--json", str(report), "weather_records", path,
                      seconds=bound)
    finished(run, bound)
    (result,) = results_of(report).values()
    assert result["cases_passed"] == result["cases_total"], result
    assert result["verdict"] == expected == "too much memory", result
    assert run.returncode == 1


def test_shrinking_a_wrong_answer_has_a_deadline(tmp_path):
    # every call 1 s, under --timeout 2; unbounded, shrinking would take 256
    # calls (over 4 minutes): the check must end well before, still "wrong"
    path = os.path.join(HOSTILE_DIR, "checked_alone", "slow_shrink.py")
    report = tmp_path / "result.json"
    bound = 150
    run = run_bounded("lab", "check", "--quick", "--timeout", "2", "--json", str(report), LAB,
                      path, seconds=bound)
    finished(run, bound)
    (result,) = results_of(report).values()
    assert_wrong_on_its_case(result, path)


# --- what a solution's text may do to the grader's terminal and reports -----------

CORRUPTS_OUTPUT = os.path.join(HOSTILE_DIR, "checked_alone", "corrupts_output.py")


def assert_inert(text, where):
    found = sorted(set(CONTROL.findall(text)))
    assert not found, f"{where} holds raw control characters {found!r}:\n{text}"
    assert not any(line.startswith("correct_fast.py") for line in text.splitlines()), (
        f"{where} holds a forged row:\n{text}")


def test_an_exception_message_cannot_write_on_the_terminal(tmp_path):
    report = tmp_path / "result.json"
    bound = 120
    run = run_bounded("lab", "check", "--quick", "--json", str(report), LAB, CORRUPTS_OUTPUT,
                      seconds=bound)
    finished(run, bound)
    assert run.returncode == 1
    (result,) = results_of(report).values()
    assert result["verdict"] == declared(CORRUPTS_OUTPUT)[0] == "error", result
    assert "RuntimeError" in result["detail"]
    assert_inert(run.stdout, "the terminal output")
    assert_inert(run.stderr, "the terminal's errors")


def test_an_exception_message_cannot_corrupt_a_batch_or_its_reports(tmp_path):
    paths = report_paths(tmp_path)
    bound = 300
    run = run_bounded("lab", "check", "--quick", "--jobs", "2", *report_options(paths), LAB,
                      CORRUPTS_OUTPUT, CORRECT, seconds=bound)
    finished(run, bound)
    assert run.returncode == 1
    assert_inert(run.stdout, "the batch's table")
    by_file = assert_reports_agree(paths, ["corrupts_output.py", "correct_fast.py"])
    assert by_file["corrupts_output.py"]["verdict"] == "error"
    assert_correct(by_file["correct_fast.py"])
    with open(paths["csv"], encoding="utf-8") as stream:
        assert_inert(stream.read().replace("\r\n", "\n"), "the CSV")


# --- the hostile files themselves -----------------------------------------------

def hostile_files():
    """Every hostile file under tests/labs/, subfolders included."""
    return sorted(os.path.relpath(os.path.join(folder, name), HOSTILE_DIR)
                  for folder, _, names in os.walk(HOSTILE_DIR)
                  for name in names if name.endswith(".py"))


@pytest.mark.parametrize("name", [name for name in hostile_files() if os.sep not in name])
def test_the_shared_batch_holds_only_print_queue_files_it_can_judge(name):
    # test_cli_lab.py checks every file at the top of tests/labs/ against
    # print_queue and knows these verdicts: anything else goes in a subfolder
    path = os.path.join(HOSTILE_DIR, name)
    with open(path, encoding="utf-8") as stream:
        assert re.search(r'^LAB = "print_queue"$', stream.read(), re.M), name
    assert declared(path)[0] in SHARED_BATCH_VERDICTS


# Each lab's function, and arguments to call it with.
CALLS = {"print_queue": ("print_order", ([["a.pdf", 1]], 1)),
         "weather_records": ("morning_bulletin", ([["Bodø", 6, -12, 3]],))}


def guarded(name):
    with open(os.path.join(HOSTILE_DIR, name), encoding="utf-8") as stream:
        return "def require_armed" in stream.read()


@pytest.mark.parametrize("name", [name for name in hostile_files() if guarded(name)])
def test_a_guarded_hostile_file_does_nothing_unless_armed(monkeypatch, name):
    # Its guard comes first: without the variable, its function raises
    # before anything hostile runs.
    monkeypatch.delenv("OPTDEMO_HOSTILE_TESTS", raising=False)
    spec = importlib.util.spec_from_file_location("hostile_" + os.path.basename(name)[:-3],
                                                  os.path.join(HOSTILE_DIR, name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    function, args = CALLS[module.LAB]
    with pytest.raises(RuntimeError, match="OPTDEMO_HOSTILE_TESTS=1"):
        getattr(module, function)(*args)
