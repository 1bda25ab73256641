/* harness.h: the measurement protocol (README, "How it measures").  For one
 * workload at one size: check every variant against before, skip what would
 * run past the time budget, calibrate loops per variant, warm up, then time
 * the variants interleaved round by round (A B C, B C A, ...) so machine
 * drift hits them alike; then statistics, then memory in a separate pass. */
#ifndef OPTDEMO_HARNESS_H
#define OPTDEMO_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

#include "executor.h"
#include "stats.h"

struct harness_options {
    double min_time;     /* seconds one value must last at least (calibration) */
    int rounds;          /* timed values per variant, one per interleaved round */
    int warmups;         /* untimed-for-statistics values per variant, recorded */
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
    VARIANT_OK,        /* measured, result equal to before's */
    VARIANT_MISMATCH,  /* result differs from before's: FAILED, no speedup */
    VARIANT_ERROR,     /* raised: detail holds the traceback's last lines */
    VARIANT_SKIPPED,   /* predicted past the budget: detail says why */
    VARIANT_NOT_RUN,   /* before failed or was skipped first, or Ctrl-C */
    VARIANT_UNAVAILABLE, /* this interpreter cannot run it (REQUIRES): not a failure */
};

/* One variant at one size.  Times are seconds per call (per loop). */
struct variant_result {
    char *name;                /* owned */
    enum variant_status status;
    char *detail;              /* owned; NULL when there is nothing to say */
    double first_call;         /* the checking call, seconds */
    long loops;                /* calls per value after calibration */
    double *warmups;           /* n_warmups values, seconds per call */
    size_t n_warmups;
    double *values;            /* n_values, one per round, seconds per call */
    size_t n_values;
    struct stats_summary summary; /* valid when n_values > 0 */
    long memory_peak;          /* bytes, -1 when not measured */
    /* Relative to before (variant 0), when both were measured. */
    bool has_speedup;
    double speedup;            /* median(before) / median(this) */
    double ci_low, ci_high;    /* bootstrap 95% CI, paired by round */
    double paired_median;      /* median of the per-round ratios */
    double p_value;            /* Mann-Whitney U, two-sided */
    bool significant;
};

struct workload_result {
    char *id;                  /* owned copies: they outlive the executor's info */
    char *title;
    char *section;
    char *path;
    char *no_native;
    char **notes;              /* per variant, NULL where none */
    long n;
    char *error;               /* load or setup failed: traceback tail; else NULL */
    struct variant_result *variants;
    size_t n_variants;
    bool gc;
    bool partial;              /* interrupted: values so far only, no memory pass */
    double duration;           /* wall seconds spent on this workload */
};

enum harness_status { HARNESS_OK, HARNESS_INTERRUPTED };

/* Which size to run when no --size is given. */
enum size_choice { SIZE_DEFAULT, SIZE_QUICK };

/* Load `path`, run it at `n` (or its quick/default size when n <= 0) and
 * fill `out` (zeroed by the caller; release with workload_result_clear).
 * `only` (NULL: all) is a NULL-terminated list of variants to run: before is
 * always run as the baseline.  An error inside the workload is recorded in
 * `out`, not returned: the run goes on with the next one. */
enum harness_status harness_run(struct executor *ex, const char *path, long n,
                                enum size_choice size, const char *const *only,
                                const struct harness_options *options,
                                struct workload_result *out);

/* A sweep's growth: the exponent of variant k's median over n, fitted on
 * the sizes that measured it (`sizes`: one workload at increasing n).
 * False when fewer than two sizes did. */
bool harness_growth_exponent(const struct workload_result *sizes, size_t count, size_t k,
                             double *exponent);

void workload_result_clear(struct workload_result *result);

/* Whether the workload passed: no error, no mismatch, no variant error. */
bool workload_result_ok(const struct workload_result *result);

#endif
