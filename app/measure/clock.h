/* clock.h: the clocks every measurement reads.  CLOCK_MONOTONIC is what
 * Python's time.perf_counter() reads on Linux, so the host's timings and the
 * stdlib timeit's are taken from the same clock; the process CPU clock is
 * time.process_time()'s (timeit -p). */
#ifndef OPTDEMO_CLOCK_H
#define OPTDEMO_CLOCK_H

#include <time.h>

static inline double
clock_seconds(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Wall-clock seconds from an arbitrary origin (perf_counter). */
static inline double
clock_wall(void)
{
    return clock_seconds(CLOCK_MONOTONIC);
}

/* CPU seconds used by this process (process_time). */
static inline double
clock_cpu(void)
{
    return clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

#endif
