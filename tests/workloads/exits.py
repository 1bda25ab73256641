"""A workload whose `after` ends the process at once with status 3
(os._exit: no exception, no clean-up), like a C extension calling exit()."""

import os

ID = "exits"
TITLE = "A variant that ends the process"
SECTION = "Test fixture"
EXPLANATION = """after() calls os._exit(3). The timed region is one call."""
SIZES = {"quick": 10, "default": 10, "sweep": [10]}
VARIANTS = ["before", "after"]


def setup(n):
    return list(range(n))


def before(data):
    return sum(data)


def after(data):
    os._exit(3)
