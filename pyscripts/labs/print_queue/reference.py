"""Print queue: the order in which the jobs finish (reference solution)."""

import collections


def print_order(jobs, pages_per_turn):
    queue = collections.deque((name, pages) for name, pages in jobs)
    finished = []
    while queue:
        name, pages = queue.popleft()       # O(1): no items move
        if pages > pages_per_turn:
            queue.append((name, pages - pages_per_turn))
        else:
            finished.append(name)
    return finished
