/* profile_script.c: `optdemo profile [options] SCRIPT.py [ARGS...]` (and
 * -m MODULE): the article's debugging flow on a program nobody wrote for
 * optdemo, in one command.  The program runs in workers of the embedded
 * interpreter (`optdemo worker`, a fresh process per run), each run as
 * `python SCRIPT.py ARGS` would run it (pyscripts' script_run.py) and each
 * measured one way, because each way distorts the others:
 *
 *   1. sampled, the run the user watches: its stdin, stdout and stderr are
 *      the host's, its exit code becomes optdemo's; the host's sampling
 *      profiler in C (sampler.c) reads its stacks;
 *   2. overhead: unprofiled, sampled and under cProfile, quietly (output
 *      to /dev/null), one after the other: what each profiler costs;
 *   3. the C line tracer on the hottest functions the samples found;
 *   4. tracemalloc: the peak and the lines that allocated what is held;
 * and then, in the host, the linter on the hot functions' files, each
 * finding weighed by the time its function took (hot_findings.py).
 *
 * Everything lands in one JSON report, the single source of the terminal
 * report (script_report.py, on stderr as time(1)'s, so the program's
 * stdout stays its own), --json, --html (profile_page.py) and --collapsed.
 * A program that reads stdin gets the same input on every run
 * (prepare_stdin). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "executor.h"
#include "interp.h"
#include "optdemo.h"
#include "parse.h"
#include "profile_report.h"
#include "profile_script.h"
#include "results.h"
#include "text.h"

/* What one run may take, by default (--timeout). */
static const double RUN_TIMEOUT = 3600;

/* Functions the line tracer watches: the hottest by samples. */
enum { TRACED_FUNCTIONS = 3 };

enum kind { KIND_OVERHEAD, KIND_CPROFILE, KIND_LINES, KIND_MEMORY, KIND_LINT, N_KINDS };
static const char *const KINDS[N_KINDS] = {"overhead", "cprofile", "lines", "memory", "lint"};

struct script_options {
    bool module;                  /* -m: argv[script] names a module, run as `python -m` */
    double rate;                  /* samples a second */
    const char *clock;            /* "wall" or "cpu" */
    long top, rounds;
    double timeout;
    bool kinds[N_KINDS];          /* what runs besides the sampled run (--only) */
    const char *collapsed_path, *json_path, *html_path, *pstats_path, *results_path;
    json_t *runs;                 /* the report's "runs": each run's pass, exit code, times */
};

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: optdemo profile [options] SCRIPT.py [ARGS...]\n"
            "       optdemo profile [options] --script SCRIPT [ARGS...]\n"
            "       optdemo profile [options] -m MODULE [ARGS...]\n\n"
            "Where a program's time goes and what to try first.  The program runs in a\n"
            "worker of the embedded interpreter as `python SCRIPT.py ARGS` would (its\n"
            "sys.argv, __main__, cwd, stdin, stdout, stderr and exit code), first under\n"
            "the host's sampling profiler (a timer signal; the handler reads the frames in\n"
            "C), then again, quietly, once for each view below.  The report goes to\n"
            "stderr: wall and CPU time, the functions and stacks by samples, what the\n"
            "sampler and cProfile cost, cProfile's functions, the hottest functions' lines,\n"
            "the allocation sites, and the linter's findings in hot functions ranked by\n"
            "the time they could save.  A .py file that declares no VARIANTS is a script;\n"
            "anything else is a workload (`optdemo profile --help`).  Options go before\n"
            "SCRIPT; what follows it is the program's.  The program runs six times, its\n"
            "side effects too: `--only sample` runs it once.\n\n"
            "  --script          SCRIPT is a program even if it does not end in .py\n"
            "  -m                the program is MODULE, run as `python -m MODULE` runs it\n"
            "  --only KIND       sample, overhead, cprofile, lines, memory or lint\n"
            "                    (repeatable; default: all); the sampled run is always\n"
            "                    made, and `--only sample` makes it alone\n"
            "  --rate HZ         samples a second (default 1000)\n"
            "  --clock C         wall (default: waiting is sampled too) or cpu (the\n"
            "                    thread's CPU clock, kernel ticks: ~250 Hz at most)\n"
            "  --rounds N        overhead runs of each kind, interleaved (default 1)\n"
            "  --top N           rows of the tables (default 10)\n"
            "  --timeout S       seconds one run may take (default 3600)\n"
            "  --results FILE    `optdemo run --json` results: each finding's lesson with\n"
            "                    the speedup measured on this machine\n"
            "  --collapsed FILE  the sampled stacks as `a;b;c COUNT` lines (flamegraph.pl,\n"
            "                    speedscope)\n"
            "  --pstats FILE     cProfile's stats, for `python -m pstats` or snakeviz\n"
            "  --json FILE       the whole report as JSON\n"
            "  --html FILE       the report as a page, with a flame graph\n\n"
            "exit codes: the program's own; 2 usage, 1 when optdemo itself failed,\n"
            "130 interrupted\n");
}

