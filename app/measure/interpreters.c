/* interpreters.c: from `--interpreter` names to executors, and what each
 * interpreter says about itself before anything is measured.  Key choice:
 * when several interpreters are compared, every one of them -- the
 * embedded one included -- times the variants with the runner's Python
 * loop, so the only difference left is the build; the C loop is kept for
 * the embedded interpreter alone (less overhead per call).  Both
 * templates' per-call overhead is measured and reported. */
#include "interpreters.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json_field.h"
#include "interp.h"
#include "text.h"

/* A path as given, or a bare name looked up on PATH (malloc'd), or NULL. */
static char *
find_program(const char *name)
{
    if (strchr(name, '/') != NULL) {
        return access(name, X_OK) == 0 ? strdup(name) : NULL;
    }
    const char *path = getenv("PATH");
    char *copy = strdup(path != NULL ? path : "/usr/bin:/bin"), *found = NULL;
    for (char *save = NULL, *dir = copy != NULL ? strtok_r(copy, ":", &save) : NULL;
         dir != NULL && found == NULL; dir = strtok_r(NULL, ":", &save)) {
        char candidate[PATH_MAX];
        struct stat st;
        int n = snprintf(candidate, sizeof candidate, "%s/%s", dir, name);
        if (n > 0 && n < (int)sizeof candidate && stat(candidate, &st) == 0
            && S_ISREG(st.st_mode) && access(candidate, X_OK) == 0) {
            found = strdup(candidate);
        }
    }
    free(copy);
    return found;
}

/* "python3.11", or "python3.11 (2)" when that label is taken. */
static char *
unique_label(const struct interpreter_set *set, const char *base)
{
    char *label = NULL;
    for (int copy = 1; copy < 1000; copy++) {
        free(label);
        label = copy == 1 ? text_copy(base) : text_format("%s (%d)", base, copy);
        if (label == NULL) {
            return NULL;
        }
        bool taken = false;
        for (size_t i = 0; i < set->count && !taken; i++) {
            taken = set->items[i].label != NULL && strcmp(set->items[i].label, label) == 0;
        }
        if (!taken) {
            return label;
        }
    }
    return label;
}

/* `base` (count entries) followed by "--path DIR" for each of the
 * configuration's folders and those of `extra` that are not NULL, NULL-terminated
 * (malloc'd array of borrowed strings). */
static char **
worker_argv(char *const *base, size_t count, const struct interpreter_config *config,
            char *const *extra, size_t n_extra)
{
    char **argv = calloc(count + 2 * (config->n_python_paths + n_extra) + 1, sizeof *argv);
    size_t n = 0;
    for (size_t i = 0; argv != NULL && i < count; i++) {
        argv[n++] = base[i];
    }
    for (size_t i = 0; argv != NULL && i < config->n_python_paths; i++) {
        argv[n++] = "--path";
        argv[n++] = config->python_paths[i];
    }
    for (size_t i = 0; argv != NULL && i < n_extra; i++) {
        if (extra[i] != NULL) {
            argv[n++] = "--path";
            argv[n++] = extra[i];
        }
    }
    return argv;
}

/* --python-path in this process, for --in-process: first on sys.path. */
static int
prepend_python_paths(const struct interpreter_config *config)
{
    PyObject *path = PySys_GetObject("path"); /* borrowed */
    for (size_t i = config->n_python_paths; path != NULL && i > 0; i--) {
        PyObject *folder = PyUnicode_DecodeFSDefault(config->python_paths[i - 1]);
        int rc = folder != NULL ? PyList_Insert(path, 0, folder) : -1;
        Py_XDECREF(folder);
        if (rc < 0) {
            PyErr_Clear();
            return -1;
        }
    }
    return 0;
}

static int
open_embedded(struct interpreter *it, const struct interpreter_config *config)
{
    const char *exe = interp_executable();
    if (exe == NULL) {
        return -1;
    }
    it->embedded = true;
    it->path = strdup(exe);
    if (it->path == NULL) {
        return -1;
    }
    if (config->in_process) {
        if (executor_inprocess_init(&it->executor) < 0 || prepend_python_paths(config) < 0) {
            return -1;
        }
    } else {
        const char *const *worker = executor_worker_arguments(false);
        char *base[] = {it->path, (char *)worker[0], (char *)worker[1], (char *)worker[2]};
        char **argv = worker_argv(base, 4, config, NULL, 0);
        int rc = argv != NULL ? executor_worker_init(&it->executor, argv, &config->limits,
                                                     config->interrupted) : -1;
        free(argv);
        if (rc < 0) {
            return -1;
        }
    }
    return 0;
}

