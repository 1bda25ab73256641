"""Pitfall: many `x in some_list` lookups.

`in` on a list compares against every element until it finds a match; on a
set it hashes once. Run it with `optdemo run list_membership`.
"""

import random

try:
    import optnative
except ImportError:  # not built for this interpreter: native is reported unavailable
    optnative = None

ID = "list_membership"
TITLE = "Repeated `x in list` lookups instead of a set"
SECTION = "Membership testing"
EXPLANATION = """\
`x in a_list` is a linear scan: CPython walks the list comparing `x` with each
element (an identity check, then `==`) until one matches, so a miss costs a
comparison per element. n lookups in an n-element list are O(n^2). A set is
a hash table: `x in a_set` hashes `x` once and probes a slot or two, O(1) on
average, so n lookups are O(n).

The set is not free: building it hashes and inserts every element, costing
about as much as a few list scans. It pays off as soon as you do more than a
handful of lookups, and enormously here, where there are as many lookups as
elements. If you look up only once or twice, keep the list.

`native` builds an optnative.IntSet (a C hash set of int64) and counts with
one `count_contained(needles)` call. Its speed over `after` comes from moving
the whole counting loop into C - no bytecode per needle - not from a better
hash table: Python's set is already C, and a plain uthash table was measured
no faster than it. Building the IntSet even costs more than building the set
(64-byte linked entries against CPython's 16-byte slots), so the gain shrinks
as n grows; on a large batch of needles from an int64 array the lookups alone
are several times faster, thanks to a bloom filter and prefetching (see
native/intset.c and bench/bench_intset.py).

Timed region: `before` counts how many of the n needles are in the n-element
haystack list. `after` first builds `set(haystack)` - inside the timed region,
because in real code someone has to build it - and then counts the same way;
`native` likewise builds its IntSet inside the timed region.
About 10% of the needles are hits, so most lookups are full-length misses for
the list. Result: the number of hits.
"""
SIZES = {"quick": 500, "default": 5_000,
         "sweep": [500, 1_000, 2_000, 5_000, 10_000, 50_000]}
VARIANTS = ["before", "after", "native"]
REQUIRES = {"native": ["optnative"]}
NOTES = {"after": "includes building the set from the list",
         "native": "includes building the IntSet; the lookup loop runs in C"}


def setup(n):
    """A haystack of n distinct ints and n needles from a range ten times wider."""
    rng = random.Random(20240602)
    haystack = rng.sample(range(10 * n), n)
    needles = [rng.randrange(10 * n) for _ in range(n)]
    return {"haystack": haystack, "needles": needles}


def before(data):
    haystack: list = data["haystack"]    # a list: each `in` scans it
    hits = 0
    for needle in data["needles"]:
        if needle in haystack:
            hits += 1
    return hits


def after(data):
    haystack = set(data["haystack"])
    hits = 0
    for needle in data["needles"]:
        if needle in haystack:
            hits += 1
    return hits


def native(data):
    haystack = optnative.IntSet(data["haystack"])
    return haystack.count_contained(data["needles"])   # the loop over needles runs in C
