/* test_lab_report.c: what a student's text can do to the teacher's output
 * (app/output/text.c's escaping, app/lab/lab_report.c's writers), on made-up results:
 * a detail that tries to overwrite the table's rows with ANSI escapes and a
 * carriage return, a file name that is not UTF-8, a detail holding
 * characters XML 1.0 forbids.  None may reach the output raw, and every
 * result keeps its row. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab_report.h"
#include "text.h"

/* A detail that, printed raw, erases the line, moves up one and writes a
 * passing row over the real one. */
#define FORGED_DETAIL \
    "Traceback (most recent call last):\nValueError: \r\033[2K\033[1A fake pass row"

static void
assert_escaped(const char *text, bool keep_newlines, const char *expected)
{
    char *escaped = text_escape_controls(text, keep_newlines);
    assert_non_null(escaped);
    assert_string_equal(escaped, expected);
    free(escaped);
}

static void
assert_valid(const char *bytes, const char *expected)
{
    char *valid = text_valid_utf8(bytes);
    assert_non_null(valid);
    assert_string_equal(valid, expected);
    free(valid);
}

/* What `write` prints for `results`, malloc'd. */
static char *
rendered(void (*write)(FILE *, const json_t *), const json_t *results)
{
    char *text = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&text, &size);
    assert_non_null(stream);
    write(stream, results);
    assert_int_equal(fclose(stream), 0);
    return text;
}

static size_t
occurrences(const char *text, const char *needle)
{
    size_t count = 0;
    for (const char *p = strstr(text, needle); p != NULL; p = strstr(p + 1, needle)) {
        count++;
    }
    return count;
}

/* No C0 control but the newline, no DEL, and valid UTF-8 with no C1
 * control, bidi override or U+FFFE/U+FFFF: what a terminal shows as is,
 * and all XML 1.0 asks of a character. */
static void
assert_nothing_raw(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
        if (*p < 0x20 && *p != '\n') {
            fail_msg("raw control byte 0x%02x at offset %td", *p, (const char *)p - text);
        }
        assert_int_not_equal(*p, 0x7F);
    }
    char *valid = text_valid_utf8(text);
    assert_string_equal(valid, text);
    free(valid);
    assert_null(strstr(text, "\xef\xbf\xbf"));
    assert_null(strstr(text, "\xef\xbf\xbe"));
    assert_null(strstr(text, "\xe2\x80\xae"));
    assert_null(strstr(text, "\xc2\x85"));
}

static json_t *
result_of(json_t *solution, const char *verdict, const char *detail)
{
    json_t *result = json_pack("{s:s, s:o, s:s, s:s?, s:i, s:i, s:f}", "lab", "print_queue",
                               "solution", solution, "verdict", verdict, "detail", detail,
                               "cases_passed", 3, "cases_total", 13, "duration", 0.25);
    assert_non_null(result);
    return result;
}

/* Four results: the forged detail, a name that is not UTF-8 (put in
 * unchecked, as no lab.c would: the writers must not trust it), a detail
 * XML forbids, and a pass. */
static json_t *
hostile_results(void)
{
    json_t *results = json_array();
    json_array_append_new(results, result_of(json_string("forged.py"), "error", FORGED_DETAIL));
    json_array_append_new(results, result_of(json_string_nocheck("sol\xff.py"), "too much memory",
                                             "peak 3x the starter's"));
    json_array_append_new(results, result_of(json_string("xml.py"), "wrong",
                                             "case 'a': got \xef\xbf\xbf\x01 ]]> <b>&"));
    json_array_append_new(results, result_of(json_string("fine.py"), "pass", NULL));
    return results;
}

