/* profile_report.h: the last steps of a sampled profile's report, shared by
 * `optdemo profile SCRIPT.py` and `optdemo profile --pid PID`: the report
 * is one JSON object (docs/profiling.md lists its keys), and pyscripts'
 * script_report.py, called in the host's interpreter with it as JSON text,
 * derives the rest and writes it out. */
#ifndef OPTDEMO_PROFILE_REPORT_H
#define OPTDEMO_PROFILE_REPORT_H

#include <jansson.h>
#include <stdio.h>

struct profile_outputs {
    const char *collapsed_path, *json_path, *html_path;   /* NULL: not written */
    long top;                     /* rows of the main table */
};

/* script_report.FUNCTION(report as JSON text, extra): its str result
 * (malloc'd), or NULL after printing why.  The interpreter must run. */
char *profile_report_call(const char *function, const json_t *report, const char *extra);

/* Whether `path` is a results file hot_findings can read: 0, or -1 after
 * saying why not. */
int profile_report_check_results(const char *path);

/* Complete *report (script_report.complete: the costs, the findings; it is
 * replaced), print its text on `out`, then write the outputs asked for.
 * 0, or -1 after saying what failed. */
int profile_report_finish(json_t **report, FILE *out, const struct profile_outputs *outputs);

#endif
