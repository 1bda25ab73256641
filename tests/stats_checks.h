/* stats_checks.h: how test_stats.c and test_stats_compare.c hold the C
 * statistics to numpy's and scipy's values.  Include after cmocka.h. */
#ifndef OPTDEMO_STATS_CHECKS_H
#define OPTDEMO_STATS_CHECKS_H

#include <math.h>
#include <stdbool.h>

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

static const double relative_tolerance = 1e-9;

/* True when actual is within 1e-9 of expected, relatively, or within
 * absolute_floor (for values that should be 0 but come out of a sum as
 * 1e-17 in one implementation and 0 in the other). */
static inline bool
close_enough(double actual, double expected, double absolute_floor)
{
    double scale = fmax(fabs(actual), fabs(expected));
    return fabs(actual - expected) <= relative_tolerance * scale + absolute_floor;
}

static inline void
check_close(const char *what, const char *case_name,
            double actual, double expected, double absolute_floor)
{
    if (!close_enough(actual, expected, absolute_floor)) {
        fail_msg("%s of %s: got %.17g, numpy/scipy say %.17g", what, case_name,
                 actual, expected);
    }
}

#endif
