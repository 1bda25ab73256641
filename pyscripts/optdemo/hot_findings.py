"""The linter on a profile's hot functions: which pitfall to fix first.

`optdemo profile SCRIPT.py` says where a program spends its time, function
by function; `optdemo lint` says which lines follow a pitfall that an
optdemo lesson measures.  Neither alone says what to try first: a pitfall
in a function that runs for a millisecond is not worth an edit, and a hot
function with no pitfall in it needs a different idea.  rank() puts the two
together: each finding in a sampled function, with

  share    the samples that have the finding's function anywhere on the
           stack (its "total", so time in what it calls counts too), over
           all samples: the most that any change to it could save;
  speedup  what the lesson's fix measured on this machine, from a results
           file of `optdemo run --json FILE`: the "after" variant's speedup
           over "before" (see FIX_VARIANT for why "after");
  saving   share * (1 - 1/speedup): Amdahl's law -- the part of the whole
           run the fix would save if the function ran as much faster as the
           lesson did.  It is a guess: the lesson's data and sizes are not
           the program's, and a function may spend only part of its time on
           the flagged line.

Findings are ranked by saving where it is known and by share where it is
not.  Share is what the saving would be for an infinitely fast fix, so a
finding without a measurement is ranked by its best case: run the lesson
(`optdemo run --json FILE LESSON`) to rank it by what it really saves.  A
fix measured slower than before (speedup below 1) has a negative saving
and sorts last.  Shares do not add up to 100%: an outer function's total
holds its callees', and two findings in one function share its time.

A finding belongs to the innermost function (def or async def) whose lines
hold it, named as CPython names it (its __qualname__: `Report.add_line`,
`main.<locals>.helper`), which is how the profile names it; outside every
function it belongs to "<module>".  A lambda or a comprehension is not a
def here: its findings, and its samples (it runs inside its function),
count for the def around it.  Not modelled: a function declared `global`
inside another, which CPython names without the outer prefix.
"""

import ast
import json
import os
import re
import sysconfig

from optdemo import lint

FIX_VARIANT = "after"
"""The variant whose speedup a finding is credited with.  Every lesson has
one: the idiomatic Python fix that the linter's message names (a set, a
deque, "".join, Counter, heapq, lru_cache...).  The other variants are not
what the message suggests: other slow forms (before_sort, before_linear),
second idioms (after_map, after_setdefault), or the ladder's compiled rungs
(native, cython, mypyc, pyo3), which need a compiler and a build.  Taking
the fastest of them all would promise more than the suggested edit gives."""

MODULE = "<module>"


# ----------------------------------------------------------- whose code it is

def _library_folders():
    """The folders of the standard library and of installed packages, as
    this interpreter's sysconfig names them, with symbolic links resolved."""
    paths = sysconfig.get_paths()
    folders = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        if paths.get(key):
            folders.add(os.path.realpath(paths[key]))
    return folders


def is_own_code(path):
    """Whether a file is the program's own code, not the standard library's
    nor an installed package's: outside sysconfig's stdlib, platstdlib,
    purelib and platlib folders, outside /usr/lib/python3* (Debian's
    standard library and packages), and with no site-packages or
    dist-packages folder in its path (a virtual environment's packages).
    Frozen modules (`<frozen runpy>`) are the standard library's too."""
    if path.startswith("<frozen "):
        return False
    real = os.path.realpath(path)
    if re.match(r"/usr/lib/python3[^/]*/", real):
        return False
    if "site-packages" in real.split(os.sep) or "dist-packages" in real.split(os.sep):
        return False
    return not any(real.startswith(folder + os.sep) for folder in _library_folders())


def _is_a_file_name(path):
    """False for the names CPython gives code that has no file of its own:
    "<string>" (exec), "<stdin>", "<frozen importlib._bootstrap>"..."""
    return bool(path) and not path.startswith("<")


# ------------------------------------------------------ the functions in a file

def function_spans(tree):
    """[(first line, last line, qualname)] for every def and async def in a
    syntax tree.  The qualname is built as CPython builds __qualname__: a
    method is `Class.method`, a function inside a function
    `outer.<locals>.inner`."""
    spans = []
    pending = [(tree, "")]     # (a node, the qualname prefix of the defs inside it)
    while pending:
        node, prefix = pending.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qualname = prefix + child.name
                spans.append((child.lineno, child.end_lineno, qualname))
                pending.append((child, qualname + ".<locals>."))
            elif isinstance(child, ast.ClassDef):
                pending.append((child, prefix + child.name + "."))
            else:
                pending.append((child, prefix))
    return spans


def innermost_function(spans, line):
    """The qualname of the innermost def whose lines hold `line`, or
    "<module>".  A def nested in another starts after it, so of the defs
    holding the line the innermost is the one that starts last."""
    holding = [(first, -last, qualname) for first, last, qualname in spans
               if first <= line <= last]
    return max(holding)[2] if holding else MODULE


# ------------------------------------------------------------------ the speedups

