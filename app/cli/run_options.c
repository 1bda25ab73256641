/* run_options.c: parsing `optdemo run`'s options, and the defaults of its
 * three modes.  The modes trade time for confidence; each keeps the suite's
 * time budget (on a 2-core machine: quick under 10 s, default 2-3 min):
 *   quick      2 processes x 3 values of >= 5 ms, no warm-up values, budget 5 s
 *              per variant
 *   default    3 processes x 5 values of >= 50 ms, budget 30 s
 *   rigorous   8 processes x 5 values of >= 100 ms, budget 300 s
 * (a variant past its budget gets fewer values: harness_plan_budget).
 * --in-process keeps one process and gives it all the values. */
#include "run_options.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

static void
usage(FILE *out)
{
    fprintf(out,
        "usage: optdemo run [OPTIONS] [pitfalls | WORKLOAD-ID... | path/to/workload.py...]\n"
        "\n"
        "Measure each workload's variants (before, after, native, ...), check that they\n"
        "all give before's result, and print medians, speedups with 95%% CIs and memory.\n"
        "Each workload runs in worker processes (faults contained, values from several\n"
        "processes). With no name, runs the pitfalls suite.\n"
        "\n"
        "options:\n"
        "  --quick             small sizes, 2 processes x 3 values of >= 5 ms (a fast look)\n"
        "  --rigorous          8 processes x 5 values of >= 100 ms (slower, tighter CIs)\n"
        "  --variants A,B      only these variants (before always runs: it is the baseline)\n"
        "  --size N            run every workload at size N instead of its own size\n"
        "  --sweep             run every size in the workload's SIZES[\"sweep\"] and\n"
        "                      report how each variant's cost grows with n\n"
        "  --interpreter PATH  measure under this Python (repeatable; 'embedded' is\n"
        "                      optdemo's own): /usr/bin/python3.11, python3.11d, pypy3...\n"
        "  --python-path DIR   put DIR first on every worker's sys.path (repeatable), e.g.\n"
        "                      /usr/lib/python3/dist-packages to lend Debian's numpy to\n"
        "                      a CPython built into a prefix of its own\n"
        "  --template c|python the timed loop: c (the host calls the variant; embedded\n"
        "                      only) or python (a for loop, the same on every interpreter)\n"
        "  --processes N       worker processes per workload (default 3)\n"
        "  --rounds N          timed values per variant in each process (default 5)\n"
        "  --min-time SECONDS  minimum duration of one value (default 0.05)\n"
        "  --budget SECONDS    seconds per variant and size (default 30): a variant that\n"
        "                      would take longer gets fewer values (its row says so);\n"
        "                      one of which not even one value fits is skipped\n"
        "  --timeout SECONDS   stop a worker whose call outlives this (default: the\n"
        "                      budget, at least 10 s)\n"
        "  --memory-limit SIZE a worker's address space, e.g. 2G (default 4G; 0: none)\n"
        "  --cpu-limit SECONDS a worker's CPU time (default 3600; 0: none)\n"
        "  --file-limit SIZE   the largest file a worker may write (default 1G; 0: none)\n"
        "  --max-processes N   RLIMIT_NPROC for a worker (default none; root ignores it)\n"
        "  --in-process        no worker: run in this process (no timeout, no isolation)\n"
        "  --count instructions  also count each variant's instructions per call under\n"
        "                      valgrind's callgrind (embedded interpreter; repeats to\n"
        "                      ~0.1%% where times move 10%%; ~50x slower to run)\n"
        "  --matrix            with several interpreters: which fix matters where, and\n"
        "                      each build against the first (as `optdemo matrix`)\n"
        "  --gc on|off         cyclic GC during timing (default on, like pyperf; off like timeit)\n"
        "  --no-memory         skip the tracemalloc pass\n"
        "  --no-gap            do not measure the embedded build against python3.11\n"
        "  --json FILE         write the results (pyperf's JSON layout), atomically\n"
        "  --markdown FILE     write a Markdown report, atomically\n"
        "  --html FILE         one self-contained HTML page: tables, lessons, code,\n"
        "                      growth figures, metadata (no network needed)\n"
        "  --plot PREFIX       with --sweep: PREFIX-<workload>.svg and .png, time vs n on\n"
        "                      log-log axes (needs matplotlib)\n"
        "  --profile           then each variant's hot line (`optdemo profile --only\n"
        "                      lines`, the embedded interpreter), in the JSON and HTML too\n"
        "  --no-color          no colour (also: NO_COLOR set, or stdout not a terminal)\n"
        "  -h, --help          this help\n"
        "\n"
        "exit codes: 0 all checked and measured, 1 a workload failed, a result\n"
        "mismatched, a variant timed out or crashed its worker, or before (the\n"
        "baseline) did not fit the budget, 2 usage (unknown workload or interpreter,\n"
        "bad option, unwritable output), 130 Ctrl-C\n");
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

/* Append a copy of `text` to a growing array of strings. */
static int
add_string(char ***strings, size_t *count, const char *text)
{
    char **grown = realloc(*strings, (*count + 1) * sizeof *grown);
    if (grown == NULL) {
        return -1;
    }
    *strings = grown;
    grown[*count] = strdup(text);
    if (grown[*count] == NULL) {
        return -1;
    }
    (*count)++;
    return 0;
}

/* What the modes set, unless an option named it. */
struct explicit_values {
    long processes, rounds;
    double min_time, budget, timeout;
};

static void
apply_mode(struct run_options *opts, const struct explicit_values *given)
{
    struct harness_options *h = &opts->harness;
    if (opts->quick) {
        /* No warm-up values: the check call, just made in the same process,
         * warms each variant up. */
        opts->size_choice = SIZE_QUICK;
        h->min_time = 0.005;
        h->processes = 2;
        h->rounds = 3;
        h->warmups = 0;
        h->budget = 5;
    } else if (opts->rigorous) {
        h->min_time = 0.100;
        h->processes = 8;
        h->rounds = 5;
        h->budget = 300;
    }
    if (opts->in_process) {
        h->rounds *= h->processes;
        h->processes = 1;
    }
    h->processes = given->processes > 0 ? (int)given->processes : h->processes;
    h->rounds = given->rounds > 0 ? (int)given->rounds : h->rounds;
    h->min_time = given->min_time > 0 ? given->min_time : h->min_time;
    h->budget = given->budget > 0 ? given->budget : h->budget;
    opts->limits.timeout = given->timeout > 0 ? given->timeout
                           : h->budget > 10 ? h->budget : 10;
}

void
run_options_defaults(struct run_options *opts)
{
    *opts = (struct run_options){
        .harness = {
            .min_time = 0.050, .processes = 3, .rounds = 5, .warmups = 1, .budget = 30,
            .gc = true, .memory = true, .alpha = STATS_DEFAULT_ALPHA,
            .min_effect = STATS_DEFAULT_MIN_EFFECT, .resamples = STATS_DEFAULT_RESAMPLES,
        },
        .limits = {.memory_bytes = 4LL << 30, .cpu_seconds = 3600, .file_bytes = 1LL << 30},
        .size_choice = SIZE_DEFAULT,
    };
}

void
run_options_apply_mode(struct run_options *opts)
{
    const struct explicit_values none = {0};
    apply_mode(opts, &none);
}

static int
complain(const char *option, const char *wants, const char *got)
{
    fprintf(stderr, "optdemo run: %s needs %s, not '%s'\n", option, wants, got);
    return -1;
}

int
run_options_parse(int argc, char **argv, struct run_options *opts, int *first_name)
{
    enum { OPT_QUICK = 256, OPT_RIGOROUS, OPT_VARIANTS, OPT_SIZE, OPT_GC, OPT_JSON,
           OPT_MARKDOWN, OPT_NO_COLOR, OPT_ROUNDS, OPT_MIN_TIME, OPT_BUDGET, OPT_NO_MEMORY,
           OPT_SWEEP, OPT_INTERPRETER, OPT_TEMPLATE, OPT_PROCESSES, OPT_TIMEOUT,
           OPT_MEMORY_LIMIT, OPT_CPU_LIMIT, OPT_FILE_LIMIT, OPT_MAX_PROCESSES, OPT_IN_PROCESS,
           OPT_NO_GAP, OPT_MATRIX, OPT_PYTHON_PATH, OPT_COUNT, OPT_HTML, OPT_PLOT, OPT_PROFILE };
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
        {"interpreter", required_argument, NULL, OPT_INTERPRETER},
        {"template", required_argument, NULL, OPT_TEMPLATE},
        {"processes", required_argument, NULL, OPT_PROCESSES},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"memory-limit", required_argument, NULL, OPT_MEMORY_LIMIT},
        {"cpu-limit", required_argument, NULL, OPT_CPU_LIMIT},
        {"file-limit", required_argument, NULL, OPT_FILE_LIMIT},
        {"max-processes", required_argument, NULL, OPT_MAX_PROCESSES},
        {"in-process", no_argument, NULL, OPT_IN_PROCESS},
        {"no-gap", no_argument, NULL, OPT_NO_GAP},
        {"matrix", no_argument, NULL, OPT_MATRIX},
        {"count", required_argument, NULL, OPT_COUNT},
        {"html", required_argument, NULL, OPT_HTML},
        {"plot", required_argument, NULL, OPT_PLOT},
        {"profile", no_argument, NULL, OPT_PROFILE},
        {"python-path", required_argument, NULL, OPT_PYTHON_PATH},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct explicit_values given = {0};
    long long bytes = 0;
    long number = 0;
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
        case OPT_NO_GAP: opts->no_gap = true; break;
        case OPT_MATRIX: opts->matrix = true; break;
        case OPT_COUNT:
            if (strcmp(optarg, "instructions") != 0) {
                return complain("--count", "'instructions'", optarg);
            }
            opts->count_instructions = true;
            break;
        case OPT_SWEEP: opts->sweep = true; break;
        case OPT_IN_PROCESS: opts->in_process = true; break;
        case OPT_JSON: opts->json_path = optarg; break;
        case OPT_MARKDOWN: opts->markdown_path = optarg; break;
        case OPT_HTML: opts->html_path = optarg; break;
        case OPT_PLOT: opts->plot_prefix = optarg; break;
        case OPT_PROFILE: opts->profile = true; break;
        case OPT_VARIANTS:
            free(opts->only);
            opts->only = split_list(optarg);
            if (opts->only == NULL || opts->only[0] == NULL) {
                return complain("--variants", "a comma-separated list", optarg);
            }
            break;
        case OPT_INTERPRETER:
            if (add_string(&opts->interpreters, &opts->n_interpreters, optarg) < 0) {
                fprintf(stderr, "optdemo run: out of memory\n");
                return -1;
            }
            break;
        case OPT_PYTHON_PATH:
            if (add_string(&opts->python_paths, &opts->n_python_paths, optarg) < 0) {
                fprintf(stderr, "optdemo run: out of memory\n");
                return -1;
            }
            break;
        case OPT_TEMPLATE:
            if (strcmp(optarg, "c") != 0 && strcmp(optarg, "python") != 0) {
                return complain("--template", "'c' or 'python'", optarg);
            }
            opts->template = strcmp(optarg, "c") == 0 ? "c" : "python";
            break;
        case OPT_SIZE:
            if (parse_long(optarg, 1, &opts->size) < 0) {
                return complain("--size", "a positive integer", optarg);
            }
            break;
        case OPT_ROUNDS:
            if (parse_long(optarg, 1, &given.rounds) < 0 || given.rounds > 100000) {
                return complain("--rounds", "an integer from 1", optarg);
            }
            break;
        case OPT_PROCESSES:
            if (parse_long(optarg, 1, &given.processes) < 0 || given.processes > 1000) {
                return complain("--processes", "an integer from 1 to 1000", optarg);
            }
            break;
        case OPT_MIN_TIME:
            if (parse_seconds(optarg, false, &given.min_time) < 0) {
                return complain("--min-time", "positive seconds", optarg);
            }
            break;
        case OPT_BUDGET:
            if (parse_seconds(optarg, false, &given.budget) < 0) {
                return complain("--budget", "positive seconds", optarg);
            }
            break;
        case OPT_TIMEOUT:
            if (parse_seconds(optarg, false, &given.timeout) < 0) {
                return complain("--timeout", "positive seconds", optarg);
            }
            break;
        case OPT_MEMORY_LIMIT:
            if (parse_bytes(optarg, &bytes) < 0) {
                return complain("--memory-limit", "a size such as 512M or 4G (0: none)", optarg);
            }
            opts->limits.memory_bytes = bytes;
            break;
        case OPT_FILE_LIMIT:
            if (parse_bytes(optarg, &bytes) < 0) {
                return complain("--file-limit", "a size such as 64M (0: none)", optarg);
            }
            opts->limits.file_bytes = bytes;
            break;
        case OPT_CPU_LIMIT:
            if (parse_long(optarg, 0, &number) < 0) {
                return complain("--cpu-limit", "whole seconds (0: none)", optarg);
            }
            opts->limits.cpu_seconds = number;
            break;
        case OPT_MAX_PROCESSES:
            if (parse_long(optarg, 0, &number) < 0) {
                return complain("--max-processes", "a count (0: none)", optarg);
            }
            opts->limits.processes = number;
            break;
        case OPT_GC:
            if (strcmp(optarg, "on") != 0 && strcmp(optarg, "off") != 0) {
                return complain("--gc", "'on' or 'off'", optarg);
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
    if (opts->in_process && given.processes > 1) {
        fprintf(stderr, "optdemo run: --in-process runs one process; drop --processes\n");
        return -1;
    }
    for (size_t i = 0; i < opts->n_interpreters && opts->in_process; i++) {
        if (strcmp(opts->interpreters[i], "embedded") != 0) {
            fprintf(stderr, "optdemo run: --in-process measures the embedded interpreter "
                            "only; another one runs in a worker\n");
            return -1;
        }
    }
    if (opts->plot_prefix != NULL && !opts->sweep) {
        fprintf(stderr, "optdemo run: --plot draws growth: it needs --sweep\n");
        return -1;
    }
    if (opts->matrix && opts->n_interpreters < 2) {
        fprintf(stderr, "optdemo run: --matrix compares interpreters: name two or more with "
                        "--interpreter\n");
        return -1;
    }
    apply_mode(opts, &given);
    *first_name = optind;
    return 0;
}

void
run_options_free(struct run_options *opts)
{
    for (size_t i = 0; i < opts->n_interpreters; i++) {
        free(opts->interpreters[i]);
    }
    for (size_t i = 0; i < opts->n_python_paths; i++) {
        free(opts->python_paths[i]);
    }
    free(opts->interpreters);
    free(opts->python_paths);
    opts->python_paths = NULL;
    free(opts->only);
    opts->interpreters = NULL;
    opts->only = NULL;
}
