/* loops.h: timeit's 1-2-5 sequence of call counts (1, 2, 5, 10, 20, 50,
 * ...), the one way optdemo's C code picks how many calls make a value:
 * the harness's calibration, timeit's autorange, the instruction counter.
 * (pyscripts' one is optdemo.calibration.autorange.) */
#ifndef OPTDEMO_LOOPS_H
#define OPTDEMO_LOOPS_H

/* The most calls a value is ever made of. */
#define LOOPS_MAX 1000000000L

/* The number after `loops` in the sequence (loops itself a member). */
long loops_next(long loops);

/* The first member of the sequence >= want (LOOPS_MAX at most). */
long loops_at_least(double want);

/* The largest member <= limit (1 at least). */
long loops_at_most(double limit);

#endif
