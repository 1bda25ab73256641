"""An A/A workload: three variants running identical code.  Any difference
the host reports between them is noise, so a benchmark can count how often
it calls one "significant" (false positives)."""

ID = "aa"
TITLE = "A/A: three identical variants"
SECTION = "Test fixture"
EXPLANATION = """before, same_a and same_b each sum setup's list of ints with a
plain for loop: the same bytecode, the same work. The timed region is one
pass over the n ints."""
SIZES = {"quick": 1_000, "default": 10_000, "sweep": [1_000, 3_000, 10_000, 30_000]}
VARIANTS = ["before", "same_a", "same_b"]


def setup(n):
    return list(range(n))


def before(data):
    total = 0
    for x in data:
        total += x
    return total


def same_a(data):
    total = 0
    for x in data:
        total += x
    return total


def same_b(data):
    total = 0
    for x in data:
        total += x
    return total
