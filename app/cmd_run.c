/* cmd_run.c: `optdemo run [pitfalls | ID... | FILE.py...]`.  Checks its
 * arguments and output paths before starting anything, measures workload
 * after workload (each block printed as soon as it is done), and on Ctrl-C
 * stops at once and writes what is finished, marked partial. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "interp.h"
#include "metadata.h"
#include "optdemo.h"
#include "report.h"
#include "results.h"

struct run_options {
    struct harness_options harness;
    enum size_choice size_choice;
    long size;                 /* --size, 0 when not given */
    char **only;               /* --variants, NULL-terminated, or NULL */
    const char *json_path;
    const char *markdown_path;
    bool no_color;
    bool quick, rigorous;
    bool sweep;                /* every size in SIZES["sweep"], then growth */
};

static void
usage(FILE *out)
{
    fprintf(out,
        "usage: optdemo run [OPTIONS] [pitfalls | WORKLOAD-ID... | path/to/workload.py...]\n"
        "\n"
        "Measure each workload's variants (before, after, native, ...), check that they\n"
        "all give before's result, and print medians, speedups with 95%% CIs and memory.\n"
        "With no name, runs the pitfalls suite.\n"
        "\n"
        "options:\n"
        "  --quick             small sizes, 5 values of >= 10 ms each (a fast look)\n"
        "  --rigorous          15 -> 41 values of >= 100 ms each (slower, tighter CIs)\n"
        "  --variants A,B      only these variants (before always runs: it is the baseline)\n"
        "  --size N            run every workload at size N instead of its own size\n"
        "  --sweep             run every size in the workload's SIZES[\"sweep\"] and\n"
        "                      report how each variant's cost grows with n\n"
        "  --gc on|off         cyclic GC during timing (default on, like pyperf; off like timeit)\n"
        "  --rounds N          timed values per variant (default 15)\n"
        "  --min-time SECONDS  minimum duration of one value (default 0.05)\n"
        "  --budget SECONDS    skip a variant predicted to take longer (default 30)\n"
        "  --no-memory         skip the tracemalloc pass\n"
        "  --json FILE         write the results (pyperf's JSON layout), atomically\n"
        "  --markdown FILE     write a Markdown report, atomically\n"
        "  --no-color          no colour (also: NO_COLOR set, or stdout not a terminal)\n"
        "  -h, --help          this help\n"
        "\n"
        "exit codes: 0 all checked and measured, 1 a workload failed or a result\n"
        "mismatched, 2 usage (unknown workload, bad option, unwritable output), 130 Ctrl-C\n");
}

static int
parse_long(const char *text, long low, long *out)
{
    char *end = NULL;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < low) {
        return -1;
    }
    *out = value;
    return 0;
}

static int
parse_seconds(const char *text, double *out)
{
    char *end = NULL;
    errno = 0;
    double value = strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !(value > 0) || !isfinite(value)) {
        return -1;
    }
    *out = value;
    return 0;
}

/* "a,b,c" -> NULL-terminated array of strings (one allocation). */
static char **
split_list(const char *text)
{
    size_t count = 2;
    for (const char *p = text; *p; p++) {
        count += *p == ',';
    }
    size_t length = strlen(text) + 1;
    char **items = malloc(count * sizeof *items + length);
    if (items == NULL) {
        return NULL;
    }
    char *copy = (char *)(items + count);
    memcpy(copy, text, length);
    size_t n = 0;
    for (char *save = NULL, *item = strtok_r(copy, ",", &save); item != NULL;
         item = strtok_r(NULL, ",", &save)) {
        items[n++] = item;
    }
    items[n] = NULL;
    return items;
}

