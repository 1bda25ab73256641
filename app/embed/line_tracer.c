/* line_tracer.c: the line tracer of `optdemo profile`, exposed as
 * _optdemo_host.line_profile (line_tracer.h).
 *
 * A C trace function installed with PyEval_SetTrace, the mechanism
 * line_profiler uses, without what its users pay for besides: no wrapper
 * per call, no hash lookups (the traced code object is recognised by
 * identity and its lines index two arrays), one clock read per event, and
 * no line events from other functions' frames (f_trace_lines), whose time
 * belongs to the calling line anyway.  What remains is the interpreter's
 * cost: on 3.11 every instruction of every frame takes the tracing path
 * while a trace function is set, and each event materialises a frame
 * object; with a trace function that returns at once, the pitfalls'
 * `before` variants already run 1-7x slower.  3.12+ runs a trace function
 * set this way through sys.monitoring's legacy events (the same calls, the
 * same tstate->c_tracefunc and c_traceobj; tested on 3.13t), on the
 * calling thread only, as before.  The clock is the CPU's
 * time-stamp counter on x86-64, converted with the rate CLOCK_MONOTONIC
 * saw over the traced run: 10 ns a read where the vDSO's clock_gettime
 * takes 22 ns, which took 10-25% off the slowdowns of the variants with
 * the shortest lines (bench/bench_line_tracer.py compares the tracer with
 * line_profiler). */
#include "line_tracer.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#if defined(__x86_64__)
#include <x86intrin.h>  /* __rdtsc: the tracer's clock */
#endif

#include "clock.h"
#include "host_module.h"

/* One started frame of the traced code object. */
struct traced_frame {
    PyFrameObject *frame;  /* strong; events are matched to it by identity */
    int line;              /* the line it executes; -1 before its first line event */
};

/* One line_profile() call's state.  It is the trace object itself, so
 * calls nest (a traced function may call line_profile) and nothing lives
 * in a global.
 *
 * Invariants: hits[i] and ticks[i] belong to line first_line + i,
 * i < n_lines.  stack[0 .. depth) holds the frames of `code` that have
 * started and not yet returned or yielded, innermost last.  Frames run
 * strictly nested (a resumed generator runs on top of whoever resumed it),
 * so only the innermost one executes, and the time since `mark` belongs to
 * its line.  A call into another function leaves the time running for the
 * calling line; a recursive call (or a generator of the same code resumed)
 * charges the caller's line first and the callee's lines then, so each
 * moment is charged once and the lines add up to the function's time.
 * With depth 0 (the loop between calls) time is charged to no line. */
typedef struct {
    PyObject_HEAD
    PyObject *code;               /* the traced code object */
    PyObject *trace_lines_name;   /* "f_trace_lines" */
    int first_line;               /* co_firstlineno */
    int n_lines;                  /* first_line .. the code's last line */
    long long *hits;
    int64_t *ticks;               /* tracer_clock() units */
    struct traced_frame *stack;
    Py_ssize_t depth, capacity;
    int64_t mark;                 /* tracer_clock(): last time charged */
    double seconds_per_tick;      /* measured over the run by tracer_run */
} LineTracer;

enum { TRACER_STACK_START = 16 };


/* The tracer's clock, in ticks of unknown but constant length. */
static inline int64_t
tracer_clock(void)
{
#if defined(__x86_64__)
    return (int64_t)__rdtsc();
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
#endif
}

/* The table index of `line`, or -1 outside it (-1 itself: not started). */
static inline int
tracer_index(const LineTracer *t, int line)
{
    int index = line - t->first_line;
    return line >= 0 && index >= 0 && index < t->n_lines ? index : -1;
}

/* Charge the time since the mark to the innermost frame's line. */
static inline void
tracer_charge(LineTracer *t, int64_t now)
{
    if (t->depth > 0) {
        int index = tracer_index(t, t->stack[t->depth - 1].line);
        if (index >= 0) {
            t->ticks[index] += now - t->mark;
        }
    }
    t->mark = now;
}

static int
tracer_call(LineTracer *t, PyFrameObject *frame)
{
    PyCodeObject *code = PyFrame_GetCode(frame);
    bool ours = (PyObject *)code == t->code;
    bool resumable = code->co_flags & (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR);
    Py_DECREF(code);
    if (!ours) {
        /* Its time goes to the calling line whatever it does: its line
         * events would only add the tracer's cost to that line.  Not for a
         * generator's frame, which may outlive this call and later be
         * stepped through by a debugger that wants its lines. */
        return resumable ? 0
                         : PyObject_SetAttr((PyObject *)frame, t->trace_lines_name, Py_False);
    }
    if (t->depth == t->capacity) {
        Py_ssize_t capacity = t->capacity * 2;
        struct traced_frame *grown = PyMem_Realloc(t->stack, (size_t)capacity * sizeof *grown);
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        t->stack = grown;
        t->capacity = capacity;
    }
    /* A resumed generator goes on with the line it yielded on; a fresh
     * call stands on its first line (def or decorator) until its first
     * line event, and that moment is charged to no line. */
    int line = PyFrame_GetLineNumber(frame);
    tracer_charge(t, tracer_clock());
    t->stack[t->depth].frame = (PyFrameObject *)Py_NewRef(frame);
    t->stack[t->depth].line = line == t->first_line ? -1 : line;
    t->depth++;
    return 0;
}

