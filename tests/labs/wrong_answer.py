"""Hostile solution for the print_queue lab: right except on one edge case.

Attempts: a fast deque solution that keeps each job's remaining pages in a
dict keyed by the job's name, so two jobs with the same name share one
count. Every hidden case has distinct names except one.
Expected verdict: wrong, on the case labelled EXPECTED_CASE (the first and
only case it gets wrong), with both results shown.
Not guarded: it is an ordinary, buggy solution.
"""

import collections

LAB = "print_queue"
EXPECTED = "wrong"
EXPECTED_CASE = "the same name twice"


def print_order(jobs, pages_per_turn):
    remaining = {name: pages for name, pages in jobs}     # the bug: names are not unique
    queue = collections.deque(name for name, _ in jobs)
    finished = []
    while queue:
        name = queue.popleft()
        if remaining[name] > pages_per_turn:
            remaining[name] -= pages_per_turn
            queue.append(name)
        else:
            finished.append(name)
    return finished
