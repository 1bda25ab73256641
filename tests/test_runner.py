"""The runner (pyscripts/optdemo/runner.py) speaks the worker protocol
(docs/worker-protocol.md): in-process through Session, and as a child worker
over pipes, under python3.11 and PyPy.

Run with `meson test -C build --suite workloads`, or directly:
    /usr/bin/python3.11 -m pytest tests/test_runner.py
No test here asserts a timing; the waits only stop a stuck worker.
"""

import functools
import glob
import hashlib
import importlib.util
import json
import os
import re
import select
import signal
import subprocess
import sys
import sysconfig
import time

import pytest

SOURCE_ROOT = os.environ.get("OPTDEMO_SOURCE_ROOT") or os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(SOURCE_ROOT, "pyscripts"))

from optdemo import errors, machine, runner, workloads  # noqa: E402  (needs the path above)

FIXTURES = os.path.join(SOURCE_ROOT, "tests", "workloads")
WORKER = os.path.join(SOURCE_ROOT, "pyscripts", "worker.py")
PYTHON = os.environ.get("OPTDEMO_PYTHON") or "/usr/bin/python3.11"
PYPY = "/usr/bin/pypy3"
WAIT_SECONDS = 120   # a worker that says nothing for this long is stuck


def fixture(name):
    return os.path.join(FIXTURES, name + ".py")


def ask(session, op, **fields):
    """Send one request through handle_line, as the in-process host does."""
    line = session.handle_line(json.dumps(dict(op=op, **fields)))
    assert "\n" not in line
    return json.loads(line)


def ok(session, op, **fields):
    response = ask(session, op, **fields)
    assert response["ok"] is True, response
    return response


def failed(session, kind, op, **fields):
    response = ask(session, op, **fields)
    assert response["ok"] is False and response["kind"] == kind, response
    return response


@pytest.fixture
def session():
    session = runner.Session()
    ok(session, "hello", template="python")
    yield session
    ok(session, "quit")


def one_variant(tmp_path, name, before_body):
    """Write a workload whose only variant, before, has the given body (the
    lines under `def before(data):`, indented); its path."""
    path = tmp_path / f"{name}.py"
    path.write_text(
        f'"""A test workload."""\n\nID = "{name}"\nTITLE = "t"\nSECTION = "s"\n'
        'EXPLANATION = "Timed region: one call."\n'
        'SIZES = {"quick": 1, "default": 1, "sweep": [1]}\nVARIANTS = ["before"]\n\n'
        "def setup(n):\n    return n\n\n"
        f"def before(data):\n{before_body}")
    return str(path)


def ready(session, name, n=None):
    """Load a fixture and run its setup; returns load's workload dict."""
    workload = ok(session, "load", path=fixture(name))["workload"]
    ok(session, "setup", n=n or workload["sizes"]["quick"])
    return workload


# --- in-process: Session ------------------------------------------------------

def test_hello_describes_the_interpreter():
    response = ok(runner.Session(), "hello", template="python")
    assert response["protocol"] == 1
    assert response["implementation"] == sys.implementation.name
    assert response["version"].startswith(f"{sys.version_info[0]}.{sys.version_info[1]}.")
    assert response["debug"] is hasattr(sys, "gettotalrefcount")
    assert response["executable"] == sys.executable
    assert response["template"] == "python"


def test_the_c_template_needs_the_host():
    response = failed(runner.Session(), "protocol", "hello", template="c")
    assert "_optdemo_host" in response["error"]


def test_metadata_is_flat(session):
    metadata = ok(session, "metadata")["metadata"]
    assert metadata["python_implementation"] == sys.implementation.name
    assert all(isinstance(value, (str, int, float, bool)) for value in metadata.values())


def test_metadata_says_whether_the_build_is_free_threaded(session):
    metadata = ok(session, "metadata")["metadata"]
    free = sysconfig.get_config_var("Py_GIL_DISABLED") == 1
    assert metadata["free_threaded"] is free
    assert metadata["gil_enabled"] is (sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled")
                                       else True)


