/* test_intset.c: unit tests of native/intset.c: set semantics against a
 * simple oracle, growth through many bucket expansions, discard during
 * iteration, the strided batch count, and out-of-memory at every allocation
 * (alloc_fail_after) leaving the set unchanged and usable. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "alloc.h"
#include "intset.h"

/* Spread keys over the whole int64 range, negative ones included. */
static int64_t
key_of(size_t i)
{
    return (int64_t)((uint64_t)i * UINT64_C(0x9E3779B97F4A7C15));
}

static void
test_empty_set(void **state)
{
    intset set;
    intset_iter iter;
    int64_t key;
    int64_t needles[3] = {0, 1, -1};
    (void)state;

    intset_init(&set);
    assert_int_equal(intset_len(&set), 0);
    assert_false(intset_contains(&set, 0));
    assert_int_equal(intset_discard(&set, 0), INTSET_UNCHANGED);
    intset_iter_init(&set, &iter);
    assert_false(intset_iter_next(&iter, &key));
    assert_int_equal(intset_count_contained(&set, needles, sizeof needles[0], 3), 0);
    assert_int_equal(intset_memory_bytes(&set), 0);
    intset_destroy(&set);
}

static void
test_add_contains_discard(void **state)
{
    intset set;
    const int64_t keys[] = {0, 1, -1, INT64_MIN, INT64_MAX, 42};
    (void)state;

    intset_init(&set);
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(intset_add(&set, keys[i]), INTSET_OK);
        assert_int_equal(intset_add(&set, keys[i]), INTSET_UNCHANGED);
    }
    assert_int_equal(intset_len(&set), 6);
    for (size_t i = 0; i < 6; i++) {
        assert_true(intset_contains(&set, keys[i]));
    }
    assert_false(intset_contains(&set, 2));
    assert_false(intset_contains(&set, INT64_MIN + 1));
    assert_int_equal(intset_discard(&set, INT64_MIN), INTSET_OK);
    assert_int_equal(intset_discard(&set, INT64_MIN), INTSET_UNCHANGED);
    assert_false(intset_contains(&set, INT64_MIN));
    assert_int_equal(intset_len(&set), 5);
    /* Empty it completely (uthash frees its table), then reuse it. */
    for (size_t i = 0; i < 6; i++) {
        intset_discard(&set, keys[i]);
    }
    assert_int_equal(intset_len(&set), 0);
    assert_null(set.head);
    assert_int_equal(intset_add(&set, 7), INTSET_OK);
    assert_true(intset_contains(&set, 7));
    intset_destroy(&set);
    assert_int_equal(intset_len(&set), 0);
}

static void
test_growth_and_iteration_order(void **state)
{
    enum { N = 100000 };
    intset set;
    intset_iter iter;
    int64_t key;
    size_t seen = 0;
    (void)state;

    intset_init(&set);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(intset_add(&set, key_of(i)), INTSET_OK);
    }
    assert_int_equal(intset_len(&set), N);
    for (size_t i = 0; i < N; i++) {
        assert_true(intset_contains(&set, key_of(i)));
        assert_false(intset_contains(&set, key_of(i) + 1));
    }
    intset_iter_init(&set, &iter);
    while (intset_iter_next(&iter, &key)) {
        assert_true(key == key_of(seen));   /* insertion order */
        seen++;
    }
    assert_int_equal(seen, N);
    /* At least the 64-byte entries; far less than a malloc per entry would
     * suggest (checked loosely: the figure is reported, not asserted). */
    assert_true(intset_memory_bytes(&set) >= (size_t)N * 64);
    assert_true(intset_memory_bytes(&set) < (size_t)N * 100);
    intset_destroy(&set);
}

/* The bloom filter and buckets grow with the set: a small set stays small
 * (uthash's fixed-size filter would cost 512 KiB for one key). */
static void
test_small_sets_stay_small(void **state)
{
    intset set;
    (void)state;

    intset_init(&set);
    for (size_t i = 0; i < 10; i++) {
        intset_add(&set, key_of(i));
    }
    assert_true(intset_memory_bytes(&set) < 4096);
    for (size_t i = 10; i < 50000; i++) {
        intset_add(&set, key_of(i));
    }
    /* Rebuilt filters still know every key. */
    for (size_t i = 0; i < 50000; i++) {
        assert_true(intset_contains(&set, key_of(i)));
    }
    intset_destroy(&set);
}

/* A reservation sizes the table once; the set behaves the same, and an
 * out-of-memory during the reservation only costs speed. */
static void
test_reserve(void **state)
{
    enum { N = 20000 };
    intset reserved, grown;
    (void)state;

    intset_init(&reserved);
    intset_init(&grown);
    intset_reserve(&reserved, N);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(intset_add(&reserved, key_of(i)), INTSET_OK);
        intset_add(&grown, key_of(i));
    }
    /* Same buckets and filter in the end, reached without doubling. */
    assert_int_equal(intset_memory_bytes(&reserved), intset_memory_bytes(&grown));
    for (size_t i = 0; i < N; i++) {
        assert_true(intset_contains(&reserved, key_of(i)));
        assert_false(intset_contains(&reserved, key_of(i) + 1));
    }
    intset_destroy(&reserved);
    intset_destroy(&grown);

    /* Reserving on a non-empty set, with every allocation failing. */
    intset_init(&reserved);
    intset_add(&reserved, 1);
    alloc_fail_after(0);
    intset_reserve(&reserved, 1000000);
    alloc_fail_after(-1);
    assert_true(intset_contains(&reserved, 1));
    for (size_t i = 0; i < N; i++) {
        assert_int_not_equal(intset_add(&reserved, key_of(i)), INTSET_NOMEM);
    }
    assert_true(intset_contains(&reserved, key_of(N - 1)));
    intset_destroy(&reserved);
}

