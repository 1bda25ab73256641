/* run_profile.c: `run --profile` (run_profile.h).  Key choice: the profile
 * is what `optdemo profile WORKLOAD --only lines --json FILE` measures,
 * called as a function (profile_lines_json) -- the one code path that
 * profiles, with its own worker, checks and limits -- and the run keeps
 * its JSON and prints each variant's hot line under the workload's table. */
#include "run_profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optdemo.h"
#include "report.h"
#include "text.h"

/* The line of a line profile that took the most time: its index in
 * lines[], or -1. */
static int
hottest_line(const json_t *lines)
{
    int best = -1;
    double most = -1;
    size_t index;
    const json_t *line;
    json_array_foreach(json_object_get(lines, "lines"), index, line) {
        double seconds = json_number_value(json_object_get(line, "seconds"));
        if (seconds > most) {
            most = seconds;
            best = (int)index;
        }
    }
    return best;
}

static void
print_hot_lines(FILE *out, const json_t *profile, const struct report_style *style)
{
    const char *dim = style->color ? "\033[2m" : "", *reset = style->color ? "\033[0m" : "";
    int width = 7;
    size_t index;
    const json_t *variant;
    json_array_foreach(json_object_get(profile, "variants"), index, variant) {
        const char *name = json_string_value(json_object_get(variant, "variant"));
        int w = name != NULL ? report_display_width(name, strlen(name)) : 1;
        width = w > width ? w : width;
    }
    fprintf(out, "  %shot lines (the C line tracer, `optdemo profile`, n=%lld):%s\n", dim,
            json_integer_value(json_object_get(profile, "n")), reset);
    json_array_foreach(json_object_get(profile, "variants"), index, variant) {
        const char *name = json_string_value(json_object_get(variant, "variant"));
        const json_t *lines = json_object_get(variant, "lines");
        const char *note = json_string_value(json_object_get(lines, "note"));
        int best = hottest_line(lines);
        fprintf(out, "    ");
        report_pad(out, name != NULL ? name : "?", width, false);
        if (lines == NULL || best < 0) {
            const char *why = json_string_value(json_object_get(variant, "unavailable"));
            why = why != NULL ? why : json_string_value(json_object_get(variant, "error"));
            fprintf(out, "  %s\n", note != NULL ? note : why != NULL ? why : "not profiled");
            continue;
        }
        const json_t *line = json_array_get(json_object_get(lines, "lines"), (size_t)best);
        long number = (long)json_integer_value(json_object_get(line, "line"));
        long first = (long)json_integer_value(json_object_get(lines, "first_line"));
        double total = json_number_value(json_object_get(lines, "total_seconds"));
        const char *text = json_string_value(
            json_array_get(json_object_get(lines, "source"), (size_t)(number - first)));
        while (text != NULL && (*text == ' ' || *text == '\t')) {
            text++;
        }
        double overhead = json_number_value(json_object_get(lines, "overhead"));
        char cost[48] = "tracing: no measurable cost";
        if (overhead >= 1.1) {
            snprintf(cost, sizeof cost, "tracing: %.1fx slower", overhead);
        }
        fprintf(out, "  line %-4ld %5.1f%%  %s  %s(%s)%s\n", number,
                total > 0 ? 100 * json_number_value(json_object_get(line, "seconds")) / total : 0,
                text != NULL ? text : "", dim, cost, reset);
    }
}

int
run_profile_workload(const char *path, long size, bool quick, const struct report_style *style,
                     FILE *out, json_t *profiles)
{
    /* The profile's own tables are not shown: the hot lines are. */
    FILE *discard = fopen("/dev/null", "w");
    json_t *root = NULL;
    int rc = discard != NULL ? profile_lines_json(path, size, quick, discard, &root)
                             : EXIT_FAILED;
    if (discard != NULL) {
        fclose(discard);
    }
    /* A result mismatch (exit 1) still gives profiles. */
    if ((rc == EXIT_OK || rc == EXIT_FAILED) && root != NULL
        && json_array_size(json_object_get(root, "variants")) > 0) {
        json_t *entry = json_pack("{s:O?, s:O?, s:s, s:O}", "workload",
                                  json_object_get(json_object_get(root, "workload"), "id"), "n",
                                  json_object_get(root, "n"), "path", path, "variants",
                                  json_object_get(root, "variants"));
        print_hot_lines(out, entry, style);
        json_array_append_new(profiles, entry);
    } else if (rc != EXIT_INTERRUPTED) {
        fprintf(out, "  hot lines: not measured (`optdemo profile %s` failed: run it for the "
                     "reason)\n", path);
    }
    json_decref(root);
    return rc == EXIT_INTERRUPTED ? 1 : 0;
}
