/* cmd_profile.c: `optdemo profile WORKLOAD[:VARIANT]`: where a variant
 * spends its time.  One embedded worker (as `run` uses) loads the workload,
 * sets it up and checks before (the reference); then, variant by variant,
 * the runner's `profile` request (pyscripts/optdemo/profiling.py) gives
 * three views, each printed as soon as it arrives: cProfile's heaviest
 * functions, the variant's own lines under the host's C line tracer
 * (_optdemo_host.line_profile) with the slowdown tracing caused, and
 * tracemalloc's peak with the lines that allocated. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "executor.h"
#include "json_field.h"
#include "interp.h"
#include "optdemo.h"
#include "parse.h"
#include "profile_pid.h"
#include "profile_script.h"
#include "report.h"
#include "results.h"
#include "run_profile.h"
#include "text.h"

enum { N_KINDS = 3 };
static const char *const KINDS[N_KINDS] = {"cprofile", "lines", "memory"};

/* A worker may take this long per request: a line profile traces its calls
 * three times, each several times slower than untraced. */
static const double PROFILE_TIMEOUT = 900;

struct profile_options {
    long size;                    /* 0: the quick or default size */
    bool quick;
    bool kinds[N_KINDS];          /* --only; all when none was given */
    long top;
    const char *pstats_path, *json_path;
    bool no_color;
    char *workload;               /* the argument before ':' (malloc'd) */
    const char *variant;          /* after ':' (points into argv), or NULL: every variant */
};

/* Everything the command holds, released in one place. */
struct profile_state {
    struct profile_options opts;
    struct executor ex;
    bool have_executor;
    char *path;                   /* the workload's file */
    json_t *variants;             /* the JSON's per-variant results */
    struct report_style style;
    FILE *out;                    /* where the tables go: stdout, or /dev/null for run --profile */
    long n;                       /* setup's size */
    bool usage_error;             /* the variant or a --pstats file does not fit the workload */
};

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: optdemo profile [options] WORKLOAD[:VARIANT]\n\n"
            "Where a variant spends its time, in three passes (each variant, or VARIANT\n"
            "alone), in a worker of the embedded interpreter, after checking before:\n"
            "  cprofile  cProfile over calls lasting >= 0.2 s: the heaviest functions by\n"
            "            their own time (tottime)\n"
            "  lines     the variant's own lines, traced in C: hits, time, time per hit, %%;\n"
            "            a called function's time counts on the calling line; the slowdown\n"
            "            tracing caused, measured against untraced calls in the same run\n"
            "  memory    tracemalloc over one call: its peak, and the lines that allocated\n"
            "            what is still held when it returns\n"
            "WORKLOAD is an id from `optdemo list` or a path to a workload .py file.\n"
            "`optdemo profile [options] SCRIPT.py [ARGS...]` profiles a program of your own\n"
            "(where its time goes, what to try first): `optdemo profile --script --help`;\n"
            "`optdemo profile --pid PID` samples a running CPython 3.11 process:\n"
            "`optdemo profile --pid 1 --help`.\n\n"
            "  --size N        setup's n (default: the workload's default size)\n"
            "  --quick         the workload's quick size\n"
            "  --only KIND     cprofile, lines or memory (repeatable; default: all three)\n"
            "  --top N         rows of the cprofile and memory tables (default 10)\n"
            "  --pstats FILE   cProfile's stats for `python -m pstats` or snakeviz; with\n"
            "                  several variants, one file each: FILE with .VARIANT before\n"
            "                  its extension\n"
            "  --json FILE     everything measured, as JSON (written atomically)\n"
            "  --no-color      no ANSI colours (also when NO_COLOR is set)\n\n"
            "exit codes: 0 ok, 1 a workload failed or a result mismatched, 2 usage,\n"
            "130 interrupted\n");
}

static int
kind_index(const char *name)
{
    for (int k = 0; k < N_KINDS; k++) {
        if (strcmp(name, KINDS[k]) == 0) {
            return k;
        }
    }
    return -1;
}

