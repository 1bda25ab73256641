"""A workload whose `after` calls sys.exit(4): an error of the variant,
not the end of optdemo or of its worker."""

import sys

ID = "sys_exit"
TITLE = "A variant that calls sys.exit()"
SECTION = "Test fixture"
EXPLANATION = """after() raises SystemExit(4) through sys.exit. The timed region is one call."""
SIZES = {"quick": 10, "default": 10, "sweep": [10]}
VARIANTS = ["before", "after"]


def setup(n):
    return list(range(n))


def before(data):
    return sum(data)


def after(data):
    sys.exit(4)
