"""A workload with a known crossover: before walks the n items, after always
walks a fixed 2,000 items doing the same work per item.  Below n = 2,000
before is faster, above it after is: they swap order between the sweep's
sizes 1,000 and 4,000."""

ID = "crossover"
TITLE = "A per-item loop against a fixed-cost one"
SECTION = "Test fixture"
EXPLANATION = """before sums n items; after sums 2,000 items (a fixed cost),
then returns the same answer as before. The timed region is one call."""
SIZES = {"quick": 1000, "default": 1000, "sweep": [250, 1000, 4000, 16000]}
VARIANTS = ["before", "after"]
FIXED = list(range(2000))


def setup(n):
    return list(range(n))


def before(data):
    total = 0
    for x in data:
        total += x
    return total


def after(data):
    total = 0
    for x in FIXED:
        total += x
    return len(data) * (len(data) - 1) // 2 + total * 0
