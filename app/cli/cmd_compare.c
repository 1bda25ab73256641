/* cmd_compare.c: `optdemo compare REFERENCE.json OTHER.json...`: each other
 * file against the first, benchmark by benchmark -- medians, the speedup
 * with its CI over processes, the verdict `optdemo run` would give -- and the
 * geometric mean with its CI.  Reads optdemo's files and pyperf's own
 * (compare.c); needs no interpreter.  --fail-if-slower turns it into a gate
 * for CI jobs. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "optdemo.h"
#include "parse.h"
#include "report.h"
#include "results.h"
#include "text.h"

struct compare_cli {
    struct compare_options stats;
    bool hide_same;
    double fail_if_slower;     /* percent; < 0: no gate */
    const char *json_path, *markdown_path;
    bool no_color;
};

static void
usage(FILE *out)
{
    fprintf(out,
        "usage: optdemo compare [OPTIONS] REFERENCE.json OTHER.json [MORE.json...]\n"
        "\n"
        "Compare each results file with the first, benchmark by benchmark: the\n"
        "medians, the speedup with its 95%% CI (over processes, then values), the\n"
        "verdict, and the geometric mean.  Files are optdemo's (`run --json`) or\n"
        "pyperf's (`pyperf timeit -o`, `pyperf run -o`); benchmarks match by name,\n"
        "and unequal numbers of values are fine.  Files whose workload sources\n"
        "differ are not compared (exit 2).\n"
        "\n"
        "options:\n"
        "  --hide-same            show only the significant differences\n"
        "  --fail-if-slower PCT   exit 1 when a benchmark is significantly slower\n"
        "                         than the reference by more than PCT percent\n"
        "  --min-effect PCT       the smallest difference that counts (default 5)\n"
        "  --json FILE            write the comparison as JSON, atomically\n"
        "  --markdown FILE        write it as Markdown, atomically\n"
        "  --no-color             no colour\n"
        "  -h, --help             this help\n"
        "\n"
        "exit codes: 0 compared, 1 --fail-if-slower found a slowdown, 2 usage\n"
        "(bad option, unreadable or foreign file, changed workload source)\n");
}

static int
parse_arguments(int argc, char **argv, struct compare_cli *cli, int *first)
{
    enum { OPT_HIDE_SAME = 256, OPT_FAIL, OPT_MIN_EFFECT, OPT_JSON, OPT_MARKDOWN, OPT_NO_COLOR };
    static const struct option long_options[] = {
        {"hide-same", no_argument, NULL, OPT_HIDE_SAME},
        {"fail-if-slower", required_argument, NULL, OPT_FAIL},
        {"min-effect", required_argument, NULL, OPT_MIN_EFFECT},
        {"json", required_argument, NULL, OPT_JSON},
        {"markdown", required_argument, NULL, OPT_MARKDOWN},
        {"no-color", no_argument, NULL, OPT_NO_COLOR},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    double percent = 0;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            return 1;
        case OPT_HIDE_SAME: cli->hide_same = true; break;
        case OPT_NO_COLOR: cli->no_color = true; break;
        case OPT_JSON: cli->json_path = optarg; break;
        case OPT_MARKDOWN: cli->markdown_path = optarg; break;
        case OPT_FAIL:
        case OPT_MIN_EFFECT:
            if (parse_seconds(optarg, true, &percent) < 0 || percent >= 1000) {
                fprintf(stderr, "optdemo compare: %s needs a percentage, not '%s'\n",
                        c == OPT_FAIL ? "--fail-if-slower" : "--min-effect", optarg);
                return -1;
            }
            if (c == OPT_FAIL) {
                cli->fail_if_slower = percent;
            } else {
                cli->stats.min_effect = percent / 100;
            }
            break;
        default:
            fprintf(stderr, "optdemo compare: unknown or incomplete option '%s'\n",
                    argv[optind - 1]);
            return -1;
        }
    }
    if (argc - optind < 2) {
        fprintf(stderr, "optdemo compare: give a reference file and at least one other\n");
        return -1;
    }
    *first = optind;
    return 0;
}

