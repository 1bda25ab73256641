/* executor.c: the protocol's requests (docs/worker-protocol.md) as C calls,
 * over whichever transport the executor has.  Requests and responses are
 * JSON lines built and read with jansson; the response's fields become the
 * plain C data the harness works with.  This file is the only place that
 * knows the protocol's field names on the host side. */
#include "executor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_field.h"
#include "text.h"

enum exec_status
executor_parse_response(const char *line, json_t **result, char **error, char **output)
{
    json_error_t problem;
    json_t *response = json_loads(line, 0, &problem);
    if (!json_is_object(response)) {
        json_decref(response);
        *error = text_format("internal error: the runner answered something that is not a "
                             "JSON object (%s): %.200s", problem.text, line);
        return EXEC_ERROR;
    }
    if (json_is_true(json_object_get(response, "ok"))) {
        *result = response;
        return EXEC_OK;
    }
    const char *kind = json_string_value(json_object_get(response, "kind"));
    const char *text = json_string_value(json_object_get(response, "error"));
    if (kind != NULL && strcmp(kind, "protocol") == 0) {
        *error = text_format("internal error (protocol): %s", text != NULL ? text : "?");
    } else if (kind != NULL && strcmp(kind, "contract") == 0) {
        *error = text_format("contract error: %s", text != NULL ? text : "?");
    } else {
        *error = strdup(text != NULL ? text : "unknown error");
    }
    if (output != NULL) {
        const char *printed = json_string_value(json_object_get(response, "output"));
        *output = printed != NULL && *printed != '\0' ? strdup(printed) : NULL;
    }
    json_decref(response);
    return EXEC_ERROR;
}

/* `request` as text, with `lines` (an array of strings, or NULL) after it,
 * each on a line of its own: NULL when out of memory or a line holds a
 * newline. */
static char *
message_text(json_t *request, const json_t *lines)
{
    char *header = request != NULL ? json_dumps(request, JSON_COMPACT) : NULL;
    size_t length = header != NULL ? strlen(header) : 0, index;
    const json_t *line;
    json_array_foreach(lines, index, line) {
        const char *text = json_string_value(line);
        if (text == NULL || memchr(text, '\n', json_string_length(line)) != NULL) {
            free(header);
            return NULL;
        }
        length += 1 + json_string_length(line);
    }
    char *message = header != NULL ? realloc(header, length + 1) : NULL;
    if (message == NULL) {
        free(header);
        return NULL;
    }
    char *end = message + strlen(message);
    json_array_foreach(lines, index, line) {
        *end++ = '\n';
        memcpy(end, json_string_value(line), json_string_length(line));
        end += json_string_length(line);
    }
    *end = '\0';
    return message;
}

/* The lines an answer announced ("lines_after": N), read and put in the
 * count's place as an array of strings. */
static enum exec_status
read_more(struct executor *ex, json_t *result, char **error)
{
    json_int_t count = json_integer_value(json_object_get(result, "lines_after"));
    json_t *lines = json_array();
    size_t bytes = 0;
    enum exec_status status = lines != NULL && ex->ops->more != NULL ? EXEC_OK : EXEC_ERROR;
    if (count < 0 || count > EXECUTOR_MAX_ANSWER_LINES) {
        *error = text_format("the worker announced %lld lines: at most %d are read",
                             (long long)count, EXECUTOR_MAX_ANSWER_LINES);
        status = EXEC_ERROR;
    }
    for (json_int_t i = 0; status == EXEC_OK && i < count; i++) {
        char *line = NULL;
        status = ex->ops->more(ex, &line, error);
        bytes += line != NULL ? strlen(line) : 0;
        if (status == EXEC_OK && bytes > EXECUTOR_MAX_ANSWER_BYTES) {
            *error = text_format("the worker's answer passed %d MiB",
                                 EXECUTOR_MAX_ANSWER_BYTES >> 20);
            status = EXEC_ERROR;
        }
        if (status == EXEC_OK && json_array_append_new(lines, json_string(line)) < 0) {
            status = EXEC_ERROR;
        }
        free(line);
    }
    if (status == EXEC_ERROR && *error == NULL) {
        *error = strdup("internal error: an answer's lines are missing or not UTF-8");
    }
    json_object_set_new(result, "lines_after", lines);
    return status;
}

