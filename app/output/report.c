/* report.c: the terminal table and the Markdown.  Both are built from the
 * same cells (format_row), so the slide and the lab report say the same
 * thing; only the framing differs. */
#include "report.h"

#include "growth.h"

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
    /* Three significant digits, but never "1e+03": 1000-1023 of a unit
     * (and past the largest unit) print whole. */
    snprintf(buffer, size, bytes >= 1000 ? "%.0f %s" : "%.3g %s", bytes, units[i]);
}

/* The cells of one row, as plain text. */
struct row {
    char median[32], spread[32], min[32], speedup[64], ci[48], memory[32], per_item[32];
    const char *check;
    const char *colour;  /* for the speedup cell */
};

static const char *
check_word(enum variant_status status, bool unicode)
{
    switch (status) {
    case VARIANT_OK: return unicode ? "✓" : "ok";
    case VARIANT_MISMATCH: return "FAILED";
    case VARIANT_ERROR: return "ERROR";
    case VARIANT_TIMEOUT: return "TIMEOUT";
    case VARIANT_CRASHED: return "CRASHED";
    case VARIANT_SKIPPED: return "skipped";
    case VARIANT_NOT_RUN: return "not run";
    case VARIANT_UNAVAILABLE: return "unavailable";
    }
    return "?";
}

static bool
is_bad(enum variant_status status)
{
    return status == VARIANT_MISMATCH || status == VARIANT_ERROR || status == VARIANT_TIMEOUT
           || status == VARIANT_CRASHED;
}

/* A factor with three significant digits, zeros kept: "1.00", "17.9", "112". */
static void
format_factor(double factor, char *buffer, size_t size)
{
    int decimals = factor < 9.995 ? 2 : factor < 99.95 ? 1 : 0;
    snprintf(buffer, size, "%.*f", decimals, factor);
}

void
report_format_speedup(double speedup, double ci_low, double ci_high, enum stats_verdict verdict,
                      bool unicode, struct speedup_cells *out)
{
    const char *times = unicode ? "×" : "x";
    bool slower = speedup < 1;
    double factor = slower ? 1 / speedup : speedup;
    double low = slower ? 1 / ci_high : ci_low, high = slower ? 1 / ci_low : ci_high;
    const char *direction = slower ? "slower" : "faster";
    const char *suffix = "";
    char text[16], low_text[16], high_text[16];
    memset(out, 0, sizeof *out);
    out->colour = "";
    switch (verdict) {
    case STATS_FASTER:
    case STATS_SLOWER:
        suffix = " *";
        out->colour = slower ? RED : GREEN;
        break;
    case STATS_SAME: suffix = ", same"; break;
    case STATS_UNCLEAR: suffix = ", unclear"; break;
    case STATS_TOO_FEW: suffix = ", too few values"; break;
    case STATS_VERDICT_NONE: return;
    }
    format_factor(factor, text, sizeof text);
    format_factor(low, low_text, sizeof low_text);
    format_factor(high, high_text, sizeof high_text);
    snprintf(out->speedup, sizeof out->speedup, "%s%s %s%s", text, times, direction, suffix);
    snprintf(out->ci, sizeof out->ci, "[%s, %s]", low_text, high_text);
}

