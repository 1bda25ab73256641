/* test_memo.c: unit tests of native/memo.c: lookup and insert with hash
 * collisions, LRU eviction order, errors from the equality callback,
 * callbacks that re-enter the table (clear during a comparison, insert from a
 * release), and out-of-memory through alloc_fail_after. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "alloc.h"
#include "memo.h"

#define PTR(i) ((void *)(uintptr_t)(i))
#define VALUE(p) ((uintptr_t)(p))

/* What the callbacks do and saw, reset for each test. */
typedef struct {
    int equal_calls;
    uintptr_t fail_on_key;        /* equal() returns -1 when comparing this key */
    uintptr_t clear_on_key;       /* equal() clears the table when comparing this key */
    int released;
    uintptr_t released_keys[64];
    uintptr_t released_values[64];
    uintptr_t insert_on_release;  /* release() inserts this key (once) */
    memo_table *table;
} fixture;

static int
equal(void *context, const void *stored_key, const void *probe_key)
{
    fixture *fx = context;

    fx->equal_calls++;
    if (fx->fail_on_key != 0 && VALUE(stored_key) == fx->fail_on_key) {
        return -1;
    }
    if (fx->clear_on_key != 0 && VALUE(stored_key) == fx->clear_on_key) {
        fx->clear_on_key = 0;
        memo_clear(fx->table);
    }
    return stored_key == probe_key;
}

static void
release(void *context, void *key, void *value)
{
    fixture *fx = context;

    if (fx->released < 64) {
        fx->released_keys[fx->released] = VALUE(key);
        fx->released_values[fx->released] = VALUE(value);
    }
    fx->released++;
    if (fx->insert_on_release != 0) {
        uintptr_t key_to_insert = fx->insert_on_release;
        fx->insert_on_release = 0;
        assert_int_equal(memo_insert(fx->table, 7, PTR(key_to_insert), PTR(1)), MEMO_OK);
    }
}

static int
setup(void **state)
{
    static fixture fx;
    static memo_table table;

    fx = (fixture){0};
    fx.table = &table;
    *state = &fx;
    return 0;
}

static int
teardown(void **state)
{
    fixture *fx = *state;

    alloc_fail_after(-1);
    memo_free(fx->table);
    return 0;
}

/* Keys are their own hash unless a test wants collisions. */
static void
insert_ok(memo_table *table, uintptr_t key, uintptr_t value)
{
    assert_int_equal(memo_insert(table, key, PTR(key), PTR(value)), MEMO_OK);
}

static uintptr_t
lookup_value(memo_table *table, uintptr_t key)
{
    void *value = NULL;
    memo_status status = memo_lookup(table, key, PTR(key), &value);

    return status == MEMO_OK ? VALUE(value) : 0;
}

static void
test_insert_then_lookup_and_duplicate_is_refused(void **state)
{
    fixture *fx = *state;
    void *value = NULL;

    memo_init(fx->table, 0, equal, release, fx);
    assert_int_equal(memo_lookup(fx->table, 5, PTR(5), &value), MEMO_NOT_FOUND);
    for (uintptr_t key = 1; key <= 1000; key++) {
        insert_ok(fx->table, key, key * 10);
    }
    assert_int_equal(memo_count(fx->table), 1000);
    assert_true(fx->table->bucket_count >= 1000);
    for (uintptr_t key = 1; key <= 1000; key++) {
        assert_int_equal(lookup_value(fx->table, key), key * 10);
    }
    assert_int_equal(lookup_value(fx->table, 1001), 0);
    /* an equal key is not replaced, and the caller keeps its pair */
    assert_int_equal(memo_insert(fx->table, 3, PTR(3), PTR(999)), MEMO_EXISTS);
    assert_int_equal(lookup_value(fx->table, 3), 30);
    assert_int_equal(fx->released, 0);
}

