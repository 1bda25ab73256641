"""The Python side of every executor: one request in, one response out.

docs/worker-protocol.md is the specification.  The in-process executor hands
each request line to Session.handle_line() in the embedded interpreter; a
worker (the host in a child process, or `PYTHON -E -s pyscripts/worker.py`
for any Python from 3.9 on, PyPy included) runs main(), which reads the same
lines from a pipe.  Loading, checking, timing and memory live here once; the
host keeps calibration, interleaving, statistics and output.
"""

import argparse
import faulthandler
import gc
import hashlib
import itertools
import json
import os
import pickle
import platform
import signal
import sys
import tempfile
import time

from optdemo import lab_session, machine, profiling, workloads
from optdemo.calibration import autorange
from optdemo.protocol import Failure, call_workload, traceback_tail

PROTOCOL = 1
OUTPUT_LINES = 10          # check shows this many lines of a variant's output...
OUTPUT_LINE_CHARS = 200    # ...each cut to this many characters
OVERHEAD_VALUES = 5        # overhead: best of this many values...
OVERHEAD_MIN_SECONDS = 0.01  # ...each lasting at least this long


def time_python(function, data, loops):
    """The "python" template, timeit's loop: `loops` calls between two clock
    reads, the same on every interpreter.  The iterator is made before the
    first read, so the timed region holds only the loop and the calls."""
    repeat = itertools.repeat(None, loops)
    start = time.perf_counter()
    for _ in repeat:
        function(data)
    return time.perf_counter() - start


def noop(data):
    """What the overhead request times: a call that does nothing."""
    return None


def fingerprint(data):
    """A hash of setup's data, to see whether a variant changed it: pickle's
    bytes, or repr's text for what pickle cannot handle; None when neither
    works (then mutation cannot be checked)."""
    try:
        content = pickle.dumps(data, protocol=4)
    except Exception:
        try:
            content = repr(data).encode("utf-8", "backslashreplace")
        except Exception:
            return None
    return hashlib.sha256(content).hexdigest()


def _flush_python_streams():
    """Write out what print() holds in sys.stdout's and sys.stderr's buffers."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            try:
                stream.flush()
            except (OSError, ValueError):   # closed or broken: nothing to save
                pass


class OutputCapture:
    """While active (`with capture:`), file descriptors 1 and 2 write to a
    temporary file: print(), os.write and C extensions are all caught.  One
    file serves every capture and is emptied when a capture starts."""

    def __init__(self):
        self.file = None     # the temporary file, made on first use
        self.saved = None    # (dup of fd 1, dup of fd 2) while active

    def open_file(self, folder=None):
        """Make the temporary file now, in `folder` (a sandboxed worker may
        write only there) or the system's temporary folder."""
        if self.file is None:
            self.file = tempfile.TemporaryFile(buffering=0, dir=folder)

    def __enter__(self):
        self.open_file()
        self.file.seek(0)
        self.file.truncate()
        _flush_python_streams()
        self.saved = (os.dup(1), os.dup(2))
        os.dup2(self.file.fileno(), 1)
        os.dup2(self.file.fileno(), 2)
        return self

    def __exit__(self, *exception):
        _flush_python_streams()
        for target, saved in zip((1, 2), self.saved):
            os.dup2(saved, target)
            os.close(saved)
        self.saved = None
        return False

    def byte_count(self):
        return os.fstat(self.file.fileno()).st_size

    def first_lines(self):
        """(the first OUTPUT_LINES lines as one text, how many lines there were)."""
        self.file.seek(0)
        lines = self.file.read().decode("utf-8", "replace").splitlines()
        shown = [line[:OUTPUT_LINE_CHARS] for line in lines[:OUTPUT_LINES]]
        return "\n".join(shown), len(lines)


