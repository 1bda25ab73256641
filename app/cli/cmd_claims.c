/* cmd_claims.c: `optdemo claims [--interpreter PATH]...`: the article's
 * claims ("`s += t` is quadratic", "NumPy is 100x to 1000x faster", "PyPy is
 * 5-10x faster on pure Python", "free-threaded CPython: 5~10% loss on a single
 * thread, big wins on multi-thread", ...) checked on each interpreter named.  It
 * runs two measurements with `run` itself -- a growth sweep of the
 * workloads whose claim is an order of growth, one size of the others -- and
 * hands both results files to pyscripts' optdemo.claims, which says per
 * claim and build what was measured and whether the claim holds here. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "interp.h"
#include "optdemo.h"
#include "parse.h"
#include "run_options.h"
#include "pydata.h"
#include "results.h"
#include "text.h"

enum { MAX_INTERPRETERS = 16 };

static const char *const SWEPT[] = {"string_concat", "list_membership", "queue_popleft"};
/* threads last: measured only when two or more interpreters are named (the
 * free-threading claims compare a free-threaded build with its GIL twin). */
static const char *const POINT[] = {"numpy_vectorize", "caching", "slots_memory",
                                    "slots_access", "global_lookup", "threads"};
enum { N_POINT = sizeof POINT / sizeof POINT[0] };

struct claims_options {
    const char *interpreters[MAX_INTERPRETERS];
    size_t n_interpreters;
    bool quick;
    double timeout;          /* seconds; 0: run's default */
    const char *json_path, *markdown_path, *keep;
};

static void
usage(FILE *out)
{
    fprintf(out,
        "usage: optdemo claims [--interpreter PATH]... [--quick] [--timeout SECONDS]\n"
        "                      [--keep DIR] [--json FILE] [--markdown FILE]\n"
        "\n"
        "Check the article's claims on each interpreter (the embedded one when none is\n"
        "named): `s += t` quadratic, `x in list` O(n) against a set's O(1), pop(0) O(n),\n"
        "NumPy 100x-1000x, functools.cache, __slots__ memory and attribute access,\n"
        "local binding of globals, PyPy 5-10x on pure Python, free-threaded CPython's\n"
        "5-10%% loss on one thread and big wins on several (against its GIL twin: the\n"
        "same version and configure options).  Runs a growth sweep of %s,\n"
        "%s and %s (in quick mode) and one size of the\n"
        "others (threads only when two or more interpreters are named), prints their\n"
        "tables, then each claim with the figure that decides it: holds, partly, does\n"
        "not hold, undecided (the statistics cannot tell) or not measured, with what\n"
        "is missing.\n"
        "\n"
        "  --interpreter PATH  as in `optdemo run` (repeatable; 'embedded' is optdemo's)\n"
        "  --quick             quick sizes and values for the single-size run too\n"
        "  --timeout SECONDS   as in `optdemo run`: stop a worker whose call outlives\n"
        "                      this (a loaded machine may need more for a 3.13t\n"
        "                      worker's start-up)\n"
        "  --keep DIR          keep the two results files (sweep.json, point.json) there\n"
        "  --json FILE         the verdicts as JSON, written atomically\n"
        "  --markdown FILE     the verdicts as Markdown, written atomically\n"
        "\n"
        "exit codes: 0 measured (whatever the verdicts), 1 a workload failed, 2 usage,\n"
        "130 Ctrl-C\n", SWEPT[0], SWEPT[1], SWEPT[2]);
}

