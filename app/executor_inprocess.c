/* executor_inprocess.c: the executor that runs workloads in the embedded
 * interpreter.  Variants are called straight from C with vectorcall, so the
 * timed region is the call itself plus one C loop iteration; the clock is
 * read once around all `loops` calls.  Python-side chores (loading, checking
 * results, tracemalloc) go through pyscripts' optdemo.workloads. */
#include "executor.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "interp.h"

/* Invariants: `module`, `data` and `reference` are NULL or owned; the
 * functions array has info.n_variants owned entries once loaded. */
struct inprocess {
    PyObject *module;      /* the workload module */
    PyObject *functions;   /* tuple of the variant functions, VARIANTS order */
    PyObject *tolerance;   /* TOLERANCE (None or float) */
    PyObject *data;        /* setup(n)'s result */
    PyObject *reference;   /* before's result at this n */
    struct workload_info info;
};

static const int TRACEBACK_LINES = 6;

/* Turn the pending exception into EXEC_ERROR with its text, or into
 * EXEC_INTERRUPTED for Ctrl-C. */
static enum exec_status
python_failure(char **error)
{
    if (interp_exception_is_interrupt()) {
        PyErr_Clear();
        return EXEC_INTERRUPTED;
    }
    *error = interp_exception_text(TRACEBACK_LINES);
    return EXEC_ERROR;
}

static char *
dict_string(PyObject *dict, const char *key)
{
    PyObject *value = PyDict_GetItemString(dict, key); /* borrowed */
    if (value == NULL || value == Py_None) {
        return NULL;
    }
    const char *utf8 = PyUnicode_Check(value) ? PyUnicode_AsUTF8(value) : NULL;
    if (utf8 == NULL) {
        PyErr_Clear();
        return NULL;
    }
    return strdup(utf8);
}

static void
free_strings(char **strings, size_t n)
{
    if (strings == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        free(strings[i]);
    }
    free(strings);
}

static void
clear_info(struct workload_info *info)
{
    free(info->id);
    free(info->title);
    free(info->section);
    free(info->explanation);
    free(info->path);
    free(info->sweep);
    free(info->no_native);
    free_strings(info->notes, info->n_variants);
    free_strings(info->unavailable, info->n_variants);
    free_strings(info->variants, info->n_variants);
    memset(info, 0, sizeof *info);
}

/* Fill `info` from describe(module)'s dict.  -1 with an exception set. */
static int
fill_info(struct workload_info *info, PyObject *described)
{
    PyObject *sizes = PyDict_GetItemString(described, "sizes");
    PyObject *variants = PyDict_GetItemString(described, "variants");
    PyObject *notes = PyDict_GetItemString(described, "notes");
    PyObject *tolerance = PyDict_GetItemString(described, "tolerance");
    PyObject *unavailable = PyDict_GetItemString(described, "unavailable");
    if (sizes == NULL || variants == NULL || notes == NULL || tolerance == NULL
        || unavailable == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "describe() returned an incomplete dict");
        return -1;
    }
    info->id = dict_string(described, "id");
    info->title = dict_string(described, "title");
    info->section = dict_string(described, "section");
    info->explanation = dict_string(described, "explanation");
    info->path = dict_string(described, "path");
    info->no_native = dict_string(described, "no_native");
    info->size_quick = PyLong_AsLong(PyDict_GetItemString(sizes, "quick"));
    info->size_default = PyLong_AsLong(PyDict_GetItemString(sizes, "default"));
    PyObject *sweep = PyDict_GetItemString(sizes, "sweep");
    Py_ssize_t n_sweep = PyList_Size(sweep);
    Py_ssize_t n_variants = PyList_Size(variants);
    if (PyErr_Occurred()) {
        return -1;
    }
    info->sweep = calloc((size_t)n_sweep + 1, sizeof *info->sweep);
    info->variants = calloc((size_t)n_variants, sizeof *info->variants);
    info->notes = calloc((size_t)n_variants, sizeof *info->notes);
    info->unavailable = calloc((size_t)n_variants, sizeof *info->unavailable);
    if (info->sweep == NULL || info->variants == NULL || info->notes == NULL
        || info->unavailable == NULL
        || info->id == NULL || info->title == NULL || info->section == NULL
        || info->explanation == NULL || info->path == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    info->n_sweep = (size_t)n_sweep;
    for (Py_ssize_t i = 0; i < n_sweep; i++) {
        info->sweep[i] = PyLong_AsLong(PyList_GET_ITEM(sweep, i));
    }
    info->n_variants = (size_t)n_variants;
    for (Py_ssize_t i = 0; i < n_variants; i++) {
        const char *name = PyUnicode_AsUTF8(PyList_GET_ITEM(variants, i));
        if (name == NULL || (info->variants[i] = strdup(name)) == NULL) {
            return -1;
        }
        PyObject *note = PyDict_GetItemString(notes, name);
        const char *text = note != NULL && PyUnicode_Check(note) ? PyUnicode_AsUTF8(note) : NULL;
        if (text != NULL) {
            info->notes[i] = strdup(text);
        }
        PyObject *why = PyDict_GetItemString(unavailable, name);
        text = why != NULL && PyUnicode_Check(why) ? PyUnicode_AsUTF8(why) : NULL;
        if (text != NULL) {
            info->unavailable[i] = strdup(text);
        }
    }
    info->has_tolerance = tolerance != Py_None;
    info->tolerance = info->has_tolerance ? PyFloat_AsDouble(tolerance) : 0.0;
    return PyErr_Occurred() ? -1 : 0;
}

