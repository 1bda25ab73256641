"""`optdemo lint` (pyscripts/optdemo/lint.py): each rule on short snippets,
then its precision and recall measured on real code -- the lessons' variants,
an idiomatic corpus (tests/lint_corpus/) and optdemo's own code -- and
main()'s output and exit codes.

Run with `meson test -C build --suite workloads`, or directly:
    /usr/bin/python3.11 -m pytest tests/test_lint.py
"""

import ast
import inspect
import json
import os
import sys
import textwrap

import pytest

SOURCE_ROOT = os.environ.get("OPTDEMO_SOURCE_ROOT") or os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(SOURCE_ROOT, "pyscripts"))

from optdemo import lint, workloads  # noqa: E402  (needs the path above)

CORPUS = os.path.join(SOURCE_ROOT, "tests", "lint_corpus")
OPTDEMO_CODE = os.path.join(SOURCE_ROOT, "pyscripts", "optdemo")


def rules_in(snippet):
    return [finding.rule for finding in lint.lint_source(textwrap.dedent(snippet))]


# ---------------------------------------------------------------- each rule

# (rule expected, snippet): each snippet is the pattern and nothing else.
POSITIVES = [
    ("OPT001", """
        def build(pieces):
            text = ""
            for piece in pieces:
                alias = text
                text += piece
            return text
    """),
    ("OPT001", """
        def build(rows, title):
            out = f"{title}\\n"
            for row in rows:
                for cell in row:
                    out = out + cell + ","
            return out
    """),
    ("OPT001", """
        def snapshots(pieces):
            text = ""
            for piece in pieces:
                text += piece
                yield text
    """),
    ("OPT001", """
        report = ""
        while more():
            report += next_line()
    """),
    ("OPT001", """
        class Log:
            def __init__(self):
                self.text = ""

            def add(self, lines):
                for line in lines:
                    self.text += line + "\\n"
    """),
    ("OPT002", """
        def unique(items):
            seen = []
            for item in items:
                if item not in seen:
                    seen.append(item)
            return seen
    """),
    ("OPT002", """
        def hits(needles, ids):
            wanted = list(ids)
            return sum(1 for needle in needles if needle in wanted)
    """),
    ("OPT002", """
        def hits(needles, wanted: list[int]):
            count = 0
            for needle in needles:
                if needle in wanted:
                    count += 1
            return count
    """),
    ("OPT002", """
        def known(text, words):
            vocabulary = text.split()
            return [word for word in words if word in vocabulary]
    """),
    ("OPT002", """
        def hits(data):
            haystack: list = data["haystack"]
            return [needle for needle in data["needles"] if needle in haystack]
    """),
    ("OPT003", """
        import math

        def root_sum(values):
            total = 0.0
            for x in values:
                total += math.sqrt(x)
            return total
    """),
    ("OPT003", """
        import random as rnd

        def walk(steps):
            position = 0.0
            while steps:
                position = position + rnd.random() * 2 - 1
                steps -= 1
            return position
    """),
    ("OPT003", """
        import math as m

        def wave(samples):
            total = 0.0
            for t in samples:
                total = total - m.sin(t) * 0.5
            return total
    """),
    ("OPT004", """
        import numpy as np

        def squares(n):
            x = np.arange(n)
            total = 0.0
            for v in x:
                total += v * v
            return total
    """),
    ("OPT004", """
        import numpy

        def dot(a, b):
            x = numpy.array(a)
            y = numpy.array(b)
            total = 0.0
            for p, q in zip(x, y):
                total += p * q
            return total
    """),
    ("OPT004", """
        import numpy as np

        def scale(values):
            x = np.asarray(values)
            out = np.empty_like(x)
            for i in range(len(x)):
                if x[i] > 0:
                    out[i] = x[i] * 2 + 1
                else:
                    out[i] = 0
            return out
    """),
    ("OPT004", """
        import numpy as np

        def weighted(values, weights):
            x = np.asarray(values)
            w = np.asarray(weights)
            total = 0.0
            for i in range(len(x)):
                scaled = x[i] * w[i]
                total += scaled * scaled
            return total
    """),
    ("OPT004", """
        import numpy as np

        def total(x: np.ndarray):
            result = 0.0
            for value in x:
                result += abs(value)
            return result
    """),
    ("OPT005", """
        def drain(items):
            queue = list(items)
            served = []
            while queue:
                served.append(queue.pop(0))
            return served
    """),
    ("OPT005", """
        def drain(queue):
            while queue:
                handle(queue[0])
                del queue[0]
    """),
    ("OPT005", """
        def reverse(items):
            result = []
            for item in items:
                result.insert(0, item)
            return result
    """),
    ("OPT006", """
        def keep_sorted(items):
            ordered = []
            for item in items:
                ordered.append(item)
                ordered.sort()
            return ordered
    """),
    ("OPT006", """
        def keep_sorted(items):
            ordered = []
            for item in items:
                ordered += [item]
                ordered = sorted(ordered)
                report(ordered[0])
            return ordered
    """),
    ("OPT007", """
        def count(items):
            counts = {}
            for item in items:
                if item in counts:
                    counts[item] += 1
                else:
                    counts[item] = 1
            return counts
    """),
    ("OPT007", """
        def count(items):
            counts = {}
            for item in items:
                if item not in counts:
                    counts[item] = 1
                else:
                    counts[item] += 1
            return counts
    """),
    ("OPT007", """
        def count(items):
            counts = {}
            for item in items:
                if item not in counts:
                    counts[item] = 0
                counts[item] += 1
            return counts
    """),
    ("OPT007", """
        def count(items):
            counts = {}
            for item in items:
                try:
                    counts[item] += 1
                except KeyError:
                    counts[item] = 1
            return counts
    """),
    ("OPT007", """
        def count(words):
            counts = {}
            for word in words:
                counts[word.lower()] = counts.get(word.lower(), 0) + 1
            return counts
    """),
    ("OPT007", """
        def weigh(pairs):
            totals = {}
            for key, weight in pairs:
                totals[key] = weight + totals.get(key, 0)
            return totals
    """),
    ("OPT008", """
        def drain(items):
            queue = list(items)
            order = []
            while queue:
                smallest = min(queue)
                queue.remove(smallest)
                order.append(smallest)
            return order
    """),
    ("OPT008", """
        def drain(queue):
            order = []
            while queue:
                order.append(queue[0])
                queue.remove(max(queue))
            return order
    """),
    ("OPT008", """
        def schedule(events):
            queue = []
            done = []
            for event in events:
                if event is None:
                    queue.sort(reverse=True)
                    done.append(queue.pop())
                else:
                    queue.append(event)
            return done
    """),
    ("OPT009", """
        def group(pairs):
            groups = {}
            for key, value in pairs:
                if key not in groups:
                    groups[key] = []
                groups[key].append(value)
            return groups
    """),
    ("OPT009", """
        class Index:
            def add(self, key, value):
                if key not in self.entries:
                    self.entries[key] = set()
                self.entries[key].add(value)
    """),
    ("OPT009", """
        def group(pairs):
            groups = {}
            for key, value in pairs:
                if key in groups:
                    groups[key].append(value)
                else:
                    groups[key] = [value]
            return groups
    """),
    ("OPT009", """
        def nest(triples):
            table = {}
            for row, column, value in triples:
                if row not in table:
                    table[row] = {}
                table[row][column] = value
            return table
    """),
    ("OPT010", """
        def fib(n):
            if n < 2:
                return n
            return fib(n - 1) + fib(n - 2)
    """),
    ("OPT010", """
        def paths(rows, columns):
            if rows == 0 or columns == 0:
                return 1
            return paths(rows - 1, columns) + paths(rows, columns - 1)
    """),
    ("OPT010", """
        class Stairs:
            def ways(self, n):
                if n <= 1:
                    return 1
                total = self.ways(n - 1) + self.ways(n - 2)
                return total
    """),
]

