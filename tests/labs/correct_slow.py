"""Hostile solution for the print_queue lab, the other control: correct and
slow.

Attempts: nothing hostile. It is the starter's algorithm, a list drained
with pop(0): quadratic.
Expected verdict: too slow (below the faster_than_starter target, and a
growth exponent above MAX_GROWTH).
Not guarded: it is an ordinary solution.
"""

LAB = "print_queue"
EXPECTED = "too slow"


def print_order(jobs, pages_per_turn):
    queue = [[name, pages] for name, pages in jobs]
    finished = []
    while queue:
        name, pages = queue.pop(0)
        if pages > pages_per_turn:
            queue.append([name, pages - pages_per_turn])
        else:
            finished.append(name)
    return finished
