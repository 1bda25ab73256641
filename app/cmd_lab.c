/* cmd_lab.c: `optdemo lab list | show ID | starter ID | check ID SOLUTION...`:
 * the teaching labs (docs/labs.md).  `check` of one solution runs lab.c in
 * this process (two workers: the lab's, trusted, and the solution's,
 * sandboxed); `check` of several grades a batch: each solution in a child
 * `optdemo lab check` of its own, --jobs at a time, then one summary
 * (terminal, CSV, JSON, JUnit XML). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "interp.h"
#include "lab.h"
#include "optdemo.h"
#include "parse.h"
#include "pydata.h"
#include "report.h"
#include "results.h"
#include "text.h"

extern char **environ;

struct lab_cli {
    struct lab_options check;
    long jobs;
    bool quick, quiet, no_color;
    const char *json_path, *junit_path, *csv_path;
};

static void
usage(FILE *out)
{
    fprintf(out,
        "usage: optdemo lab list\n"
        "       optdemo lab show LAB          the statement and the starter to rewrite\n"
        "       optdemo lab starter LAB       the starter alone (> solution.py to begin)\n"
        "       optdemo lab check [OPTIONS] LAB SOLUTION.py...\n"
        "\n"
        "check: the solution runs in a sandboxed worker; it must give the reference's\n"
        "result on every hidden case, then is timed against the starter and the\n"
        "reference in the same run (host-timed, interleaved) and on a short growth\n"
        "sweep.  Verdicts: pass, too slow, wrong, crashed, timed out, error.  With\n"
        "several solutions, a batch: each checked in a process of its own.\n"
        "\n"
        "  --quick              fewer, shorter values (a first look, wider CIs)\n"
        "  --jobs N             check N solutions at a time (default 1; more is faster\n"
        "                       and noisier on a small machine)\n"
        "  --timeout SECONDS    per call of the solution (default 10)\n"
        "  --memory-limit SIZE  the solution's address space (default 1G)\n"
        "  --retime-within X    a speed target missed by less than X times is timed\n"
        "                       twice, judged on both timings (default 1.5; 1: never)\n"
        "  --json FILE          results as JSON          --junit FILE   JUnit XML\n"
        "  --csv FILE           one line per solution (batch summary)\n"
        "  --no-color           no colour\n"
        "\n"
        "exit codes: 0 every solution passes, 1 one does not, 2 usage (unknown lab,\n"
        "missing file), 130 Ctrl-C\n");
}

/* A lab id (or a folder holding lab.py) to its folder, through pyscripts'
 * optdemo.lab.  malloc'd, or NULL after printing why. */
static char *
lab_folder(const char *name)
{
    if (strchr(name, '/') != NULL) {
        char path[PATH_MAX + 16];
        snprintf(path, sizeof path, "%s/lab.py", name);
        if (access(path, R_OK) == 0) {
            char resolved[PATH_MAX];
            return text_copy(realpath(name, resolved) != NULL ? resolved : name);
        }
        fprintf(stderr, "optdemo lab: %s holds no lab.py\n", name);
        return NULL;
    }
    PyObject *args = Py_BuildValue("(s)", name);
    PyObject *folder = args != NULL ? interp_call("optdemo.lab", "lab_folder", args) : NULL;
    const char *text = folder != NULL ? pydata_str(folder, "lab_folder()") : NULL;
    char *copy = text != NULL ? text_copy(text) : NULL;
    if (copy == NULL) {
        char *why = interp_exception_message();
        fprintf(stderr, "optdemo lab: %s\n", why);
        free(why);
    }
    Py_XDECREF(args);
    Py_XDECREF(folder);
    return copy;
}

/* Print a file of the lab's folder. */
static int
print_file(const char *folder, const char *name)
{
    char path[PATH_MAX + 64];
    char buffer[8192];
    size_t n;
    snprintf(path, sizeof path, "%s/%s", folder, name);
    FILE *file = fopen(path, "r");
    if (file == NULL) {
        fprintf(stderr, "optdemo lab: cannot read %s: %s\n", path, strerror(errno));
        return -1;
    }
    while ((n = fread(buffer, 1, sizeof buffer, file)) > 0) {
        fwrite(buffer, 1, n, stdout);
    }
    fclose(file);
    return 0;
}

