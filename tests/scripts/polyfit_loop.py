"""numpy's polynomial fitting called in a Python loop (the profile tests and
benches): the time is in numpy's Python layer and its C.  Prints 1."""

import numpy as np
from numpy.polynomial import polynomial

rng = np.random.default_rng(5)
x = np.linspace(0, 1, 50)
total = 0.0
for _ in range(3000):
    y = x ** 3 + rng.normal(0, 0.1, x.size)
    total += polynomial.polyfit(x, y, 3)[3]
print(round(total / 3000))
