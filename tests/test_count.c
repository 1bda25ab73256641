/* test_count.c: how many calls `--count instructions` counts (app/count.c)
 * is decided by a count, never by a time: the same one-call count always
 * gives the same number of calls, a 1-2-5 number within the target. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "count.h"

static void
test_calls_are_a_1_2_5_number_within_the_target(void **state)
{
    (void)state;
    assert_int_equal(count_calls_for(1e9), 1);        /* one call past the target */
    assert_int_equal(count_calls_for(5e7), 1);        /* two would pass it */
    assert_int_equal(count_calls_for(2.5e7), 2);
    assert_int_equal(count_calls_for(2.4e7), 2);      /* 5 would pass it */
    assert_int_equal(count_calls_for(1e7), 5);
    assert_int_equal(count_calls_for(1.6e6), 20);     /* 31 under a time-based choice */
    assert_int_equal(count_calls_for(1e5), 500);
    assert_int_equal(count_calls_for(10), 1000);      /* at most 1000 */
}

static void
test_a_count_a_little_different_keeps_the_number_of_calls(void **state)
{
    (void)state;
    /* queue_popleft's after, counted 1.586 M and 1.613 M per call in two
     * runs whose numbers of calls came from their timings. */
    assert_int_equal(count_calls_for(1.586e6), count_calls_for(1.613e6));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calls_are_a_1_2_5_number_within_the_target),
        cmocka_unit_test(test_a_count_a_little_different_keeps_the_number_of_calls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
