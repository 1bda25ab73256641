/* compare.c: reading results files (pyperf's layout, optdemo's or pyperf's
 * own) and comparing them benchmark by benchmark.  Key choices:
 * - the values of a benchmark stay grouped by run (worker process), and the
 *   CI resamples runs, then values, in each file apart
 *   (stats_bootstrap_ratio_ci_apart): two files are two sets of processes;
 * - the verdict is the one `optdemo run` gives (stats_verdict), from the
 *   same values as the CI;
 * - the geometric mean's CI comes from the same resampling, all benchmarks
 *   resampled together in each round, so it carries each one's uncertainty;
 * - unequal numbers of values are fine (pyperf's compare_to refuses them);
 *   a changed workload source is not (the numbers would describe different
 *   code). */
#include "compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_field.h"
#include "text.h"

static const uint64_t COMPARE_SEED = 0xc0a1e5ceULL;

/* ---- reading ----------------------------------------------------------------- */

static void
sample_clear(struct bench_sample *sample)
{
    free(sample->name);
    free(sample->unit);
    free(sample->source_sha256);
    free(sample->values);
    free(sample->run_sizes);
    memset(sample, 0, sizeof *sample);
}

void
compare_file_clear(struct results_file *file)
{
    for (size_t i = 0; i < file->count; i++) {
        sample_clear(&file->benchmarks[i]);
    }
    free(file->benchmarks);
    free(file->path);
    free(file->label);
    free(file->description);
    json_decref(file->metadata);
    memset(file, 0, sizeof *file);
}

/* The runs' values of one benchmark.  0; -1 with *error on a bad value. */
static int
read_runs(const json_t *runs, struct bench_sample *sample, char **error)
{
    size_t total = 0, index;
    const json_t *run;
    json_array_foreach(runs, index, run) {
        total += json_array_size(json_object_get(run, "values"));
    }
    sample->values = malloc((total + 1) * sizeof *sample->values);
    sample->run_sizes = malloc((json_array_size(runs) + 1) * sizeof *sample->run_sizes);
    if (sample->values == NULL || sample->run_sizes == NULL) {
        *error = text_copy("out of memory");
        return -1;
    }
    json_array_foreach(runs, index, run) {
        const json_t *values = json_object_get(run, "values");
        size_t i, before = sample->n_values;
        const json_t *value;
        json_array_foreach(values, i, value) {
            double number = json_number_value(value);
            if (!json_is_number(value) || !(number > 0) || !isfinite(number)) {
                *error = text_format("%s: run %zu holds a value that is not a positive number",
                                     sample->name, index + 1);
                return -1;
            }
            sample->values[sample->n_values++] = number;
        }
        if (sample->n_values > before) {
            sample->run_sizes[sample->n_runs++] = sample->n_values - before;
        }
    }
    return 0;
}

/* What a free-threaded build's metadata says of its GIL, or "" for a build
 * with a GIL (interpreters.c's interpreter_gil_words, for results files). */
static const char *
gil_words(const json_t *metadata)
{
    if (!json_is_true(json_object_get(metadata, "free_threaded"))) {
        return "";
    }
    return json_is_true(json_object_get(metadata, "gil_enabled"))
               ? " (free-threaded, GIL re-enabled at run time)"
               : " (free-threaded, GIL disabled)";
}

/* "cpython 3.11.2 release (/usr/bin/python3.11); AMD EPYC x2; 2026-12-02 ..." */
static char *
describe_file(const json_t *metadata)
{
    const char *implementation = json_field_string(metadata, "python_implementation", NULL);
    const char *version = json_field_string(metadata, "python_version", NULL);
    const char *build = json_field_string(metadata, "python_build", NULL);
    const char *executable = json_field_string(metadata, "python_executable", NULL);
    const char *cpu = json_field_string(metadata, "cpu_model_name", NULL);
    const char *date = json_field_string(metadata, "date", NULL);
    return text_format("%s %s%s%s%s%s%s%s; %s; %s",
                       implementation != NULL ? implementation : "several interpreters or unknown",
                       version != NULL ? version : "", build != NULL ? " " : "",
                       build != NULL ? build : "", gil_words(metadata),
                       executable != NULL ? " (" : "",
                       executable != NULL ? executable : "", executable != NULL ? ")" : "",
                       cpu != NULL ? cpu : "unknown CPU", date != NULL ? date : "undated");
}

