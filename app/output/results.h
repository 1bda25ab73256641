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
#include <stdio.h>

#include "growth.h"
#include "workload_result.h"

/* Whether `path` can be written (its folder exists and accepts a new file),
 * checked by creating and removing a temporary file there.  0, or -1 with
 * *error set (malloc'd). */
int results_check_writable(const char *path, char **error);

/* A sweep: one workload on one interpreter at increasing n, the results
 * workloads[first .. first + count). */
struct result_group {
    size_t first, count;
    struct growth growth;      /* growth_analyse of the sweep, owned by the run */
};

/* A whole run, as the harness left it.  Everything is borrowed. */
struct run_record {
    const struct workload_result *workloads;
    size_t count;
    const struct result_group *sweeps;
    size_t n_sweeps;
    json_t *metadata;          /* the run's common metadata */
    json_t *interpreters;      /* array of {label, path, template, overhead, metadata} */
    bool several_interpreters; /* benchmark names then carry the interpreter */
    bool partial;
};

/* The whole run as JSON (a new reference), or NULL on no memory. */
json_t *results_to_json(const struct run_record *run);

/* The output files a command was asked for (NULL entries skipped), checked
 * before anything is measured: 0, or -1 after printing "optdemo COMMAND:
 * why" on stderr for the first that cannot be written. */
int results_check_outputs(const char *command, const char *const *paths, size_t count);

/* Write what `write(stream, context)` prints to `path`, atomically (the
 * text is built in memory first).  0, or -1 with *error set. */
int results_write_stream(const char *path, void (*write)(FILE *stream, const void *context),
                         const void *context, char **error);

/* Write `text` to `path` atomically.  0, or -1 with *error set. */
int results_write_atomic(const char *path, const char *text, size_t length, char **error);

/* json_dumps + results_write_atomic. */
int results_write_json(const char *path, const json_t *root, char **error);

#endif
