"""A workload whose after variant raises."""

ID = "variant_raises"
TITLE = "A variant fails"
SECTION = "Test fixture"
EXPLANATION = """after() raises ZeroDivisionError."""
SIZES = {"quick": 10, "default": 10, "sweep": [10]}
VARIANTS = ["before", "after"]


def setup(n):
    return n


def before(data):
    return data


def after(data):
    return data / 0