static int
parse_options(int argc, char **argv, struct run_options *opts, int *first_name)
{
    enum { OPT_QUICK = 256, OPT_RIGOROUS, OPT_VARIANTS, OPT_SIZE, OPT_GC, OPT_JSON,
           OPT_MARKDOWN, OPT_NO_COLOR, OPT_ROUNDS, OPT_MIN_TIME, OPT_BUDGET, OPT_NO_MEMORY,
           OPT_SWEEP };
    static const struct option long_options[] = {
        {"quick", no_argument, NULL, OPT_QUICK},
        {"rigorous", no_argument, NULL, OPT_RIGOROUS},
        {"variants", required_argument, NULL, OPT_VARIANTS},
        {"size", required_argument, NULL, OPT_SIZE},
        {"gc", required_argument, NULL, OPT_GC},
        {"json", required_argument, NULL, OPT_JSON},
        {"markdown", required_argument, NULL, OPT_MARKDOWN},
        {"no-color", no_argument, NULL, OPT_NO_COLOR},
        {"rounds", required_argument, NULL, OPT_ROUNDS},
        {"min-time", required_argument, NULL, OPT_MIN_TIME},
        {"budget", required_argument, NULL, OPT_BUDGET},
        {"no-memory", no_argument, NULL, OPT_NO_MEMORY},
        {"sweep", no_argument, NULL, OPT_SWEEP},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    long rounds = -1;
    double min_time = -1, budget = -1;
    int c;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            return 1;
        case OPT_QUICK: opts->quick = true; break;
        case OPT_RIGOROUS: opts->rigorous = true; break;
        case OPT_NO_COLOR: opts->no_color = true; break;
        case OPT_NO_MEMORY: opts->harness.memory = false; break;
        case OPT_SWEEP: opts->sweep = true; break;
        case OPT_JSON: opts->json_path = optarg; break;
        case OPT_MARKDOWN: opts->markdown_path = optarg; break;
        case OPT_VARIANTS:
            free(opts->only);
            opts->only = split_list(optarg);
            if (opts->only == NULL || opts->only[0] == NULL) {
                fprintf(stderr, "optdemo run: --variants needs a comma-separated list\n");
                return -1;
            }
            break;
        case OPT_SIZE:
            if (parse_long(optarg, 1, &opts->size) < 0) {
                fprintf(stderr, "optdemo run: --size needs a positive integer, not '%s'\n", optarg);
                return -1;
            }
            break;
        case OPT_ROUNDS:
            if (parse_long(optarg, 2, &rounds) < 0 || rounds > 100000) {
                fprintf(stderr, "optdemo run: --rounds needs an integer from 2, not '%s'\n", optarg);
                return -1;
            }
            break;
        case OPT_MIN_TIME:
            if (parse_seconds(optarg, &min_time) < 0) {
                fprintf(stderr, "optdemo run: --min-time needs positive seconds, not '%s'\n", optarg);
                return -1;
            }
            break;
        case OPT_BUDGET:
            if (parse_seconds(optarg, &budget) < 0) {
                fprintf(stderr, "optdemo run: --budget needs positive seconds, not '%s'\n", optarg);
                return -1;
            }
            break;
        case OPT_GC:
            if (strcmp(optarg, "on") != 0 && strcmp(optarg, "off") != 0) {
                fprintf(stderr, "optdemo run: --gc takes 'on' or 'off', not '%s'\n", optarg);
                return -1;
            }
            opts->harness.gc = strcmp(optarg, "on") == 0;
            break;
        default:
            fprintf(stderr, "optdemo run: unknown or incomplete option '%s'\n", argv[optind - 1]);
            return -1;
        }
    }
    if (opts->sweep && opts->size > 0) {
        fprintf(stderr, "optdemo run: --sweep and --size exclude each other\n");
        return -1;
    }
    if (opts->quick && opts->rigorous) {
        fprintf(stderr, "optdemo run: --quick and --rigorous exclude each other\n");
        return -1;
    }
    if (opts->quick) {
        opts->size_choice = SIZE_QUICK;
        opts->harness.min_time = 0.010;
        opts->harness.rounds = 5;
        opts->harness.budget = 5;
    } else if (opts->rigorous) {
        opts->harness.min_time = 0.100;
        opts->harness.rounds = 41;
        opts->harness.budget = 300;
    }
    if (rounds > 0) {
        opts->harness.rounds = (int)rounds;
    }
    if (min_time > 0) {
        opts->harness.min_time = min_time;
    }
    if (budget > 0) {
        opts->harness.budget = budget;
    }
    *first_name = optind;
    return 0;
}

/* The progress line: stderr only, only on a terminal, erased when done. */
static bool progress_on;
static int progress_index, progress_total;

static void
show_progress(const char *workload, const char *stage, int step, int steps)
{
    if (!progress_on) {
        return;
    }
    fprintf(stderr, "\r\033[K[%d/%d] %s: %s %d/%d", progress_index, progress_total, workload,
            stage, step, steps);
    fflush(stderr);
}