static int
parse(int argc, char **argv, struct claims_options *opts)
{
    enum { OPT_INTERPRETER = 256, OPT_QUICK, OPT_TIMEOUT, OPT_KEEP, OPT_JSON, OPT_MARKDOWN };
    static const struct option long_options[] = {
        {"interpreter", required_argument, NULL, OPT_INTERPRETER},
        {"quick", no_argument, NULL, OPT_QUICK},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"keep", required_argument, NULL, OPT_KEEP},
        {"json", required_argument, NULL, OPT_JSON},
        {"markdown", required_argument, NULL, OPT_MARKDOWN},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            return 1;
        case OPT_INTERPRETER:
            if (opts->n_interpreters == MAX_INTERPRETERS) {
                fprintf(stderr, "optdemo claims: at most %d interpreters\n", MAX_INTERPRETERS);
                return -1;
            }
            opts->interpreters[opts->n_interpreters++] = optarg;
            break;
        case OPT_QUICK: opts->quick = true; break;
        case OPT_TIMEOUT:
            if (parse_seconds(optarg, false, &opts->timeout) < 0) {
                fprintf(stderr, "optdemo claims: --timeout needs positive seconds, not '%s'\n",
                        optarg);
                return -1;
            }
            break;
        case OPT_KEEP: opts->keep = optarg; break;
        case OPT_JSON: opts->json_path = optarg; break;
        case OPT_MARKDOWN: opts->markdown_path = optarg; break;
        default:
            fprintf(stderr, "optdemo claims: unknown or incomplete option '%s'\n",
                    argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "optdemo claims: unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    return 0;
}

/* The workloads measured as `optdemo run` would (run_workloads), on the
 * claims' interpreters, into json_path: a growth sweep, or one size.  The
 * results record the claims' own command line.  An exit code. */
static int
run_measurement(const struct claims_options *claims, bool sweep, const char *const *workloads,
                size_t n_workloads, const char *json_path, int argc, char **argv)
{
    struct run_options opts;
    run_options_defaults(&opts);
    opts.quick = sweep || claims->quick;
    opts.sweep = sweep;
    opts.harness.memory = !sweep;
    opts.no_gap = true;
    opts.json_path = json_path;
    opts.interpreters = (char **)claims->interpreters;
    opts.n_interpreters = claims->n_interpreters;
    run_options_apply_mode(&opts);
    if (claims->timeout > 0) {
        opts.limits.timeout = claims->timeout;
    }
    return run_workloads(&opts, (int)n_workloads, (char **)workloads, argc, argv);
}

/* Evaluate the claims and write them out.  An exit code. */
static int
evaluate(const struct claims_options *opts, const char *sweep, const char *point)
{
    PyObject *args = Py_BuildValue("(ss)", sweep, point);
    PyObject *result = args != NULL ? interp_call("optdemo.claims", "report", args) : NULL;
    char *error = NULL;
    int rc = EXIT_OK;
    const char *text = NULL, *markdown = NULL, *json = NULL;
    if (result != NULL && PyTuple_Check(result) && PyTuple_GET_SIZE(result) == 3) {
        text = pydata_str(PyTuple_GET_ITEM(result, 0), "the claims' text");
        markdown = text != NULL ? pydata_str(PyTuple_GET_ITEM(result, 1), "their Markdown") : NULL;
        json = markdown != NULL ? pydata_str(PyTuple_GET_ITEM(result, 2), "their JSON") : NULL;
    }
    if (json == NULL) {
        bool interrupted = PyErr_Occurred() && interp_exception_is_interrupt();
        char *why = PyErr_Occurred() ? interp_exception_text(8) : text_copy("a malformed report");
        fprintf(stderr, "optdemo claims: %s\n",
                interrupted ? "interrupted" : text_or(why, "out of memory"));
        free(why);
        rc = interrupted ? EXIT_INTERRUPTED : EXIT_FAILED;
        goto done;
    }
    printf("%s\n", text);
    if ((opts->json_path != NULL
         && results_write_atomic(opts->json_path, json, strlen(json), &error) < 0)
        || (opts->markdown_path != NULL
            && results_write_atomic(opts->markdown_path, markdown, strlen(markdown), &error) < 0)) {
        fprintf(stderr, "optdemo claims: %s\n", error);
        rc = EXIT_FAILED;
    }
done:
    free(error);
    Py_XDECREF(args);
    Py_XDECREF(result);
    return rc;
}

int
cmd_claims(int argc, char **argv)
{
    struct claims_options opts = {0};
    char folder[PATH_MAX] = "/tmp/optdemo-claims.XXXXXX", sweep[PATH_MAX + 16],
         point[PATH_MAX + 16];
    int rc = EXIT_OK, parsed = parse(argc, argv, &opts);
    if (parsed != 0) {
        return parsed > 0 ? EXIT_OK : EXIT_USAGE;
    }
    const char *outputs[] = {opts.json_path, opts.markdown_path};
    if (results_check_outputs("claims", outputs, 2) < 0) {
        return EXIT_USAGE;
    }
    if (opts.keep != NULL) {
        snprintf(folder, sizeof folder, "%s", opts.keep);
        if (mkdir(folder, 0777) < 0 && errno != EEXIST) {
            fprintf(stderr, "optdemo claims: --keep %s: %s\n", folder, strerror(errno));
            return EXIT_USAGE;
        }
    } else if (mkdtemp(folder) == NULL) {
        perror("optdemo claims: a temporary folder");
        return EXIT_FAILED;
    }
    snprintf(sweep, sizeof sweep, "%s/sweep.json", folder);
    snprintf(point, sizeof point, "%s/point.json", folder);
    int swept = run_measurement(&opts, true, SWEPT, 3, sweep, argc, argv);
    int measured = swept == EXIT_OK || swept == EXIT_FAILED
                       ? run_measurement(&opts, false, POINT,
                                         opts.n_interpreters >= 2 ? N_POINT : N_POINT - 1, point,
                                         argc, argv)
                       : swept;
    if (measured == EXIT_USAGE || measured == EXIT_INTERRUPTED) {
        rc = measured;
        goto done;
    }
    rc = evaluate(&opts, sweep, point);
    if (rc == EXIT_OK && (swept == EXIT_FAILED || measured == EXIT_FAILED)) {
        rc = EXIT_FAILED;
    }
done:
    if (opts.keep == NULL) {
        unlink(sweep);
        unlink(point);
        rmdir(folder);
    }
    return rc;
}
