/* optnative.h: the module's public face: its init function, which the host
 * (app/embed/interp.c) and bench_kernels.c register with PyImport_AppendInittab.
 * What the binding files share among themselves is in bindings.h. */
#ifndef OPTNATIVE_H
#define OPTNATIVE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* The module's init function (multi-phase: returns the definition). */
PyMODINIT_FUNC PyInit_optnative(void);

#endif
