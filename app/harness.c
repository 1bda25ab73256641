/* harness.c: the measurement protocol, shared by every executor.  Order of
 * work for one workload at one size: load, setup, check each variant (its
 * first call, also the budget's prediction), calibrate loops, warm up, time
 * interleaved rounds (the starting variant rotates each round, so no
 * variant always runs first after the others), statistics, memory pass. */
#include "harness.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

/* Calibration never goes past this many calls per value. */
static const long MAX_LOOPS = 1000000000L;
static const uint64_t BOOTSTRAP_SEED = 0x0b7d3e5eedULL;

static char *
copy_string(const char *text)
{
    return text != NULL ? strdup(text) : NULL;
}

static char *
format_string(const char *format, ...) __attribute__((format(printf, 1, 2)));

static char *
format_string(const char *format, ...)
{
    va_list args;
    char *text = NULL;
    va_start(args, format);
    if (vasprintf(&text, format, args) < 0) {
        text = NULL;
    }
    va_end(args);
    return text;
}

/* The 1-2-5 sequence timeit uses, starting at the first value >= want. */
static long
loops_at_least(double want)
{
    static const long steps[] = {1, 2, 5};
    for (long scale = 1; scale <= MAX_LOOPS; scale *= 10) {
        for (size_t i = 0; i < 3; i++) {
            if ((double)(steps[i] * scale) >= want) {
                return steps[i] * scale;
            }
        }
    }
    return MAX_LOOPS;
}

static void
report(const struct harness_options *options, const char *id, const char *stage,
       int step, int steps)
{
    if (options->progress != NULL) {
        options->progress(id, stage, step, steps);
    }
}

static bool
is_selected(const char *name, const char *const *only)
{
    if (only == NULL || strcmp(name, "before") == 0) {
        return true;
    }
    for (const char *const *p = only; *p != NULL; p++) {
        if (strcmp(*p, name) == 0) {
            return true;
        }
    }
    return false;
}

static int
push_value(double **array, size_t *count, double value)
{
    double *grown = realloc(*array, (*count + 1) * sizeof **array);
    if (grown == NULL) {
        return -1;
    }
    grown[(*count)++] = value;
    *array = grown;
    return 0;
}

/* Copy what the report needs from the executor's info: the result outlives
 * the loaded workload. */
static int
copy_info(struct workload_result *out, const struct workload_info *info,
          const char *const *only, size_t **index)
{
    out->id = copy_string(info->id);
    out->title = copy_string(info->title);
    out->section = copy_string(info->section);
    out->path = copy_string(info->path);
    out->no_native = copy_string(info->no_native);
    out->variants = calloc(info->n_variants, sizeof *out->variants);
    out->notes = calloc(info->n_variants, sizeof *out->notes);
    *index = calloc(info->n_variants, sizeof **index);
    if (out->id == NULL || out->variants == NULL || out->notes == NULL || *index == NULL) {
        return -1;
    }
    for (size_t i = 0; i < info->n_variants; i++) {
        if (!is_selected(info->variants[i], only)) {
            continue;
        }
        size_t k = out->n_variants++;
        (*index)[k] = i;
        out->variants[k].name = copy_string(info->variants[i]);
        out->variants[k].memory_peak = -1;
        out->notes[k] = copy_string(info->notes[i]);
        if (info->unavailable[i] != NULL) {
            out->variants[k].status = VARIANT_UNAVAILABLE;
            out->variants[k].detail = copy_string(info->unavailable[i]);
        }
        if (out->variants[k].name == NULL) {
            return -1;
        }
    }
    return 0;
}

static bool
is_timed(const struct variant_result *v)
{
    return v->status == VARIANT_OK;
}

/* Check every variant; decide which are timed.  Returns EXEC_OK or
 * EXEC_INTERRUPTED (errors are recorded in the variants). */
static enum exec_status
check_variants(struct executor *ex, struct workload_result *out, const size_t *index,
               const struct harness_options *options)
{
    for (size_t k = 0; k < out->n_variants; k++) {
        struct variant_result *v = &out->variants[k];
        bool matches = true;
        char *error = NULL;
        if (v->status == VARIANT_UNAVAILABLE) {
            continue;
        }
        if (k > 0 && out->variants[0].status != VARIANT_OK
            && out->variants[0].status != VARIANT_SKIPPED) {
            v->status = VARIANT_NOT_RUN;
            v->detail = copy_string("not run: before did not run, nothing to check its result against");
            continue;
        }
        report(options, out->id, "checking", (int)k + 1, (int)out->n_variants);
        enum exec_status status = ex->ops->check(ex, index[k], &v->first_call, &matches, &error);
        if (status == EXEC_INTERRUPTED) {
            return status;
        }
        if (status == EXEC_ERROR) {
            v->status = VARIANT_ERROR;
            v->detail = error;
            continue;
        }
        if (!matches) {
            v->status = VARIANT_MISMATCH;
            v->detail = error;
            continue;
        }
        /* Every timed value lasts at least min_time, and at least one call. */
        double per_value = fmax(v->first_call, options->min_time);
        double predicted = per_value * (options->rounds + options->warmups + 2);
        if (predicted > options->budget) {
            v->status = VARIANT_SKIPPED;
            v->detail = format_string(
                "skipped: one call took %.3g s, so %d values would take ~%.0f s, "
                "past the %.0f s budget (--budget)",
                v->first_call, options->rounds + options->warmups, predicted, options->budget);
        }
    }
    return EXEC_OK;
}