static int
list_labs(void)
{
    PyObject *ids = interp_call("optdemo.lab", "lab_ids", NULL);
    if (ids == NULL || !PyList_Check(ids)) {
        char *why = interp_exception_text(6);
        fprintf(stderr, "optdemo lab: %s\n", why);
        free(why);
        Py_XDECREF(ids);
        return EXIT_FAILED;
    }
    printf("%-18s  %s\n", "lab", "where: statement, starter (optdemo lab show LAB)");
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(ids); i++) {
        const char *id = pydata_str(PyList_GET_ITEM(ids, i), "a lab id");
        if (id == NULL) {
            PyErr_Clear();
            continue;
        }
        char *folder = lab_folder(id);
        printf("%-18s  %s\n", id, folder != NULL ? folder : "?");
        free(folder);
    }
    Py_DECREF(ids);
    return EXIT_OK;
}

static void
show_stage(const char *stage)
{
    if (isatty(fileno(stderr))) {
        fprintf(stderr, "\r\033[K%s", stage);
        fflush(stderr);
    }
}

static void
write_junit_case(FILE *out, const json_t *result)
{
    const char *solution = json_string_value(json_object_get(result, "solution"));
    const char *verdict = json_string_value(json_object_get(result, "verdict"));
    const char *detail = json_string_value(json_object_get(result, "detail"));
    const char *lab = json_string_value(json_object_get(result, "lab"));
    fprintf(out, "    <testcase classname=\"optdemo.lab.%s\" name=\"", lab != NULL ? lab : "?");
    for (const char *p = solution != NULL ? solution : "?"; *p; p++) {
        fputs(*p == '"' ? "&quot;" : *p == '&' ? "&amp;" : *p == '<' ? "&lt;" : "", out);
        if (*p != '"' && *p != '&' && *p != '<') {
            fputc(*p, out);
        }
    }
    fprintf(out, "\" time=\"%.3f\">", json_number_value(json_object_get(result, "duration")));
    if (verdict != NULL && strcmp(verdict, "pass") != 0) {
        bool failure = strcmp(verdict, "wrong") == 0 || strcmp(verdict, "too slow") == 0
                       || strcmp(verdict, "too much memory") == 0;
        fprintf(out, "\n      <%s message=\"%s\"><![CDATA[", failure ? "failure" : "error",
                verdict);
        /* "]]>" would end the CDATA section: split it across two.  Control
         * characters (a solution's output may hold ANSI escapes) are not
         * XML 1.0 at all: '?' instead. */
        for (const char *p = detail != NULL ? detail : ""; *p != '\0'; p++) {
            unsigned char c = (unsigned char)*p;
            if (strncmp(p, "]]>", 3) == 0) {
                fputs("]]]]><![CDATA[>", out);
                p += 2;
            } else {
                fputc(c < 0x20 && c != '\n' && c != '\t' && c != '\r' ? '?' : c, out);
            }
        }
        fprintf(out, "]]></%s>\n    ", failure ? "failure" : "error");
    }
    fprintf(out, "</testcase>\n");
}

struct junit_context {
    const json_t *results;
};

static void
write_junit(FILE *out, const void *context)
{
    const json_t *results = ((const struct junit_context *)context)->results;
    size_t failures = 0, errors = 0, index;
    const json_t *result;
    json_array_foreach(results, index, result) {
        const char *verdict = json_string_value(json_object_get(result, "verdict"));
        if (verdict == NULL || strcmp(verdict, "pass") == 0) {
            continue;
        }
        failures += strcmp(verdict, "wrong") == 0 || strcmp(verdict, "too slow") == 0;
        errors += strcmp(verdict, "wrong") != 0 && strcmp(verdict, "too slow") != 0;
    }
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
                 "  <testsuite name=\"optdemo lab\" tests=\"%zu\" failures=\"%zu\" "
                 "errors=\"%zu\">\n", json_array_size(results), failures, errors);
    json_array_foreach(results, index, result) {
        write_junit_case(out, result);
    }
    fprintf(out, "  </testsuite>\n</testsuites>\n");
}

