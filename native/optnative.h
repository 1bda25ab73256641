/* optnative.h: the registration hooks between the module definition
 * (optnative.c) and the binding files, one hook per binding file.  Each hook
 * adds its types/functions to the module and returns 0, or sets an exception
 * and returns -1. */
#ifndef OPTNATIVE_H
#define OPTNATIVE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* A function pointer stored in a slot's `void *` (PyType_Slot,
 * PyModuleDef_Slot): through uintptr_t, which -Wpedantic accepts. */
#ifndef SLOT_FUNCTION
#include <stdint.h>
#define SLOT_FUNCTION(function) ((void *)(uintptr_t)(function))
#endif

int optnative_exec_intset(PyObject *module);
int optnative_exec_deque(PyObject *module);
int optnative_exec_memoize(PyObject *module);
int optnative_exec_strbuilder(PyObject *module);
int optnative_exec_numpy(PyObject *module);

/* The module's init function, for PyImport_AppendInittab in the host. */
PyMODINIT_FUNC PyInit_optnative(void);

#endif
