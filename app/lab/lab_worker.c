/* lab_worker.c: `optdemo worker --lab`, the request loop of a lab's workers,
 * in C.  Every request but three goes to pyscripts' runner, as in any worker;
 * the three that time a function are answered here, where no Python code of
 * the process runs between them:
 *   stage    {lines: k} + k lines        each line the JSON text of an
 *            argument list, made Python objects by the json module's C
 *            scanner (taken at start), with the cyclic GC off; kept in
 *            this file only;
 *   run      {name}                      the function called on each staged
 *            input, its results kept (the host's clock is around this one);
 *   results  {}                          the kept results, a line of JSON text
 *            each after the answer (forget: dropped unread, for the lab's
 *            own functions).
 * Each answer repeats the request's nonce.  A solution can rewrite anything
 * written in Python in its own process, the runner's loop included; if that
 * loop staged the inputs, a solution could work on them before the timed
 * request.  Here the inputs exist as objects only from `stage` on, and the
 * next request is `run`: the solution's code first runs, and first sees
 * them, inside the timed request. */
#include "lab_worker.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "interp.h"
#include "text.h"

enum { MAX_DEPTH = 64, READ_CHUNK = 65536 };

/* The requests' bytes not yet handled, and what the three C requests keep
 * between them.  `staged` is a list of argument tuples or NULL; `results` a
 * list of results or NULL. */
struct lab_worker {
    int read_fd, write_fd;
    char *buffer;
    size_t length, capacity;
    PyObject *session;        /* runner.Session() */
    PyObject *gc_freeze;      /* gc.freeze, taken before any solution is loaded */
    PyObject *scan;           /* json.decoder.JSONDecoder().scan_once, likewise */
    PyObject *staged, *results;
};

/* Staged inputs out of every later collection (gc.freeze): a timed call
 * then pays no collector's walk over its arguments, which a caller would
 * have paid when it built them.  The function is the one taken at start:
 * the solution may rebind gc.freeze, but not change this object. */
static int
freeze_staged(struct lab_worker *w)
{
    PyObject *done = PyObject_CallNoArgs(w->gc_freeze);
    Py_XDECREF(done);
    return done != NULL ? 0 : -1;
}

/* A result as JSON: exact built-in types only (a subclass could run code
 * of the solution's while its result is read), finite floats, str keys.
 * NULL with *why (static text) when it is not a JSON value. */
static json_t *
to_json(PyObject *value, int depth, const char **why)
{
    if (depth > MAX_DEPTH) {
        *why = "nested too deeply";
        return NULL;
    }
    if (value == Py_None) {
        return json_null();
    }
    if (value == Py_True || value == Py_False) {
        return json_boolean(value == Py_True);
    }
    if (PyLong_CheckExact(value)) {
        int overflow = 0;
        long long number = PyLong_AsLongLongAndOverflow(value, &overflow);
        if (overflow != 0 || (number == -1 && PyErr_Occurred())) {
            PyErr_Clear();
            *why = "an int beyond 64 bits";
            return NULL;
        }
        return json_integer(number);
    }
    if (PyFloat_CheckExact(value)) {
        double number = PyFloat_AS_DOUBLE(value);
        if (!isfinite(number)) {
            *why = "NaN or infinity";
            return NULL;
        }
        return json_real(number);
    }
    if (PyUnicode_CheckExact(value)) {
        Py_ssize_t size = 0;
        const char *text = PyUnicode_AsUTF8AndSize(value, &size);
        if (text == NULL) {
            PyErr_Clear();
            *why = "a str that is not UTF-8 (a lone surrogate)";
            return NULL;
        }
        return json_stringn(text, (size_t)size);
    }
    if (PyList_CheckExact(value) || PyTuple_CheckExact(value)) {
        json_t *array = json_array();
        Py_ssize_t size = PySequence_Fast_GET_SIZE(value);
        for (Py_ssize_t i = 0; array != NULL && i < size; i++) {
            /* A list's items are read one by one: nothing of the
             * solution's runs here, so the list cannot change under us. */
            json_t *item = to_json(PySequence_Fast_GET_ITEM(value, i), depth + 1, why);
            if (item == NULL || json_array_append_new(array, item) < 0) {
                json_decref(array);
                return NULL;
            }
        }
        return array;
    }
    if (PyDict_CheckExact(value)) {
        json_t *object = json_object();
        Py_ssize_t position = 0;
        PyObject *key, *item;
        while (object != NULL && PyDict_Next(value, &position, &key, &item)) {
            const char *name = PyUnicode_CheckExact(key) ? PyUnicode_AsUTF8(key) : NULL;
            json_t *converted = name != NULL ? to_json(item, depth + 1, why) : NULL;
            if (name == NULL) {
                PyErr_Clear();
                *why = "a dict whose keys are not all str";
            }
            if (converted == NULL || json_object_set_new(object, name, converted) < 0) {
                json_decref(object);
                return NULL;
            }
        }
        return object;
    }
    *why = "not a JSON value: return lists, numbers, strings, booleans, None or dicts with "
           "str keys (built-in types, not subclasses)";
    return NULL;
}