@pytest.mark.parametrize("config, is_enabled, free, enabled", [
    (None, None, False, True),      # CPython 3.11, PyPy: no such function, a GIL
    (0, lambda: True, False, True),   # CPython 3.13 with its GIL
    (1, lambda: False, True, False),  # 3.13t as it starts
    (1, lambda: True, True, True),    # 3.13t after an import turned the GIL back on
])
def test_gil_answers_what_the_interpreter_says_now(monkeypatch, session, config, is_enabled,
                                                   free, enabled):
    real = sysconfig.get_config_var
    monkeypatch.setattr(sysconfig, "get_config_var",
                        lambda name: config if name == "Py_GIL_DISABLED" else real(name))
    if is_enabled is None:
        monkeypatch.delattr(sys, "_is_gil_enabled", raising=False)
    else:
        monkeypatch.setattr(sys, "_is_gil_enabled", is_enabled, raising=False)
    assert ok(session, "gil") == {"ok": True, "free_threaded": free, "gil_enabled": enabled}
    facts = machine.interpreter_facts()
    assert (facts["free_threaded"], facts["gil_enabled"]) == (free, enabled)


def test_overhead_is_a_per_call_figure(session):
    seconds = ok(session, "overhead")["seconds"]
    assert isinstance(seconds, float) and seconds > 0


def test_load_setup_check_time_memory(session):
    workload = ok(session, "load", path=fixture("tiny"))["workload"]
    assert workload["id"] == "tiny" and workload["variants"] == ["before", "after"]
    assert workload["sizes"] == {"quick": 200, "default": 1000, "sweep": [100, 1000]}
    assert workload["unavailable"] == {} and workload["tolerance"] is None
    with open(fixture("tiny"), "rb") as file:
        assert workload["source_sha256"] == hashlib.sha256(file.read()).hexdigest()
    sources = workload.pop("sources")
    assert sorted(sources) == ["after", "before"]
    assert all(sources[name].startswith(f"def {name}(") for name in sources)
    assert workload == dict(workloads.describe(workloads.load(fixture("tiny"))),
                            source_sha256=workload["source_sha256"])

    assert ok(session, "setup", n=200)["seconds"] >= 0
    for name in ("before", "after"):
        checked = ok(session, "check", variant=name, fingerprint=True)
        assert checked["matches"] is True and checked["mismatch"] is None
        assert checked["mutated"] is False
        assert checked["output"] == "" and checked["output_lines"] == 0
        timed = ok(session, "time", variant=name, loops=10)
        assert timed["seconds"] >= 0 and timed["output_bytes"] == 0
        assert ok(session, "memory", variant=name)["peak"] >= 0
    ok(session, "gc", enabled=False)
    ok(session, "time", variant="after", loops=3)
    ok(session, "gc", enabled=True)


def test_a_wrong_result_is_a_mismatch(session):
    ready(session, "mismatch")
    ok(session, "check", variant="before", fingerprint=False)
    checked = ok(session, "check", variant="after", fingerprint=False)
    assert checked["matches"] is False
    assert checked["mismatch"] == "expected 4950, got 4851"


@pytest.mark.parametrize("name", ["nan", "nan_tolerance"])
def test_nan_equals_nan_at_the_same_position(session, name):
    workload = ready(session, name)
    ok(session, "check", variant="before")
    for variant in workload["variants"][1:]:
        if variant not in workload["unavailable"]:      # numpy's, on a CPython 3.13
            assert ok(session, "check", variant=variant)["matches"] is True, variant


def test_a_mutated_input_is_reported_and_rebuilt(session):
    ready(session, "mutates")
    pristine = workloads.load(fixture("mutates")).setup(100)
    assert session.data == pristine
    checked = ok(session, "check", variant="before", fingerprint=True)
    assert checked["mutated"] is True and checked["matches"] is True
    assert session.data == pristine and session.data != sorted(pristine)
    checked = ok(session, "check", variant="after", fingerprint=True)
    assert checked["mutated"] is False and checked["matches"] is True


def test_without_fingerprint_mutation_is_not_looked_for(session):
    ready(session, "mutates")
    assert ok(session, "check", variant="before", fingerprint=False)["mutated"] is False


def test_output_is_captured(session, capfd):
    ready(session, "prints")
    one_call = b"after: a line on stderr\n" + b"".join(
        b"line %d\n" % number for number in range(25))
    # Outside pytest's own capture, so that print() writes to file descriptor 1.
    with capfd.disabled():
        ok(session, "check", variant="before")
        checked = ok(session, "check", variant="after")
        timed = ok(session, "time", variant="after", loops=2)
        ok(session, "memory", variant="after")
    assert checked["output"].splitlines() == (
        ["after: a line on stderr"] + [f"line {number}" for number in range(9)])
    assert checked["output_lines"] == 26
    assert timed["output_bytes"] == 2 * len(one_call)


