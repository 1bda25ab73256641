/* optdemo.h: what every command shares: the documented exit codes and the
 * command handlers of the subcommand table in main.c (one file each). */
#ifndef OPTDEMO_H
#define OPTDEMO_H

#include <stdbool.h>

/* Exit codes, documented in the README and in `optdemo --help`. */
enum exit_code {
    EXIT_OK = 0,          /* everything ran and every check passed */
    EXIT_FAILED = 1,      /* a workload failed, a result mismatched, an error */
    EXIT_USAGE = 2,       /* bad command line or unknown workload */
    EXIT_INTERRUPTED = 130, /* Ctrl-C (128 + SIGINT) */
};

/* A command parses its own arguments (argv[0] is the command's name), starts
 * the interpreter with interp_start() when it needs one, and returns an exit
 * code.  main.c stops the interpreter and checks that stdout was written. */
typedef int (*command_fn)(int argc, char **argv);

int cmd_claims(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_lab(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_matrix(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_python(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_timeit(int argc, char **argv);
int cmd_worker(int argc, char **argv);

/* What `optdemo run` does once its options are read, for a command that
 * runs workloads itself (claims): the named workloads (none: the pitfalls
 * suite) measured, printed and written as `opts` says.  argc/argv are the
 * command line the results record.  An exit code. */
struct run_options;
int run_workloads(const struct run_options *opts, int n_names, char **names, int argc,
                  char **argv);

/* The program's version string (meson's project version and git commit). */
extern const char optdemo_version[];
extern const char optdemo_commit[];

#endif
