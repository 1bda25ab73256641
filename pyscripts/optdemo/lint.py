"""`optdemo lint FILE...`: find the article's performance pitfalls in Python code.

Each rule below is a small function that reads the syntax tree (the `ast`
module) and recognises one naive pattern that an optdemo lesson measures; a
finding names the fix and the lesson (`optdemo show <lesson>`) that measures
it. Nothing is run or imported: the rules only see the text, so they guess
types from what they can see in the same function -- `s = ""` makes `s` a
string, `seen = []` a list -- and, for `self.name` in a method, from what
the class assigns to it. When they cannot tell, they stay silent: a false
alarm teaches the wrong lesson, so precision matters more than recall.

  OPT001 string_concat    `s += piece` where CPython must copy s: an attribute,
                          an item, a global, an aliased local, `s = s + a + b`
  OPT002 list_membership  `x in some_list` in a loop
  OPT003 global_lookup    `math.sqrt(x)` feeding arithmetic in a function's loop
  OPT004 numpy_vectorize  a Python loop doing arithmetic over a NumPy array
  OPT005 queue_popleft    `pop(0)`, `del x[0]`, `insert(0, v)` on a list in a loop
  OPT006 sorted_insert    append, then sort again, in the same loop
  OPT007 counting         `if k in d: d[k] += 1 else: d[k] = 1` and friends in a loop
  OPT008 priority_queue   `min()` + `remove()`, or re-sort + `pop()`, in a loop
  OPT009 dict_defaults    `if k not in d: d[k] = []` before `d[k].append(v)`
  OPT010 caching          a recursive function calling itself twice, uncached

Nearby rules in other linters, and how these differ:
- Ruff's PERF rules (from perflint) are PERF101, PERF102, PERF203, PERF401,
  PERF402 and PERF403 (list casts, dict iterators, try in loops,
  comprehensions): none of these patterns.
- perflint W8205 dotted-import-in-loop and W8202 loop-global-usage flag every
  dotted or global name in any loop, `heapq.heappush(q, x)` included.
  OPT003 flags only cheap math, cmath and random functions whose result feeds
  arithmetic (where the lookup is a visible share of the call), and says the
  fix is small on 3.11; calls that do real work are left alone.
- Pylint R1713 consider-using-join catches `s = ""` directly followed by a
  loop whose only statement is `s += name`: a plain local, which CPython
  grows in place (linear, as `optdemo show string_concat` measures), so
  OPT001 leaves it alone. OPT001 flags the cases that stay quadratic:
  `self.text += piece` (in a loop, or in a method that adds to a buffer
  another method empties), items, globals, a local with a second reference
  or used by a nested function, and `s = s + a + b`.
- Pylint R6201 use-set-for-membership and Ruff PLR6201 literal-membership
  flag `x in [1, 2, 3]`, a literal. OPT002 skips literals (a fixed handful
  of items is cheap to scan) and flags lists whose size grows with the data;
  when the loop itself grows the list (`seen` in a search) it says to keep
  a set beside it, since a set built before the loop would miss new items.
- Pylint R1715 consider-using-get and Ruff SIM401 rewrite reads
  (`v = d[k] if k in d else 0`); OPT007 and OPT009 are about writes.
Nothing in those tools covers OPT004 to OPT010.

docs/lint.md measures the rules on numpy and the standard library: how
many findings are true positives, and which false positives remain.

A syntax error is a finding too, rule E999 with no lesson, so one broken
file does not hide the others. A `# noqa` comment on a finding's line
silences it; `# noqa: OPT003` silences only that rule.
"""

import ast
import collections
import json
import os
import re
import sys
import tokenize

from optdemo.lint_rules import RULES, is_cache_decorator
from optdemo.lint_scope import Scope, dotted, instance_attributes

Finding = collections.namedtuple("Finding", "path line col rule message lesson")
Finding.__doc__ = "One finding: 1-based line and column, a rule id, the fix, the lesson id."

SYNTAX_ERROR = "E999"
NOQA = re.compile(r"#\s*noqa(?::\s*(?P<rules>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
USAGE = "usage: optdemo lint [--json] FILE|FOLDER..."


# ---------------------------------------------------------------- linting files

def _module_facts(tree):
    """({alias: module} for every `import module [as alias]` in the file,
    the names of functions rewrapped at the top as `f = functools.cache(f)`)."""
    modules = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                modules[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0])
    cached = set()
    for node in tree.body:
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                and is_cache_decorator(node.value.func) and node.value.args):
            cached.add(dotted(node.value.args[0]))
    return modules, cached


