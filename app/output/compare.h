/* compare.h: `optdemo compare`'s model -- results files side by side,
 * benchmark by benchmark.  optdemo writes pyperf's layout, so one reader
 * takes both optdemo's files and pyperf's own (`pyperf timeit -o`): a
 * benchmark is its name, its unit and its values grouped by run (one run
 * per worker process).  Pure C: jansson and the statistics, no Python. */
#ifndef OPTDEMO_COMPARE_H
#define OPTDEMO_COMPARE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "stats.h"

/* One benchmark of one file. */
struct bench_sample {
    char *name;              /* metadata.name, or the file's common name */
    char *unit;              /* "second" unless the metadata names another */
    char *source_sha256;     /* optdemo's hash of the workload file, or NULL */
    double *values;          /* every value, run after run */
    size_t *run_sizes;       /* values per run (runs without values left out) */
    size_t n_values, n_runs;
};

struct results_file {
    char *path;
    char *label;             /* the file's name, for column headers */
    char *description;       /* what was measured on what, from the metadata */
    bool from_optdemo;       /* written by optdemo (else pyperf or alike) */
    json_t *metadata;        /* the file's common metadata (owned; may be empty) */
    struct bench_sample *benchmarks;
    size_t count;
};

/* Read `path`.  0, or -1 with *error set (malloc'd): unreadable, not JSON,
 * not pyperf's layout, a value that is not a positive number. */
int compare_load(const char *path, struct results_file *out, char **error);
void compare_file_clear(struct results_file *file);

/* The same from a parsed file; with `interpreter`, only the benchmarks
 * measured on it (metadata "interpreter"), named without their " [label]"
 * suffix: one interpreter's share of a run that measured several. */
int compare_read(const json_t *root, const char *path, const char *interpreter,
                 struct results_file *out, char **error);

struct compare_options {
    double alpha;            /* Mann-Whitney U threshold */
    double min_effect;       /* smallest |speedup - 1| that counts */
    unsigned resamples;      /* bootstrap resamples */
};

/* The statistics' defaults, as `optdemo run` judges. */
static inline struct compare_options
compare_options_default(void)
{
    return (struct compare_options){STATS_DEFAULT_ALPHA, STATS_DEFAULT_MIN_EFFECT,
                                    STATS_DEFAULT_RESAMPLES};
}

/* One benchmark present in both files.  speedup = median(reference) /
 * median(other): above 1 the other file's run is faster. */
struct compare_row {
    const char *name;        /* borrowed from the reference file */
    const char *unit;
    double reference, other; /* medians */
    double speedup, low, high; /* and its 95% CI: processes, then values */
    double p_value;
    size_t n_reference, n_other;
    enum stats_verdict verdict;
};

struct comparison {
    const struct results_file *reference, *other;
    struct compare_row *rows;
    size_t n_rows;
    const char **only_reference, **only_other; /* names in one file only */
    size_t n_only_reference, n_only_other;
    const char **changed;    /* names whose workload source differs */
    size_t n_changed;
    char **warnings;         /* how the two runs' conditions differ (owned) */
    size_t n_warnings;
    bool has_geometric_mean; /* over the rows measured in seconds */
    double geometric_mean, geometric_low, geometric_high;
    size_t geometric_count;
};

/* Compare `other` with `reference`.  Benchmarks match by name; unequal
 * numbers of values and runs are fine.  A benchmark whose workload source
 * hash differs between the files is listed in `changed` and not compared.
 * `warnings` say where the runs' conditions differ: timing template,
 * interpreter, CPU, NumPy, the collector, the machine's load.  0, or -1 on
 * no memory. */
int compare_files(const struct results_file *reference, const struct results_file *other,
                  const struct compare_options *options, struct comparison *out);
void comparison_clear(struct comparison *comparison);

/* The comparison as JSON (a new reference). */
json_t *comparison_to_json(const struct comparison *comparison);

#endif
