/* test_strbuilder.c: unit tests of native/strbuilder.c: appends across the
 * growth steps, widening 1 -> 2 -> 4 bytes (and narrowing wide input that
 * fits), the length limit, and out-of-memory at every allocation leaving the
 * builder unchanged and usable. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "alloc.h"
#include "strbuilder.h"

static void
assert_contents(const strbuilder *builder, const uint32_t *expected, size_t count)
{
    assert_int_equal(builder->length, count);
    for (size_t i = 0; i < count; i++) {
        assert_int_equal(strbuilder_at(builder, i), expected[i]);
    }
}

static void
test_empty_and_zero_length(void **state)
{
    strbuilder builder;
    (void)state;

    strbuilder_init(&builder);
    assert_int_equal(builder.length, 0);
    assert_int_equal(strbuilder_append(&builder, "", 0, 1, 0), STRBUILDER_OK);
    assert_int_equal(builder.length, 0);
    assert_null(builder.data);
    assert_int_equal(strbuilder_append(&builder, "abc", 1, 3, 'a'), STRBUILDER_BADWIDTH);
    strbuilder_free(&builder);
}

static void
test_growth_is_geometric(void **state)
{
    enum { N = 100000 };
    strbuilder builder;
    size_t reallocs = 0, capacity = 0;
    (void)state;

    strbuilder_init(&builder);
    for (size_t i = 0; i < N; i++) {
        char c = (char)('a' + i % 26);
        assert_int_equal(strbuilder_append(&builder, &c, 1, 1, 127), STRBUILDER_OK);
        if (builder.capacity != capacity) {
            assert_true(builder.capacity >= 2 * capacity);
            capacity = builder.capacity;
            reallocs++;
        }
    }
    assert_int_equal(builder.length, N);
    assert_true(reallocs <= 12);    /* 64 * 2^11 > 100000 */
    assert_int_equal(builder.width, 1);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(strbuilder_at(&builder, i), (uint32_t)('a' + i % 26));
    }
    strbuilder_free(&builder);
}

static void
test_widening_keeps_earlier_text(void **state)
{
    strbuilder builder;
    const uint8_t latin[] = {'h', 0xE9, '!'};
    const uint16_t bmp[] = {0x20AC, 'x'};
    const uint32_t astral[] = {0x1F600};
    const uint32_t ascii_as_ucs4[] = {'o', 'k'};
    const uint32_t expected[] = {'h', 0xE9, '!', 0x20AC, 'x', 0x1F600, 'o', 'k', 'h', 0xE9, '!'};
    (void)state;

    strbuilder_init(&builder);
    assert_int_equal(strbuilder_append(&builder, latin, 3, 1, 255), STRBUILDER_OK);
    assert_int_equal(builder.width, 1);
    assert_int_equal(strbuilder_append(&builder, bmp, 2, 2, 0xFFFF), STRBUILDER_OK);
    assert_int_equal(builder.width, 2);
    assert_int_equal(strbuilder_append(&builder, astral, 1, 4, 0x10FFFF), STRBUILDER_OK);
    assert_int_equal(builder.width, 4);
    assert_int_equal(strbuilder_append(&builder, ascii_as_ucs4, 2, 4, 127), STRBUILDER_OK);
    assert_int_equal(strbuilder_append(&builder, latin, 3, 1, 255), STRBUILDER_OK);
    assert_int_equal(builder.maxchar, 0x10FFFF);
    assert_contents(&builder, expected, 11);
    strbuilder_free(&builder);
}

static void
test_wide_input_that_fits_is_narrowed(void **state)
{
    strbuilder builder;
    const uint32_t ascii_as_ucs4[] = {'a', 'b', 'c'};
    const uint32_t expected[] = {'a', 'b', 'c'};
    (void)state;

    strbuilder_init(&builder);
    assert_int_equal(strbuilder_append(&builder, ascii_as_ucs4, 3, 4, 127), STRBUILDER_OK);
    assert_int_equal(builder.width, 1);
    assert_int_equal(builder.maxchar, 127);
    assert_contents(&builder, expected, 3);
    strbuilder_free(&builder);
}