static bool
is_script_file(const char *path)
{
    size_t length = strlen(path);
    bool workload = false;
    char line[256];
    if (length < 3 || strcmp(path + length - 3, ".py") != 0) {
        return false;
    }
    FILE *file = fopen(path, "r");
    if (file == NULL) {
        return false;
    }
    while (!workload && fgets(line, sizeof line, file) != NULL) {
        workload = strncmp(line, "VARIANTS", 8) == 0;
    }
    fclose(file);
    return !workload;
}

int
profile_script_target(int argc, char **argv)
{
    static const char *const with_argument[] = {
        "--size", "--only", "--top", "--pstats", "--json", "--collapsed", "--rate",
        "--clock", "--html", "--results", "--timeout", "--rounds",
    };
    bool forced = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--script") == 0) {
            forced = true;
        } else if (strcmp(arg, "-m") == 0) {
            return i + 1;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            for (size_t k = 0; k < sizeof with_argument / sizeof *with_argument; k++) {
                i += strcmp(arg, with_argument[k]) == 0;
            }
        } else {
            return forced || is_script_file(arg) ? i : 0;
        }
    }
    return forced ? argc : 0;
}

static int
bad_value(const char *option, const char *needs, const char *value)
{
    fprintf(stderr, "optdemo profile: %s needs %s, not '%s'\n", option, needs, value);
    return EXIT_USAGE;
}

