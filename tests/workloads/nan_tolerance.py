"""A workload whose result holds a NaN, compared within a TOLERANCE: NaN
must equal NaN at the same position, in a list and in a NumPy array."""

import math

try:
    import numpy
except ImportError:  # after_array is reported unavailable
    numpy = None

ID = "nan_tolerance"
TITLE = "Results with a NaN, compared within a tolerance"
SECTION = "Test fixture"
EXPLANATION = """All variants return 1.0, NaN and 2.0: before and after as lists,
after differing in the last bits; after_array as a NumPy array (it needs
NumPy). The size is not used. The timed region is one call."""
SIZES = {"quick": 3, "default": 3, "sweep": [3]}
VARIANTS = ["before", "after", "after_array"]
REQUIRES = {"after_array": ["numpy"]}
TOLERANCE = 1e-9


def setup(n):
    return [1.0, math.inf, 2.0]


def before(data):
    result = []
    for x in data:
        if math.isinf(x):
            result.append(x - x)       # inf - inf is NaN
        else:
            result.append(x)
    return result


def after(data):
    return [float("nan") if math.isinf(x) else x * (1 + 1e-12) for x in data]


def after_array(data):
    array = numpy.array(data, dtype=numpy.float64)
    array[numpy.isinf(array)] = numpy.nan
    return array