# Look-alikes that must stay silent: the fixes, and patterns a rule must not confuse.
NEGATIVES = [
    # OPT001: a plain local (CPython grows it in place: linear), numbers, lists,
    # a string rebuilt per iteration, an unknown type
    "def f(xs):\n    s = ''\n    for x in xs:\n        s += x\n    return s\n",
    "def f(cells):\n    line = ''\n    for c in cells:\n        line = line + c\n        line += ',' + c\n    return line\n",
    "def f(xs):\n    s = ''\n    for x in xs:\n        s += x\n        print(len(s), s)\n    return s\n",
    "def f(xs):\n    total = 0\n    for x in xs:\n        total += x\n    return total\n",
    "def f(xs):\n    items = []\n    for x in xs:\n        items += [x]\n    return items\n",
    "def f(rows):\n    for row in rows:\n        line = row.name\n        line += ':'\n        emit(line)\n",
    "def f(text, xs):\n    for x in xs:\n        text += x\n    return text\n",
    "def f(xs):\n    s = ''\n    s += ''.join(xs)\n    return s\n",
    "class Log:\n    def add(self, xs):\n        for x in xs:\n            self.text += x\n",
    # ... and a one-off tail on an attribute (mesonbuild's mtest.py: `self.stdo += '\n'`)
    "class Run:\n    def __init__(self):\n        self.stdo = ''\n    def complete(self):\n"
    "        if not self.stdo.endswith('\\n'):\n            self.stdo += '\\n'\n",
    # OPT002: sets, literals (Pylint R6201's), fixed lists, per-iteration lists, no loop
    "def f(xs, ids):\n    wanted = set(ids)\n    return [x for x in xs if x in wanted]\n",
    "def f(xs):\n    return [x for x in xs if x in [1, 2, 3]]\n",
    "def f(text):\n    vowels = ['a', 'e', 'i', 'o', 'u']\n    return sum(1 for c in text if c in vowels)\n",
    "def f(lines):\n    for line in lines:\n        fields = line.split()\n        if 'x' in fields:\n            return line\n",
    "def f(data):\n    haystack = data['haystack']\n    return [n for n in data['needles'] if n in haystack]\n",
    "def f(x, ids):\n    wanted = list(ids)\n    return x in wanted\n",
    "def f(xs):\n    counts = {}\n    for x in xs:\n        if x in counts:\n            print(x)\n",
    # OPT003: a local binding, calls that do real work, module level, shadowing, from-imports
    "import math\ndef f(xs):\n    sqrt = math.sqrt\n    t = 0.0\n    for x in xs:\n        t += sqrt(x)\n    return t\n",
    "import heapq\ndef f(xs):\n    q = []\n    for x in xs:\n        heapq.heappush(q, x)\n    return q\n",
    "import bisect\ndef f(xs):\n    o = []\n    for x in xs:\n        bisect.insort(o, x)\n    return o\n",
    "import math\ntotal = 0.0\nfor x in range(10):\n    total += math.sqrt(x)\n",
    "from math import sqrt\ndef f(xs):\n    t = 0.0\n    for x in xs:\n        t += sqrt(x)\n    return t\n",
    "import math\ndef f(math, xs):\n    t = 0\n    for x in xs:\n        t += math.sqrt(x)\n    return t\n",
    "import math\ndef f(xs):\n    return sum(math.sqrt(x) for x in xs)\n",
    "import math\ndef f(xs, n):\n    scale = math.sqrt(n) * 2\n    return [x * scale for x in xs]\n",
    "import re\ndef f(names):\n    for n in names:\n        if not re.match('x', n):\n            return n\n",
    "import time\ndef f(deadline, poll):\n    while poll():\n        left = deadline - time.monotonic()\n",
    "import html\ndef f(rows):\n    out = []\n    for r in rows:\n        out.append('<td>' + html.escape(r))\n",
    # OPT004: array expressions, Python lists, calls in the body, no numpy
    "import numpy as np\ndef f(a, b):\n    x = np.array(a)\n    y = np.array(b)\n    return float((x * y).sum())\n",
    "import numpy\ndef f(data):\n    total = 0.0\n    for a, b in zip(data['x'], data['y']):\n        total += a * b\n    return total\n",
    "import numpy as np\ndef f(rows, model):\n    table = np.array(rows)\n    out = []\n    for row in table:\n        out.append(model(row) * 2)\n    return out\n",
    "import numpy as np\ndef f(n):\n    x = np.arange(n)\n    for v in x:\n        print(v)\n",
    "import numpy as np\ndef f(n):\n    w = np.empty(n)\n    fac = 1.0\n    for j in np.arange(1, n + 1):\n        fac /= j\n        w[j - 1] = fac\n    return w\n",
    "import numpy as np\ndef f(n, a):\n    out = np.zeros(n)\n    for i in np.arange(n, 0, -1):\n        mask = i <= a\n        out[mask] += 1 / i\n    return out\n",
    "import numpy as np\ndef f(m):\n    ma = np.arange(1.0, m)\n    out = np.empty(m - 1)\n    for k in range(len(ma)):\n        out[k] = np.prod(1 - ma[k] / ma[:k])\n    return out\n",
    "import numpy as np\ndef f(a, x):\n    y = np.zeros_like(x)\n    for i in range(len(x)):\n        y[i] = a * y[i - 1] + x[i]\n    return y\n",
    "import numpy as np\ndef f(x, decay):\n    state = 0.0\n    out = np.empty_like(x)\n    for i, v in enumerate(x):\n        state = state * decay + v\n        out[i] = state\n    return out\n",
    "def f(x):\n    total = 0.0\n    for v in x:\n        total += v * v\n    return total\n",
    # OPT005: the end of a list, deque, dict.pop, once, a per-iteration list, sys.path
    "def f(stack):\n    out = []\n    while stack:\n        out.append(stack.pop())\n    return out\n",
    "import collections\ndef f(xs):\n    q = collections.deque(xs)\n    while q:\n        q.popleft()\n",
    "def f(keys):\n    d = {0: 'a'}\n    for k in keys:\n        d.pop(0, None)\n",
    "def f(xs):\n    first = xs.pop(0)\n    return first, xs\n",
    "def f(lines):\n    for line in lines:\n        parts = line.split()\n        command = parts.pop(0)\n        run(command, parts)\n",
    "import sys\ndef f(folders):\n    for folder in folders:\n        sys.path.insert(0, folder)\n",
    # OPT006: sort once after the loop, bisect, a list rebuilt per iteration
    "def f(xs):\n    o = []\n    for x in xs:\n        o.append(x)\n    o.sort()\n    return o\n",
    "def f(groups):\n    for name, values in groups:\n        ordered = list(values)\n        ordered.append(0)\n        ordered.sort()\n        show(name, ordered)\n",
    # OPT007: Counter, defaultdict, outside a loop, reads with get()
    "import collections\ndef f(xs):\n    return collections.Counter(xs)\n",
    "import collections\ndef f(xs):\n    c = collections.defaultdict(int)\n    for x in xs:\n        c[x] += 1\n    return c\n",
    "def record(counts, k):\n    if k in counts:\n        counts[k] += 1\n    else:\n        counts[k] = 1\n",
    "def f(xs, d):\n    return [d.get(x, 0) + 1 for x in xs]\n",
    "def f(spans):\n    marks = {}\n    for end in spans:\n        if end in marks:\n            marks[end] += ']'\n        else:\n            marks[end] = ']'\n",
    # OPT008: heapq, min() alone, min() and remove() once
    "import heapq\ndef f(xs):\n    q = list(xs)\n    heapq.heapify(q)\n    return [heapq.heappop(q) for _ in range(len(q))]\n",
    "def f(rows):\n    for row in rows:\n        smallest = min(row)\n        report(smallest)\n",
    "def f(q):\n    smallest = min(q)\n    q.remove(smallest)\n    return smallest\n",
    "def f(rows):\n    for row in rows:\n        items = list(row)\n        top = max(items)\n        items.remove(top)\n        show(top, items)\n",
    # OPT009: defaultdict, setdefault, counting, a check that does not create
    "import collections\ndef f(pairs):\n    g = collections.defaultdict(list)\n    for k, v in pairs:\n        g[k].append(v)\n    return g\n",
    "def f(pairs):\n    g = {}\n    for k, v in pairs:\n        g.setdefault(k, []).append(v)\n    return g\n",
    "def f(d, k):\n    if k not in d:\n        d[k] = []\n    return d\n",
    # OPT010: cached, trees, halves, Hanoi, a memo by hand, one call per invocation
    "import functools\n@functools.cache\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n",
    "from functools import lru_cache\n@lru_cache(maxsize=128)\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n",
    "import functools\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\nfib = functools.cache(fib)\n",
    "def height(node):\n    return 0 if node is None else 1 + max(height(node.left), height(node.right))\n",
    "def hanoi(n, a, b, c, moves):\n    if n:\n        hanoi(n - 1, a, c, b, moves)\n        moves.append((a, b))\n        hanoi(n - 1, c, b, a, moves)\n",
    "def fib(n, memo):\n    if n not in memo:\n        memo[n] = n if n < 2 else fib(n - 1, memo) + fib(n - 2, memo)\n    return memo[n]\n",
    "def search(xs, x, lo, hi):\n    mid = (lo + hi) // 2\n    if xs[mid] < x:\n        return search(xs, x, mid + 1, hi)\n    return search(xs, x, lo, mid - 1)\n",
    "def factorial(n):\n    return 1 if n <= 1 else n * factorial(n - 1)\n",
]


