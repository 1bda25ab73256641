"""Word frequencies across text files, ignoring common stop words."""

import collections
import re
import sys

WORD = re.compile(r"[a-z']+")
STOP_WORDS = frozenset({"a", "an", "and", "are", "as", "at", "be", "but", "by", "for",
                        "in", "is", "it", "of", "on", "or", "that", "the", "to", "was", "with"})


def words_of(text):
    return [word for word in WORD.findall(text.lower()) if word not in STOP_WORDS]


def count_words(paths):
    counts = collections.Counter()
    for path in paths:
        with open(path, encoding="utf-8") as stream:
            for line in stream:
                counts.update(words_of(line))
    return counts


def words_per_file(paths):
    """{path: Counter} so files can be compared."""
    return {path: count_words([path]) for path in paths}


def shared_vocabulary(per_file):
    """Words that appear in every file."""
    vocabularies = [set(counts) for counts in per_file.values()]
    if not vocabularies:
        return set()
    return set.intersection(*vocabularies)


def print_table(counts, how_many):
    total = sum(counts.values())
    for word, count in counts.most_common(how_many):
        share = 100.0 * count / total
        print(f"{word:<20} {count:>8} {share:6.2f}%")


if __name__ == "__main__":
    print_table(count_words(sys.argv[1:]), 20)