/* The benchmark's name without " [label]", when it was measured on
 * `interpreter` (NULL: every benchmark, names as they are).  NULL when it
 * belongs to another interpreter. */
static char *
benchmark_name(const json_t *metadata, const json_t *common, size_t index,
               const char *interpreter)
{
    const char *name = json_field_string(metadata, "name", NULL);
    name = name != NULL ? name : json_field_string(common, "name", NULL);
    if (interpreter == NULL) {
        return name != NULL ? text_copy(name) : text_format("benchmark %zu", index + 1);
    }
    const char *label = json_field_string(metadata, "interpreter", NULL);
    if (name == NULL || label == NULL || strcmp(label, interpreter) != 0) {
        return NULL;
    }
    const char *suffix = strstr(name, " [");
    return suffix != NULL ? strndup(name, (size_t)(suffix - name)) : text_copy(name);
}

int
compare_read(const json_t *root, const char *path, const char *interpreter,
             struct results_file *out, char **error)
{
    int rc = -1;
    memset(out, 0, sizeof *out);
    const json_t *benchmarks = json_object_get(root, "benchmarks");
    const json_t *common = json_object_get(root, "metadata");
    if (!json_is_array(benchmarks)) {
        *error = text_format("%s: not a results file (pyperf's layout: a \"benchmarks\" list)",
                             path);
        return -1;
    }
    const char *slash = strrchr(path, '/');
    out->path = text_copy(path);
    out->label = interpreter != NULL ? text_copy(interpreter)
                                     : text_copy(slash != NULL ? slash + 1 : path);
    out->description = describe_file(common);
    out->metadata = json_is_object(common) ? json_deep_copy(common) : json_object();
    out->from_optdemo = json_object_get(root, "optdemo") != NULL;
    out->benchmarks = calloc(json_array_size(benchmarks) + 1, sizeof *out->benchmarks);
    if (out->path == NULL || out->label == NULL || out->description == NULL
        || out->metadata == NULL || out->benchmarks == NULL) {
        *error = text_copy("out of memory");
        goto done;
    }
    size_t index;
    const json_t *bench;
    json_array_foreach(benchmarks, index, bench) {
        const json_t *metadata = json_object_get(bench, "metadata");
        const char *unit = json_field_string(metadata, "unit", NULL);
        char *name = benchmark_name(metadata, common, index, interpreter);
        if (name == NULL) {
            continue;  /* another interpreter's */
        }
        struct bench_sample *sample = &out->benchmarks[out->count++];
        unit = unit != NULL ? unit : json_field_string(common, "unit", NULL);
        sample->name = name;
        sample->unit = text_copy(unit != NULL ? unit : "second");
        sample->source_sha256 = text_copy(json_field_string(metadata, "workload_sha256", NULL));
        if (sample->unit == NULL) {
            *error = text_copy("out of memory");
            goto done;
        }
        if (read_runs(json_object_get(bench, "runs"), sample, error) < 0) {
            goto done;
        }
    }
    rc = 0;
done:
    if (rc < 0) {
        compare_file_clear(out);
    }
    return rc;
}

int
compare_load(const char *path, struct results_file *out, char **error)
{
    json_error_t problem;
    memset(out, 0, sizeof *out);
    size_t length = strlen(path);
    if (length > 3 && strcmp(path + length - 3, ".gz") == 0) {
        *error = text_format("%s: compressed; run gunzip on it first", path);
        return -1;
    }
    json_t *root = json_load_file(path, 0, &problem);
    if (root == NULL) {
        *error = text_format("%s: %s%s", path, problem.line > 0 ? "not JSON: " : "",
                             problem.text);
        return -1;
    }
    int rc = compare_read(root, path, NULL, out, error);
    json_decref(root);
    return rc;
}

/* ---- comparing ---------------------------------------------------------------- */

static const struct bench_sample *
find_sample(const struct results_file *file, const char *name)
{
    for (size_t i = 0; i < file->count; i++) {
        if (strcmp(file->benchmarks[i].name, name) == 0) {
            return &file->benchmarks[i];
        }
    }
    return NULL;
}