/* EXIT_OK to go on; otherwise the exit code (help: EXIT_OK with *done). */
static int
parse_options(int argc, char **argv, struct script_options *opts, bool *done)
{
    enum {
        OPT_SCRIPT = 256, OPT_ONLY, OPT_RATE, OPT_CLOCK, OPT_ROUNDS, OPT_TOP, OPT_TIMEOUT,
        OPT_RESULTS, OPT_COLLAPSED, OPT_PSTATS, OPT_JSON, OPT_HTML,
    };
    static const struct option long_options[] = {
        {"help", no_argument, NULL, 'h'},
        {"script", no_argument, NULL, OPT_SCRIPT},
        {"only", required_argument, NULL, OPT_ONLY},
        {"rate", required_argument, NULL, OPT_RATE},
        {"clock", required_argument, NULL, OPT_CLOCK},
        {"rounds", required_argument, NULL, OPT_ROUNDS},
        {"top", required_argument, NULL, OPT_TOP},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"results", required_argument, NULL, OPT_RESULTS},
        {"collapsed", required_argument, NULL, OPT_COLLAPSED},
        {"pstats", required_argument, NULL, OPT_PSTATS},
        {"json", required_argument, NULL, OPT_JSON},
        {"html", required_argument, NULL, OPT_HTML},
        {NULL, 0, NULL, 0},
    };
    bool any_kind = false;
    long number;
    int c;

    *done = false;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+hm", long_options, NULL)) != -1) {
        switch (c) {
        case 'm':
            opts->module = true;
            break;
        case 'h':
            usage(stdout);
            *done = true;
            return EXIT_OK;
        case OPT_SCRIPT:
            break;
        case OPT_ONLY: {
            int k = 0;
            while (k < N_KINDS && strcmp(optarg, KINDS[k]) != 0) {
                k++;
            }
            if (k == N_KINDS && strcmp(optarg, "sample") != 0) {
                return bad_value("--only", "sample, overhead, cprofile, lines, memory or lint",
                                 optarg);
            }
            any_kind = true;   /* `--only sample`: the sampled run alone */
            if (k < N_KINDS) {   /* "sample" has no slot: that run is always made */
                opts->kinds[k] = true;
            }
            break;
        }
        case OPT_RATE:
            if (parse_long(optarg, 1, &number) < 0 || number > 100000) {
                return bad_value("--rate", "1-100000 samples a second", optarg);
            }
            opts->rate = (double)number;
            break;
        case OPT_CLOCK:
            if (strcmp(optarg, "wall") != 0 && strcmp(optarg, "cpu") != 0) {
                return bad_value("--clock", "wall or cpu", optarg);
            }
            opts->clock = strcmp(optarg, "cpu") == 0 ? "cpu" : "wall";
            break;
        case OPT_ROUNDS:
            if (parse_long(optarg, 1, &opts->rounds) < 0 || opts->rounds > 100) {
                return bad_value("--rounds", "1-100 rounds", optarg);
            }
            break;
        case OPT_TOP:
            if (parse_long(optarg, 1, &opts->top) < 0 || opts->top > 100000) {
                return bad_value("--top", "a number of rows", optarg);
            }
            break;
        case OPT_TIMEOUT:
            if (parse_long(optarg, 1, &number) < 0) {
                return bad_value("--timeout", "a positive number of seconds", optarg);
            }
            opts->timeout = (double)number;
            break;
        case OPT_RESULTS:
            opts->results_path = optarg;
            break;
        case OPT_COLLAPSED:
            opts->collapsed_path = optarg;
            break;
        case OPT_PSTATS:
            opts->pstats_path = optarg;
            break;
        case OPT_JSON:
            opts->json_path = optarg;
            break;
        case OPT_HTML:
            opts->html_path = optarg;
            break;
        default:
            fprintf(stderr, "optdemo profile: unknown or incomplete option '%s' "
                            "(options go before SCRIPT)\n", argv[optind - 1]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    for (int k = 0; k < N_KINDS && !any_kind; k++) {
        opts->kinds[k] = true;
    }
    if (opts->pstats_path != NULL && !opts->kinds[KIND_CPROFILE]) {
        fprintf(stderr, "optdemo profile: --pstats needs the cprofile run (--only cprofile)\n");
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* Every run reads the same stdin: a pipe is copied once into an unlinked
 * temporary file that becomes fd 0, which each run reads from its start
 * (rewind_stdin), as it does a file.  A terminal becomes /dev/null: the
 * workers run in a process group of their own, in the background, where
 * reading the terminal would stop them (SIGTTIN).  0, or -1 after saying
 * why. */
static int
prepare_stdin(void)
{
    char path[] = "/tmp/optdemo-stdin-XXXXXX", chunk[65536];
    int fd = -1, rc = -1;
    ssize_t n;

    if (isatty(STDIN_FILENO)) {
        fd = open("/dev/null", O_RDONLY);
    } else if (lseek(STDIN_FILENO, 0, SEEK_CUR) < 0) {   /* a pipe, a socket */
        fd = mkstemp(path);
        if (fd >= 0) {
            unlink(path);
        }
        while (fd >= 0 && (n = read(STDIN_FILENO, chunk, sizeof chunk)) != 0) {
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0 || write(fd, chunk, (size_t)n) != n) {
                goto done;
            }
        }
    } else {
        return 0;   /* a file: rewinding it is enough */
    }
    if (fd < 0 || dup2(fd, STDIN_FILENO) < 0) {
        goto done;
    }
    rc = 0;
done:
    if (rc < 0) {
        perror("optdemo profile: cannot keep stdin for every run");
    }
    if (fd >= 0) {
        close(fd);
    }
    return rc;
}

static void
rewind_stdin(void)
{
    lseek(STDIN_FILENO, 0, SEEK_SET);
}

/* The embedded interpreter in a worker whose stdin, stdout and stderr are
 * ours. */
static int
open_worker(struct executor *ex, double timeout)
{
    char *exe = (char *)interp_executable();
    if (exe == NULL) {
        return -1;
    }
    const char *const *worker = executor_worker_arguments(false);
    char *argv[] = {exe, (char *)worker[0], (char *)worker[1], (char *)worker[2], NULL};
    struct worker_limits limits = {.timeout = timeout, .file_bytes = 0, .inherit_stdio = true};
    if (executor_worker_init(ex, argv, &limits, interp_interrupted) < 0) {
        return -1;
    }
    ex->template = "c";
    ex->label = strdup("embedded");
    return ex->label != NULL ? 0 : -1;
}

/* One run of the program in a fresh worker: `pass` (script_run.PASSES),
 * its output to /dev/null when `quiet`; `extra` (stolen, may be NULL) adds
 * to the request.  EXEC_OK with *answer, the run listed in opts->runs;
 * otherwise *error says why. */
static enum exec_status
run_pass(struct executor *ex, const struct script_options *opts, const json_t *argv,
         const char *pass, bool quiet, json_t *extra, json_t **answer, char **error)
{
    json_t *runs = opts->runs;
    json_t *request = json_pack("{s:s, s:s, s:O, s:b, s:b, s:f, s:s, s:I}", "op", "script",
                                "pass", pass, "argv", argv, "module", opts->module, "quiet",
                                quiet, "rate", opts->rate, "clock", opts->clock, "top",
                                (json_int_t)opts->top);
    enum exec_status status;

    *answer = NULL;
    if (request == NULL || (extra != NULL && json_object_update(request, extra) < 0)) {
        json_decref(request);
        json_decref(extra);
        *error = text_copy("out of memory");
        return EXEC_ERROR;
    }
    json_decref(extra);
    if (strcmp(pass, "cprofile") == 0 && opts->pstats_path != NULL) {
        json_object_set_new(request, "pstats", json_string(opts->pstats_path));
    }
    fflush(NULL);
    rewind_stdin();
    status = executor_start(ex, error);
    if (status == EXEC_OK) {
        status = executor_request(ex, request, answer, error, NULL);
    } else {
        json_decref(request);
    }
    executor_stop(ex);
    if (status == EXEC_OK) {
        json_array_append_new(runs, json_pack("{s:s, s:b, s:O, s:O, s:O}", "pass", pass,
                                              "quiet", quiet, "exit_code",
                                              json_object_get(*answer, "exit_code"), "wall",
                                              json_object_get(*answer, "wall"), "cpu",
                                              json_object_get(*answer, "cpu")));
    }
    return status;
}

static double
number_at(const json_t *object, const char *key)
{
    return json_number_value(json_object_get(object, key));
}

/* The overhead runs, interleaved round by round: unprofiled, sampled,
 * under cProfile, all quiet (the report's "runs" keeps their times;
 * script_report.complete takes the medians).  The last cProfile run gives
 * the report its "cprofile".  0, or -1 with *status and *error. */
static int
measure_overhead(struct executor *ex, const struct script_options *opts, const json_t *argv,
                 json_t *report, enum exec_status *status, char **error)
{
    static const char *const passes[3] = {"plain", "sample", "cprofile"};
    json_t *answer = NULL;

    for (long round = 0; round < opts->rounds; round++) {
        for (int p = 0; p < 3; p++) {
            if (p != 2 && !opts->kinds[KIND_OVERHEAD]) {
                continue;
            }
            *status = run_pass(ex, opts, argv, passes[p], true, NULL, &answer, error);
            if (*status != EXEC_OK) {
                return -1;
            }
            if (p == 2) {
                json_object_set(report, "cprofile", json_object_get(answer, "cprofile"));
            }
            json_decref(answer);
            answer = NULL;
        }
    }
    return 0;
}

/* What the report's sections need from the host's Python (the hot lines'
 * keys, the findings, the text): script_report.py. */
static int
trace_hot_lines(struct executor *ex, const struct script_options *opts, const json_t *argv,
                json_t *report, enum exec_status *status, char **error)
{
    char limit[32];
    snprintf(limit, sizeof limit, "%d", TRACED_FUNCTIONS);
    char *keys_text = profile_report_call("line_keys", report, limit);
    json_t *keys = keys_text != NULL ? json_loads(keys_text, 0, NULL) : NULL, *answer = NULL;
    int rc = -1;

    free(keys_text);
    *status = EXEC_OK;
    if (keys == NULL) {
        *error = text_copy("cannot choose the functions to trace");
        *status = EXEC_ERROR;
        goto done;
    }
    if (json_array_size(keys) == 0) {
        json_object_set_new(report, "lines", json_pack("{s:[], s:s}", "functions", "why",
                                                       "no sampled function of a file with "
                                                       "source"));
        rc = 0;
        goto done;
    }
    *status = run_pass(ex, opts, argv, "lines", true, json_pack("{s:O}", "functions", keys),
                       &answer, error);
    if (*status != EXEC_OK) {
        goto done;
    }
    json_object_set_new(report, "lines", json_pack("{s:O, s:f}", "functions",
                                                   json_object_get(answer, "lines"), "wall",
                                                   number_at(answer, "wall")));
    rc = 0;
done:
    json_decref(keys);
    json_decref(answer);
    return rc;
}

static int
exit_code_of_status(enum exec_status status)
{
    return status == EXEC_INTERRUPTED ? EXIT_INTERRUPTED : EXIT_FAILED;
}

int
profile_script_main(int argc, char **argv, int script)
{
    struct script_options opts = {.rate = 1000, .clock = "wall", .top = 10, .rounds = 1,
                                  .timeout = RUN_TIMEOUT};
    struct executor ex = {0};
    bool have_executor = false, done = false;
    json_t *report = NULL, *program_argv = NULL, *answer = NULL;
    char *error = NULL, cwd[PATH_MAX];
    enum exec_status status = EXEC_OK;
    int program_rc = EXIT_OK;
    int rc = parse_options(script, argv, &opts, &done);

    struct profile_outputs outputs = {opts.collapsed_path, opts.json_path, opts.html_path,
                                      opts.top};
    if (rc != EXIT_OK || done) {
        goto finish;
    }
    rc = EXIT_USAGE;
    if (script >= argc) {
        fprintf(stderr, "optdemo profile: --script needs a SCRIPT, -m a MODULE to run\n");
        goto finish;
    }
    const char *paths[] = {opts.collapsed_path, opts.json_path, opts.html_path,
                           opts.pstats_path};
    if (results_check_outputs("profile", paths, 4) < 0) {
        goto finish;
    }
    if (!opts.module && access(argv[script], R_OK) < 0) {
        fprintf(stderr, "optdemo profile: %s: %s\n", argv[script], strerror(errno));
        goto finish;
    }
    rc = EXIT_FAILED;
    program_argv = json_array();
    for (int i = script; i < argc && program_argv != NULL; i++) {
        json_array_append_new(program_argv, json_string(argv[i]));
    }
    report = json_pack("{s:s, s:{s:O, s:b, s:s}, s:{s:f, s:s, s:I, s:I, s:b}}", "schema",
                       "optdemo-profile-script/1", "program", "argv", program_argv, "module",
                       opts.module, "cwd", getcwd(cwd, sizeof cwd) != NULL ? cwd : "?",
                       "options", "rate", opts.rate, "clock", opts.clock, "rounds",
                       (json_int_t)opts.rounds, "top", (json_int_t)opts.top, "lint",
                       opts.kinds[KIND_LINT]);
    opts.runs = json_array();
    if (report == NULL || opts.runs == NULL
        || json_object_set_new(report, "runs", opts.runs) < 0 || interp_start() < 0) {
        goto finish;
    }
    if (opts.results_path != NULL) {
        json_object_set_new(json_object_get(report, "options"), "results",
                            json_string(opts.results_path));
        if (profile_report_check_results(opts.results_path) < 0) {
            rc = EXIT_USAGE;
            goto finish;
        }
    }
    if (prepare_stdin() < 0) {
        goto finish;
    }
    if (open_worker(&ex, opts.timeout) < 0) {
        fprintf(stderr, "optdemo profile: cannot set up a worker\n");
        goto finish;
    }
    have_executor = true;

    /* 1. The run the user watches, sampled. */
    status = run_pass(&ex, &opts, program_argv, "sample", false, NULL, &answer, &error);
    if (status == EXEC_CRASHED) {
        char *why = text_format("the program ended its worker before the samples were sent "
                                "(os._exit, a signal or a crash), so there is nothing to "
                                "report: %s", text_or(error, "?"));
        free(error);
        error = why;
    }
    if (status != EXEC_OK) {
        goto failed;
    }
    program_rc = (int)json_integer_value(json_object_get(answer, "exit_code"));
    json_object_set_new(json_object_get(report, "program"), "exit_code",
                        json_integer(program_rc));
    json_object_set_new(report, "times", json_pack("{s:f, s:f}", "wall",
                                                   number_at(answer, "wall"), "cpu",
                                                   number_at(answer, "cpu")));
    json_object_set(report, "sampling", json_object_get(answer, "sampling"));
    json_object_set_new(json_object_get(report, "sampling"), "rate", json_real(opts.rate));
    json_object_set_new(json_object_get(report, "sampling"), "clock", json_string(opts.clock));

    /* 2-4. The quiet runs. */
    if ((opts.kinds[KIND_OVERHEAD] || opts.kinds[KIND_CPROFILE])
        && measure_overhead(&ex, &opts, program_argv, report, &status, &error) < 0) {
        goto failed;
    }
    if (opts.kinds[KIND_LINES]
        && trace_hot_lines(&ex, &opts, program_argv, report, &status, &error) < 0) {
        goto failed;
    }
    if (opts.kinds[KIND_MEMORY]) {
        json_decref(answer);
        status = run_pass(&ex, &opts, program_argv, "memory", true, NULL, &answer, &error);
        if (status != EXEC_OK) {
            goto failed;
        }
        json_object_set(report, "memory", json_object_get(answer, "memory"));
    }
    rc = program_rc;
    goto report;
failed:
    /* What is finished is still reported. */
    fprintf(stderr, "optdemo profile: %s\n", text_or(error, "a run failed"));
    json_object_set_new(report, "failure", json_string(text_or(error, "a run failed")));
    rc = json_object_get(report, "sampling") != NULL && status != EXEC_INTERRUPTED
             ? EXIT_FAILED : exit_code_of_status(status);
report:
    if (json_object_get(report, "sampling") != NULL
        && profile_report_finish(&report, stderr, &outputs) < 0) {
        rc = rc == EXIT_OK ? EXIT_FAILED : rc;
    }
finish:
    if (have_executor) {
        executor_free(&ex);
    }
    json_decref(answer);
    json_decref(report);
    json_decref(program_argv);
    free(error);
    return rc;
}
