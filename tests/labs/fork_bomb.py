"""Hostile solution for the print_queue lab: forks in a loop.

Attempts: os.fork() in a loop inside print_order.
Expected verdict: error: blocked (the sandbox refuses new processes: fork
fails with an OSError, reported as blocked).
Bounded so that it cannot hurt the machine if the sandbox fails: at most
MAX_CHILDREN children, each of which exits at once with os._exit(0), and the
parent waits for every one of them. If all the forks succeed, the function
answers correctly: the check would read "pass", which a test sees as the
sandbox failing.
Guarded: unless OPTDEMO_HOSTILE_TESTS=1, print_order raises RuntimeError at
once and forks nothing.
"""

import collections
import os

LAB = "print_queue"
EXPECTED = "error: blocked"

MAX_CHILDREN = 50


def require_armed():
    if os.environ.get("OPTDEMO_HOSTILE_TESTS") != "1":
        raise RuntimeError("hostile test disarmed: set OPTDEMO_HOSTILE_TESTS=1 to run it")


def print_order(jobs, pages_per_turn):
    require_armed()
    children = []
    try:
        for _ in range(MAX_CHILDREN):
            pid = os.fork()
            if pid == 0:
                os._exit(0)               # the child leaves at once, flushing nothing
            children.append(pid)
    finally:
        for pid in children:
            os.waitpid(pid, 0)
    queue = collections.deque((name, pages) for name, pages in jobs)
    finished = []
    while queue:
        name, pages = queue.popleft()
        if pages > pages_per_turn:
            queue.append((name, pages - pages_per_turn))
        else:
            finished.append(name)
    return finished