static struct stats_groups
groups_of(const struct bench_sample *sample)
{
    return (struct stats_groups){sample->values, sample->run_sizes, sample->n_runs};
}

static size_t
largest_run(const struct bench_sample *sample)
{
    size_t largest = 0;
    for (size_t r = 0; r < sample->n_runs; r++) {
        largest = sample->run_sizes[r] > largest ? sample->run_sizes[r] : largest;
    }
    return largest;
}

/* The median of one two-stage resample of `sample` (scratch holds n_runs
 * times its largest run). */
static double
resampled_median(const struct bench_sample *sample, struct stats_rng *rng, double *scratch)
{
    struct stats_groups groups = groups_of(sample);
    size_t count = stats_resample_groups(&groups, rng, scratch);
    stats_sort(scratch, count);
    return stats_median_sorted(scratch, count);
}

/* The geometric mean of the rows' speedups (those in seconds) and its CI:
 * every row resampled in each round.  0, or -1 on no memory. */
static int
geometric_mean(struct comparison *out, const struct compare_options *options)
{
    double *logs = malloc(((size_t)options->resamples + 1) * sizeof *logs);
    double *scratch = NULL;
    size_t capacity = 1, count = 0;
    int rc = -1;
    for (size_t i = 0; i < out->n_rows; i++) {
        const struct bench_sample *a = find_sample(out->reference, out->rows[i].name);
        const struct bench_sample *b = find_sample(out->other, out->rows[i].name);
        size_t need_a = a->n_runs * largest_run(a), need_b = b->n_runs * largest_run(b);
        capacity = need_a > capacity ? need_a : capacity;
        capacity = need_b > capacity ? need_b : capacity;
    }
    scratch = malloc(capacity * sizeof *scratch);
    if (logs == NULL || scratch == NULL) {
        goto done;
    }
    double sum = 0;
    for (size_t i = 0; i < out->n_rows; i++) {
        if (strcmp(out->rows[i].unit, "second") == 0) {
            sum += log(out->rows[i].speedup);
            count++;
        }
    }
    out->geometric_count = count;
    out->has_geometric_mean = count > 0;
    if (count == 0) {
        rc = 0;
        goto done;
    }
    out->geometric_mean = exp(sum / (double)count);
    struct stats_rng rng;
    stats_rng_seed(&rng, COMPARE_SEED);
    for (unsigned r = 0; r < options->resamples; r++) {
        double total = 0;
        for (size_t i = 0; i < out->n_rows; i++) {
            if (strcmp(out->rows[i].unit, "second") != 0) {
                continue;
            }
            const struct bench_sample *a = find_sample(out->reference, out->rows[i].name);
            const struct bench_sample *b = find_sample(out->other, out->rows[i].name);
            double median_a = resampled_median(a, &rng, scratch);
            double median_b = resampled_median(b, &rng, scratch);
            total += log(median_a / median_b);
        }
        logs[r] = total / (double)count;
    }
    stats_sort(logs, options->resamples);
    out->geometric_low = exp(stats_quantile_sorted(logs, options->resamples, 0.025));
    out->geometric_high = exp(stats_quantile_sorted(logs, options->resamples, 0.975));
    rc = 0;
done:
    free(logs);
    free(scratch);
    return rc;
}

static int
push_name(const char ***names, size_t *count, const char *name)
{
    const char **grown = realloc(*names, (*count + 1) * sizeof *grown);
    if (grown == NULL) {
        return -1;
    }
    grown[(*count)++] = name;
    *names = grown;
    return 0;
}

/* The row of one benchmark found in both files.  0, or -1 when the
 * statistics could not be computed (no memory). */
