"""Track length: how far a recorded run went (starter: correct, slow)."""

import math


def track_length(points):
    total = 0.0
    for i in range(1, len(points)):
        dx = points[i][0] - points[i - 1][0]
        dy = points[i][1] - points[i - 1][1]
        total = total + math.sqrt(math.pow(dx, 2) + math.pow(dy, 2))
    return total