static bool
shown(const struct compare_cli *cli, const struct compare_row *row)
{
    return !cli->hide_same || row->verdict == STATS_FASTER || row->verdict == STATS_SLOWER;
}

/* A median in its unit: a time, a byte count, or a plain number. */
static void
format_value(double value, const char *unit, bool unicode, char *buffer, size_t size)
{
    if (strcmp(unit, "second") == 0) {
        report_format_time(value, unicode, buffer, size);
    } else if (strcmp(unit, "byte") == 0) {
        report_format_bytes(value, buffer, size);
    } else {
        snprintf(buffer, size, "%.4g", value);
    }
}

/* One comparison as a terminal table (markdown false) or a Markdown one. */
/* The benchmarks of one file only, a few names each, and a summary line:
 * how many rows of each verdict. */
static void
print_unmatched(FILE *out, const struct comparison *c, bool markdown)
{
    enum { NAMES_SHOWN = 5 };
    const struct { const char *label; const char **names; size_t count; } lists[] = {
        {"only in the reference", c->only_reference, c->n_only_reference},
        {"only in this file", c->only_other, c->n_only_other},
    };
    for (size_t l = 0; l < 2; l++) {
        if (lists[l].count == 0) {
            continue;
        }
        fprintf(out, "%s%s (%zu): ", markdown ? "\n- " : "  ", lists[l].label, lists[l].count);
        for (size_t i = 0; i < lists[l].count && i < NAMES_SHOWN; i++) {
            fprintf(out, "%s%s", i > 0 ? ", " : "", lists[l].names[i]);
        }
        if (lists[l].count > NAMES_SHOWN) {
            fprintf(out, " and %zu more (all in --json)", lists[l].count - NAMES_SHOWN);
        }
        fprintf(out, "\n");
    }
    size_t verdicts[STATS_TOO_FEW + 1] = {0};
    for (size_t i = 0; i < c->n_rows; i++) {
        verdicts[c->rows[i].verdict]++;
    }
    fprintf(out, "%ssummary: %zu benchmark%s in common", markdown ? "\n" : "  ", c->n_rows,
            c->n_rows == 1 ? "" : "s");
    for (int v = STATS_FASTER; v <= STATS_TOO_FEW; v++) {
        if (verdicts[v] > 0) {
            fprintf(out, ", %zu %s", verdicts[v], stats_verdict_name((enum stats_verdict)v));
        }
    }
    fprintf(out, "; %zu only in the reference, %zu only in this file", c->n_only_reference,
            c->n_only_other);
    if (c->n_changed > 0) {
        fprintf(out, ", %zu not compared (changed source)", c->n_changed);
    }
    if (c->n_warnings > 0) {
        fprintf(out, "; %zu warning%s above", c->n_warnings, c->n_warnings == 1 ? "" : "s");
    }
    fprintf(out, "\n");
}

