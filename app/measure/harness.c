/* harness.c: the measurement protocol, shared by every executor (see
 * harness.h for the order of work).  Key choice: a "process" is one life of
 * an executor -- start, load, setup, check, time, stop -- and every value
 * is filed under the process that measured it, so the statistics
 * (analysis.c) can resample processes before values.  A timeout or a crash
 * ends a process early: the variant responsible is marked, and a fresh
 * process takes over for the others, filed as a process of its own. */
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "clock.h"
#include "loops.h"
#include "text.h"

/* Calibration never goes past this many calls per value. */

/* One interpreter's share of a workload. */
struct target {
    struct executor *ex;
    struct workload_result *out;
    size_t *index;        /* result variant k -> the executor's variant index */
    bool described;       /* out's copy of the workload's info is made */
    bool finished;        /* nothing more to do: load or setup failed, or nothing to time */
    bool gc_off;          /* the current process runs with the GC off */
    bool before_predicted; /* before was skipped by prediction: nothing to compare with */
    bool reference_here;  /* before's result is known in the current process */
    const struct sweep_history *history; /* the sweep so far, or NULL */
    double spent;         /* wall seconds in this target's processes */
};

/* What the run of one workload shares: its arguments. */
struct plan {
    const char *path;
    long n;
    enum size_choice size;
    const char *const *only;
    const struct harness_options *options;
};

/* Seconds `plan` takes for a variant whose one call lasts `call`: its
 * values (each at least min_time: calibrated loops), `checks` check calls,
 * calibration's trial value, and the memory pass. */
static double
plan_seconds(const struct budget_plan *plan, double call, int checks, double min_time)
{
    double value = fmax(call, min_time);
    return value * plan->processes * (plan->rounds + plan->warmups) + call * checks
           + (plan->calibrate ? value : 0) + (plan->memory ? HARNESS_MEMORY_PASS_CALLS * call : 0);
}

bool
harness_plan_budget(double call, bool baseline, bool memory,
                    const struct harness_options *options, struct budget_plan *plan)
{
    const int later = options->processes - 1;
    struct budget_plan full = {options->processes, options->rounds, options->warmups, true,
                               memory, 0};
    full.seconds = plan_seconds(&full, call, later, options->min_time);
    if (full.seconds <= options->budget) {
        *plan = full;
        return true;
    }
    /* The largest number of rounds that fits with each number of processes
     * (fewer processes also save their check calls); the memory pass only
     * when not even one value fits beside it. */
    bool found = false;
    for (int pass = memory ? 0 : 1; pass < 2 && !found; pass++) {
        for (int processes = options->processes; processes >= 1; processes--) {
            for (int rounds = options->rounds; rounds >= 1; rounds--) {
                struct budget_plan reduced = {processes, rounds, 0, call < options->min_time,
                                              pass == 0, 0};
                reduced.seconds = plan_seconds(&reduced, call, baseline ? later : processes - 1,
                                               options->min_time);
                if (reduced.seconds > options->budget) {
                    continue;
                }
                if (!found || processes * rounds > plan->processes * plan->rounds) {
                    *plan = reduced;
                    found = true;
                }
                break;
            }
        }
    }
    return found;
}

/* Whether variant k's plan has it in process p: checked, and timed unless
 * it failed. */
static bool
planned_in(const struct variant_result *v, int p)
{
    return p < v->plan.processes;
}

static void
report(const struct plan *plan, const struct target *t, const char *stage, int step, int steps)
{
    if (plan->options->progress == NULL) {
        return;
    }
    char label[160];
    snprintf(label, sizeof label, "%s%s%s, process %zu", t->out->id != NULL ? t->out->id : "",
             t->out->interpreter != NULL ? " on " : "",
             t->out->interpreter != NULL ? t->out->interpreter : "", t->out->n_processes);
    plan->options->progress(label, stage, step, steps);
}

static bool
is_selected(const char *name, const char *const *only)
{
    if (only == NULL || strcmp(name, "before") == 0) {
        return true;
    }
    for (const char *const *p = only; *p != NULL; p++) {
        if (strcmp(*p, name) == 0) {
            return true;
        }
    }
    return false;
}