@pytest.mark.parametrize("rule, snippet", POSITIVES)
def test_each_rule_finds_its_pattern(rule, snippet):
    found = rules_in(snippet)
    assert found and set(found) == {rule}


@pytest.mark.parametrize("snippet", NEGATIVES)
def test_look_alikes_stay_silent(snippet):
    assert rules_in(snippet) == []


# ---------------------------------------------------------------- numpy and the standard library

# Each rule change measured in docs/lint.md, as a pair reduced from the code
# named above it: a true positive the rule must report (its message saying
# `says`), and the false positive it reported before and must leave alone --
# or, for what it newly finds (string attributes and items), the look-alike
# it must not take for the pattern. Paths are numpy 1.24.2 and CPython
# 3.11.2 as Debian 12 installs them.
FROM_REAL_CODE = [
    # OPT001 -- pydoc.py:640 builds `result + ... + ...` before storing it;
    # numpy f2py/crackfortran.py:877 `l = l + c` is a local grown in place.
    ("OPT001", "makes a new string before the rest is added", """
        def multicolumn(items, format):
            result = ''
            for item in items:
                result = result + format(item) + '<br>\\n'
            return result
    """, """
        def markouterparen(line):
            l = ''
            for c in line:
                l = l + c
            return l
    """),
    # OPT001 -- numpy distutils/command/config.py:510, a stdout catcher whose
    # write() adds to an attribute __init__ empties; a method that sets the
    # attribute itself, then adds once, builds nothing up.
    ("OPT001", "on every call (it lives in an attribute)", """
        class GrabStdout:
            def __init__(self):
                self.data = ''

            def write(self, data):
                self.data += data
    """, """
        class Label:
            def __init__(self):
                self.text = ''

            def set(self, name):
                self.text = name
                self.text += ':'
    """),
    # OPT001 -- pstats.py:261 adds to an attribute in a loop; the same loop
    # over objects adds once to each one's attribute.
    ("OPT001", "on every iteration (it lives in an attribute)", """
        class Stats:
            def __init__(self):
                self.sort_type = ''

            def sort_stats(self, fields, names):
                connector = ''
                for word in fields:
                    self.sort_type += connector + names[word]
                    connector = ', '
    """, """
        def mark(nodes):
            for node in nodes:
                node.label = ''
                node.label += '*'
    """),
    # OPT001 -- smtplib.py:1134 reads a message at module level (a global);
    # numpy f2py/tests/test_character.py:19 does it in a class body, but over
    # a list of three items written in the code.
    ("OPT001", "outside a function", """
        msg = ''
        while 1:
            line = sys.stdin.readline()
            if not line:
                break
            msg = msg + line
    """, """
        class TestCharacterString:
            length_list = ['1', '3', 'star']
            code = ''
            for length in length_list:
                code += template.format(length=length)
    """),
    # OPT001 -- an item that keeps its key in the loop; email/_header_value_parser.py:2982
    # adds to `lines[-1]`, the last of a list the loop grows: a new item each line.
    ("OPT001", "it lives in a container", """
        def fill(table, key, pieces):
            table[key] = ''
            for piece in pieces:
                table[key] += piece
    """, """
        def fold(words, maxlen):
            lines = ['']
            for word in words:
                if len(lines[-1]) + len(word) > maxlen:
                    lines.append(' ')
                lines[-1] += word
            return lines
    """),
    # OPT001 -- a variable a nested function reads is a cell, not a local;
    # a comprehension that only iterates over it leaves it a local.
    ("OPT001", "cell", """
        def build(pieces):
            text = ''
            for piece in pieces:
                text += piece
            return lambda: text
    """, """
        def build(pieces):
            text = ''
            for piece in pieces:
                text += piece
            return [c for c in text if c != ' ']
    """),
    # OPT002 -- pydoc.py:93 de-duplicates into a list the loop grows (the fix
    # is a set beside it); python-config.py:52 asks the same constant question
    # in every iteration (hoist it).
    ("OPT002", "keep a set beside it", """
        def pathdirs(path):
            dirs = []
            normdirs = []
            for dir in path:
                normdir = dir.lower()
                if normdir not in normdirs:
                    dirs.append(dir)
                    normdirs.append(normdir)
            return dirs
    """, """
        def flags(opts):
            opt_flags = [flag for (flag, value) in opts]
            libs = []
            for opt in opt_flags:
                if '--embed' in opt_flags:
                    libs.append(opt)
            return libs
    """),
    # OPT002 -- numpy lib/utils.py:488 walks modules breadth first, `dictlist`
    # growing as it goes; numpy distutils/ccompiler.py:429 loops over a
    # literal list of ten keys.
    ("OPT002", "keep a set beside it", """
        def makenamedict(module):
            dictlist = [module.__name__]
            totraverse = [module.__dict__]
            while totraverse:
                thisdict = totraverse.pop()
                for value in thisdict.values():
                    if isinstance(value, type(module)) and value.__name__ not in dictlist:
                        dictlist.append(value.__name__)
                        totraverse.append(value.__dict__)
            return dictlist
    """, """
        def compiler_to_string(compiler):
            keys = list(compiler.executables.keys())
            for key in ['version', 'libraries', 'library_dirs', 'object_switch']:
                if key not in keys:
                    keys.append(key)
            return keys
    """),
    # OPT002 -- numpy f2py/func2subr.py:243 tests a list built before the loop
    # (a set built once is the fix); numpy distutils/system_info.py:3161 deletes
    # from the list it tests, which a set built once would not follow.
    ("OPT002", "build `set(dumped_args)` once", """
        def declarations(args, external):
            dumped_args = []
            for a in args:
                if a in external:
                    dumped_args.append(a)
            lines = []
            for a in args:
                if a in dumped_args:
                    continue
                lines.append(a)
            return lines
    """, """
        def show_all(names, classes):
            show_only = list(names)
            for name, c in classes.items():
                if name not in show_only:
                    continue
                del show_only[show_only.index(name)]
                c().verbose()
    """),
    # OPT002 -- enum.py:1924 compares two data-sized key lists; logging/config.py:231
    # needs the position too (existing.index()), so a set cannot replace the list.
    ("OPT002", "build `set(simple_keys)` once", """
        def compare(checked_enum, simple_enum, failed):
            checked_keys = list(checked_enum.__dict__.keys())
            simple_keys = list(simple_enum.__dict__.keys())
            for key in set(checked_keys + simple_keys):
                if key not in simple_keys:
                    failed.append(key)
    """, """
        def configure(llist, manager):
            existing = list(manager.loggerDict.keys())
            existing.sort()
            child_loggers = []
            for qn in llist:
                if qn in existing:
                    i = existing.index(qn) + 1
                    child_loggers.append(existing[i])
            return child_loggers
    """),
    # OPT002 -- distutils/unixccompiler.py:165 filters by a list of six folders
    # written in the code: it does not grow with the data.
    ("OPT002", "build `set(wanted)` once", """
        def keep(dirs, extra):
            wanted = ['/lib', '/usr/lib']
            wanted.extend(extra)
            return [d for d in dirs if d in wanted]
    """, """
        def filter_dirs(library_dirs, multiarch):
            system_libdirs = ['/lib', '/lib64', '/usr/lib', '/usr/lib64']
            system_libdirs.extend(['/lib/%s' % multiarch, '/usr/lib/%s' % multiarch])
            return [d for d in library_dirs if not d in system_libdirs]
    """),
    # OPT004 -- element-wise arithmetic over an array's items; numpy's
    # core/tests/test_nditer.py:2908 loops over np.nditer, whose 0-d views
    # write into its operands: the iterator's protocol, not the pitfall.
    ("OPT004", "element by element", """
        import numpy as np

        def shifted(values):
            total = 0.0
            for a in np.asarray(values):
                total += a - 1
            return total
    """, """
        import numpy as np

        def test_iter_allocated_array_dtypes():
            it = np.nditer(([1, 3, 20], None), op_dtypes=[None, ('i4', (2,))])
            for a, b in it:
                b[0] = a - 1
                b[1] = a + 1
    """),
    # OPT005 -- cmd.py:122 pops the front of a list its __init__ makes;
    # asynchat.py:236 deletes the front of a deque its __init__ makes.
    ("OPT005", "use collections.deque", """
        class Cmd:
            def __init__(self):
                self.cmdqueue = []

            def cmdloop(self):
                while self.cmdqueue:
                    self.onecmd(self.cmdqueue.pop(0))
    """, """
        from collections import deque

        class Channel:
            def __init__(self):
                self.producer_fifo = deque()

            def initiate_send(self):
                while self.producer_fifo:
                    first = self.producer_fifo[0]
                    del self.producer_fifo[0]
                    self.send(first)
    """),
    # OPT005 -- numpy lib/utils.py:934 walks a stack it seeds with one item
    # and grows; numpy core/setup_common.py:402 slides a 32-item window.
    ("OPT005", "pop(0)", """
        def lookfor(module):
            stack = [(module.__name__, module)]
            seen = set()
            while stack:
                name, item = stack.pop(0)
                if id(item) in seen:
                    continue
                seen.add(id(item))
                for child in vars(item).values():
                    stack.append((name, child))
    """, """
        def long_double_representation(lines):
            read = [''] * 32
            for line in lines:
                for w in line.split()[1:]:
                    read.pop(0)
                    read.append(w)
            return read
    """),
    # OPT005 -- numpy distutils/fcompiler/gnu.py:509 puts each archive in
    # front; sunau.py:156 does it four times, a count the code fixes.
    ("OPT005", "appendleft()", """
        def chain(archives):
            chained_libs = []
            for archive in archives[::-1]:
                chained_libs.insert(0, archive + '.lib')
            return chained_libs
    """, """
        def write_u32(x):
            data = []
            for i in range(4):
                x, m = divmod(x, 256)
                data.insert(0, m)
            return bytes(data)
    """),
    # OPT009 -- numpy f2py/crackfortran.py:1484 groups names by common block
    # (a key from the data); crackfortran.py:2822 gives a variable's record
    # its 'attrspec' field, one field among others of other types.
    ("OPT009", "defaultdict(list)", """
        def common_blocks(cl):
            commonkey = {}
            for name, members in cl:
                if name not in commonkey:
                    commonkey[name] = []
                commonkey[name].append(members)
            return commonkey
    """, """
        def mark_optional(var):
            if 'attrspec' not in var:
                var['attrspec'] = []
            var['attrspec'].append('optional')
    """),
]


