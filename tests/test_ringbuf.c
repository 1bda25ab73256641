/* test_ringbuf.c: unit tests of native/ringbuf.c against a plain array
 * model: growth, wrap-around at both ends, shrinking, the bounded
 * push-and-drop, and out-of-memory through alloc_fail_after (the buffer must
 * be unchanged and still usable). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "alloc.h"
#include "ringbuf.h"

/* Elements are small integers stored as pointers. */
#define ITEM(i) ((void *)(uintptr_t)(i))
#define VALUE(p) ((uintptr_t)(p))

static void
assert_contents(const ringbuf *rb, const uintptr_t *expected, size_t count)
{
    assert_int_equal(ringbuf_count(rb), count);
    for (size_t i = 0; i < count; i++) {
        assert_int_equal(VALUE(ringbuf_get(rb, i)), expected[i]);
    }
}

static void
test_empty_buffer_allocates_nothing_and_pops_fail(void **state)
{
    ringbuf rb;
    void *item = ITEM(99);
    (void)state;

    ringbuf_init(&rb);
    assert_null(rb.items);
    assert_int_equal(ringbuf_count(&rb), 0);
    assert_int_equal(ringbuf_pop_back(&rb, &item), RINGBUF_EMPTY);
    assert_int_equal(ringbuf_pop_front(&rb, &item), RINGBUF_EMPTY);
    assert_int_equal(ringbuf_push_back_drop_front(&rb, ITEM(1), &item), RINGBUF_EMPTY);
    assert_int_equal(ringbuf_push_front_drop_back(&rb, ITEM(1), &item), RINGBUF_EMPTY);
    assert_int_equal(VALUE(item), 99); /* untouched on failure */
    ringbuf_free(&rb);
}

static void
test_push_back_grows_by_doubling_and_keeps_order(void **state)
{
    ringbuf rb;
    uintptr_t expected[1000];
    (void)state;

    ringbuf_init(&rb);
    for (uintptr_t i = 0; i < 1000; i++) {
        assert_int_equal(ringbuf_push_back(&rb, ITEM(i)), RINGBUF_OK);
        expected[i] = i;
        /* a power of two, at least the minimum, never more than twice needed */
        assert_int_equal(rb.capacity & (rb.capacity - 1), 0);
        assert_true(rb.capacity >= RINGBUF_MIN_CAPACITY);
        assert_true(rb.capacity < 2 * (i + 1) || rb.capacity == RINGBUF_MIN_CAPACITY);
    }
    assert_int_equal(rb.capacity, 1024);
    assert_contents(&rb, expected, 1000);
    ringbuf_free(&rb);
}

static void
test_wraps_around_both_ends(void **state)
{
    ringbuf rb;
    void *item;
    (void)state;

    ringbuf_init(&rb);
    /* Fill 8 slots, then rotate so head moves round the array twice. */
    for (uintptr_t i = 0; i < 8; i++) {
        assert_int_equal(ringbuf_push_back(&rb, ITEM(i)), RINGBUF_OK);
    }
    for (uintptr_t i = 8; i < 24; i++) {
        assert_int_equal(ringbuf_pop_front(&rb, &item), RINGBUF_OK);
        assert_int_equal(VALUE(item), i - 8);
        assert_int_equal(ringbuf_push_back(&rb, ITEM(i)), RINGBUF_OK);
        assert_int_equal(rb.capacity, 8); /* never grew while rotating */
    }
    {
        const uintptr_t expected[] = {16, 17, 18, 19, 20, 21, 22, 23};
        assert_contents(&rb, expected, 8);
    }
    /* push_front from head 0 wraps to the last slot */
    ringbuf_free(&rb);
    assert_int_equal(ringbuf_push_front(&rb, ITEM(1)), RINGBUF_OK);
    assert_int_equal(rb.head, rb.capacity - 1);
    assert_int_equal(ringbuf_push_front(&rb, ITEM(0)), RINGBUF_OK);
    assert_int_equal(ringbuf_push_back(&rb, ITEM(2)), RINGBUF_OK);
    {
        const uintptr_t expected[] = {0, 1, 2};
        assert_contents(&rb, expected, 3);
    }
    assert_int_equal(ringbuf_pop_back(&rb, &item), RINGBUF_OK);
    assert_int_equal(VALUE(item), 2);
    assert_int_equal(ringbuf_pop_front(&rb, &item), RINGBUF_OK);
    assert_int_equal(VALUE(item), 0);
    ringbuf_free(&rb);
}

