"""Hostile solution for the print_queue lab: asks for 50 GB of memory.

Attempts: one 50 GiB bytearray inside print_order.
Expected verdict: error: blocked (the worker's memory limit refuses the
allocation: MemoryError, reported with the limit). A worker killed for it
instead would read "crashed", which is acceptable but less helpful.
If the allocation were granted (no limit, overcommit allowed), the pages are
never touched, so it still costs no real memory, and the function then
answers correctly: the check would read "pass", which a test sees as the
limit failing, without harming the machine. (On a machine with
vm.overcommit_memory=0 and less than 50 GB of RAM plus swap, the kernel
refuses the request even without a limit.)
Guarded: unless OPTDEMO_HOSTILE_TESTS=1, print_order raises RuntimeError at
once and allocates nothing.
"""

import collections
import os

LAB = "print_queue"
EXPECTED = "error: blocked"

REQUEST_BYTES = 50 * 1024 ** 3


def require_armed():
    if os.environ.get("OPTDEMO_HOSTILE_TESTS") != "1":
        raise RuntimeError("hostile test disarmed: set OPTDEMO_HOSTILE_TESTS=1 to run it")


def print_order(jobs, pages_per_turn):
    require_armed()
    block = bytearray(REQUEST_BYTES)      # zero pages, never written
    del block
    queue = collections.deque((name, pages) for name, pages in jobs)
    finished = []
    while queue:
        name, pages = queue.popleft()
        if pages > pages_per_turn:
            queue.append((name, pages - pages_per_turn))
        else:
            finished.append(name)
    return finished
