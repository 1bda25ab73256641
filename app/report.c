/* report.c: the terminal table and the Markdown.  Both are built from the
 * same cells (format_row), so the slide and the lab report say the same
 * thing; only the framing differs. */
#include "report.h"

#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GREEN "\033[32m"
#define RED "\033[31m"
#define YELLOW "\033[33m"
#define BOLD "\033[1m"
#define DIM "\033[2m"
#define RESET "\033[0m"

struct report_style
report_style_for(FILE *stream, bool no_color)
{
    struct report_style style = {false, false};
    const char *no_color_env = getenv("NO_COLOR");
    style.color = !no_color && isatty(fileno(stream))
                  && (no_color_env == NULL || *no_color_env == '\0');
    setlocale(LC_CTYPE, "");
    style.unicode = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    return style;
}

void
report_format_time(double seconds, bool unicode, char *buffer, size_t size)
{
    static const struct { double scale; const char *unit; } units[] = {
        {1.0, "s"}, {1e-3, "ms"}, {1e-6, "us"}, {1e-9, "ns"},
    };
    size_t i = 0;
    while (i + 1 < sizeof units / sizeof units[0] && seconds < units[i].scale) {
        i++;
    }
    const char *unit = units[i].unit;
    if (unicode && strcmp(unit, "us") == 0) {
        unit = "µs";
    }
    snprintf(buffer, size, "%.3g %s", seconds / units[i].scale, unit);
}

void
report_format_bytes(double bytes, char *buffer, size_t size)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB"};
    size_t i = 0;
    while (i + 1 < sizeof units / sizeof units[0] && bytes >= 1024) {
        bytes /= 1024;
        i++;
    }
    snprintf(buffer, size, "%.3g %s", bytes, units[i]);
}

/* The cells of one row, as plain text. */
struct row {
    char median[32], spread[32], min[32], speedup[48], ci[48], memory[32], per_item[32];
    const char *check;
    const char *colour;  /* for the speedup cell */
};

static void
format_row(const struct workload_result *w, size_t k, bool unicode, struct row *row)
{
    const struct variant_result *v = &w->variants[k];
    memset(row, 0, sizeof *row);
    row->colour = "";
    switch (v->status) {
    case VARIANT_OK: row->check = unicode ? "✓" : "ok"; break;
    case VARIANT_MISMATCH: row->check = "FAILED"; break;
    case VARIANT_ERROR: row->check = "ERROR"; break;
    case VARIANT_SKIPPED: row->check = "skipped"; break;
    case VARIANT_NOT_RUN: row->check = "not run"; break;
    case VARIANT_UNAVAILABLE: row->check = "unavailable"; break;
    }
    if (v->n_values > 0) {
        report_format_time(v->summary.median, unicode, row->median, sizeof row->median);
        snprintf(row->spread, sizeof row->spread, "%s%.1f%%", unicode ? "±" : "+-",
                 v->summary.median > 0 ? 50.0 * v->summary.iqr / v->summary.median : 0.0);
        report_format_time(v->summary.min, unicode, row->min, sizeof row->min);
    }
    if (k == 0 && v->n_values > 0) {
        snprintf(row->speedup, sizeof row->speedup, "baseline");
    } else if (v->has_speedup) {
        const char *times = unicode ? "×" : "x";
        const char *verdict = !v->significant ? "same" : v->speedup > 1 ? "faster" : "slower";
        snprintf(row->speedup, sizeof row->speedup, "%.3g%s %s%s", v->speedup, times, verdict,
                 v->significant ? " *" : "");
        snprintf(row->ci, sizeof row->ci, "[%.3g, %.3g]", v->ci_low, v->ci_high);
        row->colour = !v->significant ? "" : v->speedup > 1 ? GREEN : RED;
    }
    if (v->memory_peak >= 0) {
        report_format_bytes((double)v->memory_peak, row->memory, sizeof row->memory);
        double per_item = (double)v->memory_peak / (double)w->n;
        if (per_item < 1) {
            snprintf(row->per_item, sizeof row->per_item, "<1 B");
        } else {
            report_format_bytes(per_item, row->per_item, sizeof row->per_item);
        }
    }
}

/* Display width of UTF-8 text: count the bytes that start a character. */
static int
display_width(const char *text)
{
    int width = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        width += (*p & 0xC0) != 0x80;
    }
    return width;
}

static void
pad(FILE *out, const char *text, int width, bool right)
{
    int fill = width - display_width(text);
    if (right) {
        fprintf(out, "%*s%s", fill > 0 ? fill : 0, "", text);
    } else {
        fprintf(out, "%s%*s", text, fill > 0 ? fill : 0, "");
    }
}

