/* host_module.c: `_optdemo_host`, a built-in module that exists only inside
 * the optdemo host.  It gives pyscripts' runner the "c" timing template --
 * the variant called `loops` times from a C loop with vectorcall, the clock
 * read once on either side --, a line tracer in C for `optdemo profile`
 * (line_profile), and the host's own metadata (how libpython is linked
 * into this executable, PGO evidence), which plain Python cannot see.
 * Other interpreters use the runner's pure-Python template instead. */
#include "host_module.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#if defined(__x86_64__)
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#endif

#include "clock.h"
#include "line_tracer.h"
#include "metadata.h"
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

#if defined(__x86_64__)
/* The seccomp filter of a lab's sandboxed worker, as a BPF program.  Refused
 * (EPERM): fork, vfork, execve, execveat, and clone without CLONE_THREAD (a
 * thread is fine, a process is not); clone3 gets ENOSYS, so glibc falls back
 * to clone and its check; socket() of any family but AF_UNIX gets EACCES.
 * Any other architecture or the x32 ABI kills the process (a filter that
 * misreads syscall numbers must not allow anything). */
enum {
    I_LOAD_ARCH, I_ARCH, I_LOAD_NR, I_X32, I_FORK, I_VFORK, I_EXECVE, I_EXECVEAT,
    I_CLONE3, I_SOCKET, I_CLONE, I_OTHERS, I_LOAD_FAMILY, I_FAMILY, I_LOAD_FLAGS, I_FLAGS,
    I_ALLOW, I_EPERM, I_ENOSYS, I_EACCES, I_KILL, I_COUNT
};
#define JUMP_TO(target, at) ((unsigned char)((target) - (at) - 1))
#define IF_NR(nr, at, target) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), JUMP_TO(target, at), 0)

static int
install_lab_filter(void)
{
    struct sock_filter program[I_COUNT] = {
        [I_LOAD_ARCH] = BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        [I_ARCH] = BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0,
                            JUMP_TO(I_KILL, I_ARCH)),
        [I_LOAD_NR] = BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        [I_X32] = BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, JUMP_TO(I_KILL, I_X32), 0),
        [I_FORK] = IF_NR(__NR_fork, I_FORK, I_EPERM),
        [I_VFORK] = IF_NR(__NR_vfork, I_VFORK, I_EPERM),
        [I_EXECVE] = IF_NR(__NR_execve, I_EXECVE, I_EPERM),
        [I_EXECVEAT] = IF_NR(__NR_execveat, I_EXECVEAT, I_EPERM),
        [I_CLONE3] = IF_NR(__NR_clone3, I_CLONE3, I_ENOSYS),
        [I_SOCKET] = IF_NR(__NR_socket, I_SOCKET, I_LOAD_FAMILY),
        [I_CLONE] = IF_NR(__NR_clone, I_CLONE, I_LOAD_FLAGS),
        [I_OTHERS] = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        [I_LOAD_FAMILY] = BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                   offsetof(struct seccomp_data, args[0])),
        [I_FAMILY] = BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, JUMP_TO(I_ALLOW, I_FAMILY),
                              JUMP_TO(I_EACCES, I_FAMILY)),
        [I_LOAD_FLAGS] = BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                  offsetof(struct seccomp_data, args[0])),
        [I_FLAGS] = BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, JUMP_TO(I_ALLOW, I_FLAGS),
                             JUMP_TO(I_EPERM, I_FLAGS)),
        [I_ALLOW] = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        [I_EPERM] = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
        [I_ENOSYS] = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
        [I_EACCES] = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EACCES & SECCOMP_RET_DATA)),
        [I_KILL] = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    };
    struct sock_fprog filter = {.len = I_COUNT, .filter = program};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0
        || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &filter) < 0) {
        return -1;
    }
    return 0;
}
#endif

/* lockdown() -> bool: install the lab sandbox's seccomp filter on this
 * process, for good.  False where it cannot (another architecture, a
 * kernel without seccomp). */
static PyObject *
host_lockdown(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
#if defined(__x86_64__)
    if (install_lab_filter() == 0) {
        Py_RETURN_TRUE;
    }
#endif
    Py_RETURN_FALSE;
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
    long loops = PyLong_AsLong(args[2]), warmups = PyLong_AsLong(args[3]);
    if ((loops == -1 || warmups == -1) && PyErr_Occurred()) {
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
     "line_profile(function, argument, loops, *, code=None) -> {lineno: (hits, seconds)}: "
     "call function(argument) loops times under a C line tracer of code (function.__code__ "
     "by default); a line's time includes the functions it calls, not a nested frame of code"},
    {"lockdown", host_lockdown, METH_NOARGS,
     "lockdown() -> bool: forbid this process new processes, programs and network sockets "
     "(seccomp), for good; False where it cannot"},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot host_slots[] = {
    {Py_mod_exec, HOST_SLOT(host_exec)},
    {0, NULL},
};

static struct PyModuleDef host_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_optdemo_host",
    .m_doc = "What only the optdemo host can give pyscripts: the C timing loop, its metadata.",
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
