"""Hostile solution for the print_queue lab: a segmentation fault.

Attempts: reads memory at address 0 through ctypes (CPython: SIGSEGV), then
writes a byte there (PyPy, whose string_at(0) returns instead).
Expected verdict: error: blocked (the sandbox refuses to import ctypes:
PermissionError from its audit hook, at the call, since ctypes is imported
inside the function). Where ctypes is allowed (a worker without the audit
hook), the worker dies from SIGSEGV and the verdict is "crashed";
stack_overflow.py is the crash that no audit hook can stop.
Guarded: unless OPTDEMO_HOSTILE_TESTS=1, print_order raises RuntimeError at
once; ctypes is imported only when armed.
"""

import os

LAB = "print_queue"
EXPECTED = "error: blocked"


def require_armed():
    if os.environ.get("OPTDEMO_HOSTILE_TESTS") != "1":
        raise RuntimeError("hostile test disarmed: set OPTDEMO_HOSTILE_TESTS=1 to run it")


def print_order(jobs, pages_per_turn):
    require_armed()
    import ctypes
    ctypes.string_at(0)          # CPython: SIGSEGV here
    ctypes.memset(0, 0, 1)       # PyPy: here
    return None