def measured_speedups(results_path):
    """{lesson: speedup of its FIX_VARIANT over before} from a results file
    of `optdemo run --json FILE`.  A lesson the file ran more than once (at
    several sizes or with several interpreters) counts its first run, as
    `optdemo show LESSON --results FILE` does.  A lesson with no measured
    speedup for the fix (it failed, or was not run) is left out.  Raises
    OSError when the file cannot be read, ValueError when it is not JSON or
    not a results file."""
    with open(results_path, encoding="utf-8") as file:
        results = json.load(file)
    if not isinstance(results, dict):
        raise ValueError(f"{results_path}: not a results file of `optdemo run --json`")
    speedups = {}
    seen = set()
    for summary in results.get("optdemo", {}).get("workloads", []):
        lesson = summary.get("workload")
        if lesson in seen:
            continue
        seen.add(lesson)
        for item in summary.get("variants", []):
            speedup = item.get("speedup")
            if (item.get("variant") == FIX_VARIANT and isinstance(speedup, (int, float))
                    and speedup > 0):
                speedups[lesson] = float(speedup)
    return speedups


# ------------------------------------------------------------------- the ranking

def rank(functions, samples, results_path=None, own=None, top=None):
    """The linter's findings in the sampled functions, most promising first.

    functions: the profile's [{"function": qualname, "file": path,
    "self": n, "total": n}]; samples: how many samples it took in all.
    results_path: a results file of `optdemo run --json` for the speedups
    (None: no speedups, no savings).  own(path): whether a file is worth
    linting (default is_own_code: not the standard library, not installed
    packages).  top: keep only the first `top` findings (None: all).

    Each file that holds a sampled function is read once; one that cannot
    be read (or decoded) is skipped, and so are names such as "<string>"
    and "<frozen ...>".  A finding is kept when its function has samples.
    Returns a list of dicts: rule, lesson, message, file, line, function,
    share, speedup (None when unknown), saving (None when unknown) and code
    (the finding's line, stripped)."""
    own = own or is_own_code
    speedups = measured_speedups(results_path) if results_path else {}
    if samples <= 0:
        return []
    totals = {}          # (file, qualname) -> samples with it on the stack
    for entry in functions:
        key = (entry["file"], entry["function"])
        totals[key] = max(totals.get(key, 0), entry["total"])
    # Each file once, in the profile's order (a dict keeps it; `path not in
    # a_list` here would be the very pitfall this module looks for).
    files = dict.fromkeys(path for (path, _function), total in totals.items() if total > 0)

    ranked = []
    for path in files:
        if not (_is_a_file_name(path) and own(path)):
            continue
        try:
            source = lint.read_source(path)
        except (OSError, UnicodeDecodeError, SyntaxError):    # SyntaxError: a bad coding cookie
            continue
        try:
            spans = function_spans(ast.parse(source, filename=path))
        except (SyntaxError, ValueError):   # changed since it ran; nothing to say about it
            continue
        lines = source.splitlines()
        for finding in lint.lint_source(source, path):
            if finding.lesson is None:
                continue
            function = innermost_function(spans, finding.line)
            total = totals.get((path, function), 0)
            if total <= 0:
                continue
            share = total / samples
            speedup = speedups.get(finding.lesson)
            saving = share * (1 - 1 / speedup) if speedup is not None else None
            ranked.append({
                "rule": finding.rule, "lesson": finding.lesson, "message": finding.message,
                "file": path, "line": finding.line, "function": function,
                "share": share, "speedup": speedup, "saving": saving,
                "code": lines[finding.line - 1].strip() if finding.line <= len(lines) else "",
            })
    ranked.sort(key=_ranking_key)
    return ranked if top is None else ranked[:top]


def _ranking_key(finding):
    """Most time to save first: the saving where it is measured, else the
    share (the saving of an infinitely fast fix); then by file and line."""
    expected = finding["saving"] if finding["saving"] is not None else finding["share"]
    return (-expected, finding["file"], finding["line"], finding["rule"])


# -------------------------------------------------------------------- the report

def _printable(text):
    """text with control characters escaped, so a file name or a line of
    code cannot move the terminal's cursor or change its colours."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


def _times(speedup):
    return f"{speedup:.0f}x" if speedup >= 10 else f"{speedup:.1f}x"


def text(findings, limit=10, results_path=None):
    """The lines a terminal report prints: what to try first.  For each of
    the first `limit` findings (None: all): its rank, the share of the time
    in its function, the function and file:line, the rule and its message,
    the line itself, and the lesson to read -- with the speedup measured for
    it and the saving it suggests when known (results_path names the
    results file they came from)."""
    if not findings:
        return ["What to try first: no pitfall the linter knows in the sampled functions' "
                "own files"]
    shown = findings if limit is None else findings[:limit]
    lines = ["What to try first: the article's pitfalls in the hot functions (share: samples "
             "with the function on the stack; saving: share x (1 - 1/speedup))"]
    for number, finding in enumerate(shown, 1):
        where = f"{_printable(finding['file'])}:{finding['line']}"
        lines.append(f"{number:3}. {finding['share']:6.1%}  {_printable(finding['function'])}  {where}")
        lines.append(f"       {finding['rule']} {_printable(finding['message'])}")
        lines.append(f"       | {_printable(finding['code'])}")
        lesson = f"       optdemo show {finding['lesson']}"
        if finding["speedup"] is not None:
            source = f" (results {_printable(results_path)})" if results_path else ""
            lesson += (f"; measured: {_times(finding['speedup'])} on this machine{source}, "
                       f"could save about {finding['saving']:.1%} of the run")
        lines.append(lesson)
    if len(findings) > len(shown):
        lines.append(f"     ... and {len(findings) - len(shown)} more")
    return lines
