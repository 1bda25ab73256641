/* bind_numpy.c: NumPy kernels (sum, dot, multiply, sqrt, sqrt_sum on
 * float64; count_int64 on int64).  Each normalises its input once with
 * array_vector_from (bind_arrays.c), then runs a plain C loop over char* and
 * byte strides, with the GIL released and a contiguous fast path.
 * Reductions keep 8 accumulators: one chain of dependent adds is bound by
 * the add latency (~6.6 GB/s here), 8 chains reach memory bandwidth.
 * count_int64 counts in an array when the keys' range is narrow
 * (densecount.c), in a hash map otherwise (intmap.c). */
#include "numpy_api.h"

#include <math.h>

#include "bind_arrays.h"
#include "bindings.h"
#include "densecount.h"
#include "intmap.h"

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

#define CONTIGUOUS(stride) ((stride) == (Py_ssize_t)sizeof(double))

/* The one-vector reductions share one wrapper; which loop runs is decided
 * once per call, outside the loop, and each loop keeps its contiguous copy. */
typedef enum { REDUCE_SUM, REDUCE_SQRT_SUM } reduction;

static double
run_reduction(reduction which, const array_vector *v)
{
    if (which == REDUCE_SUM) {
        return CONTIGUOUS(v->stride) ? sum_loop(v->data, sizeof(double), v->length)
                                     : sum_loop(v->data, v->stride, v->length);
    }
    return CONTIGUOUS(v->stride) ? sqrt_sum_loop(v->data, sizeof(double), v->length)
                                 : sqrt_sum_loop(v->data, v->stride, v->length);
}

static PyObject *
reduce_vector(PyObject *arg, reduction which, const char *function)
{
    array_vector vector;
    double total;
    NPY_BEGIN_THREADS_DEF;

    if (array_vector_from(arg, ARRAY_FLOAT64, ARRAY_REQUIRED, function, &vector) != ARRAY_OK) {
        return NULL;
    }
    NPY_BEGIN_THREADS_THRESHOLDED(vector.length);
    total = run_reduction(which, &vector);
    NPY_END_THREADS;
    array_vector_release(&vector);
    return PyFloat_FromDouble(total);
}

static PyObject *
optnative_sum(PyObject *module, PyObject *arg)
{
    (void)module;
    return reduce_vector(arg, REDUCE_SUM, "sum");
}

static PyObject *
optnative_sqrt_sum(PyObject *module, PyObject *arg)
{
    (void)module;
    return reduce_vector(arg, REDUCE_SQRT_SUM, "sqrt_sum");
}

/* The two operands of dot/multiply, normalised, with equal lengths.
 * Returns 0 with both vectors filled, or -1 with an exception and neither. */
static int
vector_pair_from(PyObject *const *args, Py_ssize_t nargs, const char *function,
                 array_vector *a, array_vector *b)
{
    *a = (array_vector){NULL, NULL, 0, 0};
    *b = *a;
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "%s() takes exactly 2 arguments (%zd given)",
                     function, nargs);
        goto error;
    }
    if (array_vector_from(args[0], ARRAY_FLOAT64, ARRAY_REQUIRED, function, a) != ARRAY_OK
        || array_vector_from(args[1], ARRAY_FLOAT64, ARRAY_REQUIRED, function, b) != ARRAY_OK) {
        goto error;
    }
    if (a->length != b->length) {
        PyErr_Format(PyExc_ValueError, "%s() needs arrays of the same length, got %zd and %zd",
                     function, a->length, b->length);
        goto error;
    }
    return 0;
error:
    array_vector_release(a);
    array_vector_release(b);
    return -1;
}

static PyObject *
optnative_dot(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    array_vector a, b;
    double total;
    NPY_BEGIN_THREADS_DEF;
    (void)module;

    if (vector_pair_from(args, nargs, "dot", &a, &b) < 0) {
        return NULL;
    }
    NPY_BEGIN_THREADS_THRESHOLDED(a.length);
    total = CONTIGUOUS(a.stride) && CONTIGUOUS(b.stride)
        ? dot_loop(a.data, sizeof(double), b.data, sizeof(double), a.length)
        : dot_loop(a.data, a.stride, b.data, b.stride, a.length);
    NPY_END_THREADS;
    array_vector_release(&a);
    array_vector_release(&b);
    return PyFloat_FromDouble(total);
}

