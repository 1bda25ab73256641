/* cmd_lab.c: `optdemo lab list | show ID | starter ID | check ID SOLUTION...`:
 * the teaching labs (docs/labs.md).  `check` of one solution runs lab.c in
 * this process (two workers: the lab's, trusted, and the solution's,
 * sandboxed); `check` of several grades a batch: each solution in a child
 * `optdemo lab check` of its own, --jobs at a time, then one summary
 * (terminal, CSV, JSON, JUnit XML; lab_report.c writes all but the JSON). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "interp.h"
#include "lab.h"
#include "lab_sandbox.h"
#include "lab_report.h"
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
        "check: the solution runs in a sandbox of its own (bubblewrap namespaces, a\n"
        "seccomp allowlist); it must give the reference's result on every hidden case,\n"
        "then is timed against the starter and the reference in the same run (by the\n"
        "host, on fresh inputs, every answer checked), on a short growth sweep and,\n"
        "where the lab says, for memory.  Verdicts: pass, too slow, too much memory,\n"
        "wrong, crashed, timed out, error.  With several solutions, a batch: each\n"
        "checked in a process of its own.\n"
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
        "  --deadline SECONDS   the whole check of one solution (default 600)\n"
        "  --no-color           no colour\n"
        "  --no-sandbox         where the kernel refuses namespaces: check without the\n"
        "                       bubblewrap sandbox (seccomp, audit hook and rlimits\n"
        "                       only) -- never for code you do not trust\n"
        "\n"
        "exit codes: 0 every solution passes, 1 one does not, 2 usage (unknown lab,\n"
        "missing file, no sandbox to be had), 130 Ctrl-C or SIGTERM (a batch writes\n"
        "what it did, marked partial)\n");
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
        fprintf(stderr, "optdemo lab: %s\n", text_or(why, "out of memory"));
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
    PyObject *titles = interp_call("optdemo.lab", "lab_titles", NULL);
    if (titles == NULL || !PyList_Check(titles)) {
        char *why = interp_exception_text(6);
        fprintf(stderr, "optdemo lab: %s\n", why != NULL ? why : "cannot list the labs");
        free(why);
        Py_XDECREF(titles);
        return EXIT_FAILED;
    }
    printf("%-18s  %s\n", "lab", "title (optdemo lab show LAB: the statement and the starter)");
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(titles); i++) {
        PyObject *pair = PyList_GET_ITEM(titles, i);
        const char *id = PyTuple_Check(pair) && PyTuple_GET_SIZE(pair) == 2
                             ? pydata_str(PyTuple_GET_ITEM(pair, 0), "a lab id") : NULL;
        const char *title = id != NULL ? pydata_str(PyTuple_GET_ITEM(pair, 1), "a title") : NULL;
        if (title == NULL) {
            PyErr_Clear();
            continue;
        }
        printf("%-18s  %s\n", id, title);
    }
    Py_DECREF(titles);
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

/* results_write_stream's writers: the context is the results array. */
static void
write_junit(FILE *out, const void *results)
{
    lab_report_junit(out, results);
}

static void
write_csv(FILE *out, const void *results)
{
    lab_report_csv(out, results);
}