/* Send `request` (stolen), with `lines` after it (NULL: none), and wait for
 * its answer.  EXEC_OK with *result. */
static enum exec_status
exchange_lines(struct executor *ex, json_t *request, const json_t *lines, json_t **result,
               char **error, char **output)
{
    char *line = NULL, *response = NULL;
    enum exec_status status = EXEC_ERROR;

    *result = NULL;
    if (!ex->running) {
        *error = strdup("internal error: the executor is not running");
        goto done;
    }
    line = message_text(request, lines);
    if (line == NULL) {
        *error = strdup("internal error: out of memory, or a line holds a newline");
        goto done;
    }
    status = ex->ops->request(ex, line, &response, error);
    if (status == EXEC_OK) {
        status = executor_parse_response(response, result, error, output);
    }
    if (status == EXEC_OK && json_is_integer(json_object_get(*result, "lines_after"))) {
        status = read_more(ex, *result, error);
        if (status == EXEC_ERROR) {
            executor_stop(ex);   /* lines left unread: its answers are out of step */
        }
    }
    if (status == EXEC_TIMEOUT || status == EXEC_CRASHED) {
        ex->running = false;
    }
done:
    if (status != EXEC_OK) {
        json_decref(*result);
        *result = NULL;
    }
    json_decref(request);
    free(line);
    free(response);
    return status;
}

static enum exec_status
exchange(struct executor *ex, json_t *request, json_t **result, char **error, char **output)
{
    return exchange_lines(ex, request, NULL, result, error, output);
}

enum exec_status
executor_request(struct executor *ex, json_t *request, json_t **result, char **error,
                 char **output)
{
    return exchange(ex, request, result, error, output);
}

enum exec_status
executor_request_lines(struct executor *ex, json_t *request, const json_t *lines,
                       json_t **result, char **error)
{
    return exchange_lines(ex, request, lines, result, error, NULL);
}

/* A request whose answer carries nothing but ok. */
static enum exec_status
exchange_simple(struct executor *ex, json_t *request, char **error)
{
    json_t *result = NULL;
    enum exec_status status = exchange(ex, request, &result, error, NULL);
    json_decref(result);
    return status;
}

static const char *
variant_name(const struct executor *ex, size_t v)
{
    return v < ex->info.n_variants ? ex->info.variants[v] : "?";
}

enum exec_status
executor_start(struct executor *ex, char **error)
{
    if (ex->running) {
        return EXEC_OK;
    }
    if (ex->ops->start(ex, error) < 0) {
        return EXEC_CRASHED;
    }
    ex->running = true;
    json_t *facts = NULL;
    enum exec_status status = executor_hello_facts(ex, &facts, error);
    /* An older runner that does not say: assume it can. */
    json_t *memory = json_object_get(facts, "memory");
    ex->traces_memory = memory == NULL || json_is_true(memory);
    json_decref(facts);
    if (status != EXEC_OK) {
        executor_stop(ex);
    }
    return status;
}

void
executor_stop(struct executor *ex)
{
    workload_info_clear(&ex->info);
    if (ex->ops != NULL) {
        ex->ops->stop(ex);
    }
    ex->running = false;
}

void
executor_free(struct executor *ex)
{
    if (ex->ops != NULL) {
        executor_stop(ex);
        ex->ops->destroy(ex);
    }
    free(ex->label);
    memset(ex, 0, sizeof *ex);
}

enum exec_status
executor_hello_facts(struct executor *ex, json_t **facts, char **error)
{
    return exchange(ex, json_pack("{s:s, s:s}", "op", "hello", "template", ex->template),
                    facts, error, NULL);
}