static void
test_discard_reuses_entries(void **state)
{
    enum { N = 5000 };
    intset set;
    size_t bytes;
    (void)state;

    intset_init(&set);
    for (size_t i = 0; i < N; i++) {
        intset_add(&set, key_of(i));
    }
    for (size_t i = 0; i < N; i += 2) {
        assert_int_equal(intset_discard(&set, key_of(i)), INTSET_OK);
    }
    assert_int_equal(intset_len(&set), N / 2);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(intset_contains(&set, key_of(i)), i % 2 == 1);
    }
    bytes = intset_memory_bytes(&set);
    for (size_t i = 0; i < N; i += 2) {
        intset_add(&set, key_of(i) ^ 1);
    }
    /* The released entries were reused: no new entry block. */
    assert_int_equal(intset_memory_bytes(&set), bytes);
    assert_int_equal(intset_len(&set), N);
    intset_destroy(&set);
}

static void
test_discard_during_iteration(void **state)
{
    enum { N = 3000 };
    intset set;
    intset_iter iter;
    int64_t key;
    size_t visited = 0;
    (void)state;

    intset_init(&set);
    for (size_t i = 0; i < N; i++) {
        intset_add(&set, key_of(i));
    }
    intset_iter_init(&set, &iter);
    while (intset_iter_next(&iter, &key)) {
        /* Discarding the key just returned is allowed. */
        if (visited % 3 != 0) {
            assert_int_equal(intset_discard(&set, key), INTSET_OK);
        }
        visited++;
    }
    assert_int_equal(visited, N);
    assert_int_equal(intset_len(&set), N / 3);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(intset_contains(&set, key_of(i)), i % 3 == 0);
    }
    intset_destroy(&set);
}

/* The batch count must agree with a contains loop for every stride and for
 * counts around the prefetch batch size. */
static void
test_count_contained_strided(void **state)
{
    enum { KEYS = 20000, NEEDLES = 1000 };
    struct pair { int64_t needle; int64_t padding; } *pairs;
    intset set;
    const size_t counts[] = {0, 1, 255, 256, 257, 511, 513, NEEDLES};
    (void)state;

    pairs = malloc(NEEDLES * sizeof *pairs);
    assert_non_null(pairs);
    intset_init(&set);
    for (size_t i = 0; i < KEYS; i++) {
        intset_add(&set, key_of(2 * i));
    }
    for (size_t i = 0; i < NEEDLES; i++) {
        pairs[i].needle = key_of(i * 7);    /* about half present */
        pairs[i].padding = key_of(2);       /* present: must not be read */
    }
    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
        size_t count = counts[c], expected = 0, reversed = 0;
        for (size_t i = 0; i < count; i++) {
            expected += intset_contains(&set, pairs[i].needle);
        }
        assert_int_equal(intset_count_contained(&set, &pairs[0].needle,
                                                sizeof pairs[0], count), expected);
        /* A negative stride walks the same needles backwards. */
        if (count > 0) {
            reversed = intset_count_contained(&set, &pairs[count - 1].needle,
                                              -(ptrdiff_t)sizeof pairs[0], count);
        }
        assert_int_equal(reversed, expected);
    }
    intset_destroy(&set);
    free(pairs);
}

/* Fail the k-th allocation for every k until a whole run succeeds: the
 * insert that fails returns INTSET_NOMEM and leaves exactly the keys added
 * before it; the set then works normally. */
static void
test_out_of_memory_rolls_back(void **state)
{
    enum { N = 3000 };
    bool finished = false;
    (void)state;

    for (long k = 0; !finished; k++) {
        intset set;
        size_t added = 0;
        intset_status status = INTSET_OK;
        intset_iter iter;
        int64_t key;

        assert_true(k < 1000);
        intset_init(&set);
        alloc_fail_after(k);
        for (; added < N; added++) {
            status = intset_add(&set, key_of(added));
            if (status != INTSET_OK) {
                break;
            }
        }
        alloc_fail_after(-1);
        finished = added == N;
        if (!finished) {
            assert_int_equal(status, INTSET_NOMEM);
        }
        assert_int_equal(intset_len(&set), added);
        assert_false(intset_contains(&set, key_of(added)));
        for (size_t i = 0; i < added; i++) {
            assert_true(intset_contains(&set, key_of(i)));
        }
        intset_iter_init(&set, &iter);
        for (size_t i = 0; i < added; i++) {
            assert_true(intset_iter_next(&iter, &key));
            assert_true(key == key_of(i));
        }
        assert_false(intset_iter_next(&iter, &key));
        /* Still usable: the failed insert now succeeds, and more after it. */
        for (size_t i = added; i < N; i++) {
            assert_int_equal(intset_add(&set, key_of(i)), INTSET_OK);
        }
        assert_int_equal(intset_len(&set), N);
        intset_destroy(&set);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_set),
        cmocka_unit_test(test_add_contains_discard),
        cmocka_unit_test(test_growth_and_iteration_order),
        cmocka_unit_test(test_small_sets_stay_small),
        cmocka_unit_test(test_reserve),
        cmocka_unit_test(test_discard_reuses_entries),
        cmocka_unit_test(test_discard_during_iteration),
        cmocka_unit_test(test_count_contained_strided),
        cmocka_unit_test(test_out_of_memory_rolls_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
