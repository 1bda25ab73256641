/* results.c: building the pyperf-layout JSON with jansson, and the atomic
 * write every output file goes through (mkstemp in the target's folder,
 * write, fsync, rename): a Ctrl-C or a full disk never leaves half a file. */
#include "results.h"

#include "growth.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *
error_text(const char *what, const char *path)
{
    char *text = NULL;
    if (asprintf(&text, "%s %s: %s", what, path, strerror(errno)) < 0) {
        text = NULL;
    }
    return text;
}

/* "<dir>/.<base>.XXXXXX" next to `path`, for mkstemp. */
static char *
temporary_name(const char *path)
{
    char *copy_dir = strdup(path), *copy_base = strdup(path), *name = NULL;
    if (copy_dir != NULL && copy_base != NULL
        && asprintf(&name, "%s/.%s.XXXXXX", dirname(copy_dir), basename(copy_base)) < 0) {
        name = NULL;
    }
    free(copy_dir);
    free(copy_base);
    return name;
}

int
results_check_writable(const char *path, char **error)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        *error = error_text("cannot write", path);
        return -1;
    }
    char *name = temporary_name(path);
    if (name == NULL) {
        *error = strdup("out of memory");
        return -1;
    }
    int fd = mkstemp(name);
    if (fd < 0) {
        *error = error_text("cannot write", path);
        free(name);
        return -1;
    }
    close(fd);
    unlink(name);
    free(name);
    return 0;
}

int
results_write_atomic(const char *path, const char *text, size_t length, char **error)
{
    char *name = temporary_name(path);
    int fd = -1, rc = -1;
    if (name == NULL) {
        *error = strdup("out of memory");
        return -1;
    }
    fd = mkstemp(name);
    if (fd < 0) {
        *error = error_text("cannot write", path);
        goto done;
    }
    for (size_t written = 0; written < length;) {
        ssize_t n = write(fd, text + written, length - written);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            *error = error_text("cannot write", path);
            goto done;
        }
        written += (size_t)n;
    }
    /* mkstemp makes 0600; results are ordinary files. */
    if (fchmod(fd, 0644) < 0 || fsync(fd) < 0) {
        *error = error_text("cannot write", path);
        goto done;
    }
    if (close(fd) < 0) {
        fd = -1;
        *error = error_text("cannot write", path);
        goto done;
    }
    fd = -1;
    if (rename(name, path) < 0) {
        *error = error_text("cannot rename into", path);
        goto done;
    }
    rc = 0;
done:
    if (fd >= 0) {
        close(fd);
    }
    if (rc < 0) {
        unlink(name);
    }
    free(name);
    return rc;
}

int
results_check_outputs(const char *command, const char *const *paths, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        char *error = NULL;
        if (paths[i] != NULL && results_check_writable(paths[i], &error) < 0) {
            fprintf(stderr, "optdemo %s: %s\n", command, error != NULL ? error : "out of memory");
            free(error);
            return -1;
        }
    }
    return 0;
}

int
results_write_stream(const char *path, void (*write)(FILE *stream, const void *context),
                     const void *context, char **error)
{
    char *text = NULL;
    size_t length = 0;
    int rc = -1;
    FILE *stream = open_memstream(&text, &length);
    if (stream == NULL) {
        *error = strdup("out of memory");
        return -1;
    }
    write(stream, context);
    if (fclose(stream) != 0) {
        *error = strdup("out of memory");
    } else {
        rc = results_write_atomic(path, text, length, error);
    }
    free(text);
    return rc;
}

int
results_write_json(const char *path, const json_t *root, char **error)
{
    char *text = json_dumps(root, JSON_INDENT(1) | JSON_REAL_PRECISION(17));
    if (text == NULL) {
        *error = strdup("cannot serialise the results");
        return -1;
    }
    int rc = results_write_atomic(path, text, strlen(text), error);
    free(text);
    return rc;
}