static void
test_growth_while_wrapped_keeps_order(void **state)
{
    ringbuf rb;
    uintptr_t expected[9];
    void *item;
    (void)state;

    ringbuf_init(&rb);
    for (uintptr_t i = 0; i < 8; i++) {
        assert_int_equal(ringbuf_push_back(&rb, ITEM(100 + i)), RINGBUF_OK);
    }
    for (int i = 0; i < 5; i++) { /* head at slot 5: data wraps */
        assert_int_equal(ringbuf_pop_front(&rb, &item), RINGBUF_OK);
        assert_int_equal(ringbuf_push_back(&rb, ITEM(108 + i)), RINGBUF_OK);
    }
    assert_int_equal(rb.head, 5);
    assert_int_equal(ringbuf_push_back(&rb, ITEM(113)), RINGBUF_OK); /* grows */
    assert_int_equal(rb.capacity, 16);
    for (uintptr_t i = 0; i < 9; i++) {
        expected[i] = 105 + i;
    }
    assert_contents(&rb, expected, 9);
    ringbuf_free(&rb);
}

static void
test_shrinks_to_half_when_a_quarter_full(void **state)
{
    ringbuf rb;
    void *item;
    (void)state;

    ringbuf_init(&rb);
    for (uintptr_t i = 0; i < 64; i++) {
        assert_int_equal(ringbuf_push_back(&rb, ITEM(i)), RINGBUF_OK);
    }
    assert_int_equal(rb.capacity, 64);
    for (uintptr_t i = 0; i < 47; i++) { /* 17 left: above a quarter */
        assert_int_equal(ringbuf_pop_front(&rb, &item), RINGBUF_OK);
    }
    assert_int_equal(rb.capacity, 64);
    assert_int_equal(ringbuf_pop_front(&rb, &item), RINGBUF_OK); /* 16 = 64/4 */
    assert_int_equal(rb.capacity, 32);
    assert_int_equal(ringbuf_get(&rb, 0), ITEM(48));
    assert_int_equal(ringbuf_get(&rb, 15), ITEM(63));
    /* Hysteresis: one push and one pop at the new size do not resize. */
    assert_int_equal(ringbuf_push_back(&rb, ITEM(64)), RINGBUF_OK);
    assert_int_equal(ringbuf_pop_back(&rb, &item), RINGBUF_OK);
    assert_int_equal(rb.capacity, 32);
    while (ringbuf_pop_back(&rb, &item) == RINGBUF_OK) {
    }
    assert_int_equal(rb.capacity, RINGBUF_MIN_CAPACITY); /* never below */
    assert_int_equal(VALUE(item), 48);
    ringbuf_free(&rb);
}

static void
test_push_and_drop_keeps_count_and_allocates_nothing(void **state)
{
    ringbuf rb;
    void *dropped;
    (void)state;

    ringbuf_init(&rb);
    for (uintptr_t i = 0; i < 8; i++) { /* exactly full */
        assert_int_equal(ringbuf_push_back(&rb, ITEM(i)), RINGBUF_OK);
    }
    alloc_fail_after(0); /* would fail any allocation */
    for (uintptr_t i = 8; i < 20; i++) {
        assert_int_equal(ringbuf_push_back_drop_front(&rb, ITEM(i), &dropped), RINGBUF_OK);
        assert_int_equal(VALUE(dropped), i - 8);
    }
    {
        const uintptr_t expected[] = {12, 13, 14, 15, 16, 17, 18, 19};
        assert_contents(&rb, expected, 8);
    }
    assert_int_equal(ringbuf_push_front_drop_back(&rb, ITEM(11), &dropped), RINGBUF_OK);
    assert_int_equal(VALUE(dropped), 19);
    {
        const uintptr_t expected[] = {11, 12, 13, 14, 15, 16, 17, 18};
        assert_contents(&rb, expected, 8);
    }
    alloc_fail_after(-1);
    ringbuf_free(&rb);
}