static void
print_comparison(FILE *out, const struct comparison *c, const struct compare_cli *cli,
                 const struct report_style *style, bool markdown)
{
    const char *reset = style->color ? "\033[0m" : "";
    int name_width = 9;
    for (size_t i = 0; i < c->n_rows; i++) {
        int width = report_display_width(c->rows[i].name, strlen(c->rows[i].name));
        name_width = width > name_width ? width : name_width;
    }
    if (markdown) {
        fprintf(out, "\n## %s against %s\n\n", c->other->label, c->reference->label);
    } else {
        fprintf(out, "\n%s against %s", c->other->label, c->reference->label);
    }
    for (size_t i = 0; i < c->n_warnings; i++) {
        fprintf(out, markdown ? "- warning: %s\n" : "\n  warning: %s", c->warnings[i]);
    }
    if (c->n_rows == 0) {
        fprintf(out, markdown ? "\nNo benchmark in common.\n" : "\n  no benchmark in common\n");
    } else if (markdown) {
        fprintf(out, "\n| benchmark | %s | %s | %s vs reference | 95%% CI |\n"
                     "|---|---:|---:|---|---|\n",
                c->reference->label, c->other->label, c->other->label);
    } else {
        fprintf(out, "\n  (medians; %s's speedup over the reference, 95%% CI over processes, "
                     "then values)\n  %-*s  %10s  %10s  %-24s  %s\n",
                c->other->label, name_width, "benchmark", "reference", "other",
                "other vs reference", "95% CI");
    }
    for (size_t i = 0; i < c->n_rows; i++) {
        const struct compare_row *row = &c->rows[i];
        char reference[32], other[32];
        struct speedup_cells cells;
        if (!shown(cli, row)) {
            continue;
        }
        format_value(row->reference, row->unit, style->unicode || markdown, reference,
                     sizeof reference);
        format_value(row->other, row->unit, style->unicode || markdown, other, sizeof other);
        report_format_speedup(row->speedup, row->low, row->high, row->verdict,
                              style->unicode || markdown, &cells);
        if (markdown) {
            fprintf(out, "| %s | %s | %s | %s | %s |\n", row->name, reference, other,
                    cells.speedup, cells.ci);
            continue;
        }
        fprintf(out, "  ");
        report_pad(out, row->name, name_width, false);
        fprintf(out, "  ");
        report_pad(out, reference, 10, true);
        fprintf(out, "  ");
        report_pad(out, other, 10, true);
        fprintf(out, "  %s", style->color ? cells.colour : "");
        report_pad(out, cells.speedup, 24, false);
        fprintf(out, "%s  %s\n", style->color && *cells.colour ? reset : "", cells.ci);
    }
    if (c->has_geometric_mean) {
        struct speedup_cells cells;
        report_format_speedup(c->geometric_mean, c->geometric_low, c->geometric_high,
                              STATS_UNCLEAR, style->unicode || markdown, &cells);
        /* The geometric mean has no test of its own: its CI says it all. */
        char *words = strstr(cells.speedup, ", unclear");
        if (words != NULL) {
            *words = '\0';
        }
        if (markdown) {
            fprintf(out, "| geometric mean of %zu | | | %s | %s |\n", c->geometric_count,
                    cells.speedup, cells.ci);
        } else {
            fprintf(out, "  geometric mean of %zu benchmark%s: %s %s\n", c->geometric_count,
                    c->geometric_count == 1 ? "" : "s", cells.speedup, cells.ci);
        }
    }
    print_unmatched(out, c, markdown);
}

/* The benchmarks slower than the gate allows: printed on stderr; their
 * count is returned. */
static size_t
gate(const struct comparison *c, double percent)
{
    size_t failed = 0;
    for (size_t i = 0; i < c->n_rows; i++) {
        const struct compare_row *row = &c->rows[i];
        if (row->verdict == STATS_SLOWER && 1 / row->speedup > 1 + percent / 100) {
            fprintf(stderr, "optdemo compare: %s is %.1f%% slower in %s than in %s "
                            "(CI of the slowdown [%.3g, %.3g]x)\n",
                    row->name, 100 * (1 / row->speedup - 1), c->other->label,
                    c->reference->label, 1 / row->high, 1 / row->low);
            failed++;
        }
    }
    return failed;
}

struct markdown_context {
    const struct compare_cli *cli;
    const struct comparison *comparisons;
    size_t count;
    const struct report_style *style;
};

static void
write_markdown(FILE *out, const void *context)
{
    const struct markdown_context *c = context;
    fprintf(out, "# optdemo compare\n\n- reference: %s: %s\n", c->comparisons[0].reference->label,
            c->comparisons[0].reference->description);
    for (size_t i = 0; i < c->count; i++) {
        fprintf(out, "- %s: %s\n", c->comparisons[i].other->label,
                c->comparisons[i].other->description);
    }
    for (size_t i = 0; i < c->count; i++) {
        print_comparison(out, &c->comparisons[i], c->cli, c->style, true);
    }
}

