"""numpy_vectorize, compiled: the pitfall's `before` dot product as annotated Python.

mypyc compiles it as numpy_vectorize_mypyc; Cython compiles the same file,
with the hints ignored, as numpy_vectorize_cython_untyped. Types added:
x and y as List[float], total as float.

Measured (1M pairs, timeit alternated on a busy machine): mypyc and Cython
untyped both run about as fast as `before` (within the noise, +-20%), about
35x slower than numpy.dot (`after`): the floats stay boxed, and zip makes a
tuple per pair.
"""

# typing's List, not list[...]: Cython 0.29 evaluates the hints of a def when the
# module loads, and its builtin list cannot be subscripted (Cython 3 can).
from typing import List


def dot(x: List[float], y: List[float]) -> float:
    """Sum of a * b over zip(x, y), added in order."""
    total: float = 0.0
    for a, b in zip(x, y):
        total += a * b
    return total