class Session:
    """One conversation with the host: the loaded workload, setup's data at
    the current size and before's result live here between requests."""

    def __init__(self):
        self.template = None        # "c" or "python", chosen by hello
        self.host = None            # the _optdemo_host module, for the "c" template
        self.module = None          # the loaded workload
        self.unavailable = {}       # variant -> why this interpreter cannot run it
        self.n = None               # setup's size; None until setup
        self.data = None            # setup(n)'s result, given to every variant
        self.data_hash = None       # fingerprint(data) right after setup
        self.reference = None       # before's result at this size...
        self.have_reference = False  # ...once before has been checked
        self.output = OutputCapture()
        self.finished = False       # a quit request was answered
        # Labs (docs/labs.md): their requests and state live in lab_session;
        # callables (name -> function) is read by the C request loop too.
        self.labs = lab_session.LabSession(self.output)
        self.callables = self.labs.callables
        self.operations = {
            "hello": self.op_hello, "metadata": self.op_metadata, "overhead": self.op_overhead,
            "load": self.op_load, "setup": self.op_setup, "check": self.op_check,
            "time": self.op_time, "count": self.op_count, "memory": self.op_memory,
            "profile": self.op_profile, "script": self.op_script, "gc": self.op_gc,
            "gil": self.op_gil,
            "quit": self.op_quit,
            **self.labs.operations(),
        }

    def handle_line(self, line, lines=()):
        """One request line (JSON) -> one response line (JSON, no newline).
        Bulk JSON texts travel as lines of their own after a message whose
        "lines_after" says how many: `lines` are a request's (lab_verify's),
        given to the operation as request["lines_after"]; a response whose
        "lines_after" is a list of texts (lab_inputs') is sent as its line,
        then one line each."""
        try:
            request = json.loads(line)
        except ValueError as error:
            return json.dumps(Failure("protocol", f"request is not JSON: {error}").response())
        if isinstance(request, dict) and lines:
            request["lines_after"] = list(lines)
        response = self.handle(request)
        lines = response.get("lines_after")
        if not isinstance(lines, list):
            return json.dumps(response)
        response["lines_after"] = len(lines)
        return "\n".join([json.dumps(response)] + lines)

    def handle(self, request):
        """One request (a dict) -> one response (a dict)."""
        try:
            if not isinstance(request, dict):
                raise Failure("protocol", "a request is a JSON object")
            op = request.get("op")
            operation = self.operations.get(op) if isinstance(op, str) else None
            if operation is None:
                raise Failure("protocol", f"unknown op {op!r}; known: "
                              + ", ".join(self.operations))
            response = {"ok": True}
            response.update(operation(request))
            return response
        except Failure as failure:
            return failure.response()
        except Exception:
            # A bug of ours: still one response per request, and the worker lives.
            return Failure("protocol", "optdemo's runner failed:\n" + traceback_tail()).response()

    # --- op_NAME answers op NAME, in the order of the protocol's table ------

    def op_hello(self, request):
        template = request.get("template")
        if template not in ("c", "python"):
            raise Failure("protocol", f"hello: template must be 'c' or 'python', not {template!r}")
        if template == "c":
            try:
                import _optdemo_host
            except ImportError:
                raise Failure("protocol", "hello: the 'c' template needs the optdemo host "
                              "(module _optdemo_host); this interpreter has only 'python'"
                              ) from None
            self.host = _optdemo_host
        self.template = template
        return {"protocol": PROTOCOL,
                "implementation": sys.implementation.name,
                "version": platform.python_version(),
                "debug": hasattr(sys, "gettotalrefcount"),   # only Py_DEBUG builds have it
                "executable": sys.executable,
                "template": template,
                "memory": workloads.tracemalloc is not None}   # PyPy has no tracemalloc

    def op_metadata(self, request):
        try:
            import _optdemo_host
        except ImportError:
            return {"metadata": machine.metadata()}
        return {"metadata": _optdemo_host.metadata()}

    def op_overhead(self, request):
        """Per-call cost of the template itself: timeit's autorange (1, 2, 5,
        10, 20, 50... loops) finds a value of at least 10 ms, then the best
        of 5 such values, divided by the loop count."""
        self._need_template("overhead")
        loops = self._calibrate_noop()
        best = min(self._time_calls(noop, None, loops) for _ in range(OVERHEAD_VALUES))
        return {"seconds": best / loops}

    def op_load(self, request):
        path = request.get("path")
        if not isinstance(path, str):
            raise Failure("protocol", "load: path must be a string")
        self._forget_workload()
        try:
            module = workloads.load(path)
        except workloads.WorkloadError as error:
            raise Failure("contract", str(error)) from None
        except (Exception, SystemExit):     # the file's own code raised, or did not parse
            raise Failure("exception", traceback_tail()) from None
        self.module = module
        described = workloads.describe(module)
        with open(path, "rb") as file:
            described["source_sha256"] = hashlib.sha256(file.read()).hexdigest()
        try:
            described["sources"] = workloads.variant_sources(module)
        except (OSError, TypeError):   # a variant defined where no source can be found
            described["sources"] = {}
        self.unavailable = described["unavailable"]
        return {"workload": described}

    def op_setup(self, request):
        self._need_workload("setup")
        n = request.get("n")
        if not isinstance(n, int) or isinstance(n, bool) or n <= 0:
            raise Failure("protocol", f"setup: n must be a positive int, not {n!r}")
        self._forget_data()
        start = time.perf_counter()
        data = call_workload(self.module.setup, n)
        seconds = time.perf_counter() - start
        self.n = n
        self.data = data
        self.data_hash = fingerprint(data)
        return {"seconds": seconds}

    def op_check(self, request):
        name, function = self._variant(request, "check")
        compare = request.get("compare", True)
        if not isinstance(compare, bool):
            raise Failure("protocol", "check: compare must be true or false")
        if name != "before" and compare and not self.have_reference:
            raise Failure("protocol", f"check: '{name}' before 'before': before's result "
                          "is the reference the others are compared with")
        wants_fingerprint = request.get("fingerprint", False)
        if not isinstance(wants_fingerprint, bool):
            raise Failure("protocol", "check: fingerprint must be true or false")
        try:
            with self.output:
                start = time.perf_counter()
                result = call_workload(function, self.data)
                seconds = time.perf_counter() - start
        except Failure as failure:
            failure.output = self.output.first_lines()[0]
            if wants_fingerprint:
                self._restore_if_mutated()
            raise
        output, output_lines = self.output.first_lines()
        mutated = wants_fingerprint and self._restore_if_mutated()
        if name == "before":
            self.reference = result
            self.have_reference = True
            matches, mismatch = True, None
        elif not compare:
            # before was not run at this size (the host predicted it past
            # its time budget): the call is made, its result not compared.
            matches, mismatch = True, None
        else:
            try:
                matches, mismatch = self._compare(result)
            except Failure as failure:     # the result's own == or repr raised
                failure.output = output
                raise
        return {"seconds": seconds, "matches": matches, "mismatch": mismatch,
                "compared": name != "before" and compare, "mutated": mutated,
                "output": output, "output_lines": output_lines}

    def op_time(self, request):
        name, function = self._variant(request, "time")
        self._need_template("time")
        loops = request.get("loops")
        if not isinstance(loops, int) or isinstance(loops, bool) or loops <= 0:
            raise Failure("protocol", f"time: loops must be a positive int, not {loops!r}")
        with self.output:
            seconds = call_workload(self._time_calls, function, self.data, loops)
        return {"seconds": seconds, "output_bytes": self.output.byte_count()}

    def op_count(self, request):
        """Instructions of `loops` calls, counted by valgrind's callgrind
        (the host runs this worker under it and reads the dump)."""
        name, function = self._variant(request, "count")
        loops, warmups = request.get("loops"), request.get("warmups", 2)
        if not isinstance(loops, int) or loops <= 0 or not isinstance(warmups, int):
            raise Failure("protocol", "count: loops must be a positive int")
        if self.host is None or not hasattr(self.host, "count_calls"):
            raise Failure("protocol", "count: needs the optdemo host's count_calls")
        with self.output:
            call_workload(self.host.count_calls, function, self.data, loops, warmups)
        return {}

    def op_memory(self, request):
        name, function = self._variant(request, "memory")
        if workloads.tracemalloc is None:
            raise Failure("protocol", f"memory: {sys.implementation.name} has no tracemalloc, "
                          "so memory cannot be measured here")
        with self.output:
            peak = call_workload(workloads.memory_peak, function, self.data)
        return {"peak": peak}

    def op_profile(self, request):
        """Where a variant spends its time: cProfile, its lines, or its
        memory (profiling.py does the work)."""
        name, function = self._variant(request, "profile")
        self._need_template("profile")
        kind, loops = request.get("kind"), request.get("loops")
        top, pstats_path = request.get("top", profiling.TOP), request.get("pstats_path")
        if kind not in profiling.KINDS:
            raise Failure("protocol", f"profile: kind must be one of {', '.join(profiling.KINDS)}, "
                          f"not {kind!r}")
        if loops is not None and (not isinstance(loops, int) or isinstance(loops, bool)
                                  or loops <= 0):
            raise Failure("protocol", f"profile: loops must be a positive int, not {loops!r}")
        if not isinstance(top, int) or isinstance(top, bool) or top <= 0:
            raise Failure("protocol", f"profile: top must be a positive int, not {top!r}")
        if pstats_path is not None and (kind != "cprofile" or not isinstance(pstats_path, str)):
            raise Failure("protocol", "profile: pstats_path is a file name, for kind cprofile")
        why = profiling.unavailable(kind)
        if why is not None:
            raise Failure("protocol", f"profile: {why}")
        with self.output:
            return call_workload(profiling.profile, kind, self._time_calls, function, self.data,
                                 loops, top, pstats_path)

    def op_script(self, request):
        """Run a program as `python SCRIPT.py` would, once, measured by one
        pass (script_run.py does the work); the worker is fresh and is not
        reused.  Imported here: no other worker pays for its imports
        (pstats, threading: 8-11 ms of a worker's start)."""
        from optdemo import script_run
        argv, kind = request.get("argv"), request.get("pass")
        if (not isinstance(argv, list) or not argv
                or not all(isinstance(arg, str) for arg in argv)):
            raise Failure("protocol", "script: argv must be a non-empty list of strings")
        if kind not in script_run.PASSES:
            raise Failure("protocol", f"script: pass must be one of "
                          f"{', '.join(script_run.PASSES)}, not {kind!r}")
        if kind in ("sample", "lines") and self.host is None:
            raise Failure("protocol", f"script: the {kind} pass needs the 'c' template (the host)")
        if kind == "lines" and not isinstance(request.get("functions"), list):
            raise Failure("protocol", "script: the lines pass needs functions, "
                          "[[file, qualname, first line], ...]")
        return script_run.run(request, self.host)

    def op_gc(self, request):
        enabled = request.get("enabled")
        if not isinstance(enabled, bool):
            raise Failure("protocol", "gc: enabled must be true or false")
        if enabled:
            gc.enable()
            gc.collect()
        else:
            gc.disable()
        return {}

    def op_gil(self, request):
        """The GIL's state now: asked after the workloads ran (importing an
        extension module can turn it back on in a free-threaded build)."""
        return {"free_threaded": machine.free_threaded(), "gil_enabled": machine.gil_enabled()}

    def op_quit(self, request):
        # In-process the interpreter lives on: leave no workload module behind.
        self._forget_workload()
        self.finished = True
        return {}

    # --- helpers ------------------------------------------------------------

    def _need_template(self, op):
        if self.template is None:
            raise Failure("protocol", f"{op}: send hello first: it chooses the timing template")

    def _need_workload(self, op):
        if self.module is None:
            raise Failure("protocol", f"{op}: no workload is loaded")

    def _variant(self, request, op):
        """(name, function) of the request's variant, which must exist, be
        runnable by this interpreter, and have data to run on."""
        self._need_workload(op)
        name = request.get("variant")
        if not isinstance(name, str) or name not in self.module.VARIANTS:
            raise Failure("protocol", f"{op}: unknown variant {name!r}; this workload has "
                          + ", ".join(self.module.VARIANTS))
        if name in self.unavailable:
            raise Failure("protocol", f"{op}: variant '{name}' is unavailable here: "
                          + self.unavailable[name])
        if self.n is None:
            raise Failure("protocol", f"{op}: no data: send setup first")
        return name, getattr(self.module, name)

    def _compare(self, result):
        """(matches, mismatch) of a variant's result against before's."""
        tolerance = getattr(self.module, "TOLERANCE", None)
        if call_workload(workloads.same_result, self.reference, result, tolerance):
            return True, None
        return False, call_workload(workloads.describe_mismatch, self.reference, result)

    def _calibrate_noop(self):
        """The first loop count, in timeit's 1, 2, 5, 10, 20, 50... steps,
        whose value lasts OVERHEAD_MIN_SECONDS."""
        loops, _, _ = autorange(lambda loops: (self._time_calls(noop, None, loops), None),
                                OVERHEAD_MIN_SECONDS)
        return loops

    def _time_calls(self, function, data, loops):
        if self.template == "c":
            return self.host.time_calls(function, data, loops)
        return time_python(function, data, loops)

    def _restore_if_mutated(self):
        """Whether the last call changed setup's data; if it did, build the
        data again so the next variant gets the input it is owed."""
        if self.data_hash is None or fingerprint(self.data) == self.data_hash:
            return False
        self.data = None
        self.data = call_workload(self.module.setup, self.n)
        self.data_hash = fingerprint(self.data)
        return True

    def _forget_data(self):
        self.n = None
        self.data = None
        self.data_hash = None
        self.reference = None
        self.have_reference = False

    def _forget_workload(self):
        """Drop the previous workload, its module registration included."""
        self._forget_data()
        if self.module is not None:
            sys.modules.pop(self.module.__name__, None)
        self.module = None
        self.unavailable = {}


