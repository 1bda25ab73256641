"""Lab: group support tickets by the team that handles them.

Instructor's file (never shown to students). The starter handles a missing
key with `groups.get(team, []) + [ticket_id]`: a default for the lookup, as
the lesson's `setdefault`/check-then-set variants do, but written so that
every ticket builds a new list and copies the team's whole list into it.
With a dozen teams each list grows to n/12 items: quadratic. The reference
uses collections.defaultdict(list) and appends in place.

Why not the lesson's own `before` (check `if team not in groups`, then set)?
It costs one extra dict probe per item, 1.1-1.3x defaultdict's time: too
close for a speed target on a noisy machine (its ratio moves more than that
between runs). A student who writes the check-then-set version passes this
lab's target too, and should: it is correct and linear.
"""

import random

ID = "tickets_by_team"
TITLE = "Tickets by team: each team's support tickets, in arrival order"
LESSON = "dict_defaults"
FUNCTION = "group_tickets"

SIZES = {"timing": 20_000, "growth": [5_000, 10_000, 20_000, 40_000]}
TARGET = {"faster_than_starter": 8, "within_reference": 2.0}
MAX_GROWTH = 1.6

TEAMS = ["billing", "network", "accounts", "mobile", "web", "security",
         "hardware", "printing", "email", "vpn", "payroll", "facilities"]

# Measured 2026-12-02 with /usr/bin/python3.11 on this project's 2-core AMD
# EPYC KVM machine while other jobs ran (load average 1.5-3.5): the best of
# several timeit repeats, starter and reference interleaved, in 5 fresh
# processes, in two runs; medians [lowest-highest process].
# n = 20,000: starter 22.8 / 27.8 ms, reference 0.43 / 0.58 ms, ratio 52.7x
# [49.8-54.6] / 48.5x [43.0-55.8]. Check-then-set measured 1.2-1.4x the
# reference's time. Growth exponents: starter 1.96 / 1.81 [1.42-2.00],
# reference 1.09 / 0.99 [0.57-1.26].


def random_tickets(rng, n):
    """n tickets [id, team]: ids increasing from a random start, teams drawn
    with unequal weights (billing busiest)."""
    first_id = rng.randrange(1, 100_000)
    weights = [len(TEAMS) - rank for rank in range(len(TEAMS))]
    teams = rng.choices(TEAMS, weights=weights, k=n)
    return [[first_id + number, team] for number, team in enumerate(teams)]


def cases():
    fixed = [
        ("no tickets", ([],)),
        ("one ticket", ([[101, "billing"]],)),
        ("one team", ([[1, "web"], [2, "web"], [3, "web"]],)),
        ("arrival order is kept", ([[30, "vpn"], [10, "email"], [20, "vpn"], [5, "email"]],)),
        ("a ticket id listed twice", ([[7, "web"], [7, "web"], [7, "mobile"]],)),
        ("negative and zero ids", ([[0, "a"], [-1, "b"], [-2, "a"]],)),
        ("unicode team names", ([[1, "Zürich"], [2, "サポート"], [3, "Zürich"]],)),
        ("an empty team name", ([[1, ""], [2, "x"], [3, ""]],)),
    ]
    rng = random.Random(20261210)
    generated = [("random, %d tickets" % n, (random_tickets(rng, n),))
                 for n in (10, 100, 1_000, 10_000)]
    return fixed + generated


def timing_input(n, seed=0):
    return (random_tickets(random.Random(n + (seed << 32)), n),)
