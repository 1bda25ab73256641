/* interpreters.h: the interpreters a run measures (`--interpreter`), each
 * with its executor and what it said about itself.  "embedded" is the
 * host's own libpython, in a worker (`optdemo worker`) or in-process; any
 * other name is a Python executable that runs pyscripts/worker.py, with the
 * loadable optnative on its path where one was built. */
#ifndef OPTDEMO_INTERPRETERS_H
#define OPTDEMO_INTERPRETERS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "executor.h"

struct interpreter {
    char *label;             /* "embedded", "python3.11", ...; unique within a run */
    char *path;              /* the executable (the host itself for embedded) */
    bool embedded;
    struct executor executor;
    json_t *facts;           /* hello's answer: implementation, version, debug, ... */
    json_t *metadata;        /* the interpreter's and the machine's metadata */
    double overhead;         /* seconds the timing template adds per call; < 0: unknown */
};

struct interpreter_set {
    struct interpreter *items;
    size_t count;
};

struct interpreter_config {
    bool in_process;         /* the embedded one runs in this process */
    const char *template;    /* "c", "python", or NULL: c when only the embedded one runs */
    struct worker_limits limits;
    bool (*interrupted)(void);
    char *const *python_paths;  /* folders put first on each worker's sys.path */
    size_t n_python_paths;
};

/* One interpreter per name ("embedded", a path, or a command found on
 * PATH); none: the embedded one.  0, or -1 after printing a usage message
 * (an unknown interpreter, a template it cannot use). */
int interpreters_open(struct interpreter_set *set, char *const *names, size_t count,
                      const struct interpreter_config *config);

/* Start each once for its facts, metadata and template overhead.  0; -1
 * with *error set (an interpreter that cannot run the worker: a usage
 * problem); 1 on Ctrl-C. */
int interpreters_probe(struct interpreter_set *set, char **error);

/* Ask each free-threaded interpreter again, after the workloads ran,
 * whether its GIL is on: in a fresh process that loads each of `paths`
 * (NULL-terminated), since importing an extension module that does not
 * declare itself free-threading safe turns the GIL back on.  Updates each
 * one's metadata "gil_enabled".  0 (a failed probe leaves the metadata as
 * it was), or 1 on Ctrl-C. */
int interpreters_recheck_gil(struct interpreter_set *set, char *const *paths);
/* "free-threaded, GIL disabled", "free-threaded, GIL re-enabled at run
 * time", or NULL for a build with a GIL: what metadata says. */
const char *interpreter_gil_words(const json_t *metadata);
void interpreters_close(struct interpreter_set *set);

/* One line: "cpython 3.11.2 release, embedded (static libpython, PGO: yes);
 * numpy 1.24.2; timing template c: 17.6 ns per call" (malloc'd). */
char *interpreter_describe(const struct interpreter *it);

/* [{label, path, template, overhead, facts, metadata}, ...] (a new reference). */
json_t *interpreters_json(const struct interpreter_set *set);

/* The metadata every interpreter agrees on -- all of it when there is one
 * (a new reference). */
json_t *interpreters_common_metadata(const struct interpreter_set *set);

#endif
