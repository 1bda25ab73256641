"""Lab: the length of a recorded GPS track.

Instructor's file (never shown to students). The starter's hot loop looks up
`math` (a global) and its attributes `sqrt` and `pow` three times per point,
and indexes the list four times. On CPython 3.11 the specialising interpreter
caches those lookups, so binding them to locals alone gains a few percent
at most (measured below; `optdemo show global_lookup`); the target asks for what moving
the loop into C gives. The reference is sum(map(math.dist, ...)).
"""

import random

ID = "track_length"
TITLE = "Track length: how far a recorded run went"
LESSON = "global_lookup"
FUNCTION = "track_length"

SIZES = {"timing": 60_000, "growth": [30_000, 60_000, 120_000, 240_000]}
TARGET = {"faster_than_starter": 1.5, "within_reference": 2.0}
TOLERANCE = 1e-9     # the sums may be added in another order, or compensated (3.12's sum)

# Measured 2026-12-02 with /usr/bin/python3.11 on this project's 2-core AMD
# EPYC KVM machine while other jobs ran (load average 1.5-3.5): the best of
# several timeit repeats, starter and reference interleaved, in 5 fresh
# processes, in two runs; medians [lowest-highest process].
# n = 60,000: starter 9.2 / 15.2 ms, reference 3.7 / 5.5 ms, ratio 2.54x
# [2.45-2.56] / 2.58x [2.36-2.75]. Binding math.sqrt and math.pow to locals
# and writing dx * dx measured 1.8x; binding them to locals alone
# 0.96-1.11x (three runs): no gain beyond the noise.


def random_track(rng, n):
    """n points of a random walk in metres: steps of up to 5 m each way."""
    x, y = rng.uniform(-1000.0, 1000.0), rng.uniform(-1000.0, 1000.0)
    points = []
    for _ in range(n):
        x += rng.uniform(-5.0, 5.0)
        y += rng.uniform(-5.0, 5.0)
        points.append([x, y])
    return points


def cases():
    fixed = [
        ("no points", ([],)),
        ("one point", ([[3.0, 4.0]],)),
        ("two points", ([[0.0, 0.0], [3.0, 4.0]],)),
        ("standing still", ([[1.5, -2.5], [1.5, -2.5], [1.5, -2.5]],)),
        ("there and back", ([[0.0, 0.0], [0.0, 10.0], [0.0, 0.0]],)),
        ("negative coordinates", ([[-3.0, -4.0], [0.0, 0.0], [-6.0, -8.0]],)),
        ("integer coordinates", ([[0, 0], [6, 8], [6, 0]],)),
    ]
    rng = random.Random(20261205)
    generated = [("random, %d points" % n, (random_track(rng, n),))
                 for n in (10, 100, 1_000, 20_000)]
    return fixed + generated


def timing_input(n, seed=0):
    return (random_track(random.Random(n + (seed << 32)), n),)
