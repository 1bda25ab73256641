/* report.h: what a person reads: the terminal table (colour only on a TTY,
 * never with NO_COLOR or --no-color) and the Markdown for a lab report. */
#ifndef OPTDEMO_REPORT_H
#define OPTDEMO_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "growth.h"
#include "workload_result.h"

struct report_style {
    bool color;   /* ANSI colours */
    bool unicode; /* the locale speaks UTF-8: ✓ × µ ± */
};

/* Colour when `stream` is a terminal, NO_COLOR is unset and not disabled. */
struct report_style report_style_for(FILE *stream, bool no_color);

/* One workload's block: title line, table, notes, failures. */
void report_workload(FILE *out, const struct workload_result *w, const struct report_style *style);

/* A sweep: the same workload at increasing n (`count` results in order):
 * each variant's median per size, and `fit` (growth_analyse's): the fitted
 * exponent of its growth with its CI, and the crossovers. */
void report_growth(FILE *out, const struct workload_result *sizes, size_t count,
                   const struct growth *fit, const struct report_style *style);

/* The table's one stability line: the rows whose noise could change their
 * verdict (analysis.c marks them) with their speedup ranges; NULL when
 * there are none (malloc'd). */
char *report_stability_line(const struct workload_result *w);

/* The run's stability in one line: how many verdicts the noise could
 * change, and the widest scatter of any row (IQR/median, processes apart).
 * Nothing when nothing was timed.  `style` may be NULL (no colour). */
void report_stability_summary(FILE *out, const struct workload_result *workloads, size_t count,
                              const struct report_style *style);

/* The closing lines: what the columns mean, how it was measured. */
void report_legend(FILE *out, const struct harness_options *options,
                   const struct report_style *style);

/* The whole run as Markdown (malloc'd; NULL on no memory).  `context` is a
 * line saying what was measured on which interpreter. */
char *report_markdown(const struct workload_result *workloads, size_t n, const char *context,
                      const struct harness_options *options);

/* "12.3 ms": three significant digits, unit chosen by size. */
void report_format_time(double seconds, bool unicode, char *buffer, size_t size);
/* A speedup (time of the baseline over time of the other) as words, the
 * way every table of optdemo says it: "4.47× faster *", "32.3× slower *",
 * "1.02× faster, same", "1.30× faster, unclear", "2.00× faster, too few
 * values" -- a ratio under 1 reads as a slowdown factor, and the CI is
 * turned the same way.  Empty cells for STATS_VERDICT_NONE. */
struct speedup_cells {
    char speedup[48];
    char ci[40];
    const char *colour;     /* ANSI colour for the speedup, "" for none */
};
void report_format_speedup(double speedup, double ci_low, double ci_high,
                           enum stats_verdict verdict, bool unicode, struct speedup_cells *out);

/* Display width of the first `bytes` bytes of UTF-8 text (or up to its
 * end): the bytes that start a character.  Good enough for the letters,
 * symbols and box-free tables optdemo prints (no wide CJK glyphs). */
int report_display_width(const char *text, size_t bytes);

/* Print `text` padded with spaces to `width` display columns, on the left
 * (right-aligned) or on the right. */
void report_pad(FILE *out, const char *text, int width, bool right);

/* "1.23 MiB", "1000 B": three significant digits, never an exponent. */
void report_format_bytes(double bytes, char *buffer, size_t size);

#endif
