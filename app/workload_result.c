/* workload_result.c: what the harness's results know of themselves --
 * releasing them, whether a workload passed or timed anything, and the
 * growth of a sweep -- shared by the terminal report, the Markdown and the
 * JSON, so all three say the same. */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

bool
harness_growth_exponent(const struct workload_result *sizes, size_t count, size_t k,
                        double *exponent)
{
    double *x = calloc(count + 1, sizeof *x), *y = calloc(count + 1, sizeof *y);
    size_t points = 0;
    bool fitted = false;
    if (x == NULL || y == NULL) {
        goto done;
    }
    for (size_t s = 0; s < count; s++) {
        if (k < sizes[s].n_variants && sizes[s].variants[k].n_values > 0) {
            x[points] = (double)sizes[s].n;
            y[points] = sizes[s].variants[k].summary.median;
            points++;
        }
    }
    fitted = stats_loglog_slope(x, y, points, exponent) == STATS_OK;
done:
    free(x);
    free(y);
    return fitted;
}

void
workload_result_clear(struct workload_result *result)
{
    for (size_t k = 0; k < result->n_variants; k++) {
        struct variant_result *v = &result->variants[k];
        for (size_t r = 0; v->processes != NULL && r < result->n_processes; r++) {
            free(v->processes[r].warmups);
            free(v->processes[r].values);
        }
        free(v->processes);
        free(v->name);
        free(v->detail);
        free(v->output);
        free(v->values);
        free(v->unstable);
        free(v->reduced);
        free(result->notes[k]);
    }
    free(result->variants);
    free(result->notes);
    free(result->id);
    free(result->title);
    free(result->section);
    free(result->path);
    free(result->no_native);
    free(result->source_sha256);
    free(result->explanation);
    json_decref(result->sources);
    free(result->interpreter);
    free(result->error);
    memset(result, 0, sizeof *result);
}

bool
workload_result_ok(const struct workload_result *result)
{
    if (result->error != NULL || result->no_baseline) {
        return false;
    }
    for (size_t k = 0; k < result->n_variants; k++) {
        enum variant_status s = result->variants[k].status;
        if (s == VARIANT_MISMATCH || s == VARIANT_ERROR || s == VARIANT_TIMEOUT
            || s == VARIANT_CRASHED) {
            return false;
        }
    }
    return true;
}

bool
workload_result_timed(const struct workload_result *result)
{
    for (size_t k = 0; k < result->n_variants; k++) {
        if (result->variants[k].n_values > 0) {
            return true;
        }
    }
    return false;
}
