"""Hostile solution for the print_queue lab: a crash no audit hook can stop.

Attempts: hashes a tuple nested a million deep. tuple's hash recurses in C,
one C stack frame per level and no recursion check (CPython 3.11 to 3.13),
so the 8 MB C stack overflows: SIGSEGV, in pure Python, no ctypes needed.
A student can do this by accident with a deeply nested key.
Until issue 15 this file took repr() of a list nested a million deep with
the recursion limit lifted: 3.11 and PyPy 3.9 died with SIGSEGV, but 3.12+
counts C recursion apart from the recursion limit (Py_C_RECURSION_LIMIT,
10000 on x86-64 Linux), so 3.13 raised RecursionError there.
Expected verdict: crashed (the worker died from SIGSEGV; the host survives
and names the signal).
Guarded: unless OPTDEMO_HOSTILE_TESTS=1, print_order raises RuntimeError at
once and builds nothing.
"""

import os

LAB = "print_queue"
EXPECTED = "crashed"

DEPTH = 1_000_000


def require_armed():
    if os.environ.get("OPTDEMO_HOSTILE_TESTS") != "1":
        raise RuntimeError("hostile test disarmed: set OPTDEMO_HOSTILE_TESTS=1 to run it")


def print_order(jobs, pages_per_turn):
    require_armed()
    nested = ()
    for _ in range(DEPTH):
        nested = (nested,)
    hash(nested)                # SIGSEGV: the C stack runs out
    return None
