"""Lab: export a chat conversation as one block of text.

Instructor's file (never shown to students). The starter appends each line
to a string kept in an attribute (`self.text += ...`). CPython's in-place
shortcut for `+=` only applies to a local variable holding the only
reference, so here every line copies the whole transcript so far: quadratic,
on CPython as on PyPy. The reference builds the text with one ''.join().

No MAX_GROWTH, although the starter is quadratic: copying megabytes makes
page faults, and glibc's mmap threshold moves as blocks are freed, so at
these sizes the reference's own growth exponent measured 1.2-1.3 and the
starter's only 1.4-1.6. A bound between them would fail good solutions on a
bad day. The speed target, at 100x and more measured, is what grades.
A solution with `+=` on a local string is linear on CPython (the in-place
shortcut) and passes; the statement says why join() is the better habit.
"""

import random

ID = "chat_export"
TITLE = "Chat export: a conversation as one block of text"
LESSON = "string_concat"
FUNCTION = "export_chat"

SIZES = {"timing": 2_500, "growth": [2_500, 5_000, 10_000, 20_000]}
TARGET = {"faster_than_starter": 10, "within_reference": 3.0}

# Measured 2026-12-02 with /usr/bin/python3.11 on this project's 2-core AMD
# EPYC KVM machine while other jobs ran (load average 1.5-3.5): the best of
# several timeit repeats, starter and reference interleaved, in 5 fresh
# processes, in two runs; medians [lowest-highest process].
# n = 2,500: starter 38.0 / 34.9 ms, reference 0.256 / 0.267 ms,
# ratio 140x [115-162] / 127x [115-154]. Growth exponents: starter 1.57 /
# 1.67 [1.44-1.87], reference 1.23 / 1.33 [1.08-1.43] (see above). A `+=`
# on a local string measured 0.7-1.5x the reference's time.

AUTHORS = ["ana", "bo", "chen", "dmitri", "élodie", "ngozi"]
WORDS = ["ok", "see you at noon", "did you push the fix?", "lunch?", "on my way",
         "the build is green again", "déjà vu", "thanks 👍", "LGTM", "which branch?"]


def random_messages(rng, n):
    """n messages of one to four phrases; one in ten phrases is not ASCII."""
    return [[rng.choice(AUTHORS), " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))]
            for _ in range(n)]


def cases():
    fixed = [
        ("no messages", ([],)),
        ("one message", ([["ana", "hello"]],)),
        ("an empty message", ([["bo", ""], ["ana", "?"]],)),
        ("the same message twice", ([["chen", "ping"], ["chen", "ping"]],)),
        ("unicode and emoji", ([["Zoë", "ça va?"], ["李", "好的 👍"], ["ana", "😀😀"]],)),
        ("a message with a line break", ([["dmitri", "first line\nsecond line"]],)),
        ("a colon in the author", ([["bot: ci", "build #7 passed"]],)),
    ]
    rng = random.Random(20261203)
    generated = [("random, %d messages" % n, (random_messages(rng, n),))
                 for n in (10, 100, 1_000, 3_000)]
    return fixed + generated


def timing_input(n, seed=0):
    rng = random.Random(n + (seed << 32))
    return (random_messages(rng, n),)
