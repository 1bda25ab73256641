/* bind_arrays.h: the one way the bindings read int64 and float64 arrays
 * (IntSet's fast path, the NumPy kernels): normalised once into a 1-D,
 * aligned, native-byte-order view -- a copy for byte-swapped or misaligned
 * input costs time, a misread would cost the answer -- that loops walk by
 * stride.  NumPy stays behind it, loaded on the first array it meets:
 * `import optnative` and IntSet(list) never import numpy. */
#ifndef OPTNATIVE_BIND_ARRAYS_H
#define OPTNATIVE_BIND_ARRAYS_H

#include "optnative.h"

typedef enum { ARRAY_INT64, ARRAY_FLOAT64 } array_dtype;

/* What an argument that is not an ndarray of the dtype means. */
typedef enum {
    ARRAY_REQUIRED,     /* an error: TypeError (the kernels) */
    ARRAY_OR_ITERABLE,  /* not for us: ARRAY_OTHER, the caller iterates it
                         * (IntSet: lists, other dtypes, array.array) */
} array_need;

typedef enum {
    ARRAY_ERROR = -1,   /* an exception is set, nothing to release */
    ARRAY_OTHER = 0,    /* ARRAY_OR_ITERABLE only: no exception, nothing to
                         * release */
    ARRAY_OK = 1,       /* the vector is filled: array_vector_release it */
} array_status;

/* Invariants (after ARRAY_OK): owner is a strong reference to the array the
 * data lives in -- the argument itself, or the copy made of it -- so the
 * data stays valid while the vector is held, also without the GIL; element
 * i is the aligned, native-order int64 or double at data + i * stride. */
typedef struct {
    PyObject *owner;
    const char *data;
    Py_ssize_t length;      /* elements */
    Py_ssize_t stride;      /* bytes from one element to the next; negative
                             * for a reversed view */
} array_vector;

/* Normalise `obj` into *vector.  Errors (`function` names the caller in
 * the message, "sum" -> "sum() expects ..."): not an ndarray, or an ndarray
 * of another dtype, with ARRAY_REQUIRED: TypeError; an ndarray of the dtype
 * that is not 1-D: ValueError, whatever `need` says (it is meant as an
 * array, and a wrong one); numpy missing: ImportError; a copy that does
 * not fit: MemoryError.  int64 means any integer dtype of 8 bytes and
 * sign (long, longlong); unsigned 8-byte values above 2^63 are not int64. */
array_status array_vector_from(PyObject *obj, array_dtype dtype, array_need need,
                               const char *function, array_vector *vector);

/* Release the reference a vector holds; safe on a vector that was never
 * filled (ARRAY_OTHER or ARRAY_ERROR leave it empty). */
void array_vector_release(array_vector *vector);

#endif