static const char *
status_name(enum variant_status status)
{
    switch (status) {
    case VARIANT_OK: return "ok";
    case VARIANT_MISMATCH: return "mismatch";
    case VARIANT_ERROR: return "error";
    case VARIANT_TIMEOUT: return "timeout";
    case VARIANT_CRASHED: return "crashed";
    case VARIANT_SKIPPED: return "skipped";
    case VARIANT_NOT_RUN: return "not run";
    case VARIANT_UNAVAILABLE: return "unavailable";
    }
    return "unknown";
}

static json_t *
values_array(const double *values, size_t n)
{
    json_t *array = json_array();
    for (size_t i = 0; array != NULL && i < n; i++) {
        json_array_append_new(array, json_real(values[i]));
    }
    return array;
}

/* pyperf keeps warmups as [loops, value] pairs. */
static json_t *
warmups_array(const struct process_values *p, long loops)
{
    json_t *array = json_array();
    for (size_t i = 0; array != NULL && i < p->n_warmups; i++) {
        json_array_append_new(array, json_pack("[I f]", (json_int_t)loops, p->warmups[i]));
    }
    return array;
}

static void
set_optional_string(json_t *object, const char *key, const char *value)
{
    if (value != NULL && *value != '\0') {
        json_object_set_new(object, key, json_string(value));
    }
}

/* pyperf's runs: one per worker process that timed this variant. */
static json_t *
runs_array(const struct workload_result *w, const struct variant_result *v)
{
    json_t *runs = json_array();
    for (size_t r = 0; runs != NULL && r < w->n_processes; r++) {
        const struct process_values *p = &v->processes[r];
        if (p->n_values == 0) {
            continue;
        }
        json_array_append_new(runs, json_pack("{s:{s:I, s:I}, s:o, s:o}",
                                              "metadata", "loops", (json_int_t)v->loops,
                                              "optdemo_process", (json_int_t)r + 1,
                                              "warmups", warmups_array(p, v->loops),
                                              "values", values_array(p->values, p->n_values)));
    }
    return runs;
}

static json_t *
benchmark_json(const struct run_record *run, const struct workload_result *w,
               const struct variant_result *v)
{
    char *name = NULL;
    if (asprintf(&name, "%s/%s@%ld%s%s%s", w->id, v->name, w->n,
                 run->several_interpreters ? " [" : "",
                 run->several_interpreters ? w->interpreter : "",
                 run->several_interpreters ? "]" : "") < 0) {
        return NULL;
    }
    json_t *metadata = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:b, s:s, s:s, s:I}",
                                 "name", name, "workload", w->id, "variant", v->name,
                                 "n", (json_int_t)w->n, "loops", (json_int_t)v->loops,
                                 "unit", "second", "checked", v->status == VARIANT_OK,
                                 "status", status_name(v->status), "gc", w->gc ? "on" : "off",
                                 "optdemo_processes", (json_int_t)w->n_processes);
    free(name);
    if (metadata == NULL) {
        return NULL;
    }
    set_optional_string(metadata, "interpreter", w->interpreter);
    set_optional_string(metadata, "workload_sha256", w->source_sha256);
    set_optional_string(metadata, "optdemo_detail", v->detail);
    set_optional_string(metadata, "optdemo_unstable", v->unstable);
    set_optional_string(metadata, "optdemo_budget_reduced", v->reduced);
    if (v->memory_peak >= 0) {
        json_object_set_new(metadata, "memory_peak", json_integer(v->memory_peak));
        json_object_set_new(metadata, "memory_per_item",
                            json_real((double)v->memory_peak / (double)w->n));
    }
    json_object_set_new(metadata, "first_call", json_real(v->first_call));
    if (v->instructions > 0) {
        json_object_set_new(metadata, "instructions_per_call", json_real(v->instructions));
        if (w->n_variants > 0 && w->variants[0].instructions > 0) {
            json_object_set_new(metadata, "instructions_speedup",
                                json_real(w->variants[0].instructions / v->instructions));
        }
    }
    if (v->has_speedup) {
        json_t *speedup = json_pack("{s:f, s:f, s:f, s:f, s:I, s:s, s:b}",
                                    "speedup", v->speedup, "speedup_ci_low", v->ci_low,
                                    "speedup_ci_high", v->ci_high, "p_value", v->p_value,
                                    "speedup_pairs", (json_int_t)v->pairs,
                                    "verdict", stats_verdict_name(v->verdict),
                                    "significant", v->verdict == STATS_FASTER
                                                   || v->verdict == STATS_SLOWER);
        json_object_update(metadata, speedup);
        json_decref(speedup);
    }
    return json_pack("{s:o, s:o}", "metadata", metadata, "runs", runs_array(w, v));
}

