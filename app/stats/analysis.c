/* analysis.c: the statistics of one workload's results.  Key choices:
 * - the speedup, its CI and the test all use the same sample: the values
 *   of before and of the variant paired by process and round (a variant
 *   interrupted mid-round simply has one pair fewer);
 * - the CI resamples processes, then rounds within them
 *   (stats_bootstrap_ratio_ci_grouped), so it covers between-process
 *   variance, which a single process cannot see;
 * - "faster"/"slower" needs all three of: Mann-Whitney U p < alpha, an
 *   effect of at least min_effect, and a CI that excludes 1.  When even
 *   perfectly separated samples of these sizes could not reach alpha, the
 *   row says "too few values", never "same";
 * - "same" is a claim too: only when the CI lies within min_effect of 1
 *   (an equivalence test, as TOST reads it); a row that is neither
 *   significant nor provably the same is "unclear";
 * - a row is "unstable" only when its noise could change what it says:
 *   the processes' own speedups (with one process, the middle half of the
 *   rounds' ratios) reach both sides of a verdict boundary, 1 +- min_effect.
 *   Scatter alone -- 60% IQR around a 200x speedup -- changes no verdict and
 *   marks nothing; the run's summary still says how much there was.  (Marking
 *   every row whose IQR passed 10% put a "!" and a line on 36 rows of 39 on a
 *   loaded machine, and on 15 of 39 on a quiet one.) */
#include "analysis.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static const uint64_t BOOTSTRAP_SEED = 0x0b7d3e5eedULL;

/* Every value of a variant, process after process, in one array. */
static int
flatten(struct variant_result *v, size_t n_processes)
{
    size_t total = 0;
    for (size_t r = 0; r < n_processes; r++) {
        total += v->processes[r].n_values;
    }
    free(v->values);
    v->values = NULL;
    v->n_values = 0;
    if (total == 0) {
        return 0;
    }
    v->values = malloc(total * sizeof *v->values);
    if (v->values == NULL) {
        return -1;
    }
    for (size_t r = 0; r < n_processes; r++) {
        if (v->processes[r].n_values == 0) {
            continue;   /* its values array may be NULL: no memcpy from it */
        }
        memcpy(v->values + v->n_values, v->processes[r].values,
               v->processes[r].n_values * sizeof *v->values);
        v->n_values += v->processes[r].n_values;
    }
    return 0;
}

/* How much a variant's own values scatter: IQR over the median, and the
 * highest over the lowest of its processes' medians. */
static void
measure_scatter(struct variant_result *v, size_t n_processes)
{
    double lowest = INFINITY, highest = 0;
    size_t measured = 0;
    v->spread = v->summary.median > 0 ? v->summary.iqr / v->summary.median : 0;
    for (size_t r = 0; r < n_processes; r++) {
        const struct process_values *p = &v->processes[r];
        if (p->n_values > 0) {
            double median = stats_median(p->values, p->n_values);
            lowest = fmin(lowest, median);
            highest = fmax(highest, median);
            measured++;
        }
    }
    v->process_spread = measured >= 2 && lowest > 0 ? highest / lowest : 1;
}

/* Which side of the verdict's boundaries a speedup lies on: -1 slower by
 * at least min_effect, +1 faster by at least min_effect, 0 between. */
static int
side(double speedup, double min_effect)
{
    return speedup >= 1 + min_effect ? 1 : speedup <= 1 / (1 + min_effect) ? -1 : 0;
}

/* Mark the row when its range reaches both sides of a boundary. */
static void
judge_stability(struct variant_result *v, const struct harness_options *options)
{
    free(v->unstable);
    v->unstable = NULL;
    if (v->verdict == STATS_TOO_FEW || v->range_low <= 0
        || side(v->range_low, options->min_effect) == side(v->range_high, options->min_effect)) {
        return;
    }
    v->unstable = text_format(
        "unstable: its %s measured %.*fx to %.*fx, across the verdict's %.0f%% mark",
        v->range_of_processes ? "processes" : "rounds (middle half)",
        v->range_low < 9.995 ? 2 : 1, v->range_low, v->range_high < 9.995 ? 2 : 1,
        v->range_high, 100 * options->min_effect);
}

/* Where the row's speedup lands when measured again, from its paired
 * values (a: before's, b: the variant's, `groups` processes of sizes[g]):
 * the lowest and highest process speedup, or with one process the
 * quartiles of the rounds' ratios.  Leaves the range 0 when it cannot tell
 * (one pair). */