static int
push_value(double **array, size_t *count, double value)
{
    double *grown = realloc(*array, (*count + 1) * sizeof **array);
    if (grown == NULL) {
        return -1;
    }
    grown[(*count)++] = value;
    *array = grown;
    return 0;
}

static void
set_detail(struct variant_result *v, char *detail)
{
    free(v->detail);
    v->detail = detail;
}

static void
fail_variant(struct variant_result *v, enum variant_status status, char *detail)
{
    v->status = status;
    set_detail(v, detail);
}

/* Copy what the report needs from the executor's info: the result outlives
 * the loaded workload. */
static int
copy_info(struct target *t, const struct workload_info *info, const struct plan *plan)
{
    const struct harness_options *options = plan->options;
    struct workload_result *out = t->out;
    out->id = text_copy(info->id);
    out->title = text_copy(info->title);
    out->section = text_copy(info->section);
    out->path = text_copy(info->path);
    out->no_native = text_copy(info->no_native);
    out->source_sha256 = text_copy(info->source_sha256);
    out->explanation = text_copy(info->explanation);
    out->sources = json_incref(info->sources);
    out->variants = calloc(info->n_variants, sizeof *out->variants);
    out->notes = calloc(info->n_variants, sizeof *out->notes);
    t->index = calloc(info->n_variants, sizeof *t->index);
    if (out->id == NULL || out->variants == NULL || out->notes == NULL || t->index == NULL) {
        return -1;
    }
    for (size_t i = 0; i < info->n_variants; i++) {
        if (!is_selected(info->variants[i], plan->only)) {
            continue;
        }
        size_t k = out->n_variants++;
        struct variant_result *v = &out->variants[k];
        t->index[k] = i;
        v->name = text_copy(info->variants[i]);
        v->memory_peak = -1;
        v->plan = (struct budget_plan){options->processes, options->rounds, options->warmups,
                                       true, options->memory, 0};
        out->notes[k] = text_copy(info->notes[i]);
        if (info->unavailable[i] != NULL) {
            v->status = VARIANT_UNAVAILABLE;
            v->detail = text_copy(info->unavailable[i]);
        }
        if (v->name == NULL) {
            return -1;
        }
    }
    t->described = true;
    return 0;
}

/* File the values of a new process: one more (empty) slot per variant. */
static int
add_process(struct workload_result *out)
{
    for (size_t k = 0; k < out->n_variants; k++) {
        struct variant_result *v = &out->variants[k];
        struct process_values *grown =
            realloc(v->processes, (out->n_processes + 1) * sizeof *grown);
        if (grown == NULL) {
            return -1;
        }
        memset(&grown[out->n_processes], 0, sizeof *grown);
        v->processes = grown;
    }
    out->n_processes++;
    return 0;
}

static struct process_values *
current(const struct target *t, size_t k)
{
    return &t->out->variants[k].processes[t->out->n_processes - 1];
}

/* Start a process: a fresh executor, the workload loaded, setup(n) run, the
 * GC as the phase needs it.  Failures are the workload's (out->error). */
static enum exec_status
open_process(struct target *t, const struct plan *plan)
{
    const struct workload_info *info = NULL;
    char *error = NULL;
    struct workload_result *out = t->out;
    t->reference_here = false;
    enum exec_status status = executor_start_load(t->ex, plan->path, &info, &error);
    if (status == EXEC_OK && !t->described) {
        if (copy_info(t, info, plan) < 0) {
            error = text_copy("out of memory");
            status = EXEC_ERROR;
        } else {
            out->n = plan->n > 0 ? plan->n
                     : plan->size == SIZE_QUICK ? info->size_quick : info->size_default;
        }
    }
    if (status == EXEC_OK && add_process(out) < 0) {
        error = text_copy("out of memory");
        status = EXEC_ERROR;
    }
    if (status == EXEC_OK) {
        report(plan, t, "setup", 1, 1);
        status = executor_setup(t->ex, out->n, &error);
    }
    if (status == EXEC_OK && t->gc_off) {
        status = executor_set_gc(t->ex, false, &error);
    }
    if (status == EXEC_OK || status == EXEC_INTERRUPTED) {
        free(error);
        return status;
    }
    const char *what = status == EXEC_TIMEOUT ? "timed out" : status == EXEC_CRASHED ? "crashed" : "failed";
    free(out->error);
    out->error = out->n_processes <= 1 && status == EXEC_ERROR
                     ? error
                     : text_format("process %zu %s before measuring: %s", out->n_processes + 1,
                                     what, error != NULL ? error : "");
    if (out->error != error) {
        free(error);
    }
    if (out->id == NULL) {
        const char *slash = strrchr(plan->path, '/');
        out->id = text_copy(slash != NULL ? slash + 1 : plan->path);
        out->path = text_copy(plan->path);
    }
    t->finished = true;
    executor_stop(t->ex);
    return status;
}

