"""A workload whose `before` sorts its input in place: it breaks the
contract (variants must not mutate data), and the next variant must still
get the shuffled list it is owed."""

import random

ID = "mutates"
TITLE = "A variant that changes its input"
SECTION = "Test fixture"
EXPLANATION = """before() sorts setup's list in place, after() returns a sorted
copy. The timed region is one call."""
SIZES = {"quick": 100, "default": 100, "sweep": [100]}
VARIANTS = ["before", "after"]


def setup(n):
    items = list(range(n))
    random.Random(7).shuffle(items)
    return items


def before(data):
    data.sort()          # the bug: sorts the caller's list
    return list(data)


def after(data):
    return sorted(data)
