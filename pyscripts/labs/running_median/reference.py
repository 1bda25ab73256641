"""Running median: the median reading after each new one (reference
solution)."""

import bisect


def running_medians(readings):
    seen = []
    medians = []
    for reading in readings:
        # A binary search for the position, then one insert: no re-sorting.
        bisect.insort(seen, reading)
        medians.append(seen[(len(seen) - 1) // 2])
    return medians
