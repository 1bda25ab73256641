"""The ladder: the article's "last weapons" as variants of a workload.

For a hot spot written in Python, the article's last rung before another
interpreter is to compile it: Cython (typed, or plain Python compiled as it
is), mypyc (type-hinted Python) or Rust with PyO3.  native/ladder/<id>/ holds
each workload's hot spot written for each tool; meson builds them into
<build>/native/ladder, which the host and its workers put on sys.path,
beside one NAME.ladder.json per module (its tool, source and build
time) and ladder-status.json (which tools were built, and for which
interpreter).  A workload declares its rungs with

    COMPILED = ladder.modules(ID)          # module .cython, .mypyc, ... or None
    REQUIRES = {..., **COMPILED.requires}  # unavailable, with the reason, if not built

and calls them as COMPILED.cython.some_function(data).
"""

import importlib
import json
import os
import sys
import sysconfig

TOOLS = ("cython_untyped", "cython", "mypyc", "pyo3")
STATUS_FILE = "ladder-status.json"
LANGUAGES = {"cython": "Cython", "cython_untyped": "Python, compiled by Cython",
             "mypyc": "Python with type hints", "pyo3": "Rust"}


class Rungs:
    """A workload's compiled modules: one attribute per variant (None where
    the module does not import), .names {variant: module name} and
    .requires, the REQUIRES entries that make a missing one unavailable."""

    def __init__(self, names):
        self.names = dict(names)
        self.requires = {variant: [name] for variant, name in self.names.items()}
        for variant, name in self.names.items():
            setattr(self, variant, load(name))


def modules(workload_id, extra=None):
    """The rungs of a workload: <id>_cython_untyped, <id>_cython, <id>_mypyc
    and <id>_pyo3, plus `extra` {variant: module name}."""
    names = {tool: f"{workload_id}_{tool}" for tool in TOOLS}
    names.update(extra or {})
    return Rungs(names)


def load(name):
    """The module, or None when it does not import (not built, or built for
    another interpreter): why_unavailable() says which."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def folder():
    """The ladder's build folder on sys.path, or None."""
    for entry in sys.path:
        if entry and os.path.isfile(os.path.join(entry, STATUS_FILE)):
            return entry
    return None


def _read_json(path):
    try:
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    except (OSError, ValueError):
        return None


def status():
    """ladder-status.json: {"python", "ext_suffix", "tools": {tool: state}}, or None."""
    where = folder()
    return _read_json(os.path.join(where, STATUS_FILE)) if where else None


def record(name):
    """The build record of one module (NAME.ladder.json), or None."""
    where = folder()
    return _read_json(os.path.join(where, name + ".ladder.json")) if where else None


def tool_of(name):
    """The tool a module name belongs to: counting_cython_untyped -> cython_untyped."""
    for tool in sorted(TOOLS, key=len, reverse=True):
        if name.endswith("_" + tool):
            return tool
    return None


def why_unavailable(name):
    """Why a ladder module does not import here, or None if it is no ladder
    module (the caller then reports the import error itself)."""
    tool = tool_of(name)
    if tool is None:
        return None
    built = status()
    if built is None:
        return (f"{name} needs optdemo's ladder (native/ladder), which is not on this "
                "interpreter's path")
    state = built.get("tools", {}).get(tool, "not built")
    if state != "built":
        return f"{name}: {state}"
    here = sysconfig.get_config_var("EXT_SUFFIX") or "?"
    if here != built.get("ext_suffix"):
        reason = (f"{name} was built for {built.get('python')} ({built.get('ext_suffix')}) "
                  f"only, not for this interpreter ({here})")
        if sys.implementation.name == "cpython" and sys.version_info >= (3, 12):
            reason += ": Debian 12's cython3 0.29, mypyc 1.0 and pyo3 0.17 predate CPython 3.12"
        return reason
    return None


def source(name):
    """(path, text) of a module's source, from its build record; None when
    it was not built."""
    built = record(name)
    if built is not None:
        return built["source"], built["source_text"]
    return None


def lines_of_code(text, comment="#"):
    """Lines that are neither blank nor comments (`comment`: "//" for Rust,
    whose `#[pyfunction]` is code), after an opening docstring, which says
    what the file is rather than how it does it."""
    body = text.lstrip()
    for quote in ('"""', "'''"):
        if body.startswith(quote):
            end = body.find(quote, 3)
            body = body[end + 3:] if end >= 0 else ""
    return sum(1 for line in body.splitlines()
               if line.strip() and not line.lstrip().startswith(comment))


def _speedups(results_path, workload_id):
    """({variant: (speedup, verdict)}, "interpreter, n = N") from a results
    file of `optdemo run`: the first interpreter that ran this workload."""
    with open(results_path, encoding="utf-8") as file:
        results = json.load(file)
    for summary in results.get("optdemo", {}).get("workloads", []):
        if summary.get("workload") == workload_id:
            found = {item["variant"]: (item.get("speedup"), item.get("verdict") or item["status"])
                     for item in summary.get("variants", [])}
            return found, f"{summary.get('interpreter', '?')}, n = {summary.get('n', 0):,}"
    raise LookupError(f"{results_path} has no results for {workload_id}")


def cost_table(workload, sources, results_path=None):
    """The ladder of one workload as text for `optdemo show`: each rung's
    language, lines of code and build time here, and with a results file of
    `optdemo run` its speedup over before.  "" for a workload without rungs."""
    rungs = getattr(workload, "COMPILED", None)
    if not isinstance(rungs, Rungs):
        return ""
    speedups, where = _speedups(results_path, workload.ID) if results_path else ({}, "")
    rows = [("variant", "language", "lines", "build", "vs before" if speedups else "", "")]
    for variant in workload.VARIANTS:
        name = rungs.names.get(variant)
        built = record(name) if name else None
        if name is None:
            language = "C, by hand (optdemo's optnative)" if variant == "native" else "Python"
            lines = "" if variant == "native" else str(lines_of_code(sources[variant]))
            build, note = "-", ""
        elif built is None:
            language, lines, build = LANGUAGES[tool_of(name)], "", ""
            note = why_unavailable(name) or "not built"
        else:
            language, lines = LANGUAGES[built["tool"]], str(lines_of_code(
                built["source_text"], "//" if built["tool"] == "pyo3" else "#"))
            build = f"{built['build_seconds']:.1f} s"
            note = built["tool_version"]
            if built.get("dependencies_seconds"):
                note += f", plus {built['dependencies_seconds']:.0f} s once to compile pyo3"
        speedup, verdict = speedups.get(variant, (None, ""))
        measured = ("" if not speedups or variant == "before"
                    else f"{speedup:.2f}x ({verdict})" if speedup else verdict)
        rows.append((variant, language, lines, build, measured, note))
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    lines = ["The ladder: what each rung took to write and to build here"
             + (f", and its speedup ({results_path}: {where})" if speedups else "") + ":"]
    for row in rows:
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1]), row[2].rjust(widths[2]),
                 row[3].rjust(widths[3]), row[4].ljust(widths[4]), row[5]]
        lines.append("  ".join(cells).rstrip())
    if not speedups:
        lines.append(f"Speedups: `optdemo run {workload.ID} --json FILE`, then "
                     f"`optdemo show {workload.ID} --results FILE`.")
    return "\n".join(lines) + "\n"
