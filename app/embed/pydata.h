/* pydata.h: reading the values pyscripts hands the host, checked.  The host
 * never assumes a Python value's type: each reader returns NULL with a
 * TypeError that names what was expected and where (`what`), which the
 * command then reports like any other error. */
#ifndef OPTDEMO_PYDATA_H
#define OPTDEMO_PYDATA_H

#include "interp.h"

/* The UTF-8 text of a str (owned by the object), or NULL with TypeError. */
const char *pydata_str(PyObject *value, const char *what);

/* dict[key], borrowed; NULL with TypeError when `dict` is no dict or lacks
 * the key. */
PyObject *pydata_get(PyObject *dict, const char *key, const char *what);

/* dict[key] as text; NULL with TypeError unless it is a str. */
const char *pydata_get_str(PyObject *dict, const char *key, const char *what);

/* dict[key] as text when present and not None; NULL otherwise, with an
 * exception set only when it is something else than a str (check
 * PyErr_Occurred()). */
const char *pydata_get_optional_str(PyObject *dict, const char *key, const char *what);

/* A list of str as a NULL-terminated array of malloc'd copies (*count of
 * them; free with text_free_list); NULL with an exception otherwise. */
char **pydata_str_list(PyObject *value, const char *what, size_t *count);

/* dict[key], borrowed, when it is a list; NULL with TypeError otherwise. */
PyObject *pydata_get_list(PyObject *dict, const char *key, const char *what);

#endif