/* `length` bytes of text, then a newline. */
static int
write_text(struct lab_worker *w, const char *text, size_t length)
{
    for (size_t done = 0; done < length + 1;) {
        ssize_t n = done < length ? write(w->write_fd, text + done, length - done)
                                  : write(w->write_fd, "\n", 1);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        done += (size_t)n;
    }
    return 0;
}

static int
write_line(struct lab_worker *w, json_t *response)
{
    char *text = json_dumps(response, JSON_COMPACT);
    json_decref(response);
    int rc = text != NULL ? write_text(w, text, strlen(text)) : -1;
    free(text);
    return rc;
}

static json_t *
failure(json_int_t nonce, const char *kind, const char *error)
{
    return json_pack("{s:b, s:I, s:s, s:s}", "ok", 0, "nonce", nonce, "kind", kind, "error",
                     error != NULL ? error : "?");
}

static char *read_line(struct lab_worker *w, size_t from, size_t *next);

/* One line of JSON text as an argument tuple (NULL with an exception set):
 * by the scanner taken at start, not by json.loads, which the solution may
 * have replaced by now. */
static PyObject *
arguments(struct lab_worker *w, const char *line)
{
    PyObject *text = PyUnicode_DecodeUTF8(line, (Py_ssize_t)strlen(line), "strict");
    PyObject *scanned = text != NULL ? PyObject_CallFunction(w->scan, "On", text,
                                                             (Py_ssize_t)0) : NULL;
    PyObject *tuple = NULL;
    if (scanned != NULL && PyTuple_CheckExact(scanned) && PyTuple_GET_SIZE(scanned) == 2
        && PyList_CheckExact(PyTuple_GET_ITEM(scanned, 0))
        && PyLong_AsSsize_t(PyTuple_GET_ITEM(scanned, 1)) == PyUnicode_GET_LENGTH(text)) {
        tuple = PyList_AsTuple(PyTuple_GET_ITEM(scanned, 0));
    } else if (scanned != NULL || !PyErr_Occurred()) {
        PyErr_SetString(PyExc_ValueError, "an input is not one JSON list");
    }
    Py_XDECREF(scanned);
    Py_XDECREF(text);
    return tuple;
}

/* stage: the k lines after the request (from byte *next of the buffer on;
 * *next moves past them, all read whatever happens) as argument tuples,
 * GC off meanwhile (a collection could run a callback the solution
 * registered). */
