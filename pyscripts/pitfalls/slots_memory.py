"""Pitfall: millions of small objects, each with its own attribute storage.

Run it with `optdemo run slots_memory` and look at the memory column.
"""

import dataclasses
import random
import sys

ID = "slots_memory"
TITLE = "Many small instances: a plain class vs __slots__"
SECTION = "Memory: __slots__ and dataclasses"
EXPLANATION = """\
An instance of an ordinary class can grow new attributes at any time, so
CPython gives it room for a per-instance attribute store. In 3.11 that is a
separately allocated values array with a pointer to keys shared by the class
(a real dict appears only if you ask for `__dict__` or add odd attributes),
plus space for weak references. A class with `__slots__` fixes its
attributes: they become slots in the object's own memory, read and written
through descriptors at fixed offsets, with no attribute store at all.
`@dataclass(slots=True)` writes the same `__slots__` for you (Python 3.10
and later: on older interpreters that variant is unavailable).

The saving is memory: compare the memory column (tracemalloc's peak per call,
divided by n: bytes per instance, including the 8-byte pointer in the list
that keeps them); on CPython 3.11 about 104 bytes for the plain class and 64
with slots. Speed changes too: creating an instance is a little cheaper
with slots, and reading attributes is faster, because the values sit in the
object instead of a separate array (slots_access measures the reads alone).
Slots also forbid adding attributes outside `__slots__`, which can be a
feature or a nuisance.

Timed region: creating n instances with three int attributes from setup's
tuples, keeping them all alive in a list (so the memory peak holds all of
them), then summing one attribute over all of them. Result: that sum.
"""
SIZES = {"quick": 15_000, "default": 300_000,
         "sweep": [10_000, 30_000, 100_000, 300_000, 1_000_000]}
VARIANTS = ["before", "after", "after_dataclass"]
NO_NATIVE = ("the lesson is the per-instance layout of Python objects; a native "
             "kernel would store raw ints, a different lesson (see numpy_vectorize)")
NOTES = {
    "after": "hand-written __slots__: same code plus one line",
    "after_dataclass": "@dataclass(slots=True) generates the same __slots__",
}
REQUIRES = {"after_dataclass": ["python>=3.10"]}


class PlainPoint:
    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z


class SlottedPoint:
    __slots__ = ("x", "y", "z")

    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z


if sys.version_info >= (3, 10):     # dataclass(slots=...) is new in 3.10
    @dataclasses.dataclass(slots=True)
    class DataPoint:
        x: int
        y: int
        z: int


def setup(n):
    """n coordinate triples. The ints are made here, so the timed region
    allocates only the instances and the list holding them."""
    rng = random.Random(20240612)
    return [(rng.randrange(1000), rng.randrange(1000), rng.randrange(1000))
            for _ in range(n)]


def before(triples):
    points = [PlainPoint(x, y, z) for x, y, z in triples]
    total = 0
    for point in points:
        total += point.x
    return total


def after(triples):
    points = [SlottedPoint(x, y, z) for x, y, z in triples]
    total = 0
    for point in points:
        total += point.x
    return total


def after_dataclass(triples):
    points = [DataPoint(x, y, z) for x, y, z in triples]
    total = 0
    for point in points:
        total += point.x
    return total
