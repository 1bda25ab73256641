"""Lab: a day of weather-station readings kept in memory as records.

Instructor's file (never shown to students). What __slots__ buys is memory:
on CPython 3.11 a dict per record costs about 2.6x the memory of a slotted
object: tracemalloc's peak was 192 bytes per reading against 73, list
pointer included (a plain class: 113), and tests/test_labs_content.py
checks that the reference needs less than half. The target is memory
(memory_vs_starter: tracemalloc's peak over one call, which repeats to the
byte where times move 30% between two processes here), with a loose time
bound beside it; the starter keeps one dict per reading (what
csv.DictReader or json.load hand you) and the reference a class with
__slots__.

How it was chosen (2026-12-02, this machine, timeit in separate processes):
a plain class against the same class with __slots__, for creation plus
reads of 30k-200k records, measured 0.9x-1.4x, and reads alone 1.0x-1.25x
except in one run: no speed target can tell them apart on this noisy
machine, so the lesson's own `before` (a plain class) would pass or fail at
random. A dict per record measured 1.3x-1.7x slower than the slotted class,
but `optdemo lab check` times the solution in its own worker and the
starter and reference in another, and for 100,000 small objects the two
processes alone differed by up to 1.36x: a speed target would grade the
process, not the code. Hence the memory target: at most 0.6x the starter's
peak (the reference: 0.38x; a plain class, 0.59x, just passes -- the truth
on 3.11, where a plain class's attributes are no longer a dict either, see
slots_memory's explanation).
"""

import random

ID = "weather_records"
TITLE = "Weather records: a day of station readings kept in memory"
LESSON = "slots_memory"
FUNCTION = "morning_bulletin"

SIZES = {"timing": 100_000, "growth": [25_000, 50_000, 100_000, 200_000]}
TARGET = {"memory_vs_starter": 0.6, "within_reference": 2.0}

STATIONS = ["Oslo-Blindern", "Bergen-Florida", "Tromsø", "Bodø", "Kirkenes",
            "Kristiansand", "Trondheim", "Ålesund", "Svalbard", "Lillehammer"]

# Measured 2026-12-02 with /usr/bin/python3.11 on this project's 2-core AMD
# EPYC KVM machine while other jobs ran (load average 1.5-3.5): the best of
# several timeit repeats, starter and reference interleaved, in 5 fresh
# processes, in two runs; medians [lowest-highest process].
# n = 100,000: starter 33.3 / 27.1 ms, reference 19.9 / 19.7 ms, ratio
# 1.47x [1.29-1.67] / 1.41x [1.17-1.47]: the thinnest margin of all the
# labs, too thin for a speed target across two processes (see above).


def random_rows(rng, n):
    """n rows [station, hour, temperature in tenths of a degree, rain in
    tenths of a mm]."""
    return [[rng.choice(STATIONS), rng.randrange(24), rng.randint(-250, 300),
             rng.choice([0, 0, 0, rng.randint(1, 80)])]
            for _ in range(n)]


def cases():
    fixed = [
        ("no readings", ([],)),
        ("one reading", ([["Bodø", 6, -12, 3]],)),
        ("exactly zero is not frost", ([["Oslo-Blindern", 7, 0, 0], ["Bodø", 7, -1, 0]],)),
        ("a tie for warmest: the first one", ([["Bodø", 12, 150, 0], ["Tromsø", 13, 150, 0]],)),
        ("all below zero", ([["Svalbard", 0, -250, 1], ["Kirkenes", 1, -30, 2]],)),
        ("the same station every hour", ([["Ålesund", hour, 40 + hour, hour % 3] for hour in range(24)],)),
        ("a station name with unicode and spaces", ([["Sør-Varanger  Høybuktmoen", 5, 21, 0]],)),
    ]
    rng = random.Random(20261213)
    generated = [("random, %d readings" % n, (random_rows(rng, n),))
                 for n in (10, 100, 10_000, 50_000)]
    return fixed + generated


def timing_input(n, seed=0):
    return (random_rows(random.Random(n + (seed << 32)), n),)
