"""A workload whose result holds a NaN: results are compared exactly (no
TOLERANCE), and NaN must equal NaN at the same position, although
`nan == nan` is False in Python."""

import math

ID = "nan"
TITLE = "Results with a NaN, compared exactly"
SECTION = "Test fixture"
EXPLANATION = """Both variants return [1.0, nan, 2.0], each computing its own NaN
object. The size is not used. The timed region is one call."""
SIZES = {"quick": 3, "default": 3, "sweep": [3]}
VARIANTS = ["before", "after"]


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
    return [float("nan") if math.isinf(x) else x for x in data]
