/* loops.c: see loops.h. */
#include "loops.h"

long
loops_next(long loops)
{
    long scale = 1;
    while (loops >= 10 * scale) {
        scale *= 10;
    }
    /* 1 -> 2, 2 -> 5, 5 -> 10 in each decade */
    return loops < 2 * scale ? 2 * scale : loops < 5 * scale ? 5 * scale : 10 * scale;
}

long
loops_at_least(double want)
{
    long loops = 1;
    while ((double)loops < want && loops < LOOPS_MAX) {
        loops = loops_next(loops);
    }
    return loops;
}

long
loops_at_most(double limit)
{
    long loops = 1;
    while (loops < LOOPS_MAX && (double)loops_next(loops) <= limit) {
        loops = loops_next(loops);
    }
    return loops;
}
