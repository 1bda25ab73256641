/* test_slab.c: the fixed-size object pool under intset/intmap: distinct,
 * aligned, non-overlapping objects across block boundaries; reuse of
 * released objects; out-of-memory leaves the pool unchanged and usable;
 * destroy empties it for reuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "alloc.h"
#include "slab.h"

enum { MANY = 20000 };

static void
test_objects_are_distinct_aligned_and_writable(void **state)
{
    (void)state;
    slab_pool pool;
    static char *objects[MANY];
    slab_init(&pool, 20); /* rounded up to a multiple of 8 */
    assert_int_equal(pool.object_size, 24);
    for (size_t i = 0; i < MANY; i++) {
        objects[i] = slab_alloc(&pool);
        assert_non_null(objects[i]);
        assert_int_equal((uintptr_t)objects[i] % 8, 0);
        memset(objects[i], (int)(i & 0xff), pool.object_size);
    }
    /* Every object still holds its own pattern: none overlaps another. */
    for (size_t i = 0; i < MANY; i++) {
        for (size_t b = 0; b < pool.object_size; b++) {
            assert_int_equal((unsigned char)objects[i][b], i & 0xff);
        }
    }
    /* No per-object header: what the pool reserved is the objects plus a
     * bounded unused tail of the newest block (at most 4096 objects). */
    size_t used = MANY * pool.object_size;
    assert_true(slab_reserved_bytes(&pool) >= used);
    assert_true(slab_reserved_bytes(&pool) <= used + 4096 * pool.object_size + 64 * 16);
    slab_destroy(&pool);
    assert_int_equal(slab_reserved_bytes(&pool), 0);
}

static void
test_released_objects_are_reused_first(void **state)
{
    (void)state;
    slab_pool pool;
    slab_init(&pool, sizeof(uint64_t));
    void *a = slab_alloc(&pool), *b = slab_alloc(&pool);
    size_t reserved = slab_reserved_bytes(&pool);
    slab_release(&pool, a);
    slab_release(&pool, b);
    assert_ptr_equal(slab_alloc(&pool), b); /* last released, first reused */
    assert_ptr_equal(slab_alloc(&pool), a);
    assert_int_equal(slab_reserved_bytes(&pool), reserved);
    slab_destroy(&pool);
}

static void
test_out_of_memory_leaves_the_pool_unchanged(void **state)
{
    (void)state;
    slab_pool pool;
    slab_init(&pool, 64);
    void *first = slab_alloc(&pool);
    assert_non_null(first);
    /* Fill the first block so the next allocation needs a new one. */
    while (pool.bump != pool.bump_end) {
        assert_non_null(slab_alloc(&pool));
    }
    slab_pool before = pool;
    alloc_fail_after(0);
    assert_null(slab_alloc(&pool));
    alloc_fail_after(-1);
    assert_memory_equal(&before, &pool, sizeof pool);
    /* And it recovers once memory is back. */
    assert_non_null(slab_alloc(&pool));
    assert_true(slab_reserved_bytes(&pool) > before.reserved_bytes);
    slab_destroy(&pool);
}

static void
test_destroy_makes_the_pool_reusable(void **state)
{
    (void)state;
    slab_pool pool;
    slab_init(&pool, 32);
    for (int i = 0; i < 1000; i++) {
        assert_non_null(slab_alloc(&pool));
    }
    slab_destroy(&pool);
    assert_null(pool.blocks);
    assert_null(pool.free_list);
    assert_non_null(slab_alloc(&pool));
    slab_destroy(&pool);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_objects_are_distinct_aligned_and_writable),
        cmocka_unit_test(test_released_objects_are_reused_first),
        cmocka_unit_test(test_out_of_memory_leaves_the_pool_unchanged),
        cmocka_unit_test(test_destroy_makes_the_pool_reusable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
