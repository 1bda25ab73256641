"""Hostile solution for the print_queue lab: makes shrinking take minutes.

(Its own folder: tests/test_cli_lab.py checks every file of tests/labs/ in
one batch with the default options; this one is checked alone with
--timeout 2 by tests/test_cli_lab_hostile.py.)

Attempts: a wrong answer's input is shrunk: the checker tries up to 300
smaller inputs, one call each. Every call here busy-waits
SECONDS_PER_CALL (half of the test's --timeout 2) on any input small
enough to be shrunk, so no single call times out; and the answer is wrong
only for queues of WRONG_FROM jobs or more (the last job is lost). The
first hidden case that long has 100 jobs: each round of shrinking tries
the empty queue and both halves (right: 50 jobs are too few) before a
queue one job shorter (still wrong), so it goes down one job per round, 4
calls a round, and ends with a round of 60 right answers at 51 jobs: 256
calls (simulated with the checker's own shrink_candidates).

Unguarded, its check would take about 256 x SECONDS_PER_CALL (here over
4 minutes; with --timeout 10 and calls just under it, 40 minutes), every
call inside the per-call timeout, holding a batch's slot all that time.
Expected verdict: wrong, on EXPECTED_CASE, within a bounded time. What
should stop it: the check's wall-clock deadline, which covers shrinking
(the smallest input found so far is shown when it expires).
Guarded: unless OPTDEMO_HOSTILE_TESTS=1, print_order raises RuntimeError at
once and waits for nothing.
"""

import collections
import json
import os
from time import perf_counter

LAB = "print_queue"
EXPECTED = "wrong"
EXPECTED_CASE = "random, 100 jobs"

SECONDS_PER_CALL = 1.0
SMALL = 10_000                     # bytes of JSON: inputs at most this long are shrunk
WRONG_FROM = 51                    # jobs: more than half the first long case's 100


def require_armed():
    if os.environ.get("OPTDEMO_HOSTILE_TESTS") != "1":
        raise RuntimeError("hostile test disarmed: set OPTDEMO_HOSTILE_TESTS=1 to run it")


def busy_wait(seconds):
    end = perf_counter() + seconds
    while perf_counter() < end:
        pass


def print_order(jobs, pages_per_turn):
    require_armed()
    if len(json.dumps([jobs, pages_per_turn])) <= SMALL:
        busy_wait(SECONDS_PER_CALL)
    queue = collections.deque([name, pages] for name, pages in jobs)
    finished = []
    while queue:
        name, pages = queue.popleft()
        if pages > pages_per_turn:
            queue.append([name, pages - pages_per_turn])
        else:
            finished.append(name)
    if len(jobs) >= WRONG_FROM:
        return finished[:-1]        # the bug: the last job to finish is lost
    return finished
