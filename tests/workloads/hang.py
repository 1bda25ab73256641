"""A workload whose `after` never returns: the host's timeout must stop it
(and SIGUSR1 must show where it was stuck)."""

ID = "hang"
TITLE = "A variant that never returns"
SECTION = "Test fixture"
EXPLANATION = """after() loops forever. The timed region is one call: it never ends."""
SIZES = {"quick": 10, "default": 10, "sweep": [10]}
VARIANTS = ["before", "after"]


def setup(n):
    return list(range(n))


def before(data):
    return sum(data)


def after(data):
    while True:
        pass
