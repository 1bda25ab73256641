/* bind_numpy.c: NumPy kernels (sum, dot, multiply, sqrt, sqrt_sum on
 * float64; count_int64 on int64).  Each normalises its input once into an
 * owned, aligned, native-byte-order 1-D array, then runs a plain C loop over
 * char* and byte strides, with the GIL released and a contiguous fast path.
 * Reductions keep 8 accumulators: one chain of dependent adds is bound by
 * the add latency (~6.6 GB/s here), 8 chains reach memory bandwidth. */
#define OPTNATIVE_NUMPY_OWNER
#include "numpy_api.h"

#include <math.h>

#include "intmap.h"

int
optnative_numpy_import(void)
{
    static int imported = 0;    /* the table is process-wide, like numpy's own */

    if (imported) {
        return 0;
    }
    if (_import_array() < 0) {
        return -1;
    }
    imported = 1;
    return 0;
}

/* The one place that decides what a kernel accepts.  Returns a new reference
 * to a 1-D array of `type_num` that is aligned and in native byte order:
 * `obj` itself, or a converted copy for byte-swapped or misaligned input
 * (converting costs a copy, never a wrong answer).  Wrong type or dtype:
 * TypeError; not 1-D: ValueError. */
static PyArrayObject *
as_vector(PyObject *obj, int type_num, const char *function)
{
    PyArrayObject *array = NULL;
    PyArray_Descr *wanted = NULL;

    if (optnative_numpy_import() < 0) {
        goto error;
    }
    wanted = PyArray_DescrFromType(type_num);
    if (wanted == NULL) {
        goto error;
    }
    if (!PyArray_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s() expects a numpy.ndarray of dtype %s, not %.200s",
                     function, wanted->typeobj->tp_name, Py_TYPE(obj)->tp_name);
        goto error;
    }
    if (!PyArray_EquivTypenums(PyArray_DESCR((PyArrayObject *)obj)->type_num, type_num)) {
        PyObject *got = PyObject_Str((PyObject *)PyArray_DESCR((PyArrayObject *)obj));
        if (got != NULL) {
            PyErr_Format(PyExc_TypeError, "%s() expects an array of dtype %s, got dtype %U",
                         function, wanted->typeobj->tp_name, got);
            Py_DECREF(got);
        }
        goto error;
    }
    if (PyArray_NDIM((PyArrayObject *)obj) != 1) {
        PyErr_Format(PyExc_ValueError, "%s() expects a 1-D array, got a %d-D array",
                     function, PyArray_NDIM((PyArrayObject *)obj));
        goto error;
    }
    /* Steals `wanted`.  Returns obj itself when it already qualifies. */
    array = (PyArrayObject *)PyArray_FromAny(obj, wanted, 1, 1,
                                             NPY_ARRAY_ALIGNED | NPY_ARRAY_NOTSWAPPED, NULL);
    wanted = NULL;
    goto done;
error:
    Py_XDECREF(wanted);
done:
    return array;
}

/* The loops.  Each is written once for any stride and forced inline, and
 * each kernel calls it twice, once with the literal sizeof(double): that copy
 * is the contiguous fast path (the compiler folds the stride into plain
 * indexing).  AT(p, i, stride) is element i of a strided vector. */
#define ALWAYS_INLINE static inline __attribute__((always_inline))
#define AT(p, i, stride) (*(const double *)(const void *)((p) + (i) * (stride)))

