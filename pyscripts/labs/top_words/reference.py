"""Top words: the most frequent words of a text (reference solution)."""

import collections
import heapq


def top_words(words, k):
    counts = collections.Counter(words)          # the counting loop runs in C
    # The k best only, by (count descending, word): no full sort of every
    # distinct word when k is small.
    best = heapq.nsmallest(k, counts.items(), key=lambda item: (-item[1], item[0]))
    return [[word, count] for word, count in best]
