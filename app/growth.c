/* growth.c: exponents with CIs and crossovers of a sweep (growth.h).  Key
 * choice: the CI comes from the same two-stage resampling as the speedups'
 * (stats_resample_groups: processes, then values), applied at every size
 * and refitted, so it says how much the fitted exponent moves with the
 * measurement's own noise -- not whether a power law is the right model. */
#include "growth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static const uint64_t GROWTH_SEED = 0x9e0e7fULL;

static const struct variant_result *
measured(const struct workload_result *size, size_t k)
{
    return k < size->n_variants && size->variants[k].n_values > 0 ? &size->variants[k] : NULL;
}

static int
compare_double(const void *left, const void *right)
{
    double a = *(const double *)left, b = *(const double *)right;
    return (a > b) - (a < b);
}

/* One size's values grouped by process, for stats_resample_groups. */
struct grouped {
    double *values;
    size_t *sizes;
    size_t n_groups, largest;
};

static int
group_values(const struct workload_result *w, const struct variant_result *v, struct grouped *g)
{
    g->values = malloc((v->n_values + 1) * sizeof *g->values);
    g->sizes = malloc((w->n_processes + 1) * sizeof *g->sizes);
    g->n_groups = g->largest = 0;
    if (g->values == NULL || g->sizes == NULL) {
        return -1;
    }
    size_t at = 0;
    for (size_t r = 0; r < w->n_processes; r++) {
        const struct process_values *p = &v->processes[r];
        if (p->n_values == 0) {
            continue;
        }
        memcpy(g->values + at, p->values, p->n_values * sizeof *g->values);
        at += p->n_values;
        g->sizes[g->n_groups++] = p->n_values;
        g->largest = p->n_values > g->largest ? p->n_values : g->largest;
    }
    return 0;
}

bool
growth_exponent_ci(const struct workload_result *sizes, size_t count, size_t k,
                   unsigned resamples, double *exponent, double *low, double *high)
{
    struct grouped *groups = calloc(count + 1, sizeof *groups);
    double *x = calloc(count + 1, sizeof *x), *y = calloc(count + 1, sizeof *y);
    double *slopes = calloc((size_t)resamples + 1, sizeof *slopes), *scratch = NULL;
    size_t points = 0, capacity = 1;
    bool done = false;
    if (groups == NULL || x == NULL || y == NULL || slopes == NULL) {
        goto out;
    }
    for (size_t s = 0; s < count; s++) {
        const struct variant_result *v = measured(&sizes[s], k);
        if (v == NULL) {
            continue;
        }
        if (group_values(&sizes[s], v, &groups[points]) < 0) {
            goto out;
        }
        capacity = groups[points].n_groups * groups[points].largest > capacity
                       ? groups[points].n_groups * groups[points].largest : capacity;
        x[points] = (double)sizes[s].n;
        y[points] = v->summary.median;
        points++;
    }
    scratch = malloc(capacity * sizeof *scratch);
    if (scratch == NULL || stats_loglog_slope(x, y, points, exponent) != STATS_OK) {
        goto out;
    }
    struct stats_rng rng;
    stats_rng_seed(&rng, GROWTH_SEED + k);
    unsigned fitted = 0;
    for (unsigned r = 0; r < resamples; r++) {
        for (size_t p = 0; p < points; p++) {
            struct stats_groups g = {groups[p].values, groups[p].sizes, groups[p].n_groups};
            size_t drawn = stats_resample_groups(&g, &rng, scratch);
            qsort(scratch, drawn, sizeof *scratch, compare_double);
            y[p] = stats_median_sorted(scratch, drawn);
        }
        if (stats_loglog_slope(x, y, points, &slopes[fitted]) == STATS_OK) {
            fitted++;
        }
    }
    if (fitted > 0) {
        qsort(slopes, fitted, sizeof *slopes, compare_double);
        *low = stats_quantile_sorted(slopes, fitted, 0.025);
        *high = stats_quantile_sorted(slopes, fitted, 0.975);
        done = true;
    }
out:
    for (size_t p = 0; groups != NULL && p < count; p++) {
        free(groups[p].values);
        free(groups[p].sizes);
    }
    free(groups);
    free(x);
    free(y);
    free(slopes);
    free(scratch);
    return done;
}

int
growth_crossovers(const struct workload_result *sizes, size_t count, struct crossover **out,
                  size_t *n_out)
{
    size_t n_variants = count > 0 ? sizes[0].n_variants : 0;
    *out = NULL;
    *n_out = 0;
    for (size_t a = 0; a < n_variants; a++) {
        for (size_t b = a + 1; b < n_variants; b++) {
            const struct workload_result *previous = NULL;
            for (size_t s = 0; s < count; s++) {
                const struct variant_result *va = measured(&sizes[s], a);
                const struct variant_result *vb = measured(&sizes[s], b);
                if (va == NULL || vb == NULL) {
                    continue;
                }
                if (previous != NULL) {
                    const struct variant_result *pa = measured(previous, a);
                    const struct variant_result *pb = measured(previous, b);
                    /* log(time a / time b) at both sizes: a sign change is a crossing. */
                    double d0 = log(pa->summary.median / pb->summary.median);
                    double d1 = log(va->summary.median / vb->summary.median);
                    if ((d0 < 0) != (d1 < 0) && d0 != d1) {
                        struct crossover *grown = realloc(*out, (*n_out + 1) * sizeof *grown);
                        if (grown == NULL) {
                            return -1;
                        }
                        *out = grown;
                        double x0 = log((double)previous->n), x1 = log((double)sizes[s].n);
                        double at = x0 + (x1 - x0) * d0 / (d0 - d1);
                        grown[(*n_out)++] = (struct crossover){
                            .a = d1 < 0 ? a : b, .b = d1 < 0 ? b : a,
                            .below = previous->n, .above = sizes[s].n, .n = exp(at),
                        };
                    }
                }
                previous = &sizes[s];
            }
        }
    }
    return 0;
}