static void
test_bytes_that_are_not_utf8_become_backslash_x(void **state)
{
    (void)state;
    assert_valid("sol\xff.py", "sol\\xff.py");
    assert_valid("a\\xff", "a\\xff");                     /* backslashes left alone */
    assert_valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
                 "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    assert_valid("\xc0\xaf", "\\xc0\\xaf");               /* overlong '/' */
    assert_valid("\xed\xa0\x80", "\\xed\\xa0\\x80");      /* a lone surrogate */
    assert_valid("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* past U+10FFFF */
    assert_valid("\x80x", "\\x80x");                      /* a stray continuation byte */
    assert_valid("end\xe2\x82", "end\\xe2\\x82");         /* truncated at the end */
    assert_valid("\xe2\x82\xe2\x82\xac", "\\xe2\\x82\xe2\x82\xac");
    assert_valid("", "");
    assert_null(text_valid_utf8(NULL));
}

static void
test_controls_become_visible_escapes(void **state)
{
    (void)state;
    assert_escaped("\r\033[2K\033[1A fake pass row", false, "\\r\\x1b[2K\\x1b[1A fake pass row");
    assert_escaped("a\nb\tc\ad\x7f", false, "a\\nb\\tc\\x07d\\x7f");
    assert_escaped("a\nb", true, "a\nb");
    assert_escaped("\xc2\x85\xc2\x9b", true, "\\u0085\\u009b");            /* C1 */
    assert_escaped("\xe2\x80\xae" "evil\xe2\x81\xa6", true, "\\u202eevil\\u2066"); /* bidi */
    assert_escaped("\xef\xbf\xbe\xef\xbf\xbf", true, "\\ufffe\\uffff");
    assert_escaped("sol\xff.py", false, "sol\\xff.py");                  /* as text_valid_utf8 */
    /* Left alone: backslashes, printable text, U+FFFD, U+00A0 (past C1). */
    assert_escaped("C:\\x \xef\xbf\xbd \xc2\xa0 \xc3\xa9", false,
                   "C:\\x \xef\xbf\xbd \xc2\xa0 \xc3\xa9");
    assert_null(text_escape_controls(NULL, false));
}

static void
test_escaping_twice_changes_nothing_more(void **state)
{
    (void)state;
    char *once = text_escape_controls(FORGED_DETAIL "\xff\xef\xbf\xbf", true);
    char *twice = text_escape_controls(once, true);
    assert_string_equal(once, twice);
    free(once);
    free(twice);
}

static void
test_wrong_slow_and_memory_are_failures_the_rest_errors(void **state)
{
    (void)state;
    assert_null(lab_verdict_kind("pass"));
    assert_string_equal(lab_verdict_kind("wrong"), "failure");
    assert_string_equal(lab_verdict_kind("too slow"), "failure");
    assert_string_equal(lab_verdict_kind("too much memory"), "failure");
    assert_string_equal(lab_verdict_kind("crashed"), "error");
    assert_string_equal(lab_verdict_kind("timed out"), "error");
    assert_string_equal(lab_verdict_kind("error"), "error");
    assert_string_equal(lab_verdict_kind("something new"), "error");
    assert_string_equal(lab_verdict_kind(NULL), "error");
}

static void
test_the_detail_line_is_escaped_and_cut_between_escapes(void **state)
{
    (void)state;
    json_t *result = result_of(json_string("a.py"), "error", FORGED_DETAIL);
    char *line = lab_report_detail_line(result, 200);
    assert_string_equal(line, "ValueError: \\r\\x1b[2K\\x1b[1A fake pass row");
    free(line);
    json_decref(result);

    /* A crash says what happened first. */
    result = result_of(json_string("a.py"), "crashed", "killed by signal 11\nstack\n");
    line = lab_report_detail_line(result, 200);
    assert_string_equal(line, "killed by signal 11");
    free(line);
    json_decref(result);

    /* Ten ESCs in 10 bytes: two whole escapes, not "\x1b\x1b\x". */
    result = result_of(json_string("a.py"), "error", "\033\033\033\033\033\033\033\033\033\033");
    line = lab_report_detail_line(result, 10);
    assert_string_equal(line, "\\x1b\\x1b");
    free(line);
    json_decref(result);

    /* Never half a character. */
    result = result_of(json_string("a.py"), "error", "\xc3\xa9\xc3\xa9\xc3\xa9");
    line = lab_report_detail_line(result, 3);
    assert_string_equal(line, "\xc3\xa9");
    free(line);
    json_decref(result);
}

static void
test_the_table_keeps_one_row_per_result_and_no_raw_control(void **state)
{
    (void)state;
    json_t *results = hostile_results();
    char *table = rendered(lab_report_table, results);
    assert_nothing_raw(table);
    assert_int_equal(occurrences(table, "\n"), 1 + json_array_size(results));
    /* The forged row stays on its solution's line, visibly. */
    const char *row = strstr(table, "forged.py");
    assert_non_null(row);
    const char *forged = strstr(row, "\\r\\x1b[2K\\x1b[1A fake pass row");
    assert_non_null(forged);
    assert_true(memchr(row, '\n', (size_t)(forged - row)) == NULL);
    assert_non_null(strstr(table, "sol\\xff.py"));
    assert_non_null(strstr(table, "\\uffff\\x01 ]]> <b>&"));
    /* Columns line up: every row's verdict starts where the header's does. */
    size_t column = (size_t)(strstr(table, "verdict") - table);
    for (const char *line = strchr(table, '\n') + 1; *line != '\0'; line = strchr(line, '\n') + 1) {
        assert_true(line[column - 1] == ' ' && line[column] != ' ');
    }
    free(table);
    json_decref(results);
}

static void
test_the_csv_keeps_one_line_per_result(void **state)
{
    (void)state;
    json_t *results = hostile_results();
    char *csv = rendered(lab_report_csv, results);
    assert_nothing_raw(csv);
    assert_int_equal(occurrences(csv, "\n"), 1 + json_array_size(results));
    assert_non_null(strstr(csv, "\n\"sol\\xff.py\",\"too much memory\",3,13,"));
    assert_non_null(strstr(csv, "\"ValueError: \\r\\x1b[2K\\x1b[1A fake pass row\"\n"));
    free(csv);
    json_decref(results);
}

static void
test_junit_holds_only_xml_characters_and_counts_its_elements(void **state)
{
    (void)state;
    json_t *results = hostile_results();
    json_array_append_new(results, result_of(json_string("a'b>c\"d&e<f.py"), "crashed",
                                             "killed\x1b by signal 9"));
    char *xml = rendered(lab_report_junit, results);
    assert_nothing_raw(xml);
    assert_non_null(strstr(xml, "tests=\"5\" failures=\"2\" errors=\"2\""));
    assert_int_equal(occurrences(xml, "<failure "), 2);
    assert_int_equal(occurrences(xml, "<error "), 2);
    assert_non_null(strstr(xml, "<failure message=\"too much memory\">"));
    assert_non_null(strstr(xml, "name=\"sol\\xff.py\""));
    assert_non_null(strstr(xml, "name=\"a&apos;b&gt;c&quot;d&amp;e&lt;f.py\""));
    /* Every CDATA section ends once: the detail's "]]>" is split. */
    assert_int_equal(occurrences(xml, "<![CDATA["), occurrences(xml, "]]>"));
    assert_non_null(strstr(xml, "\\uffff\\x01 ]]]]><![CDATA[> <b>&]]>"));
    assert_non_null(strstr(xml, "<![CDATA[Traceback (most recent call last):\nValueError: "));
    free(xml);
    json_decref(results);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bytes_that_are_not_utf8_become_backslash_x),
        cmocka_unit_test(test_controls_become_visible_escapes),
        cmocka_unit_test(test_escaping_twice_changes_nothing_more),
        cmocka_unit_test(test_wrong_slow_and_memory_are_failures_the_rest_errors),
        cmocka_unit_test(test_the_detail_line_is_escaped_and_cut_between_escapes),
        cmocka_unit_test(test_the_table_keeps_one_row_per_result_and_no_raw_control),
        cmocka_unit_test(test_the_csv_keeps_one_line_per_result),
        cmocka_unit_test(test_junit_holds_only_xml_characters_and_counts_its_elements),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
