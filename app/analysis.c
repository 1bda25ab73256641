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
 *   significant nor provably the same is "unclear". */
#include "analysis.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static const uint64_t BOOTSTRAP_SEED = 0x0b7d3e5eedULL;

bool
harness_row_has_speedup(const struct workload_result *w, size_t k)
{
    if (k == 0 || k >= w->n_variants) {
        return false;
    }
    const struct variant_result *base = &w->variants[0], *v = &w->variants[k];
    if (base->status != VARIANT_OK || v->status != VARIANT_OK) {
        return false;
    }
    for (size_t r = 0; r < w->n_processes; r++) {
        if (base->processes[r].n_values > 0 && v->processes[r].n_values > 0) {
            return true;
        }
    }
    return false;
}

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

/* A row whose values scatter (IQR over the median) or whose processes
 * disagree (their medians) gets a note saying so. */
static void
judge_stability(struct variant_result *v, size_t n_processes,
                const struct harness_options *options)
{
    double spread = v->summary.median > 0 ? v->summary.iqr / v->summary.median : 0;
    double lowest = INFINITY, highest = 0;
    size_t measured = 0;
    for (size_t r = 0; r < n_processes; r++) {
        const struct process_values *p = &v->processes[r];
        if (p->n_values >= 2) {
            double median = stats_median(p->values, p->n_values);
            lowest = fmin(lowest, median);
            highest = fmax(highest, median);
            measured++;
        }
    }
    double disagreement = measured >= 2 && lowest > 0 ? highest / lowest : 1;
    bool scattered = spread > options->unstable_spread;
    bool disagree = disagreement > options->unstable_processes;
    if (!scattered && !disagree) {
        return;
    }
    char spread_text[64] = "", process_text[96] = "";
    if (scattered) {
        snprintf(spread_text, sizeof spread_text, "IQR %.0f%% of the median", 100 * spread);
    }
    if (disagree) {
        snprintf(process_text, sizeof process_text, "%s%zu processes' medians %.0f%% apart",
                 scattered ? ", " : "", measured, 100 * (disagreement - 1));
    }
    free(v->unstable);
    v->unstable = text_format("unstable: %s%s (try --rigorous, or a quieter machine)",
                              spread_text, process_text);
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
        if (flatten(v, w->n_processes) < 0 || v->n_values == 0
            || stats_summarize(v->values, v->n_values, &v->summary) != STATS_OK) {
            continue;
        }
        if (v->status == VARIANT_OK) {
            judge_stability(v, w->n_processes, options);
        }
        if (v->loops > 0 && v->summary.median * (double)v->loops < 1e-3 && v->detail == NULL) {
            v->detail = text_format("values last under 1 ms (%.3g s): clock noise weighs",
                                      v->summary.median * (double)v->loops);
        }
    }
    for (size_t k = 1; k < w->n_variants; k++) {
        if (harness_row_has_speedup(w, k)) {
            compare_with_before(w, k, options);
        }
    }
}
