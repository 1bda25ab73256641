"""Hostile solution for the print_queue lab: print_order never returns.

Attempts: an endless loop inside the function, holding the CPU.
Expected verdict: timed out (the host stops the sandboxed worker when its
timeout expires; the run goes on).
Guarded: unless OPTDEMO_HOSTILE_TESTS=1, print_order raises RuntimeError at
once instead of looping.
"""

import os

LAB = "print_queue"
EXPECTED = "timed out"


def require_armed():
    if os.environ.get("OPTDEMO_HOSTILE_TESTS") != "1":
        raise RuntimeError("hostile test disarmed: set OPTDEMO_HOSTILE_TESTS=1 to run it")


def print_order(jobs, pages_per_turn):
    require_armed()
    while True:
        pass