/* The line of a result's detail that says why, at most `size` - 1 bytes
 * of it into `line`: for a crash or a timeout the first (what happened;
 * the stack follows), else the last (a traceback's last line is its error). */
static void
detail_line(const json_t *result, char *line, size_t size)
{
    const char *detail = json_string_value(json_object_get(result, "detail"));
    const char *verdict = json_string_value(json_object_get(result, "verdict"));
    bool first = verdict != NULL && (strcmp(verdict, "crashed") == 0
                                     || strcmp(verdict, "timed out") == 0);
    const char *last = detail != NULL ? detail : "";
    for (const char *p = last; !first && *p != '\0'; p++) {
        if (*p == '\n' && p[1] != '\0' && p[1] != '\n') {
            last = p + 1;
        }
    }
    size_t length = strcspn(last, "\n");
    snprintf(line, size, "%.*s", (int)(length < size ? length : size - 1), last);
}

/* A CSV field (RFC 4180): quoted, its quotes doubled. */
static void
csv_field(FILE *out, const char *text)
{
    fputc('"', out);
    for (const char *p = text != NULL ? text : ""; *p != '\0'; p++) {
        if (*p == '"') {
            fputc('"', out);
        }
        fputc(*p, out);
    }
    fputc('"', out);
}

static void
write_csv(FILE *out, const void *context)
{
    const json_t *results = ((const struct junit_context *)context)->results;
    size_t index;
    const json_t *result;
    fprintf(out, "solution,verdict,cases_passed,cases_total,vs_starter,vs_reference,growth,"
                 "memory_vs_starter,detail\n");
    json_array_foreach(results, index, result) {
        const json_t *timing = json_object_get(result, "timing");
        csv_field(out, json_string_value(json_object_get(result, "solution")));
        fprintf(out, ",%s,%lld,%lld,", json_string_value(json_object_get(result, "verdict")),
                json_integer_value(json_object_get(result, "cases_passed")),
                json_integer_value(json_object_get(result, "cases_total")));
        if (timing != NULL) {
            fprintf(out, "%.4g,%.4g,", json_number_value(json_object_get(timing, "vs_starter")),
                    json_number_value(json_object_get(timing, "vs_reference")));
        } else {
            fprintf(out, ",,");
        }
        const json_t *growth = json_object_get(json_object_get(result, "growth"), "solution");
        if (growth != NULL) {
            fprintf(out, "%.3g", json_number_value(growth));
        }
        const json_t *memory = json_object_get(json_object_get(result, "memory"), "vs_starter");
        fputc(',', out);
        if (memory != NULL) {
            fprintf(out, "%.3g", json_number_value(memory));
        }
        char line[512];
        detail_line(result, line, sizeof line);
        fputc(',', out);
        csv_field(out, line);
        fputc('\n', out);
    }
}

/* The files asked for, from the results (a JSON array). */
static int
write_outputs(const struct lab_cli *cli, json_t *results)
{
    struct junit_context context = {results};
    char *error = NULL;
    int rc = 0;
    json_t *root = json_pack("{s:s, s:O}", "optdemo_lab", "1", "results", results);
    if (cli->json_path != NULL && (root == NULL
                                   || results_write_json(cli->json_path, root, &error) < 0)) {
        rc = -1;
    }
    if (rc == 0 && cli->junit_path != NULL
        && results_write_stream(cli->junit_path, write_junit, &context, &error) < 0) {
        rc = -1;
    }
    if (rc == 0 && cli->csv_path != NULL
        && results_write_stream(cli->csv_path, write_csv, &context, &error) < 0) {
        rc = -1;
    }
    if (rc < 0) {
        fprintf(stderr, "optdemo lab: %s\n", error != NULL ? error : "out of memory");
    }
    json_decref(root);
    free(error);
    return rc;
}