static void
clear_progress(void)
{
    if (progress_on) {
        fprintf(stderr, "\r\033[K");
        fflush(stderr);
    }
}

/* Resolve names to paths with optdemo.workloads.resolve.  Returns a list
 * (new reference), or NULL with *usage_error true when a name is unknown
 * (the message is printed). */
static PyObject *
resolve_names(int count, char **names, bool *usage_error)
{
    PyObject *list = PyList_New(0), *args = NULL, *paths = NULL;
    for (int i = 0; list != NULL && i < count; i++) {
        PyObject *name = PyUnicode_DecodeFSDefault(names[i]);
        if (name == NULL || PyList_Append(list, name) < 0) {
            Py_XDECREF(name);
            goto done;
        }
        Py_DECREF(name);
    }
    if (count == 0 && list != NULL) {
        PyObject *name = PyUnicode_FromString("pitfalls");
        if (name == NULL || PyList_Append(list, name) < 0) {
            Py_XDECREF(name);
            goto done;
        }
        Py_DECREF(name);
    }
    args = list != NULL ? PyTuple_Pack(1, list) : NULL;
    paths = args != NULL ? interp_call("optdemo.workloads", "resolve", args) : NULL;
done:
    if (paths == NULL) {
        if (PyErr_ExceptionMatches(PyExc_LookupError)) {
            *usage_error = true;
        }
        char *text = *usage_error ? interp_exception_message() : interp_exception_text(6);
        fprintf(stderr, "optdemo run: %s\n", text);
        free(text);
    }
    Py_XDECREF(list);
    Py_XDECREF(args);
    return paths;
}

/* The run's common metadata as JSON (through json.dumps: one converter). */
static json_t *
collect_metadata(const struct run_options *opts)
{
    PyObject *dict = metadata_collect(), *text = NULL;
    json_t *metadata = NULL;
    if (dict == NULL) {
        PyErr_Clear();
        return json_object();
    }
    PyObject *args = PyTuple_Pack(1, dict);
    text = args != NULL ? interp_call("json", "dumps", args) : NULL;
    Py_XDECREF(args);
    const char *utf8 = text != NULL ? PyUnicode_AsUTF8(text) : NULL;
    metadata = utf8 != NULL ? json_loads(utf8, 0, NULL) : NULL;
    PyErr_Clear();
    Py_XDECREF(text);
    Py_DECREF(dict);
    if (metadata == NULL) {
        metadata = json_object();
    }
    const struct harness_options *h = &opts->harness;
    json_object_set_new(metadata, "optdemo_rounds", json_integer(h->rounds));
    json_object_set_new(metadata, "optdemo_min_time", json_real(h->min_time));
    json_object_set_new(metadata, "optdemo_budget", json_real(h->budget));
    json_object_set_new(metadata, "optdemo_gc", json_string(h->gc ? "on" : "off"));
    json_object_set_new(metadata, "optdemo_mode",
                        json_string(opts->quick ? "quick" : opts->rigorous ? "rigorous" : "default"));
    json_object_set_new(metadata, "optdemo_sweep", json_boolean(opts->sweep));
    json_object_set_new(metadata, "optdemo_executor", json_string("in-process"));
    return metadata;
}

/* One line saying what the numbers describe, from the metadata. */
static const char *
metadata_text(json_t *metadata, const char *key, const char *missing)
{
    json_t *value = json_object_get(metadata, key);
    return json_is_string(value) ? json_string_value(value) : missing;
}

static char *
context_line(json_t *metadata)
{
    char *line = NULL;
    if (asprintf(&line, "%s %s %s, embedded with %s libpython (PGO: %s); numpy %s; %s x%lld",
                 metadata_text(metadata, "python_implementation", "python"),
                 metadata_text(metadata, "python_version", "?"),
                 metadata_text(metadata, "python_build", ""),
                 metadata_text(metadata, "libpython_link", "?"),
                 metadata_text(metadata, "libpython_pgo", "?"),
                 metadata_text(metadata, "numpy_version", "unavailable"),
                 metadata_text(metadata, "cpu_model_name", "unknown CPU"),
                 (long long)json_integer_value(json_object_get(metadata, "cpu_count"))) < 0) {
        line = NULL;
    }
    return line;
}

