/* workload_result.c: what the harness's results know of themselves --
 * releasing them, whether a workload passed or timed anything, and which
 * rows get a speedup -- shared by the statistics, the terminal report, the
 * Markdown and the JSON, so all of them say the same. */
#include "workload_result.h"

#include <stdlib.h>
#include <string.h>

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

bool
workload_result_has_speedup(const struct workload_result *w, size_t k)
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
