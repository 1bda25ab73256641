"""A workload whose setup raises."""

ID = "setup_raises"
TITLE = "Setup fails"
SECTION = "Test fixture"
EXPLANATION = """setup() raises ValueError."""
SIZES = {"quick": 10, "default": 10, "sweep": [10]}
VARIANTS = ["before"]


def setup(n):
    raise ValueError("setup exploded on purpose")


def before(data):
    return data
