/* harness.h: the measurement protocol (docs/measuring.md).  For one
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
#include "workload_result.h"

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

#endif
