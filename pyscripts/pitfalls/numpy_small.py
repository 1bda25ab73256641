"""Pitfall: reaching for NumPy on tiny inputs.

The same dot product as numpy_vectorize, at 5 to 500 elements, where NumPy's
fixed cost per call dominates. Run it with `optdemo run numpy_small`, and
with `--size 100` to see the other side of the crossover.
"""

import random

try:
    import numpy
except ImportError:  # PyPy, say: the variants that need it are reported unavailable
    numpy = None

ID = "numpy_small"
TITLE = "NumPy on tiny arrays: the per-call overhead"
SECTION = "NumPy vectorisation"
EXPLANATION = """\
Every NumPy call has a fixed cost before any arithmetic happens: parsing the
arguments, checking dtypes, shapes and memory layout, picking a loop, and
wrapping the result in a new object - about half a microsecond on the
machines this was written on. The plain Python loop costs a few tens of
nanoseconds per element, so below about 20 elements it finishes before NumPy
has started. If the data arrives as Python lists, converting them to arrays
is itself a Python-object pass over every element (fetch, type-check and
unbox each float, twice over here): measured here it costs more than the
whole plain loop at every size in the sweep. Conversion pays only when the
array is then reused for many operations.

`before` is the plain loop over two lists. `after` calls `numpy.dot` on
float64 arrays that setup already built: the best case for NumPy.
`after_from_lists` converts the two lists with `numpy.array` inside the timed
region and then calls `numpy.dot`: what you pay when the numbers live in
lists. Each NumPy result is turned back into a Python float, as the caller
of such a helper usually needs.

Without NumPy (under PyPy, say) only `before` runs.

Timed region: one dot product of two n-element vectors of floats in [0, 1).
The per-call times are microseconds: the host repeats the call many times per
measured value. The default size, 10, is below the crossover.
"""
SIZES = {"quick": 5, "default": 10, "sweep": [5, 10, 20, 50, 100, 500]}
VARIANTS = ["before", "after", "after_from_lists"]
REQUIRES = {"after": ["numpy"], "after_from_lists": ["numpy"]}
TOLERANCE = 1e-9
NO_NATIVE = ("the lesson is NumPy's fixed per-call cost; a native kernel would "
             "pay the same argument checking and only repeat numpy_vectorize")
NOTES = {
    "after": "arrays prepared in setup: NumPy's best case",
    "after_from_lists": "list -> array conversion inside the timed region: costlier than the loop",
}


def setup(n):
    """Two vectors of n floats in [0, 1), as lists and (None without NumPy)
    as float64 arrays."""
    rng = random.Random(20240605)
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


def after_from_lists(data):
    x = numpy.array(data["x"], dtype=numpy.float64)
    y = numpy.array(data["y"], dtype=numpy.float64)
    return float(numpy.dot(x, y))