def lint_source(source, path="<string>"):
    """The findings in one file's text, sorted by line and column."""
    try:
        tree = ast.parse(source, filename=path)
    except (SyntaxError, ValueError) as error:   # ValueError: a NUL byte in the source
        line = getattr(error, "lineno", None) or 1
        col = getattr(error, "offset", None) or 1
        reason = getattr(error, "msg", None) or str(error)
        return [Finding(path, line, col, SYNTAX_ERROR, f"syntax error: {reason}", None)]
    modules, cached = _module_facts(tree)
    findings = set()
    pending = [(tree, None)]     # (a scope's node, for a method what its class assigns to self.attributes)
    while pending:
        scope_node, class_attributes = pending.pop()
        scope = Scope(scope_node, modules, cached, class_attributes)
        attributes = instance_attributes(scope_node) if isinstance(scope_node, ast.ClassDef) else None
        pending.extend((child, attributes) for child in scope.children)
        for rule, lesson, check in RULES:
            for node, message in check(scope):
                findings.add(Finding(path, node.lineno, node.col_offset + 1, rule, message, lesson))
    lines = source.splitlines()
    return sorted(finding for finding in findings if not _silenced(finding, lines))


def _silenced(finding, lines):
    """A `# noqa` (all rules) or `# noqa: OPT001,OPT003` on the finding's line."""
    if finding.line > len(lines):
        return False
    match = NOQA.search(lines[finding.line - 1])
    if match is None:
        return False
    rules = match.group("rules")
    return rules is None or finding.rule in re.split(r"[\s,]+", rules.upper())


def python_files(path):
    """path itself, or the .py files under a folder (hidden folders and
    __pycache__ skipped), sorted."""
    if not os.path.isdir(path):
        return [path]
    found = []
    for folder, subfolders, names in os.walk(path):
        subfolders[:] = sorted(name for name in subfolders
                               if not name.startswith(".") and name != "__pycache__")
        found.extend(os.path.join(folder, name) for name in sorted(names) if name.endswith(".py"))
    return found


def read_source(path):
    """The text of a Python file, decoded as Python does (a coding cookie, else UTF-8)."""
    with tokenize.open(path) as stream:
        return stream.read()


def lint_paths(paths):
    """The findings in files and folders, sorted. A file that cannot be read
    raises OSError (or UnicodeDecodeError / SyntaxError for a bad encoding);
    a syntax error inside a file is an E999 finding."""
    findings = []
    for path in paths:
        for filename in python_files(path):
            findings.extend(lint_source(read_source(filename), filename))
    return sorted(findings)


def format_text(findings):
    """One line per finding: `path:line:col: OPT003 message [optdemo show lesson]`."""
    lines = []
    for finding in sorted(findings):
        where = f"{finding.path}:{finding.line}:{finding.col}: {finding.rule} {finding.message}"
        lines.append(where + (f" [optdemo show {finding.lesson}]" if finding.lesson else ""))
    return "\n".join(lines)


def format_json(findings):
    """A JSON list of objects with the Finding's fields (lesson null for E999)."""
    return json.dumps([finding._asdict() for finding in sorted(findings)], indent=2)


def main(argv):
    """`optdemo lint [--json] FILE|FOLDER...` (argv without the program name).
    Prints the findings; returns 0 when there are none, 1 when there are,
    2 for a usage error (no file, an unknown option, a missing or unreadable
    file), checked before anything is linted."""
    as_json = False
    paths = []
    options_done = False
    for argument in argv:
        if not options_done and argument == "--":
            options_done = True
        elif not options_done and argument in ("-h", "--help"):
            print(USAGE)
            print("Find the performance pitfalls that optdemo's lessons measure. "
                  "Exit status: 0 no findings, 1 findings, 2 usage.")
            return 0
        elif not options_done and argument == "--json":
            as_json = True
        elif not options_done and argument.startswith("-") and argument != "-":
            return _usage_error(f"unknown option {argument}")
        else:
            paths.append(argument)
    if not paths:
        return _usage_error("no files to lint")
    sources = []
    for path in paths:
        if not os.path.exists(path):
            return _usage_error(f"{path}: no such file")
        for filename in python_files(path):
            try:
                sources.append((filename, read_source(filename)))
            except (OSError, UnicodeDecodeError, SyntaxError) as error:
                return _usage_error(f"{filename}: cannot read: {getattr(error, 'strerror', None) or error}")
    findings = sorted(finding for filename, source in sources
                      for finding in lint_source(source, filename))
    if as_json:
        print(format_json(findings))
    else:
        if findings:
            print(format_text(findings))
        files = f"{len(sources)} file" + ("" if len(sources) == 1 else "s")
        print(f"{len(findings)} finding{'' if len(findings) == 1 else 's'} in {files}")
    return 1 if findings else 0


def _usage_error(message):
    print(f"optdemo lint: {message}", file=sys.stderr)
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