static int
write_reports(const struct compare_cli *cli, struct comparison *comparisons, size_t count,
              const struct report_style *style)
{
    char *error = NULL;
    int rc = 0;
    if (cli->json_path != NULL) {
        json_t *array = json_array();
        for (size_t i = 0; array != NULL && i < count; i++) {
            json_array_append_new(array, comparison_to_json(&comparisons[i]));
        }
        json_t *root = json_pack("{s:s, s:o}", "optdemo_compare", "1", "comparisons", array);
        if (root == NULL || results_write_json(cli->json_path, root, &error) < 0) {
            rc = -1;
        }
        json_decref(root);
    }
    if (rc == 0 && cli->markdown_path != NULL) {
        struct markdown_context context = {cli, comparisons, count, style};
        rc = results_write_stream(cli->markdown_path, write_markdown, &context, &error);
    }
    if (rc < 0) {
        fprintf(stderr, "optdemo compare: %s\n", error != NULL ? error : "out of memory");
    }
    free(error);
    return rc;
}

int
cmd_compare(int argc, char **argv)
{
    struct compare_cli cli = {
        .stats = compare_options_default(),
        .fail_if_slower = -1,
    };
    struct results_file *files = NULL;
    struct comparison *comparisons = NULL;
    size_t n_files = 0, slower = 0;
    int first = 0, rc = EXIT_OK;
    char *error = NULL;

    int parsed = parse_arguments(argc, argv, &cli, &first);
    if (parsed != 0) {
        if (parsed < 0) {
            fprintf(stderr, "`optdemo compare --help` lists the options.\n");
        }
        return parsed > 0 ? EXIT_OK : EXIT_USAGE;
    }
    const char *outputs[] = {cli.json_path, cli.markdown_path};
    if (results_check_outputs("compare", outputs, 2) < 0) {
        return EXIT_USAGE;
    }
    size_t count = (size_t)(argc - first);
    files = calloc(count, sizeof *files);
    comparisons = calloc(count, sizeof *comparisons);
    if (files == NULL || comparisons == NULL) {
        rc = EXIT_FAILED;
        goto done;
    }
    for (; n_files < count; n_files++) {
        if (compare_load(argv[first + (int)n_files], &files[n_files], &error) < 0) {
            fprintf(stderr, "optdemo compare: %s\n", error);
            rc = EXIT_USAGE;
            goto done;
        }
    }
    struct report_style style = report_style_for(stdout, cli.no_color);
    printf("reference: %s: %s\n", files[0].label, files[0].description);
    for (size_t i = 1; i < n_files; i++) {
        printf("%-9s  %s: %s\n", "", files[i].label, files[i].description);
    }
    for (size_t i = 1; i < n_files; i++) {
        struct comparison *c = &comparisons[i - 1];
        if (compare_files(&files[0], &files[i], &cli.stats, c) < 0) {
            fprintf(stderr, "optdemo compare: out of memory\n");
            rc = EXIT_FAILED;
            goto done;
        }
        for (size_t k = 0; k < c->n_changed; k++) {
            fprintf(stderr, "optdemo compare: %s: the workload's source differs between %s "
                            "and %s: the numbers describe different code, not compared\n",
                    c->changed[k], files[0].label, files[i].label);
            rc = EXIT_USAGE;
        }
        print_comparison(stdout, c, &cli, &style, false);
        if (cli.fail_if_slower >= 0) {
            slower += gate(c, cli.fail_if_slower);
        }
    }
    if (write_reports(&cli, comparisons, n_files - 1, &style) < 0 && rc == EXIT_OK) {
        rc = EXIT_FAILED;
    }
    if (slower > 0 && rc == EXIT_OK) {
        fprintf(stderr, "optdemo compare: %zu benchmark%s slower by more than %.3g%%\n", slower,
                slower == 1 ? " is" : "s are", cli.fail_if_slower);
        rc = EXIT_FAILED;
    }
done:
    for (size_t i = 0; comparisons != NULL && i + 1 < count; i++) {
        comparison_clear(&comparisons[i]);
    }
    for (size_t i = 0; i < n_files; i++) {
        compare_file_clear(&files[i]);
    }
    free(files);
    free(comparisons);
    free(error);
    return rc;
}