static const char *
fault_word(enum exec_status status)
{
    return status == EXEC_TIMEOUT ? "timed out" : "crashed";
}

/* A worker died or hung during a request for variant k: mark the variant
 * and bring up a fresh process for the others (checking before again when
 * further checks need its result).  Returns that process's status. */
static enum exec_status
recover(struct target *t, const struct plan *plan, size_t k, enum exec_status status,
        char *error, const char *during, bool need_reference)
{
    struct variant_result *v = &t->out->variants[k];
    fail_variant(v, status == EXEC_TIMEOUT ? VARIANT_TIMEOUT : VARIANT_CRASHED,
                 text_format("%s %s: %s", during, fault_word(status), error != NULL ? error : ""));
    free(error);
    executor_stop(t->ex);
    status = open_process(t, plan);
    if (status != EXEC_OK || !need_reference || k == 0 || t->before_predicted
        || t->out->variants[0].status != VARIANT_OK) {
        return status;
    }
    struct check_result check = {0};
    error = NULL;
    status = executor_check(t->ex, t->index[0], false, true, &check, &error);
    t->reference_here = status == EXEC_OK;
    check_result_clear(&check);
    if (status == EXEC_TIMEOUT || status == EXEC_CRASHED || status == EXEC_ERROR) {
        /* before worked a moment ago: say so on the workload, stop here. */
        free(t->out->error);
        t->out->error = text_format("before failed when re-run in a fresh process: %s",
                                      error != NULL ? error : "");
        t->finished = true;
        status = EXEC_ERROR;
    }
    free(error);
    return status;
}

/* The first check of variant k: record what its call says. */
static void
record_first_check(struct target *t, const struct plan *plan, size_t k,
                   struct check_result *check)
{
    struct variant_result *v = &t->out->variants[k];
    const struct harness_options *options = plan->options;
    v->first_call = check->seconds;
    v->output = check->output;
    v->output_lines = check->output_lines;
    check->output = NULL;
    if (check->mutated) {
        fail_variant(v, VARIANT_ERROR, text_format(
            "contract error: %s changed setup's data during its call (a variant must not "
            "mutate its input: copy it first); the data was rebuilt for the next variant",
            v->name));
        return;
    }
    if (!check->matches) {
        fail_variant(v, VARIANT_MISMATCH, check->mismatch);
        check->mismatch = NULL;
        return;
    }
    struct budget_plan full = v->plan;
    bool memory = options->memory && t->ex->traces_memory;
    full.memory = memory;
    full.seconds = plan_seconds(&full, v->first_call, options->processes - 1, options->min_time);
    if (!harness_plan_budget(v->first_call, k == 0, memory, options, &v->plan)) {
        v->plan.processes = 0;
        t->out->no_baseline = t->out->no_baseline || k == 0;
        fail_variant(v, VARIANT_SKIPPED, text_format(
            "skipped: one call took %.3g s, so not even one value fits the %.3g s budget "
            "(--budget)%s", v->first_call, options->budget,
            k == 0 ? "; before is the baseline: without it nothing is compared, and the "
                     "workload fails" : ""));
        return;
    }
    if (v->plan.processes * v->plan.rounds < full.processes * full.rounds
        || v->plan.warmups < full.warmups) {
        int values = v->plan.processes * v->plan.rounds;
        v->reduced = text_format(
            "%d value%s from %d process%s%s%s (budget): one call took %.3g s, so the full %d x "
            "%d with warm-ups would take ~%.0f s, past the %.3g s budget (--budget)",
            values, values == 1 ? "" : "s", v->plan.processes,
            v->plan.processes == 1 ? "" : "es", values == full.processes * full.rounds
                                                    ? ", no warm-ups" : "",
            memory && !v->plan.memory ? ", no memory pass" : "", v->first_call, full.processes,
            full.rounds, full.seconds, options->budget);
    }
}

