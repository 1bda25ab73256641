/* sample_call.h: _optdemo_host.sample (sample_call.c). */
#ifndef OPTDEMO_SAMPLE_CALL_H
#define OPTDEMO_SAMPLE_CALL_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* sample(function, *, rate=1000.0, clock="wall", root=None) -> (function(),
 * profile): call function() while the sampler reads this thread's stacks
 * `rate` times a second.  profile is {"samples", "dropped", "empty",
 * "truncated", "handler_seconds", "stacks": [{"stack", "count"}],
 * "functions": [{"function", "file", "self", "total"}]}; each sample's
 * outermost frames up to the innermost one in file `root` are left out.
 * NULL with an exception, the call's own included (its samples are lost). */
PyObject *sample_call(PyObject *module, PyObject *args, PyObject *kwargs);

#endif
