/* profile_report.c: the last steps of a sampled profile's report (see
 * profile_report.h), shared by `profile SCRIPT.py` and `profile --pid`. */
#include "profile_report.h"

#include <stdlib.h>
#include <string.h>

#include "interp.h"
#include "results.h"
#include "text.h"

char *
profile_report_call(const char *function, const json_t *report, const char *extra)
{
    char *text = json_dumps(report, JSON_COMPACT), *copy = NULL;
    PyObject *args = text != NULL ? Py_BuildValue("(sz)", text, extra) : NULL;
    PyObject *result = args != NULL ? interp_call("optdemo.script_report", function, args) : NULL;
    const char *value = result != NULL ? PyUnicode_AsUTF8(result) : NULL;
    copy = value != NULL ? text_copy(value) : NULL;
    if (copy == NULL) {
        char *why = PyErr_Occurred() ? interp_exception_text(8) : NULL;
        fprintf(stderr, "optdemo profile: %s failed: %s\n", function,
                text_or(why, "out of memory"));
        free(why);
    }
    Py_XDECREF(args);
    Py_XDECREF(result);
    free(text);
    return copy;
}

int
profile_report_check_results(const char *path)
{
    PyObject *args = Py_BuildValue("(s)", path);
    PyObject *speedups = args != NULL ? interp_call("optdemo.hot_findings", "measured_speedups",
                                                    args) : NULL;
    int rc = speedups != NULL ? 0 : -1;
    if (speedups == NULL) {
        char *why = interp_exception_message();
        fprintf(stderr, "optdemo profile: --results %s: %s\n", path, text_or(why, "unreadable"));
        free(why);
    }
    Py_XDECREF(args);
    Py_XDECREF(speedups);
    return rc;
}

/* `text` written to `path` atomically: 0, or -1 after saying why not. */
static int
write_text(const char *path, const char *text)
{
    char *error = NULL;
    if (text == NULL) {
        return -1;   /* its maker said why */
    }
    if (results_write_atomic(path, text, strlen(text), &error) < 0) {
        fprintf(stderr, "optdemo profile: %s\n", text_or(error, "cannot write"));
        free(error);
        return -1;
    }
    return 0;
}

int
profile_report_finish(json_t **report, FILE *out, const struct profile_outputs *outputs)
{
    char top[32], *text = profile_report_call("complete", *report, NULL);
    json_t *completed = text != NULL ? json_loads(text, 0, NULL) : NULL;
    int rc = 0;

    free(text);
    if (completed == NULL) {
        return -1;
    }
    json_decref(*report);
    *report = completed;
    snprintf(top, sizeof top, "%ld", outputs->top);
    text = profile_report_call("text", *report, top);
    if (text == NULL) {
        return -1;
    }
    fputs(text, out);
    fflush(out);
    free(text);
    if (outputs->collapsed_path != NULL) {
        text = profile_report_call("collapsed", *report, NULL);
        rc |= write_text(outputs->collapsed_path, text);
        free(text);
    }
    if (outputs->json_path != NULL) {
        text = json_dumps(*report, JSON_INDENT(1) | JSON_SORT_KEYS);
        rc |= write_text(outputs->json_path, text);
        free(text);
    }
    if (outputs->html_path != NULL) {
        text = profile_report_call("html", *report, NULL);
        rc |= write_text(outputs->html_path, text);
        free(text);
    }
    return rc;
}
