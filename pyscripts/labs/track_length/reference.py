"""Track length: how far a recorded run went (reference solution)."""

import math


def track_length(points):
    # math.dist is looked up once, and map() and sum() run the loop in C:
    # no bytecode, no global or attribute lookup per point.
    return sum(map(math.dist, points, points[1:]), 0.0)
