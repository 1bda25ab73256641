/* executor.h: the one interface between the harness and whatever runs the
 * Python code: "prepare workload W at size n; call variant V once and check
 * it; time V for L loops; measure its memory".  Calibration, interleaving,
 * statistics and output live in the harness and are shared; an executor only
 * executes.  Today: the in-process executor (the embedded interpreter).  The
 * roadmap's worker (a child with rlimits) and external interpreter (a pipe
 * to pyscripts' runner under another Python) implement the same table. */
#ifndef OPTDEMO_EXECUTOR_H
#define OPTDEMO_EXECUTOR_H

#include <stdbool.h>
#include <stddef.h>

enum exec_status {
    EXEC_OK = 0,
    EXEC_ERROR,        /* Python raised, or the workload broke the contract: *error says why */
    EXEC_INTERRUPTED,  /* Ctrl-C: stop everything, keep what is finished */
};

/* What the harness needs to know of a workload, as plain C data.  Owned by
 * the executor; valid until unload. */
struct workload_info {
    char *id, *title, *section, *explanation, *path;
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

struct executor;

struct executor_ops {
    const char *name;
    /* Load the workload file and describe it. */
    enum exec_status (*load)(struct executor *ex, const char *path,
                             const struct workload_info **info, char **error);
    /* setup(n): build the input every variant receives (outside timing). */
    enum exec_status (*setup)(struct executor *ex, long n, char **error);
    /* Call variant v once, time that call, and compare its result with
     * before's (variant 0 must be called first: its result is kept as the
     * reference).  *matches is false with *error describing the difference
     * when the results differ. */
    enum exec_status (*check)(struct executor *ex, size_t v, double *seconds,
                              bool *matches, char **error);
    /* Call variant v `loops` times back to back; wall seconds for all. */
    enum exec_status (*time)(struct executor *ex, size_t v, long loops,
                             double *seconds, char **error);
    /* Peak bytes allocated during one call of variant v (tracemalloc). */
    enum exec_status (*memory)(struct executor *ex, size_t v, long *bytes, char **error);
    /* Switch the cyclic garbage collector on or off for the timing passes. */
    enum exec_status (*set_gc)(struct executor *ex, bool enabled, char **error);
    /* Forget the workload (input, results, module). */
    void (*unload)(struct executor *ex);
};

struct executor {
    const struct executor_ops *ops;
    void *state;
};

/* The embedded interpreter (must be started).  0 on success, -1 on no memory. */
int executor_inprocess_init(struct executor *ex);
void executor_inprocess_free(struct executor *ex);

#endif
