"""Pitfall: using a list as a FIFO queue with `pop(0)`.

Taking items off the front of a list shifts everything behind them; a deque
takes them off in constant time. Run it with `optdemo run queue_popleft`.
"""

import collections
import random

try:
    import optnative
except ImportError:  # not built for this interpreter: native is reported unavailable
    optnative = None

ID = "queue_popleft"
TITLE = "list.pop(0) as a queue instead of deque.popleft()"
SECTION = "Queues: list vs collections.deque"
EXPLANATION = """\
A list is one contiguous array of pointers. `pop()` from the end is O(1), but
`pop(0)` removes the first slot and must move every remaining pointer one
place down (a memmove of 8 bytes per remaining item), so emptying an n-item
queue from the front moves about n^2/2 pointers. memmove is fast, so this
hides at small sizes and then grows quadratically. `collections.deque` is a
doubly linked list of 64-slot blocks: `popleft()` just advances an index, and
frees a block when it empties, O(1) per item.

`native` drains an optnative.Deque (a C ring buffer) with the same Python
loop. Expect about the time of `after`: collections.deque is already C, and
each item costs a method call either way - that per-call overhead, not the
data structure, dominates. The few percent `native` gains come from the copy
into the queue (one array filled in a tight loop, not 64-slot blocks), not
from popleft.

Timed region: each variant copies setup's list into its queue
(`list(items)`, `deque(items)` or `Deque(items)`, all O(n), so all pay the
copy) and then drains it from the front, appending each item to an output
list. Result: the items in the order they left the queue, which must be the
input order.
"""
SIZES = {"quick": 4_000, "default": 40_000,
         "sweep": [2_000, 5_000, 10_000, 20_000, 50_000, 200_000]}
VARIANTS = ["before", "after", "native"]
REQUIRES = {"native": ["optnative"]}
NOTES = {"before": "each pop(0) moves every remaining pointer: quadratic overall"}


def setup(n):
    """n random ints: the jobs waiting in the queue."""
    rng = random.Random(20240606)
    return [rng.randrange(1_000_000) for _ in range(n)]


def before(items):
    queue = list(items)
    served = []
    while queue:
        served.append(queue.pop(0))
    return served


def after(items):
    queue = collections.deque(items)
    served = []
    while queue:
        served.append(queue.popleft())
    return served


def native(items):
    queue = optnative.Deque(items)
    served = []
    while queue:
        served.append(queue.popleft())
    return served
