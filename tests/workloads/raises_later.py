"""A workload whose `after` raises on its 30th call: the check (one call)
passes, and timing (many calls) then fails."""

ID = "raises_later"
TITLE = "A variant that fails after a while"
SECTION = "Test fixture"
EXPLANATION = """after() counts its calls in a module-level counter and raises
RuntimeError on the 30th. The timed region is one call."""
SIZES = {"quick": 10, "default": 10, "sweep": [10]}
VARIANTS = ["before", "after"]

calls = 0


def setup(n):
    return list(range(n))


def before(data):
    return sum(data)


def after(data):
    global calls
    calls += 1
    if calls == 30:
        raise RuntimeError("after failed on its 30th call")
    return sum(data)
