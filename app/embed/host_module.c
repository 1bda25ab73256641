/* host_module.c: `_optdemo_host`, a built-in module that exists only inside
 * the optdemo host.  It gives pyscripts' runner the "c" timing template --
 * the variant called `loops` times from a C loop with vectorcall, the clock
 * read once on either side --, a line tracer in C for `optdemo profile`
 * (line_profile), and the host's own metadata (how libpython is linked
 * into this executable, PGO evidence), which plain Python cannot see.
 * Other interpreters use the runner's pure-Python template instead. */
#include "host_module.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "clock.h"
#include "lab_seccomp.h"
#include "line_tracer.h"
#include "metadata.h"
#include "sample_call.h"
#ifdef OPTDEMO_HAVE_CALLGRIND
#include <valgrind/callgrind.h>
#endif

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

/* lockdown() -> True: load the lab sandbox's seccomp allowlist
 * (lab_seccomp.c) into this process, for good.  OSError, with the step that
 * failed, where it cannot (another architecture, a kernel without seccomp):
 * a sandbox that silently did not engage would be worse. */
static PyObject *
host_lockdown(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    char *error = NULL;
    if (lab_seccomp_install(&error) == 0) {
        Py_RETURN_TRUE;
    }
    PyErr_SetString(PyExc_OSError, error != NULL ? error : "lab sandbox: out of memory");
    free(error);
    return NULL;
}

static PyObject *
host_metadata(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return metadata_collect();
}

/* count_calls(function, argument, loops, warmups): under valgrind's
 * callgrind, `warmups` calls first (caches, the specialising interpreter),
 * then `loops` calls with instrumentation on, then a dump: the dump's
 * "totals:" are the instructions of exactly those calls, nothing of the
 * process's start-up or of this module's own loop (one branch per call).
 * RuntimeError when not running under callgrind. */
static PyObject *
host_count_calls(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "count_calls(function, argument, loops, warmups)");
        return NULL;
    }
#ifdef OPTDEMO_HAVE_CALLGRIND
    PyObject *call_args[1] = {args[1]};
    if (!PyCallable_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "count_calls: function must be callable");
        return NULL;
    }
    long loops = PyLong_AsLong(args[2]);
    long warmups = loops == -1 && PyErr_Occurred() ? -1 : PyLong_AsLong(args[3]);
    if (PyErr_Occurred()) {
        return NULL;
    }
    if (loops < 1 || warmups < 0 || warmups > LONG_MAX - loops) {
        PyErr_SetString(PyExc_ValueError, "count_calls: loops must be at least 1 and warmups "
                                          "at least 0");
        return NULL;
    }
    if (!RUNNING_ON_VALGRIND) {
        PyErr_SetString(PyExc_RuntimeError, "count_calls needs valgrind --tool=callgrind");
        return NULL;
    }
    for (long i = 0; i < warmups + loops; i++) {
        if (i == warmups) {
            CALLGRIND_ZERO_STATS;
            CALLGRIND_START_INSTRUMENTATION;
        }
        PyObject *result = PyObject_Vectorcall(args[0], call_args, 1, NULL);
        if (result == NULL) {
            CALLGRIND_STOP_INSTRUMENTATION;
            return NULL;
        }
        Py_DECREF(result);
    }
    CALLGRIND_STOP_INSTRUMENTATION;
    CALLGRIND_DUMP_STATS_AT("optdemo count_calls");
    Py_RETURN_NONE;
#else
    PyErr_SetString(PyExc_RuntimeError, "this optdemo was built without valgrind's callgrind.h");
    return NULL;
#endif
}


/* The module's state: the line tracer's type. */
struct host_state {
    PyTypeObject *tracer_type;
};

static PyObject *
host_line_profile(PyObject *module, PyObject *args, PyObject *kwargs)
{
    struct host_state *state = PyModule_GetState(module);
    return line_tracer_profile(state->tracer_type, args, kwargs);
}

static int
host_exec(PyObject *module)
{
    struct host_state *state = PyModule_GetState(module);
    state->tracer_type = line_tracer_type_new(module);
    return state->tracer_type != NULL ? 0 : -1;
}

