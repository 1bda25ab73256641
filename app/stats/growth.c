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
/* A crossing needs the order decided on both sides, by the verdict's rule
 * (harness_options' defaults, alpha 0.01 and a 5% minimum effect). */
static const double CROSSING_ALPHA = 0.01, CROSSING_MIN_EFFECT = 0.05;

static const struct variant_result *
measured(const struct workload_result *size, size_t k)
{
    return k < size->n_variants && size->variants[k].n_values > 0 ? &size->variants[k] : NULL;
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
            stats_sort(scratch, drawn);
            y[p] = stats_median_sorted(scratch, drawn);
        }
        if (stats_loglog_slope(x, y, points, &slopes[fitted]) == STATS_OK) {
            fitted++;
        }
    }
    if (fitted > 0) {
        stats_sort(slopes, fitted);
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

/* The order of variants a and b at one size: +1 when a is decidedly slower,
 * -1 when decidedly faster, 0 when the values cannot tell (the verdict's own
 * rule: Mann-Whitney p < 0.01 and medians at least 5% apart).  *log_ratio
 * gets log(median a / median b). */
static int
decided_order(const struct variant_result *va, const struct variant_result *vb,
              double *log_ratio)
{
    double u, p;
    double ratio = va->summary.median / vb->summary.median;
    *log_ratio = log(ratio);
    if (stats_mann_whitney(va->values, va->n_values, vb->values, vb->n_values, &u, &p) != 0 ||
        !stats_significant(p, ratio, CROSSING_ALPHA, CROSSING_MIN_EFFECT)) {
        return 0;
    }
    return ratio > 1 ? 1 : -1;
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
            /* The last size where the order was decided: a crossing is a
             * decided order followed by the opposite decided order, with
             * any undecided sizes between them skipped. */
            const struct workload_result *last = NULL;
            int last_order = 0;
            double last_d = 0;
            for (size_t s = 0; s < count; s++) {
                const struct variant_result *va = measured(&sizes[s], a);
                const struct variant_result *vb = measured(&sizes[s], b);
                double d;
                int order = va != NULL && vb != NULL ? decided_order(va, vb, &d) : 0;
                if (order == 0) {
                    continue;
                }
                if (last != NULL && order != last_order) {
                    struct crossover *grown = realloc(*out, (*n_out + 1) * sizeof *grown);
                    if (grown == NULL) {
                        return -1;
                    }
                    *out = grown;
                    /* Where log(time a / time b) crosses 0, on log-log axes. */
                    double x0 = log((double)last->n), x1 = log((double)sizes[s].n);
                    double at = x0 + (x1 - x0) * last_d / (last_d - d);
                    grown[(*n_out)++] = (struct crossover){
                        .a = order < 0 ? a : b, .b = order < 0 ? b : a,
                        .below = last->n, .above = sizes[s].n, .n = exp(at),
                    };
                }
                last = &sizes[s];
                last_order = order;
                last_d = d;
            }
        }
    }
    return 0;
}

int
growth_analyse(const struct workload_result *sizes, size_t count, struct growth *out)
{
    memset(out, 0, sizeof *out);
    size_t n_variants = count > 0 ? sizes[0].n_variants : 0;
    out->variants = calloc(n_variants + 1, sizeof *out->variants);
    if (out->variants == NULL
        || growth_crossovers(sizes, count, &out->crossings, &out->n_crossings) < 0) {
        growth_clear(out);
        return -1;
    }
    out->n_variants = n_variants;
    for (size_t k = 0; k < n_variants; k++) {
        struct variant_growth *g = &out->variants[k];
        g->fitted = growth_exponent_ci(sizes, count, k, GROWTH_RESAMPLES, &g->exponent, &g->low,
                                       &g->high);
    }
    return 0;
}

void
growth_clear(struct growth *growth)
{
    free(growth->variants);
    free(growth->crossings);
    memset(growth, 0, sizeof *growth);
}