static void
inprocess_unload(struct executor *ex)
{
    struct inprocess *self = ex->state;
    /* Drop the objects first, then the module: a variant's result may be
     * an instance of a class the module defines. */
    Py_CLEAR(self->reference);
    Py_CLEAR(self->data);
    Py_CLEAR(self->functions);
    Py_CLEAR(self->tolerance);
    if (self->module != NULL) {
        PyObject *modules = PyImport_GetModuleDict(); /* borrowed */
        PyObject *name = PyObject_GetAttrString(self->module, "__name__");
        if (name != NULL && PyDict_DelItem(modules, name) < 0) {
            PyErr_Clear();
        }
        Py_XDECREF(name);
        PyErr_Clear();
        Py_CLEAR(self->module);
    }
    clear_info(&self->info);
    PyGC_Collect();
}

static enum exec_status
inprocess_load(struct executor *ex, const char *path,
               const struct workload_info **info, char **error)
{
    struct inprocess *self = ex->state;
    PyObject *args = NULL, *described = NULL;
    enum exec_status status = EXEC_OK;

    inprocess_unload(ex);
    args = Py_BuildValue("(s)", path);
    if (args == NULL) {
        goto error;
    }
    self->module = interp_call("optdemo.workloads", "load", args);
    if (self->module == NULL) {
        goto error;
    }
    Py_DECREF(args);
    args = PyTuple_Pack(1, self->module);
    if (args == NULL) {
        goto error;
    }
    described = interp_call("optdemo.workloads", "describe", args);
    if (described == NULL || fill_info(&self->info, described) < 0) {
        goto error;
    }
    self->functions = PyTuple_New((Py_ssize_t)self->info.n_variants);
    if (self->functions == NULL) {
        goto error;
    }
    for (size_t i = 0; i < self->info.n_variants; i++) {
        PyObject *function = PyObject_GetAttrString(self->module, self->info.variants[i]);
        if (function == NULL) {
            goto error;
        }
        PyTuple_SET_ITEM(self->functions, (Py_ssize_t)i, function); /* steals */
    }
    self->tolerance = Py_NewRef(PyDict_GetItemString(described, "tolerance"));
    *info = &self->info;
    goto done;
error:
    status = python_failure(error);
    inprocess_unload(ex);
done:
    Py_XDECREF(args);
    Py_XDECREF(described);
    return status;
}

static enum exec_status
inprocess_setup(struct executor *ex, long n, char **error)
{
    struct inprocess *self = ex->state;
    Py_CLEAR(self->reference);
    Py_CLEAR(self->data);
    self->data = PyObject_CallMethod(self->module, "setup", "l", n);
    return self->data != NULL ? EXEC_OK : python_failure(error);
}

static PyObject *
call_variant(struct inprocess *self, size_t v)
{
    PyObject *args[1] = {self->data};
    return PyObject_Vectorcall(PyTuple_GET_ITEM(self->functions, (Py_ssize_t)v),
                               args, 1, NULL);
}

