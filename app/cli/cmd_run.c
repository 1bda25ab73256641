/* cmd_run.c: `optdemo run [pitfalls | ID... | FILE.py...]`.  Checks its
 * arguments, output paths and interpreters before measuring anything, then
 * measures workload after workload (each block printed as soon as it is
 * done) through the interpreters' executors, and on Ctrl-C stops at once
 * and writes what is finished, marked partial.  Options: run_options.c;
 * interpreters and their executors: interpreters.c; the protocol:
 * harness.c. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "interp.h"
#include "count.h"
#include "interpreters.h"
#include "matrix.h"
#include "run_profile.h"
#include "optdemo.h"
#include "pydata.h"
#include "report.h"
#include "results.h"
#include "run_options.h"
#include "text.h"

/* The gap to /usr/bin/python3.11 above which `run` suggests measuring it. */
static const double LARGE_GAP = 1.10;

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

/* Resolve names to paths with optdemo.workloads.resolve, checked at this
 * boundary: a NULL-terminated array of malloc'd paths (*n_paths of them),
 * or NULL with the message printed (*usage_error true when a name is
 * unknown). */
static char **
resolve_names(int count, char **names, size_t *n_paths, bool *usage_error)
{
    static char *const suite[] = {"pitfalls"};
    PyObject *list = count > 0 ? interp_string_list(count, names) : interp_string_list(1, suite);
    PyObject *args = list != NULL ? PyTuple_Pack(1, list) : NULL;
    PyObject *resolved = args != NULL ? interp_call("optdemo.workloads", "resolve", args) : NULL;
    char **paths = resolved != NULL ? pydata_str_list(resolved, "a workload's path", n_paths)
                                    : NULL;
    if (paths == NULL) {
        *usage_error = PyErr_ExceptionMatches(PyExc_LookupError);
        char *text = *usage_error ? interp_exception_message() : interp_exception_text(6);
        fprintf(stderr, "optdemo run: %s\n", text_or(text, "out of memory"));
        free(text);
    }
    Py_XDECREF(resolved);
    Py_XDECREF(list);
    Py_XDECREF(args);
    return paths;
}

/* --plot needs matplotlib: said before anything is measured. */
static bool
plotting_available(void)
{
    PyObject *checked = interp_call("optdemo.plot", "check_available", NULL);
    if (checked == NULL) {
        char *why = interp_exception_message();
        fprintf(stderr, "optdemo run: --plot: %s\n", text_or(why, "out of memory"));
        free(why);
        return false;
    }
    Py_DECREF(checked);
    return true;
}

