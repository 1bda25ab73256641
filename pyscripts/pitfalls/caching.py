"""Pitfall: recomputing an expensive pure function for arguments seen before.

Run it with `optdemo run caching`.
"""

import functools
import random

try:
    import optnative
except ImportError:  # not built for this interpreter: native is reported unavailable
    optnative = None

from optdemo import ladder

ID = "caching"
TITLE = "Recomputing a pure function vs functools.cache"
SECTION = "Caching with functools"
EXPLANATION = """\
`collatz_steps(k)` is pure (same argument, same answer, no side effects) and
costs about a hundred loop iterations, several microseconds. The calls below
repeat a small set of arguments, so `before` recomputes the same answers over
and over. `functools.cache` wraps the function in a C-level dict from
arguments to results: the first call per argument is a miss (compute and
store), every later one a hit - one dict lookup, well under a microsecond.
A cache only pays when arguments repeat and the function is costlier than
the lookup; it keeps every result alive (use `lru_cache(maxsize=...)` to
bound it), and is wrong for functions with side effects or mutable arguments.

`native` does the same with optnative.memoize, a C memo table. functools'
cache is C too, so both avoid exactly the same recomputation and take about
the same time: the 500 misses' computations dominate. Only a hit is a little
cheaper (~19 vs ~24 ns), because memoize's wrapper is called through
vectorcall while functools' builds a tuple of the arguments on every call.

The compiled rungs (native/ladder/caching/) attack the other cost: not how
many calls, but the price of each. They compile collatz_steps and the loop
over the arguments, with no cache: typed Cython and PyO3 turn the steps into
a few machine instructions on a C integer, mypyc into its tagged ints,
`cython_untyped` into C calls on int objects. Whether that beats the cache
depends on n: the cache computes the 500 distinct starts whatever n is, the
compiled loop computes all n, so compiling wins at small n and the cache
catches up as n grows (the table says where on this machine). The two
combine: a cache around a compiled function. `mypyc_hot` compiles
collatz_steps alone and leaves the loop that calls it interpreted: the
article's "target only the hot spots" (`optdemo claims` weighs it against
compiling both).

Timed region: n calls with arguments drawn from 500 distinct values; the
result is the sum of the answers. `after` creates a fresh cache at the start
of every call of the variant (`functools.cache(collatz_steps)`), so each
timed call pays for its 500 misses; `native` makes its memoize the same way.
A cache made once at import would be warm from the second call on, and the
host, which calls a variant many times, would measure only hits.
"""
SIZES = {"quick": 2_000, "default": 20_000,
         "sweep": [1_000, 3_000, 10_000, 30_000, 100_000]}
# The ladder's compiled rungs (native/ladder/caching/): Cython without and with
# types, mypyc, PyO3 -- each module None where it was not built for this
# interpreter (REQUIRES then makes its variant unavailable, with the reason).
COMPILED = ladder.modules(ID, extra={"mypyc_hot": "caching_hot_mypyc"})
VARIANTS = ["before", "after", "native", "cython_untyped", "cython", "mypyc", "pyo3", "mypyc_hot"]
REQUIRES = {"native": ["optnative"], **COMPILED.requires}
NOTES = {"after": "a fresh cache in every timed call: 500 misses, the rest hits"}

DISTINCT_ARGUMENTS = 500


def collatz_steps(k):
    """How many steps k -> k/2 (even) or 3k+1 (odd) take to reach 1."""
    steps = 0
    while k != 1:
        if k % 2 == 0:
            k //= 2
        else:
            k = 3 * k + 1
        steps += 1
    return steps


def setup(n):
    """n arguments drawn from DISTINCT_ARGUMENTS random starting values."""
    rng = random.Random(20240611)
    starts = rng.sample(range(100_000, 1_000_000), DISTINCT_ARGUMENTS)
    return [rng.choice(starts) for _ in range(n)]


def before(arguments):
    total = 0
    for k in arguments:
        total += collatz_steps(k)
    return total


def after(arguments):
    cached_steps = functools.cache(collatz_steps)   # fresh for every timed call
    total = 0
    for k in arguments:
        total += cached_steps(k)
    return total


def native(arguments):
    cached_steps = optnative.memoize(collatz_steps)   # fresh for every timed call
    total = 0
    for k in arguments:
        total += cached_steps(k)
    return total


def cython_untyped(arguments):
    return COMPILED.cython_untyped.total_steps(arguments)


def cython(arguments):
    return COMPILED.cython.total_steps(arguments)


def mypyc(arguments):
    return COMPILED.mypyc.total_steps(arguments)


def pyo3(arguments):
    return COMPILED.pyo3.total_steps(arguments)


def mypyc_hot(arguments):
    collatz_steps = COMPILED.mypyc_hot.collatz_steps   # only this is compiled
    total = 0
    for k in arguments:                 # the loop stays interpreted
        total += collatz_steps(k)
    return total
