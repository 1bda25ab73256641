"""A workload whose baseline is the slow one: each call of `before` sleeps
0.3 s, `after` returns at once.  Sleeping lasts at least its time however
busy the machine is, so a small --budget is overrun by a known amount: the
harness must measure `before` with fewer values, or, when not one value
fits, say that the baseline is missing and fail -- never drop it quietly."""

import time

ID = "slow_baseline"
TITLE = "A baseline slower than the budget"
SECTION = "Test fixture"
EXPLANATION = """before sleeps 0.3 s and returns n; after returns n. The timed
region is one call."""
SIZES = {"quick": 3, "default": 3, "sweep": [3]}
VARIANTS = ["before", "after"]
SECONDS = 0.3


def setup(n):
    return n


def before(data):
    time.sleep(SECONDS)
    return data


def after(data):
    return data
