"""A workload slow enough to interrupt: each call sleeps."""

import time

ID = "slow"
TITLE = "Sleeping"
SECTION = "Test fixture"
EXPLANATION = """Each call sleeps 20 ms, so a run lasts long enough to press Ctrl-C."""
SIZES = {"quick": 1, "default": 1, "sweep": [1]}
VARIANTS = ["before", "after"]


def setup(n):
    return n


def before(data):
    time.sleep(0.02)
    return data


def after(data):
    time.sleep(0.02)
    return data
