"""Running median: the median reading after each new one (starter: correct,
slow)."""


def running_medians(readings):
    seen = []
    medians = []
    for reading in readings:
        seen.append(reading)
        seen.sort()                               # keep the readings in order
        medians.append(seen[(len(seen) - 1) // 2])  # the lower middle one
    return medians
