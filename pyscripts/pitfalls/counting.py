"""Pitfall: counting with a hand-written dict loop.

Counting how often each category id occurs, with `if k in d` bookkeeping in
Python versus `collections.Counter`. Run it with `optdemo run counting`.
"""

import collections
import random

try:
    import numpy
except ImportError:  # PyPy, say: the variants that need it are reported unavailable
    numpy = None

try:
    import optnative
except ImportError:  # not built for this interpreter: native is reported unavailable
    optnative = None

from optdemo import ladder

ID = "counting"
TITLE = "Counting by hand with a dict vs collections.Counter"
SECTION = "Counting and collections.Counter"
EXPLANATION = """\
The hand-written loop runs several bytecodes per item: the `in` test hashes
the key and probes the dict, then `d[k] += 1` hashes and probes twice more
(a read and a write) and creates the new int. `Counter(items)` runs the same
logic in a C helper (`_count_elements`): one loop in C, with cheaper dict
operations and no bytecode per item. Expect roughly 2-3x, not 100x: the dict
operations themselves remain, as does hashing every item (cheap for small
ints, whose hash is the value itself).

`native` counts setup's int64 array with optnative.count_int64 (so it needs
NumPy as well as optnative), in C without the GIL and without creating a
Python int per item: one pass finds the smallest and largest id, and since
they are close (0..999) each id is counted in a plain C array at index
id - smallest, no hashing at all (ids spread too widely go to a C hash map
instead). Only then is the dict of the ~1000 distinct ids built, in order of
first occurrence, like `before`'s.

The compiled rungs (native/ladder/counting/) count the list that `before`
counts. `mypyc` compiles the hand-written loop with its Dict[int, int] hints
and gains nothing: it unboxes each item to its own int form, then boxes it
again for every dict operation, so Counter (`after`) stays ahead.
`cython_untyped` gains a little. Typed Cython changes the data structure:
ids unboxed into a C array and counted in a dense C array when their range
is small (a dict otherwise); PyO3 counts in a Rust HashMap of i64 with a
cheap hash. Both beat Counter because the items stop being dict keys until
the end, not because the code is compiled.

Timed region: counting setup's n category ids (small ints from 0 to 999,
drawn from a skewed, Zipf-like distribution: a few categories are very
common, most are rare). setup also keeps the same ids in a NumPy int64 array
(when NumPy is installed) for `native`; building it is not timed. Result: a
dict {category: count}; a Counter is a dict subclass and compares equal to a
dict with the same counts.
"""
SIZES = {"quick": 50_000, "default": 1_000_000,
         "sweep": [10_000, 30_000, 100_000, 300_000, 1_000_000]}
# The ladder's compiled rungs (native/ladder/counting/): Cython without and with
# types, mypyc, PyO3 -- each module None where it was not built for this
# interpreter (REQUIRES then makes its variant unavailable, with the reason).
COMPILED = ladder.modules(ID)
VARIANTS = ["before", "after", "native", "cython_untyped", "cython", "mypyc", "pyo3"]
REQUIRES = {"native": ["optnative", "numpy"], **COMPILED.requires}
NOTES = {"after": "the same dict operations, but the loop runs in C"}

CATEGORIES = 1000


def setup(n):
    """n category ids in [0, CATEGORIES), category k with weight 1/(k+1),
    as a list of Python ints and (None without NumPy) a NumPy int64 array."""
    rng = random.Random(20240608)
    weights = [1.0 / (k + 1) for k in range(CATEGORIES)]
    items = rng.choices(range(CATEGORIES), weights=weights, k=n)
    array = numpy.array(items, dtype=numpy.int64) if numpy is not None else None
    return {"items": items, "array": array}


def before(data):
    counts = {}
    for item in data["items"]:
        if item in counts:
            counts[item] += 1
        else:
            counts[item] = 1
    return counts


def after(data):
    return collections.Counter(data["items"])


def native(data):
    return optnative.count_int64(data["array"])


def cython_untyped(data):
    return COMPILED.cython_untyped.count(data["items"])


def cython(data):
    return COMPILED.cython.count(data["items"])


def mypyc(data):
    return COMPILED.mypyc.count(data["items"])


def pyo3(data):
    return COMPILED.pyo3.count(data["items"])