enum exec_status
executor_metadata(struct executor *ex, json_t **metadata, char **error)
{
    json_t *result = NULL;
    enum exec_status status = exchange(ex, json_pack("{s:s}", "op", "metadata"), &result,
                                       error, NULL);
    if (status == EXEC_OK) {
        *metadata = json_incref(json_object_get(result, "metadata"));
        if (!json_is_object(*metadata)) {
            json_decref(*metadata);
            *metadata = json_object();
        }
    }
    json_decref(result);
    return status;
}

enum exec_status
executor_overhead(struct executor *ex, double *seconds, char **error)
{
    json_t *result = NULL;
    enum exec_status status = exchange(ex, json_pack("{s:s}", "op", "overhead"), &result,
                                       error, NULL);
    if (status == EXEC_OK) {
        *seconds = json_number_value(json_object_get(result, "seconds"));
    }
    json_decref(result);
    return status;
}

void
workload_info_clear(struct workload_info *info)
{
    for (size_t i = 0; i < info->n_variants; i++) {
        free(info->variants != NULL ? info->variants[i] : NULL);
        free(info->notes != NULL ? info->notes[i] : NULL);
        free(info->unavailable != NULL ? info->unavailable[i] : NULL);
    }
    free(info->variants);
    free(info->notes);
    free(info->unavailable);
    free(info->id);
    free(info->title);
    free(info->section);
    free(info->explanation);
    free(info->path);
    free(info->source_sha256);
    json_decref(info->sources);
    free(info->sweep);
    free(info->no_native);
    memset(info, 0, sizeof *info);
}

/* A positive integer field of `object`, or 0. */
static long
positive_long(const json_t *object, const char *key)
{
    const json_t *value = json_object_get(object, key);
    return json_is_integer(value) && json_integer_value(value) > 0
               ? (long)json_integer_value(value) : 0;
}

/* Fill `info` from load's "workload" object.  0, or -1 (malformed, no
 * memory) with *error set. */
static int
fill_info(struct workload_info *info, const json_t *workload, char **error)
{
    const json_t *sizes = json_object_get(workload, "sizes");
    const json_t *sweep = json_object_get(sizes, "sweep");
    const json_t *variants = json_object_get(workload, "variants");
    const json_t *notes = json_object_get(workload, "notes");
    const json_t *unavailable = json_object_get(workload, "unavailable");
    const json_t *tolerance = json_object_get(workload, "tolerance");
    size_t n_variants = json_array_size(variants), n_sweep = json_array_size(sweep);

    info->id = json_field_copy(workload, "id");
    info->title = json_field_copy(workload, "title");
    info->section = json_field_copy(workload, "section");
    info->explanation = json_field_copy(workload, "explanation");
    info->path = json_field_copy(workload, "path");
    info->source_sha256 = json_field_copy(workload, "source_sha256");
    info->sources = json_incref(json_object_get(workload, "sources"));
    info->no_native = json_field_copy(workload, "no_native");
    info->size_quick = positive_long(sizes, "quick");
    info->size_default = positive_long(sizes, "default");
    if (info->id == NULL || info->title == NULL || info->section == NULL
        || info->explanation == NULL || info->path == NULL || n_variants == 0
        || info->size_quick == 0 || info->size_default == 0) {
        *error = strdup("internal error: load's answer lacks a field of the workload");
        return -1;
    }
    info->sweep = calloc(n_sweep + 1, sizeof *info->sweep);
    info->variants = calloc(n_variants, sizeof *info->variants);
    info->notes = calloc(n_variants, sizeof *info->notes);
    info->unavailable = calloc(n_variants, sizeof *info->unavailable);
    if (info->sweep == NULL || info->variants == NULL || info->notes == NULL
        || info->unavailable == NULL) {
        *error = strdup("out of memory");
        return -1;
    }
    for (size_t i = 0; i < n_sweep; i++) {
        info->sweep[i] = (long)json_integer_value(json_array_get(sweep, i));
    }
    info->n_sweep = n_sweep;
    info->n_variants = n_variants;
    for (size_t i = 0; i < n_variants; i++) {
        const char *name = json_string_value(json_array_get(variants, i));
        info->variants[i] = text_copy(name);
        if (info->variants[i] == NULL) {
            *error = strdup("internal error: a variant name is not a string");
            return -1;
        }
        info->notes[i] = json_field_copy(notes, name);
        info->unavailable[i] = json_field_copy(unavailable, name);
    }
    info->has_tolerance = json_is_number(tolerance);
    info->tolerance = info->has_tolerance ? json_number_value(tolerance) : 0.0;
    return 0;
}