/* The command line, each argument shell-quoted when it needs it. */
static char *
command_line(int argc, char **argv)
{
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    if (out == NULL) {
        return NULL;
    }
    fprintf(out, "optdemo");
    for (int i = 0; i < argc; i++) {
        bool plain = argv[i][0] != '\0' && strspn(argv[i], "abcdefghijklmnopqrstuvwxyz"
                                                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                                   "-_./=:,@+%") == strlen(argv[i]);
        fputc(' ', out);
        if (plain) {
            fputs(argv[i], out);
            continue;
        }
        fputc('\'', out);
        for (const char *p = argv[i]; *p != '\0'; p++) {
            fputs(*p == '\'' ? "'\\''" : "", out);
            if (*p != '\'') {
                fputc(*p, out);
            }
        }
        fputc('\'', out);
    }
    if (fclose(out) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* The run's common metadata: what every interpreter agrees on, plus the
 * run's settings. */
static json_t *
run_metadata(const struct run_options *opts, const struct interpreter_set *set, int argc,
             char **argv)
{
    json_t *metadata = interpreters_common_metadata(set);
    char *command = command_line(argc, argv);
    if (command != NULL) {
        json_object_set_new(metadata, "optdemo_command", json_string(command));
        free(command);
    }
    const struct harness_options *h = &opts->harness;
    json_object_set_new(metadata, "optdemo_processes", json_integer(h->processes));
    json_object_set_new(metadata, "optdemo_rounds", json_integer(h->rounds));
    json_object_set_new(metadata, "optdemo_min_time", json_real(h->min_time));
    json_object_set_new(metadata, "optdemo_budget", json_real(h->budget));
    json_object_set_new(metadata, "optdemo_timeout", json_real(opts->limits.timeout));
    json_object_set_new(metadata, "optdemo_gc", json_string(h->gc ? "on" : "off"));
    json_object_set_new(metadata, "optdemo_mode",
                        json_string(opts->quick ? "quick" : opts->rigorous ? "rigorous" : "default"));
    json_object_set_new(metadata, "optdemo_sweep", json_boolean(opts->sweep));
    json_object_set_new(metadata, "optdemo_executor",
                        json_string(opts->in_process ? "in-process" : "worker"));
    json_object_set_new(metadata, "optdemo_template", json_string(set->items[0].executor.template));
    if (opts->n_python_paths > 0) {
        json_t *paths = json_array();
        for (size_t i = 0; paths != NULL && i < opts->n_python_paths; i++) {
            json_array_append_new(paths, json_string(opts->python_paths[i]));
        }
        json_object_set_new(metadata, "optdemo_python_path", paths);
    }
    json_object_set_new(metadata, "optdemo_version", json_string(optdemo_version));
    json_object_set_new(metadata, "optdemo_commit", json_string(optdemo_commit));
    return metadata;
}

/* The embedded build against /usr/bin/python3.11 on one statement, now:
 * *line is a sentence for the header (malloc'd), or NULL when it could not
 * be measured (no python3.11).  0, or 1 on Ctrl-C. */
static int
measure_gap(char **line)
{
    PyObject *gap = interp_call("optdemo.machine", "quick_gap", NULL);
    *line = NULL;
    if (gap == NULL) {
        bool interrupted = interp_exception_is_interrupt();
        PyErr_Clear();  /* anything else: the header says nothing of the gap */
        return interrupted ? 1 : 0;
    }
    /* None: there is no python3.11 to compare with. */
    PyObject *ratio_object = gap != Py_None ? pydata_get(gap, "ratio", "quick_gap()") : NULL;
    const char *stmt = gap != Py_None ? pydata_get_str(gap, "stmt", "quick_gap()") : NULL;
    double ratio = ratio_object != NULL && PyFloat_Check(ratio_object)
                       ? PyFloat_AS_DOUBLE(ratio_object) : -1;
    if (ratio > 0 && stmt != NULL) {
        bool large = ratio > LARGE_GAP;
        *line = text_format("gap: this embedded build ran %s %.2fx %s than %s just now%s",
                            stmt, ratio >= 1 ? ratio : 1 / ratio,
                            ratio >= 1 ? "slower" : "faster", OPTDEMO_MATCHING_PYTHON,
                            large ? "; to measure the interpreter you run, add --interpreter "
                                    OPTDEMO_MATCHING_PYTHON
                                    " (`optdemo info` shows more statements)"
                                  : "");
    }
    PyErr_Clear();
    Py_DECREF(gap);
    return 0;
}

/* The lines that say what the numbers describe: the header on the
 * terminal, the context of the Markdown report. */
static char *
describe_run(const struct run_options *opts, const struct interpreter_set *set,
             json_t *metadata, int argc, char **argv, size_t workloads, const char *gap,
             bool markdown)
{
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    const char *item = markdown ? "- " : "  ";
    const struct harness_options *h = &opts->harness;
    if (out == NULL) {
        return NULL;
    }
    json_t *date = json_object_get(metadata, "date");
    if (markdown) {
        fprintf(out, "%soptdemo %s (commit %s), %s\n%scommand: `optdemo", item,
                optdemo_version, optdemo_commit,
                json_is_string(date) ? json_string_value(date) : "", item);
        for (int i = 0; i < argc; i++) {
            fprintf(out, " %s", argv[i]);
        }
        fprintf(out, "`\n");
    } else {
        fprintf(out, "optdemo %s (%s): %zu workload%s; %d process%s x %d values per variant, "
                     ">= %.0f ms each%s\n",
                optdemo_version, optdemo_commit, workloads, workloads == 1 ? "" : "s",
                h->processes, h->processes == 1 ? "" : "es", h->rounds, h->min_time * 1e3,
                opts->in_process ? "; in-process (no isolation, no timeout)" : "");
    }
    if (!opts->in_process) {
        fprintf(out, "%sworkers: timeout %.3g s per call", markdown ? item : "",
                opts->limits.timeout);
        if (opts->limits.memory_bytes > 0) {
            fprintf(out, ", memory %.3g GiB", (double)opts->limits.memory_bytes / (1 << 30));
        }
        fprintf(out, "\n");
    }
    for (size_t i = 0; i < set->count; i++) {
        char *line = interpreter_describe(&set->items[i]);
        fprintf(out, "%s%s: %s\n", item, set->items[i].label, line != NULL ? line : "");
        free(line);
    }
    json_t *cpu = json_object_get(metadata, "cpu_model_name");
    fprintf(out, "%smachine: %s x%lld, load %s\n", item,
            json_is_string(cpu) ? json_string_value(cpu) : "unknown CPU",
            (long long)json_integer_value(json_object_get(metadata, "cpu_count")),
            json_is_string(json_object_get(metadata, "load_avg"))
                ? json_string_value(json_object_get(metadata, "load_avg")) : "unknown");
    if (gap != NULL) {
        fprintf(out, "%s%s\n", item, gap);
    }
    if (fclose(out) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* --variants names must each be a variant of at least one workload to run:
 * a typo would otherwise leave every table with `before` alone.  0; -1
 * after naming the unknown variant on stderr; 1 on Ctrl-C. */
static int
check_variant_names(struct executor *ex, char *const *paths, char *const *only)
{
    int rc = 0;
    for (char *const *name = only; *name != NULL && rc == 0; name++) {
        bool found = strcmp(*name, "before") == 0;
        for (char *const *path = paths; *path != NULL && !found; path++) {
            long *sweep = NULL;
            char **variants = NULL;
            size_t n_sweep = 0, n_variants = 0;
            enum exec_status status = harness_describe(ex, *path, &sweep, &n_sweep, &variants,
                                                       &n_variants);
            for (size_t k = 0; k < n_variants; k++) {
                found = found || strcmp(variants[k], *name) == 0;
                free(variants[k]);
            }
            free(variants);
            free(sweep);
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

/* Room for `more` results (zeroed). */
static int
reserve_results(struct workload_result **results, size_t *capacity, size_t count, size_t more)
{
    if (count + more <= *capacity) {
        return 0;
    }
    size_t grown = (count + more) * 2;
    struct workload_result *bigger = realloc(*results, grown * sizeof *bigger);
    if (bigger == NULL) {
        return -1;
    }
    memset(bigger + *capacity, 0, (grown - *capacity) * sizeof *bigger);
    *results = bigger;
    *capacity = grown;
    return 0;
}

/* A sweep's group, its growth analysed once for every output.  The new
 * group, or NULL on no memory. */
static const struct result_group *
add_sweep(struct result_group **sweeps, size_t *n_sweeps, const struct workload_result *results,
          size_t first, size_t count)
{
    struct result_group *grown = realloc(*sweeps, (*n_sweeps + 1) * sizeof *grown);
    if (grown == NULL) {
        return NULL;
    }
    *sweeps = grown;
    struct result_group *group = &grown[*n_sweeps];
    *group = (struct result_group){.first = first, .count = count};
    if (growth_analyse(&results[first], count, &group->growth) < 0) {
        return NULL;
    }
    (*n_sweeps)++;
    return group;
}

/* --matrix: the builds' matrix from the run's own JSON (so it says what
 * `optdemo matrix` would say of the file), printed and stored in the JSON
 * (optdemo.matrix, for the HTML report); its Markdown returned for the
 * report (malloc'd, or NULL). */
static char *
print_matrix(json_t *root, const struct report_style *style)
{
    struct compare_options options = compare_options_default();
    struct matrix m = {0};
    char *error = NULL, *markdown = NULL;
    size_t length = 0;
    if (root == NULL || matrix_build(root, "this run", NULL, &options, &m, &error) < 0) {
        fprintf(stderr, "optdemo run: --matrix: %s\n", error != NULL ? error : "out of memory");
        free(error);
        return NULL;
    }
    matrix_print(stdout, &m, style, false);
    json_t *optdemo = json_object_get(root, "optdemo");
    json_object_set_new(optdemo, "matrix", matrix_to_json(&m));
    FILE *out = open_memstream(&markdown, &length);
    if (out != NULL) {
        matrix_print(out, &m, style, true);
        if (fclose(out) != 0) {
            free(markdown);
            markdown = NULL;
        }
    }
    matrix_clear(&m);
    return markdown;
}

/* --html and --plot: pyscripts' html.render and plot.write_figures on the
 * run's JSON text.  0, or -1 (reported). */
static int
write_page_and_figures(const struct run_options *opts, json_t *root)
{
    char *json = root != NULL ? json_dumps(root, JSON_COMPACT) : NULL;
    PyObject *args = json != NULL ? Py_BuildValue("(s)", json) : NULL;
    PyObject *page = NULL, *figures = NULL;
    char *error = NULL;
    int rc = args != NULL ? 0 : -1;
    if (rc == 0 && opts->html_path != NULL) {
        page = interp_call("optdemo.html", "render", args);
        const char *text = page != NULL ? pydata_str(page, "render()") : NULL;
        rc = text != NULL ? results_write_atomic(opts->html_path, text, strlen(text), &error)
                          : -1;
    }
    if (rc == 0 && opts->plot_prefix != NULL) {
        PyObject *plot_args = Py_BuildValue("(ss)", json, opts->plot_prefix);
        figures = plot_args != NULL ? interp_call("optdemo.plot", "write_figures", plot_args)
                                    : NULL;
        Py_XDECREF(plot_args);
        for (Py_ssize_t i = 0; figures != NULL && PyList_Check(figures)
                               && i < PyList_GET_SIZE(figures); i++) {
            const char *path = pydata_str(PyList_GET_ITEM(figures, i), "a figure's path");
            printf("figure: %s\n", path != NULL ? path : "?");
        }
        rc = figures != NULL && PyList_Check(figures) ? 0 : -1;
    }
    if (rc < 0) {
        char *why = error != NULL ? text_copy(error)
                    : PyErr_Occurred() ? interp_exception_text(6) : text_copy("out of memory");
        fprintf(stderr, "optdemo run: %s\n", why != NULL ? why : "out of memory");
        free(why);
    }
    Py_XDECREF(page);
    Py_XDECREF(figures);
    Py_XDECREF(args);
    free(json);
    free(error);
    return rc;
}

static int
write_outputs(const struct run_options *opts, json_t *root, const struct run_record *run,
              const char *context, const char *matrix)
{
    int rc = 0;
    char *error = NULL;
    if (opts->json_path != NULL) {
        if (root == NULL || results_write_json(opts->json_path, root, &error) < 0) {
            fprintf(stderr, "optdemo run: %s\n", error != NULL ? error : "cannot build the JSON");
            free(error);
            error = NULL;
            rc = -1;
        }
    }
    if (opts->markdown_path != NULL) {
        char *tables = report_markdown(run->workloads, run->count, context != NULL ? context : "",
                                       &opts->harness);
        char *text = tables != NULL ? text_format("%s%s", tables, matrix != NULL ? matrix : "")
                                    : NULL;
        free(tables);
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

/* Everything `run` holds, released in one place. */
struct run_state {
    struct run_options opts;
    struct interpreter_set interpreters;
    struct executor **executors;
    struct workload_result *results;
    size_t count, capacity;
    struct result_group *sweeps;
    size_t n_sweeps;
    char **paths;              /* the workloads' files, NULL-terminated */
    size_t n_paths;
    struct counter counter;    /* --count instructions */
    bool counting;
    json_t *profiles;          /* --profile: run_profile_workload's entries */
    json_t *metadata;
    char *header, *context, *gap;
};

static void
run_state_clear(struct run_state *state)
{
    for (size_t i = 0; i < state->count; i++) {
        workload_result_clear(&state->results[i]);
    }
    free(state->results);
    for (size_t i = 0; i < state->n_sweeps; i++) {
        growth_clear(&state->sweeps[i].growth);
    }
    free(state->sweeps);
    free(state->executors);
    interpreters_close(&state->interpreters);
    if (state->counting) {
        counter_free(&state->counter);
    }
    json_decref(state->metadata);
    json_decref(state->profiles);
    text_free_list(state->paths);
    free(state->header);
    free(state->context);
    free(state->gap);
}

/* Measure one workload at each size on every interpreter, printing as it
 * goes.  Returns the harness's status; *failed when something failed. */
static enum harness_status
run_workload(struct run_state *state, const char *path, const struct report_style *style,
             bool *failed)
{
    const struct run_options *opts = &state->opts;
    size_t m = state->interpreters.count, n_sizes = 1;
    long *sizes = NULL;
    char **variants = NULL;
    size_t n_variants = 0;
    enum harness_status status = HARNESS_OK;

    if (opts->sweep) {
        enum exec_status described = harness_describe(state->executors[0], path, &sizes,
                                                      &n_sizes, &variants, &n_variants);
        if (described == EXEC_INTERRUPTED) {
            return HARNESS_INTERRUPTED;
        }
        if (described != EXEC_OK || n_sizes == 0) {
            n_sizes = 1;   /* the load error is reported by the run below */
            free(sizes);
            sizes = NULL;
        }
        for (size_t k = 0; k < n_variants; k++) {
            free(variants[k]);
        }
        free(variants);
    }
    if (reserve_results(&state->results, &state->capacity, state->count, m * n_sizes) < 0) {
        *failed = true;
        free(sizes);
        return HARNESS_OK;
    }
    size_t base = state->count;
    state->count += m * n_sizes;
    struct workload_result *at_size = calloc(m, sizeof *at_size);
    struct sweep_history *history = calloc(m, sizeof *history);
    for (size_t s = 0; at_size != NULL && history != NULL && s < n_sizes && status == HARNESS_OK;
         s++) {
        long n = sizes != NULL ? sizes[s] : opts->size;
        for (size_t i = 0; i < m; i++) {
            history[i] = (struct sweep_history){&state->results[base + i * n_sizes], s};
        }
        status = harness_run(state->executors, m, path, n, opts->size_choice,
                             (const char *const *)opts->only, &opts->harness, history, at_size);
        clear_progress();
        for (size_t i = 0; i < m; i++) {
            struct workload_result *result = &state->results[base + i * n_sizes + s];
            *result = at_size[i];
            memset(&at_size[i], 0, sizeof at_size[i]);
            if (state->counting && status == HARNESS_OK && state->interpreters.items[i].embedded
                && count_instructions(&state->counter, path, result) == EXEC_INTERRUPTED) {
                status = HARNESS_INTERRUPTED;
            }
            if (!opts->sweep || result->error != NULL || !workload_result_ok(result)) {
                report_workload(stdout, result, style);
            }
            *failed = *failed || !workload_result_ok(result);
        }
    }
    free(at_size);
    free(history);
    if (opts->sweep) {
        for (size_t i = 0; i < m; i++) {
            size_t first = base + i * n_sizes;
            const struct result_group *sweep = add_sweep(&state->sweeps, &state->n_sweeps,
                                                         state->results, first, n_sizes);
            if (sweep == NULL) {
                *failed = true;
            } else if (n_sizes > 1 && state->results[first].n_variants > 0) {
                report_growth(stdout, &state->results[first], n_sizes, &sweep->growth, style);
            }
        }
    }
    fflush(stdout);
    free(sizes);
    return status;
}

/* A free-threaded interpreter's GIL, asked again now that the workloads
 * ran (interpreters_recheck_gil): the run's common metadata and the
 * Markdown's context follow, and the terminal says where an import turned
 * the GIL back on.  0, or 1 on Ctrl-C. */
static int
recheck_gil(struct run_state *state)
{
    struct interpreter_set *set = &state->interpreters;
    if (interpreters_recheck_gil(set, state->paths) != 0) {
        return 1;
    }
    json_t *first = set->count > 0 ? json_object_get(set->items[0].metadata, "gil_enabled") : NULL;
    bool agree = first != NULL;
    for (size_t i = 0; i < set->count; i++) {
        const json_t *metadata = set->items[i].metadata;
        agree = agree && json_equal(first, json_object_get(metadata, "gil_enabled"));
        if (json_is_true(json_object_get(metadata, "free_threaded"))
            && json_is_true(json_object_get(metadata, "gil_enabled"))) {
            printf("%s: GIL re-enabled at run time (by an import of a module that does not "
                   "declare itself free-threading safe, or -X gil=1 / PYTHON_GIL=1): its "
                   "threads took turns as under a GIL\n", set->items[i].label);
        }
    }
    if (agree) {
        json_object_set(state->metadata, "gil_enabled", first);
    } else {
        json_object_del(state->metadata, "gil_enabled");
    }
    return 0;
}

int
cmd_run(int argc, char **argv)
{
    struct run_options opts;
    int first_name = 0, rc;
    run_options_defaults(&opts);
    int parsed = run_options_parse(argc, argv, &opts, &first_name);
    if (parsed < 0) {
        fprintf(stderr, "`optdemo run --help` lists the options.\n");
    }
    rc = parsed > 0 ? EXIT_OK : parsed < 0 ? EXIT_USAGE
                    : run_workloads(&opts, argc - first_name, argv + first_name, argc, argv);
    run_options_free(&opts);
    return rc;
}

int
run_workloads(const struct run_options *opts, int n_names, char **names, int argc,
              char **argv)
{
    struct run_state state = {.opts = *opts};
    state.opts.harness.progress = show_progress;
    int rc = EXIT_OK;
    bool usage_error = false, interrupted = false, failed = false;
    char *error = NULL;

    /* Before any measuring: a run must not take minutes and then fail to save. */
    const char *outputs[] = {opts->json_path, opts->markdown_path, opts->html_path,
                             opts->plot_prefix};
    if (results_check_outputs("run", outputs, 4) < 0) {
        rc = EXIT_USAGE;
        goto done;
    }
    if (interp_start() < 0) {
        rc = EXIT_FAILED;
        goto done;
    }
    if (opts->plot_prefix != NULL && !plotting_available()) {
        rc = EXIT_USAGE;
        goto done;
    }
    state.paths = resolve_names(n_names, names, &state.n_paths, &usage_error);
    if (state.paths == NULL) {
        rc = usage_error ? EXIT_USAGE : EXIT_FAILED;
        goto done;
    }
    struct interpreter_config config = {
        .in_process = opts->in_process, .template = opts->template, .limits = opts->limits,
        .interrupted = interp_interrupted, .python_paths = opts->python_paths,
        .n_python_paths = opts->n_python_paths,
    };
    if (interpreters_open(&state.interpreters, opts->interpreters, opts->n_interpreters,
                          &config) < 0) {
        rc = EXIT_USAGE;
        goto done;
    }
    int probed = interpreters_probe(&state.interpreters, &error);
    if (probed != 0) {
        if (probed < 0) {
            fprintf(stderr, "optdemo run: %s\n", error != NULL ? error : "out of memory");
        }
        rc = probed > 0 ? EXIT_INTERRUPTED : EXIT_USAGE;
        goto done;
    }
    state.executors = calloc(state.interpreters.count, sizeof *state.executors);
    if (state.executors == NULL) {
        rc = EXIT_FAILED;
        goto done;
    }
    bool embedded_measured = false;
    for (size_t i = 0; i < state.interpreters.count; i++) {
        state.executors[i] = &state.interpreters.items[i].executor;
        embedded_measured = embedded_measured || state.interpreters.items[i].embedded;
    }
    if (opts->profile && (state.profiles = json_array()) == NULL) {
        rc = EXIT_FAILED;
        goto done;
    }
    if (opts->count_instructions) {
        const char *self = interp_executable();
        if (counter_init(&state.counter, self != NULL ? self : "optdemo", &opts->limits, interp_interrupted, &error) < 0) {
            fprintf(stderr, "optdemo run: %s\n", error != NULL ? error : "out of memory");
            rc = EXIT_USAGE;
            goto done;
        }
        state.counting = true;
    }
    int checked = opts->only != NULL
                      ? check_variant_names(state.executors[0], state.paths, opts->only) : 0;
    if (checked != 0) {
        rc = checked > 0 ? EXIT_INTERRUPTED : EXIT_USAGE;
        goto done;
    }
    state.metadata = run_metadata(opts, &state.interpreters, argc, argv);
    if (embedded_measured && !opts->no_gap && measure_gap(&state.gap) > 0) {
        rc = EXIT_INTERRUPTED;
        goto done;
    }
    size_t n_paths = state.n_paths;
    state.header = describe_run(opts, &state.interpreters, state.metadata, argc, argv, n_paths,
                                state.gap, false);
    struct report_style style = report_style_for(stdout, opts->no_color);
    fputs(state.header != NULL ? state.header : "", stdout);
    fflush(stdout);

    progress_on = isatty(fileno(stderr));
    progress_total = (int)n_paths;
    for (size_t i = 0; i < n_paths && !interrupted; i++) {
        const char *path = state.paths[i];
        progress_index = (int)i + 1;
        interrupted = run_workload(&state, path, &style, &failed) == HARNESS_INTERRUPTED;
        if (state.profiles != NULL && !interrupted) {
            interrupted = run_profile_workload(path, opts->size, opts->quick, &style, stdout,
                                               state.profiles) != 0;
        }
    }
    if (!interrupted) {
        interrupted = recheck_gil(&state) != 0;
    }
    /* The Markdown's context, written after the run: the GIL as it ended. */
    state.context = describe_run(opts, &state.interpreters, state.metadata, argc, argv, n_paths,
                                 state.gap, true);
    bool timed = false;
    for (size_t i = 0; i < state.count; i++) {
        timed = timed || workload_result_timed(&state.results[i]);
    }
    if (interrupted) {
        fprintf(stderr, "\noptdemo run: interrupted; the results so far are kept, marked partial\n");
        rc = EXIT_INTERRUPTED;
    } else if (timed) {
        report_stability_summary(stdout, state.results, state.count, &style);
        report_legend(stdout, &opts->harness, &style);
    }
    if (failed && rc == EXIT_OK) {
        rc = EXIT_FAILED;
    }
    json_t *interpreters = interpreters_json(&state.interpreters);
    struct run_record record = {
        .workloads = state.results, .count = state.count, .sweeps = state.sweeps,
        .n_sweeps = state.n_sweeps, .metadata = state.metadata, .interpreters = interpreters,
        .several_interpreters = state.interpreters.count > 1, .partial = interrupted,
    };
    json_t *root = results_to_json(&record);
    if (root != NULL && state.profiles != NULL) {
        json_object_set(json_object_get(root, "optdemo"), "profiles", state.profiles);
    }
    char *matrix = opts->matrix && !interrupted ? print_matrix(root, &style) : NULL;
    if (write_outputs(opts, root, &record, state.context, matrix) < 0 && rc == EXIT_OK) {
        rc = EXIT_FAILED;
    }
    if ((opts->html_path != NULL || opts->plot_prefix != NULL)
        && write_page_and_figures(opts, root) < 0 && rc == EXIT_OK) {
        rc = EXIT_FAILED;
    }
    free(matrix);
    json_decref(root);
    json_decref(interpreters);
done:
    clear_progress();
    run_state_clear(&state);
    free(error);
    return rc;
}