/* What pyperf has no place for: every workload and variant with its status,
 * including the ones that produced no values. */
static json_t *
workload_summary(const struct workload_result *w)
{
    json_t *variants = json_array();
    for (size_t k = 0; variants != NULL && k < w->n_variants; k++) {
        const struct variant_result *v = &w->variants[k];
        json_t *item = json_pack("{s:s, s:s}", "variant", v->name, "status",
                                 status_name(v->status));
        if (item == NULL) {
            continue;
        }
        set_optional_string(item, "detail", v->detail);
        set_optional_string(item, "note", w->notes[k]);
        set_optional_string(item, "unstable", v->unstable);
        set_optional_string(item, "reduced", v->reduced);
        set_optional_string(item, "output", v->output);
        if (v->output_lines > 0) {
            json_object_set_new(item, "output_lines", json_integer(v->output_lines));
        }
        if (v->n_values > 0) {
            json_t *summary = json_pack("{s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f}",
                                        "values", (json_int_t)v->summary.n,
                                        "median", v->summary.median, "q1", v->summary.q1,
                                        "q3", v->summary.q3, "iqr", v->summary.iqr,
                                        "mad", v->summary.mad, "min", v->summary.min,
                                        "mean", v->summary.mean, "sd", v->summary.sd);
            json_object_update(item, summary);
            json_decref(summary);
            json_object_set_new(item, "spread", json_real(v->spread));
            json_object_set_new(item, "process_spread", json_real(v->process_spread));
            json_object_set_new(item, "plan", json_pack(
                "{s:i, s:i, s:i, s:b}", "processes", v->plan.processes, "rounds",
                v->plan.rounds, "warmups", v->plan.warmups, "calibrated", v->plan.calibrate));
        }
        if (v->has_speedup) {
            json_object_set_new(item, "speedup", json_real(v->speedup));
            json_object_set_new(item, "speedup_ci_low", json_real(v->ci_low));
            json_object_set_new(item, "speedup_ci_high", json_real(v->ci_high));
            json_object_set_new(item, "verdict", json_string(stats_verdict_name(v->verdict)));
            json_object_set_new(item, "significant", json_boolean(v->verdict == STATS_FASTER
                                                                  || v->verdict == STATS_SLOWER));
            if (v->range_low > 0) {
                json_object_set_new(item, "speedup_range", json_pack(
                    "[f, f]", v->range_low, v->range_high));
                json_object_set_new(item, "speedup_range_of", json_string(
                    v->range_of_processes ? "processes" : "rounds"));
            }
        }
        json_array_append_new(variants, item);
    }
    json_t *summary = json_pack("{s:s, s:I, s:b, s:b, s:f, s:I, s:o}",
                                "workload", w->id, "n", (json_int_t)w->n,
                                "ok", workload_result_ok(w), "partial", w->partial,
                                "duration", w->duration, "processes", (json_int_t)w->n_processes,
                                "variants", variants);
    if (summary != NULL && w->no_baseline) {
        json_object_set_new(summary, "no_baseline", json_true());
    }
    if (summary != NULL) {
        set_optional_string(summary, "interpreter", w->interpreter);
        set_optional_string(summary, "title", w->title);
        set_optional_string(summary, "section", w->section);
        set_optional_string(summary, "path", w->path);
        set_optional_string(summary, "source_sha256", w->source_sha256);
        set_optional_string(summary, "explanation", w->explanation);
        if (w->sources != NULL) {
            json_object_set(summary, "sources", w->sources);
        }
        set_optional_string(summary, "error", w->error);
        set_optional_string(summary, "no_native", w->no_native);
    }
    return summary;
}