/* One solution, in this process. */
static int
check_one(struct lab_cli *cli, const char *folder, const char *solution, json_t *results)
{
    struct lab_result result;
    char *error = NULL;
    int rc = lab_check(&cli->check, folder, solution, &result, &error);
    if (isatty(fileno(stderr))) {
        fprintf(stderr, "\r\033[K");
    }
    if (rc < 0) {
        fprintf(stderr, "optdemo lab: %s\n", error != NULL ? error : "the check failed");
        free(error);
        lab_result_clear(&result);
        return EXIT_FAILED;
    }
    if (rc > 0) {
        lab_result_clear(&result);
        return EXIT_INTERRUPTED;
    }
    struct report_style style = report_style_for(stdout, cli->no_color);
    if (!cli->quiet) {
        lab_print(stdout, &result, &style);
    }
    json_array_append_new(results, lab_result_json(&result));
    rc = result.verdict == LAB_PASS ? EXIT_OK : EXIT_FAILED;
    lab_result_clear(&result);
    return rc;
}

/* A batch: each solution in a child `optdemo lab check --quiet --json`,
 * `jobs` at a time.  The exit code. */
static int
check_batch(struct lab_cli *cli, int argc, char **argv, const char *lab, json_t *results)
{
    char folder[] = "/tmp/optdemo-batch.XXXXXX";
    const char *self = interp_executable();
    int n = argc, next = 0, running = 0, rc = EXIT_OK;
    pid_t *pids = calloc((size_t)n, sizeof *pids);
    if (self == NULL || pids == NULL || mkdtemp(folder) == NULL) {
        free(pids);
        fprintf(stderr, "optdemo lab: cannot start the batch\n");
        return EXIT_FAILED;
    }
    while (next < n || running > 0) {
        while (next < n && running < cli->jobs) {
            char json[PATH_MAX], timeout[32], memory[32], retime[32];
            snprintf(json, sizeof json, "%s/%d.json", folder, next);
            snprintf(timeout, sizeof timeout, "%g", cli->check.sandboxed.timeout);
            snprintf(memory, sizeof memory, "%lld", cli->check.sandboxed.memory_bytes);
            snprintf(retime, sizeof retime, "%.17g", cli->check.near_miss);
            char *child[] = {(char *)self, "lab", "check", "--quiet", "--json", json, "--timeout",
                             timeout, "--memory-limit", memory, "--retime-within", retime,
                             cli->quick ? "--quick" : "--", (char *)lab, argv[next], NULL};
            if (posix_spawn(&pids[next], self, NULL, NULL, child, environ) != 0) {
                pids[next] = -1;
            } else {
                running++;
            }
            next++;
        }
        int status = 0;
        pid_t done = waitpid(-1, &status, 0);
        if (done < 0 && errno == EINTR) {
            if (interp_interrupted()) {
                for (int i = 0; i < n; i++) {
                    if (pids[i] > 0) {
                        kill(pids[i], SIGINT);
                    }
                }
                rc = EXIT_INTERRUPTED;
            }
            continue;
        }
        if (done < 0) {
            break;
        }
        running--;
        for (int i = 0; i < n; i++) {
            if (pids[i] == done) {
                pids[i] = 0;
                if (!cli->quiet && isatty(fileno(stderr))) {
                    fprintf(stderr, "\r\033[K%d of %d checked", i + 1, n);
                }
            }
        }
    }
    if (isatty(fileno(stderr))) {
        fprintf(stderr, "\r\033[K");
    }
    int width = (int)strlen("solution");
    for (int i = 0; i < n; i++) {
        int w = report_display_width(argv[i], strlen(argv[i]));
        width = w > width ? w : width;
    }
    report_pad(stdout, "solution", width, false);
    printf("  %-15s  %7s  %12s  %14s  %-7s  %s\n", "verdict", "cases", "vs starter",
           "vs reference", "growth", "why not a pass");
    for (int i = 0; i < n; i++) {
        char json[PATH_MAX];
        snprintf(json, sizeof json, "%s/%d.json", folder, i);
        json_t *root = json_load_file(json, 0, NULL);
        json_t *result = json_array_get(json_object_get(root, "results"), 0);
        if (result == NULL) {
            result = json_pack("{s:s, s:s, s:s}", "solution", argv[i], "verdict", "error",
                               "detail", "its check did not finish (see the messages above)");
            json_array_append_new(results, result);
        } else {
            json_array_append(results, result);
        }
        const json_t *timing = json_object_get(result, "timing");
        const char *verdict = json_string_value(json_object_get(result, "verdict"));
        char cases[32], starter[32] = "-", reference[32] = "-", growth[32] = "-";
        snprintf(cases, sizeof cases, "%lld/%lld",
                 json_integer_value(json_object_get(result, "cases_passed")),
                 json_integer_value(json_object_get(result, "cases_total")));
        if (timing != NULL) {
            snprintf(starter, sizeof starter, "%.3gx",
                     json_number_value(json_object_get(timing, "vs_starter")));
            snprintf(reference, sizeof reference, "%.3gx",
                     json_number_value(json_object_get(timing, "vs_reference")));
        }
        const json_t *exponent = json_object_get(json_object_get(result, "growth"), "solution");
        if (exponent != NULL) {
            snprintf(growth, sizeof growth, "n^%.2f", json_number_value(exponent));
        }
        char why[100] = "";
        if (verdict != NULL && strcmp(verdict, "pass") != 0) {
            detail_line(result, why, sizeof why);
        }
        report_pad(stdout, argv[i], width, false);
        printf("  %-15s  %7s  %12s  %14s  %-7s  %s\n", verdict != NULL ? verdict : "?", cases,
               starter, reference, growth, why);
        if (rc == EXIT_OK && (verdict == NULL || strcmp(verdict, "pass") != 0)) {
            rc = EXIT_FAILED;
        }
        unlink(json);
        json_decref(root);
    }
    rmdir(folder);
    free(pids);
    return rc;
}

