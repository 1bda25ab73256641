"""global_lookup, compiled: the pitfall's `after` loop as annotated Python.

mypyc compiles it as global_lookup_mypyc; Cython compiles the same file, with
the hints ignored, as global_lookup_cython_untyped. Writing it took two hints
(values: List[float], total: float) to `after`, and nothing else.

Measured (2M floats; timeit alternated three times on a busy 2-core machine,
so about): mypyc is about 1.3x SLOWER than `after` and `before`; Cython
untyped is no faster than `before`. mypyc 1.0 keeps floats boxed and looks
math.sqrt up on the module at every step, which CPython 3.11's specialising
interpreter caches; binding sqrt to a local, as `after` does and as here,
brought mypyc back to `before`.
(Unboxed floats and a math.sqrt primitive came later: python/mypy PR 14880.)
"""

import math

# typing's List, not list[...]: Cython 0.29 evaluates the hints of a def when the
# module loads, and its builtin list cannot be subscripted (Cython 3 can).
from typing import List


def sqrt_sum(values: List[float]) -> float:
    """Sum of the square roots of values, added in list order."""
    sqrt = math.sqrt
    total: float = 0.0
    for x in values:
        total += sqrt(x)
    return total