ALWAYS_INLINE double
sum_loop(const char *p, npy_intp stride, npy_intp n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    npy_intp i = 0;

    for (; i + 8 <= n; i += 8) {
        s0 += AT(p, i + 0, stride);
        s1 += AT(p, i + 1, stride);
        s2 += AT(p, i + 2, stride);
        s3 += AT(p, i + 3, stride);
        s4 += AT(p, i + 4, stride);
        s5 += AT(p, i + 5, stride);
        s6 += AT(p, i + 6, stride);
        s7 += AT(p, i + 7, stride);
    }
    for (; i < n; i++) {
        s0 += AT(p, i, stride);
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
}

ALWAYS_INLINE double
dot_loop(const char *a, npy_intp a_stride, const char *b, npy_intp b_stride, npy_intp n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    npy_intp i = 0;

    for (; i + 8 <= n; i += 8) {
        s0 += AT(a, i + 0, a_stride) * AT(b, i + 0, b_stride);
        s1 += AT(a, i + 1, a_stride) * AT(b, i + 1, b_stride);
        s2 += AT(a, i + 2, a_stride) * AT(b, i + 2, b_stride);
        s3 += AT(a, i + 3, a_stride) * AT(b, i + 3, b_stride);
        s4 += AT(a, i + 4, a_stride) * AT(b, i + 4, b_stride);
        s5 += AT(a, i + 5, a_stride) * AT(b, i + 5, b_stride);
        s6 += AT(a, i + 6, a_stride) * AT(b, i + 6, b_stride);
        s7 += AT(a, i + 7, a_stride) * AT(b, i + 7, b_stride);
    }
    for (; i < n; i++) {
        s0 += AT(a, i, a_stride) * AT(b, i, b_stride);
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
}

/* sqrt of a negative is NaN, as numpy gives (numpy also warns; we do not). */
ALWAYS_INLINE double
sqrt_sum_loop(const char *p, npy_intp stride, npy_intp n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    npy_intp i = 0;

    for (; i + 4 <= n; i += 4) {
        s0 += sqrt(AT(p, i + 0, stride));
        s1 += sqrt(AT(p, i + 1, stride));
        s2 += sqrt(AT(p, i + 2, stride));
        s3 += sqrt(AT(p, i + 3, stride));
    }
    for (; i < n; i++) {
        s0 += sqrt(AT(p, i, stride));
    }
    return (s0 + s1) + (s2 + s3);
}

ALWAYS_INLINE void
multiply_loop(double *out, const char *a, npy_intp a_stride,
              const char *b, npy_intp b_stride, npy_intp n)
{
    for (npy_intp i = 0; i < n; i++) {
        out[i] = AT(a, i, a_stride) * AT(b, i, b_stride);
    }
}

ALWAYS_INLINE void
sqrt_loop(double *out, const char *p, npy_intp stride, npy_intp n)
{
    for (npy_intp i = 0; i < n; i++) {
        out[i] = sqrt(AT(p, i, stride));
    }
}

#define CONTIGUOUS(stride) ((stride) == (npy_intp)sizeof(double))

static PyObject *
optnative_sum(PyObject *module, PyObject *arg)
{
    PyArrayObject *array = as_vector(arg, NPY_FLOAT64, "sum");
    const char *p;
    npy_intp n, stride;
    double total;
    NPY_BEGIN_THREADS_DEF;
    (void)module;

    if (array == NULL) {
        return NULL;
    }
    p = PyArray_BYTES(array);
    n = PyArray_DIM(array, 0);
    stride = PyArray_STRIDE(array, 0);
    NPY_BEGIN_THREADS_THRESHOLDED(n);
    total = CONTIGUOUS(stride) ? sum_loop(p, sizeof(double), n) : sum_loop(p, stride, n);
    NPY_END_THREADS;
    Py_DECREF(array);
    return PyFloat_FromDouble(total);
}

static PyObject *
optnative_sqrt_sum(PyObject *module, PyObject *arg)
{
    PyArrayObject *array = as_vector(arg, NPY_FLOAT64, "sqrt_sum");
    const char *p;
    npy_intp n, stride;
    double total;
    NPY_BEGIN_THREADS_DEF;
    (void)module;

    if (array == NULL) {
        return NULL;
    }
    p = PyArray_BYTES(array);
    n = PyArray_DIM(array, 0);
    stride = PyArray_STRIDE(array, 0);
    NPY_BEGIN_THREADS_THRESHOLDED(n);
    total = CONTIGUOUS(stride) ? sqrt_sum_loop(p, sizeof(double), n)
                               : sqrt_sum_loop(p, stride, n);
    NPY_END_THREADS;
    Py_DECREF(array);
    return PyFloat_FromDouble(total);
}

/* The two operands of dot/multiply, normalised, with equal lengths. */
static int
as_vector_pair(PyObject *const *args, Py_ssize_t nargs, const char *function,
               PyArrayObject **a, PyArrayObject **b)
{
    *a = NULL;
    *b = NULL;
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "%s() takes exactly 2 arguments (%zd given)",
                     function, nargs);
        goto error;
    }
    *a = as_vector(args[0], NPY_FLOAT64, function);
    if (*a == NULL) {
        goto error;
    }
    *b = as_vector(args[1], NPY_FLOAT64, function);
    if (*b == NULL) {
        goto error;
    }
    if (PyArray_DIM(*a, 0) != PyArray_DIM(*b, 0)) {
        PyErr_Format(PyExc_ValueError, "%s() needs arrays of the same length, got %zd and %zd",
                     function, (Py_ssize_t)PyArray_DIM(*a, 0), (Py_ssize_t)PyArray_DIM(*b, 0));
        goto error;
    }
    return 0;
error:
    Py_CLEAR(*a);
    Py_CLEAR(*b);
    return -1;
}

