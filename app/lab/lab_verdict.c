/* lab_verdict.c: the rules that turn a checked solution's measurements
 * into a verdict (see lab.h).  Pure C: the unit test (tests/test_lab_verdict.c)
 * feeds it made-up measurements. */
#include "lab.h"

#include <stdarg.h>
#include <stdio.h>

#include "text.h"

/* Appends "; "-separated clauses to a fixed buffer. */
struct clauses {
    char text[640];
    size_t used;
};

static void
clause(struct clauses *c, const char *format, ...) __attribute__((format(printf, 2, 3)));

static void
clause(struct clauses *c, const char *format, ...)
{
    if (c->used >= sizeof c->text - 1) {
        return;
    }
    if (c->used > 0) {
        c->used += (size_t)snprintf(c->text + c->used, sizeof c->text - c->used, "; ");
    }
    va_list args;
    va_start(args, format);
    int n = c->used < sizeof c->text ? vsnprintf(c->text + c->used, sizeof c->text - c->used,
                                                 format, args) : 0;
    va_end(args);
    c->used += n > 0 ? (size_t)n : 0;
}

/* The verdict once every case is right.  A time or growth target counts as
 * missed only when its whole 95% CI misses it: a solution whose point
 * estimate misses but whose CI reaches the target passes, "borderline"
 * (the benefit of the doubt: two runs must not grade one file both ways).
 * Memory (a fresh process's peak resident size, repeatable within about 1%)
 * is judged as measured, and decides first: when memory and speed both
 * miss, the verdict is the one that does not flip with the machine's load,
 * and the detail names every target missed. */
void
lab_judge_speed(struct lab_result *out)
{
    struct clauses missed = {0}, borderline = {0};
    if (out->target_faster_than_starter > 0 && out->vs_starter < out->target_faster_than_starter) {
        clause(out->vs_starter_high < out->target_faster_than_starter ? &missed : &borderline,
               "%.3gx as fast as the starter [%.3g, %.3g], target %.3gx", out->vs_starter,
               out->vs_starter_low, out->vs_starter_high, out->target_faster_than_starter);
    }
    if (out->target_within_reference > 0 && out->vs_reference > out->target_within_reference) {
        clause(out->vs_reference_low > out->target_within_reference ? &missed : &borderline,
               "%.3gx the reference's time [%.3g, %.3g], target at most %.3gx",
               out->vs_reference, out->vs_reference_low, out->vs_reference_high,
               out->target_within_reference);
    }
    if (out->max_growth > 0 && out->has_growth && out->growth_solution > out->max_growth) {
        clause(out->growth_solution_low > out->max_growth ? &missed : &borderline,
               "its cost grows as n^%.2f [%.2f, %.2f] (the reference's as n^%.2f), more than "
               "n^%.2f", out->growth_solution, out->growth_solution_low,
               out->growth_solution_high, out->growth_reference, out->max_growth);
    }
    bool memory = out->has_memory
                  && out->memory_solution > out->target_memory_vs_starter * out->memory_starter;
    if (memory) {
        clause(&missed, "its peak memory is %.2fx the starter's, target at most %.2fx",
               out->memory_solution / out->memory_starter, out->target_memory_vs_starter);
    }
    if (missed.used > 0) {
        out->verdict = memory ? LAB_TOO_MUCH_MEMORY : LAB_TOO_SLOW;
        out->detail = text_copy(missed.text);
    } else {
        out->verdict = LAB_PASS;
        out->detail = borderline.used > 0
                          ? text_format("borderline: %s, but the 95%% CI reaches the target",
                                        borderline.text)
                          : NULL;
    }
}

bool
lab_near_miss(const struct lab_result *out, double factor)
{
    double starter = out->target_faster_than_starter, reference = out->target_within_reference;
    return (starter > 0 && out->vs_starter < starter && out->vs_starter * factor >= starter)
        || (reference > 0 && out->vs_reference > reference
            && out->vs_reference <= reference * factor);
}

const char *
lab_verdict_word(enum lab_verdict verdict)
{
    switch (verdict) {
    case LAB_PASS: return "pass";
    case LAB_TOO_SLOW: return "too slow";
    case LAB_TOO_MUCH_MEMORY: return "too much memory";
    case LAB_WRONG: return "wrong";
    case LAB_CRASHED: return "crashed";
    case LAB_TIMED_OUT: return "timed out";
    case LAB_ERROR: return "error";
    }
    return "?";
}

