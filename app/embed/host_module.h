/* host_module.h: the built-in module `_optdemo_host` (see host_module.c). */
#ifndef OPTDEMO_HOST_MODULE_H
#define OPTDEMO_HOST_MODULE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

/* A function in a slot table (void *), without a pedantic warning. */
#define HOST_SLOT(function) ((void *)(uintptr_t)(function))

/* The module's init function, for PyImport_AppendInittab. */
PyObject *host_module_init(void);

#endif