static int
host_traverse(PyObject *module, visitproc visit, void *arg)
{
    struct host_state *state = PyModule_GetState(module);
    Py_VISIT(state->tracer_type);
    return 0;
}

static int
host_clear(PyObject *module)
{
    struct host_state *state = PyModule_GetState(module);
    Py_CLEAR(state->tracer_type);
    return 0;
}

static void
host_free(void *module)
{
    host_clear((PyObject *)module);
}

static PyMethodDef host_methods[] = {
    {"time_calls", (PyCFunction)(void (*)(void))host_time_calls, METH_FASTCALL,
     "time_calls(function, argument, loops) -> seconds: call function(argument) loops times "
     "from a C loop, reading CLOCK_MONOTONIC once on either side"},
    {"metadata", host_metadata, METH_NOARGS,
     "metadata() -> dict: the interpreter, this host's build and the machine"},
    {"count_calls", (PyCFunction)(void (*)(void))host_count_calls, METH_FASTCALL,
     "count_calls(function, argument, loops, warmups): under callgrind, count the "
     "instructions of `loops` calls after `warmups` uncounted ones (dumped to a file)"},
    {"line_profile", (PyCFunction)(void (*)(void))host_line_profile,
     METH_VARARGS | METH_KEYWORDS,
     "line_profile(function, argument, loops, *, code=None, functions=None) -> "
     "{lineno: (hits, seconds)}: call function(argument) loops times under a C line tracer "
     "of code (function.__code__ by default); a line's time includes the functions it "
     "calls, not a nested frame of traced code.  functions=[(filename, qualname, "
     "firstlineno), ...] (1-16 keys, not with code=) traces instead every code object "
     "that matches a key, adopted at its first call (so it may be created during the "
     "run), and returns a list of those dicts in the keys' order, {} for a key never "
     "called; a moment counts once, on the innermost traced frame's line"},
    {"sample", (PyCFunction)(void (*)(void))sample_call, METH_VARARGS | METH_KEYWORDS,
     "sample(function, *, rate=1000.0, clock='wall', root=None) -> (function(), profile): "
     "call function() under the host's sampling profiler (a timer signal; the handler copies "
     "this thread's frames into a preallocated buffer), the samples aggregated into stacks and "
     "functions; frames outside the innermost one in file root are left out"},
    {"lockdown", host_lockdown, METH_NOARGS,
     "lockdown() -> True: restrict this process, for good, to the system calls a lab "
     "solution needs (a seccomp allowlist): no new processes, threads or programs, no "
     "sockets, no signals to other processes; everything else fails with EPERM.  "
     "OSError, naming the step that failed, where it cannot"},
    {NULL, NULL, 0, NULL},
};

/* On a free-threaded build (3.13t), importing a module that does not say
 * Py_MOD_GIL_NOT_USED turns the GIL back on for the whole process, and the
 * runner imports this one first: every measurement of a free-threaded
 * interpreter would then be of one with the GIL.  Nothing here needs it:
 * the functions keep no shared state (the timing loop and count_calls use
 * locals, line_profile a trace object of its own per call, set on the
 * calling thread only by PyEval_SetTrace; lockdown's seccomp filter goes
 * to every thread of the process at once, TSYNC), and the module state is
 * written once, by the exec slot. */
static PyModuleDef_Slot host_slots[] = {
    {Py_mod_exec, HOST_SLOT(host_exec)},
#if PY_VERSION_HEX >= 0x030D0000
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},   /* a build with the GIL ignores it */
#endif
    {0, NULL},
};

static struct PyModuleDef host_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_optdemo_host",
    .m_doc = "What only the optdemo host can give pyscripts: the C timing loop, instruction "
             "counts under callgrind, the C line tracer, the lab's seccomp lockdown and the "
             "host's metadata.",
    .m_size = sizeof(struct host_state),
    .m_methods = host_methods,
    .m_slots = host_slots,
    .m_traverse = host_traverse,
    .m_clear = host_clear,
    .m_free = host_free,
};

PyObject *
host_module_init(void)
{
    return PyModuleDef_Init(&host_module);
}
