/* run_options.h: `optdemo run`'s command line as data. */
#ifndef OPTDEMO_RUN_OPTIONS_H
#define OPTDEMO_RUN_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "executor.h"
#include "harness.h"

struct run_options {
    struct harness_options harness;
    struct worker_limits limits;
    enum size_choice size_choice;
    long size;                 /* --size, 0 when not given */
    char **only;               /* --variants, NULL-terminated, or NULL */
    char **interpreters;       /* --interpreter, as given ("embedded" or a path) */
    size_t n_interpreters;     /* 0: the embedded one */
    char **python_paths;       /* --python-path: folders put first on every worker's sys.path */
    size_t n_python_paths;
    const char *template;      /* --template, NULL: c when only the embedded one runs */
    const char *json_path;
    const char *markdown_path;
    const char *html_path;     /* --html: one self-contained page */
    const char *plot_prefix;   /* --plot: PREFIX-<workload>.svg/.png of each sweep */
    bool profile;              /* --profile: each variant's hot line after its table */
    bool no_color;
    bool quick, rigorous;
    bool sweep;                /* every size in SIZES["sweep"], then growth */
    bool in_process;           /* --in-process: no worker, no isolation */
    bool no_gap;               /* --no-gap: do not measure the interpreter gap */
    bool matrix;               /* --matrix: the builds' matrix after the tables */
    bool count_instructions;   /* --count instructions: callgrind, per call */
};

/* `optdemo run`'s defaults (3 processes x 5 values of >= 50 ms, ...), for
 * the command line to change, or for a command that runs workloads itself
 * (claims). */
void run_options_defaults(struct run_options *opts);

/* Set what --quick (or --rigorous, --in-process) implies, as the parser
 * does once every option is read; for options built in code. */
void run_options_apply_mode(struct run_options *opts);

/* Parse argv (argv[0] is "run") into *opts (from run_options_defaults);
 * *first_name is the index of the first workload name.  0; 1 when --help was printed; -1 on a usage
 * error (already reported on stderr). */
int run_options_parse(int argc, char **argv, struct run_options *opts, int *first_name);

void run_options_free(struct run_options *opts);

#endif