/* One entry per variant of a sweep: its sizes, medians and growth exponent. */
static void
add_growth(json_t *growth, const struct workload_result *sizes, size_t count,
           const struct growth *fit)
{
    for (size_t k = 0; k < sizes[0].n_variants; k++) {
        json_t *ns = json_array(), *medians = json_array();
        for (size_t s = 0; s < count; s++) {
            if (k < sizes[s].n_variants && sizes[s].variants[k].n_values > 0) {
                json_array_append_new(ns, json_integer(sizes[s].n));
                json_array_append_new(medians, json_real(sizes[s].variants[k].summary.median));
            }
        }
        json_t *item = json_pack("{s:s, s:s, s:o, s:o}", "workload", sizes[0].id,
                                 "variant", sizes[0].variants[k].name, "n", ns,
                                 "median", medians);
        const struct variant_growth *g = k < fit->n_variants ? &fit->variants[k] : NULL;
        if (item != NULL) {
            set_optional_string(item, "interpreter", sizes[0].interpreter);
            if (g != NULL && g->fitted) {
                json_object_set_new(item, "exponent", json_real(g->exponent));
                json_object_set_new(item, "exponent_ci_low", json_real(g->low));
                json_object_set_new(item, "exponent_ci_high", json_real(g->high));
            }
        }
        json_array_append_new(growth, item);
    }
}

/* Where two variants of a sweep swap order. */
static void
add_crossovers(json_t *list, const struct workload_result *sizes, const struct growth *fit)
{
    const struct crossover *crossings = fit->crossings;
    for (size_t i = 0; i < fit->n_crossings; i++) {
        json_t *item = json_pack("{s:s, s:s, s:s, s:I, s:I, s:f}", "workload", sizes[0].id,
                                 "faster_after", sizes[0].variants[crossings[i].a].name,
                                 "faster_before", sizes[0].variants[crossings[i].b].name,
                                 "between_low", (json_int_t)crossings[i].below,
                                 "between_high", (json_int_t)crossings[i].above,
                                 "n", crossings[i].n);
        if (item != NULL) {
            set_optional_string(item, "interpreter", sizes[0].interpreter);
        }
        json_array_append_new(list, item);
    }
}

json_t *
results_to_json(const struct run_record *run)
{
    json_t *benchmarks = json_array();
    json_t *summaries = json_array();
    json_t *growth = json_array();
    json_t *crossovers = json_array();
    json_t *common = json_deep_copy(run->metadata != NULL ? run->metadata : json_object());
    json_t *interpreters = run->interpreters != NULL ? json_deep_copy(run->interpreters)
                                                     : json_array();
    if (benchmarks == NULL || summaries == NULL || growth == NULL || common == NULL
        || interpreters == NULL) {
        goto error;
    }
    json_object_set_new(common, "partial", json_boolean(run->partial));
    for (size_t i = 0; i < run->count; i++) {
        const struct workload_result *w = &run->workloads[i];
        if (w->id == NULL) {
            continue;   /* interrupted before it was loaded */
        }
        for (size_t k = 0; k < w->n_variants; k++) {
            if (w->variants[k].n_values > 0) {
                json_t *bench = benchmark_json(run, w, &w->variants[k]);
                if (bench == NULL) {
                    goto error;
                }
                json_array_append_new(benchmarks, bench);
            }
        }
        json_array_append_new(summaries, workload_summary(w));
    }
    for (size_t g = 0; g < run->n_sweeps; g++) {
        const struct result_group *sweep = &run->sweeps[g];
        if (sweep->count > 1 && run->workloads[sweep->first].n_variants > 0) {
            add_growth(growth, &run->workloads[sweep->first], sweep->count, &sweep->growth);
            add_crossovers(crossovers, &run->workloads[sweep->first], &sweep->growth);
        }
    }
    return json_pack("{s:s, s:o, s:o, s:{s:b, s:o, s:o, s:o, s:o}}", "version", "1.0",
                     "metadata", common, "benchmarks", benchmarks,
                     "optdemo", "partial", run->partial, "interpreters", interpreters,
                     "workloads", summaries, "growth", growth, "crossovers", crossovers);
error:
    json_decref(benchmarks);
    json_decref(summaries);
    json_decref(growth);
    json_decref(crossovers);
    json_decref(common);
    json_decref(interpreters);
    return NULL;
}
