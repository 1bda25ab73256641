/* lab.h: `optdemo lab check`: a student's solution to a lab (docs/labs.md),
 * checked on the lab's hidden cases and timed against its starter and
 * reference in the same run.  The solution runs in a sandboxed worker of its
 * own; the lab in a trusted one, sandboxed apart; the starter and the
 * reference in workers built as the solution's is.  The host compares
 * results (through the trusted worker), times every call on a fresh input
 * itself, and reads memory peaks from outside the process. */
#ifndef OPTDEMO_LAB_H
#define OPTDEMO_LAB_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "executor.h"
#include "report.h"

enum lab_verdict {
    LAB_PASS,        /* correct on every case, every target met */
    LAB_TOO_SLOW,    /* correct, but a speed target or the growth limit missed */
    LAB_TOO_MUCH_MEMORY, /* correct and fast enough, but over the memory target */
    LAB_WRONG,       /* a case's result differs from the reference's */
    LAB_CRASHED,     /* the solution's worker died */
    LAB_TIMED_OUT,   /* a call outlived the timeout */
    LAB_ERROR,       /* it raised, broke the contract, or defines no function */
};

/* Values of one function timed by the host: seconds per call. */
struct lab_timing {
    double *values;
    size_t n_values;
    long loops;
    double median;
};

struct lab_result {
    char *lab_id, *title, *lesson, *function, *solution_path;
    enum lab_verdict verdict;
    char *detail;                /* why, in a sentence or a traceback; for a pass NULL, or
                                  * why it is borderline */
    size_t cases_passed, cases_total;
    json_t *sandbox_layers;      /* what the sandbox enforced (a list of str) */
    bool timed;
    bool retimed;                /* a near miss, timed twice: the values hold both */
    long timing_n;
    struct lab_timing solution, starter, reference;
    double vs_starter, vs_starter_low, vs_starter_high;       /* starter time / solution's */
    double vs_reference, vs_reference_low, vs_reference_high; /* solution time / reference's */
    double target_faster_than_starter;  /* 0: none */
    double target_within_reference;     /* 0: none */
    double target_memory_vs_starter;    /* 0: none; else the largest peak / starter's peak */
    bool has_memory;
    double memory_solution, memory_starter, memory_reference;  /* peak resident bytes above
                                                                 * a process doing nothing */
    bool growth_skipped;                /* a target already clearly missed: no sweep */
    bool has_growth;
    double growth_solution, growth_reference;
    double growth_solution_low, growth_solution_high;  /* 95% CI: each size's values resampled */
    double max_growth;                  /* 0: none */
    double duration;
    double worker_startup;              /* seconds from starting the solution's worker (and
                                         * its sandbox) to its first answer */
};

struct lab_options {
    const char *bwrap;                 /* bubblewrap, for the OS sandbox; NULL: none (--no-sandbox) */
    const char *executable;            /* optdemo itself (its workers are `optdemo worker --lab`) */
    const char *pyscripts;             /* pyscripts' folder */
    double deadline;                   /* seconds the whole check may take */
    struct worker_limits trusted;      /* the lab's own worker */
    struct worker_limits sandboxed;    /* the solution's worker */
    double min_time;                   /* seconds one value lasts at least */
    int rounds;                        /* timed values per function */
    unsigned resamples;
    double near_miss;                  /* a speed target missed by less than this factor is
                                        * timed twice (lab_near_miss); 1: never */
    bool (*interrupted)(void);
    void (*progress)(const char *stage);  /* may be NULL */
};

/* Check `solution` against the lab in `folder`.  0 with out filled (the
 * verdict says how it went), 1 on Ctrl-C, -1 when the lab itself is broken
 * (*error says why; an instructor's problem, not the student's). */
int lab_check(const struct lab_options *options, const char *folder, const char *solution,
              struct lab_result *out, char **error);
void lab_result_clear(struct lab_result *result);

const char *lab_verdict_word(enum lab_verdict verdict);
/* Once every case is right: pass, too slow or too much memory, with the
 * detail (lab_verdict.c); out's measurements and targets must be filled. */
void lab_judge_speed(struct lab_result *out);
/* Whether a speed target was missed by a little (the point estimate within
 * `factor` of it): such a solution is timed a second time before it is
 * failed.  Never with factor 1. */
bool lab_near_miss(const struct lab_result *out, double factor);
void lab_print(FILE *out, const struct lab_result *result, const struct report_style *style);
json_t *lab_result_json(const struct lab_result *result);

#endif
