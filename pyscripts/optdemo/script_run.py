"""A program nobody wrote for optdemo, run in a worker: the `script` request
of `optdemo profile SCRIPT.py [ARGS...]` (app/cli/profile_script.c).

Each request runs the program once, in a fresh worker, as `python SCRIPT.py
ARGS` would: its sys.argv, sys.path[0] (the script's folder, or the current
one for `-m MODULE`), `__main__` through runpy, its exit code and its
traceback, its atexit functions and the non-daemon threads it leaves
running.  What the run measures depends on its pass, one view each, because
each view distorts the others:

  plain     nothing: the unprofiled time the others are compared with
  sample    the host's sampling profiler in C (_optdemo_host.sample): the
            program's stacks, read in a signal handler; with asyncio, also
            where its waiting tasks wait (task_watch.py)
  cprofile  cProfile: functions by their own time, and a pstats file
  lines     the host's C line tracer on the given functions only
            (_optdemo_host.line_profile(..., functions=...))
  memory    tracemalloc: the peak, and the lines that allocated what the
            program's module still holds when it ends

A "quiet" run sends the program's output to /dev/null: only the run the
user watches shows it.  docs/worker-protocol.md lists the request.
"""

import atexit
import cProfile
import linecache
import os
import pstats
import runpy
import sys
import threading
import time
import traceback

from optdemo import task_watch

PASSES = ("plain", "sample", "cprofile", "lines", "memory")
RUNPY_FILE = "<frozen runpy>"    # runpy's frames: python SCRIPT.py shows none
EXIT_INTERRUPTED = 130           # as a shell reports SIGINT


def run(request, host):
    """Answer one `script` request: the program's exit code and times, and
    what the pass measured.  `host` is the _optdemo_host module."""
    program = Program(request["argv"], request.get("module", False))
    if request.get("quiet", False):
        send_output_to_devnull()
    kind = request["pass"]
    answer = {}
    wall, cpu = time.perf_counter(), time.process_time()
    if kind == "sample":
        watch = TaskWatch()
        exit_code, answer["sampling"] = host.sample(
            program.run, rate=float(request.get("rate", 1000)),
            clock=request.get("clock", "wall"), root=RUNPY_FILE)
        if watch.started:
            answer["sampling"]["awaiting"] = task_watch.stop()
    elif kind == "cprofile":
        profiler = cProfile.Profile()
        exit_code = profiler.runcall(program.run)
        answer["cprofile"] = cprofile_table(profiler, request.get("top", 10),
                                            request.get("pstats"))
    elif kind == "lines":
        keys = [tuple(key) for key in request["functions"]]
        exit_code, answer["lines"] = trace_lines(host, program, keys)
    elif kind == "memory":
        exit_code, answer["memory"] = trace_memory(program, request.get("top", 10))
    else:
        exit_code = program.run()
    answer["wall"] = time.perf_counter() - wall
    answer["cpu"] = time.process_time() - cpu
    answer["exit_code"] = exit_code
    return answer


class TaskWatch:
    """The asyncio task watcher (task_watch.py), started the moment the
    program imports asyncio: this finder, first on sys.meta_path, is asked
    about every module not imported yet, and finds none itself.  A program
    without asyncio gets no second thread asking for the GIL.  (An audit
    hook would see the import too, but it is called for every audited
    event: json's encoder audits each of its 120,000 id() calls.)"""

    def __init__(self):
        self.started = False
        if "asyncio" in sys.modules:
            self.find_spec("asyncio")
        sys.meta_path.insert(0, self)

    def find_spec(self, name, path=None, target=None):
        if name == "asyncio" and not self.started:
            self.started = True
            task_watch.start()
        return None


def send_output_to_devnull():
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)


class Program:
    """The program, run as python runs it; run() never raises and returns
    its exit code."""

    def __init__(self, argv, module):
        self.argv = list(argv)
        self.module = module
        self.globals = None     # the program's module namespace once it ran

    def run(self):
        sys.argv = list(self.argv)
        folder = os.getcwd() if self.module else os.path.dirname(os.path.abspath(self.argv[0]))
        sys.path.insert(0, folder)
        try:
            if self.module:
                self.globals = runpy.run_module(self.argv[0], run_name="__main__", alter_sys=True)
            else:
                self.globals = runpy.run_path(self.argv[0], run_name="__main__")
            exit_code = 0
        except SystemExit as leaving:
            exit_code = exit_code_of(leaving)
        except BaseException as error:   # noqa: B902 -- the program's, reported as python does
            print_traceback(error)
            exit_code = EXIT_INTERRUPTED if isinstance(error, KeyboardInterrupt) else 1
        wait_for_threads()
        atexit._run_exitfuncs()
        flush_streams()
        return exit_code