static void
speedup_range(struct variant_result *v, const double *a, const double *b, const size_t *sizes,
              size_t groups)
{
    size_t total = 0;
    for (size_t g = 0; g < groups; g++) {
        total += sizes[g];
    }
    double *ratios = malloc((total + 1) * sizeof *ratios);
    v->range_low = v->range_high = 0;
    if (ratios == NULL) {
        return;
    }
    if (groups >= 2) {
        double lowest = INFINITY, highest = 0;
        for (size_t g = 0, at = 0; g < groups; at += sizes[g], g++) {
            double speedup = stats_median(a + at, sizes[g]) / stats_median(b + at, sizes[g]);
            lowest = fmin(lowest, speedup);
            highest = fmax(highest, speedup);
        }
        v->range_low = lowest;
        v->range_high = highest;
        v->range_of_processes = true;
    } else if (total >= 2) {
        for (size_t i = 0; i < total; i++) {
            ratios[i] = a[i] / b[i];
        }
        stats_sort(ratios, total);
        v->range_low = stats_quantile_sorted(ratios, total, 0.25);
        v->range_high = stats_quantile_sorted(ratios, total, 0.75);
        v->range_of_processes = false;
    }
    free(ratios);
}

/* Speedup, CI, p and verdict of variant k against before, from the values
 * paired by process and round. */
static void
compare_with_before(struct workload_result *w, size_t k, const struct harness_options *options)
{
    struct variant_result *base = &w->variants[0], *v = &w->variants[k];
    size_t total = 0, groups = 0;
    double *a = NULL, *b = NULL;
    size_t *sizes = NULL;
    double u = 0, low = 0, high = 0;

    for (size_t r = 0; r < w->n_processes; r++) {
        size_t pairs = base->processes[r].n_values < v->processes[r].n_values
                           ? base->processes[r].n_values : v->processes[r].n_values;
        total += pairs;
    }
    a = malloc(total * sizeof *a);
    b = malloc(total * sizeof *b);
    sizes = malloc(w->n_processes * sizeof *sizes);
    if (a == NULL || b == NULL || sizes == NULL) {
        goto done;
    }
    total = 0;
    for (size_t r = 0; r < w->n_processes; r++) {
        const struct process_values *pa = &base->processes[r], *pb = &v->processes[r];
        size_t pairs = pa->n_values < pb->n_values ? pa->n_values : pb->n_values;
        if (pairs == 0) {
            continue;
        }
        memcpy(a + total, pa->values, pairs * sizeof *a);
        memcpy(b + total, pb->values, pairs * sizeof *b);
        sizes[groups++] = pairs;
        total += pairs;
    }
    if (stats_bootstrap_ratio_ci_grouped(a, b, sizes, groups, options->resamples, 0.95,
                                         BOOTSTRAP_SEED + k, &low, &high) != STATS_OK
        || stats_mann_whitney(a, total, b, total, &u, &v->p_value) != STATS_OK) {
        goto done;
    }
    v->speedup = stats_median(a, total) / stats_median(b, total);
    v->ci_low = low;
    v->ci_high = high;
    v->pairs = total;
    v->has_speedup = true;
    v->verdict = stats_verdict(v->speedup, low, high, v->p_value, total, total, options->alpha,
                               options->min_effect);
    speedup_range(v, a, b, sizes, groups);
    judge_stability(v, options);
done:
    free(a);
    free(b);
    free(sizes);
}

void
analysis_workload(struct workload_result *w, const struct harness_options *options)
{
    for (size_t k = 0; k < w->n_variants; k++) {
        struct variant_result *v = &w->variants[k];
        v->has_speedup = false;
        v->verdict = STATS_VERDICT_NONE;
        v->spread = 0;
        v->process_spread = 1;
        v->range_low = v->range_high = 0;
        free(v->unstable);
        v->unstable = NULL;
        if (flatten(v, w->n_processes) < 0 || v->n_values == 0
            || stats_summarize(v->values, v->n_values, &v->summary) != STATS_OK) {
            continue;
        }
        measure_scatter(v, w->n_processes);
        if (v->loops > 0 && v->summary.median * (double)v->loops < 1e-3 && v->detail == NULL) {
            v->detail = text_format("values last under 1 ms (%.3g s): clock noise weighs",
                                      v->summary.median * (double)v->loops);
        }
    }
    for (size_t k = 1; k < w->n_variants; k++) {
        if (workload_result_has_speedup(w, k)) {
            compare_with_before(w, k, options);
        }
    }
}