static void
test_failed_growth_leaves_buffer_unchanged_and_usable(void **state)
{
    ringbuf rb;
    const uintptr_t expected[] = {0, 1, 2, 3, 4, 5, 6, 7};
    void **items_before;
    void *item;
    (void)state;

    /* The very first allocation fails: still an empty, valid buffer. */
    ringbuf_init(&rb);
    alloc_fail_after(0);
    assert_int_equal(ringbuf_push_back(&rb, ITEM(1)), RINGBUF_NOMEM);
    assert_int_equal(ringbuf_push_front(&rb, ITEM(1)), RINGBUF_NOMEM);
    assert_null(rb.items);
    assert_int_equal(ringbuf_count(&rb), 0);
    alloc_fail_after(-1);

    for (uintptr_t i = 0; i < 8; i++) {
        assert_int_equal(ringbuf_push_back(&rb, ITEM(i)), RINGBUF_OK);
    }
    items_before = rb.items;
    alloc_fail_after(0);
    assert_int_equal(ringbuf_push_back(&rb, ITEM(8)), RINGBUF_NOMEM);
    assert_int_equal(ringbuf_push_front(&rb, ITEM(8)), RINGBUF_NOMEM);
    assert_int_equal(ringbuf_reserve(&rb, 100), RINGBUF_NOMEM);
    assert_ptr_equal(rb.items, items_before);
    assert_int_equal(rb.capacity, 8);
    assert_contents(&rb, expected, 8);
    /* pops still work while allocation fails (shrinking is best effort) */
    assert_int_equal(ringbuf_pop_back(&rb, &item), RINGBUF_OK);
    assert_int_equal(VALUE(item), 7);
    alloc_fail_after(-1);
    assert_int_equal(ringbuf_push_back(&rb, ITEM(7)), RINGBUF_OK);
    assert_int_equal(ringbuf_push_back(&rb, ITEM(8)), RINGBUF_OK);
    assert_int_equal(rb.capacity, 16);
    assert_int_equal(ringbuf_count(&rb), 9);
    for (size_t i = 0; i < 8; i++) {
        assert_int_equal(VALUE(ringbuf_get(&rb, i)), expected[i]);
    }
    assert_int_equal(ringbuf_get(&rb, 8), ITEM(8));
    ringbuf_free(&rb);
}

static void
test_failed_shrink_keeps_the_big_buffer(void **state)
{
    ringbuf rb;
    void *item;
    (void)state;

    ringbuf_init(&rb);
    for (uintptr_t i = 0; i < 64; i++) {
        assert_int_equal(ringbuf_push_back(&rb, ITEM(i)), RINGBUF_OK);
    }
    alloc_fail_after(0);
    for (uintptr_t i = 0; i < 60; i++) {
        assert_int_equal(ringbuf_pop_front(&rb, &item), RINGBUF_OK);
        assert_int_equal(VALUE(item), i);
    }
    assert_int_equal(rb.capacity, 64);
    alloc_fail_after(-1);
    assert_int_equal(ringbuf_pop_front(&rb, &item), RINGBUF_OK); /* shrinks now */
    assert_int_equal(rb.capacity, 32);
    {
        const uintptr_t expected[] = {61, 62, 63};
        assert_contents(&rb, expected, 3);
    }
    ringbuf_free(&rb);
}

