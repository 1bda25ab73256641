"""Top words: the most frequent words of a text (starter: correct, slow)."""


def top_words(words, k):
    counts = {}
    for word in words:
        if word in counts:
            counts[word] += 1
        else:
            counts[word] = 1
    # Most frequent first; equally frequent words in alphabetical order.
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [[word, count] for word, count in ranked[:k]]
