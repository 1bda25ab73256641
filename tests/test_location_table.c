/* test_location_table.c: the 3.11 location-table decoder
 * (app/measure/location_table.c) against CPython's own answers: the tables
 * and each code unit's line below were printed by /usr/bin/python3.11 from
 * co_linetable and co_positions() for three functions (short, one-line,
 * no-column and long entries, a negative line delta, a 300-line jump,
 * a `finally` with instructions that have no location), so the decoder must
 * agree with PyCode_Addr2Line on every instruction.  Then the edges: a
 * frame not started yet, offsets past the end, truncated and empty tables. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "location_table.h"

static const uint8_t simple_table[] = {128, 0, 216, 8, 9, 136, 65, 137, 5, 128, 65, 216, 11, 12, 128, 72};
static const int simple_lines[] = {2, 3, 3, 3, 3, 3, 4, 4};
enum { simple_first = 2 };
static const uint8_t branches_table[] = {128, 0, 216, 12, 13, 128, 69, 221, 13, 18, 144, 49, 137, 88, 140, 88, 240, 0, 6, 5, 14, 240, 0, 6, 5, 14, 136, 1, 216, 11, 12, 136, 113, 137, 53, 240, 0, 5, 9, 14, 216, 12, 17, 144, 81, 137, 74, 136, 69, 136, 69, 224, 12, 17, 216, 16, 17, 241, 3, 2, 13, 14, 136, 69, 136, 69, 240, 6, 0, 12, 17, 128, 76};
static const int branches_lines[] = {6, 7, 7, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 9, 9, 9, 9, 9, 10, 10, 10, 10, 10, 10, 12, 13, 12, 12, 12, 12, 15, 15};
enum { branches_first = 6 };
static const uint8_t far_jump_table[] = {128, 0, 216, 8, 9, 128, 65, 240, 92, 9, 0, 9, 10, 128, 65, 240, 2, 3, 5, 17, 216, 15, 16, 144, 49, 137, 117, 224, 12, 16, 136, 1, 136, 1, 248, 136, 68, 136, 1, 136, 8, 136, 8, 136, 8, 136, 8};
static const int far_jump_lines[] = {17, 18, 18, 320, 320, 321, 322, 322, 322, 322, 324, 324, 324, -1, 324, 324, 324, 324, 324, 324};
enum { far_jump_first = 17 };

#define CHECK_EVERY_UNIT(name)                                                          \
    for (size_t unit = 0; unit < sizeof name##_lines / sizeof *name##_lines; unit++) {  \
        assert_int_equal(location_table_line(name##_table, sizeof name##_table,         \
                                             name##_first, (int)(2 * unit)),            \
                         name##_lines[unit]);                                           \
    }

static void
test_every_instruction_matches_cpython(void **state)
{
    (void)state;
    CHECK_EVERY_UNIT(simple);
    CHECK_EVERY_UNIT(branches);
    CHECK_EVERY_UNIT(far_jump);
}

static void
test_odd_offset_is_its_code_unit(void **state)
{
    (void)state;
    for (size_t unit = 0; unit < sizeof branches_lines / sizeof *branches_lines; unit++) {
        assert_int_equal(location_table_line(branches_table, sizeof branches_table,
                                             branches_first, (int)(2 * unit + 1)),
                         branches_lines[unit]);
    }
}

static void
test_frame_not_started_is_first_line(void **state)
{
    (void)state;
    assert_int_equal(location_table_line(simple_table, sizeof simple_table, simple_first, -2),
                     simple_first);
}

static void
test_past_the_end_and_broken_tables(void **state)
{
    (void)state;
    int units = (int)(sizeof simple_lines / sizeof *simple_lines);
    assert_int_equal(location_table_line(simple_table, sizeof simple_table, simple_first,
                                         2 * units), -1);
    assert_int_equal(location_table_line(simple_table, 0, simple_first, 0), -1);
    /* A long entry cut after its first byte: read to the end, no further. */
    static const uint8_t cut[] = {0xF0};
    assert_int_equal(location_table_line(cut, sizeof cut, 5, 0), 5);
    assert_int_equal(location_table_line(cut, sizeof cut, 5, 2), -1);
    /* Bytes without the top bit are skipped as continuation. */
    static const uint8_t junk[] = {0xD8, 0x01, 0x02};   /* a one-line-1 entry, then junk */
    assert_int_equal(location_table_line(junk, sizeof junk, 10, 0), 11);
    assert_int_equal(location_table_line(junk, sizeof junk, 10, 2), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_instruction_matches_cpython),
        cmocka_unit_test(test_odd_offset_is_its_code_unit),
        cmocka_unit_test(test_frame_not_started_is_first_line),
        cmocka_unit_test(test_past_the_end_and_broken_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
