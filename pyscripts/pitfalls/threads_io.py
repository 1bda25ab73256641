"""Pitfall: waiting for blocking calls one after another.

The I/O-bound counterpart of `threads`: n blocking waits in one thread, in n
threads, and in one thread's asyncio event loop. Run it with
`optdemo run threads_io`.
"""

import asyncio
import concurrent.futures
import random
import time

ID = "threads_io"
TITLE = "Blocking waits in one thread vs in threads"
SECTION = "The GIL and free-threaded CPython"
EXPLANATION = """\
Each task here waits WAIT_SECONDS in time.sleep(), standing for a blocking
call that spends its time outside Python: a socket read, a database query, a
subprocess, a disk. A blocking call releases the GIL while it waits (CPython
drops the lock around the system call and takes it back after), so other
threads run Python meanwhile. `before` waits n times in a row: n x 5 ms.
`after` gives every wait a thread of its own (a ThreadPoolExecutor of n
workers): the waits overlap, and the whole takes about one wait plus the
threads' start-up -- many times faster, with the GIL, on any interpreter.
This is what threads are for in CPython with a GIL; CPU-bound Python in
threads is not (the `threads` workload).

`after_asyncio` overlaps the same waits in one thread: asyncio.sleep()
yields to an event loop that wakes each task when its time is up. No threads
at all, but every wait must be written as a coroutine (an awaitable socket,
not a blocking one).

Timed region: n tasks, each waiting WAIT_SECONDS and then doubling its
input value; `after` starts its thread pool and `after_asyncio` its event
loop (asyncio.run) inside the timed call. Result: the n doubled values, in
task order.
"""
SIZES = {"quick": 8, "default": 32, "sweep": [4, 8, 16, 32, 64]}
VARIANTS = ["before", "after", "after_asyncio"]
NO_NATIVE = ("the time is spent waiting, not computing: there is nothing for C "
             "to do faster")
NOTES = {
    "after": "one thread per wait: a blocking call releases the GIL",
    "after_asyncio": "one thread, an event loop: the waits overlap as coroutines",
}

WAIT_SECONDS = 0.005


def setup(n):
    """n seeded values, one per task."""
    rng = random.Random(20261204)
    return [rng.randrange(1_000) for _ in range(n)]


def blocking_task(value):
    time.sleep(WAIT_SECONDS)    # releases the GIL while it waits
    return 2 * value


async def waiting_task(value):
    await asyncio.sleep(WAIT_SECONDS)
    return 2 * value


def before(values):
    return [blocking_task(value) for value in values]


def after(values):
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, len(values))) as pool:
        return list(pool.map(blocking_task, values))


async def gather_all(values):
    return await asyncio.gather(*(waiting_task(value) for value in values))


def after_asyncio(values):
    return list(asyncio.run(gather_all(values)))
