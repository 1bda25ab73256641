"""The report of `optdemo profile SCRIPT.py`, from the runs' JSON.

app/cli/profile_script.c runs the program in workers (script_run.py) and
gathers what each run measured into one JSON report; the functions here,
called by the host with that JSON as text, derive what the runs imply
(which functions to line-trace, what each profiler cost, the findings)
and write the report out: the terminal text, the collapsed stacks, the
HTML page.  docs/profiling.md describes the report's keys.
"""

import ast
import json
import os
import statistics

from optdemo import hot_findings, profile_page

SHOWN = 5             # rows of the secondary tables (findings, cProfile)
HOT_LINES = 4         # lines shown of each traced function


# --- what the runs imply ---------------------------------------------------------

def line_keys(report_text, limit):
    """JSON: [[file, qualname, first line], ...] of the hottest functions by
    own samples whose source can be read, for the line tracer."""
    report = json.loads(report_text)
    keys = []
    for function in report["sampling"]["functions"]:
        if len(keys) >= int(limit) or function["self"] == 0:
            break
        first_line = first_line_of(function["file"], function["function"])
        if first_line is not None:
            keys.append([function["file"], function["function"], first_line])
    return json.dumps(keys)


def first_line_of(path, qualname):
    """co_firstlineno of the function `qualname` defined in file `path`
    (its first decorator's line, as CPython counts), or None when the file
    cannot be read or holds no such function."""
    try:
        with open(path, "rb") as file:
            tree = ast.parse(file.read(), filename=path)
    except (OSError, SyntaxError, ValueError):
        return None
    for node, name in _functions(tree, ""):
        if name == qualname:
            return min([node.lineno] + [decorator.lineno for decorator in node.decorator_list])
    return None