static void
format_row(const struct workload_result *w, size_t k, bool unicode, struct row *row)
{
    const struct variant_result *v = &w->variants[k];
    memset(row, 0, sizeof *row);
    row->colour = "";
    row->check = check_word(v->status, unicode);
    if (v->n_values > 0) {
        report_format_time(v->summary.median, unicode, row->median, sizeof row->median);
        snprintf(row->spread, sizeof row->spread, "%s%.1f%%%s", unicode ? "±" : "+-",
                 v->summary.median > 0 ? 50.0 * v->summary.iqr / v->summary.median : 0.0,
                 v->unstable != NULL ? "!" : "");
        report_format_time(v->summary.min, unicode, row->min, sizeof row->min);
    }
    if (k == 0 && v->n_values > 0) {
        snprintf(row->speedup, sizeof row->speedup, "baseline");
    } else if (v->has_speedup) {
        struct speedup_cells cells;
        report_format_speedup(v->speedup, v->ci_low, v->ci_high, v->verdict, unicode, &cells);
        snprintf(row->speedup, sizeof row->speedup, "%s", cells.speedup);
        snprintf(row->ci, sizeof row->ci, "%s", cells.ci);
        row->colour = cells.colour;
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

int
report_display_width(const char *text, size_t bytes)
{
    int width = 0;
    for (size_t i = 0; i < bytes && text[i] != '\0'; i++) {
        width += ((unsigned char)text[i] & 0xC0) != 0x80;
    }
    return width;
}

static int
display_width(const char *text)
{
    return report_display_width(text, strlen(text));
}

void
report_pad(FILE *out, const char *text, int width, bool right)
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

/* The first `max_lines` lines of what a variant printed, indented, and how
 * many more there were. */
static void
print_output(FILE *out, const struct variant_result *v, const char *dim, const char *reset)
{
    enum { MAX_LINES = 3 };
    fprintf(out, "  %s%s printed %ld line%s in its check call (captured, not timed here):%s\n",
            dim, v->name, v->output_lines, v->output_lines == 1 ? "" : "s", reset);
    const char *line = v->output;
    for (int shown = 0; line != NULL && *line != '\0' && shown < MAX_LINES; shown++) {
        const char *end = strchr(line, '\n');
        int length = end != NULL ? (int)(end - line) : (int)strlen(line);
        fprintf(out, "    %s| %.*s%s\n", dim, length, line, reset);
        line = end != NULL ? end + 1 : NULL;
    }
    if (v->output_lines > MAX_LINES) {
        fprintf(out, "    %s| ... (%ld more)%s\n", dim, v->output_lines - MAX_LINES, reset);
    }
}

/* "1.52 M": an instruction count with three significant digits. */
static void
format_count(double count, char *buffer, size_t size)
{
    static const char *const units[] = {"", " k", " M", " G", " T"};
    size_t i = 0;
    while (i + 1 < sizeof units / sizeof units[0] && count >= 1000) {
        count /= 1000;
        i++;
    }
    snprintf(buffer, size, "%.3g%s", count, units[i]);
}

/* --count instructions: each variant's instructions per call, and the
 * ratio to before beside the time's. */
static void
print_instructions(FILE *out, const struct workload_result *w, const struct report_style *style)
{
    const char *dim = style->color ? DIM : "", *reset = style->color ? RESET : "";
    const struct variant_result *base = w->n_variants > 0 ? &w->variants[0] : NULL;
    bool any = false;
    for (size_t k = 0; k < w->n_variants; k++) {
        any = any || w->variants[k].instructions > 0;
    }
    if (!any) {
        return;
    }
    fprintf(out, "  %sinstructions per call (callgrind):", dim);
    for (size_t k = 0; k < w->n_variants; k++) {
        const struct variant_result *v = &w->variants[k];
        char count[32];
        if (v->instructions <= 0) {
            continue;
        }
        format_count(v->instructions, count, sizeof count);
        fprintf(out, "%s %s %s", k == 0 ? "" : ";", v->name, count);
        if (k > 0 && base->instructions > 0) {
            double ratio = base->instructions / v->instructions;
            fprintf(out, " (%.3gx %s", ratio >= 1 ? ratio : 1 / ratio,
                    ratio >= 1 ? "fewer" : "more");
            if (v->has_speedup) {
                fprintf(out, "; time %.3gx %s", v->speedup >= 1 ? v->speedup : 1 / v->speedup,
                        v->speedup >= 1 ? "faster" : "slower");
            }
            fprintf(out, ")");
        }
    }
    fprintf(out, "%s\n", reset);
}

char *
report_stability_line(const struct workload_result *w)
{
    char *text = NULL;
    size_t length = 0, marked = 0;
    bool of_processes = true;
    FILE *out = open_memstream(&text, &length);
    if (out == NULL) {
        return NULL;
    }
    for (size_t k = 0; k < w->n_variants; k++) {
        const struct variant_result *v = &w->variants[k];
        if (v->unstable == NULL) {
            continue;
        }
        char low[16], high[16];
        format_factor(v->range_low, low, sizeof low);
        format_factor(v->range_high, high, sizeof high);
        fprintf(out, "%s %s %sx-%sx", marked == 0 ? "! verdicts the noise could change:" : ",",
                v->name, low, high);
        of_processes = v->range_of_processes;
        marked++;
    }
    if (marked > 0) {
        fprintf(out, " (%s; more --processes and --rounds, or a quieter machine, decide them)",
                of_processes ? "the processes' own speedups" : "the rounds' middle half");
    }
    if (fclose(out) != 0 || marked == 0) {
        free(text);
        return NULL;
    }
    return text;
}

void
report_stability_summary(FILE *out, const struct workload_result *workloads, size_t count,
                         const struct report_style *style)
{
    const char *dim = style != NULL && style->color ? DIM : "";
    const char *reset = style != NULL && style->color ? RESET : "";
    size_t compared = 0, marked = 0;
    const struct workload_result *spread_at = NULL, *process_at = NULL;
    const struct variant_result *spread_of = NULL, *process_of = NULL;
    for (size_t i = 0; i < count; i++) {
        const struct workload_result *w = &workloads[i];
        for (size_t k = 0; k < w->n_variants; k++) {
            const struct variant_result *v = &w->variants[k];
            compared += v->has_speedup && v->verdict != STATS_TOO_FEW;
            marked += v->unstable != NULL;
            if (v->n_values > 0 && (spread_of == NULL || v->spread > spread_of->spread)) {
                spread_of = v;
                spread_at = w;
            }
            if (v->n_values > 0
                && (process_of == NULL || v->process_spread > process_of->process_spread)) {
                process_of = v;
                process_at = w;
            }
        }
    }
    if (spread_of == NULL) {
        return;
    }
    fprintf(out, "\n%sstability: ", dim);
    if (marked > 0) {
        fprintf(out, "the noise could change %zu of %zu verdicts (marked !)", marked, compared);
    } else {
        fprintf(out, "the noise could change none of %zu verdicts", compared);
    }
    fprintf(out, "; values scattered up to %.0f%% (IQR/median: %s of %s)", 100 * spread_of->spread,
            spread_of->name, spread_at->id);
    if (process_of->process_spread > 1) {
        fprintf(out, ", processes up to %.0f%% apart (%s of %s)",
                100 * (process_of->process_spread - 1), process_of->name, process_at->id);
    }
    fprintf(out, "%s\n", reset);
}

/* The lines under the table: notes, failures, printed output, instability. */
static void
print_row_notes(FILE *out, const struct workload_result *w, const struct report_style *style)
{
    const char *dim = style->color ? DIM : "", *reset = style->color ? RESET : "";
    const char *red = style->color ? RED : "", *yellow = style->color ? YELLOW : "";
    for (size_t k = 0; k < w->n_variants; k++) {
        const struct variant_result *v = &w->variants[k];
        bool bad = is_bad(v->status);
        if (w->notes[k] != NULL) {
            fprintf(out, "  %s%s: %s%s\n", dim, v->name, w->notes[k], reset);
        }
        if (v->detail != NULL) {
            fprintf(out, "  %s%s%s%s:%s\n", bad ? red : "", v->name,
                    v->status == VARIANT_MISMATCH ? " FAILED, result differs from before's"
                    : v->status == VARIANT_TIMEOUT ? " TIMEOUT"
                    : v->status == VARIANT_CRASHED ? " CRASHED" : "",
                    "", bad ? reset : "");
            print_indented(out, "    ", v->detail);
        }
        if (v->reduced != NULL) {
            fprintf(out, "  %s%s: %s%s\n", dim, v->name, v->reduced, reset);
        }
        if (v->verdict == STATS_TOO_FEW) {
            fprintf(out, "  %s%s: too few values for a verdict: %zu against %zu cannot reach "
                         "p < 0.01 (more --rounds or --processes)%s\n",
                    dim, v->name, v->pairs, v->pairs, reset);
        }
        if (v->output_lines > 0) {
            print_output(out, v, dim, reset);
        }
    }
    if (w->no_native != NULL) {
        fprintf(out, "  %snative: none %s %s%s\n", dim, style->unicode ? "—" : "-",
                w->no_native, reset);
    }
    char *stability = report_stability_line(w);
    if (stability != NULL) {
        fprintf(out, "  %s%s%s\n", yellow, stability, reset);
        free(stability);
    }
    print_instructions(out, w, style);
}

void
report_workload(FILE *out, const struct workload_result *w, const struct report_style *style)
{
    const char *bold = style->color ? BOLD : "", *reset = style->color ? RESET : "";
    const char *dim = style->color ? DIM : "", *red = style->color ? RED : "";
    struct row *rows = NULL;

    if (w->id == NULL) {
        return;   /* interrupted before it was loaded: nothing to show */
    }
    fprintf(out, "\n%s%s%s", bold, w->id, reset);
    if (w->title != NULL) {
        fprintf(out, " %s %s  %s[%s]%s", style->unicode ? "—" : "-", w->title, dim,
                w->section, reset);
    }
    if (w->n > 0) {
        fprintf(out, "  n=%ld", w->n);
    }
    if (w->interpreter != NULL && strcmp(w->interpreter, "embedded") != 0) {
        fprintf(out, "  on %s", w->interpreter);
    }
    fprintf(out, "%s\n", w->partial ? "  (interrupted: partial)" : "");
    if (w->error != NULL) {
        fprintf(out, "  %sERROR%s\n", red, reset);
        print_indented(out, "    ", w->error);
        return;
    }
    rows = calloc(w->n_variants + 1, sizeof *rows);
    if (rows == NULL) {
        return;
    }
    int name_width = 7, speedup_width = 9;
    for (size_t k = 0; k < w->n_variants; k++) {
        format_row(w, k, style->unicode, &rows[k]);
        int width = display_width(w->variants[k].name);
        name_width = width > name_width ? width : name_width;
        width = display_width(rows[k].speedup);
        speedup_width = width > speedup_width ? width : speedup_width;
    }
    fprintf(out, "  %s", dim);
    report_pad(out, "variant", name_width, false);
    fprintf(out, "  %9s  %8s  %9s  ", "median", "IQR/2", "min");
    report_pad(out, "vs before", speedup_width, false);
    fprintf(out, "  %-16s  %10s  %10s  %s%s\n", "95% CI", "mem peak", "per item", "check",
            reset);
    for (size_t k = 0; k < w->n_variants; k++) {
        const struct variant_result *v = &w->variants[k];
        const struct row *row = &rows[k];
        fprintf(out, "  ");
        report_pad(out, v->name, name_width, false);
        fprintf(out, "  ");
        report_pad(out, row->median, 9, true);
        fprintf(out, "  ");
        report_pad(out, row->spread, 8, true);
        fprintf(out, "  ");
        report_pad(out, row->min, 9, true);
        fprintf(out, "  %s", style->color ? row->colour : "");
        report_pad(out, row->speedup, speedup_width, false);
        fprintf(out, "%s  ", style->color && *row->colour ? RESET : "");
        report_pad(out, row->ci, 16, false);
        fprintf(out, "  ");
        report_pad(out, row->memory, 10, true);
        fprintf(out, "  ");
        report_pad(out, row->per_item, 10, true);
        bool bad = is_bad(v->status);
        fprintf(out, "  %s%s%s\n", bad ? red : "", row->check, bad ? reset : "");
    }
    free(rows);
    print_row_notes(out, w, style);
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
              const struct growth *fit, const struct report_style *style)
{
    const struct workload_result *first = &sizes[0];
    const char *bold = style->color ? BOLD : "", *reset = style->color ? RESET : "";
    const char *dim = style->color ? DIM : "";
    int name_width = 7;
    for (size_t k = 0; k < first->n_variants; k++) {
        int width = display_width(first->variants[k].name);
        name_width = width > name_width ? width : name_width;
    }
    bool elsewhere = first->interpreter != NULL && strcmp(first->interpreter, "embedded") != 0;
    fprintf(out, "\n%s%s%s %s %s  %s[%s]%s  growth over n%s%s\n", bold, first->id, reset,
            style->unicode ? "—" : "-", first->title != NULL ? first->title : "", dim,
            first->section != NULL ? first->section : "", reset, elsewhere ? ", on " : "",
            elsewhere ? first->interpreter : "");
    fprintf(out, "  %s", dim);
    report_pad(out, "variant", name_width, false);
    for (size_t s = 0; s < count; s++) {
        char label[32];
        snprintf(label, sizeof label, "n=%ld", sizes[s].n);
        fprintf(out, "  ");
        report_pad(out, label, 10, true);
    }
    fprintf(out, "  %s%s\n", "cost grows as", reset);
    for (size_t k = 0; k < first->n_variants; k++) {
        fprintf(out, "  ");
        report_pad(out, first->variants[k].name, name_width, false);
        for (size_t s = 0; s < count; s++) {
            char cell[32] = "-";
            const struct variant_result *v =
                k < sizes[s].n_variants ? &sizes[s].variants[k] : NULL;
            if (v != NULL && v->n_values > 0) {
                report_format_time(v->summary.median, style->unicode, cell, sizeof cell);
            } else if (v != NULL && v->status == VARIANT_SKIPPED) {
                snprintf(cell, sizeof cell, "skipped");
            } else if (v != NULL && v->status != VARIANT_OK) {
                snprintf(cell, sizeof cell, "%s", check_word(v->status, style->unicode));
            }
            fprintf(out, "  ");
            report_pad(out, cell, 10, true);
        }
        const struct variant_growth *g = k < fit->n_variants ? &fit->variants[k] : NULL;
        if (g != NULL && g->fitted) {
            fprintf(out, "  n^%.2f [%.2f, %.2f] (%s)\n", g->exponent, g->low, g->high,
                    growth_word(g->exponent));
        } else {
            fprintf(out, "  too few sizes measured\n");
        }
    }
    for (size_t i = 0; i < fit->n_crossings; i++) {
        const struct crossover *c = &fit->crossings[i];
        fprintf(out, "  %s overtakes %s between n=%ld and n=%ld (at n %s %.*f on log-log "
                     "axes)\n", first->variants[c->a].name, first->variants[c->b].name,
                c->below, c->above, style->unicode ? "≈" : "~", c->n < 100 ? 1 : 0, c->n);
    }
    fprintf(out, "  %smedian seconds per call at each n; the exponent is a least-squares fit of "
                 "log(time) on log(n), its 95%% CI from resampling each size's values%s\n",
            dim, reset);
}

/* The legend's words, shared by the terminal and the Markdown. */
static void
legend_text(FILE *out, const struct harness_options *options, const char *line_break)
{
    fprintf(out,
            "Times are seconds per call: the median of %d process%s x %d values, each lasting "
            ">= %.0f ms (loops calibrated),%svariants interleaved round by round; IQR/2 is half "
            "the interquartile range over the median, ! marks a row whose noise could change "
            "its verdict.%s"
            "vs before = median(before) / median(variant) over the values paired by round; "
            "95%% CI by bootstrap over processes, then rounds;%s"
            "* = Mann-Whitney U p < %.2g, at least %.0f%% apart and a CI that excludes 1; "
            "'same' = a CI within that margin of 1; otherwise 'unclear'. GC %s.",
            options->processes, options->processes == 1 ? "" : "es", options->rounds,
            options->min_time * 1e3, line_break, line_break, line_break, options->alpha,
            options->min_effect * 100, options->gc ? "on" : "off");
    if (options->memory) {
        fprintf(out, "%sMemory: tracemalloc peak of one call, in a separate pass; "
                     "per item = peak / n.", line_break);
    }
}

void
report_legend(FILE *out, const struct harness_options *options, const struct report_style *style)
{
    const char *dim = style->color ? DIM : "", *reset = style->color ? RESET : "";
    fprintf(out, "\n%s", dim);
    legend_text(out, options, "\n");
    fprintf(out, "%s\n", reset);
}

char *
report_markdown(const struct workload_result *workloads, size_t n, const char *context,
                const struct harness_options *options)
{
    char *text = NULL;
    size_t length = 0;
    bool timed = false;
    FILE *out = open_memstream(&text, &length);
    if (out == NULL) {
        return NULL;
    }
    fprintf(out, "# optdemo results\n\n%s\n", context);
    for (size_t i = 0; i < n; i++) {
        const struct workload_result *w = &workloads[i];
        if (w->id == NULL) {
            continue;   /* interrupted before it was loaded */
        }
        timed = timed || workload_result_timed(w);
        fprintf(out, "\n## %s — %s\n\n", w->id, w->title != NULL ? w->title : "");
        if (w->section != NULL) {
            fprintf(out, "Section: %s. n = %ld%s%s%s.\n\n", w->section, w->n,
                    w->interpreter != NULL ? ", on " : "",
                    w->interpreter != NULL ? w->interpreter : "",
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
            const struct variant_result *v = &w->variants[k];
            if (v->detail != NULL) {
                fprintf(out, "\n- `%s` %s: %s", v->name, check_word(v->status, true), v->detail);
            }
            if (v->reduced != NULL) {
                fprintf(out, "\n- `%s`: %s", v->name, v->reduced);
            }
            if (w->notes[k] != NULL) {
                fprintf(out, "\n- `%s`: %s", v->name, w->notes[k]);
            }
        }
        if (w->no_native != NULL) {
            fprintf(out, "\n- native: none — %s", w->no_native);
        }
        char *stability = report_stability_line(w);
        if (stability != NULL) {
            fprintf(out, "\n- %s", stability);
            free(stability);
        }
        fprintf(out, "\n");
    }
    if (timed) {
        report_stability_summary(out, workloads, n, NULL);
        fprintf(out, "\n");
        legend_text(out, options, " ");
        fprintf(out, "\n");
    }
    if (fclose(out) != 0) {
        free(text);
        return NULL;
    }
    return text;
}
