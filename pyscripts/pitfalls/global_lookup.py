"""Pitfall: looking up a module attribute on every iteration of a hot loop.

`math.sqrt(x)` in a loop finds the global `math` and then its attribute
`sqrt` each time round; binding `sqrt = math.sqrt` to a local first skips
both. Run it with `optdemo run global_lookup`.
"""

import math
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

ID = "global_lookup"
TITLE = "Global and attribute lookups in a hot loop"
SECTION = "Local variables and global lookups"
EXPLANATION = """\
Inside a function, a local variable is an index into an array of the frame
(LOAD_FAST), while a global is a dictionary lookup in the module's globals,
falling back to builtins (LOAD_GLOBAL), and `math.sqrt` adds an attribute
lookup on the module (LOAD_ATTR). `before` pays a global and an attribute
lookup per element; `after` binds `sqrt = math.sqrt` once and pays a fast
local load. On CPython 3.11 the gap is much smaller than old articles report:
the specialising interpreter caches both lookups in the bytecode (guarded by
a version number on the dictionaries' keys), so the saving is small -- the
table measures how small on the interpreter you run. The free-threaded
CPython 3.13t does not specialise (CPython issue gh-115999): every LOAD_GLOBAL
is a dictionary lookup again there, and binding to a local pays off as the
old articles said.

What really costs here is the interpreted loop itself. `after_map` moves it
into C, `sum(map(math.sqrt, values))`: no bytecode per element at all, and
that is the bigger win.

`native` goes all the way: optnative.sqrt_sum reads a NumPy float64 array of
the same values in one C loop, a hardware square root and an add per element,
with no float objects and no interpreter in between. Its speed comes from
removing the per-element Python work entirely, which no choice of lookup can.

The compiled rungs (native/ladder/global_lookup/; `optdemo show` ends with
what each took) go after the same loop. `cython_untyped` is `after`'s Python
compiled unchanged: the loop is C, but every float is still an object and
every add a call through the number protocol, so it gains little or nothing
over 3.11's specialising interpreter. `mypyc` compiles the same file with
its type hints, and mypyc 1.0 keeps floats boxed too: no faster either
(later mypyc releases unbox floats). Typed Cython (`for double x in values`,
C's sqrt) and PyO3 read each float's value once and add C doubles; that is
their gain, close to `native`'s. PyO3 0.17's idiomatic way of reading a list
(`Vec<f64>`, or `extract()` per item) costs about 10 ns an item, which is
what `sum(map(...))` costs in all: the fast version reads each float in
place through CPython's C API, in `unsafe` Rust. All of them still read n
float objects from a list; `native` reads a float64 array.

Timed region: one pass summing the square roots of the n floats that setup
made (a list of Python floats, and the same values as a float64 array for
`native` when NumPy is installed, both built outside the timed region).
`before` and `after` add in the same order and agree exactly; TOLERANCE
leaves room for `sum()`, which on CPython 3.12+ uses compensated summation,
and for `native`, which keeps four running sums.
"""
SIZES = {"quick": 100_000, "default": 2_000_000,
         "sweep": [20_000, 60_000, 200_000, 600_000, 2_000_000]}
# The ladder's compiled rungs (native/ladder/global_lookup/): Cython without and with
# types, mypyc, PyO3 -- each module None where it was not built for this
# interpreter (REQUIRES then makes its variant unavailable, with the reason).
COMPILED = ladder.modules(ID)
VARIANTS = ["before", "after", "after_map", "native", "cython_untyped", "cython", "mypyc", "pyo3"]
REQUIRES = {"native": ["optnative", "numpy"], **COMPILED.requires}
TOLERANCE = 1e-12
NOTES = {"after_map": "the loop runs in C: no bytecode per element",
         "native": "a float64 array and one C loop: no float objects at all"}


def setup(n):
    """n floats uniformly drawn from [0, 1000), as a list and (None without
    NumPy) as a float64 array."""
    rng = random.Random(20240603)
    values = [rng.uniform(0.0, 1000.0) for _ in range(n)]
    array = numpy.array(values, dtype=numpy.float64) if numpy is not None else None
    return {"values": values, "array": array}


def before(data):
    total = 0.0
    for x in data["values"]:
        total += math.sqrt(x)     # LOAD_GLOBAL math, LOAD_ATTR sqrt, every time
    return total


def after(data):
    sqrt = math.sqrt              # looked up once, then a fast local
    total = 0.0
    for x in data["values"]:
        total += sqrt(x)
    return total


def after_map(data):
    return sum(map(math.sqrt, data["values"]))


def native(data):
    return optnative.sqrt_sum(data["array"])


def cython_untyped(data):
    return COMPILED.cython_untyped.sqrt_sum(data["values"])


def cython(data):
    return COMPILED.cython.sqrt_sum(data["values"])


def mypyc(data):
    return COMPILED.mypyc.sqrt_sum(data["values"])


def pyo3(data):
    return COMPILED.pyo3.sqrt_sum(data["values"])
