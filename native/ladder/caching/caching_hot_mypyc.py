"""caching, only the hot spot compiled: collatz_steps alone, for mypyc.

Compiled by itself as caching_hot_mypyc, while the loop over the arguments
stays interpreted: the advice "compile only the hot function". Types added:
k: int and -> int.

Measured (20,000 calls, timeit alternated on a busy machine): as fast as
compiling the whole file, about 4x faster than `before`: all the time is in
the function, none in the loop that calls it.
"""


def collatz_steps(k: int) -> int:
    """How many steps k -> k/2 (even) or 3k+1 (odd) take to reach 1."""
    steps = 0
    while k != 1:
        if k % 2 == 0:
            k //= 2
        else:
            k = 3 * k + 1
        steps += 1
    return steps
