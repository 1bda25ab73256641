"""A workload for growth sweeps: before is quadratic, after linear, so at the
largest size before is predicted past any small budget and must be skipped
without a call, while after goes on (unchecked at that size)."""

ID = "grows"
TITLE = "A quadratic before and a linear after"
SECTION = "Test fixture"
EXPLANATION = """before compares every pair of items (n^2 steps); after sums them
once (n steps). Both return the same number. The timed region is one call."""
SIZES = {"quick": 100, "default": 100, "sweep": [100, 200, 400, 800, 20000]}
VARIANTS = ["before", "after"]


def setup(n):
    return list(range(n))


def before(data):
    total = 0
    for x in data:
        for y in data:
            if x == y:
                total += x
    return total


def after(data):
    return sum(data)