/* Whether variant k must be skipped at this size without a call, from the
 * sizes of the sweep already measured: its time per call at the last two
 * sizes where it ran gives a growth exponent (clamped to [1, 3]: noise at
 * small sizes must not predict a shrinking cost), which predicts its call
 * at n; the run's values at that cost past the budget mean a skip.  A
 * variant skipped at a smaller size is skipped here too.  NULL, or why. */
static char *
predicted_skip(const struct target *t, const struct plan *plan, size_t k)
{
    const struct harness_options *options = plan->options;
    const struct sweep_history *history = t->history;
    double n1 = 0, time1 = 0, n2 = 0, time2 = 0;
    int points = 0;
    for (size_t s = 0; history != NULL && s < history->count; s++) {
        const struct workload_result *size = &history->sizes[s];
        const struct variant_result *v = k < size->n_variants ? &size->variants[k] : NULL;
        if (v == NULL || strcmp(v->name, t->out->variants[k].name) != 0) {
            continue;
        }
        if (v->status == VARIANT_SKIPPED) {
            return text_format("skipped: it was already past the budget at n=%ld", size->n);
        }
        double per_call = v->n_values > 0 ? v->summary.median : v->first_call;
        if (per_call > 0) {
            n1 = n2;
            time1 = time2;
            n2 = (double)size->n;
            time2 = per_call;
            points++;
        }
    }
    if (points == 0 || t->out->n <= 0) {
        return NULL;
    }
    double exponent = points >= 2 && n2 > n1 ? log(time2 / time1) / log(n2 / n1) : 1.0;
    exponent = fmin(fmax(exponent, 1.0), 3.0);
    double predicted = time2 * pow((double)t->out->n / n2, exponent);
    /* A guess (the exponent of two noisy sizes), so the test is the full
     * plan, as before the first call: an underestimate costs a call that
     * runs into the timeout.  Once its check call has run, a variant whose
     * full plan does not fit is measured with fewer values instead. */
    struct budget_plan full = t->out->variants[k].plan;
    full.memory = options->memory && t->ex->traces_memory;
    double total = predicted + plan_seconds(&full, predicted, options->processes - 1,
                                            options->min_time);
    if (total <= options->budget) {
        return NULL;
    }
    return text_format("skipped without a call: %.3g s per call at n=%.0f, growing as n^%.2f, "
                       "predicts ~%.3g s per call here and ~%.0f s for its values, past the "
                       "%.3g s budget (--budget)", time2, n2, exponent, predicted, total,
                       options->budget);
}

static bool
is_timed(const struct variant_result *v)
{
    return v->status == VARIANT_OK;
}

static bool
is_checked_later(const struct variant_result *v)
{
    return v->status == VARIANT_OK || v->status == VARIANT_SKIPPED;
}

/* Whether later process p checks variant k again: every variant still
 * measured in p, and a measured before in every process -- even where the
 * budget has it time no value -- since it is the reference the others are
 * checked against.  A before the budget skipped is not called again: the
 * others were checked against it in the first process, and later ones
 * check them without a reference. */
static bool
check_again(const struct target *t, size_t k, int p)
{
    const struct variant_result *v = &t->out->variants[k];
    return v->status == VARIANT_OK && (k == 0 || planned_in(v, p));
}

/* Check every variant against before in the current process.  The first
 * process decides (mismatch, contract, budget); later ones re-check what is
 * still measured and catch results that change between processes. */