static PyObject *
optnative_multiply(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    array_vector a, b;
    PyObject *out = NULL;
    npy_intp n;
    double *result;
    NPY_BEGIN_THREADS_DEF;
    (void)module;

    if (vector_pair_from(args, nargs, "multiply", &a, &b) < 0) {
        return NULL;
    }
    n = a.length;
    out = PyArray_SimpleNew(1, &n, NPY_FLOAT64);    /* C-contiguous */
    if (out == NULL) {
        goto done;
    }
    result = PyArray_DATA((PyArrayObject *)out);
    NPY_BEGIN_THREADS_THRESHOLDED(n);
    if (CONTIGUOUS(a.stride) && CONTIGUOUS(b.stride)) {
        multiply_loop(result, a.data, sizeof(double), b.data, sizeof(double), n);
    }
    else {
        multiply_loop(result, a.data, a.stride, b.data, b.stride, n);
    }
    NPY_END_THREADS;
done:
    array_vector_release(&a);
    array_vector_release(&b);
    return out;
}

static PyObject *
optnative_sqrt(PyObject *module, PyObject *arg)
{
    array_vector vector;
    PyObject *out = NULL;
    npy_intp n;
    double *result;
    NPY_BEGIN_THREADS_DEF;
    (void)module;

    if (array_vector_from(arg, ARRAY_FLOAT64, ARRAY_REQUIRED, "sqrt", &vector) != ARRAY_OK) {
        return NULL;
    }
    n = vector.length;
    out = PyArray_SimpleNew(1, &n, NPY_FLOAT64);
    if (out == NULL) {
        goto done;
    }
    result = PyArray_DATA((PyArrayObject *)out);
    NPY_BEGIN_THREADS_THRESHOLDED(n);
    if (CONTIGUOUS(vector.stride)) {
        sqrt_loop(result, vector.data, sizeof(double), n);
    }
    else {
        sqrt_loop(result, vector.data, vector.stride, n);
    }
    NPY_END_THREADS;
done:
    array_vector_release(&vector);
    return out;
}

/* Add {key: count} to dict.  Returns 0, or -1 with an exception. */
static int
dict_add_count(PyObject *dict, int64_t key, int64_t count)
{
    PyObject *key_object = PyLong_FromLongLong(key);
    PyObject *count_object = PyLong_FromLongLong(count);
    int status = -1;

    if (key_object != NULL && count_object != NULL) {
        status = PyDict_SetItem(dict, key_object, count_object);
    }
    Py_XDECREF(key_object);
    Py_XDECREF(count_object);
    return status;
}

/* {value: count} in first-seen order (what a counting loop or Counter
 * builds), whichever way it was counted.  The tally runs in C without the
 * GIL: after a pass for min and max, keys in a range narrow next to n are
 * counted in an array indexed by key - min (densecount.c, ~19 instructions
 * a key, the pass included), others in a hash map (intmap.c, ~68).  Only
 * one of the two is filled; only building the dict of the distinct keys
 * needs Python objects. */
static PyObject *
optnative_count_int64(PyObject *module, PyObject *arg)
{
    array_vector vector;
    PyObject *result = NULL;
    densecount dense;
    intmap sparse;
    intmap_iter iter;
    bool use_dense = false, out_of_memory;
    int64_t low = 0, high = 0, key, count;
    NPY_BEGIN_THREADS_DEF;
    (void)module;

    densecount_init(&dense);
    intmap_init(&sparse);
    if (array_vector_from(arg, ARRAY_INT64, ARRAY_REQUIRED, "count_int64", &vector) != ARRAY_OK) {
        goto error;
    }
    NPY_BEGIN_THREADS_THRESHOLDED(vector.length);
    if (vector.length > 0) {
        densecount_range(vector.data, vector.stride, (size_t)vector.length, &low, &high);
        use_dense = densecount_fits(low, high, (size_t)vector.length);
    }
    /* A count cannot exceed n, so the only failure is memory. */
    out_of_memory = use_dense
        ? densecount_count_keys(&dense, vector.data, vector.stride, (size_t)vector.length,
                                low, high) != DENSECOUNT_OK
        : intmap_count_keys(&sparse, vector.data, vector.stride, (size_t)vector.length,
                            NULL) != INTMAP_OK;
    NPY_END_THREADS;
    if (out_of_memory) {
        PyErr_NoMemory();
        goto error;
    }
    result = PyDict_New();
    if (result == NULL) {
        goto error;
    }
    for (size_t i = 0; i < dense.distinct; i++) {
        uint32_t dense_count;
        densecount_entry(&dense, i, &key, &dense_count);
        if (dict_add_count(result, key, dense_count) < 0) {
            goto error;
        }
    }
    intmap_iter_init(&sparse, &iter);
    while (intmap_iter_next(&iter, &key, &count)) {
        if (dict_add_count(result, key, count) < 0) {
            goto error;
        }
    }
    goto done;
error:
    Py_CLEAR(result);
done:
    array_vector_release(&vector);
    densecount_destroy(&dense);
    intmap_destroy(&sparse);
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
optnative_exec_numpy(PyObject *module, optnative_state *state)
{
    /* No NumPy call here: numpy is imported by the first kernel call.  The
     * kernels keep no Python objects, so nothing goes into the state. */
    (void)state;
    return PyModule_AddFunctions(module, numpy_functions);
}
