/* matrix.c: the matrix of builds (see matrix.h).  Two tables and a list:
 * the speedups over before per build (the lesson: which fix is worth what
 * where), each build's time against the reference build (compare.c), and
 * the workloads whose fastest variant differs between builds -- where a
 * fix that helps on one interpreter does not on another. */
#include "matrix.h"

#include <stdlib.h>
#include <string.h>

#include "json_field.h"
#include "text.h"

void
matrix_clear(struct matrix *matrix)
{
    for (size_t i = 0; i < matrix->n_labels; i++) {
        if (matrix->versus != NULL) {
            comparison_clear(&matrix->versus[i]);
        }
        if (matrix->views != NULL) {
            compare_file_clear(&matrix->views[i]);
        }
    }
    free(matrix->versus);
    free(matrix->views);
    free(matrix->labels);
    memset(matrix, 0, sizeof *matrix);
}

int
matrix_build(const json_t *root, const char *path, const char *reference,
             const struct compare_options *options, struct matrix *out, char **error)
{
    const json_t *interpreters = json_object_get(json_object_get(root, "optdemo"),
                                                 "interpreters");
    size_t count = json_array_size(interpreters);
    memset(out, 0, sizeof *out);
    out->root = root;
    if (count < 2) {
        *error = text_format("%s: the matrix needs a run that measured two interpreters or more "
                             "(`optdemo run --interpreter A --interpreter B ... --json FILE`)",
                             path);
        return -1;
    }
    out->labels = calloc(count, sizeof *out->labels);
    out->views = calloc(count, sizeof *out->views);
    out->versus = calloc(count, sizeof *out->versus);
    if (out->labels == NULL || out->views == NULL || out->versus == NULL) {
        *error = text_copy("out of memory");
        goto error;
    }
    out->n_labels = count;
    for (size_t i = 0; i < count; i++) {
        out->labels[i] = json_field_string(json_array_get(interpreters, i), "label", NULL);
        if (out->labels[i] == NULL) {
            *error = text_format("%s: an interpreter without a label", path);
            goto error;
        }
    }
    bool found = reference == NULL;
    for (size_t i = 0; i < count && !found; i++) {
        if (strcmp(reference, out->labels[i]) == 0) {
            out->reference = i;
            found = true;
        }
    }
    if (!found) {
        *error = text_format("no interpreter labelled '%s' in %s", reference, path);
        goto error;
    }
    for (size_t i = 0; i < count; i++) {
        if (compare_read(root, path, out->labels[i], &out->views[i], error) < 0) {
            goto error;
        }
    }
    for (size_t i = 0; i < count; i++) {
        if (i != out->reference
            && compare_files(&out->views[out->reference], &out->views[i], options,
                             &out->versus[i]) < 0) {
            *error = text_copy("out of memory");
            goto error;
        }
    }
    return 0;
error:
    matrix_clear(out);
    return -1;
}

/* The summary of workload `id` at size n on interpreter `label`, or NULL. */
static const json_t *
find_summary(const json_t *root, const char *id, json_int_t n, const char *label)
{
    const json_t *summaries = json_object_get(json_object_get(root, "optdemo"), "workloads");
    size_t index;
    const json_t *summary;
    json_array_foreach(summaries, index, summary) {
        const char *workload = json_field_string(summary, "workload", NULL);
        const char *interpreter = json_field_string(summary, "interpreter", NULL);
        if (workload != NULL && strcmp(workload, id) == 0
            && json_integer_value(json_object_get(summary, "n")) == n
            && interpreter != NULL && strcmp(interpreter, label) == 0) {
            return summary;
        }
    }
    return NULL;
}

static const json_t *
find_variant(const json_t *summary, const char *name)
{
    size_t index;
    const json_t *variant;
    json_array_foreach(json_object_get(summary, "variants"), index, variant) {
        const char *variant_name = json_field_string(variant, "variant", NULL);
        if (variant_name != NULL && strcmp(variant_name, name) == 0) {
            return variant;
        }
    }
    return NULL;
}

static enum stats_verdict
verdict_of(const char *word)
{
    static const struct { const char *word; enum stats_verdict verdict; } words[] = {
        {"faster", STATS_FASTER}, {"slower", STATS_SLOWER}, {"same", STATS_SAME},
        {"unclear", STATS_UNCLEAR}, {"too few values", STATS_TOO_FEW},
    };
    for (size_t i = 0; word != NULL && i < sizeof words / sizeof words[0]; i++) {
        if (strcmp(word, words[i].word) == 0) {
            return words[i].verdict;
        }
    }
    return STATS_VERDICT_NONE;
}

