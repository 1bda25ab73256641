"""A workload whose speed depends on the process it runs in: every import
adds one to a counter file named by $OPTDEMO_TEST_COUNTER, and `after` calls
the C sum() in odd-numbered processes (several times faster than before's
loop) and runs before's loop three times in even-numbered ones (3x slower).
Its processes disagree about the verdict by design, by factors no load
erases, so the row must be marked unstable."""

import os

ID = "process_dependent"
TITLE = "A variant whose speed depends on the process"
SECTION = "Test fixture"
EXPLANATION = """after() sums the list with sum() in odd-numbered worker processes
and with a loop, three times, in even-numbered ones (counted in the file
named by $OPTDEMO_TEST_COUNTER), returning the same sum. The timed region is
one call."""
SIZES = {"quick": 2000, "default": 2000, "sweep": [2000]}
VARIANTS = ["before", "after"]


def _import_count():
    path = os.environ.get("OPTDEMO_TEST_COUNTER")
    if not path:
        return 1
    with open(path, "a+", encoding="utf-8") as file:
        file.seek(0)
        count = len(file.read()) + 1
        file.write("x")
    return count


REPEATS = 1 if _import_count() % 2 == 1 else 3


def setup(n):
    return list(range(n))


def before(data):
    total = 0
    for x in data:
        total += x
    return total


def after(data):
    if REPEATS == 1:
        return sum(data)
    total = 0
    for _ in range(REPEATS):
        total = 0
        for x in data:
            total += x
    return total
