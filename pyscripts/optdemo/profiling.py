"""Where a variant spends its time: the `profile` request (`optdemo profile`).

Three views of one variant, each in a pass of its own, because each one
distorts what the others measure:

- "cprofile": cProfile over enough calls to last PROFILE_MIN_SECONDS; the
  functions that take the most time of their own (tottime), and optionally
  a pstats file that `python -m pstats`, pstats.Stats and snakeviz read.
- "lines": the variant's own lines, traced by the optdemo host's C tracer
  (_optdemo_host.line_profile): hits and time per line, the time of a
  called function counted on the line that calls it.  Tracing slows the
  code down, so the same calls are also timed untraced, in the same run,
  and the slowdown is reported.
- "memory": tracemalloc over one call: its peak, and the lines that
  allocated what is still held when the call returns (its result, mostly).

docs/worker-protocol.md describes the request; runner.py answers it by
calling profile() below.
"""

import cProfile
import inspect
import linecache
import os
import statistics
import time

from optdemo import errors
from optdemo.calibration import autorange

try:
    import tracemalloc
except ImportError:  # PyPy has no tracemalloc
    tracemalloc = None

KINDS = ("cprofile", "lines", "memory")
TOP = 10                     # rows of the cprofile and memory tables
PROFILE_MIN_SECONDS = 0.2    # a cProfile run lasts at least this long
LINES_MIN_SECONDS = 0.05     # untraced calls of one line-profile round last this long...
LINES_ROUNDS = 3             # ...and the round (untraced, then traced) is made this often

# Entries of a cProfile run that are optdemo's own, not the variant's:
# the C timing loop and the profiler's own disable().
OWN_BUILTINS = ("_optdemo_host.", "_lsprof.Profiler")


def unavailable(kind):
    """Why this interpreter cannot profile `kind`, or None when it can."""
    if kind == "lines":
        try:
            import _optdemo_host
        except ImportError:
            return "the line profile needs the optdemo host's C tracer (_optdemo_host)"
        if not hasattr(_optdemo_host, "line_profile"):
            return "this optdemo host has no line tracer"
    if kind == "memory" and tracemalloc is None:
        return "this interpreter has no tracemalloc"
    return None


def profile(kind, time_calls, function, data, loops=None, top=TOP, pstats_path=None):
    """One view of function(data), as a dict for the response.  time_calls
    is the session's timing template: time_calls(function, data, loops)."""
    if kind == "cprofile":
        return profile_functions(time_calls, function, data, loops, top, pstats_path)
    if kind == "lines":
        return profile_lines(time_calls, function, data, loops)
    return profile_memory(function, data, top)


# --- cProfile: which functions ------------------------------------------------

def profile_functions(time_calls, function, data, loops, top, pstats_path):
    """cProfile around `loops` calls (or as many as last PROFILE_MIN_SECONDS):
    the `top` functions by own time, and the pstats file if asked for."""
    def profile_calls(loops):
        """(seconds, a new profiler that watched `loops` calls)."""
        profiler = cProfile.Profile()
        start = time.perf_counter()
        profiler.enable()
        try:
            time_calls(function, data, loops)
        finally:
            profiler.disable()
        return time.perf_counter() - start, profiler

    if loops is None:
        loops, seconds, profiler = autorange(profile_calls, PROFILE_MIN_SECONDS)
    else:
        seconds, profiler = profile_calls(loops)
    profiler.create_stats()
    if pstats_path is not None:
        write_pstats(profiler, pstats_path)
    rows = variant_rows(profiler.stats)
    total = sum(row["tottime"] for row in rows)
    rows.sort(key=lambda row: row["tottime"], reverse=True)
    return {"loops": loops, "seconds": seconds, "sort": "tottime",
            "total_calls": sum(row["ncalls"] for row in rows),
            "total_tottime": total, "functions": rows[:top],
            "pstats_path": pstats_path}


def variant_rows(stats):
    """The rows of cProfile's stats that belong to the variant: without
    optdemo's own frames (the timing loop, this module) and without the
    built-in functions only those frames called (time.perf_counter, say)."""
    own = {key for key in stats if is_own(key)}
    rows = []
    for key, (primitive_calls, calls, tottime, cumtime, callers) in stats.items():
        built_in = key[0] == "~"
        if key in own or (built_in and all(caller in own for caller in callers)):
            continue
        filename, line, name = key
        rows.append({"function": label(key), "file": filename, "line": line, "name": name,
                     "ncalls": calls, "primitive_calls": primitive_calls,
                     "tottime": tottime, "cumtime": cumtime})
    return rows


