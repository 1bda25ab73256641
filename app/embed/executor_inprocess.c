/* executor_inprocess.c: the protocol carried by a function call.  A request
 * line goes to optdemo.runner.Session.handle_line() in the embedded
 * interpreter and its return value is the response line: the same runner
 * a worker uses, without the process.  No isolation: a crash takes the host
 * with it, and there is no timeout (the --in-process trade-off).  Ctrl-C
 * arrives as KeyboardInterrupt, which the runner lets through. */
#include "executor.h"

#include <stdlib.h>
#include <string.h>

#include "interp.h"

/* Invariant: `session` is NULL or an owned runner.Session; `rest` is
 * NULL or the lines of the last answer after its first (malloc'd), and
 * `next` points into it. */
struct inprocess {
    PyObject *session;
    char *rest;
    const char *next;
};

static const int TRACEBACK_LINES = 8;

static int
inprocess_start(struct executor *ex, char **error)
{
    struct inprocess *self = ex->state;
    Py_CLEAR(self->session);
    self->session = interp_call("optdemo.runner", "Session", NULL);
    if (self->session == NULL) {
        *error = interp_exception_text(TRACEBACK_LINES);
        return -1;
    }
    return 0;
}

static enum exec_status
inprocess_request(struct executor *ex, const char *line, char **response, char **error)
{
    struct inprocess *self = ex->state;
    PyObject *answer = NULL;
    enum exec_status status = EXEC_OK;

    /* The last answer's unread lines go: a failed request brings none. */
    free(self->rest);
    self->rest = NULL;
    self->next = NULL;
    /* The host's own buffered output must not land in the runner's capture
     * of the variant's file descriptors. */
    fflush(stdout);
    fflush(stderr);
    answer = PyObject_CallMethod(self->session, "handle_line", "s", line);
    const char *utf8 = answer != NULL ? PyUnicode_AsUTF8(answer) : NULL;
    if (utf8 == NULL) {
        if (interp_exception_is_interrupt()) {
            PyErr_Clear();
            status = EXEC_INTERRUPTED;
        } else {
            *error = interp_exception_text(TRACEBACK_LINES);
            status = EXEC_ERROR;
        }
        goto done;
    }
    const char *newline = strchr(utf8, '\n');
    self->rest = newline != NULL ? strdup(newline + 1) : NULL;
    self->next = self->rest;
    *response = strndup(utf8, newline != NULL ? (size_t)(newline - utf8) : strlen(utf8));
    if (*response == NULL || (newline != NULL && self->rest == NULL)) {
        *error = strdup("out of memory");
        status = EXEC_ERROR;
    }
done:
    Py_XDECREF(answer);
    return status;
}

static enum exec_status
inprocess_more(struct executor *ex, char **line, char **error)
{
    struct inprocess *self = ex->state;
    if (self->next == NULL) {
        *error = strdup("internal error (protocol): the answer has no more lines");
        return EXEC_ERROR;
    }
    const char *newline = strchr(self->next, '\n');
    size_t length = newline != NULL ? (size_t)(newline - self->next) : strlen(self->next);
    *line = strndup(self->next, length);
    self->next = newline != NULL ? newline + 1 : NULL;
    if (*line == NULL) {
        *error = strdup("out of memory");
        return EXEC_ERROR;
    }
    return EXEC_OK;
}

static void
inprocess_stop(struct executor *ex)
{
    struct inprocess *self = ex->state;
    if (self->session == NULL) {
        return;
    }
    /* quit drops the workload module from sys.modules; a collection then
     * frees what its variants left in cycles. */
    PyObject *answer = PyObject_CallMethod(self->session, "handle_line", "s", "{\"op\":\"quit\"}");
    Py_XDECREF(answer);
    PyErr_Clear();
    Py_CLEAR(self->session);
    PyGC_Collect();
}

static void
inprocess_destroy(struct executor *ex)
{
    struct inprocess *self = ex->state;
    if (self != NULL) {
        free(self->rest);
    }
    free(ex->state);
    ex->state = NULL;
}

static const struct executor_ops inprocess_ops = {
    .start = inprocess_start,
    .request = inprocess_request,
    .more = inprocess_more,
    .stop = inprocess_stop,
    .destroy = inprocess_destroy,
};

int
executor_inprocess_init(struct executor *ex)
{
    memset(ex, 0, sizeof *ex);
    ex->state = calloc(1, sizeof(struct inprocess));
    ex->label = strdup("embedded");
    if (ex->state == NULL || ex->label == NULL) {
        free(ex->state);
        free(ex->label);
        return -1;
    }
    ex->ops = &inprocess_ops;
    ex->kind = "in-process";
    ex->template = "c";
    return 0;
}