/* Room for one more result (zeroed). */
static int
grow_results(struct workload_result **results, size_t *capacity, size_t count)
{
    if (count < *capacity) {
        return 0;
    }
    size_t grown = *capacity > 0 ? *capacity * 2 : 16;
    struct workload_result *bigger = realloc(*results, grown * sizeof *bigger);
    if (bigger == NULL) {
        return -1;
    }
    memset(bigger + *capacity, 0, (grown - *capacity) * sizeof *bigger);
    *results = bigger;
    *capacity = grown;
    return 0;
}

/* --variants names must each be a variant of at least one workload to run:
 * a typo would otherwise leave every table with `before` alone.  Workloads
 * that do not load are skipped here; the run reports them.  0; -1 after
 * naming the unknown variant on stderr; 1 on Ctrl-C. */
static int
check_variant_names(struct executor *ex, PyObject *paths, char *const *only)
{
    int rc = 0;
    for (char *const *name = only; *name != NULL && rc == 0; name++) {
        bool found = strcmp(*name, "before") == 0;
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(paths) && !found; i++) {
            const struct workload_info *info = NULL;
            char *error = NULL;
            const char *path = PyUnicode_AsUTF8(PyList_GET_ITEM(paths, i));
            enum exec_status status = path != NULL ? ex->ops->load(ex, path, &info, &error)
                                                   : EXEC_ERROR;
            for (size_t k = 0; status == EXEC_OK && k < info->n_variants && !found; k++) {
                found = strcmp(info->variants[k], *name) == 0;
            }
            PyErr_Clear();
            free(error);
            ex->ops->unload(ex);
            if (status == EXEC_INTERRUPTED) {
                return 1;
            }
        }
        if (!found) {
            fprintf(stderr, "optdemo run: --variants: '%s' is not a variant of any workload "
                            "given (`optdemo show ID` lists a workload's variants)\n", *name);
            rc = -1;
        }
    }
    return rc;
}

/* The workload's SIZES["sweep"] (malloc'd copy), read by loading it once.
 * 0; -1 when it does not load (the run that follows reports why); 1 on
 * Ctrl-C. */
static int
sweep_sizes(struct executor *ex, const char *path, long **sizes, size_t *count)
{
    const struct workload_info *info = NULL;
    char *error = NULL;
    int rc = -1;
    enum exec_status status = ex->ops->load(ex, path, &info, &error);
    if (status == EXEC_INTERRUPTED) {
        rc = 1;
    } else if (status == EXEC_OK && info->n_sweep > 0) {
        *sizes = malloc(info->n_sweep * sizeof **sizes);
        if (*sizes != NULL) {
            memcpy(*sizes, info->sweep, info->n_sweep * sizeof **sizes);
            *count = info->n_sweep;
            rc = 0;
        }
    }
    free(error);
    ex->ops->unload(ex);
    return rc;
}

static int
write_outputs(const struct run_options *opts, const struct workload_result *results,
              size_t count, json_t *metadata, bool partial)
{
    int rc = 0;
    char *error = NULL;
    if (opts->json_path != NULL) {
        json_t *root = results_to_json(results, count, metadata, partial);
        if (root == NULL || results_write_json(opts->json_path, root, &error) < 0) {
            fprintf(stderr, "optdemo run: %s\n", error != NULL ? error : "cannot build the JSON");
            free(error);
            error = NULL;
            rc = -1;
        }
        json_decref(root);
    }
    if (opts->markdown_path != NULL) {
        char *context = context_line(metadata);
        char *text = report_markdown(results, count, context != NULL ? context : "",
                                     &opts->harness);
        free(context);
        if (text == NULL
            || results_write_atomic(opts->markdown_path, text, strlen(text), &error) < 0) {
            fprintf(stderr, "optdemo run: %s\n", error != NULL ? error : "out of memory");
            free(error);
            rc = -1;
        }
        free(text);
    }
    return rc;
}

