/* optnative.h: the registration hooks between the module definition
 * (optnative.c) and the binding files, one hook per binding file.  Each hook
 * adds its types/functions to the module and returns 0, or sets an exception
 * and returns -1. */
#ifndef OPTNATIVE_H
#define OPTNATIVE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

int optnative_exec_intset(PyObject *module);
int optnative_exec_deque(PyObject *module);
int optnative_exec_memoize(PyObject *module);
int optnative_exec_strbuilder(PyObject *module);
int optnative_exec_numpy(PyObject *module);

/* The module's init function, for PyImport_AppendInittab in the host. */
PyMODINIT_FUNC PyInit_optnative(void);

#endif
