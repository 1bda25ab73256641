/* main.c: the subcommand table (sorted, exact matching, one file per
 * command) and what every command shares: the interpreter is stopped and
 * stdout's flush is checked here, whatever the command did. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "interp.h"
#include "optdemo.h"

struct command {
    const char *name;
    command_fn run;
    const char *help;  /* NULL: internal, not listed */
};

static const struct command commands[] = {
    {"claims", cmd_claims, "the article's claims checked on each interpreter, measured now"},
    {"compare", cmd_compare, "results files side by side: speedups with CIs, a gate for CI jobs"},
    {"info", cmd_info, "the interpreter build and the machine the numbers describe"},
    {"lab", cmd_lab, "teaching labs: show an exercise, check a solution, grade a batch"},
    {"lint", cmd_lint, "find the article's pitfalls in Python files, each with its lesson"},
    {"list", cmd_list, "every workload: id, title, article section"},
    {"matrix", cmd_matrix, "which fixes matter on which interpreter, from a run of several"},
    {"profile", cmd_profile, "where a variant spends its time: cProfile, its lines, memory"},
    {"python", cmd_python, "the embedded interpreter's own command line (optnative importable)"},
    {"run", cmd_run, "measure workloads: before / after / native, checked, side by side"},
    {"show", cmd_show, "a workload's lesson: the explanation and each variant's source"},
    {"timeit", cmd_timeit, "python -m timeit's flags and output, measured by the host"},
    {"worker", cmd_worker, NULL},
};
enum { N_COMMANDS = sizeof commands / sizeof commands[0] };

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: optdemo COMMAND [ARGS...]\n"
            "       optdemo --help | --version\n\n"
            "commands:\n");
    for (int i = 0; i < N_COMMANDS; i++) {
        if (commands[i].help != NULL) {
            fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].help);
        }
    }
    fprintf(out,
            "\n`optdemo COMMAND --help` describes each command.\n"
            "exit codes: 0 ok, 1 a workload failed or a result mismatched,\n"
            "            2 usage, 130 interrupted\n");
}

/* A full disk or a closed pipe must not pass silently as success. */
static int
finish_stdout(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        if (errno != EPIPE) {
            fprintf(stderr, "optdemo: error writing standard output: %s\n", strerror(errno));
        }
        return rc == EXIT_OK ? EXIT_FAILED : rc;
    }
    return rc;
}

int
main(int argc, char **argv)
{
    /* The optdemo-python link (sys.executable under `optdemo python`) is
     * `optdemo python`. */
    const char *slash = argc > 0 ? strrchr(argv[0], '/') : NULL;
    if (argc > 0 && strcmp(slash != NULL ? slash + 1 : argv[0], "optdemo-python") == 0) {
        return finish_stdout(cmd_python(argc, argv));
    }
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return finish_stdout(EXIT_OK);
    }
    if (strcmp(name, "--version") == 0) {
        printf("optdemo %s (%s)\n", optdemo_version, optdemo_commit);
        return finish_stdout(EXIT_OK);
    }
    for (int i = 0; i < N_COMMANDS; i++) {
        if (strcmp(name, commands[i].name) == 0) {
            int rc = commands[i].run(argc - 1, argv + 1);
            if (interp_stop() < 0 && rc == EXIT_OK) {
                rc = EXIT_FAILED;
            }
            return finish_stdout(rc);
        }
    }
    fprintf(stderr, "optdemo: unknown command '%s'\n\n", name);
    usage(stderr);
    return EXIT_USAGE;
}