def test_long_output_lines_are_cut(session, tmp_path):
    path = one_variant(tmp_path, "long_lines", "    import os\n"
                       "    os.write(1, b'x' * 1000 + b'\\n')\n    return data\n")
    ok(session, "load", path=path)
    ok(session, "setup", n=1)
    checked = ok(session, "check", variant="before")
    assert checked["output"] == "x" * 200 and checked["output_lines"] == 1


def test_a_variant_that_fails_later_fails_in_timing(session):
    ready(session, "raises_later")
    ok(session, "check", variant="before")
    assert ok(session, "check", variant="after")["matches"] is True
    response = failed(session, "exception", "time", variant="after", loops=100)
    error = response["error"]
    assert error.endswith("RuntimeError: after failed on its 30th call")
    assert 'raises_later.py", line 27, in after' in error
    assert "runner.py" not in error and "workloads.py" not in error


def test_sys_exit_is_an_error_not_the_end(session):
    ready(session, "sys_exit")
    ok(session, "check", variant="before")
    response = failed(session, "exception", "check", variant="after")
    assert response["error"].endswith("SystemExit: 4") and "sys_exit.py" in response["error"]
    assert response["output"] == ""
    ok(session, "check", variant="before")     # still answering


def test_a_check_that_raises_returns_its_output(session, tmp_path, capfd):
    path = one_variant(tmp_path, "talks_then_fails",
                       "    print('about to fail')\n    raise ValueError('no')\n")
    ok(session, "load", path=path)
    ok(session, "setup", n=1)
    with capfd.disabled():
        response = failed(session, "exception", "check", variant="before")
    assert response["output"] == "about to fail"
    assert response["error"].endswith("ValueError: no")


def test_keyboard_interrupt_propagates(session, tmp_path):
    path = one_variant(tmp_path, "interrupted", "    raise KeyboardInterrupt\n")
    ok(session, "load", path=path)
    ok(session, "setup", n=1)
    with pytest.raises(KeyboardInterrupt):
        ask(session, "check", variant="before")
    # The capture ended all the same: fd 1 is no longer the capture's file.
    assert os.fstat(1).st_ino != os.fstat(session.output.file.fileno()).st_ino


def test_errors_in_setup_and_at_import(session, tmp_path):
    ok(session, "load", path=fixture("setup_raises"))
    response = failed(session, "exception", "setup", n=10)
    assert response["error"].endswith("ValueError: setup exploded on purpose")
    assert "setup_raises.py" in response["error"] and "runner.py" not in response["error"]

    path = tmp_path / "fails_at_import.py"
    path.write_text("import no_such_module_for_optdemo_tests\n")
    response = failed(session, "exception", "load", path=str(path))
    assert "fails_at_import.py" in response["error"] and "workloads.py" not in response["error"]

    response = failed(session, "exception", "load", path=fixture("syntax_error"))
    assert "SyntaxError" in response["error"] and "frozen" not in response["error"]
    failed(session, "protocol", "setup", n=1)   # nothing is loaded after a failed load


def test_a_broken_contract_at_load(session, tmp_path):
    path = one_variant(tmp_path, "no_title", "    return data\n")
    with open(path) as file:
        text = file.read().replace('TITLE = "t"\n', "")
    with open(path, "w") as file:
        file.write(text)
    response = failed(session, "contract", "load", path=path)
    assert "missing TITLE" in response["error"]


def test_loading_drops_the_previous_module(session):
    ready(session, "tiny")
    ready(session, "mismatch")
    assert not [name for name in sys.modules if name.endswith("_tiny")]


def test_unavailable_variants_are_refused(session):
    workload = ready(session, "needs_module")
    assert "no_such_module_for_optdemo_tests" in workload["unavailable"]["after"]
    ok(session, "check", variant="before")
    response = failed(session, "protocol", "check", variant="after")
    assert "unavailable" in response["error"]