def exit_code_of(leaving):
    """The exit code python gives for SystemExit(code)."""
    code = leaving.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def print_traceback(error):
    """The traceback python prints, without runpy's entries (and ours)."""
    entries = traceback.extract_tb(error.__traceback__)
    first = 0
    while first < len(entries) and entries[first].filename in (RUNPY_FILE, __file__):
        first += 1
    entries = entries[first:]
    lines = ["Traceback (most recent call last):\n"] if entries else []
    lines += traceback.format_list(entries)
    lines += traceback.format_exception_only(type(error), error)
    sys.stderr.write("".join(lines))


def wait_for_threads():
    """Join the threads python would wait for at exit."""
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()


def flush_streams():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass


# --- cProfile ---------------------------------------------------------------

def cprofile_table(profiler, top, pstats_path):
    """The `top` functions by own time (tottime), and the pstats file."""
    stats = pstats.Stats(profiler)
    if pstats_path:
        stats.dump_stats(pstats_path)
    rows = []
    for (file, line, name), (_, calls, tottime, cumtime, _) in stats.stats.items():
        if file == __file__ or file == RUNPY_FILE or "_lsprof.Profiler" in name:
            continue
        rows.append({"function": name, "file": file, "line": line, "calls": calls,
                     "tottime": tottime, "cumtime": cumtime})
    rows.sort(key=lambda row: (-row["tottime"], row["file"], row["line"], row["function"]))
    return {"functions": rows[:top], "pstats": pstats_path,
            "total_seconds": sum(row["tottime"] for row in rows)}


# --- the line tracer -----------------------------------------------------------

def trace_lines(host, program, keys):
    """(exit code, [{function, file, first_line, seconds, lines: [{line,
    hits, seconds, code}]}]): the C tracer on these functions only, given as
    (file, qualname, first line) keys."""
    exit_codes = []

    def run_program(_):
        exit_codes.append(program.run())

    tables = host.line_profile(run_program, None, 1, functions=keys)
    functions = []
    for (file, qualname, first_line), table in zip(keys, tables):
        lines = [{"line": line, "hits": hits, "seconds": seconds,
                  "code": linecache.getline(file, line).rstrip()}
                 for line, (hits, seconds) in sorted(table.items())]
        functions.append({"function": qualname, "file": file, "first_line": first_line,
                          "seconds": sum(line["seconds"] for line in lines), "lines": lines})
    return exit_codes[0], functions


# --- tracemalloc -----------------------------------------------------------------

SNAPSHOT_EVERY = 0.01       # seconds between the memory watcher's looks...
SNAPSHOT_GROWTH = 1.25      # ...and how much more must be traced for a new snapshot
SNAPSHOT_FLOOR = 256 << 10  # bytes traced before the first


class PeakSnapshots:
    """A thread that keeps a tracemalloc snapshot taken near the peak: it
    looks every SNAPSHOT_EVERY seconds and takes a new snapshot whenever
    SNAPSHOT_GROWTH times more is traced than in the last one.  Memory that
    comes and goes between two looks is missed (the peak itself is exact,
    from tracemalloc)."""

    def __init__(self, tracemalloc):
        self.tracemalloc = tracemalloc
        self.snapshot, self.size = None, SNAPSHOT_FLOOR
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.watch, name="optdemo-memory", daemon=True)

    def watch(self):
        while not self.done.wait(SNAPSHOT_EVERY):
            current, _ = self.tracemalloc.get_traced_memory()
            if current >= self.size * SNAPSHOT_GROWTH:
                self.snapshot, self.size = self.tracemalloc.take_snapshot(), current

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exception):
        self.done.set()
        self.thread.join()


def trace_memory(program, top):
    """(exit code, {peak_bytes, snapshot_bytes, sites}): tracemalloc over
    the run: the peak, and the lines that allocated what was held at the
    snapshot nearest the peak (or at the end, if more is held then),
    biggest first."""
    import tracemalloc
    tracemalloc.start()
    try:
        with PeakSnapshots(tracemalloc) as peaks:
            exit_code = program.run()
        current, peak = tracemalloc.get_traced_memory()
        snapshot, size = peaks.snapshot, peaks.size
        if snapshot is None or current >= size:
            snapshot, size = tracemalloc.take_snapshot(), current
    finally:
        tracemalloc.stop()
    snapshot = snapshot.filter_traces([
        tracemalloc.Filter(False, "<frozen *>"), tracemalloc.Filter(False, __file__),
        tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<unknown>"),
        tracemalloc.Filter(False, threading.__file__)])
    statistics = snapshot.statistics("lineno")
    sites = [{"file": stat.traceback[0].filename, "line": stat.traceback[0].lineno,
              "bytes": stat.size, "count": stat.count,
              "code": linecache.getline(stat.traceback[0].filename,
                                        stat.traceback[0].lineno).strip()}
             for stat in statistics[:top]]
    return exit_code, {"peak_bytes": peak, "snapshot_bytes": size, "sites": sites}
