/* count.c: instruction counts under callgrind (count.h).  Key choices:
 * - the worker runs under `valgrind --tool=callgrind --instr-atstart=no`,
 *   and the runner's `count` request turns instrumentation on for exactly
 *   the counted calls (host_module.c's count_calls), so start-up, imports
 *   and setup cost nothing and are not counted;
 * - two uncounted calls come first: CPython 3.11 specialises its bytecode
 *   after a few executions, and the timed calls run specialised code;
 * - how many calls are counted is decided by counting too, never by a
 *   time: one call is counted first, then a 1-2-5 number of calls that
 *   together execute about COUNTED_INSTRUCTIONS (at most 1000 calls).  A
 *   count taken over a number of calls chosen from a wall-clock time moved
 *   by 1.7% between runs (what a collection or a resize costs is spread
 *   over a different number of calls); callgrind runs ~50x slower, so a
 *   few calls say all. */
#include "count.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loops.h"
#include "text.h"

enum { MAX_COUNTED_CALLS = 1000, WARMUP_CALLS = 2 };
static const double COUNTED_INSTRUCTIONS = 5e7;

int
counter_init(struct counter *counter, const char *self, const struct worker_limits *limits,
             bool (*interrupted)(void), char **error)
{
    char out_file[4200];
    memset(counter, 0, sizeof *counter);
    snprintf(counter->folder, sizeof counter->folder, "%s/optdemo-count.XXXXXX",
             getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(counter->folder) == NULL) {
        *error = text_format("cannot make a folder for callgrind's output: %s", strerror(errno));
        counter->folder[0] = '\0';
        return -1;
    }
    snprintf(out_file, sizeof out_file, "--callgrind-out-file=%s/cg.%%p", counter->folder);
    char *argv[] = {"/usr/bin/valgrind", "--tool=callgrind", "--instr-atstart=no", "--quiet",
                    out_file, (char *)self, NULL, NULL, NULL, NULL};
    const char *const *worker = executor_worker_arguments(false);
    for (size_t i = 0; worker[i] != NULL; i++) {
        argv[6 + i] = (char *)worker[i];
    }
    if (access(argv[0], X_OK) != 0) {
        *error = text_copy("--count instructions needs valgrind (Debian: apt-get install "
                           "valgrind)");
        return -1;
    }
    /* Under valgrind everything is ~50x slower, and its own address space
     * is large: no memory limit, a generous timeout. */
    struct worker_limits counting = *limits;
    counting.memory_bytes = 0;
    counting.timeout = limits->timeout * 50;
    counting.cpu_seconds = 0;
    if (executor_worker_init(&counter->executor, argv, &counting, interrupted) < 0) {
        *error = text_copy("out of memory");
        return -1;
    }
    counter->executor.template = "c";
    counter->executor.label = text_copy("embedded under callgrind");
    return 0;
}

/* Remove the folder's files, then the folder. */
static void
empty_folder(const char *folder, bool remove)
{
    DIR *dir = opendir(folder);
    for (struct dirent *entry = dir != NULL ? readdir(dir) : NULL; entry != NULL;
         entry = readdir(dir)) {
        if (entry->d_name[0] != '.') {
            char path[4400];
            snprintf(path, sizeof path, "%s/%s", folder, entry->d_name);
            unlink(path);
        }
    }
    if (dir != NULL) {
        closedir(dir);
    }
    if (remove) {
        rmdir(folder);
    }
}

void
counter_free(struct counter *counter)
{
    executor_free(&counter->executor);
    if (counter->folder[0] != '\0') {
        empty_folder(counter->folder, true);
    }
}

/* The instructions of the newest dump part ("<file>.<part>"), read from its
 * "totals:" line, then the parts are removed.  -1 when there is none. */