/* One cell of the speedup table: the variant's speedup on one build, the
 * baseline's median, or why there is none. */
static void
speedup_cell(const json_t *variant, bool unicode, char *cell, size_t size, const char **colour)
{
    const char *status = json_field_string(variant, "status", NULL);
    *colour = "";
    if (variant == NULL || status == NULL) {
        snprintf(cell, size, "-");
    } else if (strcmp(status, "ok") != 0) {
        snprintf(cell, size, "%s", status);
    } else if (json_object_get(variant, "speedup") == NULL) {
        char time[32];
        report_format_time(json_number_value(json_object_get(variant, "median")), unicode, time,
                           sizeof time);
        snprintf(cell, size, "%s", time);
    } else {
        struct speedup_cells cells;
        report_format_speedup(json_number_value(json_object_get(variant, "speedup")),
                              json_number_value(json_object_get(variant, "speedup_ci_low")),
                              json_number_value(json_object_get(variant, "speedup_ci_high")),
                              verdict_of(json_field_string(variant, "verdict", NULL)), unicode,
                              &cells);
        snprintf(cell, size, "%s", cells.speedup);
        *colour = cells.colour;
    }
}

/* Whether variant `name` of workload `id` at n ran cleanly on every build. */
static bool
ran_everywhere(const struct matrix *m, const char *id, json_int_t n, const char *name)
{
    for (size_t i = 0; i < m->n_labels; i++) {
        const json_t *variant = find_variant(find_summary(m->root, id, n, m->labels[i]), name);
        const char *status = json_field_string(variant, "status", NULL);
        if (status == NULL || strcmp(status, "ok") != 0) {
            return false;
        }
    }
    return true;
}

/* A variant's speedup over before as an interval: its bootstrap CI, or
 * [1, 1] for before itself (the first variant).  False when it has none. */
static bool
speedup_interval(const json_t *variant, bool is_before, double *low, double *high)
{
    if (is_before) {
        *low = *high = 1.0;
        return true;
    }
    const json_t *ci_low = json_object_get(variant, "speedup_ci_low");
    const json_t *ci_high = json_object_get(variant, "speedup_ci_high");
    if (!json_is_number(ci_low) || !json_is_number(ci_high)) {
        return false;
    }
    *low = json_number_value(ci_low);
    *high = json_number_value(ci_high);
    return true;
}

/* The fastest variant of workload `id` at n on one build (its summary),
 * among the variants every build ran (a variant unavailable on PyPy does
 * not make before "the fastest" there), and only when the measurement
 * decides it: its speedup's CI lies above every other one's, so two
 * variants that tie never read as "the fastest changed".  NULL otherwise. */
static const char *
best_variant(const struct matrix *m, const json_t *summary, const char *id, json_int_t n)
{
    const json_t *variants = json_object_get(summary, "variants");
    const char *best = NULL;
    double best_low = 0;
    size_t index, compared = 0;
    const json_t *variant;
    json_array_foreach(variants, index, variant) {
        double low, high;
        const char *name = json_field_string(variant, "variant", NULL);
        if (name == NULL || !ran_everywhere(m, id, n, name)) {
            continue;
        }
        if (!speedup_interval(variant, index == 0, &low, &high)) {
            return NULL;
        }
        compared++;
        if (best == NULL || low > best_low) {
            best = name;
            best_low = low;
        }
    }
    json_array_foreach(variants, index, variant) {
        double low, high;
        const char *name = json_field_string(variant, "variant", NULL);
        if (name != NULL && best != NULL && strcmp(name, best) != 0
            && ran_everywhere(m, id, n, name) && speedup_interval(variant, index == 0, &low, &high)
            && high >= best_low) {
            return NULL;        /* overlaps the best: not decided */
        }
    }
    return compared >= 2 ? best : NULL;
}

/* The workloads whose fastest variant differs between builds: two builds,
 * each with a decided fastest variant (best_variant), that differ.  A JSON
 * array of {workload, n, among_variants_on_every_build, fastest: {label:
 * variant or null}}; NULL on no memory. */
