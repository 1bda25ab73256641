"""Song match: how close each song is to a listener's taste (reference
solution)."""

import math


def taste_similarities(songs, taste):
    # Each vector has a handful of numbers: a NumPy call costs more in
    # argument checking than the arithmetic it would do. Plain floats win.
    sqrt = math.sqrt
    taste_norm = sqrt(sum(x * x for x in taste))
    similarities = []
    for features in songs:
        dot = 0.0
        squares = 0.0
        for feature, preference in zip(features, taste):
            dot += feature * preference
            squares += feature * feature
        denominator = sqrt(squares) * taste_norm
        similarities.append(dot / denominator if denominator else 0.0)
    return similarities
