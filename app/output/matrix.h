/* matrix.h: which fixes matter on which interpreter.  From the results of a
 * run that measured several interpreters (`run --interpreter A
 * --interpreter B ...`): per workload and variant, the speedup over before
 * on each build; each build's time against a reference build (compare.c's
 * CI and verdict); and where the best variant changes from build to build.
 * Pure C on the run's JSON, so `optdemo matrix FILE.json` and `run --matrix`
 * say the same. */
#ifndef OPTDEMO_MATRIX_H
#define OPTDEMO_MATRIX_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "compare.h"
#include "report.h"

struct matrix {
    const json_t *root;            /* the run's JSON (borrowed) */
    const char **labels;           /* interpreters, in the run's order */
    size_t n_labels;
    size_t reference;              /* index of the reference build */
    struct results_file *views;    /* each interpreter's benchmarks */
    struct comparison *versus;     /* each build against the reference */
};

/* Build the matrix of `root` (read from `path`), against the interpreter
 * labelled `reference` (NULL: the first).  0, or -1 with *error (no
 * optdemo run, fewer than two interpreters, an unknown label). */
int matrix_build(const json_t *root, const char *path, const char *reference,
                 const struct compare_options *options, struct matrix *out, char **error);
void matrix_clear(struct matrix *matrix);

void matrix_print(FILE *out, const struct matrix *matrix, const struct report_style *style,
                  bool markdown);

/* The matrix as JSON (a new reference). */
json_t *matrix_to_json(const struct matrix *matrix);

#endif
