/* test_intmap.c: unit tests of native/intmap.c: put/get/increment/remove,
 * counting a strided array in first-seen order, overflow refusal, removal
 * during iteration, and out-of-memory at every allocation leaving the map
 * unchanged and usable. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "alloc.h"
#include "intmap.h"

static int64_t
key_of(size_t i)
{
    return (int64_t)((uint64_t)i * UINT64_C(0x9E3779B97F4A7C15));
}

static void
test_put_get_remove(void **state)
{
    intmap map;
    int64_t value = -7;
    (void)state;

    intmap_init(&map);
    assert_false(intmap_get(&map, 1, &value));
    assert_int_equal(value, -7);            /* untouched when absent */
    assert_int_equal(intmap_put(&map, 1, 10), INTMAP_OK);
    assert_int_equal(intmap_put(&map, INT64_MIN, INT64_MAX), INTMAP_OK);
    assert_int_equal(intmap_put(&map, 1, 11), INTMAP_OK);   /* replace */
    assert_int_equal(intmap_len(&map), 2);
    assert_true(intmap_get(&map, 1, &value));
    assert_int_equal(value, 11);
    assert_true(intmap_get(&map, INT64_MIN, &value));
    assert_true(value == INT64_MAX);
    assert_true(intmap_remove(&map, 1));
    assert_false(intmap_remove(&map, 1));
    assert_false(intmap_get(&map, 1, &value));
    assert_int_equal(intmap_len(&map), 1);
    intmap_destroy(&map);
    assert_int_equal(intmap_len(&map), 0);
    assert_int_equal(intmap_memory_bytes(&map), 0);
}

static void
test_increment_and_overflow(void **state)
{
    intmap map;
    int64_t value = 0;
    (void)state;

    intmap_init(&map);
    assert_int_equal(intmap_increment(&map, 5, 3), INTMAP_OK);
    assert_int_equal(intmap_increment(&map, 5, -10), INTMAP_OK);
    assert_true(intmap_get(&map, 5, &value));
    assert_int_equal(value, -7);
    assert_int_equal(intmap_put(&map, 6, INT64_MAX - 1), INTMAP_OK);
    assert_int_equal(intmap_increment(&map, 6, 1), INTMAP_OK);
    assert_int_equal(intmap_increment(&map, 6, 1), INTMAP_OVERFLOW);
    assert_true(intmap_get(&map, 6, &value));
    assert_true(value == INT64_MAX);        /* unchanged by the refusal */
    assert_int_equal(intmap_increment(&map, 7, INT64_MIN), INTMAP_OK);
    assert_int_equal(intmap_increment(&map, 7, -1), INTMAP_OVERFLOW);
    assert_int_equal(intmap_len(&map), 3);
    intmap_destroy(&map);
}

/* Counting a strided array gives the same tallies as a naive loop, keys in
 * the order they were first seen (what a dict built by a loop shows). */
static void
test_count_keys_strided_first_seen_order(void **state)
{
    enum { N = 50000, DISTINCT = 997 };
    struct row { int64_t value; double other; } *rows = malloc(N * sizeof *rows);
    int64_t *expected = calloc(DISTINCT, sizeof *expected);
    intmap map;
    intmap_iter iter;
    int64_t key, value;
    size_t counted = 0, seen = 0;
    (void)state;

    assert_non_null(rows);
    assert_non_null(expected);
    for (size_t i = 0; i < N; i++) {
        size_t bucket = (i * 7919 + i / 3) % DISTINCT;
        rows[i].value = key_of(bucket);
        rows[i].other = 0.5;
        expected[bucket]++;
    }
    intmap_init(&map);
    assert_int_equal(intmap_count_keys(&map, &rows[0].value, sizeof rows[0], N, &counted),
                     INTMAP_OK);
    assert_int_equal(counted, N);
    assert_int_equal(intmap_len(&map), DISTINCT);
    for (size_t b = 0; b < DISTINCT; b++) {
        assert_true(intmap_get(&map, key_of(b), &value));
        assert_int_equal(value, expected[b]);
    }
    /* First-seen order: rows[0].value first, and never a repeat. */
    intmap_iter_init(&map, &iter);
    assert_true(intmap_iter_next(&iter, &key, &value));
    assert_true(key == rows[0].value);
    seen = 1;
    while (intmap_iter_next(&iter, &key, &value)) {
        seen++;
    }
    assert_int_equal(seen, DISTINCT);
    intmap_destroy(&map);
    free(rows);
    free(expected);
}

static void
test_remove_during_iteration(void **state)
{
    enum { N = 2000 };
    intmap map;
    intmap_iter iter;
    int64_t key, value;
    (void)state;

    intmap_init(&map);
    for (size_t i = 0; i < N; i++) {
        intmap_put(&map, key_of(i), (int64_t)i);
    }
    intmap_iter_init(&map, &iter);
    while (intmap_iter_next(&iter, &key, &value)) {
        if (value % 2 == 0) {
            assert_true(intmap_remove(&map, key));
        }
    }
    assert_int_equal(intmap_len(&map), N / 2);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(intmap_get(&map, key_of(i), &value), i % 2 == 1);
    }
    intmap_destroy(&map);
}

static void
test_out_of_memory_rolls_back(void **state)
{
    enum { N = 3000 };
    bool finished = false;
    (void)state;

    for (long k = 0; !finished; k++) {
        intmap map;
        size_t counted = 0;
        int64_t value;
        int64_t keys[N];
        intmap_status status;

        assert_true(k < 1000);
        for (size_t i = 0; i < N; i++) {
            keys[i] = key_of(i);
        }
        intmap_init(&map);
        alloc_fail_after(k);
        status = intmap_count_keys(&map, keys, sizeof keys[0], N, &counted);
        alloc_fail_after(-1);
        finished = status == INTMAP_OK;
        if (!finished) {
            assert_int_equal(status, INTMAP_NOMEM);
            assert_true(counted < N);
        }
        assert_int_equal(intmap_len(&map), counted);
        for (size_t i = 0; i < counted; i++) {
            assert_true(intmap_get(&map, keys[i], &value));
            assert_int_equal(value, 1);
        }
        assert_false(counted < N && intmap_get(&map, keys[counted], &value));
        /* Still usable after the failure. */
        assert_int_equal(intmap_count_keys(&map, keys, sizeof keys[0], N, NULL), INTMAP_OK);
        assert_int_equal(intmap_len(&map), N);
        assert_true(intmap_get(&map, keys[0], &value));
        assert_int_equal(value, counted > 0 ? 2 : 1);
        intmap_destroy(&map);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get_remove),
        cmocka_unit_test(test_increment_and_overflow),
        cmocka_unit_test(test_count_keys_strided_first_seen_order),
        cmocka_unit_test(test_remove_during_iteration),
        cmocka_unit_test(test_out_of_memory_rolls_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
