/* harness.h: the measurement protocol (README, "How it measures").  For one
 * workload at one size, on one or several interpreters: values come from
 * several worker processes (pyperf's lesson: one process's values share its
 * luck -- memory layout, hash seeds, what else the machine did).  In each
 * process: load, setup, check every variant against before, then warm up
 * and time the variants interleaved round by round (A B C, B C A, ...) so
 * machine drift hits them alike; the first process also plans each
 * variant's values within the time budget from its check call (fewer
 * values, not a skip, when the full plan would not fit: struct budget_plan)
 * and calibrates the loops, which later processes reuse; a variant's last
 * process runs its memory pass.  With several
 * interpreters their processes alternate too.  A variant that raises,
 * hangs or crashes its worker is marked and the others go on in a fresh
 * worker.  Then statistics: per variant a summary, per row a verdict
 * against before from the same paired values the CI resamples. */
#ifndef OPTDEMO_HARNESS_H
#define OPTDEMO_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

#include "executor.h"
#include "stats.h"

struct harness_options {
    double min_time;     /* seconds one value must last at least (calibration) */
    int processes;       /* worker processes per workload and interpreter */
    int rounds;          /* timed values per variant in each process, one per round */
    int warmups;         /* values per variant and process before the timed ones, recorded */
    double budget;       /* seconds one variant may take at one size, predicted from its first call */
    bool gc;             /* cyclic GC on during timing (pyperf's default) */
    bool memory;         /* run the tracemalloc pass */
    double alpha;        /* Mann-Whitney U threshold for "significant" */
    double min_effect;   /* ... and the smallest |speedup - 1| that counts */
    unsigned resamples;  /* bootstrap resamples for the speedup CI */
    /* Progress reports for a status line; may be NULL. */
    void (*progress)(const char *workload, const char *stage, int step, int steps);
};

enum variant_status {
    VARIANT_OK,          /* measured, result equal to before's */
    VARIANT_MISMATCH,    /* result differs from before's: FAILED, no speedup */
    VARIANT_ERROR,       /* raised, or broke the contract: detail says how */
    VARIANT_TIMEOUT,     /* a call outlived --timeout: its worker was killed */
    VARIANT_CRASHED,     /* its worker died (a signal, an exit): detail says how */
    VARIANT_SKIPPED,     /* not even one value fits the budget: detail says why */
    VARIANT_NOT_RUN,     /* before failed or was skipped first, or Ctrl-C */
    VARIANT_UNAVAILABLE, /* this interpreter cannot run it (REQUIRES): not a failure */
};

/* The values of one variant from one worker process. */
struct process_values {
    double *warmups;           /* n_warmups, seconds per call */
    size_t n_warmups;
    double *values;            /* n_values, one per round, seconds per call */
    size_t n_values;
};

/* What the time budget lets one variant measure at one size.  The full plan
 * is the options' (every process, every round, warm-ups, calibration); a
 * variant whose full plan would outlast --budget is measured with fewer
 * values instead of being dropped -- no warm-ups (the check call just made
 * in the same process warms it up), one call per value when a call outlasts
 * min_time, then as many values as fit, from as few processes as that takes
 * -- then, if not even one value fits beside it, no memory pass.  Its row
 * says what was cut.  Only a variant of which not one value fits is
 * skipped.  The reduced variant takes part in the first `rounds` rounds of
 * its processes, so its value i still pairs with before's value i. */
struct budget_plan {
    int processes;       /* the workload's first `processes` processes time it */
    int rounds;          /* timed values in each of them */
    int warmups;         /* warm-up values in each of them */
    bool calibrate;      /* trial values grow the loops; false: one call per value */
    bool memory;         /* the memory pass, in its last process */
    double seconds;      /* what the plan is predicted to take */
};

/* The plan for a variant whose one call lasts `call` seconds, into *plan:
 * the full plan when it fits options->budget, else the one with the most
 * values that fits (ties: more processes).  The cost counts each value (at
 * least min_time), the check call in every later process (before's in
 * every process, as the others' reference: `baseline`), calibration's trial
 * value and, with `memory`, the memory pass (HARNESS_MEMORY_PASS_CALLS
 * calls), dropped last.  False when not even one value fits: the variant is
 * skipped. */
bool harness_plan_budget(double call, bool baseline, bool memory,
                         const struct harness_options *options, struct budget_plan *plan);

/* The memory pass, counted as this many calls.  tracemalloc's hooks cost
 * per allocation (~1.5 us here), so it depends on the call: the slow
 * variants of the pitfalls copy or scan and allocate little for their time
 * (string_concat's before_aliased ran 0.94x its time under tracemalloc
 * here), while a call that allocates at every step runs several times
 * slower (string_concat's before, 6.9x).  Twice a call is an allowance for
 * the first kind; a variant slow *because* it allocates may pass the budget
 * by its memory pass. */
#define HARNESS_MEMORY_PASS_CALLS 2.0