int
interpreters_open(struct interpreter_set *set, char *const *names, size_t count,
                  const struct interpreter_config *config)
{
    static char *const embedded_only[] = {"embedded"};
    char *native = NULL, *ladder = NULL;
    int rc = -1;
    if (count == 0) {
        names = embedded_only;
        count = 1;
    }
    bool all_embedded = true;
    for (size_t i = 0; i < count; i++) {
        all_embedded = all_embedded && strcmp(names[i], "embedded") == 0;
    }
    const char *template = config->template != NULL ? config->template
                           : count == 1 && all_embedded ? "c" : "python";
    if (strcmp(template, "c") == 0 && !all_embedded) {
        fprintf(stderr,
                "optdemo run: --template c needs the embedded interpreter alone (the C "
                "loop lives in the host); other interpreters time with --template python\n");
        return -1;
    }
    set->items = calloc(count, sizeof *set->items);
    if (set->items == NULL) {
        goto no_memory;
    }
    for (size_t i = 0; i < count; i++) {
        /* Counted at once, so interpreters_close releases whatever it got. */
        struct interpreter *it = &set->items[set->count++];
        it->overhead = -1;
        if (strcmp(names[i], "embedded") == 0) {
            it->label = unique_label(set, "embedded");
            if (open_embedded(it, config) < 0) {
                goto no_memory;
            }
        } else {
            it->path = find_program(names[i]);
            if (it->path == NULL) {
                fprintf(stderr, "optdemo run: --interpreter %s: no such interpreter (a path to "
                                "a Python executable, a command on PATH, or 'embedded')\n",
                        names[i]);
                goto done;
            }
            if (native == NULL && (native = interp_native_dir()) != NULL) {
                ladder = text_format("%s/ladder", native);
            }
            char script[PATH_MAX];
            snprintf(script, sizeof script, "%s/worker.py", interp_pyscripts_dir());
            char *base[] = {it->path, "-E", "-s", script, "--fds", EXECUTOR_WORKER_FDS};
            char *folders[] = {native, ladder};
            char **argv = worker_argv(base, 6, config, folders, 2);
            const char *slash = strrchr(it->path, '/');
            it->label = unique_label(set, slash != NULL ? slash + 1 : it->path);
            int rc = argv != NULL ? executor_worker_init(&it->executor, argv, &config->limits,
                                                         config->interrupted) : -1;
            free(argv);
            if (rc < 0) {
                goto no_memory;
            }
        }
        it->executor.template = template;
        free(it->executor.label);
        it->executor.label = text_copy(it->label);
        if (it->label == NULL || it->executor.label == NULL) {
            goto no_memory;
        }
    }
    rc = 0;
    goto done;
no_memory:
    fprintf(stderr, "optdemo run: out of memory\n");
done:
    free(native);
    free(ladder);
    return rc;
}

int
interpreters_probe(struct interpreter_set *set, char **error)
{
    for (size_t i = 0; i < set->count; i++) {
        struct interpreter *it = &set->items[i];
        struct executor *ex = &it->executor;
        char *problem = NULL;
        enum exec_status status = executor_start(ex, &problem);
        if (status == EXEC_OK) {
            status = executor_hello_facts(ex, &it->facts, &problem);
        }
        if (status == EXEC_OK) {
            status = executor_metadata(ex, &it->metadata, &problem);
        }
        if (status == EXEC_OK) {
            status = executor_overhead(ex, &it->overhead, &problem);
        }
        executor_stop(ex);
        if (status == EXEC_INTERRUPTED) {
            free(problem);
            return 1;
        }
        if (status != EXEC_OK) {
            *error = text_format("cannot measure with %s (%s): %s", it->label, it->path,
                                 problem != NULL ? problem : "no answer");
            free(problem);
            return -1;
        }
    }
    return 0;
}