/* Grow `loops` until one value lasts min_time; the trial values are kept as
 * warmups, as pyperf records its calibration. */
static enum exec_status
calibrate(struct executor *ex, size_t variant, struct variant_result *v,
          const struct harness_options *options, char **error)
{
    long loops = loops_at_least(options->min_time / fmax(v->first_call, 1e-9) * 0.5);
    for (;;) {
        double seconds = 0;
        enum exec_status status = ex->ops->time(ex, variant, loops, &seconds, error);
        if (status != EXEC_OK) {
            return status;
        }
        if (push_value(&v->warmups, &v->n_warmups, seconds / (double)loops) < 0) {
            *error = copy_string("out of memory");
            return EXEC_ERROR;
        }
        if (seconds >= options->min_time || loops >= MAX_LOOPS) {
            break;
        }
        double per_call = fmax(seconds / (double)loops, 1e-9);
        loops = loops_at_least(fmax(options->min_time / per_call * 1.05, (double)loops * 2));
    }
    v->loops = loops;
    return EXEC_OK;
}

static void
fail_variant(struct variant_result *v, char *error)
{
    v->status = VARIANT_ERROR;
    free(v->detail);
    v->detail = error;
}

/* Calibration, warm-up and the interleaved rounds. */
static enum exec_status
time_variants(struct executor *ex, struct workload_result *out, const size_t *index,
              const struct harness_options *options)
{
    size_t m = out->n_variants;
    for (size_t k = 0; k < m; k++) {
        struct variant_result *v = &out->variants[k];
        char *error = NULL;
        if (!is_timed(v)) {
            continue;
        }
        report(options, out->id, "calibrating", (int)k + 1, (int)m);
        enum exec_status status = calibrate(ex, index[k], v, options, &error);
        if (status == EXEC_INTERRUPTED) {
            return status;
        }
        if (status == EXEC_ERROR) {
            fail_variant(v, error);
        }
    }
    int total = options->warmups + options->rounds;
    for (int round = 0; round < total; round++) {
        report(options, out->id, round < options->warmups ? "warming up" : "timing",
               round + 1, total);
        for (size_t j = 0; j < m; j++) {
            size_t k = (j + (size_t)round) % m;
            struct variant_result *v = &out->variants[k];
            double seconds = 0;
            char *error = NULL;
            if (!is_timed(v)) {
                continue;
            }
            enum exec_status status = ex->ops->time(ex, index[k], v->loops, &seconds, &error);
            if (status == EXEC_INTERRUPTED) {
                return status;
            }
            if (status == EXEC_ERROR) {
                fail_variant(v, error);
                continue;
            }
            double value = seconds / (double)v->loops;
            int rc = round < options->warmups
                         ? push_value(&v->warmups, &v->n_warmups, value)
                         : push_value(&v->values, &v->n_values, value);
            if (rc < 0) {
                fail_variant(v, copy_string("out of memory"));
            }
        }
    }
    return EXEC_OK;
}

/* Summary per variant; speedup, CI and significance against before. */
static void
compute_statistics(struct workload_result *out, const struct harness_options *options)
{
    struct variant_result *base = &out->variants[0];
    for (size_t k = 0; k < out->n_variants; k++) {
        struct variant_result *v = &out->variants[k];
        if (v->n_values == 0 || stats_summarize(v->values, v->n_values, &v->summary) < 0) {
            continue;
        }
        if (v->loops > 0 && v->summary.median * (double)v->loops < 1e-3) {
            char *note = format_string("values last under 1 ms (%.3g s): clock noise weighs",
                                       v->summary.median * (double)v->loops);
            if (v->detail == NULL) {
                v->detail = note;
            } else {
                free(note);
            }
        }
        if (k == 0 || base->n_values == 0 || base->status != VARIANT_OK) {
            continue;
        }
        /* Rounds are paired: an interrupted run may leave one value more in
         * the variants timed first in the last round. */
        size_t n = v->n_values < base->n_values ? v->n_values : base->n_values;
        double *ratios = malloc(n * sizeof *ratios);
        double u = 0;
        if (ratios == NULL) {
            continue;
        }
        for (size_t r = 0; r < n; r++) {
            ratios[r] = base->values[r] / v->values[r];
        }
        v->paired_median = stats_median(ratios, n);
        free(ratios);
        v->speedup = base->summary.median / v->summary.median;
        if (stats_bootstrap_ratio_ci(base->values, n, v->values, n, true, options->resamples,
                                     0.95, BOOTSTRAP_SEED + k, &v->ci_low, &v->ci_high) < 0
            || stats_mann_whitney(base->values, base->n_values, v->values, v->n_values,
                                  &u, &v->p_value) < 0) {
            continue;
        }
        v->significant = stats_significant(v->p_value, v->speedup, options->alpha,
                                           options->min_effect);
        v->has_speedup = true;
    }
}