static json_t *
fastest_changes(const struct matrix *m)
{
    const json_t *summaries = json_object_get(json_object_get(m->root, "optdemo"), "workloads");
    json_t *changes = json_array();
    size_t index;
    const json_t *summary;
    json_array_foreach(summaries, index, summary) {
        const char *interpreter = json_field_string(summary, "interpreter", NULL);
        const char *id = json_field_string(summary, "workload", NULL);
        json_int_t n = json_integer_value(json_object_get(summary, "n"));
        if (changes == NULL || interpreter == NULL || id == NULL
            || strcmp(interpreter, m->labels[0]) != 0) {
            continue;   /* one entry per workload and size: the first build's summary */
        }
        json_t *fastest = json_object();
        const char *seen = NULL;
        bool differs = false;
        for (size_t i = 0; fastest != NULL && i < m->n_labels; i++) {
            const char *best = best_variant(m, find_summary(m->root, id, n, m->labels[i]), id, n);
            differs = differs || (best != NULL && seen != NULL && strcmp(best, seen) != 0);
            seen = best != NULL ? best : seen;
            json_object_set_new(fastest, m->labels[i], best != NULL ? json_string(best)
                                                                    : json_null());
        }
        /* The variants left out change the lesson: say so. */
        size_t k;
        bool left_out = false;
        const json_t *variant;
        json_array_foreach(json_object_get(summary, "variants"), k, variant) {
            const char *name = json_field_string(variant, "variant", NULL);
            left_out = left_out || (name != NULL && !ran_everywhere(m, id, n, name));
        }
        if (fastest != NULL && differs) {
            json_array_append_new(changes, json_pack("{s:s, s:I, s:b, s:O}", "workload", id,
                                                     "n", n, "among_variants_on_every_build",
                                                     left_out, "fastest", fastest));
        }
        json_decref(fastest);
    }
    return changes;
}

struct table {
    FILE *out;
    const struct report_style *style;
    bool markdown;
    int name_width, cell_width;
};

static void
table_row_start(const struct table *t, const char *name)
{
    if (t->markdown) {
        fprintf(t->out, "| %s |", name);
    } else {
        fprintf(t->out, "  ");
        report_pad(t->out, name, t->name_width, false);
    }
}

/* A cell; the last of a row is not padded (no trailing spaces). */
static void
table_cell(const struct table *t, const char *text, const char *colour, bool last)
{
    if (t->markdown) {
        fprintf(t->out, " %s |", text);
        return;
    }
    fprintf(t->out, "  %s", t->style->color ? colour : "");
    report_pad(t->out, text, last ? 0 : t->cell_width, false);
    fprintf(t->out, "%s", t->style->color && *colour ? "\033[0m" : "");
}

static void
table_header(const struct table *t, const char *first, const char **labels, size_t count,
             size_t skip)
{
    table_row_start(t, first);
    size_t last = skip == count - 1 ? count - 2 : count - 1;
    for (size_t i = 0; i < count; i++) {
        if (i != skip) {
            table_cell(t, labels[i], "", i == last);
        }
    }
    fprintf(t->out, "\n");
    if (t->markdown) {
        fprintf(t->out, "|---|");
        for (size_t i = 0; i < count; i++) {
            fprintf(t->out, i != skip ? "---|" : "");
        }
        fprintf(t->out, "\n");
    }
}

/* Table 1: speedups over before, and the list of changing best variants. */
static void
print_speedups(const struct table *t, const struct matrix *m)
{
    const json_t *summaries = json_object_get(json_object_get(m->root, "optdemo"), "workloads");
    const char *first_label = m->labels[0];
    size_t index;
    const json_t *summary;
    table_header(t, "workload/variant", m->labels, m->n_labels, (size_t)-1);
    json_array_foreach(summaries, index, summary) {
        const char *interpreter = json_field_string(summary, "interpreter", NULL);
        const char *id = json_field_string(summary, "workload", NULL);
        json_int_t n = json_integer_value(json_object_get(summary, "n"));
        if (interpreter == NULL || id == NULL || strcmp(interpreter, first_label) != 0) {
            continue;  /* one row group per workload: the first build's summary */
        }
        size_t k;
        const json_t *variant;
        json_array_foreach(json_object_get(summary, "variants"), k, variant) {
            const char *name = json_field_string(variant, "variant", NULL);
            char *row = text_format("%s/%s", id, name != NULL ? name : "?");
            table_row_start(t, row != NULL ? row : "?");
            free(row);
            for (size_t i = 0; i < m->n_labels; i++) {
                char cell[64];
                const char *colour = "";
                const json_t *other = find_summary(m->root, id, n, m->labels[i]);
                speedup_cell(find_variant(other, name), t->style->unicode || t->markdown, cell,
                             sizeof cell, &colour);
                table_cell(t, cell, colour, i + 1 == m->n_labels);
            }
            fprintf(t->out, "\n");
        }
    }
    /* Where the fastest variant is not the same on every build. */
    json_t *changes = fastest_changes(m);
    const json_t *change;
    json_array_foreach(changes, index, change) {
        fprintf(t->out, "%sthe fastest variant of %s changes between builds%s:",
                t->markdown ? "\n- " : "  ", json_field_string(change, "workload", NULL),
                json_is_true(json_object_get(change, "among_variants_on_every_build"))
                    ? " (among the variants that ran on every build)" : "");
        for (size_t i = 0; i < m->n_labels; i++) {
            const char *best = json_field_string(json_object_get(change, "fastest"), m->labels[i],
                                                 NULL);
            fprintf(t->out, "%s %s on %s", i == 0 ? "" : ",", best != NULL ? best : "no clear one",
                    m->labels[i]);
        }
        fprintf(t->out, "\n");
    }
    json_decref(changes);
}