@pytest.mark.parametrize("rule, says, true_positive, false_positive", FROM_REAL_CODE)
def test_real_code_true_positive_is_found(rule, says, true_positive, false_positive):
    findings = lint.lint_source(textwrap.dedent(true_positive))
    assert [finding.rule for finding in findings] == [rule], lint.format_text(findings)
    assert says in findings[0].message


@pytest.mark.parametrize("rule, says, true_positive, false_positive", FROM_REAL_CODE)
def test_real_code_false_positive_is_left_alone(rule, says, true_positive, false_positive):
    assert rules_in(false_positive) == []


def test_every_rule_has_a_positive_test():
    assert {rule for rule, _lesson, _check in lint.RULES} == {rule for rule, _snippet in POSITIVES}


def test_rules_name_real_lessons_and_explain_themselves():
    ids = [rule for rule, _lesson, _check in lint.RULES]
    assert ids == sorted(set(ids))
    for rule, lesson, check in lint.RULES:
        assert lesson in workloads.builtin_ids(), rule
        doc = inspect.getdoc(check)
        assert doc.startswith(rule + ":") and "Why slow" in doc and "Fix" in doc, rule


def test_a_finding_names_place_fix_and_lesson():
    source = "def f(xs):\n    s = ''\n    for x in xs:\n        s = s + x + ','\n"
    [finding] = lint.lint_source(source, "demo.py")
    assert (finding.path, finding.line, finding.col, finding.rule, finding.lesson) == \
        ("demo.py", 4, 9, "OPT001", "string_concat")
    assert "join" in finding.message
    assert lint.format_text([finding]) == (
        f"demo.py:4:9: OPT001 {finding.message} [optdemo show string_concat]")