static enum exec_status
check_variants(struct target *t, const struct plan *plan, int p)
{
    struct workload_result *out = t->out;
    enum exec_status status = EXEC_OK;
    bool first = p == 0;
    for (size_t k = 0; k < out->n_variants && !t->finished; k++) {
        struct variant_result *v = &out->variants[k];
        struct check_result check = {0};
        char *error = NULL;
        if (v->status == VARIANT_UNAVAILABLE || (!first && !check_again(t, k, p))) {
            continue;
        }
        if (k > 0 && !is_checked_later(&out->variants[0])) {
            if (v->status != VARIANT_UNAVAILABLE && v->status != VARIANT_NOT_RUN) {
                fail_variant(v, VARIANT_NOT_RUN, text_copy(
                    "not run: before did not run, nothing to check its result against"));
            }
            continue;
        }
        if (first) {
            char *skip = predicted_skip(t, plan, k);
            if (skip != NULL) {
                fail_variant(v, VARIANT_SKIPPED, skip);
                t->before_predicted = t->before_predicted || k == 0;
                continue;
            }
        }
        report(plan, t, "checking", (int)k + 1, (int)out->n_variants);
        bool compare = k == 0 || t->reference_here;
        status = executor_check(t->ex, t->index[k], first, compare, &check, &error);
        t->reference_here = t->reference_here || (k == 0 && status == EXEC_OK);
        if (status == EXEC_INTERRUPTED) {
            check_result_clear(&check);
            return status;
        }
        if (status == EXEC_TIMEOUT || status == EXEC_CRASHED) {
            check_result_clear(&check);
            status = recover(t, plan, k, status, error, "its check call", true);
            if (status == EXEC_INTERRUPTED) {
                return status;
            }
            continue;
        }
        if (status == EXEC_ERROR) {
            fail_variant(v, VARIANT_ERROR, error);
            if (first && v->output == NULL) {
                v->output = check.output;
                check.output = NULL;
            }
        } else if (first) {
            record_first_check(t, plan, k, &check);
            if (!compare && v->status == VARIANT_OK && v->detail == NULL) {
                v->detail = text_copy(t->before_predicted
                                          ? "not checked against before, which was not run at "
                                            "this size (predicted past the budget)"
                                          : "not checked against before, which was not run "
                                            "again in a fresh process (past the budget)");
            }
        } else if (!check.matches || check.mutated) {
            fail_variant(v, VARIANT_MISMATCH, text_format(
                "in process %zu the result differed from before's (%s): is the workload "
                "deterministic?", out->n_processes,
                check.mismatch != NULL ? check.mismatch : "its input changed"));
        }
        check_result_clear(&check);
        status = EXEC_OK;
    }
    return status;
}

/* Grow `loops` until one value lasts min_time; the trial values are kept as
 * warmups of the first process, as pyperf records its calibration. */
static enum exec_status
calibrate(struct target *t, size_t k, const struct harness_options *options, char **error)
{
    struct variant_result *v = &t->out->variants[k];
    long loops = loops_at_least(options->min_time / fmax(v->first_call, 1e-9) * 0.5);
    if (!v->plan.calibrate) {
        v->loops = 1;   /* a reduced plan of a call that outlasts min_time */
        return EXEC_OK;
    }
    for (;;) {
        double seconds = 0;
        enum exec_status status = executor_time(t->ex, t->index[k], loops, &seconds, error);
        if (status != EXEC_OK) {
            return status;
        }
        struct process_values *values = current(t, k);
        if (push_value(&values->warmups, &values->n_warmups, seconds / (double)loops) < 0) {
            *error = text_copy("out of memory");
            return EXEC_ERROR;
        }
        if (seconds >= options->min_time || loops >= LOOPS_MAX) {
            break;
        }
        double per_call = fmax(seconds / (double)loops, 1e-9);
        loops = loops_at_least(fmax(options->min_time / per_call * 1.05, (double)loops * 2));
    }
    v->loops = loops;
    return EXEC_OK;
}

/* A failed request for variant k while timing: EXEC_ERROR marks it,
 * a timeout or crash also brings up a fresh process. */
static enum exec_status
timing_failed(struct target *t, const struct plan *plan, size_t k, enum exec_status status,
              char *error, const char *during)
{
    if (status == EXEC_ERROR) {
        fail_variant(&t->out->variants[k], VARIANT_ERROR,
                     text_format("%s raised (its check call had passed):\n%s", during,
                                   error != NULL ? error : ""));
        free(error);
        return EXEC_OK;
    }
    if (status == EXEC_TIMEOUT || status == EXEC_CRASHED) {
        return recover(t, plan, k, status, error, during, false);
    }
    free(error);
    return status;
}

