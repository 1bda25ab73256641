/* line_tracer.h: a C line tracer for one code object (line_tracer.c),
 * behind _optdemo_host.line_profile. */
#ifndef OPTDEMO_LINE_TRACER_H
#define OPTDEMO_LINE_TRACER_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* The tracer's type, created for `module` (kept in its state), or NULL
 * with an exception set. */
PyTypeObject *line_tracer_type_new(PyObject *module);

/* line_profile(function, argument, loops, *, code=None) -> {lineno: (hits,
 * seconds)}: the lines of `code` (function.__code__ by default) while
 * function(argument) is called `loops` times; `type` is
 * line_tracer_type_new's.  NULL with an exception set on failure. */
PyObject *line_tracer_profile(PyTypeObject *type, PyObject *args, PyObject *kwargs);

#endif
