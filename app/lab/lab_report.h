/* lab_report.h: a batch of `optdemo lab check` results (a JSON array of
 * lab_result_json objects) as the teacher reads it: the terminal table, CSV
 * and JUnit XML.  A result's strings may come from a student (the file
 * name, an exception's message): each is escaped for its format with
 * text.h's functions, so none can forge a row, drive the terminal, or make
 * a file unreadable.  Pure C: jansson and text.c only. */
#ifndef OPTDEMO_LAB_REPORT_H
#define OPTDEMO_LAB_REPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

/* How a verdict (lab_verdict_word's text) counts in a report: NULL for
 * "pass"; "failure" for the solution's own shortfalls (wrong, too slow, too
 * much memory); "error" for the rest (crashed, timed out, error, and a
 * missing or unknown verdict).  JUnit's counts and elements both come from
 * here, so they agree. */
const char *lab_verdict_kind(const char *verdict);

/* The line of a result's detail that says why -- for a crash or a timeout
 * the first (what happened; the stack follows), else the last non-empty
 * (a traceback's last line is its error) -- escaped for one line
 * (text_escape_controls without newlines) and cut, between characters, to
 * at most `max_bytes` bytes.  malloc'd ("" for no detail); NULL on no
 * memory. */
char *lab_report_detail_line(const json_t *result, size_t max_bytes);

/* The batch's table: one row per result (solution, verdict, cases, speed
 * against the starter and the reference, growth, why not a pass). */
void lab_report_table(FILE *out, const json_t *results);

/* One line per result (RFC 4180, every text field quoted), with a header. */
void lab_report_csv(FILE *out, const json_t *results);

/* JUnit XML: one testsuite, a testcase per result, named by its solution,
 * holding a <failure> or an <error> as lab_verdict_kind says, the detail
 * in CDATA. */
void lab_report_junit(FILE *out, const json_t *results);

#endif