static int
parse_check(int argc, char **argv, struct lab_cli *cli, int *first)
{
    enum { OPT_QUICK = 256, OPT_JOBS, OPT_TIMEOUT, OPT_MEMORY, OPT_RETIME, OPT_JSON, OPT_JUNIT,
           OPT_CSV, OPT_QUIET, OPT_NO_COLOR };
    static const struct option long_options[] = {
        {"quick", no_argument, NULL, OPT_QUICK}, {"jobs", required_argument, NULL, OPT_JOBS},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"memory-limit", required_argument, NULL, OPT_MEMORY},
        {"retime-within", required_argument, NULL, OPT_RETIME},
        {"json", required_argument, NULL, OPT_JSON}, {"junit", required_argument, NULL, OPT_JUNIT},
        {"csv", required_argument, NULL, OPT_CSV}, {"quiet", no_argument, NULL, OPT_QUIET},
        {"no-color", no_argument, NULL, OPT_NO_COLOR}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    long long bytes = 0;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
        switch (c) {
        case 'h': usage(stdout); return 1;
        case OPT_QUICK: cli->quick = true; break;
        case OPT_QUIET: cli->quiet = true; break;
        case OPT_NO_COLOR: cli->no_color = true; break;
        case OPT_JSON: cli->json_path = optarg; break;
        case OPT_JUNIT: cli->junit_path = optarg; break;
        case OPT_CSV: cli->csv_path = optarg; break;
        case OPT_JOBS:
            if (parse_long(optarg, 1, &cli->jobs) < 0 || cli->jobs > 64) {
                fprintf(stderr, "optdemo lab: --jobs needs 1 to 64, not '%s'\n", optarg);
                return -1;
            }
            break;
        case OPT_TIMEOUT:
            if (parse_seconds(optarg, false, &cli->check.sandboxed.timeout) < 0) {
                fprintf(stderr, "optdemo lab: --timeout needs seconds, not '%s'\n", optarg);
                return -1;
            }
            break;
        case OPT_MEMORY:
            if (parse_bytes(optarg, &bytes) < 0) {
                fprintf(stderr, "optdemo lab: --memory-limit needs a size, not '%s'\n", optarg);
                return -1;
            }
            cli->check.sandboxed.memory_bytes = bytes;
            break;
        case OPT_RETIME:
            if (parse_seconds(optarg, false, &cli->check.near_miss) < 0
                || cli->check.near_miss < 1) {
                fprintf(stderr, "optdemo lab: --retime-within needs a factor >= 1, not '%s'\n",
                        optarg);
                return -1;
            }
            break;
        default:
            fprintf(stderr, "optdemo lab: unknown or incomplete option '%s'\n", argv[optind - 1]);
            return -1;
        }
    }
    if (argc - optind < 2) {
        fprintf(stderr, "optdemo lab check: give a lab and a solution file\n");
        return -1;
    }
    for (int i = optind + 1; i < argc; i++) {
        if (access(argv[i], R_OK) != 0) {
            fprintf(stderr, "optdemo lab: no such file: %s\n", argv[i]);
            return -1;
        }
    }
    if (cli->quick) {
        cli->check.min_time = 0.01;
        cli->check.rounds = 3;
    }
    *first = optind;
    return 0;
}

