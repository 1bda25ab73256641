/* run_profile.c: `run --profile` (run_profile.h).  Key choice: the profile
 * is `optdemo profile WORKLOAD --only lines --json FILE`, re-executed as a
 * child -- the one code path that profiles, with its own worker, checks and
 * limits -- and the run keeps its JSON and prints each variant's hot line
 * under the workload's table. */
#include "run_profile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "interp.h"
#include "report.h"
#include "text.h"

extern char **environ;

/* Run `optdemo profile ...` into `json_path`, its output discarded.  0 when
 * it exited 0 or 1 (a result mismatch still gives profiles), 1 on Ctrl-C,
 * -1 otherwise. */
static int
spawn_profile(const char *path, long size, bool quick, const char *json_path)
{
    const char *self = interp_executable();
    char size_text[32];
    snprintf(size_text, sizeof size_text, "%ld", size);
    char *argv[16] = {(char *)self, "profile", "--only", "lines", "--top", "5", "--no-color",
                      "--json", (char *)json_path};
    int argc = 9;
    if (size > 0) {
        argv[argc++] = "--size";
        argv[argc++] = size_text;
    } else if (quick) {
        argv[argc++] = "--quick";
    }
    argv[argc++] = (char *)path;
    argv[argc] = NULL;
    posix_spawn_file_actions_t actions;
    pid_t pid;
    int status = 0, rc = -1;
    if (self == NULL || posix_spawn_file_actions_init(&actions) != 0) {
        return -1;
    }
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    if (posix_spawn(&pid, self, &actions, NULL, argv, environ) == 0) {
        while (waitpid(pid, &status, 0) < 0) {
            if (errno != EINTR) {
                status = -1;
                break;
            }
            if (interp_interrupted()) {
                kill(pid, SIGINT);
                rc = 1;
            }
        }
        if (rc != 1 && status >= 0 && WIFEXITED(status)
            && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 1)) {
            rc = 0;
        }
    }
    posix_spawn_file_actions_destroy(&actions);
    return rc;
}

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
    char folder[] = "/tmp/optdemo-profile.XXXXXX", json_path[sizeof folder + 16];
    if (mkdtemp(folder) == NULL) {
        fprintf(out, "  hot lines: not measured (no temporary folder: %s)\n", strerror(errno));
        return 0;
    }
    snprintf(json_path, sizeof json_path, "%s/profile.json", folder);
    int rc = spawn_profile(path, size, quick, json_path);
    json_t *root = rc == 0 ? json_load_file(json_path, 0, NULL) : NULL;
    if (root != NULL && json_array_size(json_object_get(root, "variants")) > 0) {
        json_t *entry = json_pack("{s:O?, s:O?, s:s, s:O}", "workload",
                                  json_object_get(json_object_get(root, "workload"), "id"), "n",
                                  json_object_get(root, "n"), "path", path, "variants",
                                  json_object_get(root, "variants"));
        print_hot_lines(out, entry, style);
        json_array_append_new(profiles, entry);
    } else if (rc >= 0 && rc != 1) {
        fprintf(out, "  hot lines: not measured (`optdemo profile %s` failed: run it for the "
                     "reason)\n", path);
    }
    json_decref(root);
    unlink(json_path);
    rmdir(folder);
    return rc == 1 ? 1 : 0;
}
