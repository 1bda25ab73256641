"""Lab: how close each song is to a listener's taste (cosine similarity of
small feature vectors).

Instructor's file (never shown to students). This is the numpy_small lesson
turned round: the starter is the over-eager NumPy version, one numpy.array,
two numpy.linalg.norm and one numpy.dot per song, on vectors of four
numbers. Each of those calls costs about a microsecond of argument checking
before it does a few nanoseconds of arithmetic. The reference is plain
Python floats. (Converting all the songs into one 2-D array and doing one
call for the whole batch is faster still, and passes too: NumPy pays when
one call does a lot of work, not when many calls do a little.)
"""

import random

ID = "song_match"
TITLE = "Song match: how close each song is to a listener's taste"
LESSON = "numpy_small"
FUNCTION = "taste_similarities"

SIZES = {"timing": 4_000, "growth": [2_000, 4_000, 8_000, 16_000]}
TARGET = {"faster_than_starter": 4, "within_reference": 2.0}
TOLERANCE = 1e-9     # sums in another order, or NumPy's own dot and norm

FEATURES = 4         # energy, tempo, mood, acousticness

# Measured 2026-12-02 with /usr/bin/python3.11 on this project's 2-core AMD
# EPYC KVM machine while other jobs ran (load average 1.5-3.5): the best of
# several timeit repeats, starter and reference interleaved, in 5 fresh
# processes, in two runs; medians [lowest-highest process].
# n = 4,000 songs of 4 features: starter 10.1 / 9.9 ms, reference 1.05 /
# 1.12 ms, ratio 9.5x [9.4-10.5] / 9.2x [8.4-9.4]. One NumPy call over the
# whole batch measured 16x the starter at 3 features.


def random_vector(rng):
    return [rng.uniform(-1.0, 1.0) for _ in range(FEATURES)]


def cases():
    fixed = [
        ("no songs", ([], [0.5, 0.1, -0.2, 0.9])),
        ("one song, the same as the taste", ([[0.5, 0.1, -0.2, 0.9]], [0.5, 0.1, -0.2, 0.9])),
        ("the opposite of the taste", ([[-1.0, 0.0, 0.0, 0.0]], [2.0, 0.0, 0.0, 0.0])),
        ("orthogonal", ([[0.0, 1.0, 0.0, 0.0]], [1.0, 0.0, 0.0, 0.0])),
        ("a silent song", ([[0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0]], [0.3, 0.3, 0.3, 0.3])),
        ("no taste yet", ([[0.2, 0.4, 0.6, 0.8]], [0.0, 0.0, 0.0, 0.0])),
        ("the same song twice", ([[0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4]], [0.4, 0.3, 0.2, 0.1])),
        ("integer features", ([[1, 2, 3, 4], [0, -1, 0, 1]], [4, 3, 2, 1])),
        ("two features only", ([[3.0, 4.0], [1.0, 0.0]], [0.0, 1.0])),
    ]
    rng = random.Random(20261212)
    generated = [("random, %d songs" % n, ([random_vector(rng) for _ in range(n)], random_vector(rng)))
                 for n in (10, 100, 1_000, 4_000)]
    return fixed + generated


def timing_input(n, seed=0):
    rng = random.Random(n + (seed << 32))
    return ([random_vector(rng) for _ in range(n)], random_vector(rng))
