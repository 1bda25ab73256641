/* growth.h: how a variant's cost grows over a sweep (the same workload at
 * increasing n): the fitted exponent with a bootstrap CI, and the sizes
 * where two variants swap order (a crossover: NumPy overtaking a loop, a
 * set overtaking list scans). */
#ifndef OPTDEMO_GROWTH_H
#define OPTDEMO_GROWTH_H

#include <stdbool.h>
#include <stddef.h>

#include "workload_result.h"

/* The exponent k of time ~ n^k for variant k... of the sweep `sizes`, and
 * its 95% CI: each resample redraws every size's values (processes, then
 * values) and refits.  False when fewer than two sizes measured it. */
bool growth_exponent_ci(const struct workload_result *sizes, size_t count, size_t variant,
                        unsigned resamples, double *exponent, double *low, double *high);

/* Where variants a and b swap order: at size `below` one is decidedly faster
 * (Mann-Whitney p < 0.01, medians at least 5% apart), at `above` the other
 * is, and no size between them decides either way -- two variants whose
 * times are within noise never "cross".  `n` interpolates the crossing on
 * log-log axes (the straight line through the two sizes' points for each
 * variant). */
struct crossover {
    size_t a, b;          /* variant indexes; a is the faster one after the crossing */
    long below, above;    /* the two sizes that bracket it */
    double n;             /* the estimated size of the crossing */
};

/* Every crossover of every pair of variants in the sweep, into a malloc'd
 * array (*count of them).  0, or -1 on no memory. */
int growth_crossovers(const struct workload_result *sizes, size_t count,
                      struct crossover **out, size_t *n_out);

/* A sweep's growth, computed once (growth_analyse) and only rendered by
 * report.c and results.c. */
struct variant_growth {
    bool fitted;                  /* false: fewer than two sizes measured it */
    double exponent, low, high;   /* time ~ n^exponent, its 95% CI */
};

struct growth {
    struct variant_growth *variants;   /* one per variant of sizes[0] */
    size_t n_variants;
    struct crossover *crossings;
    size_t n_crossings;
};

/* The resamples behind every exponent's CI. */
enum { GROWTH_RESAMPLES = 1000 };

/* Exponents with CIs and crossovers of the sweep `sizes`.  0, or -1 on no
 * memory (out cleared). */
int growth_analyse(const struct workload_result *sizes, size_t count, struct growth *out);
void growth_clear(struct growth *growth);

#endif
