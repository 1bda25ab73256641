"""Lab: the order in which an emergency room treats its patients.

Instructor's file (never shown to students). The starter keeps the waiting
patients in a plain list: each treatment scans it with min() and again with
remove(), O(n) per patient treated, quadratic overall. The reference keeps a
heap with heapq: O(log n) per push and pop.
"""

import random

ID = "triage"
TITLE = "Triage: the order in which an emergency room treats its patients"
LESSON = "priority_queue"
FUNCTION = "treatment_order"

SIZES = {"timing": 4_000, "growth": [2_000, 4_000, 8_000, 16_000]}
TARGET = {"faster_than_starter": 8, "within_reference": 2.0}
MAX_GROWTH = 1.7

# Measured 2026-12-02 with /usr/bin/python3.11 on this project's 2-core AMD
# EPYC KVM machine while other jobs ran (load average 1.5-3.5): the best of
# several timeit repeats, starter and reference interleaved, in 5 fresh
# processes, in two runs; medians [lowest-highest process].
# n = 4,000: starter 20.8 ms, reference 0.79 ms, ratio 25.9x [20.5-27.3];
# at 5,000 (an earlier choice): 33.8x [23.7-37.1] and 35.1x [28.9-40.7].
# Growth exponents: starter 2.12 [2.06-2.24], reference 1.25 [1.06-1.44
# over three runs].


def random_events(rng, n):
    """n events: an arrival with severity 1 (most urgent) to 5, or, 40% of the
    time, a doctor becoming free ("treat")."""
    events = []
    for number in range(n):
        if rng.random() < 0.4:
            events.append(["treat"])
        else:
            events.append(["arrive", "patient%d" % number, rng.randint(1, 5)])
    return events


def cases():
    fixed = [
        ("no events", ([],)),
        ("one arrival, nobody treats", ([["arrive", "Ann", 3]],)),
        ("a doctor with nobody waiting", ([["treat"], ["arrive", "Ann", 3], ["treat"], ["treat"]],)),
        ("most urgent first", ([["arrive", "Ann", 3], ["arrive", "Bob", 1], ["arrive", "Cy", 2],
                                ["treat"], ["treat"], ["treat"]],)),
        ("same severity: first come, first served",
         ([["arrive", "Zed", 2], ["arrive", "Amy", 2], ["arrive", "Max", 2], ["treat"]],)),
        ("the same name twice", ([["arrive", "Lee", 4], ["arrive", "Lee", 1], ["treat"]],)),
        ("an urgent late arrival overtakes",
         ([["arrive", "Ann", 5], ["arrive", "Bob", 5], ["treat"], ["arrive", "Cy", 1]],)),
        ("unicode names", ([["arrive", "Zoë", 2], ["arrive", "Łukasz", 2], ["arrive", "陈", 1]],)),
    ]
    rng = random.Random(20261209)
    generated = [("random, %d events" % n, (random_events(rng, n),))
                 for n in (10, 100, 1_000, 4_000)]
    return fixed + generated


def timing_input(n, seed=0):
    return (random_events(random.Random(n + (seed << 32)), n),)
