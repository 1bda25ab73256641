"""Pitfall: keeping a list sorted by re-sorting (or scanning) on every insert.

Run it with `optdemo run sorted_insert`.
"""

import bisect
import random

from optdemo import ladder

ID = "sorted_insert"
TITLE = "Keeping a list sorted: sort after every append vs bisect.insort"
SECTION = "Sorted containers and bisect"
EXPLANATION = """\
`before` appends each new item and calls `list.sort()`. Timsort notices that
all but the last element are already one sorted run, so each sort costs only
about n comparisons rather than n log n, but n inserts still cost O(n^2)
comparisons. `before_linear` searches for the insertion point with a Python
loop (O(n) interpreted steps per insert) and then calls `list.insert`: the
same O(n^2) order with a much larger constant, since every step runs
bytecode.

`bisect.insort` finds the position by binary search in C, O(log n)
comparisons, then calls `list.insert`. The insert itself still moves the
pointers behind the position (a memmove, O(n)), so insort is not O(log n) per
item; but a memmove of a few thousand pointers takes well under a
microsecond, so the part that cost - the comparisons - is gone.

The compiled rungs (native/ladder/sorted_insert/) do what bisect.insort
does: a binary search for the position, then an insert that shifts the
tail. `mypyc` and `cython_untyped` compile a binary search written in Python
and only catch up with bisect.insort, which is C already: compiling code
whose work happens in C buys nothing. Typed Cython keeps a C array of long
long and moves the tail with memmove, PyO3 a Vec<i64> (partition_point,
insert): no int objects until the result list, which is their gain. The
order of growth does not change -- each insert still moves O(n) items;
only another data structure (a B-tree, a skip list) would change it.

Timed region: inserting setup's n random ints one by one into an initially
empty list, keeping it sorted after each insert. Result: the final list.
"""
SIZES = {"quick": 500, "default": 5_000,
         "sweep": [500, 1_000, 2_000, 5_000, 10_000, 50_000]}
# The ladder's compiled rungs (native/ladder/sorted_insert/): Cython without and with
# types, mypyc, PyO3 -- each module None where it was not built for this
# interpreter (REQUIRES then makes its variant unavailable, with the reason).
COMPILED = ladder.modules(ID)
VARIANTS = ["before", "before_linear", "after", "cython_untyped", "cython", "mypyc", "pyo3"]
REQUIRES = COMPILED.requires
NO_NATIVE = ("bisect.insort is already a C binary search plus a memmove; a native "
             "sorted container would be a different data structure, not this fix")
NOTES = {
    "before": "Timsort sees the sorted prefix: O(n) per insert, O(n^2) overall",
    "before_linear": "the position is found by a Python loop: O(n) bytecode steps per insert",
}


def setup(n):
    """n random ints, arriving in random order."""
    rng = random.Random(20240607)
    return [rng.randrange(1_000_000) for _ in range(n)]


def before(items):
    ordered = []
    for item in items:
        ordered.append(item)
        ordered.sort()
    return ordered


def before_linear(items):
    ordered = []
    for item in items:
        position = 0
        for existing in ordered:
            if item < existing:
                break
            position += 1
        ordered.insert(position, item)
    return ordered


def after(items):
    ordered = []
    for item in items:
        bisect.insort(ordered, item)
    return ordered


def cython_untyped(items):
    return COMPILED.cython_untyped.insort_all(items)


def cython(items):
    return COMPILED.cython.insort_all(items)


def mypyc(items):
    return COMPILED.mypyc.insort_all(items)


def pyo3(items):
    return COMPILED.pyo3.insort_all(items)