def test_noqa_silences_a_line():
    loop = "def f(xs):\n    s = ''\n    for x in xs:\n        s = s + x + ','  {}\n"
    assert rules_in(loop.format("# noqa")) == []
    assert rules_in(loop.format("# noqa: OPT001")) == []
    assert rules_in(loop.format("# noqa: OPT002")) == ["OPT001"]


def test_a_syntax_error_is_a_finding_without_lesson():
    [finding] = lint.lint_source("def f(:\n    pass\n", "broken.py")
    assert (finding.rule, finding.line, finding.lesson) == ("E999", 1, None)
    assert lint.format_text([finding]).startswith("broken.py:1:")
    assert "[optdemo show" not in lint.format_text([finding])
    assert lint.lint_source("x = 1\0\n")[0].rule == "E999"


# ---------------------------------------------------------------- the lessons

# What each `before*` variant is expected to show, and why some are missed.
EXPECTED_ON_BEFORE = {
    # A plain local `text += piece` grows in place on CPython: the lesson
    # measures it as linear, so the rule agrees and keeps quiet; the aliased
    # variant is the quadratic one.
    ("string_concat", "before"): [],
    ("string_concat", "before_aliased"): ["OPT001"],
    ("global_lookup", "before"): ["OPT003"],
    ("queue_popleft", "before"): ["OPT005"],
    ("sorted_insert", "before"): ["OPT006"],
    ("counting", "before"): ["OPT007"],
    ("priority_queue", "before"): ["OPT008", "OPT008"],      # the loop, then the final drain
    ("priority_queue", "before_sort"): ["OPT008"],
    ("dict_defaults", "before"): ["OPT009"],
    # Found because the variant says the name is a list (`haystack: list =
    # ...`); from data["haystack"] alone nothing would (see POSITIVES).
    ("list_membership", "before"): ["OPT002"],
    # Missed on purpose: zip() of two parameters' items is not known to be NumPy,
    # and numpy_small's identical `before` is the faster choice at n = 10.
    ("numpy_vectorize", "before"): [],
    ("numpy_small", "before"): [],
    # Not covered: the position is found by a Python loop, then list.insert().
    ("sorted_insert", "before_linear"): [],
    # Not covered: collatz_steps is not recursive; the arguments repeat in the data.
    ("caching", "before"): [],
    # No rule: the lesson is the object layout, not a code pattern.
    ("slots_memory", "before"): [],
    # No rule: one thread doing all the work, or waits one after another, is
    # right or wrong by what the work is (the GIL), not by how the code looks.
    ("threads", "before"): [],
    ("threads_io", "before"): [],
    ("slots_access", "before"): [],
}