/* One variant at one size.  Times are seconds per call (per loop). */
struct variant_result {
    char *name;                /* owned */
    enum variant_status status;
    char *detail;              /* owned; NULL when there is nothing to say */
    char *output;              /* the first lines its check call printed, or NULL */
    long output_lines;         /* how many lines it printed in all */
    double first_call;         /* the first process's checking call, seconds */
    long loops;                /* calls per value after calibration */
    struct budget_plan plan;   /* how it is measured; the full plan unless the budget cut it */
    char *reduced;             /* what the budget cut, for the row's note; NULL: nothing */
    struct process_values *processes; /* n_processes of the workload, same index for all */
    double *values;            /* every timed value, process after process */
    size_t n_values;
    struct stats_summary summary; /* valid when n_values > 0 */
    long memory_peak;          /* bytes, -1 when not measured */
    double instructions;       /* per call, counted by callgrind; 0 when not counted */
    double spread;             /* IQR / median of its values (0 without values) */
    double process_spread;     /* highest / lowest of its processes' medians (1: one process) */
    /* Relative to before (variant 0): see harness_row_has_speedup. */
    bool has_speedup;
    double speedup;            /* median(before) / median(this), over the paired values */
    double ci_low, ci_high;    /* 95% hierarchical bootstrap CI: processes, then rounds */
    double p_value;            /* Mann-Whitney U, two-sided, on the same values */
    size_t pairs;              /* paired values the speedup is computed from */
    enum stats_verdict verdict; /* STATS_VERDICT_NONE unless has_speedup */
    /* Where the speedup lands when measured again: the lowest and highest
     * of the processes' own speedups (their paired values), or with one
     * process the middle half of the rounds' ratios.  0 when not known. */
    double range_low, range_high;
    bool range_of_processes;   /* the range is the processes' (else the rounds') */
    /* The row is marked unstable ("!", the table's stability line) only
     * when that range reaches both sides of a verdict boundary (1 +-
     * min_effect): its noise could change what the row says.  The reason,
     * or NULL. */
    char *unstable;
};

struct workload_result {
    char *id;                  /* owned copies: they outlive the executor's info */
    char *title;
    char *section;
    char *path;
    char *no_native;
    char *source_sha256;
    char *explanation;         /* the lesson, for reports */
    json_t *sources;           /* {variant: source code}, for reports; may be NULL */
    char *interpreter;         /* the executor's label */
    char **notes;              /* per variant, NULL where none */
    long n;
    char *error;               /* load or setup failed: traceback tail; else NULL */
    struct variant_result *variants;
    size_t n_variants;
    size_t n_processes;        /* worker processes that ran (a restart after a crash counts) */
    bool gc;
    bool no_baseline;          /* before's own first call left no value within the budget:
                                * nothing is compared, and the workload fails */
    bool partial;              /* interrupted: values so far only */
    double duration;           /* wall seconds spent on this workload */
};

enum harness_status { HARNESS_OK, HARNESS_INTERRUPTED };

/* A sweep so far: the same workload on the same interpreter at the smaller
 * sizes already measured, in order.  The harness predicts from them what a
 * variant will cost at the next size, and skips it without a call when the
 * prediction is past the budget (asv's lesson: a quadratic variant at the
 * largest size must not be started just to learn that it is slow). */
struct sweep_history {
    const struct workload_result *sizes;
    size_t count;
};

/* Which size to run when no explicit n is given. */
enum size_choice { SIZE_DEFAULT, SIZE_QUICK };

/* Run the workload at `path` at size `n` (or its quick/default size when
 * n <= 0) on each of `count` executors, their processes alternating; fill
 * out[i] (zeroed by the caller; release with workload_result_clear) for
 * executors[i].  `only` (NULL: all) is a NULL-terminated list of variants:
 * before always runs as the baseline.  `history` (NULL, or one per
 * executor) is the sweep so far.  What goes wrong inside a workload is
 * recorded in `out`, not returned: the run goes on with the next one. */
enum harness_status harness_run(struct executor *const *executors, size_t count,
                                const char *path, long n, enum size_choice size,
                                const char *const *only, const struct harness_options *options,
                                const struct sweep_history *history,
                                struct workload_result *out);

/* Load the workload once in a fresh process of `ex` to read its sweep
 * sizes and variant names (a malloc'd copy each).  EXEC_OK, or the failure
 * (the run that follows reports it). */
enum exec_status harness_describe(struct executor *ex, const char *path, long **sweep,
                                  size_t *n_sweep, char ***variants, size_t *n_variants);

/* The one predicate for "this row gets a speedup, a CI and a verdict":
 * the variant and before are both OK and have paired values. */
bool harness_row_has_speedup(const struct workload_result *w, size_t k);

/* A sweep's growth: the exponent of variant k's median over n, fitted on
 * the sizes that measured it (`sizes`: one workload at increasing n).
 * False when fewer than two sizes did. */
bool harness_growth_exponent(const struct workload_result *sizes, size_t count, size_t k,
                             double *exponent);

void workload_result_clear(struct workload_result *result);

/* Whether the workload passed: no error, a baseline (before not skipped by
 * its own first call), and no variant failed, raised, timed out or crashed. */
bool workload_result_ok(const struct workload_result *result);

/* Whether any variant has timed values (the legend is printed only then). */
bool workload_result_timed(const struct workload_result *result);

#endif