static int
compare_row(const struct bench_sample *a, const struct bench_sample *b,
            const struct compare_options *options, uint64_t seed, struct compare_row *row)
{
    struct stats_groups ga = groups_of(a), gb = groups_of(b);
    double u = 0;
    row->name = a->name;
    row->unit = a->unit;
    row->reference = stats_median(a->values, a->n_values);
    row->other = stats_median(b->values, b->n_values);
    row->speedup = row->reference / row->other;
    row->n_reference = a->n_values;
    row->n_other = b->n_values;
    if (stats_bootstrap_ratio_ci_apart(&ga, &gb, options->resamples, 0.95, seed, &row->low,
                                       &row->high) != STATS_OK
        || stats_mann_whitney(a->values, a->n_values, b->values, b->n_values, &u,
                              &row->p_value) != STATS_OK) {
        return -1;
    }
    row->verdict = stats_verdict(row->speedup, row->low, row->high, row->p_value, a->n_values,
                                 b->n_values, options->alpha, options->min_effect);
    return 0;
}

static int
warn(struct comparison *out, char *text)
{
    char **grown = text != NULL ? realloc(out->warnings, (out->n_warnings + 1) * sizeof *grown)
                                : NULL;
    if (grown == NULL) {
        free(text);
        return -1;
    }
    grown[out->n_warnings++] = text;
    out->warnings = grown;
    return 0;
}

/* A warning when both files name `key` and the values differ (in their
 * first word: pyperf writes "3.11.2 (64-bit)", optdemo "3.11.2"). */
static int
warn_if_different(struct comparison *out, const char *key, const char *what,
                  const char *consequence)
{
    const char *a = json_field_string(out->reference->metadata, key, NULL);
    const char *b = json_field_string(out->other->metadata, key, NULL);
    size_t length = a != NULL ? strcspn(a, " ") : 0;
    if (a == NULL || b == NULL || (strncmp(a, b, length) == 0 && strcspn(b, " ") == length)) {
        return 0;
    }
    return warn(out, text_format("%s differ: %s in the reference, %s in %s%s%s", what, a, b,
                                 out->other->label, consequence[0] != '\0' ? ": " : "",
                                 consequence));
}

/* Where the two runs' conditions differ, as the metadata tells. */
static int
compare_conditions(struct comparison *out)
{
    const json_t *a = out->reference->metadata, *b = out->other->metadata;
    const json_t *load_a = json_object_get(a, "load_avg_1min");
    const json_t *load_b = json_object_get(b, "load_avg_1min");
    const json_t *cpus = json_object_get(a, "cpu_count");
    double busy = json_is_integer(cpus) ? (double)json_integer_value(cpus) / 2 : 1;
    if (warn_if_different(out, "optdemo_template", "the timing templates",
                          "each adds its own overhead to every call") < 0
        || warn_if_different(out, "python_implementation", "the interpreters", "") < 0
        || warn_if_different(out, "python_version", "the Python versions", "") < 0
        || warn_if_different(out, "python_build", "the Python builds", "") < 0
        || warn_if_different(out, "cpu_model_name", "the CPUs", "") < 0
        || warn_if_different(out, "numpy_version", "the NumPy versions", "") < 0
        || warn_if_different(out, "numpy_blas_kind", "the BLAS libraries", "") < 0
        || warn_if_different(out, "optdemo_gc", "the collector settings", "") < 0) {
        return -1;
    }
    /* The GIL: on in one run and off in the other changes what threads do. */
    const json_t *gil_a = json_object_get(a, "gil_enabled");
    const json_t *gil_b = json_object_get(b, "gil_enabled");
    if (json_is_boolean(gil_a) && json_is_boolean(gil_b) && !json_equal(gil_a, gil_b)
        && warn(out, text_format("the GIL differs: %s in the reference, %s in %s: threads of "
                                 "Python code run at once only where it is off",
                                 json_is_true(gil_a) ? "on" : "off",
                                 json_is_true(gil_b) ? "on" : "off", out->other->label)) < 0) {
        return -1;
    }
    /* Load: half the CPUs busy or more apart, and one run past that. */
    if (json_is_number(load_a) && json_is_number(load_b)) {
        double la = json_number_value(load_a), lb = json_number_value(load_b);
        if (fabs(la - lb) >= busy && (la >= busy || lb >= busy)
            && warn(out, text_format("the machine's load differed: a 1-minute load average of "
                                     "%.2f in the reference, %.2f in %s: the busier run's "
                                     "times are slower and noisier", la, lb,
                                     out->other->label)) < 0) {
            return -1;
        }
    }
    return 0;
}