def lesson_modules():
    return [workloads.load(path) for path in workloads.builtin_paths()]


def variant_source(module, name):
    """The file's import statements, then the variant function: what the rules
    see of the module (which names are modules) without the other variants."""
    with open(module.__file__, encoding="utf-8") as stream:
        tree = ast.parse(stream.read())
    imports = [ast.unparse(node) for node in ast.walk(tree)
               if isinstance(node, (ast.Import, ast.ImportFrom))]
    return "\n".join(imports) + "\n\n\n" + textwrap.dedent(inspect.getsource(getattr(module, name)))


def lesson_findings():
    """{(lesson, variant): [rule, ...]} for every variant of every lesson."""
    found = {}
    for module in lesson_modules():
        for name in module.VARIANTS:
            findings = lint.lint_source(variant_source(module, name), f"{module.ID}.{name}")
            found[module.ID, name] = [finding.rule for finding in findings]
    return found


def test_before_variants_give_the_expected_findings():
    found = lesson_findings()
    befores = {key: rules for key, rules in found.items() if key[1].startswith("before")}
    assert befores == EXPECTED_ON_BEFORE


def test_no_finding_on_after_or_native_variants():
    found = lesson_findings()
    fixed = {key: rules for key, rules in found.items() if not key[1].startswith("before")}
    assert len(fixed) >= 16
    assert {key: rules for key, rules in fixed.items() if rules} == {}