def is_own(key):
    """Whether a cProfile entry is optdemo's own code rather than the variant's."""
    filename, _, name = key
    if filename == "~":   # a built-in function: cProfile names it, with no file
        return any(prefix in name for prefix in OWN_BUILTINS)
    return os.path.dirname(os.path.abspath(filename)) == errors.PACKAGE_DIR


def label(key):
    """pstats' way of naming a function, with the file's base name:
    "hotline.py:12(weigh)", or "{built-in method builtins.sum}"."""
    filename, line, name = key
    if filename == "~":
        return "{" + name.strip("<>") + "}" if name.startswith("<") else name
    return f"{os.path.basename(filename)}:{line}({name})"


def write_pstats(profiler, path):
    """profiler.dump_stats(path), written whole or not at all: a temporary
    file next to it, then a rename."""
    temporary = os.path.join(os.path.dirname(os.path.abspath(path)),
                             "." + os.path.basename(path) + ".tmp")
    try:
        profiler.dump_stats(temporary)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


# --- lines: where inside the variant ---------------------------------------------

def profile_lines(time_calls, function, data, loops):
    """Hits and time of each line of the variant's own source, added up
    over LINES_ROUNDS rounds; each round times the same calls untraced and
    then traced, so the slowdown tracing causes is measured in this run."""
    import _optdemo_host

    try:
        source, first_line = inspect.getsourcelines(function)
    except (OSError, TypeError):
        return {"note": f"{getattr(function, '__name__', function)!r} is not a Python function "
                        "with a source file: it has no lines to trace",
                "lines": [], "source": [], "first_line": 0}
    if loops is None:
        loops, _, _ = autorange(lambda loops: (time_calls(function, data, loops), None),
                                LINES_MIN_SECONDS)
    untraced, traced, totals = [], [], {}
    for _ in range(LINES_ROUNDS):
        untraced.append(time_calls(function, data, loops))
        start = time.perf_counter()
        counts = _optdemo_host.line_profile(function, data, loops)
        traced.append(time.perf_counter() - start)
        for line, (hits, seconds) in counts.items():
            old_hits, old_seconds = totals.get(line, (0, 0.0))
            totals[line] = (old_hits + hits, old_seconds + seconds)
    ratios = [slow / fast for slow, fast in zip(traced, untraced) if fast > 0]
    return {"loops": loops, "rounds": LINES_ROUNDS, "calls": loops * LINES_ROUNDS,
            "untraced_seconds": statistics.median(untraced),
            "traced_seconds": statistics.median(traced),
            "overhead": statistics.median(ratios) if ratios else None,
            "file": inspect.getsourcefile(function), "first_line": first_line,
            "source": [line.rstrip("\r\n") for line in source],
            "total_seconds": sum(seconds for _, seconds in totals.values()),
            "lines": [{"line": line, "hits": hits, "seconds": seconds}
                      for line, (hits, seconds) in sorted(totals.items())]}


# --- memory: what one call allocates ------------------------------------------------

def profile_memory(function, data, top):
    """One call under tracemalloc: the peak above what was traced before it,
    and the lines that allocated what the call still holds when it returns
    (only the memory alive at the end can be traced back to its lines)."""
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot() if was_tracing else None
        tracemalloc.reset_peak()
        baseline = tracemalloc.get_traced_memory()[0]
        result = function(data)
        peak = tracemalloc.get_traced_memory()[1]
        after = tracemalloc.take_snapshot()   # while `result` is still alive
    finally:
        if not was_tracing:
            tracemalloc.stop()
    del result
    ours = [tracemalloc.Filter(False, tracemalloc.__file__),
            tracemalloc.Filter(False, os.path.join(errors.PACKAGE_DIR, "*")),
            tracemalloc.Filter(False, "<frozen *>"),
            tracemalloc.Filter(False, "<unknown>")]
    after = after.filter_traces(ours)
    if before is None:   # nothing was traced before the call: all of it is the call's
        sites = [(stat.traceback[0], stat.size, stat.count)
                 for stat in after.statistics("lineno")]
    else:
        sites = [(stat.traceback[0], stat.size_diff, stat.count_diff)
                 for stat in after.compare_to(before.filter_traces(ours), "lineno")
                 if stat.size_diff > 0]
    sites.sort(key=lambda site: site[1], reverse=True)
    return {"peak": max(0, peak - baseline),
            "retained": sum(size for _, size, _ in sites),
            "sites": [{"file": frame.filename, "line": frame.lineno, "size": size,
                       "count": count,
                       "source": linecache.getline(frame.filename, frame.lineno).strip()}
                      for frame, size, count in sites[:top]]}
