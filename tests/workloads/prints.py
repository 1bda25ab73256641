"""A workload whose `after` prints: one line straight to file descriptor 2
(as C code would), then 25 lines with print(), in every call.  Its output
must be captured, never mixed into optdemo's table."""

import os

ID = "prints"
TITLE = "A variant that prints"
SECTION = "Test fixture"
EXPLANATION = """after() writes 26 lines per call and returns the same sum as
before(). The timed region is one call, printing included."""
SIZES = {"quick": 10, "default": 10, "sweep": [10]}
VARIANTS = ["before", "after"]


def setup(n):
    return list(range(n))


def before(data):
    return sum(data)


def after(data):
    os.write(2, b"after: a line on stderr\n")
    for number in range(25):
        print("line", number)
    return sum(data)