int
interpreters_recheck_gil(struct interpreter_set *set, char *const *paths)
{
    for (size_t i = 0; i < set->count; i++) {
        struct interpreter *it = &set->items[i];
        struct executor *ex = &it->executor;
        json_t *answer = NULL;
        char *problem = NULL;
        if (!json_is_true(json_object_get(it->metadata, "free_threaded"))) {
            continue;   /* a build with a GIL keeps it */
        }
        enum exec_status status = executor_start(ex, &problem);
        for (char *const *path = paths; status == EXEC_OK && *path != NULL; path++) {
            const struct workload_info *info;
            status = executor_load(ex, *path, &info, &problem);
            if (status == EXEC_ERROR) {   /* a workload that does not load imports nothing */
                free(problem);
                problem = NULL;
                status = EXEC_OK;
            }
        }
        if (status == EXEC_OK) {
            status = executor_request(ex, json_pack("{s:s}", "op", "gil"), &answer, &problem,
                                      NULL);
        }
        executor_stop(ex);
        json_t *enabled = json_object_get(answer, "gil_enabled");
        if (status == EXEC_OK && json_is_boolean(enabled)) {
            json_object_set(it->metadata, "gil_enabled", enabled);
        }
        json_decref(answer);
        free(problem);
        if (status == EXEC_INTERRUPTED) {
            return 1;
        }
    }
    return 0;
}

const char *
interpreter_gil_words(const json_t *metadata)
{
    if (!json_is_true(json_object_get(metadata, "free_threaded"))) {
        return NULL;
    }
    return json_is_true(json_object_get(metadata, "gil_enabled"))
               ? "free-threaded, GIL re-enabled at run time"
               : "free-threaded, GIL disabled";
}

void
interpreters_close(struct interpreter_set *set)
{
    for (size_t i = 0; i < set->count; i++) {
        struct interpreter *it = &set->items[i];
        executor_free(&it->executor);
        json_decref(it->facts);
        json_decref(it->metadata);
        free(it->label);
        free(it->path);
    }
    free(set->items);
    set->items = NULL;
    set->count = 0;
}

char *
interpreter_describe(const struct interpreter *it)
{
    char build[256], overhead[64] = "";
    const json_t *m = it->metadata;
    if (it->embedded) {
        snprintf(
            build, sizeof build, "embedded in optdemo (%s libpython from %s, PGO: %s%s)",
            json_field_string(m, "libpython_link", "?"), json_field_string(m, "libpython_dir", "?"),
            json_field_string(m, "libpython_pgo", "?"),
            strcmp(json_field_string(m, "host_lto", "no"), "yes") == 0 ? ", host linked with LTO"
                                                                       : "");
    } else {
        snprintf(build, sizeof build, "%s", it->path);
    }
    if (it->overhead >= 0) {
        snprintf(overhead, sizeof overhead, "%.3g ns per call", it->overhead * 1e9);
    }
    const char *gil = interpreter_gil_words(m);
    return text_format("%s %s %s%s%s%s, %s; numpy %s; timing template %s%s%s",
                       json_field_string(m, "python_implementation", "python"),
                       json_field_string(m, "python_version", "?"),
                       json_field_string(m, "python_build", ""), gil != NULL ? " (" : "",
                       gil != NULL ? gil : "", gil != NULL ? ")" : "", build,
                       json_field_string(m, "numpy_version", "unavailable"), it->executor.template,
                       *overhead != '\0' ? ": " : "", overhead);
}

json_t *
interpreters_json(const struct interpreter_set *set)
{
    json_t *array = json_array();
    for (size_t i = 0; array != NULL && i < set->count; i++) {
        const struct interpreter *it = &set->items[i];
        json_t *item = json_pack("{s:s, s:s, s:s, s:s, s:b}", "label", it->label,
                                 "path", it->path, "executor", it->executor.kind,
                                 "template", it->executor.template, "embedded", it->embedded);
        if (item == NULL) {
            continue;
        }
        if (it->overhead >= 0) {
            json_object_set_new(item, "template_overhead", json_real(it->overhead));
        }
        json_object_set(item, "metadata", it->metadata != NULL ? it->metadata : json_null());
        json_array_append_new(array, item);
    }
    return array;
}

json_t *
interpreters_common_metadata(const struct interpreter_set *set)
{
    json_t *common = set->count > 0 && set->items[0].metadata != NULL
                         ? json_deep_copy(set->items[0].metadata) : json_object();
    const char *key;
    json_t *value, *spare;
    json_object_foreach_safe(common, spare, key, value) {
        for (size_t i = 1; i < set->count; i++) {
            if (!json_equal(value, json_object_get(set->items[i].metadata, key))) {
                json_object_del(common, key);
                break;
            }
        }
    }
    return common;
}
