/* bench_kernels.c: optnative.sum / optnative.dot against the machine's limit
 * (a plain C loop with 8 accumulators, compiled here with the same flags)
 * and against np.sum / np.dot, in one process on the same arrays, variants
 * interleaved round by round.  A 1-accumulator loop shows the latency bound.
 * optnative is the built-in module (inittab), as in the host.
 * Usage: bench_kernels [n=10000000] [rounds=7] */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "optnative.h"

enum { MAX_ROUNDS = 101 };

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- the plain C loops (the reference) --------------------------------- */

static double
c_sum_1(const double *x, Py_ssize_t n)
{
    double s = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        s += x[i];
    }
    return s;
}

/* Scalars, not an array: gcc keeps `double s[8]` on the stack and the loop
 * then waits on store-to-load forwarding (~10 GB/s here instead of ~14). */
static double
c_sum_8(const double *x, Py_ssize_t n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    Py_ssize_t i = 0;
    for (; i + 8 <= n; i += 8) {
        s0 += x[i];
        s1 += x[i + 1];
        s2 += x[i + 2];
        s3 += x[i + 3];
        s4 += x[i + 4];
        s5 += x[i + 5];
        s6 += x[i + 6];
        s7 += x[i + 7];
    }
    for (; i < n; i++) {
        s0 += x[i];
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
}

static double
c_dot_1(const double *x, const double *y, Py_ssize_t n)
{
    double s = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        s += x[i] * y[i];
    }
    return s;
}