static PyObject *
optnative_dot(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    PyArrayObject *a, *b;
    const char *pa, *pb;
    npy_intp n, sa, sb;
    double total;
    NPY_BEGIN_THREADS_DEF;
    (void)module;

    if (as_vector_pair(args, nargs, "dot", &a, &b) < 0) {
        return NULL;
    }
    pa = PyArray_BYTES(a);
    pb = PyArray_BYTES(b);
    n = PyArray_DIM(a, 0);
    sa = PyArray_STRIDE(a, 0);
    sb = PyArray_STRIDE(b, 0);
    NPY_BEGIN_THREADS_THRESHOLDED(n);
    total = CONTIGUOUS(sa) && CONTIGUOUS(sb)
        ? dot_loop(pa, sizeof(double), pb, sizeof(double), n)
        : dot_loop(pa, sa, pb, sb, n);
    NPY_END_THREADS;
    Py_DECREF(a);
    Py_DECREF(b);
    return PyFloat_FromDouble(total);
}

static PyObject *
optnative_multiply(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    PyArrayObject *a, *b;
    PyObject *out = NULL;
    npy_intp n, sa, sb;
    NPY_BEGIN_THREADS_DEF;
    (void)module;

    if (as_vector_pair(args, nargs, "multiply", &a, &b) < 0) {
        return NULL;
    }
    n = PyArray_DIM(a, 0);
    sa = PyArray_STRIDE(a, 0);
    sb = PyArray_STRIDE(b, 0);
    out = PyArray_SimpleNew(1, &n, NPY_FLOAT64);    /* C-contiguous */
    if (out == NULL) {
        goto done;
    }
    NPY_BEGIN_THREADS_THRESHOLDED(n);
    if (CONTIGUOUS(sa) && CONTIGUOUS(sb)) {
        multiply_loop(PyArray_DATA((PyArrayObject *)out), PyArray_BYTES(a), sizeof(double),
                      PyArray_BYTES(b), sizeof(double), n);
    }
    else {
        multiply_loop(PyArray_DATA((PyArrayObject *)out), PyArray_BYTES(a), sa,
                      PyArray_BYTES(b), sb, n);
    }
    NPY_END_THREADS;
done:
    Py_DECREF(a);
    Py_DECREF(b);
    return out;
}

