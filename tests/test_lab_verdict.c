/* test_lab_verdict.c: the verdict rules of `optdemo lab check`
 * (app/lab/lab_verdict.c) on made-up measurements: a target counts as missed
 * only when its whole 95% CI misses it, memory is judged as measured, and a
 * near miss is one a second timing could overturn. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lab.h"

/* A correct solution to a lab with print_queue's targets (4x the starter,
 * at most 2x the reference's time, growth at most n^1.7), comfortably
 * meeting all three. */
static struct lab_result
fast_solution(void)
{
    struct lab_result r;
    memset(&r, 0, sizeof r);
    r.timed = true;
    r.target_faster_than_starter = 4.0;
    r.target_within_reference = 2.0;
    r.vs_starter = 9.0, r.vs_starter_low = 8.5, r.vs_starter_high = 9.5;
    r.vs_reference = 1.1, r.vs_reference_low = 1.0, r.vs_reference_high = 1.2;
    r.max_growth = 1.7;
    r.has_growth = true;
    r.growth_solution = 1.1, r.growth_solution_low = 1.0, r.growth_solution_high = 1.2;
    r.growth_reference = 1.05;
    return r;
}

static void
judged(struct lab_result *r)
{
    r->detail = NULL;
    lab_judge_speed(r);
}

static void
test_every_target_met_passes_without_detail(void **state)
{
    (void)state;
    struct lab_result r = fast_solution();
    judged(&r);
    assert_int_equal(r.verdict, LAB_PASS);
    assert_null(r.detail);
}

static void
test_a_point_estimate_that_misses_but_a_ci_that_reaches_is_borderline(void **state)
{
    (void)state;
    struct lab_result r = fast_solution();
    r.vs_starter = 3.8, r.vs_starter_low = 3.5, r.vs_starter_high = 4.2;
    judged(&r);
    assert_int_equal(r.verdict, LAB_PASS);
    assert_non_null(r.detail);
    assert_non_null(strstr(r.detail, "borderline"));
    assert_non_null(strstr(r.detail, "target 4x"));
    free(r.detail);
}

static void
test_a_ci_wholly_below_the_target_is_too_slow(void **state)
{
    (void)state;
    struct lab_result r = fast_solution();
    r.vs_starter = 3.51, r.vs_starter_low = 3.35, r.vs_starter_high = 3.82;
    judged(&r);
    assert_int_equal(r.verdict, LAB_TOO_SLOW);
    assert_non_null(strstr(r.detail, "3.51x as fast as the starter [3.35, 3.82], target 4x"));
    free(r.detail);

    r = fast_solution();
    r.vs_reference = 2.6, r.vs_reference_low = 2.3, r.vs_reference_high = 2.9;
    judged(&r);
    assert_int_equal(r.verdict, LAB_TOO_SLOW);
    assert_non_null(strstr(r.detail, "target at most 2x"));
    free(r.detail);
}

static void
test_growth_past_the_limit_is_too_slow_even_when_fast_at_one_size(void **state)
{
    (void)state;
    struct lab_result r = fast_solution();
    r.growth_solution = 1.95, r.growth_solution_low = 1.8, r.growth_solution_high = 2.1;
    judged(&r);
    assert_int_equal(r.verdict, LAB_TOO_SLOW);
    assert_non_null(strstr(r.detail, "n^1.95"));
    free(r.detail);
}

static void
test_memory_is_judged_as_measured_and_named_when_alone(void **state)
{
    (void)state;
    struct lab_result r = fast_solution();
    r.has_memory = true;
    r.target_memory_vs_starter = 0.6;
    r.memory_starter = 1000.0;
    r.memory_solution = 601.0;     /* one byte per thousand over: no CI to hide in */
    judged(&r);
    assert_int_equal(r.verdict, LAB_TOO_MUCH_MEMORY);
    assert_non_null(strstr(r.detail, "peak memory"));
    free(r.detail);

    r.memory_solution = 600.0;
    judged(&r);
    assert_int_equal(r.verdict, LAB_PASS);

    /* Slow and too big: memory, which no load changes, decides; both are
     * named. */
    r.memory_solution = 900.0;
    r.vs_starter = 1.0, r.vs_starter_low = 0.9, r.vs_starter_high = 1.1;
    judged(&r);
    assert_int_equal(r.verdict, LAB_TOO_MUCH_MEMORY);
    assert_non_null(strstr(r.detail, "as fast as the starter"));
    assert_non_null(strstr(r.detail, "peak memory"));
    free(r.detail);
}

static void
test_a_near_miss_is_a_speed_target_missed_by_less_than_the_factor(void **state)
{
    (void)state;
    struct lab_result r = fast_solution();
    assert_false(lab_near_miss(&r, 1.5));          /* nothing missed */

    r.vs_starter = 3.51;                      /* 4x target: 1.14x short */
    assert_true(lab_near_miss(&r, 1.5));
    r.vs_starter = 2.7;                       /* 1.48x short */
    assert_true(lab_near_miss(&r, 1.5));
    r.vs_starter = 1.0;                       /* the starter itself: 4x short */
    assert_false(lab_near_miss(&r, 1.5));

    r.vs_starter = 3.99;                      /* a factor of 1: never */
    assert_false(lab_near_miss(&r, 1.0));
    r.vs_starter = 1.0;                       /* a large factor: every miss */
    assert_true(lab_near_miss(&r, 1000.0));

    r = fast_solution();
    r.vs_reference = 2.9;                     /* 2x target: 1.45x over */
    assert_true(lab_near_miss(&r, 1.5));
    r.vs_reference = 3.5;                     /* 1.75x over */
    assert_false(lab_near_miss(&r, 1.5));

    /* No speed targets: nothing to retime for. */
    r.target_faster_than_starter = 0.0;
    r.target_within_reference = 0.0;
    r.vs_starter = 0.1, r.vs_reference = 50.0;
    assert_false(lab_near_miss(&r, 1.5));
}

static void
test_every_verdict_has_a_word(void **state)
{
    (void)state;
    assert_string_equal(lab_verdict_word(LAB_PASS), "pass");
    assert_string_equal(lab_verdict_word(LAB_TOO_SLOW), "too slow");
    assert_string_equal(lab_verdict_word(LAB_TOO_MUCH_MEMORY), "too much memory");
    assert_string_equal(lab_verdict_word(LAB_WRONG), "wrong");
    assert_string_equal(lab_verdict_word(LAB_CRASHED), "crashed");
    assert_string_equal(lab_verdict_word(LAB_TIMED_OUT), "timed out");
    assert_string_equal(lab_verdict_word(LAB_ERROR), "error");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_target_met_passes_without_detail),
        cmocka_unit_test(test_a_point_estimate_that_misses_but_a_ci_that_reaches_is_borderline),
        cmocka_unit_test(test_a_ci_wholly_below_the_target_is_too_slow),
        cmocka_unit_test(test_growth_past_the_limit_is_too_slow_even_when_fast_at_one_size),
        cmocka_unit_test(test_memory_is_judged_as_measured_and_named_when_alone),
        cmocka_unit_test(test_a_near_miss_is_a_speed_target_missed_by_less_than_the_factor),
        cmocka_unit_test(test_every_verdict_has_a_word),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
