/* test_strbuilder.c: unit tests of native/strbuilder.c: appends across the
 * growth steps, widening 1 -> 2 -> 4 bytes (and narrowing wide input that
 * fits), the length limit, out-of-memory at every allocation leaving the
 * builder unchanged and usable, and the copy helpers at every short length
 * and offset, writing nothing outside their target. */
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
     * would otherwise warn about the copy on the path not taken; and the
     * source is longer than strbuilder_copy_bytes's inline copies, 16
     * bytes, which gcc checks against it for every count it cannot rule
     * out.) */
    static const char units[32] = "x";
    volatile size_t huge = STRBUILDER_MAX_LENGTH - 1;
    assert_int_equal(strbuilder_append(&builder, units, huge, 1, 127), STRBUILDER_TOOBIG);
    assert_int_equal(builder.length, 2);
    strbuilder_free(&builder);
}

/* strbuilder_copy_bytes's inline cases (1-3, 4-7, 8-16 bytes) and memcpy
 * beyond, and strbuilder_copy_short by either method (rep movsb up to 64
 * bytes, memcpy beyond; x86-64 runs it whatever the CPU's speed at it), at
 * every alignment: the bytes equal the source's, and the guard bytes either
 * side of the target are untouched.  The method this CPU gets is one of
 * the two. */
static void
test_copy_bytes_every_length_and_offset(void **state)
{
    enum { LONGEST = 80, GUARD = 8 };
    unsigned char source[LONGEST + 8], target[GUARD + LONGEST + 8 + GUARD];
    (void)state;

    assert_true(strbuilder_short_copy_method() == STRBUILDER_COPY_INLINE
                || strbuilder_short_copy_method() == STRBUILDER_COPY_REP_MOVSB);
    for (size_t i = 0; i < sizeof source; i++) {
        source[i] = (unsigned char)(i * 37 + 11);
    }
    for (int copier = 0; copier < 3; copier++) {    /* bytes, short inline, short rep */
        for (size_t length = 0; length <= LONGEST; length++) {
            for (size_t offset = 0; offset < 8; offset++) {
                unsigned char *to = target + GUARD + offset;
                memset(target, 0xA5, sizeof target);
                if (copier == 0) {
                    strbuilder_copy_bytes(to, source + offset, length);
                }
                else {
                    strbuilder_copy_short(to, source + offset, length,
                                          copier == 1 ? STRBUILDER_COPY_INLINE
                                                      : STRBUILDER_COPY_REP_MOVSB);
                }
                for (size_t i = 0; i < sizeof target; i++) {
                    size_t at = i - GUARD - offset;
                    bool inside = i >= GUARD + offset && at < length;
                    assert_int_equal(target[i], inside ? source[offset + at] : 0xA5);
                }
            }
        }
    }
}

/* strbuilder_copy_units between every pair of widths, values that fit. */
static void
test_copy_units_between_widths(void **state)
{
    const uint32_t values[] = {'a', 0x7F, 0xE9, 0xFF, 'z'};
    enum { COUNT = sizeof values / sizeof values[0] };
    static const unsigned widths[] = {1, 2, 4};
    (void)state;

    for (size_t from = 0; from < 3; from++) {
        for (size_t to = 0; to < 3; to++) {
            unsigned char in[COUNT * 4], out[COUNT * 4 + 4];
            for (size_t i = 0; i < COUNT; i++) {
                uint8_t u8 = (uint8_t)values[i];
                uint16_t u16 = (uint16_t)values[i];
                const void *unit = widths[from] == 1 ? (const void *)&u8
                                   : widths[from] == 2 ? (const void *)&u16
                                                       : (const void *)&values[i];
                memcpy(in + i * widths[from], unit, widths[from]);
            }
            memset(out, 0xA5, sizeof out);
            strbuilder_copy_units(out, widths[to], in, widths[from], COUNT);
            for (size_t i = 0; i < COUNT; i++) {
                uint8_t u8;
                uint16_t u16;
                uint32_t u32;
                memcpy(&u8, out + i, 1);
                memcpy(&u16, out + i * 2, 2);
                memcpy(&u32, out + i * 4, 4);
                assert_int_equal(widths[to] == 1 ? u8 : widths[to] == 2 ? u16 : u32, values[i]);
            }
            assert_int_equal(out[COUNT * widths[to]], 0xA5);
        }
    }
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
        cmocka_unit_test(test_copy_bytes_every_length_and_offset),
        cmocka_unit_test(test_copy_units_between_widths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
