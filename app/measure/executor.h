/* executor.h: the one interface between the harness and whatever runs the
 * Python code.  Every executor carries the same line protocol
 * (docs/worker-protocol.md) to pyscripts' runner and differs only in the
 * transport: the in-process executor calls runner.Session in the embedded
 * interpreter; the worker executor writes the lines to a child process --
 * the host itself re-executed as `optdemo worker`, or pyscripts/worker.py
 * under another Python -- with rlimits and a wall-clock timeout per request.
 * Calibration, interleaving, statistics and output live in the harness and
 * are shared; an executor only executes.
 *
 * Life cycle: executor_start() (a fresh process for a worker), then load,
 * setup, check, time, memory, set_gc in the order the harness needs, then
 * executor_stop().  After EXEC_TIMEOUT or EXEC_CRASHED the executor is down
 * until the next executor_start(). */
#ifndef OPTDEMO_EXECUTOR_H
#define OPTDEMO_EXECUTOR_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum exec_status {
    EXEC_OK = 0,
    EXEC_ERROR,        /* the workload's code raised or broke the contract: *error says why */
    EXEC_TIMEOUT,      /* no answer within the timeout: the worker was killed */
    EXEC_CRASHED,      /* the worker died (signal, exit): *error says how, with its last lines */
    EXEC_INTERRUPTED,  /* Ctrl-C: stop everything, keep what is finished */
};

/* What the harness needs to know of a workload, as plain C data.  Owned by
 * the executor; valid until the next load or executor_stop(). */
struct workload_info {
    char *id, *title, *section, *explanation, *path;
    char *source_sha256;     /* of the workload file's bytes */
    json_t *sources;         /* {variant: source code}, for reports; may be empty */
    long size_quick, size_default;
    long *sweep;             /* SIZES["sweep"], n_sweep entries */
    size_t n_sweep;
    char **variants;         /* VARIANTS, n_variants entries; [0] is "before" */
    size_t n_variants;
    char **notes;            /* NOTES per variant, NULL where none */
    char **unavailable;      /* per variant: why this interpreter cannot run it (REQUIRES), or NULL */
    char *no_native;         /* NO_NATIVE, or NULL */
    bool has_tolerance;
    double tolerance;
};

/* The answer to one check call. */
struct check_result {
    double seconds;          /* the call itself */
    bool matches;            /* equal to before's result (true for before) */
    bool mutated;            /* the call changed setup's data (a contract error) */
    char *mismatch;          /* how the results differ, or NULL; owned by the caller */
    char *output;            /* the first lines the call printed, or NULL; owned by the caller */
    long output_lines;       /* how many lines it printed in all */
};

/* Resource limits of a worker process; 0 means "no limit" for each. */
struct worker_limits {
    double timeout;          /* wall seconds one request may take */
    long long memory_bytes;  /* RLIMIT_AS */
    long cpu_seconds;        /* RLIMIT_CPU, the whole worker's life */
    long long file_bytes;    /* RLIMIT_FSIZE */
    long processes;          /* RLIMIT_NPROC (not enforced for root) */
    bool inherit_stdio;      /* the worker's stdin, stdout and stderr are the host's (a
                              * program's own I/O passes through); otherwise stdin is
                              * /dev/null and its output is drained, the tail kept */
};

struct executor;

/* An answer longer than this (its lines together), or announcing more
 * lines than this, is a worker gone wrong: it is refused. */
enum { EXECUTOR_MAX_ANSWER_BYTES = 256 << 20, EXECUTOR_MAX_ANSWER_LINES = 1024 };

/* The transport.  `request` sends one message (a line, or a line and the
 * lines it announces, joined by newlines) and returns the response's first
 * line (malloc'd) or a status saying why there is none; `more` returns the
 * next line of the same response, when its first line announced more. */
struct executor_ops {
    int (*start)(struct executor *ex, char **error);
    enum exec_status (*request)(struct executor *ex, const char *line, char **response,
                                char **error);
    enum exec_status (*more)(struct executor *ex, char **line, char **error);
    void (*stop)(struct executor *ex);
    void (*destroy)(struct executor *ex);
};

struct executor {
    const struct executor_ops *ops;
    void *state;
    char *label;             /* "embedded", "python3.11", ...: names the interpreter */
    const char *kind;        /* "in-process" or "worker" */
    const char *template;    /* timing template requested at start: "c" or "python" */
    bool running;            /* started and not stopped or died */
    bool traces_memory;      /* hello said tracemalloc exists (not on PyPy) */
    struct workload_info info; /* from the last successful load */
};

