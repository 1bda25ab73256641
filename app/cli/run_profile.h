/* run_profile.h: `optdemo run --profile`: after each workload's table, every
 * variant's hot line, from what `optdemo profile --only lines` measures,
 * called as a function (run_profile.c). */
#ifndef OPTDEMO_RUN_PROFILE_H
#define OPTDEMO_RUN_PROFILE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "report.h"

/* Profile the workload at `path` (size n; 0: its quick size when `quick`,
 * else its default), print each variant's hot line to `out` and append
 * {workload, n, path, variants: [{variant, lines: {...}}]} to `profiles`.
 * A profile that fails is said in one line and skipped.  0, or 1 on Ctrl-C. */
int run_profile_workload(const char *path, long size, bool quick,
                         const struct report_style *style, FILE *out, json_t *profiles);

/* `optdemo profile PATH --only lines --top 5` as a function (cmd_profile.c):
 * its tables to `out`, *root the JSON its --json writes (NULL when there
 * is none).  Its exit code. */
int profile_lines_json(const char *path, long size, bool quick, FILE *out, json_t **root);

#endif