static void
test_colliding_hashes_are_told_apart_by_equality(void **state)
{
    fixture *fx = *state;
    void *value = NULL;

    memo_init(fx->table, 0, equal, release, fx);
    for (uintptr_t key = 1; key <= 50; key++) {
        assert_int_equal(memo_insert(fx->table, 42, PTR(key), PTR(key + 100)), MEMO_OK);
    }
    for (uintptr_t key = 1; key <= 50; key++) {
        assert_int_equal(memo_lookup(fx->table, 42, PTR(key), &value), MEMO_OK);
        assert_int_equal(VALUE(value), key + 100);
    }
    fx->equal_calls = 0;
    assert_int_equal(memo_lookup(fx->table, 42, PTR(51), &value), MEMO_NOT_FOUND);
    assert_int_equal(fx->equal_calls, 50);
    /* a different hash is never compared */
    fx->equal_calls = 0;
    assert_int_equal(memo_lookup(fx->table, 43, PTR(1), &value), MEMO_NOT_FOUND);
    assert_int_equal(fx->equal_calls, 0);
}

static void
test_bounded_table_evicts_least_recently_used(void **state)
{
    fixture *fx = *state;

    memo_init(fx->table, 3, equal, release, fx);
    insert_ok(fx->table, 1, 10);
    insert_ok(fx->table, 2, 20);
    insert_ok(fx->table, 3, 30);
    assert_int_equal(lookup_value(fx->table, 1), 10); /* 1 is now the newest */
    insert_ok(fx->table, 4, 40);                      /* evicts 2 */
    assert_int_equal(fx->released, 1);
    assert_int_equal(fx->released_keys[0], 2);
    assert_int_equal(fx->released_values[0], 20);
    assert_int_equal(memo_count(fx->table), 3);
    assert_int_equal(lookup_value(fx->table, 2), 0);
    insert_ok(fx->table, 5, 50); /* evicts 3 */
    assert_int_equal(fx->released_keys[1], 3);
    assert_int_equal(lookup_value(fx->table, 1), 10);
    assert_int_equal(lookup_value(fx->table, 4), 40);
    assert_int_equal(lookup_value(fx->table, 5), 50);
    /* with a full table, allocation is never needed */
    alloc_fail_after(0);
    insert_ok(fx->table, 6, 60); /* evicts 1 */
    alloc_fail_after(-1);
    assert_int_equal(fx->released_keys[2], 1);
    assert_int_equal(memo_count(fx->table), 3);
}

static int
record_key(void *key, void *value, void *arg)
{
    uintptr_t **cursor = arg;
    (void)value;
    *(*cursor)++ = VALUE(key);
    return 0;
}

static void
test_lru_order_over_many_operations_matches_a_model(void **state)
{
    enum { BOUND = 16, KEYS = 40 };
    fixture *fx = *state;
    uintptr_t model[BOUND]; /* model[0] is the most recent */
    size_t model_count = 0;
    uint64_t random_state = 99;

    memo_init(fx->table, BOUND, equal, release, fx);
    for (int step = 0; step < 20000; step++) {
        random_state = random_state * 6364136223846793005u + 1442695040888963407u;
        uintptr_t key = 1 + (uintptr_t)((random_state >> 33) % KEYS);
        size_t at = model_count;
        for (size_t i = 0; i < model_count; i++) {
            if (model[i] == key) {
                at = i;
            }
        }
        if (at < model_count) { /* hit: moves to the front */
            assert_int_equal(lookup_value(fx->table, key), key * 3);
            for (size_t i = at; i > 0; i--) {
                model[i] = model[i - 1];
            }
        }
        else { /* miss: insert, the model's last falls off when full */
            int released_before = fx->released;
            assert_int_equal(lookup_value(fx->table, key), 0);
            insert_ok(fx->table, key, key * 3);
            if (model_count == BOUND) {
                assert_int_equal(fx->released, released_before + 1);
                model_count--;
            }
            for (size_t i = model_count; i > 0; i--) {
                model[i] = model[i - 1];
            }
            model_count++;
        }
        model[0] = key;
    }
    {
        /* The LRU list, most recent first, is the model's order. */
        uintptr_t keys[BOUND] = {0};
        uintptr_t *cursor = keys;
        assert_int_equal(memo_visit(fx->table, record_key, &cursor), 0);
        assert_int_equal(cursor - keys, model_count);
        for (size_t i = 0; i < model_count; i++) {
            assert_int_equal(keys[i], model[i]);
        }
    }
    assert_int_equal(memo_count(fx->table), model_count);
}