/* The trace function: `object` is the LineTracer. */
static int
tracer_event(PyObject *object, PyFrameObject *frame, int what, PyObject *arg)
{
    LineTracer *t = (LineTracer *)object;
    (void)arg;
    bool innermost = t->depth > 0 && t->stack[t->depth - 1].frame == frame;
    switch (what) {
    case PyTrace_LINE:
        if (innermost) {
            tracer_charge(t, tracer_clock());
            int line = PyFrame_GetLineNumber(frame);
            int index = tracer_index(t, line);
            t->stack[t->depth - 1].line = line;
            if (index >= 0) {
                t->hits[index]++;
            }
        }
        return 0;
    case PyTrace_CALL:
        return tracer_call(t, frame);
    case PyTrace_RETURN:
        /* Also when an exception leaves the frame, and at each yield. */
        if (innermost) {
            tracer_charge(t, tracer_clock());
            t->depth--;
            Py_DECREF(t->stack[t->depth].frame);  /* the frame still holds itself */
        }
        return 0;
    default:
        /* PyTrace_EXCEPTION: the line goes on; a handler's line comes as
         * a line event, an exception leaving the frame as a return. */
        return 0;
    }
}

static int
tracer_traverse(PyObject *self, visitproc visit, void *arg)
{
    LineTracer *t = (LineTracer *)self;
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(t->code);
    for (Py_ssize_t i = 0; i < t->depth; i++) {
        Py_VISIT(t->stack[i].frame);
    }
    return 0;
}

static int
tracer_clear(PyObject *self)
{
    LineTracer *t = (LineTracer *)self;
    /* Empty the stack before the decrefs: a frame's deallocation may run Python code. */
    struct traced_frame *stack = t->stack;
    Py_ssize_t depth = t->depth;
    t->stack = NULL;
    t->depth = t->capacity = 0;
    for (Py_ssize_t i = 0; i < depth; i++) {
        Py_DECREF(stack[i].frame);
    }
    PyMem_Free(stack);
    Py_CLEAR(t->code);
    Py_CLEAR(t->trace_lines_name);
    return 0;
}

static void
tracer_dealloc(PyObject *self)
{
    LineTracer *t = (LineTracer *)self;
    PyTypeObject *type = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    tracer_clear(self);
    PyMem_Free(t->hits);
    PyMem_Free(t->ticks);
    type->tp_free(self);
    Py_DECREF(type);
}

static PyType_Slot tracer_slots[] = {
    {Py_tp_doc, (void *)"The state of one _optdemo_host.line_profile() call (its trace object)."},
    {Py_tp_dealloc, HOST_SLOT(tracer_dealloc)},
    {Py_tp_traverse, HOST_SLOT(tracer_traverse)},
    {Py_tp_clear, HOST_SLOT(tracer_clear)},
    {0, NULL},
};

static PyType_Spec tracer_spec = {
    .name = "_optdemo_host.LineTracer",
    .basicsize = sizeof(LineTracer),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = tracer_slots,
};


/* The largest line number co_lines() names, or -1 with an exception set. */
static int
code_last_line(PyObject *code)
{
    PyObject *ranges = PyObject_CallMethod(code, "co_lines", NULL);
    PyObject *iterator = ranges != NULL ? PyObject_GetIter(ranges) : NULL, *item = NULL;
    int last = 0;
    while (iterator != NULL && (item = PyIter_Next(iterator)) != NULL) {
        PyObject *line = PyTuple_Check(item) && PyTuple_GET_SIZE(item) == 3
                             ? PyTuple_GET_ITEM(item, 2) : NULL;   /* None: no line */
        long number = line != NULL && PyLong_Check(line) ? PyLong_AsLong(line) : 0;
        Py_DECREF(item);
        if (number == -1 && PyErr_Occurred()) {
            break;    /* past a long: no line number; reported below */
        }
        last = number > last && number < INT_MAX ? (int)number : last;
    }
    if (iterator == NULL || PyErr_Occurred()) {
        last = -1;
    }
    Py_XDECREF(iterator);
    Py_XDECREF(ranges);
    return last;
}