/* Print `text` with every line indented. */
static void
print_indented(FILE *out, const char *indent, const char *text)
{
    const char *line = text;
    while (line != NULL && *line != '\0') {
        const char *end = strchr(line, '\n');
        int length = end != NULL ? (int)(end - line) : (int)strlen(line);
        fprintf(out, "%s%.*s\n", indent, length, line);
        line = end != NULL ? end + 1 : NULL;
    }
}

void
report_workload(FILE *out, const struct workload_result *w, const struct report_style *style)
{
    const char *bold = style->color ? BOLD : "", *reset = style->color ? RESET : "";
    const char *dim = style->color ? DIM : "", *red = style->color ? RED : "";

    fprintf(out, "\n%s%s%s", bold, w->id, reset);
    if (w->title != NULL) {
        fprintf(out, " %s %s  %s[%s]%s", style->unicode ? "—" : "-", w->title, dim,
                w->section, reset);
    }
    if (w->n > 0) {
        fprintf(out, "  n=%ld", w->n);
    }
    fprintf(out, "%s\n", w->partial ? "  (interrupted: partial)" : "");
    if (w->error != NULL) {
        fprintf(out, "  %sERROR%s\n", red, reset);
        print_indented(out, "    ", w->error);
        return;
    }
    int name_width = 7;
    for (size_t k = 0; k < w->n_variants; k++) {
        int width = display_width(w->variants[k].name);
        name_width = width > name_width ? width : name_width;
    }
    fprintf(out, "  %s", dim);
    pad(out, "variant", name_width, false);
    fprintf(out, "  %9s  %7s  %9s  %-16s  %-16s  %10s  %10s  %s%s\n", "median", "IQR/2",
            "min", "vs before", "95% CI", "mem peak", "per item", "check", reset);
    for (size_t k = 0; k < w->n_variants; k++) {
        const struct variant_result *v = &w->variants[k];
        struct row row;
        format_row(w, k, style->unicode, &row);
        fprintf(out, "  ");
        pad(out, v->name, name_width, false);
        fprintf(out, "  ");
        pad(out, row.median, 9, true);
        fprintf(out, "  ");
        pad(out, row.spread, 7, true);
        fprintf(out, "  ");
        pad(out, row.min, 9, true);
        fprintf(out, "  %s", style->color ? row.colour : "");
        pad(out, row.speedup, 16, false);
        fprintf(out, "%s  ", style->color && *row.colour ? RESET : "");
        pad(out, row.ci, 16, false);
        fprintf(out, "  ");
        pad(out, row.memory, 10, true);
        fprintf(out, "  ");
        pad(out, row.per_item, 10, true);
        bool bad = v->status == VARIANT_MISMATCH || v->status == VARIANT_ERROR;
        fprintf(out, "  %s%s%s\n", bad ? red : "", row.check, bad ? reset : "");
    }
    for (size_t k = 0; k < w->n_variants; k++) {
        const struct variant_result *v = &w->variants[k];
        if (w->notes[k] != NULL) {
            fprintf(out, "  %s%s: %s%s\n", dim, v->name, w->notes[k], reset);
        }
        if (v->detail != NULL) {
            bool bad = v->status == VARIANT_MISMATCH || v->status == VARIANT_ERROR;
            fprintf(out, "  %s%s%s:%s\n", bad ? red : "", v->name,
                    v->status == VARIANT_MISMATCH ? " FAILED, result differs from before's" : "",
                    bad ? reset : "");
            print_indented(out, "    ", v->detail);
        }
    }
    if (w->no_native != NULL) {
        fprintf(out, "  %snative: none — %s%s\n", dim, w->no_native, reset);
    }
}

static const char *
growth_word(double exponent)
{
    if (exponent < 0.3) {
        return "flat";
    }
    if (exponent < 0.8) {
        return "sublinear";
    }
    if (exponent < 1.3) {
        return "linear";
    }
    if (exponent < 1.7) {
        return "superlinear";
    }
    return exponent < 2.4 ? "quadratic" : "worse than quadratic";
}

