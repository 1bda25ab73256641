"""Hostile solution for the print_queue lab: stops the clocks, then runs
slowly.

Attempts: replaces time.perf_counter, time.monotonic, time.time,
time.process_time (and their _ns variants) in the worker with functions
that always return the same value, so that anything timed inside the worker
takes zero seconds; then drains the queue with list.pop(0), the starter's
quadratic algorithm. The answers are right.
Expected verdict: too slow (the host times every value itself, with its own
wall clock around the request, so the frozen clocks change nothing).
Guarded: unless OPTDEMO_HOSTILE_TESTS=1, print_order raises RuntimeError at
once and patches nothing.
"""

import os
import time

LAB = "print_queue"
EXPECTED = "too slow"

CLOCKS = ("perf_counter", "monotonic", "time", "process_time")


def require_armed():
    if os.environ.get("OPTDEMO_HOSTILE_TESTS") != "1":
        raise RuntimeError("hostile test disarmed: set OPTDEMO_HOSTILE_TESTS=1 to run it")


def stop_the_clocks():
    for name in CLOCKS:
        frozen = getattr(time, name)()
        frozen_ns = getattr(time, name + "_ns")()
        setattr(time, name, lambda frozen=frozen: frozen)
        setattr(time, name + "_ns", lambda frozen_ns=frozen_ns: frozen_ns)


def print_order(jobs, pages_per_turn):
    require_armed()
    stop_the_clocks()
    queue = []
    for name, pages in jobs:
        queue.append([name, pages])
    finished = []
    while queue:
        name, pages = queue.pop(0)
        if pages > pages_per_turn:
            queue.append([name, pages - pages_per_turn])
        else:
            finished.append(name)
    return finished