enum exec_status
executor_start_load(struct executor *ex, const char *path, const struct workload_info **info,
                    char **error)
{
    enum exec_status status = executor_start(ex, error);
    return status == EXEC_OK ? executor_load(ex, path, info, error) : status;
}

enum exec_status
executor_load(struct executor *ex, const char *path, const struct workload_info **info,
              char **error)
{
    json_t *result = NULL;
    workload_info_clear(&ex->info);
    enum exec_status status = exchange(ex, json_pack("{s:s, s:s}", "op", "load", "path", path),
                                       &result, error, NULL);
    if (status == EXEC_OK) {
        if (fill_info(&ex->info, json_object_get(result, "workload"), error) < 0) {
            workload_info_clear(&ex->info);
            status = EXEC_ERROR;
        } else {
            *info = &ex->info;
        }
    }
    json_decref(result);
    return status;
}

enum exec_status
executor_setup(struct executor *ex, long n, char **error)
{
    return exchange_simple(ex, json_pack("{s:s, s:I}", "op", "setup", "n", (json_int_t)n),
                           error);
}

void
check_result_clear(struct check_result *result)
{
    free(result->mismatch);
    free(result->output);
    memset(result, 0, sizeof *result);
}

enum exec_status
executor_check(struct executor *ex, size_t v, bool fingerprint, bool compare,
               struct check_result *out, char **error)
{
    json_t *result = NULL;
    check_result_clear(out);
    enum exec_status status = exchange(
        ex, json_pack("{s:s, s:s, s:b, s:b}", "op", "check", "variant", variant_name(ex, v),
                      "fingerprint", fingerprint, "compare", compare),
        &result, error, &out->output);
    if (status == EXEC_OK) {
        out->seconds = json_number_value(json_object_get(result, "seconds"));
        out->matches = json_is_true(json_object_get(result, "matches"));
        out->mutated = json_is_true(json_object_get(result, "mutated"));
        out->mismatch = json_field_copy(result, "mismatch");
        const char *printed = json_string_value(json_object_get(result, "output"));
        out->output = printed != NULL && *printed != '\0' ? strdup(printed) : NULL;
        out->output_lines = (long)json_integer_value(json_object_get(result, "output_lines"));
    }
    json_decref(result);
    return status;
}

enum exec_status
executor_time(struct executor *ex, size_t v, long loops, double *seconds, char **error)
{
    json_t *result = NULL;
    enum exec_status status = exchange(
        ex, json_pack("{s:s, s:s, s:I}", "op", "time", "variant", variant_name(ex, v),
                      "loops", (json_int_t)loops),
        &result, error, NULL);
    if (status == EXEC_OK) {
        *seconds = json_number_value(json_object_get(result, "seconds"));
    }
    json_decref(result);
    return status;
}

enum exec_status
executor_memory(struct executor *ex, size_t v, long *bytes, char **error)
{
    json_t *result = NULL;
    enum exec_status status = exchange(
        ex, json_pack("{s:s, s:s}", "op", "memory", "variant", variant_name(ex, v)),
        &result, error, NULL);
    if (status == EXEC_OK) {
        *bytes = (long)json_integer_value(json_object_get(result, "peak"));
    }
    json_decref(result);
    return status;
}

enum exec_status
executor_count(struct executor *ex, size_t v, long loops, long warmups, char **error)
{
    return exchange_simple(ex, json_pack("{s:s, s:s, s:I, s:I}", "op", "count", "variant",
                                         variant_name(ex, v), "loops", (json_int_t)loops,
                                         "warmups", (json_int_t)warmups), error);
}

enum exec_status
executor_set_gc(struct executor *ex, bool enabled, char **error)
{
    return exchange_simple(ex, json_pack("{s:s, s:b}", "op", "gc", "enabled", enabled), error);
}