int
cmd_run(int argc, char **argv)
{
    struct run_options opts = {
        .harness = {
            .min_time = 0.050, .rounds = 15, .warmups = 1, .budget = 30, .gc = true,
            .memory = true, .alpha = 0.01, .min_effect = 0.05, .resamples = 2000,
            .progress = show_progress,
        },
        .size_choice = SIZE_DEFAULT,
    };
    struct workload_result *results = NULL;
    size_t count = 0, capacity = 0;
    PyObject *paths = NULL;
    json_t *metadata = NULL;
    struct executor executor = {0};
    int first_name = 0, rc = EXIT_OK;
    bool usage_error = false, interrupted = false, out_of_memory = false;
    char *error = NULL;

    int parsed = parse_options(argc, argv, &opts, &first_name);
    if (parsed != 0) {
        if (parsed < 0) {
            fprintf(stderr, "`optdemo run --help` lists the options.\n");
        }
        rc = parsed > 0 ? EXIT_OK : EXIT_USAGE;
        goto done;
    }
    /* Before any measuring: a run must not take minutes and then fail to save. */
    const char *outputs[] = {opts.json_path, opts.markdown_path};
    for (size_t i = 0; i < 2; i++) {
        if (outputs[i] != NULL && results_check_writable(outputs[i], &error) < 0) {
            fprintf(stderr, "optdemo run: %s\n", error);
            rc = EXIT_USAGE;
            goto done;
        }
    }
    if (interp_start() < 0) {
        rc = EXIT_FAILED;
        goto done;
    }
    paths = resolve_names(argc - first_name, argv + first_name, &usage_error);
    if (paths == NULL) {
        rc = usage_error ? EXIT_USAGE : EXIT_FAILED;
        goto done;
    }
    if (executor_inprocess_init(&executor) < 0) {
        fprintf(stderr, "optdemo run: out of memory\n");
        rc = EXIT_FAILED;
        goto done;
    }
    int checked = opts.only != NULL ? check_variant_names(&executor, paths, opts.only) : 0;
    if (checked != 0) {
        rc = checked > 0 ? EXIT_INTERRUPTED : EXIT_USAGE;
        goto done;
    }
    metadata = collect_metadata(&opts);
    struct report_style style = report_style_for(stdout, opts.no_color);
    char *context = context_line(metadata);
    printf("optdemo %s: %s\n", optdemo_version, context != NULL ? context : "");
    free(context);
    fflush(stdout);

    progress_on = isatty(fileno(stderr));
    progress_total = (int)PyList_GET_SIZE(paths);
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(paths) && !interrupted && !out_of_memory; i++) {
        const char *path = PyUnicode_AsUTF8(PyList_GET_ITEM(paths, i));
        long *sizes = NULL;
        size_t n_sizes = 1, first = count;
        if (path == NULL) {
            PyErr_Clear();
            continue;
        }
        progress_index = (int)i + 1;
        int swept = opts.sweep ? sweep_sizes(&executor, path, &sizes, &n_sizes) : 0;
        if (swept > 0) {
            interrupted = true;
            break;
        }
        if (swept < 0) {
            n_sizes = 1; /* the load error is reported by the run below */
        }
        for (size_t s = 0; s < n_sizes && !interrupted && !out_of_memory; s++) {
            if (grow_results(&results, &capacity, count) < 0) {
                fprintf(stderr, "optdemo run: out of memory\n");
                out_of_memory = true;
                break;
            }
            struct workload_result *result = &results[count++];
            long n = sizes != NULL ? sizes[s] : opts.size;
            enum harness_status status = harness_run(&executor, path, n, opts.size_choice,
                                                     (const char *const *)opts.only,
                                                     &opts.harness, result);
            clear_progress();
            if (!opts.sweep || result->error != NULL || !workload_result_ok(result)) {
                report_workload(stdout, result, &style);
            }
            if (!workload_result_ok(result)) {
                rc = EXIT_FAILED;
            }
            interrupted = status == HARNESS_INTERRUPTED;
        }
        if (opts.sweep && count - first > 1) {
            report_growth(stdout, &results[first], count - first, &style);
        }
        fflush(stdout);
        free(sizes);
    }
    if (interrupted) {
        fprintf(stderr, "\noptdemo run: interrupted; the results so far are kept, marked partial\n");
        rc = EXIT_INTERRUPTED;
    } else if (out_of_memory) {
        rc = EXIT_FAILED;
    } else {
        report_legend(stdout, &opts.harness, &style);
    }
    if (write_outputs(&opts, results, count, metadata, interrupted || out_of_memory) < 0
        && rc == EXIT_OK) {
        rc = EXIT_FAILED;
    }
done:
    clear_progress();
    for (size_t i = 0; i < count; i++) {
        workload_result_clear(&results[i]);
    }
    free(results);
    if (executor.state != NULL) {
        executor_inprocess_free(&executor);
    }
    json_decref(metadata);
    Py_XDECREF(paths);
    free(opts.only);
    free(error);
    return rc;
}
