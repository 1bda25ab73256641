"""Lab: the running median of a stream of sensor readings.

Instructor's file (never shown to students). The starter appends each
reading and re-sorts the list: Timsort finds the sorted prefix, but still
compares every element, so n readings cost O(n^2) comparisons. The reference
keeps the list sorted with bisect.insort: O(log n) comparisons per reading
plus a memmove of the tail.

No MAX_GROWTH, although the starter is quadratic: insort's memmove is O(n)
per insert too, small but visible at these sizes, so the reference's own
growth exponent measured 1.1-1.7 against the starter's 1.8-2.3 in two runs
on this machine: no bound separates them reliably. The speed target (the
reference measured about 13x the starter) is what grades. A two-heap
solution is O(n log n) and passes as well.
"""

import random

ID = "running_median"
TITLE = "Running median: the median reading after each new one"
LESSON = "sorted_insert"
FUNCTION = "running_medians"

SIZES = {"timing": 3_000, "growth": [1_500, 3_000, 6_000, 12_000]}
TARGET = {"faster_than_starter": 4, "within_reference": 2.0}

# Measured 2026-12-02 with /usr/bin/python3.11 on this project's 2-core AMD
# EPYC KVM machine while other jobs ran (load average 1.5-3.5): the best of
# several timeit repeats, starter and reference interleaved, in 5 fresh
# processes, in two runs; medians [lowest-highest process].
# n = 3,000: starter 15.3 / 13.7 ms, reference 1.24 / 1.07 ms, ratio 13.5x
# [12.3-13.7] / 13.0x [7.2-14.6]. Growth exponents: starter 2.08 / 1.92
# [1.80-2.33], reference 1.39 / 1.44 [1.12-1.66].


def random_readings(rng, n):
    """n temperatures in tenths of a degree, -300 to 450, drifting slowly."""
    value = rng.randint(-100, 300)
    readings = []
    for _ in range(n):
        value = max(-300, min(450, value + rng.randint(-15, 15)))
        readings.append(value)
    return readings


def cases():
    fixed = [
        ("no readings", ([],)),
        ("one reading", ([21],)),
        ("two readings: the lower middle", ([30, 10],)),
        ("increasing", ([1, 2, 3, 4, 5, 6],)),
        ("decreasing", ([6, 5, 4, 3, 2, 1],)),
        ("all equal", ([7, 7, 7, 7],)),
        ("duplicates", ([5, 1, 5, 1, 5, 1, 3],)),
        ("negative readings", ([-5, -20, 0, -1, -30],)),
        ("floats", ([20.5, 19.25, 21.0, 19.25],)),
    ]
    rng = random.Random(20261207)
    generated = [("random, %d readings" % n, (random_readings(rng, n),))
                 for n in (10, 100, 1_000, 3_000)]
    return fixed + generated


def timing_input(n, seed=0):
    return (random_readings(random.Random(n + (seed << 32)), n),)