static void
test_reserve_makes_pushes_infallible_and_rejects_overflow(void **state)
{
    ringbuf rb;
    (void)state;

    ringbuf_init(&rb);
    assert_int_equal(ringbuf_reserve(&rb, 100), RINGBUF_OK);
    assert_int_equal(rb.capacity, 128);
    alloc_fail_after(0);
    for (uintptr_t i = 0; i < 100; i++) {
        assert_int_equal(ringbuf_push_front(&rb, ITEM(i)), RINGBUF_OK);
    }
    alloc_fail_after(-1);
    assert_int_equal(ringbuf_get(&rb, 0), ITEM(99));
    assert_int_equal(ringbuf_reserve(&rb, SIZE_MAX), RINGBUF_NOMEM);
    assert_int_equal(ringbuf_reserve(&rb, SIZE_MAX / 4), RINGBUF_NOMEM);
    assert_int_equal(ringbuf_count(&rb), 100);
    ringbuf_free(&rb);
}

/* A long random walk of mixed operations against an array model. */
static void
test_random_operations_match_a_model(void **state)
{
    enum { MODEL_SIZE = 4096 };
    static uintptr_t model[MODEL_SIZE * 2];
    size_t model_front = MODEL_SIZE, model_count = 0;
    uint64_t random_state = 12345;
    uintptr_t next_value = 1;
    ringbuf rb;
    void *item;
    (void)state;

    ringbuf_init(&rb);
    for (int step = 0; step < 200000; step++) {
        random_state = random_state * 6364136223846793005u + 1442695040888963407u;
        unsigned op = (unsigned)(random_state >> 60) % 5;
        int grow_bias = model_count < MODEL_SIZE / 2 && (random_state >> 40) % 3 != 0;
        if ((op <= 1 || grow_bias) && model_count + 1 < MODEL_SIZE && model_front > 0
            && model_front + model_count < 2 * MODEL_SIZE) {
            if (op % 2 == 0) {
                assert_int_equal(ringbuf_push_back(&rb, ITEM(next_value)), RINGBUF_OK);
                model[model_front + model_count] = next_value;
            }
            else {
                assert_int_equal(ringbuf_push_front(&rb, ITEM(next_value)), RINGBUF_OK);
                model[--model_front] = next_value;
            }
            model_count++;
            next_value++;
        }
        else if (op == 2 || op == 4) {
            if (model_count == 0) {
                assert_int_equal(ringbuf_pop_front(&rb, &item), RINGBUF_EMPTY);
            }
            else {
                assert_int_equal(ringbuf_pop_front(&rb, &item), RINGBUF_OK);
                assert_int_equal(VALUE(item), model[model_front++]);
                model_count--;
            }
        }
        else {
            if (model_count == 0) {
                assert_int_equal(ringbuf_pop_back(&rb, &item), RINGBUF_EMPTY);
            }
            else {
                assert_int_equal(ringbuf_pop_back(&rb, &item), RINGBUF_OK);
                assert_int_equal(VALUE(item), model[model_front + model_count - 1]);
                model_count--;
            }
        }
        if (model_count == 0) { /* recentre the model */
            model_front = MODEL_SIZE;
        }
        assert_true(rb.count <= rb.capacity);
    }
    assert_contents(&rb, model + model_front, model_count);
    ringbuf_free(&rb);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_buffer_allocates_nothing_and_pops_fail),
        cmocka_unit_test(test_push_back_grows_by_doubling_and_keeps_order),
        cmocka_unit_test(test_wraps_around_both_ends),
        cmocka_unit_test(test_growth_while_wrapped_keeps_order),
        cmocka_unit_test(test_shrinks_to_half_when_a_quarter_full),
        cmocka_unit_test(test_push_and_drop_keeps_count_and_allocates_nothing),
        cmocka_unit_test(test_failed_growth_leaves_buffer_unchanged_and_usable),
        cmocka_unit_test(test_failed_shrink_keeps_the_big_buffer),
        cmocka_unit_test(test_reserve_makes_pushes_infallible_and_rejects_overflow),
        cmocka_unit_test(test_random_operations_match_a_model),
    };
    return cmocka_run_group_tests_name("ringbuf", tests, NULL, NULL);
}