static int
stop_at_second(void *key, void *value, void *arg)
{
    int *seen = arg;
    (void)key;
    (void)value;
    return ++*seen == 2 ? 7 : 0;
}

static void
test_visit_walks_most_recent_first_and_stops_on_nonzero(void **state)
{
    fixture *fx = *state;
    uintptr_t keys[4] = {0};
    uintptr_t *cursor = keys;
    int seen = 0;

    memo_init(fx->table, 10, equal, release, fx);
    insert_ok(fx->table, 1, 1);
    insert_ok(fx->table, 2, 2);
    insert_ok(fx->table, 3, 3);
    assert_int_equal(lookup_value(fx->table, 1), 1);
    assert_int_equal(memo_visit(fx->table, record_key, &cursor), 0);
    assert_int_equal(cursor - keys, 3);
    assert_int_equal(keys[0], 1);
    assert_int_equal(keys[1], 3);
    assert_int_equal(keys[2], 2);
    assert_int_equal(memo_visit(fx->table, stop_at_second, &seen), 7);
    assert_int_equal(seen, 2);
}

static void
test_equality_error_propagates_and_changes_nothing(void **state)
{
    fixture *fx = *state;
    void *value = PTR(123);

    memo_init(fx->table, 0, equal, release, fx);
    assert_int_equal(memo_insert(fx->table, 9, PTR(1), PTR(10)), MEMO_OK);
    fx->fail_on_key = 1;
    assert_int_equal(memo_lookup(fx->table, 9, PTR(2), &value), MEMO_ERROR);
    assert_int_equal(VALUE(value), 123);
    assert_int_equal(memo_insert(fx->table, 9, PTR(2), PTR(20)), MEMO_ERROR);
    assert_int_equal(memo_count(fx->table), 1);
    fx->fail_on_key = 0;
    assert_int_equal(memo_insert(fx->table, 9, PTR(2), PTR(20)), MEMO_OK);
    assert_int_equal(memo_lookup(fx->table, 9, PTR(2), &value), MEMO_OK);
    assert_int_equal(VALUE(value), 20);
}

static void
test_clear_during_a_comparison_restarts_the_search(void **state)
{
    fixture *fx = *state;
    void *value = NULL;

    memo_init(fx->table, 0, equal, release, fx);
    /* Three keys in one chain; comparing against key 2 clears the table. */
    for (uintptr_t key = 1; key <= 3; key++) {
        assert_int_equal(memo_insert(fx->table, 5, PTR(key), PTR(key * 10)), MEMO_OK);
    }
    fx->clear_on_key = 2;
    assert_int_equal(memo_lookup(fx->table, 5, PTR(1), &value), MEMO_NOT_FOUND);
    assert_int_equal(memo_count(fx->table), 0);
    assert_int_equal(fx->released, 3);
    /* the same re-entry during an insert's search: the insert still lands */
    for (uintptr_t key = 1; key <= 3; key++) {
        assert_int_equal(memo_insert(fx->table, 5, PTR(key), PTR(key * 10)), MEMO_OK);
    }
    fx->clear_on_key = 3;
    assert_int_equal(memo_insert(fx->table, 5, PTR(4), PTR(40)), MEMO_OK);
    assert_int_equal(memo_count(fx->table), 1);
    assert_int_equal(memo_lookup(fx->table, 5, PTR(4), &value), MEMO_OK);
    assert_int_equal(VALUE(value), 40);
}