static int
check(int argc, char **argv)
{
    char *self = (char *)(interp_executable() != NULL ? interp_executable() : "optdemo");
    char *worker_argv[] = {self, "worker", "--fds", "3,4", NULL};
    struct lab_cli cli = {
        .check = {
            .worker_argv = worker_argv,
            .trusted = {.timeout = 120, .memory_bytes = 4LL << 30, .file_bytes = 1LL << 30},
            .sandboxed = {.timeout = 10, .memory_bytes = 1LL << 30, .cpu_seconds = 600,
                          .file_bytes = 16LL << 20},
            .min_time = 0.05, .rounds = 7, .resamples = 2000, .near_miss = 1.5,
            .interrupted = interp_interrupted, .progress = show_stage,
        },
        .jobs = 1,
    };
    int first = 0, parsed = parse_check(argc, argv, &cli, &first), rc;
    if (parsed != 0) {
        return parsed > 0 ? EXIT_OK : EXIT_USAGE;
    }
    const char *outputs[] = {cli.json_path, cli.junit_path, cli.csv_path};
    if (results_check_outputs("lab", outputs, 3) < 0 || interp_start() < 0) {
        return EXIT_USAGE;
    }
    char *folder = lab_folder(argv[first]);
    if (folder == NULL) {
        return EXIT_USAGE;
    }
    json_t *results = json_array();
    if (argc - first - 1 == 1) {
        rc = check_one(&cli, folder, argv[first + 1], results);
    } else {
        rc = check_batch(&cli, argc - first - 1, argv + first + 1, argv[first], results);
    }
    if (rc != EXIT_INTERRUPTED && write_outputs(&cli, results) < 0) {
        rc = EXIT_FAILED;
    }
    json_decref(results);
    free(folder);
    return rc;
}

int
cmd_lab(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "check") == 0) {
        return check(argc - 1, argv + 1);
    }
    if (interp_start() < 0) {
        return EXIT_FAILED;
    }
    if (strcmp(sub, "list") == 0 && argc == 2) {
        return list_labs();
    }
    if ((strcmp(sub, "show") == 0 || strcmp(sub, "starter") == 0) && argc == 3) {
        char *folder = lab_folder(argv[2]);
        int rc = EXIT_USAGE;
        if (folder != NULL) {
            bool show = strcmp(sub, "show") == 0;
            rc = (show && print_file(folder, "statement.md") < 0)
                     || (show && printf("\n---- starter.py (optdemo lab starter %s > "
                                        "solution.py) ----\n\n", argv[2]) < 0)
                     || print_file(folder, "starter.py") < 0 ? EXIT_FAILED : EXIT_OK;
        }
        free(folder);
        return rc;
    }
    fprintf(stderr, "optdemo lab: unknown or incomplete subcommand '%s'\n", sub);
    usage(stderr);
    return EXIT_USAGE;
}
