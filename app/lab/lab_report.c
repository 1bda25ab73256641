/* lab_report.c: see lab_report.h.  Every string read from a result goes
 * through text_escape_controls on its way out, whatever key it comes from:
 * the child that wrote the result is ours, but it copies the file name and
 * the exception's message as the student made them.  The escaped text holds
 * no control character and is valid UTF-8, which is also all XML 1.0 asks
 * of a character; only the markup characters are left to each format. */
#include "lab_report.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "json_field.h"
#include "text.h"

/* The "why not a pass" column of the table and the detail column of the
 * CSV, in bytes. */
enum { TABLE_DETAIL_BYTES = 99, CSV_DETAIL_BYTES = 511 };

const char *
lab_verdict_kind(const char *verdict)
{
    static const char *const failures[] = {"wrong", "too slow", "too much memory"};
    if (verdict != NULL && strcmp(verdict, "pass") == 0) {
        return NULL;
    }
    for (size_t i = 0; verdict != NULL && i < sizeof failures / sizeof *failures; i++) {
        if (strcmp(verdict, failures[i]) == 0) {
            return "failure";
        }
    }
    return "error";
}

char *
lab_report_detail_line(const json_t *result, size_t max_bytes)
{
    const char *detail = json_field_string(result, "detail", NULL);
    const char *verdict = json_field_string(result, "verdict", NULL);
    bool first = verdict != NULL && (strcmp(verdict, "crashed") == 0
                                     || strcmp(verdict, "timed out") == 0);
    const char *line = detail != NULL ? detail : "";
    for (const char *p = line; !first && *p != '\0'; p++) {
        if (*p == '\n' && p[1] != '\0' && p[1] != '\n') {
            line = p + 1;
        }
    }
    /* Escaping never shortens, so no more than max_bytes of the line can
     * fit; a prefix is then shortened a character at a time until its
     * escape fits (cutting the escaped text instead could leave half an
     * escape, "\x1", which reads as something the student never wrote). */
    size_t keep = strcspn(line, "\n");
    keep = keep < max_bytes ? keep : max_bytes;
    for (;;) {
        while (keep > 0 && ((unsigned char)line[keep] & 0xC0) == 0x80) {
            keep--;
        }
        char *prefix = strndup(line, keep);
        char *escaped = text_escape_controls(prefix, false);
        free(prefix);
        if (escaped == NULL || strlen(escaped) <= max_bytes) {
            return escaped;
        }
        free(escaped);
        keep--;
    }
}

/* Display columns of UTF-8 text: the bytes that start a character (as
 * report_display_width counts them; no wide glyphs). */
static int
display_width(const char *text)
{
    int width = 0;
    for (const char *p = text; *p != '\0'; p++) {
        width += ((unsigned char)*p & 0xC0) != 0x80;
    }
    return width;
}

void
lab_report_table(FILE *out, const json_t *results)
{
    size_t index;
    const json_t *result;
    int width = (int)strlen("solution");
    json_array_foreach(results, index, result) {
        const char *solution = json_field_string(result, "solution", NULL);
        char *name = text_escape_controls(solution != NULL ? solution : "?", false);
        int name_width = name != NULL ? display_width(name) : 1;
        width = name_width > width ? name_width : width;
        free(name);
    }
    fprintf(out, "%-*s  %-15s  %7s  %12s  %14s  %-7s  %s\n", width, "solution", "verdict",
            "cases", "vs starter", "vs reference", "growth", "why not a pass");
    json_array_foreach(results, index, result) {
        const char *solution = json_field_string(result, "solution", NULL);
        const char *verdict = json_field_string(result, "verdict", NULL);
        char *name = text_escape_controls(solution != NULL ? solution : "?", false);
        char *verdict_shown = text_escape_controls(verdict != NULL ? verdict : "?", false);
        char *why = lab_verdict_kind(verdict) != NULL
                        ? lab_report_detail_line(result, TABLE_DETAIL_BYTES) : NULL;
        const json_t *timing = json_object_get(result, "timing");
        const json_t *exponent = json_object_get(json_object_get(result, "growth"), "solution");
        char cases[48], starter[32] = "-", reference[32] = "-", growth[32] = "-";
        snprintf(cases, sizeof cases, "%lld/%lld",
                 json_integer_value(json_object_get(result, "cases_passed")),
                 json_integer_value(json_object_get(result, "cases_total")));
        if (timing != NULL) {
            snprintf(starter, sizeof starter, "%.3gx",
                     json_number_value(json_object_get(timing, "vs_starter")));
            snprintf(reference, sizeof reference, "%.3gx",
                     json_number_value(json_object_get(timing, "vs_reference")));
        }
        if (exponent != NULL) {
            snprintf(growth, sizeof growth, "n^%.2f", json_number_value(exponent));
        }
        int fill = width - (name != NULL ? display_width(name) : 1);
        fprintf(out, "%s%*s  %-15s  %7s  %12s  %14s  %-7s  %s\n", name != NULL ? name : "?",
                fill > 0 ? fill : 0, "", verdict_shown != NULL ? verdict_shown : "?", cases,
                starter, reference, growth, why != NULL ? why : "");
        free(name);
        free(verdict_shown);
        free(why);
    }
}

