/* test_densecount.c: unit tests of native/densecount.c: min and max of
 * contiguous, strided and reversed keys; which ranges fit (the int64
 * extremes without overflow, both caps); counting a strided array against a
 * naive loop, in first-seen order; out of memory leaving an empty count. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "alloc.h"
#include "densecount.h"

static void
test_range_any_stride(void **state)
{
    int64_t keys[] = {5, -3, INT64_MAX, 7, INT64_MIN, 0, 2};
    int64_t low = 0, high = 0;
    (void)state;

    densecount_range(keys, sizeof keys[0], 1, &low, &high);
    assert_true(low == 5 && high == 5);
    densecount_range(keys, sizeof keys[0], 2, &low, &high);
    assert_true(low == -3 && high == 5);
    densecount_range(keys, sizeof keys[0], 7, &low, &high);
    assert_true(low == INT64_MIN && high == INT64_MAX);
    /* Every second key: 5, INT64_MAX, INT64_MIN, 2. */
    densecount_range(keys, 2 * sizeof keys[0], 4, &low, &high);
    assert_true(low == INT64_MIN && high == INT64_MAX);
    /* Every third key: 5, 7, 2. */
    densecount_range(keys, 3 * sizeof keys[0], 3, &low, &high);
    assert_true(low == 2 && high == 7);
    /* Backwards from the end: 2, 0, INT64_MIN. */
    densecount_range(&keys[6], -(ptrdiff_t)sizeof keys[0], 3, &low, &high);
    assert_true(low == INT64_MIN && high == 2);
}

static void
test_fits(void **state)
{
    (void)state;
    assert_true(densecount_fits(0, 999, 1000));
    assert_true(densecount_fits(-5, -5, 1));
    assert_false(densecount_fits(0, 0, 0));                 /* nothing to count */
    /* Width up to twice the keys counted. */
    assert_true(densecount_fits(0, 19, 10));
    assert_false(densecount_fits(0, 20, 10));
    /* The absolute cap, however many keys. */
    assert_true(densecount_fits(0, (int64_t)DENSECOUNT_MAX_SPAN - 1, 100000000));
    assert_false(densecount_fits(0, (int64_t)DENSECOUNT_MAX_SPAN, 100000000));
    assert_true(densecount_fits(INT64_MAX - 3, INT64_MAX, 10));
    assert_true(densecount_fits(INT64_MIN, INT64_MIN + 3, 10));
    /* high - low overflows int64 here; in uint64 it is 2^64 - 1. */
    assert_false(densecount_fits(INT64_MIN, INT64_MAX, 10));
    assert_false(densecount_fits(-1, INT64_MAX, 10));
    /* uint32 counts: more keys than that go to the hash map. */
    assert_false(densecount_fits(0, 10, (size_t)UINT32_MAX + 1));
}

/* Counting a strided array gives the same tallies as a naive loop, keys in
 * the order they were first seen (what a dict built by a loop shows). */
static void
test_count_keys_strided_first_seen_order(void **state)
{
    enum { N = 50000, DISTINCT = 997, LOW = -500 };
    struct row { int64_t value; double other; } *rows = malloc(N * sizeof *rows);
    int64_t *expected = calloc(DISTINCT, sizeof *expected);
    bool *reported = calloc(DISTINCT, sizeof *reported);
    densecount counter;
    int64_t low = 0, high = 0, key;
    uint32_t count;
    (void)state;

    assert_non_null(rows);
    assert_non_null(expected);
    assert_non_null(reported);
    for (size_t i = 0; i < N; i++) {
        size_t bucket = (i * 7919 + i / 3) % DISTINCT;
        rows[i].value = LOW + (int64_t)bucket;
        rows[i].other = 0.5;
        expected[bucket]++;
    }
    densecount_range(&rows[0].value, sizeof rows[0], N, &low, &high);
    assert_true(low == LOW && high == LOW + DISTINCT - 1);
    assert_true(densecount_fits(low, high, N));
    densecount_init(&counter);
    assert_int_equal(densecount_count_keys(&counter, &rows[0].value, sizeof rows[0], N,
                                           low, high), DENSECOUNT_OK);
    assert_int_equal(counter.distinct, DISTINCT);
    /* First-seen order: each key's first row comes after the previous
     * key's first row; every key once, with its count. */
    size_t previous_first_row = 0;
    for (size_t i = 0; i < counter.distinct; i++) {
        densecount_entry(&counter, i, &key, &count);
        size_t bucket = (size_t)(key - LOW), first_row = 0;
        assert_true(bucket < DISTINCT);
        assert_false(reported[bucket]);
        reported[bucket] = true;
        assert_int_equal(count, expected[bucket]);
        while (rows[first_row].value != key) {
            first_row++;
        }
        assert_true(i == 0 ? first_row == 0 : first_row > previous_first_row);
        previous_first_row = first_row;
    }
    densecount_destroy(&counter);
    assert_null(counter.counts);
    assert_int_equal(counter.distinct, 0);
    free(rows);
    free(expected);
    free(reported);
}

static void
test_count_keys_at_the_int64_extremes(void **state)
{
    int64_t keys[] = {INT64_MAX, INT64_MAX - 2, INT64_MAX, INT64_MAX};
    int64_t negative[] = {INT64_MIN + 1, INT64_MIN, INT64_MIN};
    densecount counter;
    int64_t key;
    uint32_t count;
    (void)state;

    densecount_init(&counter);
    assert_int_equal(densecount_count_keys(&counter, keys, sizeof keys[0], 4,
                                           INT64_MAX - 2, INT64_MAX), DENSECOUNT_OK);
    assert_int_equal(counter.span, 3);
    assert_int_equal(counter.distinct, 2);
    densecount_entry(&counter, 0, &key, &count);
    assert_true(key == INT64_MAX && count == 3);
    densecount_entry(&counter, 1, &key, &count);
    assert_true(key == INT64_MAX - 2 && count == 1);
    densecount_destroy(&counter);

    assert_int_equal(densecount_count_keys(&counter, negative, sizeof negative[0], 3,
                                           INT64_MIN, INT64_MIN + 1), DENSECOUNT_OK);
    assert_int_equal(counter.distinct, 2);
    densecount_entry(&counter, 1, &key, &count);
    assert_true(key == INT64_MIN && count == 2);
    densecount_destroy(&counter);
}

static void
test_out_of_memory_leaves_an_empty_count(void **state)
{
    int64_t keys[] = {3, 1, 3, 2};
    densecount counter;
    (void)state;

    for (long k = 0; k < 2; k++) {
        densecount_init(&counter);
        alloc_fail_after(k);
        assert_int_equal(densecount_count_keys(&counter, keys, sizeof keys[0], 4, 1, 3),
                         DENSECOUNT_NOMEM);
        alloc_fail_after(-1);
        assert_null(counter.counts);
        assert_null(counter.first_seen);
        assert_int_equal(counter.distinct, 0);
        /* Still usable after the failure. */
        assert_int_equal(densecount_count_keys(&counter, keys, sizeof keys[0], 4, 1, 3),
                         DENSECOUNT_OK);
        assert_int_equal(counter.distinct, 3);
        densecount_destroy(&counter);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_range_any_stride),
        cmocka_unit_test(test_fits),
        cmocka_unit_test(test_count_keys_strided_first_seen_order),
        cmocka_unit_test(test_count_keys_at_the_int64_extremes),
        cmocka_unit_test(test_out_of_memory_leaves_an_empty_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