static void
test_release_may_insert_into_the_table(void **state)
{
    fixture *fx = *state;
    void *value = NULL;

    memo_init(fx->table, 2, equal, release, fx);
    insert_ok(fx->table, 1, 10);
    insert_ok(fx->table, 2, 20);
    fx->insert_on_release = 100; /* key 100 under hash 7 */
    insert_ok(fx->table, 3, 30);  /* evicts 1, whose release inserts 100, evicting 2 */
    assert_int_equal(fx->released, 2);
    assert_int_equal(fx->released_keys[0], 1);
    assert_int_equal(fx->released_keys[1], 2);
    assert_int_equal(memo_count(fx->table), 2);
    assert_int_equal(memo_lookup(fx->table, 7, PTR(100), &value), MEMO_OK);
    assert_int_equal(lookup_value(fx->table, 3), 30);
    /* and from memo_clear: the table is empty, valid and then refilled */
    fx->insert_on_release = 200;
    memo_clear(fx->table);
    assert_int_equal(memo_count(fx->table), 1);
    assert_int_equal(memo_lookup(fx->table, 7, PTR(200), &value), MEMO_OK);
}

static void
test_out_of_memory_leaves_the_table_unchanged(void **state)
{
    fixture *fx = *state;

    memo_init(fx->table, 0, equal, release, fx);
    /* first insert: the entry, then the first buckets */
    for (long successes = 0; successes < 2; successes++) {
        alloc_fail_after(successes);
        assert_int_equal(memo_insert(fx->table, 1, PTR(1), PTR(10)), MEMO_NOMEM);
        assert_int_equal(memo_count(fx->table), 0);
    }
    alloc_fail_after(-1);
    for (uintptr_t key = 1; key <= 8; key++) { /* fills 8 buckets exactly */
        insert_ok(fx->table, key, key * 10);
    }
    assert_int_equal(fx->table->bucket_count, 8);
    /* the ninth needs an entry and a bigger index: fail each in turn */
    for (long successes = 0; successes < 2; successes++) {
        alloc_fail_after(successes);
        assert_int_equal(memo_insert(fx->table, 9, PTR(9), PTR(90)), MEMO_NOMEM);
        assert_int_equal(memo_count(fx->table), 8);
        assert_int_equal(fx->table->bucket_count, 8);
        for (uintptr_t key = 1; key <= 8; key++) {
            assert_int_equal(lookup_value(fx->table, key), key * 10);
        }
        assert_int_equal(lookup_value(fx->table, 9), 0);
    }
    alloc_fail_after(-1);
    insert_ok(fx->table, 9, 90);
    assert_int_equal(fx->table->bucket_count, 16);
    assert_int_equal(lookup_value(fx->table, 9), 90);
    assert_int_equal(fx->released, 0);
}

static void
test_clear_releases_everything_and_table_stays_usable(void **state)
{
    fixture *fx = *state;

    memo_init(fx->table, 0, equal, release, fx);
    for (uintptr_t key = 1; key <= 20; key++) {
        insert_ok(fx->table, key, key);
    }
    memo_clear(fx->table);
    assert_int_equal(fx->released, 20);
    assert_int_equal(memo_count(fx->table), 0);
    assert_null(fx->table->lru_head);
    assert_int_equal(lookup_value(fx->table, 5), 0);
    alloc_fail_after(1); /* buckets are kept: only the entry is allocated */
    insert_ok(fx->table, 5, 55);
    alloc_fail_after(-1);
    assert_int_equal(lookup_value(fx->table, 5), 55);
    memo_free(fx->table);
    assert_int_equal(fx->released, 21);
    assert_null(fx->table->buckets);
    insert_ok(fx->table, 6, 66); /* usable after memo_free, like after init */
    assert_int_equal(lookup_value(fx->table, 6), 66);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_insert_then_lookup_and_duplicate_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_colliding_hashes_are_told_apart_by_equality, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bounded_table_evicts_least_recently_used, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lru_order_over_many_operations_matches_a_model, setup, teardown),
        cmocka_unit_test_setup_teardown(test_visit_walks_most_recent_first_and_stops_on_nonzero, setup, teardown),
        cmocka_unit_test_setup_teardown(test_equality_error_propagates_and_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clear_during_a_comparison_restarts_the_search, setup, teardown),
        cmocka_unit_test_setup_teardown(test_release_may_insert_into_the_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_memory_leaves_the_table_unchanged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clear_releases_everything_and_table_stays_usable, setup, teardown),
    };
    return cmocka_run_group_tests_name("memo", tests, NULL, NULL);
}
