/* line_tracer.h: a C line tracer for one code object, or for functions
 * named by key before they exist (line_tracer.c), behind
 * _optdemo_host.line_profile. */
#ifndef OPTDEMO_LINE_TRACER_H
#define OPTDEMO_LINE_TRACER_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* The tracer's type, created for `module` (kept in its state), or NULL
 * with an exception set. */
PyTypeObject *line_tracer_type_new(PyObject *module);

/* line_profile(function, argument, loops, *, code=None, functions=None):
 * the lines of `code` (function.__code__ by default) while
 * function(argument) is called `loops` times, as {lineno: (hits, seconds)}.
 * With functions=, a list or tuple of 1-16 (filename, qualname,
 * firstlineno) tuples, the lines of every code object called in the run
 * whose co_filename, co_qualname and co_firstlineno match one (function
 * may then be any callable), as a list of such dicts in the keys' order,
 * {} for a key never called.  code= and functions= together: TypeError.
 * `type` is line_tracer_type_new's.  NULL with an exception set on
 * failure. */
PyObject *line_tracer_profile(PyTypeObject *type, PyObject *args, PyObject *kwargs);

#endif
