"""A workload whose `after` crashes the interpreter (a segmentation fault):
a worker dies, and faulthandler's traceback names this file."""

import ctypes

ID = "crash"
TITLE = "A variant that crashes the interpreter"
SECTION = "Test fixture"
EXPLANATION = """after() reads memory at address 0 through ctypes: SIGSEGV. PyPy's
string_at returns None for address 0 instead, so after() then writes a byte
there, which faults everywhere. The timed region is one call."""
SIZES = {"quick": 10, "default": 10, "sweep": [10]}
VARIANTS = ["before", "after"]


def setup(n):
    return list(range(n))


def before(data):
    return sum(data)


def after(data):
    ctypes.string_at(0)          # CPython: SIGSEGV here
    ctypes.memset(0, 0, 1)       # PyPy: here
    return None
