/* workload_result.h: the results' data model.  The harness (harness.c)
 * fills it, measuring; the statistics (analysis.c, growth.c) and the output
 * (report.c, results.c, the HTML page) only read it, so they never depend
 * on how the values were measured -- a test can make one up
 * (tests/test_harness.c).  One workload at one size on one interpreter:
 * its variants, each with its values grouped by worker process, and what
 * the statistics say of them. */
#ifndef OPTDEMO_WORKLOAD_RESULT_H
#define OPTDEMO_WORKLOAD_RESULT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "stats.h"

/* How a run measures and judges: the options `optdemo run` parses, read
 * by the harness (timing) and by the statistics (alpha, min_effect,
 * resamples) alike. */
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
    /* Relative to before (variant 0): see workload_result_has_speedup. */
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

/* The one predicate for "this row gets a speedup, a CI and a verdict":
 * the variant and before are both OK and have paired values. */
bool workload_result_has_speedup(const struct workload_result *w, size_t k);

void workload_result_clear(struct workload_result *result);

/* Whether the workload passed: no error, a baseline (before not skipped by
 * its own first call), and no variant failed, raised, timed out or crashed. */
bool workload_result_ok(const struct workload_result *result);

/* Whether any variant has timed values (the legend is printed only then). */
bool workload_result_timed(const struct workload_result *result);

#endif