static json_t *
op_stage(struct lab_worker *w, const json_t *request, json_int_t nonce, size_t *next)
{
    json_int_t count = json_integer_value(json_object_get(request, "lines_after"));
    int was_enabled = PyGC_Disable();
    Py_CLEAR(w->staged);
    Py_CLEAR(w->results);
    PyObject *staged = PyList_New(0);
    for (json_int_t i = 0; i < count; i++) {
        const char *line = read_line(w, *next, next);
        if (line == NULL) {
            Py_CLEAR(staged);
            break;
        }
        PyObject *tuple = staged != NULL ? arguments(w, line) : NULL;
        if (tuple == NULL || PyList_Append(staged, tuple) < 0) {
            Py_CLEAR(staged);
        }
        Py_XDECREF(tuple);
    }
    if (was_enabled) {
        PyGC_Enable();
    }
    if (staged == NULL || freeze_staged(w) < 0) {
        Py_XDECREF(staged);
        PyErr_Clear();
        return failure(nonce, "protocol", "stage: an input is not a line of JSON: a list of "
                                          "arguments");
    }
    w->staged = staged;
    return json_pack("{s:b, s:I, s:I}", "ok", 1, "nonce", nonce, "staged",
                     (json_int_t)PyList_GET_SIZE(staged));
}

/* The traceback of the exception being handled, as the runner shows it
 * (its last lines); the exception is cleared. */
static char *
exception_tail(struct lab_worker *w)
{
    (void)w;
    PyObject *text = interp_call("optdemo.protocol", "traceback_tail", NULL);
    char *copy = NULL;
    if (text != NULL && PyUnicode_Check(text)) {
        const char *utf8 = PyUnicode_AsUTF8(text);
        copy = text_copy(utf8 != NULL ? utf8 : "?");
    }
    Py_XDECREF(text);
    PyErr_Clear();
    return copy != NULL ? copy : interp_exception_message();
}

/* run: the named function of the session on each staged input. */
static json_t *
op_run(struct lab_worker *w, const json_t *request, json_int_t nonce)
{
    const char *name = json_string_value(json_object_get(request, "name"));
    PyObject *callables = NULL, *function = NULL, *results = NULL;
    json_t *response = NULL;
    if (name == NULL || w->staged == NULL) {
        return failure(nonce, "protocol", "run: stage inputs first, then name a function");
    }
    callables = PyObject_GetAttrString(w->session, "callables");
    function = callables != NULL && PyDict_CheckExact(callables)
                   ? PyDict_GetItemString(callables, name) : NULL;
    if (function == NULL) {
        PyErr_Clear();
        response = failure(nonce, "protocol", "run: no such function loaded");
        goto done;
    }
    Py_INCREF(function);
    results = PyList_New(0);
    for (Py_ssize_t i = 0; results != NULL && i < PyList_GET_SIZE(w->staged); i++) {
        PyObject *result = PyObject_Call(function, PyList_GET_ITEM(w->staged, i), NULL);
        if (result == NULL || PyList_Append(results, result) < 0) {
            Py_XDECREF(result);
            char *tail = exception_tail(w);
            response = failure(nonce, "exception", tail);
            free(tail);
            goto done;
        }
        Py_DECREF(result);
    }
    if (results == NULL) {
        PyErr_Clear();
        response = failure(nonce, "exception", "out of memory");
        goto done;
    }
    /* The inputs stay until the next stage: freeing thousands of objects
     * is no part of the call, and the host's clock is running. */
    w->results = results;
    results = NULL;
    response = json_pack("{s:b, s:I}", "ok", 1, "nonce", nonce);
done:
    Py_XDECREF(results);
    Py_XDECREF(function);
    Py_XDECREF(callables);
    return response;
}

/* results: what the last run returned, a line of JSON text each after
 * the answer's line; 0, or -1 when the host is gone. */
