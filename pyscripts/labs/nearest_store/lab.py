"""Lab: how far each customer lives from the closest store.

Instructor's file (never shown to students). The starter computes the
haversine distance from every customer to every store in two nested Python
loops: a function call, eight math calls and a dozen float objects per pair.
The reference converts the coordinates to NumPy arrays once and computes the
customers x stores table with broadcasting, then the minimum per row.
Converting lists to arrays costs about one Python pass over the input, so
NumPy pays here because there is a lot of work per element (numpy_small is
the other side of that).
"""

import random

ID = "nearest_store"
TITLE = "Nearest store: how far each customer lives from the closest store"
LESSON = "numpy_vectorize"
FUNCTION = "nearest_store_distances"

SIZES = {"timing": 800, "growth": [400, 800, 1_600, 3_200]}
TARGET = {"faster_than_starter": 4, "within_reference": 2.0}
TOLERANCE = 1e-9     # NumPy's sin/cos/arcsin may differ from math's in the last bit

STORES = 40      # stores in the timing input; customers are n

# Measured 2026-12-02 with /usr/bin/python3.11 on this project's 2-core AMD
# EPYC KVM machine while other jobs ran (load average 1.5-3.5): the best of
# several timeit repeats, starter and reference interleaved, in 5 fresh
# processes, in two runs; medians [lowest-highest process].
# 800 customers x 40 stores: starter 27.1 / 12.4 ms, reference 2.27 /
# 1.11 ms, ratio 11.7x [8.8-13.0] / 11.5x [10.5-12.5]. (Planar distances,
# tried first, gave only 3-5x: too little work per pair to beat the cost
# of converting the lists and of NumPy's temporaries, which page-fault.)


def random_places(rng, n, region):
    """n [latitude, longitude] pairs in degrees, inside region
    (south, north, west, east)."""
    south, north, west, east = region
    return [[rng.uniform(south, north), rng.uniform(west, east)] for _ in range(n)]


SCANDINAVIA = (55.0, 70.0, 5.0, 30.0)
ARGENTINA = (-50.0, -25.0, -70.0, -55.0)     # negative latitudes and longitudes


def cases():
    fixed = [
        ("no customers", ([], [[59.91, 10.75]])),
        ("one store", ([[59.91, 10.75], [60.39, 5.32]], [[63.43, 10.39]])),
        ("one customer", ([[59.33, 18.07]], [[59.91, 10.75], [55.68, 12.57], [60.17, 24.94]])),
        ("a customer at a store", ([[55.68, 12.57]], [[59.91, 10.75], [55.68, 12.57]])),
        ("two stores at the same place", ([[57.7, 11.97]], [[59.91, 10.75], [59.91, 10.75]])),
        ("the same customer twice", ([[60.0, 20.0], [60.0, 20.0]], [[61.0, 21.0], [58.0, 18.0]])),
        ("southern and western hemispheres",
         ([[-34.6, -58.38], [-31.42, -64.18]], [[-32.89, -68.85], [-34.92, -57.95]])),
        ("integer coordinates", ([[60, 10], [61, 11]], [[60, 11], [62, 10]])),
    ]
    rng = random.Random(20261206)
    generated = []
    for n, stores, region in ((10, 3, SCANDINAVIA), (100, 10, ARGENTINA),
                              (300, 40, SCANDINAVIA), (800, 40, SCANDINAVIA)):
        generated.append(("random, %d customers, %d stores" % (n, stores),
                          (random_places(rng, n, region), random_places(rng, stores, region))))
    return fixed + generated


def timing_input(n, seed=0):
    rng = random.Random(n + (seed << 32))
    return (random_places(rng, n, SCANDINAVIA), random_places(rng, STORES, SCANDINAVIA))