def _functions(node, prefix):
    """(node, qualname) of every function and method under `node`."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            name = prefix + child.name
            yield child, name
            yield from _functions(child, name + ".<locals>.")
        elif isinstance(child, ast.ClassDef):
            yield from _functions(child, prefix + child.name + ".")
        elif not isinstance(child, ast.Lambda):
            yield from _functions(child, prefix)


def complete(report_text, _=None):
    """JSON: the report with what its runs imply: the overhead of each
    profiler, the line tracer's slowdown, the findings in hot functions
    (with the speedups of the results file its options name)."""
    report = json.loads(report_text)
    overhead = summarize_overhead(report.get("runs", []))
    if overhead:
        report["overhead"] = overhead
    lines = report.get("lines")
    if lines and lines.get("wall") and overhead.get("plain"):
        lines["slowdown"] = lines["wall"] / overhead["plain"]
    if report.get("options", {}).get("lint", True):
        sampling = report["sampling"]
        report["findings"] = hot_findings.rank(sampling["functions"], sampling["samples"],
                                               results_path=results_path_of(report))
    return json.dumps(report)


def results_path_of(report):
    return report.get("options", {}).get("results")


# The quiet runs the overhead compares, by pass, and their names in the report.
OVERHEAD_RUNS = (("plain", "plain"), ("sample", "sampled"), ("cprofile", "cprofile"))


def summarize_overhead(runs):
    """From the quiet unprofiled, sampled and cProfile runs: each kind's
    wall and CPU times (`plain_runs`, `plain_cpu_runs`...), their medians
    (`plain`, `plain_cpu`...) and each profiler's over the unprofiled
    (`sampled_ratio`, `sampled_cpu_ratio`...).  {} without quiet runs."""
    summary = {}
    for kind, name in OVERHEAD_RUNS:
        quiet = [run for run in runs if run["pass"] == kind and run["quiet"]]
        if quiet:
            summary[name + "_runs"] = [run["wall"] for run in quiet]
            summary[name + "_cpu_runs"] = [run["cpu"] for run in quiet]
            summary[name] = statistics.median(summary[name + "_runs"])
            summary[name + "_cpu"] = statistics.median(summary[name + "_cpu_runs"])
    for _, name in OVERHEAD_RUNS[1:]:
        for suffix in ("", "_cpu"):
            if summary.get(name + suffix) and summary.get("plain" + suffix):
                summary[name + suffix + "_ratio"] = summary[name + suffix] / summary["plain" + suffix]
    return summary


# --- writing it out ------------------------------------------------------------

def collapsed(report_text, _=None):
    """The sampled stacks as collapsed-stack lines: `outer;inner COUNT`."""
    report = json.loads(report_text)
    return "".join(f"{stack['stack']} {stack['count']}\n"
                   for stack in report["sampling"]["stacks"])


def html(report_text, _=None):
    return profile_page.render(json.loads(report_text))


def text(report_text, top):
    """The terminal report: one screen, most useful first."""
    report = json.loads(report_text)
    top = int(top)
    lines = []
    lines += _summary(report)
    lines += _functions_table(report, top)
    lines += _findings(report)
    lines += _hot_lines(report)
    lines += _cprofile_table(report)
    lines += _memory(report)
    return "\n".join(lines) + "\n"


def short_path(path):
    """A file as the user would name it: relative to the current folder
    when inside it."""
    if path.startswith("<"):
        return path
    relative = os.path.relpath(path)
    return relative if not relative.startswith("..") else path


def size_text(size):
    """Bytes as KiB or MiB, whichever reads best."""
    return f"{size / 2**20:.1f} MiB" if size >= 2**20 else f"{size / 2**10:.1f} KiB"


def where(function, file, line=None):
    """"name (file:line)"; a builtin (cProfile's file "~") by name alone."""
    if file == "~":
        return function
    place = short_path(file) + (f":{line}" if line else "")
    return f"{function} ({place})"


def _summary(report):
    program, times, sampling = report["program"], report["times"], report["sampling"]
    if "pid" in program:
        return _process_summary(program, times, sampling)
    name = " ".join((["-m"] if program.get("module") else []) + program["argv"])
    lines = [
        "",
        f"optdemo profile: {name} exited with {program['exit_code']} after "
        f"{times['wall']:.3f} s wall, {times['cpu']:.3f} s CPU",
    ]
    signals = sampling["samples"] + sampling["dropped"] + sampling["empty"]
    per_sample = 1e6 * sampling["handler_seconds"] / signals if signals else 0.0
    lost = []
    if sampling["dropped"]:
        lost.append(f"{sampling['dropped']} dropped (buffer full)")
    if sampling["empty"]:
        lost.append(f"{sampling['empty']} outside Python")
    if sampling["truncated"]:
        lost.append(f"{sampling['truncated']} cut at 256 frames")
    if sampling.get("torn"):
        lost.append(f"{sampling['torn']} dropped (the signal came while a frame was half-made)")
    lines.append(f"  sampled {sampling['samples']} times at {sampling['rate']:g} Hz "
                 f"({sampling['clock']} clock); the handler took {per_sample:.1f} us a sample"
                 + (f"; {', '.join(lost)}" if lost else ""))
    overhead = report.get("overhead", {})
    costs = [f"{label} {overhead[name + '_ratio']:.2f}x wall, "
             f"{overhead[name + '_cpu_ratio']:.2f}x CPU"
             for label, name in (("the sampler", "sampled"), ("cProfile", "cprofile"))
             if overhead.get(name + "_ratio") and overhead.get(name + "_cpu_ratio")]
    if costs:
        runs = len(overhead["plain_runs"])
        how = f"medians of {runs} quiet runs of each" if runs > 1 else "one quiet run of each"
        lines.append(f"  cost over the unprofiled run ({overhead['plain']:.3f} s; {how}): "
                     + "; ".join(costs))
    if report.get("failure"):
        lines.append(f"  stopped early: {report['failure']}")
    return lines


def _process_summary(program, times, sampling):
    """The header of `optdemo profile --pid`: the process, read from outside."""
    until = {"exited": ", until it exited", "Ctrl-C": ", until Ctrl-C"}.get(program["ended"], "")
    ticks = sampling["ticks"]
    return [
        f"optdemo profile: process {program['pid']} ({' '.join(program['argv'])[:80]}; "
        f"{program['binary']}, CPython {program['interpreter']}) sampled for "
        f"{times['wall']:.3f} s{until}",
        f"  {ticks} ticks at {sampling['rate']:g} Hz ({times['wall'] * sampling['rate']:.0f} "
        f"expected; {sampling['late_ticks']} skipped, the walk being late), "
        f"{sampling['samples']} samples (a thread's stack each), {sampling['torn']} dropped "
        f"(torn or unreadable frames), {sampling['empty']} threads without a Python frame, "
        f"{sampling['truncated']} cut at 256 frames",
        f"  reading the target took {1e6 * sampling['handler_seconds'] / max(ticks, 1):.1f} us "
        "a tick (the target is never stopped)",
    ]


def _functions_table(report, top):
    sampling = report["sampling"]
    samples = sampling["samples"]
    if not samples:
        return ["", "  no samples: the program ended before the first one (try --rate)"]
    lines = ["", "Where the time went, by samples (self: in the function itself; "
             "total: with what it calls)",
             f"  {'self':>7} {'%':>6} {'total':>7} {'%':>6}  function"]
    for function in sampling["functions"][:top]:
        lines.append(f"  {function['self']:7d} {100 * function['self'] / samples:5.1f}% "
                     f"{function['total']:7d} {100 * function['total'] / samples:5.1f}%  "
                     + where(function["function"], function["file"]))
    lines += _heaviest_stacks(sampling["stacks"], samples)
    awaiting = sampling.get("awaiting")
    if awaiting and awaiting.get("stacks"):
        lines.append(f"  asyncio tasks waiting at an await ({awaiting['snapshots']} snapshots):")
        for stack in awaiting["stacks"][:SHOWN]:
            frames = stack["stack"].split(";")
            lines.append(f"  {stack['count']:7d}  {frames[0]}: {frames[-2]} awaits {frames[-1]}"
                         if len(frames) > 2 else f"  {stack['count']:7d}  {';'.join(frames)}")
    return lines


def _heaviest_stacks(stacks, samples, shown=3, depth=4):
    """The heaviest stacks, innermost frame first, `depth` frames each."""
    lines = [f"  heaviest stacks (innermost first, {depth} frames at most):"]
    for stack in stacks[:shown]:
        frames = [_short_frame(frame) for frame in stack["stack"].split(";")[::-1]]
        more = " <- ..." if len(frames) > depth else ""
        lines.append(f"  {stack['count']:7d} {100 * stack['count'] / samples:5.1f}%  "
                     + " <- ".join(frames[:depth]) + more)
    return lines


def _short_frame(frame):
    """"name (file:line)" with the file as short_path names it."""
    name, _, place = frame.rpartition(" (")
    file, _, line = place[:-1].rpartition(":")
    return where(name, file, line) if name and file else frame


def _findings(report):
    findings = report.get("findings")
    if findings is None:
        return []
    functions = report["sampling"]["functions"]
    if not findings and functions and not any(
            hot_findings.is_own_code(function["file"]) for function in functions):
        return ["", "What to try first: every sampled function is in the standard library or "
                "an installed package (not linted): look at how your code calls the heaviest "
                "ones above"]
    return [""] + hot_findings.text(findings, SHOWN, report.get("options", {}).get("results"))


def _hot_lines(report):
    traced = report.get("lines")
    if not traced or not traced.get("functions"):
        return []
    slowdown = traced.get("slowdown")
    lines = ["", "Hot lines (the C line tracer on the hottest functions only"
             + (f"; the traced run took {slowdown:.1f}x the unprofiled time" if slowdown
                else "") + ")"]
    for function in traced["functions"]:
        total = function["seconds"]
        if not function["lines"]:
            lines.append(f"  {where(function['function'], function['file'])}: never called "
                         "in the traced run")
            continue
        lines.append(f"  {where(function['function'], function['file'], function['first_line'])}"
                     f": {total:.3f} s traced")
        hottest = sorted(function["lines"], key=lambda line: -line["seconds"])[:HOT_LINES]
        for line in sorted(hottest, key=lambda line: line["line"]):
            share = 100 * line["seconds"] / total if total else 0.0
            lines.append(f"    {line['line']:6d} {line['hits']:10d} hits {line['seconds']:8.3f} s "
                         f"{share:5.1f}%  {line['code'].strip()[:60]}")
    return lines


def _cprofile_table(report):
    profile = report.get("cprofile")
    if not profile:
        return []
    lines = ["", "cProfile, by own time (tottime)",
             f"  {'tottime':>8} {'cumtime':>8} {'calls':>9}  function"]
    for row in profile["functions"][:SHOWN]:
        lines.append(f"  {row['tottime']:8.3f} {row['cumtime']:8.3f} {row['calls']:9d}  "
                     + where(row["function"], row["file"], row["line"]))
    if profile.get("pstats"):
        lines.append(f"  pstats: {profile['pstats']} (python -m pstats, snakeviz)")
    return lines


def _memory(report):
    memory = report.get("memory")
    if not memory:
        return []
    lines = ["", f"Memory (tracemalloc): peak {memory['peak_bytes'] / 2**20:.1f} MiB; "
             f"of the {memory['snapshot_bytes'] / 2**20:.1f} MiB held at the snapshot nearest "
             "it, by the line that allocated it:"]
    for site in memory["sites"][:3]:
        lines.append(f"  {size_text(site['bytes']):>10} {site['count']:8d} blocks  "
                     f"{short_path(site['file'])}:{site['line']}  {site['code'][:50]}")
    return lines