/* A CSV field (RFC 4180): on one line, quoted, its quotes doubled. */
static void
csv_field(FILE *out, const char *text)
{
    char *escaped = text_escape_controls(text != NULL ? text : "", false);
    fputc('"', out);
    for (const char *p = escaped != NULL ? escaped : ""; *p != '\0'; p++) {
        if (*p == '"') {
            fputc('"', out);
        }
        fputc(*p, out);
    }
    fputc('"', out);
    free(escaped);
}

void
lab_report_csv(FILE *out, const json_t *results)
{
    size_t index;
    const json_t *result;
    fprintf(out, "solution,verdict,cases_passed,cases_total,vs_starter,vs_reference,growth,"
                 "memory_vs_starter,detail\n");
    json_array_foreach(results, index, result) {
        const json_t *timing = json_object_get(result, "timing");
        csv_field(out, json_field_string(result, "solution", NULL));
        fputc(',', out);
        csv_field(out, json_field_string(result, "verdict", NULL));
        fprintf(out, ",%lld,%lld,", json_integer_value(json_object_get(result, "cases_passed")),
                json_integer_value(json_object_get(result, "cases_total")));
        if (timing != NULL) {
            fprintf(out, "%.4g,%.4g,", json_number_value(json_object_get(timing, "vs_starter")),
                    json_number_value(json_object_get(timing, "vs_reference")));
        } else {
            fprintf(out, ",,");
        }
        const json_t *growth = json_object_get(json_object_get(result, "growth"), "solution");
        if (growth != NULL) {
            fprintf(out, "%.3g", json_number_value(growth));
        }
        const json_t *memory = json_object_get(json_object_get(result, "memory"), "vs_starter");
        fputc(',', out);
        if (memory != NULL) {
            fprintf(out, "%.3g", json_number_value(memory));
        }
        char *line = lab_report_detail_line(result, CSV_DETAIL_BYTES);
        fputc(',', out);
        csv_field(out, line);
        fputc('\n', out);
        free(line);
    }
}

/* `text` as the value of an XML attribute: on one line, every markup
 * character as its entity. */
static void
xml_attribute(FILE *out, const char *text)
{
    char *escaped = text_escape_controls(text != NULL ? text : "?", false);
    for (const char *p = escaped != NULL ? escaped : "?"; *p != '\0'; p++) {
        switch (*p) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        default: fputc(*p, out); break;
        }
    }
    free(escaped);
}

/* `text` as a CDATA section, its lines kept.  "]]>" would end the
 * section: it is split across two. */
static void
xml_cdata(FILE *out, const char *text)
{
    char *escaped = text_escape_controls(text != NULL ? text : "", true);
    fputs("<![CDATA[", out);
    for (const char *p = escaped != NULL ? escaped : ""; *p != '\0'; p++) {
        if (strncmp(p, "]]>", 3) == 0) {
            fputs("]]]]><![CDATA[>", out);
            p += 2;
        } else {
            fputc(*p, out);
        }
    }
    fputs("]]>", out);
    free(escaped);
}

static void
junit_case(FILE *out, const json_t *result)
{
    const char *verdict = json_field_string(result, "verdict", NULL);
    const char *kind = lab_verdict_kind(verdict);
    fputs("    <testcase classname=\"optdemo.lab.", out);
    xml_attribute(out, json_field_string(result, "lab", NULL));
    fputs("\" name=\"", out);
    xml_attribute(out, json_field_string(result, "solution", NULL));
    fprintf(out, "\" time=\"%.3f\">", json_number_value(json_object_get(result, "duration")));
    if (kind != NULL) {
        fprintf(out, "\n      <%s message=\"", kind);
        xml_attribute(out, verdict);
        fputs("\">", out);
        xml_cdata(out, json_field_string(result, "detail", NULL));
        fprintf(out, "</%s>\n    ", kind);
    }
    fputs("</testcase>\n", out);
}

void
lab_report_junit(FILE *out, const json_t *results)
{
    size_t failures = 0, errors = 0, index;
    const json_t *result;
    json_array_foreach(results, index, result) {
        const char *kind = lab_verdict_kind(json_field_string(result, "verdict", NULL));
        failures += kind != NULL && strcmp(kind, "failure") == 0;
        errors += kind != NULL && strcmp(kind, "error") == 0;
    }
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
                 "  <testsuite name=\"optdemo lab\" tests=\"%zu\" failures=\"%zu\" "
                 "errors=\"%zu\">\n", json_array_size(results), failures, errors);
    json_array_foreach(results, index, result) {
        junit_case(out, result);
    }
    fprintf(out, "  </testsuite>\n</testsuites>\n");
}
