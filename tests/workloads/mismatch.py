"""A workload whose `after` gives a different answer: must be FAILED."""

ID = "mismatch"
TITLE = "A wrong fix"
SECTION = "Test fixture"
EXPLANATION = """The after variant drops the last element: a wrong answer."""
SIZES = {"quick": 100, "default": 100, "sweep": [100]}
VARIANTS = ["before", "after"]


def setup(n):
    return list(range(n))


def before(data):
    return sum(data)


def after(data):
    return sum(data[:-1])