/* EXIT_OK to go on; otherwise the exit code (help: EXIT_OK with *done). */
static int
parse_options(int argc, char **argv, struct profile_options *opts, bool *done)
{
    enum { OPT_SIZE = 256, OPT_QUICK, OPT_ONLY, OPT_TOP, OPT_PSTATS, OPT_JSON, OPT_NO_COLOR };
    static const struct option long_options[] = {
        {"help", no_argument, NULL, 'h'},       {"size", required_argument, NULL, OPT_SIZE},
        {"quick", no_argument, NULL, OPT_QUICK}, {"only", required_argument, NULL, OPT_ONLY},
        {"top", required_argument, NULL, OPT_TOP},
        {"pstats", required_argument, NULL, OPT_PSTATS},
        {"json", required_argument, NULL, OPT_JSON},
        {"no-color", no_argument, NULL, OPT_NO_COLOR},
        {NULL, 0, NULL, 0},
    };
    bool any_kind = false;
    int c;

    *done = false;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            *done = true;
            return EXIT_OK;
        case OPT_SIZE:
            if (parse_long(optarg, 1, &opts->size) < 0) {
                fprintf(stderr, "optdemo profile: --size needs a positive n, not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_QUICK:
            opts->quick = true;
            break;
        case OPT_ONLY:
            if (kind_index(optarg) < 0) {
                fprintf(stderr, "optdemo profile: --only takes cprofile, lines or memory, "
                                "not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            opts->kinds[kind_index(optarg)] = any_kind = true;
            break;
        case OPT_TOP:
            if (parse_long(optarg, 1, &opts->top) < 0 || opts->top > 100000) {
                fprintf(stderr, "optdemo profile: --top needs a number of rows, not '%s'\n",
                        optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_PSTATS:
            opts->pstats_path = optarg;
            break;
        case OPT_JSON:
            opts->json_path = optarg;
            break;
        case OPT_NO_COLOR:
            opts->no_color = true;
            break;
        default:
            fprintf(stderr, "optdemo profile: unknown or incomplete option '%s'\n",
                    argv[optind - 1]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    for (int k = 0; k < N_KINDS && !any_kind; k++) {
        opts->kinds[k] = true;
    }
    if (argc - optind != 1) {
        fprintf(stderr, "optdemo profile: give one WORKLOAD[:VARIANT] (see `optdemo list`)\n");
        return EXIT_USAGE;
    }
    if (opts->pstats_path != NULL && !opts->kinds[0]) {
        fprintf(stderr, "optdemo profile: --pstats needs the cprofile pass (--only cprofile)\n");
        return EXIT_USAGE;
    }
    /* The variant follows the last ':' of the file name part (a folder may hold one). */
    const char *target = argv[optind], *slash = strrchr(target, '/');
    const char *colon = strrchr(slash != NULL ? slash : target, ':');
    opts->workload = colon != NULL ? strndup(target, (size_t)(colon - target)) : strdup(target);
    opts->variant = colon != NULL ? colon + 1 : NULL;
    if (opts->workload == NULL) {
        return EXIT_FAILED;
    }
    if (*opts->workload == '\0' || (opts->variant != NULL && *opts->variant == '\0')) {
        fprintf(stderr, "optdemo profile: '%s' is not WORKLOAD[:VARIANT]\n", target);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* The workload's file (malloc'd), or NULL after saying why; *usage_error
 * when the name is unknown. */
static char *
resolve(const char *name, bool *usage_error)
{
    PyObject *args = Py_BuildValue("(s)", name);
    PyObject *path = args != NULL ? interp_call("optdemo.workloads", "resolve_one", args) : NULL;
    const char *text = path != NULL ? PyUnicode_AsUTF8(path) : NULL;
    char *copy = text != NULL ? strdup(text) : NULL;
    if (text == NULL) {
        *usage_error = PyErr_ExceptionMatches(PyExc_LookupError);
        char *why = *usage_error ? interp_exception_message() : interp_exception_text(6);
        fprintf(stderr, "optdemo profile: %s\n", text_or(why, "out of memory"));
        free(why);
    }
    Py_XDECREF(args);
    Py_XDECREF(path);
    return copy;
}

/* The embedded interpreter in a worker, as interpreters.c makes it. */
static int
open_worker(struct executor *ex)
{
    char *exe = (char *)interp_executable();
    if (exe == NULL) {
        return -1;
    }
    const char *const *worker = executor_worker_arguments(false);
    char *argv[] = {exe, (char *)worker[0], (char *)worker[1], (char *)worker[2], NULL};
    struct worker_limits limits = {.timeout = PROFILE_TIMEOUT, .memory_bytes = 4LL << 30,
                                   .cpu_seconds = 3600, .file_bytes = 1LL << 30};
    if (executor_worker_init(ex, argv, &limits, interp_interrupted) < 0) {
        return -1;
    }
    ex->template = "c";
    ex->label = strdup("embedded");
    return ex->label != NULL ? 0 : -1;
}

/* FILE for one variant alone, else FILE with ".VARIANT" before its
 * extension (malloc'd). */
static char *
pstats_path_for(const char *path, const char *variant, bool several)
{
    const char *slash = strrchr(path, '/'), *base = slash != NULL ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    if (!several) {
        return text_copy(path);
    }
    if (dot == NULL || dot == base) {
        return text_format("%s.%s", path, variant);
    }
    return text_format("%.*s.%s%s", (int)(dot - path), path, variant, dot);
}

/* ---- printing -------------------------------------------------------------- */

static const char *
base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

static void
print_time_cell(FILE *out, double seconds, int width, const struct report_style *style)
{
    char cell[32];
    report_format_time(seconds, style->unicode, cell, sizeof cell);
    report_pad(out, cell, width, true);
}

static void
print_cprofile(FILE *out, const json_t *r, const struct report_style *style)
{
    const json_t *rows = json_object_get(r, "functions");
    char seconds[32];
    report_format_time(json_field_number(r, "seconds"), style->unicode, seconds, sizeof seconds);
    fprintf(out, "\n  cProfile: %lld calls of the variant, %s profiled; functions by their own "
            "time (tottime), heaviest first (top %zu), all calls together\n",
            (long long)json_field_number(r, "loops"), seconds, json_array_size(rows));
    fprintf(out, "  %12s %10s %6s %10s  %s\n", "ncalls", "tottime", "%own", "cumtime", "function");
    double total = json_field_number(r, "total_tottime");
    size_t i;
    const json_t *row;
    json_array_foreach(rows, i, row) {
        char calls[48];
        long long all = (long long)json_field_number(row, "ncalls");
        long long primitive = (long long)json_field_number(row, "primitive_calls");
        if (all != primitive) {
            snprintf(calls, sizeof calls, "%lld/%lld", all, primitive);  /* recursion, as pstats */
        } else {
            snprintf(calls, sizeof calls, "%lld", all);
        }
        fprintf(out, "  ");
        report_pad(out, calls, 12, true);
        print_time_cell(out, json_field_number(row, "tottime"), 11, style);
        fprintf(out, " %5.1f%%", total > 0 ? 100 * json_field_number(row, "tottime") / total : 0.0);
        print_time_cell(out, json_field_number(row, "cumtime"), 11, style);
        fprintf(out, "  %s\n", json_field_string(row, "function", "?"));
    }
    const char *pstats = json_field_string(r, "pstats_path", NULL);
    if (pstats != NULL) {
        fprintf(out, "  pstats file: %s (python3 -m pstats, snakeviz)\n", pstats);
    }
}

static void
print_lines(FILE *out, const json_t *r, const struct report_style *style)
{
    const char *bold = style->color ? "\033[1m" : "", *reset = style->color ? "\033[0m" : "";
    const json_t *lines = json_object_get(r, "lines"), *source = json_object_get(r, "source");
    const char *note = json_field_string(r, "note", NULL);
    if (note != NULL) {
        fprintf(out, "\n  Lines: %s\n", note);
        return;
    }
    long first = (long)json_field_number(r, "first_line");
    double total = json_field_number(r, "total_seconds"), hottest = 0;
    size_t i;
    const json_t *entry;
    json_array_foreach(lines, i, entry) {
        hottest = json_field_number(entry, "seconds") > hottest
                      ? json_field_number(entry, "seconds")
                      : hottest;
    }
    fprintf(out,
            "\n  Lines of %s:%ld, %lld calls traced (%lld rounds of %lld): tracing made them "
            "%.1fx slower than untraced\n  (line times include the tracer's cost: compare lines "
            "with each other; a call's time counts on its line)\n",
            base_name(json_field_string(r, "file", "?")), first,
            (long long)json_field_number(r, "calls"), (long long)json_field_number(r, "rounds"),
            (long long)json_field_number(r, "loops"), json_field_number(r, "overhead"));
    fprintf(out, "  %6s %12s %10s %10s %7s  %s\n", "Line", "Hits", "Time", "Per hit", "% Time",
            "Line contents");
    size_t next = 0;
    for (size_t k = 0; k < json_array_size(source); k++) {
        long lineno = first + (long)k;
        const json_t *counts = json_array_get(lines, next);
        while (counts != NULL && (long)json_field_number(counts, "line") < lineno) {
            counts = json_array_get(lines, ++next);
        }
        bool has = counts != NULL && (long)json_field_number(counts, "line") == lineno;
        double seconds = has ? json_field_number(counts, "seconds") : 0;
        long long hits = has ? (long long)json_field_number(counts, "hits") : 0;
        bool hot = has && seconds == hottest && hottest > 0;
        fprintf(out, "%s  %6ld", hot ? bold : "", lineno);
        if (has) {
            fprintf(out, " %12lld", hits);
            print_time_cell(out, seconds, 11, style);
            if (hits > 0) {
                print_time_cell(out, seconds / (double)hits, 11, style);
            } else {
                fprintf(out, "%11s", "");
            }
            fprintf(out, " %7.1f", total > 0 ? 100 * seconds / total : 0.0);
        } else {
            fprintf(out, " %12s %10s %10s %7s", "", "", "", "");
        }
        fprintf(out, "  %s%s\n", json_string_value(json_array_get(source, k)), hot ? reset : "");
    }
}

static void
print_memory(FILE *out, const json_t *r, const struct report_style *style)
{
    (void)style;
    char peak[32], held[32];
    const json_t *sites = json_object_get(r, "sites");
    report_format_bytes(json_field_number(r, "peak"), peak, sizeof peak);
    report_format_bytes(json_field_number(r, "retained"), held, sizeof held);
    fprintf(out,
            "\n  Memory of one call (tracemalloc): peak %s; allocated by the call and still held "
            "when it returns: %s%s\n",
            peak, held, json_array_size(sites) > 0 ? ", by line:" : "");
    if (json_array_size(sites) == 0) {
        return;
    }
    fprintf(out, "  %10s %8s  %-24s %s\n", "size", "count", "where", "line");
    size_t i;
    const json_t *site;
    json_array_foreach(sites, i, site) {
        char size[32], where[PATH_MAX];
        report_format_bytes(json_field_number(site, "size"), size, sizeof size);
        snprintf(where, sizeof where, "%s:%lld", base_name(json_field_string(site, "file", "?")),
                 (long long)json_field_number(site, "line"));
        fprintf(out, "  ");
        report_pad(out, size, 10, true);
        fprintf(out, " %8lld  %-24s %s\n", (long long)json_field_number(site, "count"), where,
                json_field_string(site, "source", ""));
    }
}

/* ---- the passes -------------------------------------------------------------- */

/* Start the worker and load the workload.  EXEC_OK, or the failure (printed). */
static enum exec_status
load_workload(struct profile_state *s, const struct workload_info **info)
{
    char *error = NULL;
    enum exec_status status = executor_start_load(&s->ex, s->path, info, &error);
    if (status != EXEC_OK && status != EXEC_INTERRUPTED) {
        fprintf(stderr, "optdemo profile: %s\n", error != NULL ? error : "the worker failed");
    }
    free(error);
    return status;
}

/* Set up at size n and check before, the reference.  EXEC_OK, or the
 * failure (printed). */
static enum exec_status
set_up(struct profile_state *s)
{
    char *error = NULL;
    struct check_result check = {0};
    enum exec_status status = executor_setup(&s->ex, s->n, &error);
    const char *what = "setup";
    if (status == EXEC_OK) {
        status = executor_check(&s->ex, 0, false, true, &check, &error);
        what = "before (the reference)";
    }
    if (status != EXEC_OK && status != EXEC_INTERRUPTED) {
        fprintf(stderr, "optdemo profile: %s: %s\n", what,
                error != NULL ? error : "the worker failed");
    }
    check_result_clear(&check);
    free(error);
    return status;
}

/* The command line's variant and --pstats files, against the workload:
 * 0, or -1 after saying why (a usage error). */
static int
check_arguments(const struct profile_state *s, const struct workload_info *info, size_t *only)
{
    bool several = s->opts.variant == NULL;
    for (*only = 0; !several && *only < info->n_variants; (*only)++) {
        if (strcmp(info->variants[*only], s->opts.variant) == 0) {
            break;
        }
    }
    if (!several && *only == info->n_variants) {
        fprintf(stderr, "optdemo profile: '%s' has no variant '%s'; its variants:", info->id,
                s->opts.variant);
        for (size_t v = 0; v < info->n_variants; v++) {
            fprintf(stderr, " %s", info->variants[v]);
        }
        fprintf(stderr, "\n");
        return -1;
    }
    for (size_t v = 0; several && s->opts.pstats_path != NULL && v < info->n_variants; v++) {
        char *path = pstats_path_for(s->opts.pstats_path, info->variants[v], true), *why = NULL;
        int ok = path != NULL ? results_check_writable(path, &why) : -1;
        if (ok < 0) {
            fprintf(stderr, "optdemo profile: --pstats: %s\n", why != NULL ? why : "no memory");
        }
        free(path);
        free(why);
        if (ok < 0) {
            return -1;
        }
    }
    return 0;
}

/* One variant: check it against before, then each pass.  Adds its JSON to
 * s->variants; *failed when something failed. */
static enum exec_status
profile_variant(struct profile_state *s, size_t v, bool several, bool *failed)
{
    const char *name = s->ex.info.variants[v];
    FILE *out = s->out;
    const char *bold = s->style.color ? "\033[1m" : "", *reset = s->style.color ? "\033[0m" : "";
    json_t *entry = json_pack("{s:s}", "variant", name);
    struct check_result check = {0};
    char *error = NULL, *pstats = NULL;
    enum exec_status status = EXEC_OK;

    json_array_append_new(s->variants, entry);
    fprintf(out, "\n%s%s%s", bold, name, reset);
    if (s->ex.info.unavailable[v] != NULL) {
        fprintf(out, ": unavailable: %s\n", s->ex.info.unavailable[v]);
        json_object_set_new(entry, "unavailable", json_string(s->ex.info.unavailable[v]));
        *failed = *failed || !several;
        return EXEC_OK;
    }
    if (v == 0) {
        json_object_set_new(entry, "matches", json_true());   /* the reference itself */
    } else {
        status = executor_check(&s->ex, v, true, true, &check, &error);
        if (status == EXEC_OK) {
            json_object_set_new(entry, "matches", json_boolean(check.matches));
            json_object_set_new(entry, "mismatch", check.mismatch != NULL
                                                       ? json_string(check.mismatch) : json_null());
            json_object_set_new(entry, "mutated", json_boolean(check.mutated));
            fprintf(out, "%s", check.matches ? "" : " -- FAILED: its result differs from before's");
            fprintf(out, "%s%s", check.mismatch != NULL ? ": " : "",
                    check.mismatch != NULL ? check.mismatch : "");
            fprintf(out, "%s",
                    check.mutated ? " -- FAILED: it changed setup's data (its input)" : "");
            *failed = *failed || !check.matches || check.mutated;
        }
    }
    fprintf(out, "%s\n", v == 0 ? " (the reference)" : "");
    fflush(out);
    for (int k = 0; k < N_KINDS && status == EXEC_OK; k++) {
        json_t *result = NULL;
        if (!s->opts.kinds[k]) {
            continue;
        }
        json_t *request = json_pack("{s:s, s:s, s:s, s:I}", "op", "profile", "variant", name,
                                    "kind", KINDS[k], "top", (json_int_t)s->opts.top);
        if (k == 0 && s->opts.pstats_path != NULL) {
            pstats = pstats_path_for(s->opts.pstats_path, name, several);
            json_object_set_new(request, "pstats_path", json_string(pstats));
        }
        status = executor_request(&s->ex, request, &result, &error, NULL);
        if (status == EXEC_OK) {
            json_object_del(result, "ok");
            json_object_set(entry, KINDS[k], result);
            void (*print)(FILE *, const json_t *, const struct report_style *)
                = k == 0 ? print_cprofile : k == 1 ? print_lines : print_memory;
            print(s->out, result, &s->style);
        }
        json_decref(result);
        fflush(out);
        /* A Ctrl-C that came between two waits for the worker shows only here. */
        status = status == EXEC_OK && interp_interrupted() ? EXEC_INTERRUPTED : status;
    }
    if (status != EXEC_OK && status != EXEC_INTERRUPTED) {
        fprintf(out, "  ERROR: %s\n", error != NULL ? error : "the worker failed");
        json_object_set_new(entry, "error", json_string(error != NULL ? error : "?"));
        *failed = true;
    }
    check_result_clear(&check);
    free(error);
    free(pstats);
    return status;
}

/* Each variant asked for; a worker that died is started again for the
 * next.  EXEC_OK, EXEC_INTERRUPTED, or a failure that stops everything
 * (s->usage_error when the command line was at fault). */
static enum exec_status
profile_all(struct profile_state *s, bool *failed)
{
    const struct workload_info *info = NULL;
    size_t only = 0;
    enum exec_status status = load_workload(s, &info);
    if (status == EXEC_OK && check_arguments(s, info, &only) < 0) {
        s->usage_error = true;
        return EXEC_ERROR;
    }
    if (status == EXEC_OK) {
        s->n = s->opts.size > 0 ? s->opts.size
               : s->opts.quick ? info->size_quick : info->size_default;
        status = set_up(s);
    }
    if (status != EXEC_OK) {
        *failed = true;
        return status;
    }
    bool several = s->opts.variant == NULL;
    FILE *out = s->out;
    size_t first = several ? 0 : only, end = several ? info->n_variants : only + 1;
    fprintf(out, "%s — %s\n  file: %s\n  n = %ld%s; in a worker of the embedded interpreter\n",
            info->id, info->title, info->path, s->n,
            s->opts.size > 0 ? "" : s->opts.quick ? " (quick size)" : " (default size)");
    for (size_t v = first; v < end && status != EXEC_INTERRUPTED; v++) {
        if (!s->ex.running) {   /* the last variant crashed or timed out its worker */
            status = load_workload(s, &info);
            status = status == EXEC_OK ? set_up(s) : status;
            if (status != EXEC_OK) {
                *failed = true;
                return status;
            }
        }
        status = profile_variant(s, v, several, failed);
    }
    return status == EXEC_INTERRUPTED ? status : EXEC_OK;
}

static void
profile_state_clear(struct profile_state *s)
{
    if (s->have_executor) {
        executor_free(&s->ex);
    }
    json_decref(s->variants);
    free(s->path);
    free(s->opts.workload);
}

/* Profile the workload at s->path as s->opts says, the tables to s->out;
 * *root (a new reference, or NULL) is the JSON `--json` writes.  An exit
 * code. */
static int
profile_run(struct profile_state *s, json_t **root)
{
    bool failed = false;
    int rc;
    *root = NULL;
    s->variants = json_array();
    s->have_executor = open_worker(&s->ex) == 0;
    if (!s->have_executor || s->variants == NULL) {
        fprintf(stderr, "optdemo profile: out of memory\n");
        return EXIT_FAILED;
    }
    enum exec_status status = profile_all(s, &failed);
    if (status == EXEC_INTERRUPTED) {
        fprintf(stderr, "\noptdemo profile: interrupted\n");
        rc = EXIT_INTERRUPTED;
    } else {
        rc = s->usage_error ? EXIT_USAGE : failed ? EXIT_FAILED : EXIT_OK;
    }
    if (!s->usage_error && s->ex.info.id != NULL) {
        *root = json_pack(
            "{s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s}, s:I, s:b, s:O}", "command", "profile",
            "optdemo", "version", optdemo_version, "commit", optdemo_commit, "workload", "id",
            s->ex.info.id, "title", s->ex.info.title, "path", s->ex.info.path, "n",
            (json_int_t)s->n, "partial", status == EXEC_INTERRUPTED, "variants", s->variants);
    }
    return rc;
}

int
profile_lines_json(const char *path, long size, bool quick, FILE *out, json_t **root)
{
    struct profile_state s = {
        .opts = {.size = size, .quick = quick, .top = 5, .no_color = true},
        .path = text_copy(path),
        .out = out,
    };
    s.opts.kinds[1] = true;   /* lines */
    s.style = report_style_for(out, true);
    int rc = s.path != NULL ? profile_run(&s, root) : EXIT_FAILED;
    profile_state_clear(&s);
    return rc;
}

int
cmd_profile(int argc, char **argv)
{
    struct profile_state s = {.opts = {.top = 10}, .out = stdout};
    bool done = false, usage_error = false;
    int script = profile_script_target(argc, argv), rc;
    char *error = NULL;
    json_t *root = NULL;

    if (profile_pid_requested(argc, argv)) {
        rc = profile_pid_main(argc, argv);
        goto finish;
    }
    if (script > 0) {
        rc = profile_script_main(argc, argv, script);
        goto finish;
    }
    rc = parse_options(argc, argv, &s.opts, &done);
    if (rc != EXIT_OK || done) {
        goto finish;
    }
    const char *outputs[] = {s.opts.json_path, s.opts.pstats_path};
    if (results_check_outputs("profile", outputs, 2) < 0) {
        rc = EXIT_USAGE;
        goto finish;
    }
    if (interp_start() < 0) {
        rc = EXIT_FAILED;
        goto finish;
    }
    s.path = resolve(s.opts.workload, &usage_error);
    if (s.path == NULL) {
        rc = usage_error ? EXIT_USAGE : EXIT_FAILED;
        goto finish;
    }
    s.style = report_style_for(stdout, s.opts.no_color);
    rc = profile_run(&s, &root);
    if (s.opts.json_path != NULL && root != NULL
        && results_write_json(s.opts.json_path, root, &error) < 0) {
        fprintf(stderr, "optdemo profile: %s\n", text_or(error, "out of memory"));
        rc = rc == EXIT_OK ? EXIT_FAILED : rc;
    }
finish:
    json_decref(root);
    profile_state_clear(&s);
    free(error);
    return rc;
}