static double
read_dump(const char *folder)
{
    DIR *dir = opendir(folder);
    double totals = -1;
    long best_part = -1;
    char best[4400] = "";
    for (struct dirent *entry = dir != NULL ? readdir(dir) : NULL; entry != NULL;
         entry = readdir(dir)) {
        const char *dot = strrchr(entry->d_name, '.');
        char *end = NULL;
        long part = dot != NULL ? strtol(dot + 1, &end, 10) : -1;
        /* cg.<pid>.<part>: a part has two dots */
        if (dot != NULL && end != NULL && *end == '\0' && strchr(entry->d_name, '.') != dot
            && part > best_part) {
            best_part = part;
            snprintf(best, sizeof best, "%s/%s", folder, entry->d_name);
        }
    }
    if (dir != NULL) {
        closedir(dir);
    }
    FILE *file = best[0] != '\0' ? fopen(best, "r") : NULL;
    char line[512];
    while (file != NULL && fgets(line, sizeof line, file) != NULL) {
        if (strncmp(line, "totals:", 7) == 0) {
            totals = strtod(line + 7, NULL);
        }
    }
    if (file != NULL) {
        fclose(file);
        unlink(best);
    }
    return totals;
}

static void
note(struct variant_result *v, const char *text)
{
    char *joined = text_format("%s%s%s", v->detail != NULL ? v->detail : "",
                               v->detail != NULL ? "\n" : "", text);
    if (joined != NULL) {
        free(v->detail);
        v->detail = joined;
    }
}

/* The largest 1-2-5 number of calls (1, 2, 5, 10, 20, ...) whose
 * instructions stay within COUNTED_INSTRUCTIONS, from one call's count;
 * 1 to MAX_COUNTED_CALLS. */
long
count_calls_for(double one_call)
{
    double fit = one_call > 0 ? COUNTED_INSTRUCTIONS / one_call : 1;
    return loops_at_most(fit < MAX_COUNTED_CALLS ? fit : MAX_COUNTED_CALLS);
}

/* Instructions per call of variant `index` over `loops` counted calls. */
static enum exec_status
count_per_call(struct counter *counter, size_t index, long loops, double *per_call,
               char **error)
{
    enum exec_status status = executor_count(&counter->executor, index, loops, WARMUP_CALLS,
                                             error);
    double totals = status == EXEC_OK ? read_dump(counter->folder) : -1;
    *per_call = totals >= 0 ? totals / (double)loops : -1;
    return status;
}

enum exec_status
count_instructions(struct counter *counter, const char *path, struct workload_result *result)
{
    struct executor *ex = &counter->executor;
    const struct workload_info *info = NULL;
    char *error = NULL;
    enum exec_status status = executor_start_load(ex, path, &info, &error);
    if (status == EXEC_OK) {
        status = executor_setup(ex, result->n, &error);
    }
    for (size_t k = 0; status == EXEC_OK && k < result->n_variants; k++) {
        struct variant_result *v = &result->variants[k];
        size_t index = 0;
        while (index < info->n_variants && strcmp(info->variants[index], v->name) != 0) {
            index++;
        }
        if (v->status != VARIANT_OK || index == info->n_variants) {
            continue;
        }
        double one_call = -1, per_call = -1;
        status = count_per_call(counter, index, 1, &one_call, &error);
        long loops = one_call > 0 ? count_calls_for(one_call) : 1;
        if (status == EXEC_OK && loops > 1) {
            status = count_per_call(counter, index, loops, &per_call, &error);
        } else {
            per_call = one_call;
        }
        if (status == EXEC_OK) {
            if (per_call >= 0) {
                v->instructions = per_call;
            } else {
                note(v, "instructions: no callgrind dump was found");
            }
        } else if (status == EXEC_ERROR) {
            char *text = text_format("instructions not counted: %s", error != NULL ? error : "");
            note(v, text != NULL ? text : "instructions not counted");
            free(text);
            free(error);
            error = NULL;
            status = EXEC_OK;
        }
    }
    if (status != EXEC_OK && status != EXEC_INTERRUPTED) {
        char *text = text_format("instructions not counted: %s", error != NULL ? error : "?");
        if (result->n_variants > 0 && text != NULL) {
            note(&result->variants[0], text);
        }
        free(text);
    }
    free(error);
    executor_stop(ex);
    empty_folder(counter->folder, false);
    return status == EXEC_INTERRUPTED ? EXEC_INTERRUPTED : EXEC_OK;
}
