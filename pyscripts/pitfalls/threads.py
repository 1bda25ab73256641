"""Pitfall: threads for CPU-bound pure Python, under the GIL.

The same pure-Python work done in one thread, in N threads and in N
processes. Run it with `optdemo run threads`, and with a free-threaded
interpreter: `optdemo run --interpreter python3.13t threads`.
"""

import concurrent.futures
import multiprocessing
import os
import random
import time

ID = "threads"
TITLE = "CPU-bound Python in threads vs processes (the GIL)"
SECTION = "The GIL and free-threaded CPython"
EXPLANATION = """\
CPython's global interpreter lock (GIL) lets one thread at a time run Python
bytecode. Threads that compute in pure Python take turns: the interpreter
asks the running thread to drop the lock every 5 ms (sys.getswitchinterval())
and another one picks it up. `after` splits the work over N threads and,
under the GIL, runs no faster than `before`, one thread doing it all -- often
a little slower, for the switching. Threads help only where the lock is
released: blocking I/O (threads_io) and C code that drops it (NumPy, hashlib,
zlib on large buffers).

`processes` hands the same chunks to N processes (concurrent.futures'
ProcessPoolExecutor): each has its own interpreter and its own GIL, so they
really run at once, on as many cores as there are. They pay for it with a
start-up cost -- forking the workers, pickling each chunk over a pipe and its
answer back -- which the timed region includes, so small inputs lose and
large ones win (compare the sizes of a --sweep). Workers are forked
explicitly (the "fork" start method): forkserver or spawn would start fresh
interpreters that cannot import a workload loaded from a path. Forking a
process that has other threads is risky -- a lock another thread holds at
that moment stays held for ever in the child (Python 3.12 warns about it,
3.14 stopped forking by default) -- and a thread that `after`, or the last
pool, joined may still be finishing in C: `processes` first waits until the
process is back to the threads it had at import (a look at /proc, bounded).
glibc's malloc guards its own locks across fork; AddressSanitizer's (GCC 12)
does not, and without the wait its children hung.

A free-threaded build (CPython 3.13t, configured with --disable-gil) has no
GIL: there `after` scales with the cores like `processes`, without the
start-up cost, while one thread (`before`) runs somewhat slower than on the
same version with the GIL (per-object locking and reference counting made
safe for threads; the article says 5-10%). Importing an extension module
that does not declare itself safe without the GIL turns the GIL back on for
the whole process: the results' metadata (`gil_enabled`, measured after the
workloads ran) says whether that happened, and `optdemo claims` compares a
free-threaded build with its GIL twin. PyPy has a GIL too.

N is the number of CPUs this process may use, at least 2 and at most 4; the
table's notes say which N this run used. Timed region: computing the Collatz
step counts of n seeded start values, dealt into N chunks built by setup;
`after` starts a ThreadPoolExecutor and `processes` a ProcessPoolExecutor of
N workers inside the timed call (their start-up is part of the cost, and so
is the wait for exiting threads: one look at /proc when there are none), one
chunk each. Result: the list of the N chunks' totals, in chunk order.
"""
SIZES = {"quick": 500, "default": 5_000,
         "sweep": [300, 1_000, 3_000, 10_000, 30_000]}
VARIANTS = ["before", "after", "processes"]
NO_NATIVE = ("a C kernel that releases the GIL around its loop is the way out the "
             "explanation names, and numpy_vectorize's lesson; this one is the interpreter's lock")


def usable_cpus():
    """The CPUs this process may run on (its affinity), else os.cpu_count()."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


WORKERS = max(2, min(usable_cpus(), 4))
NOTES = {
    "after": f"{WORKERS} threads: they take turns under a GIL, run at once without one",
    "processes": f"{WORKERS} forked processes, each with its own GIL; start-up included",
}


def collatz_steps(k):
    """How many steps k -> k/2 (even) or 3k+1 (odd) take to reach 1."""
    steps = 0
    while k != 1:
        if k % 2 == 0:
            k //= 2
        else:
            k = 3 * k + 1
        steps += 1
    return steps


def chunk_total(chunk):
    """The work of one thread or process: pure Python, no I/O."""
    total = 0
    for k in chunk:
        total += collatz_steps(k)
    return total


def os_threads():
    """This process's threads as the kernel counts them (0 without /proc)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 0


THREADS_AT_IMPORT = os_threads()


def wait_for_exiting_threads(limit=1.0):
    """Return once the process has no more threads than at import, or after
    `limit` seconds (a thread someone else started and keeps)."""
    deadline = time.monotonic() + limit
    while os_threads() > THREADS_AT_IMPORT and time.monotonic() < deadline:
        time.sleep(0.0002)


def setup(n):
    """n seeded start values dealt into WORKERS chunks (a tuple of tuples)."""
    rng = random.Random(20261203)
    values = [rng.randrange(100_000, 1_000_000) for _ in range(n)]
    return tuple(tuple(values[i::WORKERS]) for i in range(WORKERS))


def before(chunks):
    return [chunk_total(chunk) for chunk in chunks]


def after(chunks):
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(chunks)) as pool:
        return list(pool.map(chunk_total, chunks))


def processes(chunks):
    wait_for_exiting_threads()      # fork only a process with no thread but ours
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(max_workers=len(chunks),
                                                mp_context=context) as pool:
        return list(pool.map(chunk_total, chunks))
