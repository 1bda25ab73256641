"""A fixture for `optdemo profile`: recursion and a generator.

`before` recurses `depth` times and only the deepest call works (the leaf
line); `after` consumes a generator whose every step does the work.  A line
tracer that charges each moment once puts nearly all of before's time on
the leaf line (not on the recursive line, whose calls are before's own
frames, charged to their own lines) and nearly all of after's time on the
`for` line that resumes the generator.
"""

ID = "nested_frames"
TITLE = "A recursive variant and a generator-driven one"
SECTION = "Test fixture"
EXPLANATION = """A fixture for optdemo's own tests. The timed region is one call."""
SIZES = {"quick": 12, "default": 20, "sweep": [12, 20]}
VARIANTS = ["before", "after"]
COUNT = 2000         # the values summed, by both variants


def setup(n):
    return n         # the recursion's depth


def spin(count):
    total = 0
    for k in range(count):
        total += k * k
    return total


def before(depth):
    if depth == 0:
        return spin(COUNT)                   # leaf line
    return before(depth - 1)                 # recursive line


def squares(count):
    for k in range(count):
        value = 0
        for _ in range(10):
            value += k
        yield value * k // 10


def after(depth):
    total = 0
    for square in squares(COUNT):            # generator line
        total += square                      # sum line
    return total
