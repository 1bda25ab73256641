/* results.c: building the pyperf-layout JSON with jansson, and the atomic
 * write every output file goes through (mkstemp in the target's folder,
 * write, fsync, rename): a Ctrl-C or a full disk never leaves half a file. */
#include "results.h"

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
warmups_array(const struct variant_result *v)
{
    json_t *array = json_array();
    for (size_t i = 0; array != NULL && i < v->n_warmups; i++) {
        json_array_append_new(array, json_pack("[I f]", (json_int_t)v->loops, v->warmups[i]));
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

static json_t *
benchmark_json(const struct workload_result *w, const struct variant_result *v)
{
    char *name = NULL;
    if (asprintf(&name, "%s/%s@%ld", w->id, v->name, w->n) < 0) {
        return NULL;
    }
    json_t *metadata = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:b, s:s, s:s}",
                                 "name", name, "workload", w->id, "variant", v->name,
                                 "n", (json_int_t)w->n, "loops", (json_int_t)v->loops,
                                 "unit", "second", "checked", v->status == VARIANT_OK,
                                 "status", status_name(v->status), "gc", w->gc ? "on" : "off");
    free(name);
    if (metadata == NULL) {
        return NULL;
    }
    set_optional_string(metadata, "optdemo_detail", v->detail);
    if (v->memory_peak >= 0) {
        json_object_set_new(metadata, "memory_peak", json_integer(v->memory_peak));
        json_object_set_new(metadata, "memory_per_item",
                            json_real((double)v->memory_peak / (double)w->n));
    }
    json_object_set_new(metadata, "first_call", json_real(v->first_call));
    if (v->has_speedup) {
        json_t *speedup = json_pack("{s:f, s:f, s:f, s:f, s:f, s:b}",
                                    "speedup", v->speedup, "speedup_ci_low", v->ci_low,
                                    "speedup_ci_high", v->ci_high, "paired_ratio_median",
                                    v->paired_median, "p_value", v->p_value,
                                    "significant", v->significant);
        json_object_update(metadata, speedup);
        json_decref(speedup);
    }
    json_t *run = json_pack("{s:{s:I}, s:o, s:o}",
                            "metadata", "calibrate_loops", (json_int_t)v->loops,
                            "warmups", warmups_array(v),
                            "values", values_array(v->values, v->n_values));
    return json_pack("{s:o, s:[o]}", "metadata", metadata, "runs", run);
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
        if (v->n_values > 0) {
            json_t *summary = json_pack("{s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f}",
                                        "values", (json_int_t)v->summary.n,
                                        "median", v->summary.median, "q1", v->summary.q1,
                                        "q3", v->summary.q3, "iqr", v->summary.iqr,
                                        "mad", v->summary.mad, "min", v->summary.min,
                                        "mean", v->summary.mean, "sd", v->summary.sd);
            json_object_update(item, summary);
            json_decref(summary);
        }
        if (v->has_speedup) {
            json_object_set_new(item, "speedup", json_real(v->speedup));
            json_object_set_new(item, "significant", json_boolean(v->significant));
        }
        json_array_append_new(variants, item);
    }
    json_t *summary = json_pack("{s:s, s:I, s:b, s:b, s:f, s:o}",
                                "workload", w->id, "n", (json_int_t)w->n,
                                "ok", workload_result_ok(w), "partial", w->partial,
                                "duration", w->duration, "variants", variants);
    if (summary != NULL) {
        set_optional_string(summary, "title", w->title);
        set_optional_string(summary, "section", w->section);
        set_optional_string(summary, "path", w->path);
        set_optional_string(summary, "error", w->error);
        set_optional_string(summary, "no_native", w->no_native);
    }
    return summary;
}

/* One entry per variant of every workload that ran at several sizes in a
 * row (a sweep): its sizes, medians and growth exponent. */
static void
add_growth(json_t *growth, const struct workload_result *sizes, size_t count)
{
    for (size_t k = 0; k < sizes[0].n_variants; k++) {
        double exponent = 0;
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
        if (item != NULL && harness_growth_exponent(sizes, count, k, &exponent)) {
            json_object_set_new(item, "exponent", json_real(exponent));
        }
        json_array_append_new(growth, item);
    }
}

json_t *
results_to_json(const struct workload_result *workloads, size_t n, json_t *metadata,
                bool partial)
{
    json_t *benchmarks = json_array();
    json_t *summaries = json_array();
    json_t *growth = json_array();
    json_t *common = json_deep_copy(metadata != NULL ? metadata : json_object());
    if (benchmarks == NULL || summaries == NULL || growth == NULL || common == NULL) {
        goto error;
    }
    json_object_set_new(common, "partial", json_boolean(partial));
    for (size_t i = 0; i < n; i++) {
        const struct workload_result *w = &workloads[i];
        for (size_t k = 0; k < w->n_variants; k++) {
            if (w->variants[k].n_values > 0) {
                json_t *bench = benchmark_json(w, &w->variants[k]);
                if (bench == NULL) {
                    goto error;
                }
                json_array_append_new(benchmarks, bench);
            }
        }
        json_array_append_new(summaries, workload_summary(w));
        /* A run of the same workload at several sizes: a sweep. */
        size_t same = 1;
        while (i + same < n && w->id != NULL && workloads[i + same].id != NULL
               && strcmp(workloads[i + same].id, w->id) == 0 && workloads[i + same].n_variants > 0) {
            same++;
        }
        if (same > 1 && w->n_variants > 0) {
            for (size_t s = 1; s < same; s++) {
                const struct workload_result *other = &workloads[i + s];
                for (size_t k = 0; k < other->n_variants; k++) {
                    if (other->variants[k].n_values > 0) {
                        json_t *bench = benchmark_json(other, &other->variants[k]);
                        if (bench == NULL) {
                            goto error;
                        }
                        json_array_append_new(benchmarks, bench);
                    }
                }
                json_array_append_new(summaries, workload_summary(other));
            }
            add_growth(growth, w, same);
            i += same - 1;
        }
    }
    return json_pack("{s:s, s:o, s:o, s:{s:b, s:o, s:o}}", "version", "1.0",
                     "metadata", common, "benchmarks", benchmarks,
                     "optdemo", "partial", partial, "workloads", summaries, "growth", growth);
error:
    json_decref(benchmarks);
    json_decref(summaries);
    json_decref(growth);
    json_decref(common);
    return NULL;
}