@pytest.mark.parametrize("line, message", [
    ("{not json", "not JSON"),
    ("[1, 2]", "JSON object"),
    ('{"op": "dance"}', "unknown op"),
    ('{"op": ["check"]}', "unknown op"),
    ('{"no_op": 1}', "unknown op"),
    ('{"op": "hello", "template": "fortran"}', "template"),
    ('{"op": "setup", "n": 5}', "no workload"),
    ('{"op": "load", "path": 5}', "path"),
])
def test_malformed_requests(line, message):
    response = json.loads(runner.Session().handle_line(line))
    assert response["ok"] is False and response["kind"] == "protocol"
    assert message in response["error"]


@pytest.mark.parametrize("request_fields, message", [
    ({"op": "setup", "n": 0}, "positive int"),
    ({"op": "setup", "n": True}, "positive int"),
    ({"op": "setup", "n": "7"}, "positive int"),
    ({"op": "check", "variant": "after"}, "'after' before 'before'"),
    ({"op": "check", "variant": "middle"}, "unknown variant"),
    ({"op": "check", "variant": "before", "fingerprint": "yes"}, "fingerprint"),
    ({"op": "time", "variant": "before", "loops": 0}, "loops"),
    ({"op": "time", "variant": "before", "loops": 2.5}, "loops"),
    ({"op": "gc", "enabled": 1}, "enabled"),
])
def test_bad_fields_and_order(session, request_fields, message):
    ready(session, "tiny")
    response = failed(session, "protocol", **request_fields)
    assert message in response["error"]


def test_data_and_template_are_needed_first():
    session = runner.Session()
    ok(session, "load", path=fixture("tiny"))
    assert "setup first" in failed(session, "protocol", "check", variant="before")["error"]
    ok(session, "setup", n=10)
    assert "hello" in failed(session, "protocol", "time", variant="before", loops=1)["error"]
    assert "hello" in failed(session, "protocol", "overhead")["error"]


def test_setup_forgets_befores_result(session):
    ready(session, "tiny")
    ok(session, "check", variant="before")
    ok(session, "setup", n=100)
    failed(session, "protocol", "check", variant="after")


def test_a_bug_of_the_runner_still_gets_a_response(session, monkeypatch):
    """Only optdemo's frames: format_tail keeps them rather than show none."""
    monkeypatch.setattr(runner.machine, "metadata", functools.partial(divmod, 1, 0))
    response = failed(session, "protocol", "metadata")
    assert "runner.py" in response["error"] and "ZeroDivisionError" in response["error"]


def user_code():
    raise KeyError("inner")


def test_lab_inputs_and_results_travel_as_lines_after_the_message():
    """Bulk JSON texts go as lines after a message saying "lines_after": the
    trusted side's fresh inputs out, a solution's results in."""
    session = runner.Session()
    folder = os.path.join(SOURCE_ROOT, "pyscripts", "labs", "print_queue")
    assert ok(session, "lab", folder=folder)["lab"]["function"] == "print_order"
    text = session.handle_line(json.dumps({"op": "lab_inputs", "n": 30, "count": 2, "seed": 7}))
    head, *lines = text.split("\n")
    assert json.loads(head) == {"ok": True, "batch": 7, "lines_after": 2}
    inputs = [json.loads(line) for line in lines]
    assert inputs[0] != inputs[1] and all(len(jobs) == 30 for jobs, _ in inputs)

    spec = importlib.util.spec_from_file_location("print_queue_reference",
                                                  os.path.join(folder, "reference.py"))
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    results = [json.dumps(reference.print_order(*args)) for args in inputs]
    verify = {"op": "lab_verify", "batch": 7, "lines_after": 2}
    answer = json.loads(session.handle_line(json.dumps(verify), results))
    assert answer == {"ok": True, "matches": True, "index": None, "mismatch": None}
    wrong = [results[0], json.dumps(list(reversed(json.loads(results[1]))))]
    answer = json.loads(session.handle_line(json.dumps(verify), wrong))
    assert answer["matches"] is False and answer["index"] == 1
    answer = json.loads(session.handle_line(json.dumps(verify), [results[0], "[1,"]))
    assert answer["ok"] is False and "not JSON" in answer["error"]


