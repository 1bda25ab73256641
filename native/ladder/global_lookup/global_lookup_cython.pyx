"""global_lookup, typed Cython: sqrt_sum over a list of floats in one C loop.

Types added: the list argument, a C double for the item and the total, and
libc's sqrt instead of math.sqrt, so the loop body is plain C; only unboxing
each float remains. The negative check keeps math.sqrt's ValueError (C's
sqrt would quietly return nan).

Measured (2M floats, timeit alternated on a busy machine): about 6x faster
than `after` and `before`, and about 3-4x faster than `after_map`.
"""

from libc.math cimport sqrt


def sqrt_sum(list values not None):
    """Sum of the square roots of values, added in list order."""
    cdef double total = 0.0
    cdef double x
    for x in values:        # Cython walks the list in C and unboxes each item
        if x < 0.0:
            raise ValueError("math domain error")
        total += sqrt(x)
    return total