static int
op_results(struct lab_worker *w, json_int_t nonce)
{
    Py_CLEAR(w->staged);
    if (w->results == NULL) {
        return write_line(w, failure(nonce, "protocol", "results: run first"));
    }
    Py_ssize_t count = PyList_GET_SIZE(w->results);
    char **lines = calloc((size_t)count + 1, sizeof *lines);
    const char *why = NULL;
    int rc = -1;
    for (Py_ssize_t i = 0; lines != NULL && i < count; i++) {
        json_t *result = to_json(PyList_GET_ITEM(w->results, i), 0, &why);
        lines[i] = result != NULL ? json_dumps(result, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        json_decref(result);
        if (lines[i] == NULL) {
            break;
        }
    }
    Py_CLEAR(w->results);
    if (lines == NULL || (count > 0 && lines[count - 1] == NULL)) {
        char *text = text_format("a result is %s", why != NULL ? why : "not a JSON value");
        rc = write_line(w, failure(nonce, "contract", text));
        free(text);
        goto done;
    }
    rc = write_line(w, json_pack("{s:b, s:I, s:I}", "ok", 1, "nonce", nonce, "lines_after",
                                 (json_int_t)count));
    for (Py_ssize_t i = 0; rc == 0 && i < count; i++) {
        rc = write_text(w, lines[i], strlen(lines[i]));
    }
done:
    for (Py_ssize_t i = 0; lines != NULL && i < count; i++) {
        free(lines[i]);
    }
    free(lines);
    return rc;
}

/* The `count` lines after a request (from byte *next on; *next moves past
 * them) as a list of str: NULL with an exception set. */
static PyObject *
read_lines(struct lab_worker *w, json_int_t count, size_t *next)
{
    PyObject *lines = PyList_New(0);
    for (json_int_t i = 0; lines != NULL && i < count; i++) {
        const char *line = read_line(w, *next, next);
        PyObject *text = line != NULL ? PyUnicode_DecodeUTF8(line, (Py_ssize_t)strlen(line),
                                                             "strict") : NULL;
        if (line == NULL) {
            PyErr_SetString(PyExc_EOFError, "the host's lines ended early");
        }
        if (text == NULL || PyList_Append(lines, text) < 0) {
            Py_CLEAR(lines);
        }
        Py_XDECREF(text);
    }
    return lines;
}

/* Any other request: the runner's Session.handle_line, with the lines the
 * request brings (from byte *next on); its answer (JSON text, and the lines
 * it announces) is written as it is. */
static int
pass_to_runner(struct lab_worker *w, const char *line, json_int_t count, size_t *next)
{
    /* The request's own line first: reading more may move the buffer. */
    PyObject *request = PyUnicode_DecodeUTF8(line, (Py_ssize_t)strlen(line), "strict");
    PyObject *lines = request != NULL ? read_lines(w, count, next) : NULL;
    PyObject *answer = lines != NULL ? PyObject_CallMethod(w->session, "handle_line", "OO",
                                                           request, lines) : NULL;
    Py_XDECREF(request);
    Py_XDECREF(lines);
    Py_ssize_t length = 0;
    const char *text = answer != NULL && PyUnicode_Check(answer)
                           ? PyUnicode_AsUTF8AndSize(answer, &length) : NULL;
    int rc;
    if (text != NULL) {
        rc = write_text(w, text, (size_t)length);
    } else {
        char *why = interp_exception_message();
        PyErr_Clear();
        rc = write_line(w, json_pack("{s:b, s:s, s:s}", "ok", 0, "kind", "protocol", "error",
                                     why != NULL ? why : "the runner gave no answer"));
        free(why);
    }
    Py_XDECREF(answer);
    return rc;
}

/* One request line (and the lines it brings, from *next on; *next moves
 * past them): 0, 1 after quit, -1 when the host is gone. */
static int
handle(struct lab_worker *w, const char *line, size_t *next)
{
    json_error_t error;
    json_t *request = json_loads(line, 0, &error);
    const char *op = json_string_value(json_object_get(request, "op"));
    json_int_t nonce = json_integer_value(json_object_get(request, "nonce"));
    json_t *response = NULL;
    int rc;
    if (op != NULL && strcmp(op, "stage") == 0) {
        response = op_stage(w, request, nonce, next);
    } else if (op != NULL && strcmp(op, "run") == 0) {
        response = op_run(w, request, nonce);
    } else if (op != NULL && strcmp(op, "forget") == 0) {
        Py_CLEAR(w->staged);     /* what results frees, without the JSON */
        Py_CLEAR(w->results);
        response = json_pack("{s:b, s:I}", "ok", 1, "nonce", nonce);
    }
    if (response != NULL) {
        rc = write_line(w, response);
    } else if (op != NULL && strcmp(op, "results") == 0) {
        rc = op_results(w, nonce);
    } else {
        rc = pass_to_runner(w, line, json_integer_value(json_object_get(request, "lines_after")),
                            next);
        /* Only after the runner's requests: reading an attribute may run
         * Python code the solution planted, which must never happen
         * between stage and run. */
        PyObject *finished = PyObject_GetAttrString(w->session, "finished");
        if (rc == 0 && finished != NULL && PyObject_IsTrue(finished) == 1) {
            rc = 1;
        }
        Py_XDECREF(finished);
        PyErr_Clear();
    }
    json_decref(request);
    return rc;
}

/* The line that starts at byte `from` of the buffer, its newline made a
 * NUL; *next is where the line after it starts.  NULL at end of file.  The
 * buffer may move: a line is used before the next is read. */
static char *
read_line(struct lab_worker *w, size_t from, size_t *next)
{
    for (;;) {
        char *start = w->buffer + from;
        char *newline = w->length > from ? memchr(start, '\n', w->length - from) : NULL;
        if (newline != NULL) {
            *newline = '\0';
            *next = (size_t)(newline - w->buffer) + 1;
            return start;
        }
        if (w->capacity - w->length < READ_CHUNK) {
            size_t grown = w->capacity * 2 + READ_CHUNK;
            char *bigger = realloc(w->buffer, grown);
            if (bigger == NULL) {
                return NULL;
            }
            w->buffer = bigger;
            w->capacity = grown;
        }
        ssize_t n = read(w->read_fd, w->buffer + w->length, w->capacity - w->length - 1);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return NULL;
        }
        w->length += (size_t)n;
    }
}