# --- a child worker -----------------------------------------------------------

def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        prog="worker.py", description="Answer optdemo's requests (docs/worker-protocol.md).")
    parser.add_argument("--fds", required=True, metavar="R,W",
                        help="read requests from file descriptor R, write responses to W")
    parser.add_argument("--path", action="append", default=[], metavar="DIR",
                        help="put DIR first on sys.path (e.g. where the loadable optnative is)")
    options = parser.parse_args(argv)
    try:
        options.read_fd, options.write_fd = (int(fd) for fd in options.fds.split(","))
    except ValueError:
        parser.error(f"--fds takes two file descriptors, R,W; got {options.fds!r}")
    return options


def enable_faulthandler():
    """Send crash tracebacks to a copy of the original fd 2: output capture
    moves fd 2 itself, and the host must still see where a variant crashed.
    SIGUSR1 dumps every thread's stack there too (the host sends it before
    killing a worker that hangs).  Returns the file, which must stay open."""
    try:
        crash_file = os.fdopen(os.dup(2), "w")
        faulthandler.enable(file=crash_file, all_threads=True)
        faulthandler.register(signal.SIGUSR1, file=crash_file, all_threads=True, chain=False)
    except (AttributeError, OSError, RuntimeError, ValueError):
        return None  # PyPy or an odd platform may lack a part: run without it
    return crash_file


def write_all(fd, data):
    while data:
        written = os.write(fd, data)
        data = data[written:]


def main(argv):
    """Serve requests from fd R until end of file or quit; 0 then."""
    options = parse_arguments(argv)
    for folder in reversed(options.path):
        sys.path.insert(0, folder)
    crash_file = enable_faulthandler()  # noqa: F841  (kept open while serving)
    session = Session()
    requests = os.fdopen(options.read_fd, "rb")
    while not session.finished:
        line = requests.readline()
        if not line:
            break
        try:
            response = session.handle_line(line.decode("utf-8"))
        except UnicodeDecodeError:
            response = json.dumps(Failure("protocol", "request is not UTF-8").response())
        write_all(options.write_fd, response.encode("utf-8") + b"\n")
    return 0
