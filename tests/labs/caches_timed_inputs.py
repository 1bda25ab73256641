"""Hostile solution for the print_queue lab: remembers the answers it gave.

Attempts: a solution is timed by calling it many times on its timing input.
If that input is the same every time, a solution may answer each repeat
from a cache instead of computing. This one keeps a module-level dict
(its KEPT latest inputs) from the input's content (a tuple of the jobs: a
key built in linear time, so the cost still looks like it grows as n) to
the answer it gave, and computes with the starter's list.pop(0),
quadratic, only for an input it has not seen. Its answers are always
right: a cached answer is the one it computed for the very same content.

Unguarded it would read "pass": only the first call on each timing input
costs the quadratic time; the timed repeats cost building the key (about
a third of the reference's time here, measured at 12,000 jobs: 1.7 ms
against 4.5 ms, the starter's 42 ms).
Expected verdict: too slow. What should stop it: the timing protocol, not
the sandbox: every timed call gets a fresh input made by the trusted side
(a new seed each time, so the cache never hits) and its result is checked,
so the quadratic algorithm is what gets timed.
(It does not busy-wait to look linear: the key costs linear time already,
and waiting ~1 us per job would make it too slow by itself, testing
nothing.)
Guarded: unless OPTDEMO_HOSTILE_TESTS=1, print_order raises RuntimeError at
once and caches nothing.
"""

import os

LAB = "print_queue"
EXPECTED = "too slow"

answers = {}                       # (pages_per_turn, jobs as tuples) -> the answer given
KEPT = 8                           # the most recent inputs only: memory is limited too


def require_armed():
    if os.environ.get("OPTDEMO_HOSTILE_TESTS") != "1":
        raise RuntimeError("hostile test disarmed: set OPTDEMO_HOSTILE_TESTS=1 to run it")


def starter_algorithm(jobs, pages_per_turn):
    """The starter's algorithm: correct, quadratic."""
    queue = [[name, pages] for name, pages in jobs]
    finished = []
    while queue:
        name, pages = queue.pop(0)
        if pages > pages_per_turn:
            queue.append([name, pages - pages_per_turn])
        else:
            finished.append(name)
    return finished


def print_order(jobs, pages_per_turn):
    require_armed()
    key = (pages_per_turn, tuple(map(tuple, jobs)))
    if key not in answers:
        answers[key] = starter_algorithm(jobs, pages_per_turn)
        if len(answers) > KEPT:
            del answers[next(iter(answers))]       # the oldest
    return list(answers[key])      # a copy: the caller may change what it gets
