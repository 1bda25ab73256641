"""Pitfall: check-then-set when grouping items into a dict of lists.

Run it with `optdemo run dict_defaults`.
"""

import collections
import random

ID = "dict_defaults"
TITLE = "Grouping: `if key not in d` vs defaultdict(list)"
SECTION = "Dictionary defaults"
EXPLANATION = """\
`before` tests `if key not in groups` and then indexes `groups[key]`: two
hash-table probes per item (three for a new key), each a separate bytecode.
`collections.defaultdict(list)` does one probe per item; only on a miss does
the C `__missing__` hook create the empty list. `after_setdefault`, the other
common idiom, also does a single probe, but it builds a new empty list on
every call just to pass it as the default, and throws it away when the key
exists, which is almost always: it is often the slowest of the three.

The gain is modest - one dict probe and a few bytecodes per item, often
10-30% - and defaultdict is also the clearer code. String keys help all
three: a str caches its hash, so the extra probe does not rehash.

Timed region: grouping setup's n (key, value) pairs into a dict of lists:
about a thousand distinct string keys, int values. Result: the dict mapping
each key to its values in arrival order (defaultdict is a dict subclass and
compares equal to a plain dict).
"""
SIZES = {"quick": 50_000, "default": 1_000_000,
         "sweep": [10_000, 30_000, 100_000, 300_000, 1_000_000]}
VARIANTS = ["before", "after", "after_setdefault"]
NO_NATIVE = ("defaultdict already runs its lookup and default hook in C; the rest "
             "is appending arbitrary Python objects to Python lists")
NOTES = {"after_setdefault": "one probe, but a new empty list is built on every call"}


def setup(n):
    """n (key, value) pairs; keys like "user123" from a pool of 1000."""
    rng = random.Random(20240610)
    pool = [f"user{k}" for k in range(1000)]
    keys = rng.choices(pool, k=n)
    values = rng.choices(range(1000), k=n)
    return list(zip(keys, values))


def before(pairs):
    groups = {}
    for key, value in pairs:
        if key not in groups:
            groups[key] = []
        groups[key].append(value)
    return groups


def after(pairs):
    groups = collections.defaultdict(list)
    for key, value in pairs:
        groups[key].append(value)
    return groups


def after_setdefault(pairs):
    groups = {}
    for key, value in pairs:
        groups.setdefault(key, []).append(value)
    return groups
