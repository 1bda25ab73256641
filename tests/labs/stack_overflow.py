"""Hostile solution for the print_queue lab: a crash no audit hook can stop.

Attempts: lifts the recursion limit (sys.setrecursionlimit is not refused by
the sandbox) and takes repr() of a list nested a million deep. repr recurses
in C, one C stack frame per level, so the 8 MB C stack overflows: SIGSEGV,
in pure Python, no ctypes needed (measured here: CPython 3.11 and PyPy 3.9
both die with SIGSEGV). A student can do this by accident with a recursive
function and a raised limit.
Expected verdict: crashed (the worker died from SIGSEGV; the host survives
and names the signal).
Guarded: unless OPTDEMO_HOSTILE_TESTS=1, print_order raises RuntimeError at
once and changes no limit.
"""

import os
import sys

LAB = "print_queue"
EXPECTED = "crashed"

DEPTH = 1_000_000


def require_armed():
    if os.environ.get("OPTDEMO_HOSTILE_TESTS") != "1":
        raise RuntimeError("hostile test disarmed: set OPTDEMO_HOSTILE_TESTS=1 to run it")


def print_order(jobs, pages_per_turn):
    require_armed()
    sys.setrecursionlimit(100_000_000)
    nested = []
    for _ in range(DEPTH):
        nested = [nested]
    repr(nested)                # SIGSEGV: the C stack runs out
    return None