static double
c_dot_8(const double *x, const double *y, Py_ssize_t n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    Py_ssize_t i = 0;
    for (; i + 8 <= n; i += 8) {
        s0 += x[i] * y[i];
        s1 += x[i + 1] * y[i + 1];
        s2 += x[i + 2] * y[i + 2];
        s3 += x[i + 3] * y[i + 3];
        s4 += x[i + 4] * y[i + 4];
        s5 += x[i + 5] * y[i + 5];
        s6 += x[i + 6] * y[i + 6];
        s7 += x[i + 7] * y[i + 7];
    }
    for (; i < n; i++) {
        s0 += x[i] * y[i];
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
}

/* ---- variants ----------------------------------------------------------- */

typedef enum { C_SUM_1, C_SUM_8, NATIVE_SUM, NUMPY_SUM,
               C_DOT_1, C_DOT_8, NATIVE_DOT, NUMPY_DOT, VARIANTS } variant;

static const char *const variant_names[VARIANTS] = {
    "C loop, 1 accumulator", "C loop, 8 accumulators", "optnative.sum(a)", "np.sum(a)",
    "C loop, 1 accumulator", "C loop, 8 accumulators", "optnative.dot(a, b)", "np.dot(a, b)",
};

typedef struct {
    const double *a, *b;        /* the arrays' data, for the C loops */
    Py_ssize_t n;
    PyObject *array_a, *array_b;
    PyObject *native_sum, *native_dot, *numpy_sum, *numpy_dot;
} bench_data;

/* Run one variant once; returns its result, or NAN with an exception set. */
static double
run(const bench_data *data, variant v)
{
    PyObject *result = NULL;
    double value = NAN;

    switch (v) {
    case C_SUM_1: return c_sum_1(data->a, data->n);
    case C_SUM_8: return c_sum_8(data->a, data->n);
    case C_DOT_1: return c_dot_1(data->a, data->b, data->n);
    case C_DOT_8: return c_dot_8(data->a, data->b, data->n);
    case NATIVE_SUM: result = PyObject_CallOneArg(data->native_sum, data->array_a); break;
    case NUMPY_SUM: result = PyObject_CallOneArg(data->numpy_sum, data->array_a); break;
    case NATIVE_DOT:
        result = PyObject_CallFunctionObjArgs(data->native_dot, data->array_a, data->array_b, NULL);
        break;
    case NUMPY_DOT:
        result = PyObject_CallFunctionObjArgs(data->numpy_dot, data->array_a, data->array_b, NULL);
        break;
    default: break;
    }
    if (result != NULL) {
        value = PyFloat_AsDouble(result);
        Py_DECREF(result);
    }
    return value;
}

static int
compare_doubles(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static double
median(double *values, int count)
{
    qsort(values, (size_t)count, sizeof *values, compare_doubles);
    return count % 2 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2;
}

static int
measure(const bench_data *data, int rounds)
{
    static double times[VARIANTS][MAX_ROUNDS];
    double results[VARIANTS], medians[VARIANTS];
    const double bytes_sum = 8.0 * (double)data->n, bytes_dot = 16.0 * (double)data->n;

    /* Warm-up round (page faults, numpy's first-call costs), then rounds of
     * every variant in turn, so drift hits them all alike. */
    for (int r = -1; r < rounds; r++) {
        for (int v = 0; v < VARIANTS; v++) {
            double t0 = now();
            results[v] = run(data, (variant)v);
            if (isnan(results[v]) && PyErr_Occurred()) {
                PyErr_Print();
                return -1;
            }
            if (r >= 0) {
                times[v][r] = now() - t0;
            }
        }
    }
    for (int v = 0; v < VARIANTS; v++) {
        medians[v] = median(times[v], rounds);
    }
    printf("float64 kernels, n = %zd (%.0f MB per array), median of %d interleaved rounds\n",
           data->n, bytes_sum / 1e6, rounds);
    for (int v = 0; v < VARIANTS; v++) {
        double bytes = v < C_DOT_1 ? bytes_sum : bytes_dot;
        if (v == C_SUM_1 || v == C_DOT_1) {
            printf("%s\n", v == C_SUM_1 ? "sum:" : "dot:");
        }
        printf("  %-24s %8.2f ms %7.2f GB/s   result %.17g\n", variant_names[v],
               medians[v] * 1e3, bytes / medians[v] / 1e9, results[v]);
    }
    printf("ratios (throughput of optnative relative to the reference; time against numpy):\n");
    printf("  sum: optnative / C loop (8 acc) throughput %.2f (target >= 0.8);"
           " optnative / np.sum time %.2f (target <= 1.25)\n",
           medians[C_SUM_8] / medians[NATIVE_SUM], medians[NATIVE_SUM] / medians[NUMPY_SUM]);
    printf("  dot: optnative / C loop (8 acc) throughput %.2f (target >= 0.8);"
           " optnative / np.dot time %.2f (target <= 1.25)\n",
           medians[C_DOT_8] / medians[NATIVE_DOT], medians[NATIVE_DOT] / medians[NUMPY_DOT]);
    printf("  1 accumulator / 8 accumulators throughput: sum %.2f, dot %.2f\n",
           medians[C_SUM_8] / medians[C_SUM_1], medians[C_DOT_8] / medians[C_DOT_1]);
    for (int v = 0; v < VARIANTS; v++) {
        double reference = results[v < C_DOT_1 ? C_SUM_8 : C_DOT_8];
        if (fabs(results[v] - reference) > 1e-9 * fabs(reference)) {
            printf("MISMATCH: %s gave %.17g, C loop %.17g\n", variant_names[v], results[v], reference);
            return -1;
        }
    }
    return 0;
}

static const char setup_code[] =
    "import numpy as np, optnative\n"
    "rng = np.random.default_rng(20240601)\n"
    "a = rng.random(n)\n"
    "b = rng.random(n)\n"
    "native_sum, native_dot = optnative.sum, optnative.dot\n"
    "numpy_sum, numpy_dot = np.sum, np.dot\n";

int
main(int argc, char **argv)
{
    Py_ssize_t n = argc > 1 ? (Py_ssize_t)atoll(argv[1]) : 10000000;
    int rounds = argc > 2 ? atoi(argv[2]) : 7;
    PyConfig config;
    PyStatus status;
    PyObject *namespace = NULL, *value = NULL;
    Py_buffer view_a = {0}, view_b = {0};
    bench_data data = {0};
    int exit_code = 1;

    if (n < 1 || rounds < 1 || rounds > MAX_ROUNDS) {
        fprintf(stderr, "usage: %s [n >= 1] [rounds 1..%d]\n", argv[0], MAX_ROUNDS);
        return 2;
    }
    if (PyImport_AppendInittab("optnative", PyInit_optnative) < 0) {
        fprintf(stderr, "cannot register optnative\n");
        return 1;
    }
    PyConfig_InitPythonConfig(&config);
    config.parse_argv = 0;
    status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) {
        Py_ExitStatusException(status);
    }
    namespace = PyDict_New();
    if (namespace == NULL || PyDict_SetItemString(namespace, "__builtins__", PyEval_GetBuiltins()) < 0) {
        goto done;
    }
    value = PyLong_FromSsize_t(n);
    if (value == NULL || PyDict_SetItemString(namespace, "n", value) < 0) {
        goto done;
    }
    Py_CLEAR(value);
    value = PyRun_String(setup_code, Py_file_input, namespace, namespace);
    if (value == NULL) {
        goto done;
    }
    data.array_a = PyDict_GetItemString(namespace, "a");
    data.array_b = PyDict_GetItemString(namespace, "b");
    data.native_sum = PyDict_GetItemString(namespace, "native_sum");
    data.native_dot = PyDict_GetItemString(namespace, "native_dot");
    data.numpy_sum = PyDict_GetItemString(namespace, "numpy_sum");
    data.numpy_dot = PyDict_GetItemString(namespace, "numpy_dot");
    if (PyObject_GetBuffer(data.array_a, &view_a, PyBUF_C_CONTIGUOUS) < 0
        || PyObject_GetBuffer(data.array_b, &view_b, PyBUF_C_CONTIGUOUS) < 0) {
        goto done;
    }
    data.a = view_a.buf;
    data.b = view_b.buf;
    data.n = n;
    if (measure(&data, rounds) == 0) {
        exit_code = 0;
    }
done:
    if (PyErr_Occurred()) {
        PyErr_Print();
    }
    if (view_a.obj != NULL) {
        PyBuffer_Release(&view_a);
    }
    if (view_b.obj != NULL) {
        PyBuffer_Release(&view_b);
    }
    Py_XDECREF(value);
    Py_XDECREF(namespace);
    if (Py_FinalizeEx() < 0) {
        exit_code = 1;
    }
    return exit_code;
}
