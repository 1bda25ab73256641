/* stats_internal.h: the helpers stats.c and stats_compare.c share; private
 * to those two files, not part of the stats.h contract.
 * They are static inline rather than non-static stats_* functions: each file
 * keeps its own private copy, so the library exports exactly the functions
 * stats.h declares, and the compiler can still inline all_finite into the
 * argument checks as it did when everything lived in one file.  Both are a
 * few lines long, so the copies cost nothing worth a shared symbol. */
#ifndef OPTDEMO_STATS_INTERNAL_H
#define OPTDEMO_STATS_INTERNAL_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

/* qsort's comparison for doubles, ascending.  No caller passes a NaN (they
 * check for finite values first), which would compare equal to everything. */
static inline int
compare_double(const void *left, const void *right)
{
    double a = *(const double *)left;
    double b = *(const double *)right;
    return (a > b) - (a < b);
}

static inline bool
all_finite(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i])) {
            return false;
        }
    }
    return true;
}

#endif /* OPTDEMO_STATS_INTERNAL_H */
