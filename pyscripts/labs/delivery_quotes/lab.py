"""Lab: the road distance from the depot for every delivery order.

Instructor's file (never shown to students). The starter runs Dijkstra's
algorithm once per order, although orders go to a few dozen popular towns
over and over. The reference wraps the search in functools.lru_cache, made
inside the call (a module-level cache would outlive the road map it was
computed for, and would make every timed call after the first one free).
A student who runs one full Dijkstra from the depot and looks every order up
is faster still, and passes.
"""

import random

ID = "delivery_quotes"
TITLE = "Delivery quotes: the road distance from the depot for every order"
LESSON = "caching"
FUNCTION = "delivery_distances"

SIZES = {"timing": 1_000, "growth": [500, 1_000, 2_000, 4_000]}
TARGET = {"faster_than_starter": 8, "within_reference": 2.0}

TOWNS = 100              # towns on the timing input's map
POPULAR_TOWNS = 30       # where almost all orders go

# Measured 2026-12-02 with /usr/bin/python3.11 on this project's 2-core AMD
# EPYC KVM machine while other jobs ran (load average 1.5-3.5): the best of
# several timeit repeats, starter and reference interleaved, in 5 fresh
# processes, in two runs; medians [lowest-highest process].
# n = 1,000 orders, 100 towns: starter 16.6 / 18.1 ms, reference 0.60 /
# 0.66 ms, ratio 27.6x [24.7-27.9] / 27.9x [24.0-28.9].


def random_map(rng, towns):
    """A connected road map: a random tree over the towns plus as many extra
    roads again, each 5-80 km. Returns (town names, roads)."""
    names = ["Town%d" % number for number in range(towns)]
    roads = []
    for number in range(1, towns):
        roads.append([names[number], names[rng.randrange(number)], rng.randint(5, 80)])
    for _ in range(towns):
        town_a, town_b = rng.sample(names, 2)
        roads.append([town_a, town_b, rng.randint(5, 80)])
    return names, roads


def random_orders(rng, names, n):
    """n destinations, almost all among POPULAR_TOWNS towns (the k-th most
    popular with weight 1/k)."""
    popular = rng.sample(names, min(POPULAR_TOWNS, len(names)))
    weights = [1.0 / (rank + 1) for rank in range(len(popular))]
    return rng.choices(popular, weights=weights, k=n)


def random_case(rng, towns, orders):
    names, roads = random_map(rng, towns)
    return (roads, names[0], random_orders(rng, names, orders))


TRIANGLE = [["Oslo", "Drammen", 40], ["Drammen", "Kongsberg", 40], ["Oslo", "Kongsberg", 85]]


def cases():
    fixed = [
        ("no orders", (TRIANGLE, "Oslo", [])),
        ("an order to the depot itself", (TRIANGLE, "Oslo", ["Oslo"])),
        ("the direct road is not the shortest", (TRIANGLE, "Oslo", ["Kongsberg"])),
        ("the same destination many times", (TRIANGLE, "Oslo", ["Drammen"] * 5 + ["Kongsberg"])),
        ("an unreachable town", (TRIANGLE + [["Bodø", "Narvik", 300]], "Oslo", ["Narvik", "Drammen"])),
        ("a town that is on no road", (TRIANGLE, "Oslo", ["Atlantis"])),
        ("a depot on no road", ([], "Oslo", ["Oslo", "Bergen"])),
        ("two roads between the same towns", ([["A", "B", 9], ["B", "A", 4]], "A", ["B"])),
        ("unicode town names", ([["Tromsø", "Målselv", 70], ["Målselv", "Bardu", 30]], "Tromsø",
                                 ["Bardu", "Målselv", "Tromsø"])),
    ]
    rng = random.Random(20261211)
    generated = [("random, %d towns, %d orders" % (towns, orders), random_case(rng, towns, orders))
                 for towns, orders in ((5, 10), (30, 100), (100, 300), (100, 1_000))]
    return fixed + generated


def timing_input(n, seed=0):
    return random_case(random.Random(n + (seed << 32)), TOWNS, n)
