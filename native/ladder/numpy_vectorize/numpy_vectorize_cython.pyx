"""numpy_vectorize, typed Cython: the dot product of two lists in one C loop.

Types added: both lists, C doubles for the items and the total, and an index
loop in place of zip (Cython turns `zip` into tuples of objects). It still
reads Python float objects: a float64 array and numpy.dot skip even that.

Measured (1M pairs, timeit alternated on a busy machine): about 4-5x faster
than `before`, yet about 8-10x slower than numpy.dot (`after`). Turning the
bounds check off as well changed it by less than the noise (~10%).
"""

cimport cython


@cython.wraparound(False)   # i is never negative
def dot(list x not None, list y not None):
    """Sum of a * b over zip(x, y), added in order."""
    cdef Py_ssize_t n = min(len(x), len(y))
    cdef Py_ssize_t i
    cdef double total = 0.0
    cdef double a, b
    # boundscheck stays on: unboxing an item that is not a float calls its
    # __float__, which could shrink a list under our feet; the check is cheap.
    for i in range(n):
        a = x[i]
        b = y[i]
        total += a * b
    return total