static enum exec_status
calibrate_variants(struct target *t, const struct plan *plan)
{
    struct workload_result *out = t->out;
    for (size_t k = 0; k < out->n_variants && !t->finished; k++) {
        char *error = NULL;
        if (!is_timed(&out->variants[k])) {
            continue;
        }
        report(plan, t, "calibrating", (int)k + 1, (int)out->n_variants);
        enum exec_status status = calibrate(t, k, plan->options, &error);
        if (status != EXEC_OK) {
            status = timing_failed(t, plan, k, status, error, "calibration");
            if (status == EXEC_INTERRUPTED) {
                return status;
            }
        }
    }
    return EXEC_OK;
}

/* Whether variant v takes part in round `round` of process p: a reduced
 * plan drops the warm-up rounds and keeps the first timed ones. */
static bool
takes_part(const struct variant_result *v, int p, int round, const struct harness_options *o)
{
    if (!planned_in(v, p)) {
        return false;
    }
    return round < o->warmups ? round >= o->warmups - v->plan.warmups
                              : round - o->warmups < v->plan.rounds;
}

/* Warm-up rounds, then the timed rounds, each variant once per round with
 * the starting variant rotating. */
static enum exec_status
time_rounds(struct target *t, const struct plan *plan, int p)
{
    const struct harness_options *options = plan->options;
    struct workload_result *out = t->out;
    size_t m = out->n_variants;
    int total = options->warmups + options->rounds;
    for (int round = 0; round < total && !t->finished; round++) {
        bool warmup = round < options->warmups;
        report(plan, t, warmup ? "warming up" : "timing", round + 1, total);
        for (size_t j = 0; j < m && !t->finished; j++) {
            size_t k = (j + (size_t)round) % m;
            struct variant_result *v = &out->variants[k];
            double seconds = 0;
            char *error = NULL;
            if (!is_timed(v) || !takes_part(v, p, round, options)) {
                continue;
            }
            enum exec_status status = executor_time(t->ex, t->index[k], v->loops, &seconds, &error);
            if (status != EXEC_OK) {
                status = timing_failed(t, plan, k, status, error, "a timed call");
                if (status == EXEC_INTERRUPTED) {
                    return status;
                }
                continue;
            }
            struct process_values *values = current(t, k);
            double value = seconds / (double)v->loops;
            int rc = warmup ? push_value(&values->warmups, &values->n_warmups, value)
                            : push_value(&values->values, &values->n_values, value);
            if (rc < 0) {
                fail_variant(v, VARIANT_ERROR, text_copy("out of memory"));
            }
        }
    }
    return EXEC_OK;
}

/* The memory pass of the variants whose last planned process is p. */
static enum exec_status
measure_memory(struct target *t, const struct plan *plan, int p)
{
    struct workload_result *out = t->out;
    for (size_t k = 0; k < out->n_variants && !t->finished; k++) {
        struct variant_result *v = &out->variants[k];
        char *error = NULL;
        if (!is_timed(v) || !v->plan.memory || v->plan.processes - 1 != p) {
            continue;
        }
        report(plan, t, "memory", (int)k + 1, (int)out->n_variants);
        enum exec_status status = executor_memory(t->ex, t->index[k], &v->memory_peak, &error);
        if (status != EXEC_OK) {
            v->memory_peak = -1;
            status = timing_failed(t, plan, k, status, error, "the memory pass");
            if (status == EXEC_INTERRUPTED) {
                return status;
            }
        }
    }
    return EXEC_OK;
}

/* Whether process p (or any later one: plans keep the first processes)
 * times anything. */
static bool
anything_to_time(const struct workload_result *out, int p)
{
    for (size_t k = 0; k < out->n_variants; k++) {
        if (is_timed(&out->variants[k]) && planned_in(&out->variants[k], p)) {
            return true;
        }
    }
    return false;
}

static enum exec_status
set_gc(struct target *t, bool off)
{
    char *error = NULL;
    t->gc_off = off;
    enum exec_status status = executor_set_gc(t->ex, !off, &error);
    if (status != EXEC_OK && status != EXEC_INTERRUPTED) {
        free(t->out->error);
        t->out->error = error;
        error = NULL;
        t->finished = true;
    }
    free(error);
    return status;
}