def test_whole_lesson_files_have_findings_only_inside_before_variants():
    for path in workloads.builtin_paths():
        with open(path, encoding="utf-8") as stream:
            source = stream.read()
        tree = ast.parse(source)
        before_lines = set()
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("before"):
                before_lines.update(range(node.lineno, node.end_lineno + 1))
        for finding in lint.lint_source(source, path):
            assert finding.line in before_lines, lint.format_text([finding])


def test_findings_on_a_lesson_point_to_that_lesson():
    lesson_of = {rule: lesson for rule, lesson, _check in lint.RULES}
    for (lesson, _variant), rules in EXPECTED_ON_BEFORE.items():
        assert all(lesson_of[rule] == lesson for rule in rules)


# ---------------------------------------------------------------- real code

def test_idiomatic_corpus_has_no_finding():
    files = lint.python_files(CORPUS)
    assert len(files) >= 8
    findings = lint.lint_paths([CORPUS])
    assert findings == [], lint.format_text(findings)


# optdemo's own code: each finding is reviewed and listed here with its line's
# text. Both are order-preserving de-duplication (`if x not in seen_list`)
# into lists of a handful of items (BLAS libraries, workload files): the
# pattern is the lesson's and so is the advice (a set kept beside the list),
# but the cost is negligible at these sizes.
REVIEWED_OWN_FINDINGS = {
    ("machine.py", "OPT002", 'if path.startswith("/") and ("blas" in name or "lapack" in name) and path not in loaded:'),
    ("workloads.py", "OPT002", "paths.extend(path for path in found if path not in paths)"),
}