/* A new tracer for `code` (borrowed), or NULL with an exception set. */
static LineTracer *
tracer_new(PyTypeObject *type, PyObject *code)
{
    LineTracer *t = (LineTracer *)type->tp_alloc(type, 0);
    int last = t != NULL ? code_last_line(code) : -1;
    if (last < 0) {
        goto error;
    }
    t->code = Py_NewRef(code);
    t->first_line = ((PyCodeObject *)code)->co_firstlineno;
    t->n_lines = last >= t->first_line ? last - t->first_line + 1 : 1;
    t->trace_lines_name = PyUnicode_InternFromString("f_trace_lines");
    t->hits = PyMem_Calloc((size_t)t->n_lines, sizeof *t->hits);
    t->ticks = PyMem_Calloc((size_t)t->n_lines, sizeof *t->ticks);
    t->stack = PyMem_Malloc(TRACER_STACK_START * sizeof *t->stack);
    t->capacity = TRACER_STACK_START;
    if (t->trace_lines_name == NULL || t->hits == NULL || t->ticks == NULL
        || t->stack == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_NoMemory();
        }
        goto error;
    }
    return t;
error:
    Py_XDECREF(t);
    return NULL;
}

/* `loops` calls of function(argument) while `t` traces them, then the
 * trace function that was there before (sys.gettrace()'s, or a C tracer
 * such as coverage's) is back.  0, or -1 with an exception set. */
static int
tracer_run(LineTracer *t, PyObject *function, PyObject *argument, long loops)
{
    PyThreadState *tstate = PyThreadState_Get();
    Py_tracefunc previous_function = tstate->c_tracefunc;
    PyObject *previous_object = Py_XNewRef(tstate->c_traceobj);
    PyObject *call_args[1] = {argument};
    int rc = -1;

    double start = clock_wall();
    int64_t start_ticks = tracer_clock();
    t->mark = start_ticks;
    PyEval_SetTrace(tracer_event, (PyObject *)t);
    if (tstate->c_traceobj != (PyObject *)t) {
        /* PyEval_SetTrace reports an audit hook's refusal as unraisable. */
        PyErr_SetString(PyExc_RuntimeError, "line_profile: the trace function could not be "
                                            "installed (an audit hook refused sys.settrace?)");
        goto done;
    }
    for (long i = 0; i < loops; i++) {
        PyObject *result = PyObject_Vectorcall(function, call_args, 1, NULL);
        if (result == NULL) {
            goto done;
        }
        Py_DECREF(result);
    }
    rc = 0;
done:
    PyEval_SetTrace(previous_function, previous_object);
    Py_XDECREF(previous_object);
    int64_t ticks = tracer_clock() - start_ticks;
    double seconds = clock_wall() - start;
    t->seconds_per_tick = ticks > 0 ? seconds / (double)ticks : 0.0;
    return rc;
}

/* {lineno: (hits, seconds)} for every line with a hit or a time. */
static PyObject *
tracer_results(const LineTracer *t)
{
    PyObject *results = PyDict_New();
    for (int i = 0; results != NULL && i < t->n_lines; i++) {
        if (t->hits[i] == 0 && t->ticks[i] == 0) {
            continue;
        }
        PyObject *key = PyLong_FromLong(t->first_line + i);
        PyObject *value = Py_BuildValue("(Ld)", t->hits[i],
                                        (double)t->ticks[i] * t->seconds_per_tick);
        if (key == NULL || value == NULL || PyDict_SetItem(results, key, value) < 0) {
            Py_CLEAR(results);
        }
        Py_XDECREF(key);
        Py_XDECREF(value);
    }
    return results;
}

PyObject *
line_tracer_profile(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"function", "argument", "loops", "code", NULL};
    PyObject *function = NULL, *argument = NULL, *code = Py_None, *target = NULL;
    PyObject *results = NULL;
    LineTracer *tracer = NULL;
    long loops = 0;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOl|$O:line_profile", keywords, &function,
                                     &argument, &loops, &code)) {
        goto done;
    }
    if (loops < 1) {
        PyErr_SetString(PyExc_ValueError, "loops must be at least 1");
        goto done;
    }
    target = code != Py_None ? Py_NewRef(code) : PyObject_GetAttrString(function, "__code__");
    if (target == NULL || !PyCode_Check(target)) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "line_profile traces Python code: %s has no __code__ "
                                      "(or code= is not a code object)",
                     Py_TYPE(function)->tp_name);
        goto done;
    }
    if (PyErr_CheckSignals() < 0) {
        goto done;
    }
    tracer = tracer_new(type, target);
    if (tracer == NULL || tracer_run(tracer, function, argument, loops) < 0) {
        goto done;
    }
    results = tracer_results(tracer);
done:
    Py_XDECREF(tracer);
    Py_XDECREF(target);
    return results;
}

PyTypeObject *
line_tracer_type_new(PyObject *module)
{
    return (PyTypeObject *)PyType_FromModuleAndSpec(module, &tracer_spec, NULL);
}
