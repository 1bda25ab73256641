/* results.h: the JSON results, in pyperf's layout (version "1.0", common
 * metadata, benchmarks -> runs -> values in seconds per call) so pyperf's
 * own tools read them; one benchmark per workload/variant/size, optdemo's
 * keys (workload, variant, n, checked, speedup...) in its metadata, and an
 * "optdemo" section for what pyperf has no place for (errors, skips,
 * partial runs).  Files are written atomically: temporary file + rename. */
#ifndef OPTDEMO_RESULTS_H
#define OPTDEMO_RESULTS_H

#include <jansson.h>
#include <stdbool.h>

#include "harness.h"

/* Whether `path` can be written (its folder exists and accepts a new file),
 * checked by creating and removing a temporary file there.  0, or -1 with
 * *error set (malloc'd). */
int results_check_writable(const char *path, char **error);

/* The whole run as JSON (a new reference).  `metadata` is borrowed. */
json_t *results_to_json(const struct workload_result *workloads, size_t n,
                        json_t *metadata, bool partial);

/* Write `text` to `path` atomically.  0, or -1 with *error set. */
int results_write_atomic(const char *path, const char *text, size_t length, char **error);

/* json_dumps + results_write_atomic. */
int results_write_json(const char *path, const json_t *root, char **error);

#endif
