"""Lab: find the logins that came from banned accounts.

Instructor's file (never shown to students). The starter tests every login
with `user_id in banned`, a scan of the whole banned list: logins x banned
comparisons, quadratic when both grow. The reference builds a set once.
"""

import random

ID = "banned_users"
TITLE = "Banned users: which logins came from banned accounts"
LESSON = "list_membership"
FUNCTION = "find_banned"

SIZES = {"timing": 3_000, "growth": [1_500, 3_000, 6_000, 12_000]}
TARGET = {"faster_than_starter": 20, "within_reference": 2.0}
MAX_GROWTH = 1.5

# Measured 2026-12-02 with /usr/bin/python3.11 on this project's 2-core AMD
# EPYC KVM machine while other jobs ran (load average 1.5-3.5): the best of
# several timeit repeats, starter and reference interleaved, in 5 fresh
# processes, in two runs; medians [lowest-highest process].
# n = 3,000: starter 20.3 / 22.8 ms, reference 0.086 / 0.095 ms,
# ratio 236x [231-242] / 239x [223-262]. Growth exponents: starter 1.97 /
# 1.87 [1.74-2.10], reference 1.00 / 0.96 [0.90-1.02].


def random_logins(rng, n):
    """n logins and a banned list of n accounts, ids from a range ten times
    wider: about one login in ten is banned, and most lookups are misses."""
    banned = rng.sample(range(10 * n), n)
    logins = [rng.randrange(10 * n) for _ in range(n)]
    return logins, banned


def cases():
    fixed = [
        ("no logins", ([], [3, 5])),
        ("nobody banned", ([3, 5, 3], [])),
        ("both empty", ([], [])),
        ("one login, banned", ([7], [7])),
        ("one login, not banned", ([7], [8])),
        ("repeated logins keep their repeats and order", ([4, 1, 4, 2, 4, 1], [4, 1])),
        ("an id listed twice in banned", ([9, 10, 11], [10, 10, 9])),
        ("everyone banned", ([1, 2, 3], [3, 2, 1])),
        ("negative test-account ids", ([-1, 0, 1, -2], [-2, 1])),
        ("zero is an id like any other", ([0, 0, 5], [0])),
    ]
    rng = random.Random(20261204)
    generated = [("random, %d logins" % n, random_logins(rng, n))
                 for n in (10, 100, 1_000, 2_000)]
    return fixed + generated


def timing_input(n, seed=0):
    return random_logins(random.Random(n + (seed << 32)), n)