static enum exec_status
inprocess_check(struct executor *ex, size_t v, double *seconds, bool *matches, char **error)
{
    struct inprocess *self = ex->state;
    PyObject *result = NULL, *args = NULL, *same = NULL, *detail = NULL;
    enum exec_status status = EXEC_OK;

    double start = clock_wall();
    result = call_variant(self, v);
    *seconds = clock_wall() - start;
    if (result == NULL) {
        goto error;
    }
    if (v == 0) {
        Py_XSETREF(self->reference, Py_NewRef(result));
        *matches = true;
        goto done;
    }
    if (self->reference == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "variant 'before' must be checked first");
        goto error;
    }
    args = PyTuple_Pack(3, self->reference, result, self->tolerance);
    if (args == NULL) {
        goto error;
    }
    same = interp_call("optdemo.workloads", "same_result", args);
    if (same == NULL) {
        goto error;
    }
    *matches = PyObject_IsTrue(same) == 1;
    if (!*matches) {
        PyObject *pair = PyTuple_GetSlice(args, 0, 2);
        detail = pair != NULL ? interp_call("optdemo.workloads", "describe_mismatch", pair) : NULL;
        Py_XDECREF(pair);
        const char *text = detail != NULL ? PyUnicode_AsUTF8(detail) : NULL;
        if (text == NULL) {
            goto error;
        }
        *error = strdup(text);
    }
    goto done;
error:
    status = python_failure(error);
done:
    Py_XDECREF(result);
    Py_XDECREF(args);
    Py_XDECREF(same);
    Py_XDECREF(detail);
    return status;
}

static enum exec_status
inprocess_time(struct executor *ex, size_t v, long loops, double *seconds, char **error)
{
    struct inprocess *self = ex->state;
    PyObject *function = PyTuple_GET_ITEM(self->functions, (Py_ssize_t)v);
    PyObject *args[1] = {self->data};

    /* Signals are checked between values, not inside the timed loop: a
     * Ctrl-C that lands in Python code raises KeyboardInterrupt anyway. */
    if (PyErr_CheckSignals() < 0) {
        return python_failure(error);
    }
    double start = clock_wall();
    for (long i = 0; i < loops; i++) {
        PyObject *result = PyObject_Vectorcall(function, args, 1, NULL);
        if (result == NULL) {
            return python_failure(error);
        }
        Py_DECREF(result);
    }
    *seconds = clock_wall() - start;
    return EXEC_OK;
}

static enum exec_status
inprocess_memory(struct executor *ex, size_t v, long *bytes, char **error)
{
    struct inprocess *self = ex->state;
    PyObject *args = PyTuple_Pack(2, PyTuple_GET_ITEM(self->functions, (Py_ssize_t)v), self->data);
    PyObject *peak = args != NULL ? interp_call("optdemo.workloads", "memory_peak", args) : NULL;
    enum exec_status status = EXEC_OK;
    if (peak == NULL || (*bytes = PyLong_AsLong(peak)) == -1) {
        status = python_failure(error);
    }
    Py_XDECREF(args);
    Py_XDECREF(peak);
    return status;
}

static enum exec_status
inprocess_set_gc(struct executor *ex, bool enabled, char **error)
{
    (void)ex;
    PyObject *result = interp_call("gc", enabled ? "enable" : "disable", NULL);
    if (result == NULL) {
        return python_failure(error);
    }
    Py_DECREF(result);
    if (enabled) {
        PyGC_Collect();
    }
    return EXEC_OK;
}

static const struct executor_ops inprocess_ops = {
    .name = "in-process",
    .load = inprocess_load,
    .setup = inprocess_setup,
    .check = inprocess_check,
    .time = inprocess_time,
    .memory = inprocess_memory,
    .set_gc = inprocess_set_gc,
    .unload = inprocess_unload,
};

int
executor_inprocess_init(struct executor *ex)
{
    ex->ops = &inprocess_ops;
    ex->state = calloc(1, sizeof(struct inprocess));
    return ex->state != NULL ? 0 : -1;
}

void
executor_inprocess_free(struct executor *ex)
{
    if (ex->state != NULL) {
        inprocess_unload(ex);
        free(ex->state);
        ex->state = NULL;
    }
}
