"""How many calls make a value: timeit's autorange, the one copy in
pyscripts (the host's C code has its own, app/measure/loops.c)."""


def autorange(measure, min_seconds):
    """Try 1, 2, 5, 10, 20, 50... loops until measure(loops) says it lasted
    min_seconds.  measure returns (seconds, anything); autorange returns
    (loops, seconds, that anything)."""
    scale = 1
    while True:
        for step in (1, 2, 5):
            loops = scale * step
            seconds, result = measure(loops)
            if seconds >= min_seconds:
                return loops, seconds, result
        scale *= 10
