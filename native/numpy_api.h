/* numpy_api.h: the one way into the NumPy C API for optnative's files.
 * NumPy's API is a table of pointers filled by import_array; with several
 * .c files every one must name the same table (PY_ARRAY_UNIQUE_SYMBOL) and
 * all but the one that fills it must say NO_IMPORT_ARRAY, or a file calls
 * through a NULL table and crashes.  bind_arrays.c owns the table
 * (OPTNATIVE_NUMPY_OWNER) and fills it lazily, when array_vector_from meets
 * its first array: `import optnative` must not import numpy (~130 ms of
 * every optdemo start-up). */
#ifndef OPTNATIVE_NUMPY_API_H
#define OPTNATIVE_NUMPY_API_H

#define PY_ARRAY_UNIQUE_SYMBOL optnative_ARRAY_API
#ifndef OPTNATIVE_NUMPY_OWNER
#define NO_IMPORT_ARRAY
#endif
#include "optnative.h"
/* NumPy's API macros cast `void *` table slots to function pointers, which
 * -Wpedantic reports at every call; Debian finds the headers through
 * -I/usr/include/python3.11 (not -isystem), so mark them system here. */
#pragma GCC system_header
#include <numpy/arrayobject.h>

/* Import NumPy's C API on first use (cached).  Every function that touches a
 * NumPy symbol (even PyArray_Check) calls this first, or runs only after
 * array_vector_from succeeded (which did).  Returns 0, or -1 with an
 * exception set (ImportError when numpy is missing). */
int optnative_numpy_import(void);

#endif