static void
test_reserve_then_append_does_not_reallocate(void **state)
{
    strbuilder builder;
    const uint16_t bmp[] = {0x3042, 0x3044};
    const uint32_t expected[] = {'a', 'b', 0x3042, 0x3044, 'c'};
    void *data;
    (void)state;

    strbuilder_init(&builder);
    assert_int_equal(strbuilder_append(&builder, "ab", 2, 1, 127), STRBUILDER_OK);
    assert_int_equal(strbuilder_reserve(&builder, 3, 0xFFFF), STRBUILDER_OK);
    assert_int_equal(builder.width, 2);         /* widened ahead of the text */
    assert_int_equal(builder.maxchar, 127);     /* ... but maxchar follows the text */
    data = builder.data;
    assert_int_equal(strbuilder_append(&builder, bmp, 2, 2, 0xFFFF), STRBUILDER_OK);
    assert_int_equal(strbuilder_append(&builder, "c", 1, 1, 127), STRBUILDER_OK);
    assert_ptr_equal(builder.data, data);
    assert_int_equal(builder.capacity, 64);     /* the first append's minimum */
    assert_contents(&builder, expected, 5);
    assert_int_equal(strbuilder_reserve(&builder, STRBUILDER_MAX_LENGTH, 127), STRBUILDER_TOOBIG);
    strbuilder_free(&builder);

    /* An exact reservation on an empty builder. */
    strbuilder_init(&builder);
    assert_int_equal(strbuilder_reserve(&builder, 1000, 127), STRBUILDER_OK);
    assert_int_equal(builder.capacity, 1000);
    assert_int_equal(builder.width, 1);
    strbuilder_free(&builder);
}

static void
test_length_limit(void **state)
{
    strbuilder builder;
    (void)state;

    strbuilder_init(&builder);
    assert_int_equal(strbuilder_append(&builder, "ab", 2, 1, 127), STRBUILDER_OK);
    /* The count is checked before the units are read.  (volatile: gcc
     * would otherwise warn about the memcpy on the path not taken.) */
    volatile size_t huge = STRBUILDER_MAX_LENGTH - 1;
    assert_int_equal(strbuilder_append(&builder, "x", huge, 1, 127), STRBUILDER_TOOBIG);
    assert_int_equal(builder.length, 2);
    strbuilder_free(&builder);
}

/* Fail the k-th allocation for every k: the failing append changes nothing
 * (length, width, maxchar, contents), and the builder works afterwards. */
static void
test_out_of_memory_leaves_builder_unchanged(void **state)
{
    enum { N = 5000 };
    static uint32_t expected[N];
    bool finished = false;
    (void)state;

    for (size_t i = 0; i < N; i++) {
        expected[i] = i < 300 ? 'a' : i < 3000 ? 0x100 + (uint32_t)i : 0x10000 + (uint32_t)i;
    }
    for (long k = 0; !finished; k++) {
        strbuilder builder;
        size_t appended = 0;
        strbuilder_status status = STRBUILDER_OK;

        assert_true(k < 100);
        strbuilder_init(&builder);
        alloc_fail_after(k);
        for (; appended < N; appended++) {
            uint32_t c = expected[appended];
            unsigned width = c <= 0xFF ? 1 : c <= 0xFFFF ? 2 : 4;
            uint8_t c8 = (uint8_t)c;
            uint16_t c16 = (uint16_t)c;
            const void *unit = width == 1 ? (const void *)&c8 : width == 2 ? (const void *)&c16
                                                                            : (const void *)&c;
            uint32_t maxchar = width == 1 ? 127 : width == 2 ? 0xFFFF : 0x10FFFF;
            unsigned width_before = builder.width;
            uint32_t maxchar_before = builder.maxchar;
            status = strbuilder_append(&builder, unit, 1, width, maxchar);
            if (status != STRBUILDER_OK) {
                assert_int_equal(builder.width, width_before);
                assert_int_equal(builder.maxchar, maxchar_before);
                break;
            }
        }
        alloc_fail_after(-1);
        finished = appended == N;
        if (!finished) {
            assert_int_equal(status, STRBUILDER_NOMEM);
        }
        assert_contents(&builder, expected, appended);
        strbuilder_free(&builder);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_and_zero_length),
        cmocka_unit_test(test_growth_is_geometric),
        cmocka_unit_test(test_widening_keeps_earlier_text),
        cmocka_unit_test(test_wide_input_that_fits_is_narrowed),
        cmocka_unit_test(test_reserve_then_append_does_not_reallocate),
        cmocka_unit_test(test_length_limit),
        cmocka_unit_test(test_out_of_memory_leaves_builder_unchanged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