/* The files asked for, from the results (a JSON array). */
static int
write_outputs(const struct lab_cli *cli, json_t *results, bool partial)
{
    char *error = NULL;
    int rc = 0;
    json_t *root = json_pack("{s:s, s:b, s:O}", "optdemo_lab", "1", "partial", partial,
                             "results", results);
    if (cli->json_path != NULL && (root == NULL
                                   || results_write_json(cli->json_path, root, &error) < 0)) {
        rc = -1;
    }
    if (rc == 0 && cli->junit_path != NULL
        && results_write_stream(cli->junit_path, write_junit, results, &error) < 0) {
        rc = -1;
    }
    if (rc == 0 && cli->csv_path != NULL
        && results_write_stream(cli->csv_path, write_csv, results, &error) < 0) {
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

/* SIGTERM (a scheduler's kill, a teacher's `kill`) seen by a batch: it
 * stops its children and writes what is done, as Ctrl-C does. */
static volatile sig_atomic_t terminated;

static void
on_terminate(int sig)
{
    (void)sig;
    terminated = 1;
}

/* One child `optdemo lab check --batch-child --quiet --json FILE` for
 * solution i.  Its pid, or -1. */
static pid_t
spawn_check(const struct lab_cli *cli, const char *self, const char *folder, const char *lab,
            const char *solution, int i)
{
    char json[PATH_MAX + 32], timeout[32], memory[32], retime[32], deadline[32];
    pid_t pid = -1;
    snprintf(json, sizeof json, "%s/%d.json", folder, i);
    snprintf(timeout, sizeof timeout, "%.17g", cli->check.sandboxed.timeout);
    snprintf(memory, sizeof memory, "%lld", cli->check.sandboxed.memory_bytes);
    snprintf(retime, sizeof retime, "%.17g", cli->check.near_miss);
    snprintf(deadline, sizeof deadline, "%.17g", cli->check.deadline);
    char *child[24] = {(char *)self, "lab", "check", "--batch-child", "--quiet", "--json", json,
                       "--timeout", timeout, "--memory-limit", memory, "--retime-within",
                       retime, "--deadline", deadline};
    size_t argc = 15;
    if (cli->quick) {
        child[argc++] = "--quick";
    }
    if (cli->check.bwrap == NULL) {
        child[argc++] = "--no-sandbox";
    }
    child[argc++] = "--";
    child[argc++] = (char *)lab;
    child[argc++] = (char *)solution;
    child[argc] = NULL;
    return posix_spawn(&pid, self, NULL, NULL, child, environ) == 0 ? pid : -1;
}

/* A batch: each solution in a child `optdemo lab check`, `jobs` at a time,
 * its JSON in a private folder (mkdtemp: 0700; no sandbox sees the host's
 * /tmp).  On Ctrl-C or SIGTERM the children are killed (their workers die
 * with them) and what is done is written, marked partial.  The exit code. */
static int
check_batch(struct lab_cli *cli, int argc, char **argv, const char *lab, json_t *results,
            bool *partial)
{
    char folder[PATH_MAX];
    const char *self = interp_executable();
    int n = argc, next = 0, running = 0, rc = EXIT_OK;
    pid_t *pids = calloc((size_t)n, sizeof *pids);
    struct sigaction stop = {.sa_handler = on_terminate}, previous;
    snprintf(folder, sizeof folder, "%s/optdemo-batch.XXXXXX",
             getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
    if (self == NULL || pids == NULL || mkdtemp(folder) == NULL) {
        free(pids);
        fprintf(stderr, "optdemo lab: cannot start the batch\n");
        return EXIT_FAILED;
    }
    sigemptyset(&stop.sa_mask);
    sigaction(SIGTERM, &stop, &previous);   /* no SA_RESTART: waitpid returns */
    while ((next < n && !*partial) || running > 0) {
        while (next < n && running < cli->jobs && !*partial) {
            pids[next] = spawn_check(cli, self, folder, lab, argv[next], next);
            running += pids[next] > 0;
            next++;
        }
        int status = 0;
        pid_t done = waitpid(-1, &status, 0);
        if (done < 0 && errno == EINTR) {
            if ((interp_interrupted() || terminated) && !*partial) {
                *partial = true;
                for (int i = 0; i < n; i++) {
                    if (pids[i] > 0) {
                        kill(pids[i], SIGKILL);
                    }
                }
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
    sigaction(SIGTERM, &previous, NULL);
    if (isatty(fileno(stderr))) {
        fprintf(stderr, "\r\033[K");
    }
    int missing = 0;
    for (int i = 0; i < n; i++) {
        char json[PATH_MAX + 32];
        snprintf(json, sizeof json, "%s/%d.json", folder, i);
        json_t *root = json_load_file(json, 0, NULL);
        json_t *result = json_array_get(json_object_get(root, "results"), 0);
        if (result == NULL) {
            missing++;
            /* jansson takes only UTF-8: a file name that is not keeps its
             * row, its bad bytes as \xNN. */
            char *solution = text_valid_utf8(argv[i]);
            result = json_pack("{s:s?, s:s, s:s}", "solution", solution, "verdict", "error",
                               "detail", *partial ? "not checked: the batch was stopped"
                                                  : "its check did not finish (see the "
                                                    "messages above)");
            free(solution);
            json_array_append_new(results, result);
        } else {
            json_array_append(results, result);
        }
        const char *verdict = json_string_value(json_object_get(result, "verdict"));
        if (rc == EXIT_OK && (verdict == NULL || strcmp(verdict, "pass") != 0)) {
            rc = EXIT_FAILED;
        }
        unlink(json);
        json_decref(root);
    }
    lab_report_table(stdout, results);
    if (*partial) {
        fprintf(stderr, "optdemo lab: stopped (%s): %d of %d solutions were not checked; the "
                        "outputs hold what was done, marked partial\n",
                terminated ? "SIGTERM" : "Ctrl-C", missing, n);
        rc = EXIT_INTERRUPTED;
    }
    rmdir(folder);
    free(pids);
    return rc;
}

static int
parse_check(int argc, char **argv, struct lab_cli *cli, int *first)
{
    enum { OPT_QUICK = 256, OPT_JOBS, OPT_TIMEOUT, OPT_MEMORY, OPT_RETIME, OPT_JSON, OPT_JUNIT,
           OPT_CSV, OPT_QUIET, OPT_NO_COLOR, OPT_NO_SANDBOX, OPT_DEADLINE, OPT_BATCH_CHILD };
    static const struct option long_options[] = {
        {"quick", no_argument, NULL, OPT_QUICK}, {"jobs", required_argument, NULL, OPT_JOBS},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"memory-limit", required_argument, NULL, OPT_MEMORY},
        {"retime-within", required_argument, NULL, OPT_RETIME},
        {"json", required_argument, NULL, OPT_JSON}, {"junit", required_argument, NULL, OPT_JUNIT},
        {"csv", required_argument, NULL, OPT_CSV}, {"quiet", no_argument, NULL, OPT_QUIET},
        {"no-color", no_argument, NULL, OPT_NO_COLOR}, {"help", no_argument, NULL, 'h'},
        {"no-sandbox", no_argument, NULL, OPT_NO_SANDBOX},
        {"batch-child", no_argument, NULL, OPT_BATCH_CHILD},
        {"deadline", required_argument, NULL, OPT_DEADLINE},
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
        case OPT_NO_SANDBOX: cli->check.bwrap = NULL; break;
        case OPT_BATCH_CHILD:
            /* A batch's check dies with the batch, whatever kills it. */
            if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() == 1) {
                return -1;
            }
            break;
        case OPT_DEADLINE:
            if (parse_seconds(optarg, false, &cli->check.deadline) < 0) {
                fprintf(stderr, "optdemo lab: --deadline needs seconds, not '%s'\n", optarg);
                return -1;
            }
            break;
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
        cli->check.min_time = 0.005;
        cli->check.rounds = 3;
    }
    *first = optind;
    return 0;
}

static int
check(int argc, char **argv)
{
    struct lab_cli cli = {
        .check = {
            .bwrap = "/usr/bin/bwrap",
            .trusted = {.timeout = 120, .memory_bytes = 4LL << 30, .file_bytes = 1LL << 30},
            .sandboxed = {.timeout = 10, .memory_bytes = 1LL << 30, .cpu_seconds = 600,
                          .file_bytes = 16LL << 20},
            .deadline = 600,
            .min_time = 0.01, .rounds = 7, .resamples = STATS_DEFAULT_RESAMPLES,
            .near_miss = 1.5,
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
    cli.check.executable = interp_executable();
    cli.check.pyscripts = interp_pyscripts_dir();
    char *refused = NULL;
    if (cli.check.bwrap != NULL && lab_sandbox_probe(cli.check.bwrap, &refused) < 0) {
        fprintf(stderr, "optdemo lab: %s.\nA solution is checked only inside that sandbox; "
                        "--no-sandbox checks it without one (never for code you do not "
                        "trust: see docs/labs.md).\n", refused);
        free(refused);
        return EXIT_USAGE;
    }
    char *folder = lab_folder(argv[first]);
    if (folder == NULL) {
        return EXIT_USAGE;
    }
    json_t *results = json_array();
    bool partial = false;
    if (argc - first - 1 == 1) {
        rc = check_one(&cli, folder, argv[first + 1], results);
        if (rc == EXIT_INTERRUPTED) {
            fprintf(stderr, "optdemo lab: interrupted: the check did not finish, no verdict\n");
        }
    } else {
        rc = check_batch(&cli, argc - first - 1, argv + first + 1, argv[first], results,
                         &partial);
    }
    /* A batch stopped half-way still writes what it did, marked partial. */
    if ((rc != EXIT_INTERRUPTED || partial) && write_outputs(&cli, results, partial) < 0) {
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