/* Process p of one target, from start to stop. */
static enum exec_status
run_process(struct target *t, const struct plan *plan, int p)
{
    const struct harness_options *options = plan->options;
    double start = clock_wall();
    enum exec_status status = open_process(t, plan);
    if (status != EXEC_OK) {
        goto done;
    }
    status = check_variants(t, plan, p);
    if (status != EXEC_OK || t->finished) {
        goto done;
    }
    if (!anything_to_time(t->out, p)) {
        t->finished = true;
        goto done;
    }
    if (p == 0) {
        status = calibrate_variants(t, plan);
        if (status != EXEC_OK || t->finished) {
            goto done;
        }
    }
    if (!options->gc) {
        status = set_gc(t, true);
        if (status != EXEC_OK) {
            goto done;
        }
    }
    status = time_rounds(t, plan, p);
    if (status != EXEC_OK || t->finished) {
        goto done;
    }
    if (t->gc_off) {
        status = set_gc(t, false);
        if (status != EXEC_OK) {
            goto done;
        }
    }
    if (options->memory && t->ex->traces_memory) {
        status = measure_memory(t, plan, p);
    }
done:
    t->gc_off = false;
    executor_stop(t->ex);
    t->spent += clock_wall() - start;
    return status;
}

enum harness_status
harness_run(struct executor *const *executors, size_t count, const char *path, long n,
            enum size_choice size, const char *const *only,
            const struct harness_options *options, const struct sweep_history *history,
            struct workload_result *out)
{
    struct plan plan = {path, n, size, only, options};
    struct target *targets = calloc(count, sizeof *targets);
    enum exec_status status = EXEC_OK;
    if (targets == NULL) {
        for (size_t i = 0; i < count; i++) {
            out[i].error = text_copy("out of memory");
        }
        return HARNESS_OK;
    }
    for (size_t i = 0; i < count; i++) {
        targets[i].ex = executors[i];
        targets[i].out = &out[i];
        targets[i].history = history != NULL ? &history[i] : NULL;
        out[i].gc = options->gc;
        out[i].interpreter = text_copy(executors[i]->label);
    }
    for (int p = 0; p < options->processes && status != EXEC_INTERRUPTED; p++) {
        for (size_t i = 0; i < count && status != EXEC_INTERRUPTED; i++) {
            if (!targets[i].finished) {
                status = run_process(&targets[i], &plan, p);
            }
        }
    }
    for (size_t i = 0; i < count; i++) {
        struct workload_result *w = &out[i];
        w->partial = status == EXEC_INTERRUPTED;
        for (size_t k = 0; k < w->n_variants && w->partial; k++) {
            struct variant_result *v = &w->variants[k];
            bool measured = false;
            for (size_t r = 0; r < w->n_processes; r++) {
                measured = measured || v->processes[r].n_values > 0;
            }
            if (v->status == VARIANT_OK && !measured) {
                v->status = VARIANT_NOT_RUN;
            }
        }
        analysis_workload(w, options);
        w->duration = targets[i].spent;
        free(targets[i].index);
    }
    free(targets);
    return status == EXEC_INTERRUPTED ? HARNESS_INTERRUPTED : HARNESS_OK;
}

enum exec_status
harness_describe(struct executor *ex, const char *path, long **sweep, size_t *n_sweep,
                 char ***variants, size_t *n_variants)
{
    const struct workload_info *info = NULL;
    char *error = NULL;
    enum exec_status status = executor_start_load(ex, path, &info, &error);
    if (status == EXEC_OK) {
        *sweep = calloc(info->n_sweep + 1, sizeof **sweep);
        *variants = calloc(info->n_variants + 1, sizeof **variants);
        if (*sweep == NULL || *variants == NULL) {
            status = EXEC_ERROR;
        }
        for (size_t i = 0; status == EXEC_OK && i < info->n_sweep; i++) {
            (*sweep)[i] = info->sweep[i];
        }
        for (size_t i = 0; status == EXEC_OK && i < info->n_variants; i++) {
            (*variants)[i] = text_copy(info->variants[i]);
            status = (*variants)[i] != NULL ? EXEC_OK : EXEC_ERROR;
        }
        *n_sweep = info->n_sweep;
        *n_variants = info->n_variants;
    }
    executor_stop(ex);
    free(error);
    return status;
}