def test_format_tail_drops_our_frames_from_chained_exceptions_too():
    try:
        try:
            workloads.memory_peak(lambda data: user_code(), None)
        except KeyError:
            raise ValueError("outer")
    except ValueError:
        text = errors.format_tail(*sys.exc_info(), 50)
    assert "During handling of the above exception" in text
    assert "in user_code" in text and text.endswith("ValueError: outer")
    assert "workloads.py" not in text


# --- a child worker over pipes ------------------------------------------------

class Worker:
    """A child worker: requests on one pipe, responses on another, and its
    stdout and stderr on a third, as the host's crash pipe."""

    def __init__(self, python, *arguments):
        request_read, self.request_write = os.pipe()
        self.response_read, response_write = os.pipe()
        self.process = subprocess.Popen(
            [python, "-E", "-s", WORKER, "--fds", f"{request_read},{response_write}", *arguments],
            pass_fds=(request_read, response_write), stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        os.close(request_read)
        os.close(response_write)
        self.pending = b""          # response bytes read but not yet answered
        self.crash_output = b""     # what the worker wrote to its stdout and stderr

    def send(self, line):
        os.write(self.request_write, line + b"\n")

    def ask(self, op, **fields):
        self.send(json.dumps(dict(op=op, **fields)).encode())
        return self.receive(op)

    def receive(self, op):
        """The next response line, decoded."""
        deadline = time.monotonic() + WAIT_SECONDS
        while b"\n" not in self.pending:
            self.read_crash_pipe(0)
            remaining = deadline - time.monotonic()
            wait = max(0.0, min(remaining, 1.0))
            readable, _, _ = select.select([self.response_read], [], [], wait)
            if not readable:
                assert remaining > 0, f"no response to {op}; worker said: {self.said()}"
                continue
            chunk = os.read(self.response_read, 65536)
            assert chunk, f"the worker died during {op}; it said: {self.said()}"
            self.pending += chunk
        line, _, self.pending = self.pending.partition(b"\n")
        return json.loads(line)

    def ok(self, op, **fields):
        response = self.ask(op, **fields)
        assert response["ok"] is True, response
        return response

    def read_crash_pipe(self, timeout):
        """Add what the crash pipe holds (waiting up to timeout) to crash_output."""
        pipe = self.process.stdout.fileno()
        while select.select([pipe], [], [], timeout)[0]:
            chunk = os.read(pipe, 65536)
            if not chunk:
                break
            self.crash_output += chunk
            timeout = 0

    def said(self):
        return self.crash_output.decode("utf-8", "replace")

    def wait(self):
        """Wait for the worker to end; its exit status."""
        status = self.process.wait(WAIT_SECONDS)
        self.read_crash_pipe(0)
        return status

    def close(self):
        """End of file on the request pipe: the worker must exit with 0."""
        os.close(self.request_write)
        self.request_write = None
        return self.wait()

    def clean_up(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for fd in (self.request_write, self.response_read):
            if fd is not None:
                os.close(fd)
        self.process.stdout.close()


@pytest.fixture
def spawn():
    """Start workers; kill whichever are still running at the end."""
    started = []

    def start(python, *arguments):
        if not os.access(python, os.X_OK):
            pytest.skip(f"{python} is not installed")
        worker = Worker(python, *arguments)
        started.append(worker)
        return worker
    yield start
    for worker in started:
        worker.clean_up()


def test_worker_answers_and_quits(spawn):
    worker = spawn(PYTHON)
    hello = worker.ok("hello", template="python")
    assert hello["implementation"] == "cpython" and hello["template"] == "python"
    assert worker.ask("hello", template="c")["kind"] == "protocol"
    workload = worker.ok("load", path=fixture("tiny"))["workload"]
    assert workload["id"] == "tiny" and workload["source_sha256"]
    worker.ok("setup", n=200)
    for name in ("before", "after"):
        assert worker.ok("check", variant=name, fingerprint=True)["matches"] is True
        assert worker.ok("time", variant=name, loops=50)["seconds"] >= 0
    worker.ok("quit")
    assert worker.wait() == 0
    assert worker.said() == ""


def test_worker_ends_on_end_of_file(spawn):
    worker = spawn(PYTHON)
    worker.ok("hello", template="python")
    assert worker.close() == 0


def test_worker_keeps_the_variants_output_off_the_crash_pipe(spawn):
    worker = spawn(PYTHON)
    worker.ok("hello", template="python")
    worker.ok("load", path=fixture("prints"))
    worker.ok("setup", n=10)
    worker.ok("check", variant="before")
    checked = worker.ok("check", variant="after")
    assert checked["output_lines"] == 26 and checked["output"].startswith("after: a line")
    assert worker.ok("time", variant="after", loops=3)["output_bytes"] > 0
    assert worker.close() == 0
    assert worker.said() == ""


def test_worker_survives_sys_exit_and_bad_requests(spawn):
    worker = spawn(PYTHON)
    worker.ok("hello", template="python")
    worker.ok("load", path=fixture("sys_exit"))
    worker.ok("setup", n=10)
    worker.ok("check", variant="before")
    assert worker.ask("check", variant="after")["kind"] == "exception"
    assert worker.ask("no_such_op")["kind"] == "protocol"
    worker.send(b"\xff\xfe not utf-8")
    assert "UTF-8" in worker.receive("a line that is not UTF-8")["error"]
    worker.send(b"")
    assert "not JSON" in worker.receive("an empty line")["error"]
    worker.ok("check", variant="before")
    assert worker.close() == 0


def test_worker_under_pypy(spawn):
    """PyPy 3.9: no numpy (Debian's is built for CPython), no optnative, no
    tracemalloc; every pitfall loads, and its plain Python variants run."""
    worker = spawn(PYPY)
    assert worker.ok("hello", template="python")["implementation"] == "pypy"
    # The ladder's compiled rungs are built for CPython 3.11 only.
    compiled = {"cython_untyped", "cython", "mypyc", "pyo3"}
    expected_unavailable = {
        "caching": {"native", "mypyc_hot"} | compiled, "counting": {"native"} | compiled,
        "dict_defaults": set(), "global_lookup": {"native"} | compiled,
        "list_membership": {"native"}, "numpy_small": {"after", "after_from_lists"},
        "numpy_vectorize": {"after", "native"} | compiled, "priority_queue": compiled,
        "queue_popleft": {"native"}, "slots_access": set(), "slots_memory": {"after_dataclass"},
        "sorted_insert": compiled, "string_concat": {"native"}, "threads": set(),
        "threads_io": set(),
    }
    for path in workloads.builtin_paths():
        workload = worker.ok("load", path=path)["workload"]
        assert set(workload["unavailable"]) == expected_unavailable[workload["id"]]
    numpy_vectorize = workloads.resolve(["numpy_vectorize"])[0]
    unavailable = worker.ok("load", path=numpy_vectorize)["workload"]["unavailable"]
    assert unavailable["after"].startswith("needs numpy, which this interpreter cannot import: ")

    workload = worker.ok("load", path=workloads.resolve(["global_lookup"])[0])["workload"]
    assert "needs optnative" in workload["unavailable"]["native"]
    assert "needs numpy" in workload["unavailable"]["native"]
    worker.ok("setup", n=1000)
    for name in ("before", "after", "after_map"):
        assert worker.ok("check", variant=name, fingerprint=True)["matches"] is True
        assert worker.ok("time", variant=name, loops=20)["seconds"] >= 0
    assert worker.ask("check", variant="native")["kind"] == "protocol"
    assert "tracemalloc" in worker.ask("memory", variant="before")["error"]
    assert worker.ok("overhead")["seconds"] > 0
    assert worker.ok("metadata")["metadata"]["python_implementation"] == "pypy"
    worker.ok("quit")
    assert worker.wait() == 0


@pytest.mark.parametrize("name", ["nan_tolerance", "mutates", "raises_later"])
def test_fixtures_under_pypy(spawn, name):
    worker = spawn(PYPY)
    worker.ok("hello", template="python")
    workload = worker.ok("load", path=fixture(name))["workload"]
    worker.ok("setup", n=workload["sizes"]["quick"])
    worker.ok("check", variant="before", fingerprint=True)
    for variant in workload["variants"][1:]:
        if variant not in workload["unavailable"]:
            assert worker.ok("check", variant=variant, fingerprint=True)["matches"] is True
    if name == "raises_later":
        response = worker.ask("time", variant="after", loops=100)
        assert response["kind"] == "exception" and "raises_later.py" in response["error"]
        assert "runner.py" not in response["error"]
    assert worker.close() == 0


# global_lookup's native needs numpy too (optnative.sum), list_membership's
# optnative alone: the one the interpreter cannot run (numpy on a CPython
# 3.13 here) is skipped, the other still finds optnative.
@pytest.mark.parametrize("workload_id", ["global_lookup", "list_membership"])
def test_worker_finds_optnative_on_its_path(spawn, workload_id):
    if workload_id == "global_lookup" and importlib.util.find_spec("numpy") is None:
        pytest.skip("this interpreter has no numpy, which global_lookup's native needs")
    build_root = os.environ.get("OPTDEMO_BUILD_ROOT")
    if not build_root:
        pytest.skip("OPTDEMO_BUILD_ROOT is unset (meson test sets it)")
    extensions = glob.glob(os.path.join(build_root, "native", "optnative*.so"))
    assert extensions, f"no optnative extension in {build_root}/native"
    native = os.path.dirname(extensions[0])
    worker = spawn(PYTHON, "--path", native, "--path", os.path.join(native, "ladder"))
    worker.ok("hello", template="python")
    workload = worker.ok("load", path=workloads.resolve([workload_id])[0])["workload"]
    # Everything this interpreter can run: the compiled rungs when the ladder
    # was built for it.
    status_path = os.path.join(native, "ladder", "ladder-status.json")
    built = set()
    if os.path.isfile(status_path):
        with open(status_path, encoding="utf-8") as file:
            status = json.load(file)
        if status["ext_suffix"] == sysconfig.get_config_var("EXT_SUFFIX"):
            built = {tool for tool, state in status["tools"].items() if state == "built"}
    assert all(variant in ("cython_untyped", "cython", "mypyc", "pyo3") and variant not in built
               for variant in workload["unavailable"]), workload["unavailable"]
    worker.ok("setup", n=1000)
    for name in workload["variants"]:
        if name not in workload["unavailable"]:
            assert worker.ok("check", variant=name, fingerprint=True)["matches"] is True
    worker.ok("time", variant="native", loops=10)
    assert worker.ok("memory", variant="native")["peak"] >= 0
    assert worker.close() == 0


def test_without_path_optnative_is_unavailable(spawn):
    """-E: PYTHONPATH does not reach the worker; only --path does."""
    worker = spawn(PYTHON)
    worker.ok("hello", template="python")
    workload = worker.ok("load", path=workloads.resolve(["string_concat"])[0])["workload"]
    assert workload["unavailable"]["native"].startswith("needs optnative")
    assert worker.close() == 0


@pytest.mark.parametrize("python", [PYTHON, PYPY])
def test_a_crash_leaves_a_traceback_on_the_crash_pipe(spawn, python):
    worker = spawn(python)
    worker.ok("hello", template="python")
    worker.ok("load", path=fixture("crash"))
    worker.ok("setup", n=10)
    worker.ok("check", variant="before")
    worker.send(b'{"op": "check", "variant": "after"}')
    assert worker.wait() == -signal.SIGSEGV
    said = worker.said()
    assert "Segmentation fault" in said and "crash.py" in said


def test_os_exit_ends_the_worker_with_its_status(spawn):
    worker = spawn(PYTHON)
    worker.ok("hello", template="python")
    worker.ok("load", path=fixture("exits"))
    worker.ok("setup", n=10)
    worker.ok("check", variant="before")
    worker.send(b'{"op": "time", "variant": "after", "loops": 5}')
    assert worker.wait() == 3


@pytest.mark.parametrize("python", [PYTHON, PYPY])
def test_sigusr1_shows_where_a_variant_hangs(spawn, python):
    worker = spawn(python)
    worker.ok("hello", template="python")
    worker.ok("load", path=fixture("hang"))
    worker.ok("setup", n=10)
    worker.ok("check", variant="before")
    worker.send(b'{"op": "time", "variant": "after", "loops": 1}')
    deadline = time.monotonic() + WAIT_SECONDS
    # Until the stack shows the variant's line: the first signal may come
    # before it runs, and a dump may arrive in pieces.
    where = re.compile(r'hang\.py", line \d+ in after')
    while not where.search(worker.said()) and time.monotonic() < deadline:
        worker.process.send_signal(signal.SIGUSR1)
        worker.read_crash_pipe(0.5)
    assert where.search(worker.said()), worker.said()
    assert worker.process.poll() is None     # faulthandler dumped; the worker still runs
