/* pydata.c: see pydata.h.  PyDict_GetItemWithError, not PyDict_GetItemString:
 * the latter swallows errors raised while hashing or comparing the key. */
#include "pydata.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

const char *
pydata_str(PyObject *value, const char *what)
{
    if (value == NULL || !PyUnicode_Check(value)) {
        PyErr_Format(PyExc_TypeError, "%s must be a str, not %s", what,
                     value != NULL ? Py_TYPE(value)->tp_name : "missing");
        return NULL;
    }
    return PyUnicode_AsUTF8(value);
}

PyObject *
pydata_get(PyObject *dict, const char *key, const char *what)
{
    if (!PyDict_Check(dict)) {
        PyErr_Format(PyExc_TypeError, "%s must be a dict, not %s", what, Py_TYPE(dict)->tp_name);
        return NULL;
    }
    PyObject *name = PyUnicode_FromString(key);
    PyObject *value = name != NULL ? PyDict_GetItemWithError(dict, name) : NULL; /* borrowed */
    Py_XDECREF(name);
    if (value == NULL && !PyErr_Occurred()) {
        PyErr_Format(PyExc_TypeError, "%s has no '%s'", what, key);
    }
    return value;
}

const char *
pydata_get_str(PyObject *dict, const char *key, const char *what)
{
    PyObject *value = pydata_get(dict, key, what);
    return value != NULL ? pydata_str(value, key) : NULL;
}

const char *
pydata_get_optional_str(PyObject *dict, const char *key, const char *what)
{
    if (!PyDict_Check(dict)) {
        pydata_get(dict, key, what);  /* sets the TypeError */
        return NULL;
    }
    PyObject *name = PyUnicode_FromString(key);
    PyObject *value = name != NULL ? PyDict_GetItemWithError(dict, name) : NULL; /* borrowed */
    Py_XDECREF(name);
    if (value == NULL || value == Py_None) {
        return NULL;
    }
    return pydata_str(value, key);
}

PyObject *
pydata_get_list(PyObject *dict, const char *key, const char *what)
{
    PyObject *value = pydata_get(dict, key, what);
    if (value != NULL && !PyList_Check(value)) {
        PyErr_Format(PyExc_TypeError, "%s['%s'] must be a list, not %s", what, key,
                     Py_TYPE(value)->tp_name);
        return NULL;
    }
    return value;
}

char **
pydata_str_list(PyObject *value, const char *what, size_t *count)
{
    if (value == NULL || !PyList_Check(value)) {
        PyErr_Format(PyExc_TypeError, "%s must be a list, not %s", what,
                     value != NULL ? Py_TYPE(value)->tp_name : "missing");
        return NULL;
    }
    *count = (size_t)PyList_GET_SIZE(value);
    char **copies = calloc(*count + 1, sizeof *copies);
    for (size_t i = 0; copies != NULL && i < *count; i++) {
        const char *text = pydata_str(PyList_GET_ITEM(value, (Py_ssize_t)i), what);
        copies[i] = text != NULL ? strdup(text) : NULL;
        if (copies[i] == NULL) {
            if (!PyErr_Occurred()) {
                PyErr_NoMemory();
            }
            text_free_list(copies);
            return NULL;
        }
    }
    if (copies == NULL) {
        PyErr_NoMemory();
    }
    return copies;
}