static PyObject *
optnative_sqrt(PyObject *module, PyObject *arg)
{
    PyArrayObject *array = as_vector(arg, NPY_FLOAT64, "sqrt");
    PyObject *out = NULL;
    npy_intp n, stride;
    NPY_BEGIN_THREADS_DEF;
    (void)module;

    if (array == NULL) {
        return NULL;
    }
    n = PyArray_DIM(array, 0);
    stride = PyArray_STRIDE(array, 0);
    out = PyArray_SimpleNew(1, &n, NPY_FLOAT64);
    if (out == NULL) {
        goto done;
    }
    NPY_BEGIN_THREADS_THRESHOLDED(n);
    if (CONTIGUOUS(stride)) {
        sqrt_loop(PyArray_DATA((PyArrayObject *)out), PyArray_BYTES(array), sizeof(double), n);
    }
    else {
        sqrt_loop(PyArray_DATA((PyArrayObject *)out), PyArray_BYTES(array), stride, n);
    }
    NPY_END_THREADS;
done:
    Py_DECREF(array);
    return out;
}

/* {value: count} in first-seen order (what a counting loop or Counter
 * builds).  The tally runs in C without the GIL; only building the dict
 * needs Python objects. */
static PyObject *
optnative_count_int64(PyObject *module, PyObject *arg)
{
    PyArrayObject *array = as_vector(arg, NPY_INT64, "count_int64");
    PyObject *result = NULL, *key = NULL, *value = NULL;
    intmap counts;
    intmap_iter iter;
    intmap_status status;
    int64_t k, v;
    npy_intp n;
    NPY_BEGIN_THREADS_DEF;
    (void)module;

    intmap_init(&counts);
    if (array == NULL) {
        goto error;
    }
    n = PyArray_DIM(array, 0);
    NPY_BEGIN_THREADS_THRESHOLDED(n);
    status = intmap_count_keys(&counts, PyArray_BYTES(array), PyArray_STRIDE(array, 0),
                               (size_t)n, NULL);
    NPY_END_THREADS;
    if (status != INTMAP_OK) {
        /* A count cannot exceed n, so the only failure is memory. */
        PyErr_NoMemory();
        goto error;
    }
    result = PyDict_New();
    if (result == NULL) {
        goto error;
    }
    intmap_iter_init(&counts, &iter);
    while (intmap_iter_next(&iter, &k, &v)) {
        key = PyLong_FromLongLong(k);
        value = PyLong_FromLongLong(v);
        if (key == NULL || value == NULL || PyDict_SetItem(result, key, value) < 0) {
            goto error;
        }
        Py_CLEAR(key);
        Py_CLEAR(value);
    }
    goto done;
error:
    Py_CLEAR(result);
done:
    Py_XDECREF(key);
    Py_XDECREF(value);
    Py_XDECREF(array);
    intmap_destroy(&counts);
    return result;
}

static PyMethodDef numpy_functions[] = {
    {"sum", optnative_sum, METH_O,
     "sum(a) -> float\n--\n\nSum of a 1-D float64 array (8 accumulators, GIL released)."},
    {"dot", (PyCFunction)(void (*)(void))optnative_dot, METH_FASTCALL,
     "dot(a, b) -> float\n--\n\nInner product of two 1-D float64 arrays of equal length."},
    {"multiply", (PyCFunction)(void (*)(void))optnative_multiply, METH_FASTCALL,
     "multiply(a, b) -> ndarray\n--\n\nElementwise product of two 1-D float64 arrays."},
    {"sqrt", optnative_sqrt, METH_O,
     "sqrt(a) -> ndarray\n--\n\nElementwise square root; NaN for negative input, as numpy\n"
     "(without numpy's RuntimeWarning)."},
    {"sqrt_sum", optnative_sqrt_sum, METH_O,
     "sqrt_sum(a) -> float\n--\n\nSum of the square roots, one pass, no temporary array."},
    {"count_int64", optnative_count_int64, METH_O,
     "count_int64(a) -> dict\n--\n\n{value: count} of a 1-D int64 array, keys in first-seen order."},
    {NULL, NULL, 0, NULL},
};

int
optnative_exec_numpy(PyObject *module)
{
    /* No NumPy call here: numpy is imported by the first kernel call. */
    return PyModule_AddFunctions(module, numpy_functions);
}
