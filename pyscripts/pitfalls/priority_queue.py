"""Pitfall: a priority queue built from a plain list.

Always taking the smallest item next: with `min()` + `remove()` or by
re-sorting the list, versus the binary heap in `heapq`. Run it with
`optdemo run priority_queue`.
"""

import heapq
import random

from optdemo import ladder

ID = "priority_queue"
TITLE = "Priority queue: min()+remove() or re-sorting vs heapq"
SECTION = "Priority queues and heapq"
EXPLANATION = """\
`before` keeps the waiting items in a plain list: a push is an O(1) append,
but each pop scans the whole list with `min()` and then scans it again with
`remove()` (and shifts the pointers behind the removed one): O(n) per pop.
`before_sort` re-sorts the list (descending) before each pop and takes the
smallest off the end; Timsort finds the long sorted run left by the previous
sort, so this is about O(n) per pop too, not O(n log n), but still linear.

`heapq` keeps the list in heap order, a binary tree stored in the array where
each parent is no larger than its children. `heappush` and `heappop` move one
item up or down a single path of the tree: O(log n) comparisons, in C.

The compiled rungs (native/ladder/priority_queue/) run the same stream.
`mypyc` and `cython_untyped` compile `after`, whose heapq calls were C
already: they gain nothing. Typed Cython runs a hand-written binary heap on
a C array of long long, PyO3 Rust's BinaryHeap<Reverse<i64>>: comparisons
of machine integers instead of int objects (heapq compares through the
object protocol). The same O(log n) algorithm, a few times faster than
heapq.

Timed region: replaying setup's stream of n operations - each push adds a
random priority, about a third of the operations pop the smallest one -
then popping everything left. Result: the priorities in the order they were
popped (ints, so ties cannot change the result).
"""
SIZES = {"quick": 1_500, "default": 15_000,
         "sweep": [500, 1_000, 2_000, 5_000, 15_000, 50_000]}
# The ladder's compiled rungs (native/ladder/priority_queue/): Cython without and with
# types, mypyc, PyO3 -- each module None where it was not built for this
# interpreter (REQUIRES then makes its variant unavailable, with the reason).
COMPILED = ladder.modules(ID)
VARIANTS = ["before", "before_sort", "after", "cython_untyped", "cython", "mypyc", "pyo3"]
REQUIRES = COMPILED.requires
NO_NATIVE = ("heapq is already implemented in C with O(log n) operations; a native "
             "heap would only shave constant factors off the same algorithm")
NOTES = {
    "before": "two O(n) scans per pop",
    "before_sort": "Timsort finds the previous sorted run: O(n) per pop, not O(n log n)",
}

POP = None   # in the operation stream: "pop the smallest"; any int is "push it"


def setup(n):
    """n operations: pushes of random priorities, and a pop a third of the
    time once the queue is not empty."""
    rng = random.Random(20240609)
    operations = []
    waiting = 0
    for _ in range(n):
        if waiting and rng.random() < 1 / 3:
            operations.append(POP)
            waiting -= 1
        else:
            operations.append(rng.randrange(1_000_000))
            waiting += 1
    return operations


def before(operations):
    queue = []
    popped = []
    for operation in operations:
        if operation is POP:
            smallest = min(queue)
            queue.remove(smallest)
            popped.append(smallest)
        else:
            queue.append(operation)
    while queue:
        smallest = min(queue)
        queue.remove(smallest)
        popped.append(smallest)
    return popped


def before_sort(operations):
    queue = []
    popped = []
    for operation in operations:
        if operation is POP:
            queue.sort(reverse=True)
            popped.append(queue.pop())
        else:
            queue.append(operation)
    queue.sort(reverse=True)
    while queue:
        popped.append(queue.pop())
    return popped


def after(operations):
    queue = []
    popped = []
    for operation in operations:
        if operation is POP:
            popped.append(heapq.heappop(queue))
        else:
            heapq.heappush(queue, operation)
    while queue:
        popped.append(heapq.heappop(queue))
    return popped


def cython_untyped(operations):
    return COMPILED.cython_untyped.run_queue(operations)


def cython(operations):
    return COMPILED.cython.run_queue(operations)


def mypyc(operations):
    return COMPILED.mypyc.run_queue(operations)


def pyo3(operations):
    return COMPILED.pyo3.run_queue(operations)