static enum exec_status
measure_memory(struct executor *ex, struct workload_result *out, const size_t *index,
               const struct harness_options *options)
{
    for (size_t k = 0; k < out->n_variants; k++) {
        struct variant_result *v = &out->variants[k];
        char *error = NULL;
        if (!is_timed(v)) {
            continue;
        }
        report(options, out->id, "memory", (int)k + 1, (int)out->n_variants);
        enum exec_status status = ex->ops->memory(ex, index[k], &v->memory_peak, &error);
        if (status == EXEC_INTERRUPTED) {
            return status;
        }
        if (status == EXEC_ERROR) {
            fail_variant(v, error);
        }
    }
    return EXEC_OK;
}

static char *
fallback_id(const char *path)
{
    const char *slash = strrchr(path, '/');
    return copy_string(slash != NULL ? slash + 1 : path);
}

enum harness_status
harness_run(struct executor *ex, const char *path, long n, enum size_choice size,
            const char *const *only, const struct harness_options *options,
            struct workload_result *out)
{
    const struct workload_info *info = NULL;
    size_t *index = NULL;
    char *error = NULL;
    bool gc_off = false;
    double start = clock_wall();
    enum exec_status status;

    out->gc = options->gc;
    status = ex->ops->load(ex, path, &info, &error);
    if (status != EXEC_OK) {
        out->id = fallback_id(path);
        out->path = copy_string(path);
        out->error = error;
        goto done;
    }
    if (copy_info(out, info, only, &index) < 0) {
        out->error = copy_string("out of memory");
        goto done;
    }
    out->n = n > 0 ? n : (size == SIZE_QUICK ? info->size_quick : info->size_default);
    report(options, out->id, "setup", 1, 1);
    status = ex->ops->setup(ex, out->n, &error);
    if (status != EXEC_OK) {
        out->error = error;
        goto done;
    }
    status = check_variants(ex, out, index, options);
    if (status != EXEC_OK) {
        goto done;
    }
    if (!options->gc) {
        status = ex->ops->set_gc(ex, false, &error);
        if (status != EXEC_OK) {
            out->error = error;
            goto done;
        }
        gc_off = true;
    }
    status = time_variants(ex, out, index, options);
    if (status != EXEC_OK) {
        goto done;
    }
    if (gc_off) {
        gc_off = false;
        status = ex->ops->set_gc(ex, true, &error);
        if (status != EXEC_OK) {
            out->error = error;
            goto done;
        }
    }
    if (options->memory) {
        status = measure_memory(ex, out, index, options);
    }
done:
    if (gc_off) {
        char *ignored = NULL;
        ex->ops->set_gc(ex, true, &ignored);
        free(ignored);
    }
    if (out->n_variants > 0) {
        compute_statistics(out, options);
    }
    out->partial = status == EXEC_INTERRUPTED;
    if (out->partial) {
        for (size_t k = 0; k < out->n_variants; k++) {
            if (out->variants[k].status == VARIANT_OK && out->variants[k].n_values == 0) {
                out->variants[k].status = VARIANT_NOT_RUN;
            }
        }
    }
    ex->ops->unload(ex);
    free(index);
    out->duration = clock_wall() - start;
    return out->partial ? HARNESS_INTERRUPTED : HARNESS_OK;
}

bool
harness_growth_exponent(const struct workload_result *sizes, size_t count, size_t k,
                       double *exponent)
{
    double x[count], y[count];
    size_t points = 0;
    for (size_t s = 0; s < count; s++) {
        if (k < sizes[s].n_variants && sizes[s].variants[k].n_values > 0) {
            x[points] = (double)sizes[s].n;
            y[points] = sizes[s].variants[k].summary.median;
            points++;
        }
    }
    return stats_loglog_slope(x, y, points, exponent) == STATS_OK;
}

void
workload_result_clear(struct workload_result *result)
{
    for (size_t k = 0; k < result->n_variants; k++) {
        struct variant_result *v = &result->variants[k];
        free(v->name);
        free(v->detail);
        free(v->warmups);
        free(v->values);
        free(result->notes[k]);
    }
    free(result->variants);
    free(result->notes);
    free(result->id);
    free(result->title);
    free(result->section);
    free(result->path);
    free(result->no_native);
    free(result->error);
    memset(result, 0, sizeof *result);
}

bool
workload_result_ok(const struct workload_result *result)
{
    if (result->error != NULL) {
        return false;
    }
    for (size_t k = 0; k < result->n_variants; k++) {
        enum variant_status s = result->variants[k].status;
        if (s == VARIANT_MISMATCH || s == VARIANT_ERROR) {
            return false;
        }
    }
    return true;
}
