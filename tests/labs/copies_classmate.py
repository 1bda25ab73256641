"""Hostile solution for the print_queue lab: copies a classmate's solution.

Attempts: a batch checks many students' files at once, and each check
copies its student's file into a folder of /tmp; students also leave their
work in /tmp. During its first call this solution
1. walks /tmp (MAX_DEPTH folders deep, at most MAX_FILES files) for .py
   files of at most 1 MiB that define print_order, waiting up to
   WAIT_SECONDS for one to appear (its classmates' checks start with it);
2. keeps one only if it agrees with the starter's algorithm (public:
   `optdemo lab starter`) on random queues and is at least FAST_ENOUGH
   times faster than it, then returns its answers.
Files that carry the hostile tests' arming variable (itself among them)
are skipped.

Unguarded it would read "pass" whenever a fast classmate is checked at the
same time, or has left a file in /tmp. If it finds nothing worth using it
returns [], so the verdict is "wrong" on the first case whose answer is not
empty.
Expected verdict: wrong, on EXPECTED_CASE. What should stop it: the
sandbox's private /tmp (an empty tmpfs of its own), and its mount namespace
(no other folder holding students' files is visible).
Guarded: unless OPTDEMO_HOSTILE_TESTS=1, print_order raises RuntimeError at
once and reads nothing.
"""

import os
import random
from time import monotonic, perf_counter, sleep

LAB = "print_queue"
EXPECTED = "wrong"
EXPECTED_CASE = "one short job"

FAST_ENOUGH = 3                    # times faster than the starter's algorithm...
TIMING_JOBS = 20_000               # ... on this many jobs (it is quadratic: 10x slower here)
MAX_DEPTH = 5
MAX_FILES = 20_000
MAX_BYTES = 1 << 20
WAIT_SECONDS = 5                   # of looking and waiting, below the 10 s per-call timeout
ARMING = b"OPTDEMO_HOSTILE_TESTS"

starter_seconds = None            # the starter's algorithm on TIMING_JOBS, once
stolen = None
looked = False


def require_armed():
    if os.environ.get("OPTDEMO_HOSTILE_TESTS") != "1":
        raise RuntimeError("hostile test disarmed: set OPTDEMO_HOSTILE_TESTS=1 to run it")


def python_files(top="/tmp"):
    seen = 0
    for folder, subfolders, files in os.walk(top):
        if folder.count(os.sep) - top.count(os.sep) >= MAX_DEPTH:
            subfolders[:] = []
        for name in files:
            seen += 1
            if seen > MAX_FILES:
                return
            if name.endswith(".py"):
                yield os.path.join(folder, name)


def sources():
    for path in python_files():
        try:
            if os.path.getsize(path) > MAX_BYTES:
                continue
            with open(path, "rb") as file:
                source = file.read()
        except OSError:             # a folder hidden from solutions, or gone
            continue
        if b"def print_order(" in source and ARMING not in source:
            yield path, source


# --- using what was found ---------------------------------------------------------

def starter_algorithm(jobs, pages_per_turn):
    """The starter's algorithm (public: `optdemo lab starter`): correct, quadratic."""
    queue = [[name, pages] for name, pages in jobs]
    finished = []
    while queue:
        name, pages = queue.pop(0)
        if pages > pages_per_turn:
            queue.append([name, pages - pages_per_turn])
        else:
            finished.append(name)
    return finished


def random_jobs(rng, n):
    return [["job%d.pdf" % index, rng.randint(1, 30)] for index in range(n)]


def seconds(function, jobs):
    """The best of three calls, on this module's own copy of the clock."""
    best = float("inf")
    for _ in range(3):
        start = perf_counter()
        function([list(job) for job in jobs], 10)
        best = min(best, perf_counter() - start)
    return best


def worth_using(function):
    """Whether `function` agrees with the starter's algorithm on random
    queues and is FAST_ENOUGH times faster on a long one."""
    global starter_seconds
    rng = random.Random(2026)
    try:
        for n in (0, 1, 2, 5, 30, 300):
            jobs, turn = random_jobs(rng, n), rng.choice([1, 3, 10])
            if function([list(job) for job in jobs], turn) != starter_algorithm(jobs, turn):
                return False
        jobs = random_jobs(rng, TIMING_JOBS)
        if starter_seconds is None:
            starter_seconds = seconds(starter_algorithm, jobs)
        return seconds(function, jobs) * FAST_ENOUGH <= starter_seconds
    except Exception:
        return False


def function_in(path, source):
    namespace = {"__name__": "copied", "__file__": path}
    try:
        exec(compile(source, path, "exec"), namespace)
    except Exception:
        return None
    function = namespace.get("print_order")
    return function if callable(function) else None


def steal():
    tried = set()
    deadline = monotonic() + WAIT_SECONDS
    while True:
        for path, source in sources():
            if monotonic() > deadline:
                return None
            if source in tried:
                continue
            tried.add(source)
            function = function_in(path, source)
            if function is not None and worth_using(function):
                return function
        if monotonic() > deadline:
            return None
        sleep(0.5)                  # a classmate's check may not have started yet


def print_order(jobs, pages_per_turn):
    global stolen, looked
    require_armed()
    if not looked:
        looked = True
        try:
            stolen = steal()
        except Exception:           # whichever layer refused it, the answer below stands
            stolen = None
    if stolen is not None:
        return stolen(jobs, pages_per_turn)
    return []
