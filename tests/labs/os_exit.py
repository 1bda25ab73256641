"""Hostile solution for the print_queue lab: the worker exits mid-call.

Attempts: os._exit(0) inside print_order, so the worker disappears with a
success status, without answering and without running any cleanup.
Expected verdict: crashed (the worker ended during a call: no answer, whatever
its exit status).
Guarded: unless OPTDEMO_HOSTILE_TESTS=1, print_order raises RuntimeError at
once instead of exiting.
"""

import os

LAB = "print_queue"
EXPECTED = "crashed"


def require_armed():
    if os.environ.get("OPTDEMO_HOSTILE_TESTS") != "1":
        raise RuntimeError("hostile test disarmed: set OPTDEMO_HOSTILE_TESTS=1 to run it")


def print_order(jobs, pages_per_turn):
    require_armed()
    os._exit(0)
