/* bind_arrays.c: array_vector_from, the one place that decides which arrays
 * optnative reads in C and how (see bind_arrays.h), and the owner of NumPy's
 * C API table (numpy_api.h), which it fills on the first array it meets.
 * Byte-swapped and misaligned arrays are copied by PyArray_FromAny into
 * native order, so no loop anywhere swaps bytes or reads unaligned. */
#define OPTNATIVE_NUMPY_OWNER
#include "numpy_api.h"

#include "bind_arrays.h"

#include <stdatomic.h>

/* Set once the table is filled; process-wide, like the table and numpy's
 * own state (NumPy 1.24 does not support subinterpreters).  Without the GIL
 * (a NumPy built for 3.13t) two threads may meet their first array at once:
 * one fills the table under a PyMutex (a waiter detaches), then publishes
 * the flag, so a thread that reads 1 also sees the table. */
static atomic_int numpy_api_loaded = 0;
#ifdef Py_GIL_DISABLED
static PyMutex numpy_import_lock;
#endif

int
optnative_numpy_import(void)
{
    int result = 0;

    if (atomic_load_explicit(&numpy_api_loaded, memory_order_acquire)) {
        return 0;
    }
#ifdef Py_GIL_DISABLED
    PyMutex_Lock(&numpy_import_lock);
#endif
    if (!atomic_load_explicit(&numpy_api_loaded, memory_order_relaxed)) {
        result = _import_array() < 0 ? -1 : 0;
        if (result == 0) {
            atomic_store_explicit(&numpy_api_loaded, 1, memory_order_release);
        }
    }
#ifdef Py_GIL_DISABLED
    PyMutex_Unlock(&numpy_import_lock);
#endif
    return result;
}

static const struct {
    int type_num;
    const char *name;
} dtypes[] = {
    [ARRAY_INT64] = {NPY_INT64, "int64"},
    [ARRAY_FLOAT64] = {NPY_FLOAT64, "float64"},
};

/* Whether obj can be an ndarray, answered without importing numpy: an
 * ndarray exports buffers (lists, tuples, ranges and generators do not, so
 * the first test answers for them at no cost), and none exists before numpy
 * is in sys.modules.  1, 0, or -1 with an exception (looking the key up
 * can fail: PyDict_GetItemWithError, not PyDict_GetItemString, which
 * would swallow the error). */
static int
might_be_ndarray(PyObject *obj)
{
    if (!PyObject_CheckBuffer(obj)) {
        return 0;
    }
    if (numpy_api_loaded) {
        return 1;
    }
    PyObject *key = PyUnicode_FromString("numpy");
    PyObject *numpy = key != NULL ? PyDict_GetItemWithError(PyImport_GetModuleDict(), key)
                                  : NULL;
    Py_XDECREF(key);
    return numpy != NULL ? 1 : PyErr_Occurred() ? -1 : 0;
}

array_status
array_vector_from(PyObject *obj, array_dtype dtype, array_need need,
                  const char *function, array_vector *vector)
{
    PyArrayObject *array = NULL;
    PyArray_Descr *wanted = NULL;
    PyObject *got = NULL;
    array_status status = ARRAY_ERROR;
    int type_num = dtypes[dtype].type_num;
    int is_array, is_dtype;

    *vector = (array_vector){NULL, NULL, 0, 0};
    int maybe = need == ARRAY_OR_ITERABLE ? might_be_ndarray(obj) : 1;
    if (maybe <= 0) {
        status = maybe == 0 ? ARRAY_OTHER : ARRAY_ERROR;
        goto done;
    }
    if (optnative_numpy_import() < 0) {
        goto done;
    }
    is_array = PyArray_Check(obj);
    is_dtype = is_array
        && PyArray_EquivTypenums(PyArray_DESCR((PyArrayObject *)obj)->type_num, type_num);
    if (!is_dtype && need == ARRAY_OR_ITERABLE) {
        status = ARRAY_OTHER;
        goto done;
    }
    if (!is_array) {
        PyErr_Format(PyExc_TypeError, "%s() expects a numpy.ndarray of dtype %s, not %.200s",
                     function, dtypes[dtype].name, Py_TYPE(obj)->tp_name);
        goto done;
    }
    if (!is_dtype) {
        got = PyObject_Str((PyObject *)PyArray_DESCR((PyArrayObject *)obj));
        if (got != NULL) {
            PyErr_Format(PyExc_TypeError, "%s() expects an array of dtype %s, got dtype %U",
                         function, dtypes[dtype].name, got);
        }
        goto done;
    }
    if (PyArray_NDIM((PyArrayObject *)obj) != 1) {
        PyErr_Format(PyExc_ValueError, "%s() expects a 1-D array, got a %d-D array",
                     function, PyArray_NDIM((PyArrayObject *)obj));
        goto done;
    }
    wanted = PyArray_DescrFromType(type_num);   /* native byte order */
    if (wanted == NULL) {
        goto done;
    }
    /* Steals `wanted`; returns obj itself when it already qualifies. */
    array = (PyArrayObject *)PyArray_FromAny(obj, wanted, 1, 1,
                                             NPY_ARRAY_ALIGNED | NPY_ARRAY_NOTSWAPPED, NULL);
    if (array == NULL) {
        goto done;
    }
    vector->owner = (PyObject *)array;
    vector->data = PyArray_BYTES(array);
    vector->length = PyArray_DIM(array, 0);
    vector->stride = PyArray_STRIDE(array, 0);
    status = ARRAY_OK;
done:
    Py_XDECREF(got);
    return status;
}

void
array_vector_release(array_vector *vector)
{
    Py_CLEAR(vector->owner);
}