/* The descriptors a child worker speaks the protocol on, as its --fds
 * argument says them (requests on the first, answers on the second). */
#define EXECUTOR_WORKER_FDS "3,4"

/* What follows optdemo's executable on a worker's command line, NULL-
 * terminated: `worker --fds 3,4`, or with `lab` the C request loop of a
 * lab's workers, `worker --lab --fds 3,4` (cmd_worker.c reads them). */
const char *const *executor_worker_arguments(bool lab);

/* The embedded interpreter, in this process (it must be running). */
int executor_inprocess_init(struct executor *ex);

/* A worker process running `argv` (copied; argv[0] is the program), which
 * speaks the protocol on file descriptors 3 (requests) and 4 (responses).
 * `interrupted` is called when a wait is cut short by a signal: true means
 * Ctrl-C.  0, or -1 on no memory. */
int executor_worker_init(struct executor *ex, char *const *argv,
                         const struct worker_limits *limits, bool (*interrupted)(void));

/* The worker's process as the host sees it (inside a sandbox launcher such
 * as bwrap, the process that runs the protocol): for reading its
 * /proc/PID/status.  0 when none runs or ex is not a worker. */
pid_t executor_worker_pid(const struct executor *ex);

/* Release everything (stops a running worker first). */
void executor_free(struct executor *ex);

/* ---- the protocol's requests, shared by every executor (executor.c) ----- */

/* Start (a new process for a worker) and say hello with ex->template. */
enum exec_status executor_start(struct executor *ex, char **error);
void executor_stop(struct executor *ex);

/* The interpreter's facts: implementation, version, debug, executable.  A
 * new JSON object. */
enum exec_status executor_hello_facts(struct executor *ex, json_t **facts, char **error);
/* The interpreter's and machine's metadata (a new JSON object). */
enum exec_status executor_metadata(struct executor *ex, json_t **metadata, char **error);
/* What the timing template adds per call, in seconds. */
enum exec_status executor_overhead(struct executor *ex, double *seconds, char **error);

/* A fresh start (executor_start), then load the workload at `path`. */
enum exec_status executor_start_load(struct executor *ex, const char *path,
                                     const struct workload_info **info, char **error);
enum exec_status executor_load(struct executor *ex, const char *path,
                               const struct workload_info **info, char **error);
enum exec_status executor_setup(struct executor *ex, long n, char **error);
/* Call variant v once and compare with before's result (v = 0 first; with
 * compare false, no comparison and no need of before).  On EXEC_ERROR,
 * out->output may still hold what the call printed. */
enum exec_status executor_check(struct executor *ex, size_t v, bool fingerprint, bool compare,
                                struct check_result *out, char **error);
enum exec_status executor_time(struct executor *ex, size_t v, long loops, double *seconds,
                               char **error);
enum exec_status executor_memory(struct executor *ex, size_t v, long *bytes, char **error);
/* Under callgrind: `loops` counted calls of variant v after `warmups`. */
enum exec_status executor_count(struct executor *ex, size_t v, long loops, long warmups,
                                char **error);
enum exec_status executor_set_gc(struct executor *ex, bool enabled, char **error);

/* Any request (stolen): EXEC_OK with *result (a new reference) when the
 * answer says ok; otherwise the failure, with *output (may be NULL) holding
 * what the call printed when the answer says.  The labs' requests go this
 * way (docs/labs.md). */
enum exec_status executor_request(struct executor *ex, json_t *request, json_t **result,
                                  char **error, char **output);
/* The same with raw lines after the request (`lines`, an array of strings
 * without newlines; the request says "lines_after": their count): bulk JSON
 * texts a worker decodes itself, never parsed or rebuilt by the host.  An
 * answer whose first line says "lines_after": N brings N such lines, which
 * *result holds as its "lines_after" array of strings
 * (docs/worker-protocol.md). */
enum exec_status executor_request_lines(struct executor *ex, json_t *request,
                                        const json_t *lines, json_t **result, char **error);

void check_result_clear(struct check_result *result);
void workload_info_clear(struct workload_info *info);

/* Parse one response line: EXEC_OK with *result (a new reference) when it
 * says ok; EXEC_ERROR with *error and, when present, *output otherwise.
 * Exposed for the protocol's unit test. */
enum exec_status executor_parse_response(const char *line, json_t **result, char **error,
                                         char **output);

#endif
