"""Song match: how close each song is to a listener's taste (starter:
correct, slow)."""

import numpy


def taste_similarities(songs, taste):
    taste = numpy.array(taste, dtype=numpy.float64)
    taste_norm = numpy.linalg.norm(taste)
    similarities = []
    for features in songs:
        features = numpy.array(features, dtype=numpy.float64)
        denominator = numpy.linalg.norm(features) * taste_norm
        if denominator == 0:
            similarities.append(0.0)     # a silent song, or no taste yet
        else:
            similarities.append(float(numpy.dot(features, taste) / denominator))
    return similarities
