/* test_count.c: timeit's 1-2-5 sequence (app/measure/loops.c), and how many calls
 * `--count instructions` counts (app/measure/count.c)
 * is decided by a count, never by a time: the same one-call count always
 * gives the same number of calls, a 1-2-5 number within the target. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "count.h"
#include "loops.h"

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

static void
test_the_1_2_5_sequence(void **state)
{
    (void)state;
    long expected[] = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};
    long loops = 1;
    for (size_t i = 1; i < sizeof expected / sizeof expected[0]; i++) {
        loops = loops_next(loops);
        assert_int_equal(loops, expected[i]);
    }
    assert_int_equal(loops_at_least(0), 1);
    assert_int_equal(loops_at_least(3), 5);
    assert_int_equal(loops_at_least(20), 20);
    assert_int_equal(loops_at_least(1e300), LOOPS_MAX);
    assert_int_equal(loops_at_most(0.5), 1);
    assert_int_equal(loops_at_most(4.9), 2);
    assert_int_equal(loops_at_most(50), 50);
    assert_int_equal(loops_at_most(1e300), LOOPS_MAX);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_1_2_5_sequence),
        cmocka_unit_test(test_calls_are_a_1_2_5_number_within_the_target),
        cmocka_unit_test(test_a_count_a_little_different_keeps_the_number_of_calls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