int
compare_files(const struct results_file *reference, const struct results_file *other,
              const struct compare_options *options, struct comparison *out)
{
    memset(out, 0, sizeof *out);
    out->reference = reference;
    out->other = other;
    out->rows = calloc(reference->count + 1, sizeof *out->rows);
    if (out->rows == NULL) {
        return -1;
    }
    for (size_t i = 0; i < reference->count; i++) {
        const struct bench_sample *a = &reference->benchmarks[i];
        const struct bench_sample *b = find_sample(other, a->name);
        if (find_sample(reference, a->name) != a || a->n_values == 0) {
            continue;  /* a repeated name: the first one counts; or nothing measured */
        }
        if (b == NULL || b->n_values == 0) {
            if (push_name(&out->only_reference, &out->n_only_reference, a->name) < 0) {
                return -1;
            }
            continue;
        }
        if (a->source_sha256 != NULL && b->source_sha256 != NULL
            && strcmp(a->source_sha256, b->source_sha256) != 0) {
            if (push_name(&out->changed, &out->n_changed, a->name) < 0) {
                return -1;
            }
            continue;
        }
        if (compare_row(a, b, options, COMPARE_SEED + i, &out->rows[out->n_rows]) < 0) {
            return -1;
        }
        out->n_rows++;
    }
    for (size_t i = 0; i < other->count; i++) {
        const struct bench_sample *b = &other->benchmarks[i];
        const struct bench_sample *a = find_sample(reference, b->name);
        if ((a == NULL || a->n_values == 0) && b->n_values > 0
            && push_name(&out->only_other, &out->n_only_other, b->name) < 0) {
            return -1;
        }
    }
    if (compare_conditions(out) < 0) {
        return -1;
    }
    return geometric_mean(out, options);
}

void
comparison_clear(struct comparison *comparison)
{
    free(comparison->rows);
    free(comparison->only_reference);
    free(comparison->only_other);
    free(comparison->changed);
    for (size_t i = 0; i < comparison->n_warnings; i++) {
        free(comparison->warnings[i]);
    }
    free(comparison->warnings);
    memset(comparison, 0, sizeof *comparison);
}

static json_t *
names_array(const char **names, size_t count)
{
    json_t *array = json_array();
    for (size_t i = 0; array != NULL && i < count; i++) {
        json_array_append_new(array, json_string(names[i]));
    }
    return array;
}

json_t *
comparison_to_json(const struct comparison *comparison)
{
    json_t *rows = json_array();
    for (size_t i = 0; rows != NULL && i < comparison->n_rows; i++) {
        const struct compare_row *row = &comparison->rows[i];
        json_array_append_new(rows, json_pack(
            "{s:s, s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:I, s:I, s:s}",
            "name", row->name, "unit", row->unit, "reference_median", row->reference,
            "other_median", row->other, "speedup", row->speedup, "speedup_ci_low", row->low,
            "speedup_ci_high", row->high, "p_value", row->p_value,
            "reference_values", (json_int_t)row->n_reference,
            "other_values", (json_int_t)row->n_other, "verdict", stats_verdict_name(row->verdict)));
    }
    json_t *warnings = json_array();
    for (size_t i = 0; warnings != NULL && i < comparison->n_warnings; i++) {
        json_array_append_new(warnings, json_string(comparison->warnings[i]));
    }
    json_t *result = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o}",
                               "reference", comparison->reference->path,
                               "other", comparison->other->path, "rows", rows,
                               "warnings", warnings,
                               "only_in_reference", names_array(comparison->only_reference,
                                                                comparison->n_only_reference),
                               "only_in_other", names_array(comparison->only_other,
                                                            comparison->n_only_other),
                               "source_changed", names_array(comparison->changed,
                                                             comparison->n_changed));
    if (result != NULL && comparison->has_geometric_mean) {
        json_object_set_new(result, "geometric_mean",
                            json_pack("{s:f, s:f, s:f, s:I}", "speedup",
                                      comparison->geometric_mean, "ci_low",
                                      comparison->geometric_low, "ci_high",
                                      comparison->geometric_high, "benchmarks",
                                      (json_int_t)comparison->geometric_count));
    }
    return result;
}
