"""Hostile solution for the print_queue lab, the control: correct and fast.

Attempts: nothing hostile. The queue is a collections.deque, as in the
reference, written independently (an index into a list would do as well).
Expected verdict: pass.
Not guarded: it is an ordinary solution.
"""

from collections import deque

LAB = "print_queue"
EXPECTED = "pass"


def print_order(jobs, pages_per_turn):
    waiting = deque()
    for name, pages in jobs:
        waiting.append([name, pages])
    finished = []
    while waiting:
        job = waiting.popleft()
        if job[1] <= pages_per_turn:
            finished.append(job[0])
        else:
            job[1] -= pages_per_turn
            waiting.append(job)
    return finished
