"""caching, typed Cython: collatz_steps on C long longs, no cache.

Types added: k and the step count as long long, cdivision (k is positive, so
C's % and / agree with Python's), and cpdef so total_steps calls it as a C
function. The price of C integers: 3k+1 must fit in 64 bits, so a start near
2**63 / 3 raises OverflowError where Python would just grow the int.

Measured (20,000 calls, timeit alternated on a busy machine): about 13-22x
faster than `before`, and still about 1.5-2x slower than functools.cache
(`after`): 20,000 computations in C lose to 500 in Python plus dict hits.
"""

cimport cython
from libc.limits cimport LLONG_MAX

cdef long long LARGEST_ODD_STEP = (LLONG_MAX - 1) // 3   # 3k+1 still fits in a long long


@cython.cdivision(True)
cpdef long long collatz_steps(long long k) except -1:
    """How many steps k -> k/2 (even) or 3k+1 (odd) take to reach 1."""
    cdef long long steps = 0
    if k < 1:
        raise ValueError("collatz_steps needs k >= 1 (the Python version loops forever)")
    while k != 1:
        if k % 2 == 0:
            k //= 2
        else:
            if k > LARGEST_ODD_STEP:
                raise OverflowError("3k+1 does not fit in 64 bits")
            k = 3 * k + 1
        steps += 1
    return steps


def total_steps(list arguments not None):
    """Sum of collatz_steps(k) over arguments, each one computed afresh."""
    cdef long long total = 0
    cdef long long k
    for k in arguments:
        total += collatz_steps(k)
    return total
