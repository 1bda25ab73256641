"""A minimal well-formed workload: the shape a user's own file takes."""

ID = "tiny"
TITLE = "Summing a range: a loop vs sum()"
SECTION = "Test fixture"
EXPLANATION = """A fixture for optdemo's own tests. The timed region is one call."""
SIZES = {"quick": 200, "default": 1000, "sweep": [100, 1000]}
VARIANTS = ["before", "after"]


def setup(n):
    return list(range(n))


def before(data):
    total = 0
    for x in data:
        total += x
    return total


def after(data):
    return sum(data)