void
report_growth(FILE *out, const struct workload_result *sizes, size_t count,
              const struct report_style *style)
{
    const struct workload_result *first = &sizes[0];
    const char *bold = style->color ? BOLD : "", *reset = style->color ? RESET : "";
    const char *dim = style->color ? DIM : "";
    int name_width = 7;
    for (size_t k = 0; k < first->n_variants; k++) {
        int width = display_width(first->variants[k].name);
        name_width = width > name_width ? width : name_width;
    }
    fprintf(out, "\n%s%s%s %s %s  %s[%s]%s  growth over n\n", bold, first->id, reset,
            style->unicode ? "—" : "-", first->title != NULL ? first->title : "", dim,
            first->section != NULL ? first->section : "", reset);
    fprintf(out, "  %s", dim);
    pad(out, "variant", name_width, false);
    for (size_t s = 0; s < count; s++) {
        char label[32];
        snprintf(label, sizeof label, "n=%ld", sizes[s].n);
        fprintf(out, "  ");
        pad(out, label, 10, true);
    }
    fprintf(out, "  %s%s\n", "cost grows as", reset);
    for (size_t k = 0; k < first->n_variants; k++) {
        fprintf(out, "  ");
        pad(out, first->variants[k].name, name_width, false);
        for (size_t s = 0; s < count; s++) {
            char cell[32] = "-";
            const struct variant_result *v =
                k < sizes[s].n_variants ? &sizes[s].variants[k] : NULL;
            if (v != NULL && v->n_values > 0) {
                report_format_time(v->summary.median, style->unicode, cell, sizeof cell);
            } else if (v != NULL && v->status == VARIANT_SKIPPED) {
                snprintf(cell, sizeof cell, "skipped");
            } else if (v != NULL && v->status != VARIANT_OK) {
                snprintf(cell, sizeof cell, "%s", v->status == VARIANT_MISMATCH ? "FAILED" : "ERROR");
            }
            fprintf(out, "  ");
            pad(out, cell, 10, true);
        }
        double exponent = 0;
        if (harness_growth_exponent(sizes, count, k, &exponent)) {
            fprintf(out, "  n^%.2f (%s)\n", exponent, growth_word(exponent));
        } else {
            fprintf(out, "  too few sizes measured\n");
        }
    }
    fprintf(out, "  %smedian seconds per call at each n; the exponent is a least-squares fit of "
                 "log(time) on log(n)%s\n", dim, reset);
}

void
report_legend(FILE *out, const struct harness_options *options, const struct report_style *style)
{
    const char *dim = style->color ? DIM : "", *reset = style->color ? RESET : "";
    fprintf(out,
            "\n%sTimes are seconds per call: the median of %d values, each lasting >= %.0f ms "
            "(loops calibrated),\nvariants interleaved round by round; IQR/2 is half the "
            "interquartile range over the median.\n"
            "vs before = median(before) / median(variant); 95%% CI by bootstrap over paired "
            "rounds;\n* = Mann-Whitney U p < %.2g and at least %.0f%% apart, otherwise 'same'. "
            "GC %s. Memory: tracemalloc peak\nof one call, in a separate pass; per item = peak / n.%s\n",
            dim, options->rounds, options->min_time * 1e3, options->alpha,
            options->min_effect * 100, options->gc ? "on" : "off", reset);
}

char *
report_markdown(const struct workload_result *workloads, size_t n, const char *context,
                const struct harness_options *options)
{
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    if (out == NULL) {
        return NULL;
    }
    fprintf(out, "# optdemo results\n\n%s\n", context);
    for (size_t i = 0; i < n; i++) {
        const struct workload_result *w = &workloads[i];
        fprintf(out, "\n## %s — %s\n\n", w->id, w->title != NULL ? w->title : "");
        if (w->section != NULL) {
            fprintf(out, "Section: %s. n = %ld%s.\n\n", w->section, w->n,
                    w->partial ? " (interrupted: partial)" : "");
        }
        if (w->error != NULL) {
            fprintf(out, "**ERROR**\n\n```\n%s\n```\n", w->error);
            continue;
        }
        fprintf(out, "| variant | median | IQR/2 | min | vs before | 95%% CI | memory peak "
                     "| per item | check |\n|---|---:|---:|---:|---|---|---:|---:|---|\n");
        for (size_t k = 0; k < w->n_variants; k++) {
            struct row row;
            format_row(w, k, true, &row);
            fprintf(out, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", w->variants[k].name,
                    row.median, row.spread, row.min, row.speedup, row.ci, row.memory,
                    row.per_item, row.check);
        }
        for (size_t k = 0; k < w->n_variants; k++) {
            if (w->variants[k].detail != NULL) {
                fprintf(out, "\n- `%s`: %s", w->variants[k].name, w->variants[k].detail);
            }
            if (w->notes[k] != NULL) {
                fprintf(out, "\n- `%s`: %s", w->variants[k].name, w->notes[k]);
            }
        }
        if (w->no_native != NULL) {
            fprintf(out, "\n- native: none — %s", w->no_native);
        }
        fprintf(out, "\n");
    }
    fprintf(out, "\nMedian of %d values per variant, each >= %.0f ms, variants interleaved; "
                 "vs before = ratio of medians with a paired bootstrap 95%% CI; * = Mann-Whitney "
                 "U p < %.2g and >= %.0f%% apart. GC %s.\n",
            options->rounds, options->min_time * 1e3, options->alpha, options->min_effect * 100,
            options->gc ? "on" : "off");
    if (fclose(out) != 0) {
        free(text);
        return NULL;
    }
    return text;
}