int
lab_worker_serve(int read_fd, int write_fd)
{
    struct lab_worker w = {.read_fd = read_fd, .write_fd = write_fd};
    PyObject *crash_file = NULL;
    int rc = -1;
    w.session = interp_call("optdemo.runner", "Session", NULL);
    crash_file = w.session != NULL ? interp_call("optdemo.runner", "enable_faulthandler", NULL)
                                   : NULL;
    PyObject *gc = crash_file != NULL ? PyImport_ImportModule("gc") : NULL;
    w.gc_freeze = gc != NULL ? PyObject_GetAttrString(gc, "freeze") : NULL;
    Py_XDECREF(gc);
    PyObject *decoder = w.gc_freeze != NULL ? interp_call("json.decoder", "JSONDecoder", NULL)
                                            : NULL;
    w.scan = decoder != NULL ? PyObject_GetAttrString(decoder, "scan_once") : NULL;
    Py_XDECREF(decoder);
    if (w.session == NULL || crash_file == NULL || w.gc_freeze == NULL || w.scan == NULL) {
        PyErr_Print();
        goto done;
    }
    for (;;) {
        size_t consumed = 0;
        char *line = read_line(&w, 0, &consumed);
        if (line == NULL) {
            break;
        }
        int handled = handle(&w, line, &consumed);
        if (handled < 0) {
            goto done;
        }
        if (handled > 0) {
            break;   /* quit */
        }
        memmove(w.buffer, w.buffer + consumed, w.length - consumed);
        w.length -= consumed;
    }
    rc = 0;
done:
    Py_XDECREF(w.staged);
    Py_XDECREF(w.results);
    Py_XDECREF(w.session);
    Py_XDECREF(w.gc_freeze);
    Py_XDECREF(w.scan);
    Py_XDECREF(crash_file);
    free(w.buffer);
    return rc;
}
