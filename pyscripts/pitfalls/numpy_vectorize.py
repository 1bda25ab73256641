"""Pitfall: a Python loop over numbers that NumPy could do in one call.

The dot product (sum of pairwise products) of two vectors, written as a loop
over two lists and as one NumPy call. Run it with `optdemo run numpy_vectorize`;
the sweep sizes start at 10 elements to show where NumPy starts winning.
"""

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

ID = "numpy_vectorize"
TITLE = "Python loop over numbers instead of a NumPy vectorised call"
SECTION = "NumPy vectorisation"
EXPLANATION = """\
In the Python loop every element is a separate float object: each step
fetches two objects from the lists, unboxes them, multiplies, allocates a new
float for the product and another for the running total, all through the
bytecode interpreter - tens of nanoseconds per element. A float64 NumPy array
is one block of raw doubles; `numpy.dot` hands it to a compiled BLAS loop
that does a multiply-add per element with no objects at all.

NumPy is not free either: each call parses its arguments, checks dtypes and
shapes and wraps the result, a fixed cost of roughly half a microsecond
here. Below a couple of dozen elements the plain loop wins; the sweep starts at 10 elements to show
the crossover, and numpy_small looks at it closely, including the cost of
turning lists into arrays.

`native` is optnative.dot, a plain C loop over the same arrays with eight
running sums (one sum would wait on each add; eight keep the memory bus
busy). It is as fast as numpy.dot or a little faster (numpy's dot goes
through more argument handling, and this machine's BLAS is the plain
reference one): both are one C loop per call, which is where all the speed
over `before` comes from.

The compiled rungs (native/ladder/numpy_vectorize/) run `before`'s loop over
the two lists. Typed Cython and PyO3 make it several times faster than
`before`, and no more: every element is a float object to find in a list and
unbox, while numpy.dot (`after`) and `native` read float64 arrays that setup
built. Compiling the loop is the wrong fix when the data can live in an
array: vectorize first. `cython_untyped` and mypyc 1.0 (which keeps floats
boxed) gain little.

Timed region: `before` loops over two lists of n Python floats; `after` is
one `numpy.dot` over two float64 arrays; `native` one `optnative.dot` over
the same arrays (both need NumPy). setup builds both the lists and the arrays
(same values) outside the timed region. The sums are added in a
different order, hence the small tolerance.
"""
SIZES = {"quick": 100_000, "default": 1_000_000,
         "sweep": [10, 100, 1_000, 10_000, 100_000, 1_000_000]}
# The ladder's compiled rungs (native/ladder/numpy_vectorize/): Cython without and with
# types, mypyc, PyO3 -- each module None where it was not built for this
# interpreter (REQUIRES then makes its variant unavailable, with the reason).
COMPILED = ladder.modules(ID)
VARIANTS = ["before", "after", "native", "cython_untyped", "cython", "mypyc", "pyo3"]
REQUIRES = {"after": ["numpy"], "native": ["optnative", "numpy"], **COMPILED.requires}
TOLERANCE = 1e-9
NOTES = {"after": "arrays built in setup; a fixed cost per call, so it loses at tiny n"}


def setup(n):
    """Two vectors of n floats in [0, 1), as lists and (None without NumPy)
    as float64 arrays.  Positive values: no cancellation, so the relative
    tolerance is meaningful."""
    rng = random.Random(20240604)
    x = [rng.random() for _ in range(n)]
    y = [rng.random() for _ in range(n)]
    data = {"x": x, "y": y, "x_array": None, "y_array": None}
    if numpy is not None:
        data["x_array"] = numpy.array(x, dtype=numpy.float64)
        data["y_array"] = numpy.array(y, dtype=numpy.float64)
    return data


def before(data):
    total = 0.0
    for a, b in zip(data["x"], data["y"]):
        total += a * b
    return total


def after(data):
    return float(numpy.dot(data["x_array"], data["y_array"]))


def native(data):
    return optnative.dot(data["x_array"], data["y_array"])


def cython_untyped(data):
    return COMPILED.cython_untyped.dot(data["x"], data["y"])


def cython(data):
    return COMPILED.cython.dot(data["x"], data["y"])


def mypyc(data):
    return COMPILED.mypyc.dot(data["x"], data["y"])


def pyo3(data):
    return COMPILED.pyo3.dot(data["x"], data["y"])
