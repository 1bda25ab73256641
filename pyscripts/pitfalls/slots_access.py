"""Pitfall: is reading an attribute faster with __slots__?

Articles say `__slots__` makes attribute access 10-25% faster. Run
`optdemo run slots_access` to see what it is on your interpreter.
"""

import random

ID = "slots_access"
TITLE = "Reading attributes: a plain class vs __slots__"
SECTION = "Memory: __slots__ and dataclasses"
EXPLANATION = """\
slots_memory measures what __slots__ is for: memory. This workload measures
the other claim often made for it, that reading attributes gets faster.

Both reads are cheap to find on CPython 3.11: its specialising interpreter
rewrites `p.x` after a few executions into a direct load guarded by a
version tag of the class (LOAD_ATTR_INSTANCE_VALUE for the plain class,
LOAD_ATTR_SLOT for the slotted one), so no dictionary is searched either
way. What differs is where the value lives. A slotted instance keeps it in
the object itself, at a fixed offset. An ordinary instance keeps its
attribute values in a separately allocated array that the object points
to: one more pointer to follow and, across many objects, one more cache
line to bring in per object. The slotted objects are also smaller, so more
of them fit in the cache. With many instances that memory traffic is most
of the cost of the loop, which is why the gap can be wider than the
10-25% articles quote. PyPy's JIT turns both into the same machine code.

CPython 3.13 removed the difference: an ordinary instance's values array is
now embedded in the object when it is allocated (gh-115776), at a fixed
offset as slots are, and the two reads cost the same there. On 3.13 the
reason left for `__slots__` is memory (slots_memory).

Timed region: one pass over n instances built in setup (not timed), reading
two attributes of each and adding them up. Result: that sum.
"""
SIZES = {"quick": 20_000, "default": 200_000,
         "sweep": [20_000, 60_000, 200_000, 600_000]}
VARIANTS = ["before", "after"]
NO_NATIVE = ("the lesson is how the interpreter reads an attribute; a native "
             "kernel would read raw numbers, not attributes (see numpy_vectorize)")
NOTES = {"after": "the same instances, with __slots__: only the attribute read differs"}


class PlainPoint:
    def __init__(self, x, y):
        self.x = x
        self.y = y


class SlottedPoint:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y


def setup(n):
    """n points of each kind, with the same coordinates."""
    rng = random.Random(20241202)
    pairs = [(rng.randrange(1000), rng.randrange(1000)) for _ in range(n)]
    return {"plain": [PlainPoint(x, y) for x, y in pairs],
            "slotted": [SlottedPoint(x, y) for x, y in pairs]}


def before(data):
    total = 0
    for point in data["plain"]:
        total += point.x + point.y
    return total


def after(data):
    total = 0
    for point in data["slotted"]:
        total += point.x + point.y
    return total
