/* host_module.c: `_optdemo_host`, a built-in module that exists only inside
 * the optdemo host.  It gives pyscripts' runner the "c" timing template --
 * the variant called `loops` times from a C loop with vectorcall, the clock
 * read once on either side -- and the host's own metadata (how libpython is
 * linked into this executable, PGO evidence), which plain Python cannot
 * see.  Other interpreters use the runner's pure-Python template instead. */
#include "host_module.h"

#include "clock.h"
#include "metadata.h"

/* time_calls(function, argument, loops) -> seconds for all the calls. */
static PyObject *
host_time_calls(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "time_calls(function, argument, loops)");
        return NULL;
    }
    PyObject *function = args[0];
    PyObject *call_args[1] = {args[1]};
    long loops = PyLong_AsLong(args[2]);
    if (loops == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (loops < 1) {
        PyErr_SetString(PyExc_ValueError, "loops must be at least 1");
        return NULL;
    }
    /* Signals are checked between values, not inside the timed loop: a
     * Ctrl-C that lands in Python code raises KeyboardInterrupt anyway. */
    if (PyErr_CheckSignals() < 0) {
        return NULL;
    }
    double start = clock_wall();
    for (long i = 0; i < loops; i++) {
        PyObject *result = PyObject_Vectorcall(function, call_args, 1, NULL);
        if (result == NULL) {
            return NULL;
        }
        Py_DECREF(result);
    }
    double seconds = clock_wall() - start;
    return PyFloat_FromDouble(seconds);
}

static PyObject *
host_metadata(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return metadata_collect();
}

static PyMethodDef host_methods[] = {
    {"time_calls", (PyCFunction)(void (*)(void))host_time_calls, METH_FASTCALL,
     "time_calls(function, argument, loops) -> seconds: call function(argument) loops times "
     "from a C loop, reading CLOCK_MONOTONIC once on either side"},
    {"metadata", host_metadata, METH_NOARGS,
     "metadata() -> dict: the interpreter, this host's build and the machine"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef host_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_optdemo_host",
    .m_doc = "What only the optdemo host can give pyscripts: the C timing loop, its metadata.",
    .m_size = 0,
    .m_methods = host_methods,
};

PyObject *
host_module_init(void)
{
    return PyModuleDef_Init(&host_module);
}
