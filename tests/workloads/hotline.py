"""A fixture for `optdemo profile`: one line holds nearly all the time.

`before` walks a grid with a nested loop whose inner line calls the helper
`weigh`; the helper's own loop is where the time goes, so cProfile names
`weigh` and the line profile names the line that calls it.  Every line's
hit count follows from the grid's shape, which the tests compute.  The only
allocation the result keeps is the list made on the line marked
"allocation line".
"""

ID = "hotline"
TITLE = "A nested loop whose inner line calls a helper"
SECTION = "Test fixture"
EXPLANATION = """A fixture for optdemo's own tests. The timed region is one call."""
SIZES = {"quick": 30, "default": 60, "sweep": [30, 60]}
VARIANTS = ["before", "after"]
COLUMNS = 7          # every row of the grid has this many values


def setup(n):
    return [[(row + column) % COLUMNS for column in range(COLUMNS)] for row in range(n)]


def weigh(x):
    total = 0
    for k in range(40):
        total += k * x
    return total % 256           # a small int: cached, so the only allocation is `scores`


def before(rows):
    scores = [0] * (len(rows) * COLUMNS)     # allocation line
    i = 0
    for row in rows:
        for x in row:
            scores[i] = weigh(x)             # hot line
            i += 1
    return scores


def after(rows):
    weights = [weigh(x) for x in range(COLUMNS)]
    return [weights[x] for row in rows for x in row]