def test_optdemo_own_code_has_only_reviewed_findings():
    unexpected = []
    for finding in lint.lint_paths([OPTDEMO_CODE]):
        with open(finding.path, encoding="utf-8") as stream:
            line = stream.read().splitlines()[finding.line - 1].strip()
        if (os.path.basename(finding.path), finding.rule, line) not in REVIEWED_OWN_FINDINGS:
            unexpected.append(lint.format_text([finding]))
    assert unexpected == [], "fix these, or review them and add them above"


# ---------------------------------------------------------------- main()

def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return str(path)


CLEAN = "def f(xs):\n    return ''.join(xs)\n"
NAIVE = "def f(xs):\n    s = ''\n    for x in xs:\n        s = s + x + ','\n    return s\n"


def test_main_clean_file_exits_0(tmp_path, capsys):
    assert lint.main([write(tmp_path, "clean.py", CLEAN)]) == 0
    assert capsys.readouterr().out == "0 findings in 1 file\n"


def test_main_findings_exit_1_one_line_each(tmp_path, capsys):
    naive = write(tmp_path, "naive.py", NAIVE)
    assert lint.main([naive, write(tmp_path, "clean.py", CLEAN)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{naive}:4:9: OPT001 ")
    assert lines[0].endswith("[optdemo show string_concat]")
    assert lines[1] == "1 finding in 2 files"


def test_main_json(tmp_path, capsys):
    naive = write(tmp_path, "naive.py", NAIVE)
    assert lint.main(["--json", naive]) == 1
    [entry] = json.loads(capsys.readouterr().out)
    assert entry["path"] == naive and entry["line"] == 4 and entry["col"] == 9
    assert (entry["rule"], entry["lesson"]) == ("OPT001", "string_concat")
    assert lint.main(["--json", write(tmp_path, "clean.py", CLEAN)]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_main_folder_lints_its_python_files(tmp_path, capsys):
    write(tmp_path, "naive.py", NAIVE)
    (tmp_path / "sub").mkdir()
    write(tmp_path, "sub/also.py", NAIVE)
    write(tmp_path, "notes.txt", NAIVE)
    assert lint.main([str(tmp_path)]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "2 findings in 2 files"


def test_main_syntax_error_is_a_finding(tmp_path, capsys):
    assert lint.main([write(tmp_path, "broken.py", "def f(:\n")]) == 1
    assert " E999 syntax error" in capsys.readouterr().out


@pytest.mark.parametrize("arguments, message", [
    ([], "no files to lint"),
    (["--color"], "unknown option --color"),
    (["missing.py"], "missing.py: no such file"),
])
def test_main_usage_errors_exit_2(arguments, message, capsys):
    assert lint.main(arguments) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"optdemo lint: {message}" in captured.err
    assert "usage: optdemo lint" in captured.err


def test_main_checks_every_file_before_linting(tmp_path, capsys):
    naive = write(tmp_path, "naive.py", NAIVE)
    assert lint.main([naive, str(tmp_path / "missing.py")]) == 2
    assert capsys.readouterr().out == ""


def test_main_undecodable_file_exits_2(tmp_path, capsys):
    path = write(tmp_path, "latin.py", b"x = 1\ns = '\xe9t\xe9'\n")
    assert lint.main([path]) == 2
    assert "cannot read" in capsys.readouterr().err
    with pytest.raises((UnicodeDecodeError, SyntaxError)):
        lint.lint_paths([path])


def test_main_help_and_double_dash(tmp_path, capsys, monkeypatch):
    assert lint.main(["--help"]) == 0
    assert capsys.readouterr().out.startswith("usage: optdemo lint")
    write(tmp_path, "-odd.py", CLEAN)
    monkeypatch.chdir(tmp_path)
    assert lint.main(["-odd.py"]) == 2
    assert lint.main(["--", "-odd.py"]) == 0