/* Table 2: each build against the reference, benchmark by benchmark. */
static void
print_versus(const struct table *t, const struct matrix *m)
{
    const struct comparison *first = NULL;
    for (size_t i = 0; i < m->n_labels && first == NULL; i++) {
        first = i != m->reference ? &m->versus[i] : NULL;
    }
    table_header(t, "workload/variant@n", m->labels, m->n_labels, m->reference);
    size_t last = m->reference == m->n_labels - 1 ? m->n_labels - 2 : m->n_labels - 1;
    for (size_t r = 0; first != NULL && r < first->n_rows; r++) {
        const char *name = first->rows[r].name;
        table_row_start(t, name);
        for (size_t i = 0; i < m->n_labels; i++) {
            if (i == m->reference) {
                continue;
            }
            const struct compare_row *row = NULL;
            for (size_t j = 0; j < m->versus[i].n_rows && row == NULL; j++) {
                row = strcmp(m->versus[i].rows[j].name, name) == 0 ? &m->versus[i].rows[j] : NULL;
            }
            struct speedup_cells cells = {.speedup = "-", .colour = ""};
            if (row != NULL) {
                report_format_speedup(row->speedup, row->low, row->high, row->verdict,
                                      t->style->unicode || t->markdown, &cells);
            }
            table_cell(t, cells.speedup, cells.colour, i == last);
        }
        fprintf(t->out, "\n");
    }
    table_row_start(t, "geometric mean");
    for (size_t i = 0; i < m->n_labels; i++) {
        if (i == m->reference) {
            continue;
        }
        struct speedup_cells cells = {.speedup = "-", .colour = ""};
        if (m->versus[i].has_geometric_mean) {
            report_format_speedup(m->versus[i].geometric_mean, m->versus[i].geometric_low,
                                  m->versus[i].geometric_high, STATS_UNCLEAR,
                                  t->style->unicode || t->markdown, &cells);
            char *words = strstr(cells.speedup, ", unclear");
            if (words != NULL) {
                snprintf(words, sizeof cells.speedup - (size_t)(words - cells.speedup), " %s",
                         cells.ci);
            }
        }
        table_cell(t, cells.speedup, "", i == last);
    }
    fprintf(t->out, "\n");
}

void
matrix_print(FILE *out, const struct matrix *m, const struct report_style *style, bool markdown)
{
    struct table t = {out, style, markdown, 34, 24};
    const json_t *summaries = json_object_get(json_object_get(m->root, "optdemo"), "workloads");
    size_t index;
    const json_t *summary;
    json_array_foreach(summaries, index, summary) {
        size_t k;
        const json_t *variant;
        json_array_foreach(json_object_get(summary, "variants"), k, variant) {
            const char *id = json_field_string(summary, "workload", NULL),
                       *name = json_field_string(variant, "variant", NULL);
            int width = (int)(strlen(id != NULL ? id : "") + strlen(name != NULL ? name : "") + 12);
            t.name_width = width > t.name_width ? width : t.name_width;
        }
    }
    fprintf(out, markdown ? "\n## Speedup over before, per build\n\n"
                          : "\nspeedup over before, per build (* significant; the baseline's "
                            "median where the row is before)\n");
    print_speedups(&t, m);
    fprintf(out, markdown ? "\n## Each build against %s\n\n"
                          : "\neach build against %s: the same variant's median there and here "
                            "(* significant; CI over processes, then values)\n",
            m->labels[m->reference]);
    print_versus(&t, m);
}

json_t *
matrix_to_json(const struct matrix *m)
{
    json_t *versus = json_object();
    json_t *labels = json_array();
    for (size_t i = 0; versus != NULL && labels != NULL && i < m->n_labels; i++) {
        json_array_append_new(labels, json_string(m->labels[i]));
        if (i != m->reference) {
            json_object_set_new(versus, m->labels[i], comparison_to_json(&m->versus[i]));
        }
    }
    return json_pack("{s:o, s:s, s:o, s:o}", "interpreters", labels, "reference",
                     m->labels[m->reference], "against_reference", versus,
                     "fastest_changes", fastest_changes(m));
}
