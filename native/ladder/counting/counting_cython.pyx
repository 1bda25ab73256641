"""counting, typed Cython: count small ints in a C array, not a dict.

Types added: the ids become C long longs, and when they span a narrow range
(the pitfall's are 0..999) each is counted in a C array indexed by id - low,
with the dict built once at the end. Ids too big for 64 bits, or spread too
widely for an array, fall back to a typed dict loop: the typed Cython is no
longer the same algorithm, and that is where its speed comes from.

Measured (1M ids from 0..999, timeit alternated on a busy machine): about 5x
faster than Counter (`after`) and about 10x faster than `before`.
"""

from libc.stdlib cimport malloc, calloc, free

cdef unsigned long long WIDEST_SPAN = 1 << 20   # ids per C count array (8 MB of counts)


def count(list items not None):
    """{item: how many times it occurs in items}, in order of first occurrence."""
    cdef Py_ssize_t n = len(items)
    cdef Py_ssize_t i
    cdef long long low, high
    cdef long long *ids = <long long *> malloc((n + 1) * sizeof(long long))
    cdef Py_ssize_t *counts = NULL
    cdef dict result = {}
    if ids == NULL:
        raise MemoryError()
    try:
        try:
            for i in range(n):      # unbox every id once, checking it fits in 64 bits
                ids[i] = items[i]
        except OverflowError:
            return count_with_dict(items)
        if n == 0:
            return result
        low = high = ids[0]
        for i in range(n):
            low = min(low, ids[i])
            high = max(high, ids[i])
        # unsigned: high - low can exceed the largest long long
        if <unsigned long long> high - <unsigned long long> low >= WIDEST_SPAN:
            return count_with_dict(items)
        counts = <Py_ssize_t *> calloc(high - low + 1, sizeof(Py_ssize_t))
        if counts == NULL:
            raise MemoryError()
        for i in range(n):
            counts[ids[i] - low] += 1
        for i in range(n):          # first occurrence: move the count into the dict
            if counts[ids[i] - low] != 0:
                result[ids[i]] = counts[ids[i] - low]
                counts[ids[i] - low] = 0
        return result
    finally:
        free(ids)
        free(counts)


cdef dict count_with_dict(list items):
    """The fallback: the hand loop, with the dict typed so Cython calls the C API."""
    cdef dict counts = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return counts
