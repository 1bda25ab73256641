/* line_tracer.c: the line tracer of `optdemo profile`, exposed as
 * _optdemo_host.line_profile (line_tracer.h).
 *
 * A C trace function installed with PyEval_SetTrace, the mechanism
 * line_profiler uses, without what its users pay for besides: no wrapper
 * per call, no hash lookups (a traced code object is recognised by
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
 * line_profiler).
 *
 * It traces one code object given up front (code=), or the functions a
 * program has yet to create (functions=: (filename, qualname, firstlineno)
 * keys, `optdemo profile SCRIPT.py` tracing the hottest functions a
 * sampling run found): a code object is adopted at its first call event
 * when its co_firstlineno, co_qualname and co_filename match a key, and
 * recognised by identity from then on. */
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

/* The most keys functions= may name, and the most code objects one call
 * adopts for them.  A key usually matches one code object; another one
 * comes only from compiling the source again (exec, importlib.reload), and
 * each is adopted too, its lines added to the key's.  Past the limit a
 * matching code object runs untraced (its time goes to the calling line),
 * which bounds the identity search every call event makes. */
enum { TRACER_MAX_KEYS = 16, TRACER_MAX_CODES = 64 };

/* One traced code object: given (code=) or adopted for a key. */
struct traced_code {
    PyObject *code;       /* strong; matched to frames by identity; NULL once cleared */
    Py_ssize_t key;       /* its index in the tracer's keys; -1 for code= */
    int first_line;       /* co_firstlineno */
    int n_lines;          /* first_line .. the code's last line */
    long long *hits;      /* hits[i] and ticks[i] belong to line first_line + i */
    int64_t *ticks;       /* tracer_clock() units */
};

/* A function that functions= names, before or after it exists. */
struct traced_key {
    PyObject *filename;   /* strong, a str: co_filename */
    PyObject *qualname;   /* strong, a str: co_qualname */
    int first_line;       /* co_firstlineno: compared first, the cheapest */
};

/* One started frame of a traced code object. */
struct traced_frame {
    PyFrameObject *frame;         /* strong; events are matched to it by identity */
    struct traced_code *traced;   /* the traced code it runs: its lines are charged */
    int line;                     /* the line it executes; -1 before its first line event */
};

/* One line_profile() call's state.  It is the trace object itself, so
 * calls nest (a traced function may call line_profile) and nothing lives
 * in a global.
 *
 * Invariants: codes[0 .. n_codes) are the traced code objects, distinct;
 * the array never moves (allocated at max_codes), so a frame's `traced`
 * pointer stays valid.  stack[0 .. depth) holds the frames of traced code
 * objects that have started and not yet returned or yielded, innermost
 * last, each with the code it runs.  Frames run strictly nested (a resumed
 * generator runs on top of whoever resumed it), so only the innermost one
 * executes, and the time since `mark` belongs to its line, in its code's
 * table.  A call into an untraced function leaves the time running for
 * the calling line; a call into a traced one -- another traced function,
 * a recursive call, a generator resumed -- charges the caller's line
 * first and the callee's lines then, so each moment is charged once, to
 * the innermost traced frame's line, and a caller's calling line holds
 * only the time before the callee's frame starts and after it ends.  With
 * depth 0 (the loop between calls, untraced code) time is charged to no
 * line. */
typedef struct {
    PyObject_HEAD
    PyObject *trace_lines_name;   /* "f_trace_lines" */
    struct traced_code *codes;    /* [0 .. n_codes), room for max_codes */
    Py_ssize_t n_codes, max_codes;
    struct traced_key keys[TRACER_MAX_KEYS];  /* [0 .. n_keys); none with code= */
    Py_ssize_t n_keys;
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

/* The table index of `line` in `traced`, or -1 outside it (-1 itself: not started). */
static inline int
traced_index(const struct traced_code *traced, int line)
{
    int index = line - traced->first_line;
    return line >= 0 && index >= 0 && index < traced->n_lines ? index : -1;
}

/* Charge the time since the mark to the innermost frame's line. */
static inline void
tracer_charge(LineTracer *t, int64_t now)
{
    if (t->depth > 0) {
        const struct traced_frame *top = &t->stack[t->depth - 1];
        int index = traced_index(top->traced, top->line);
        if (index >= 0) {
            top->traced->ticks[index] += now - t->mark;
        }
    }
    t->mark = now;
}

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

/* Trace `code` (borrowed) from now on, for key `key` (-1: code=); there
 * must be room.  Its entry, or NULL with an exception set. */
static struct traced_code *
tracer_adopt(LineTracer *t, PyObject *code, Py_ssize_t key)
{
    struct traced_code *traced = &t->codes[t->n_codes];
    int last = code_last_line(code);
    if (last < 0) {
        return NULL;
    }
    traced->first_line = ((PyCodeObject *)code)->co_firstlineno;
    traced->n_lines = last >= traced->first_line ? last - traced->first_line + 1 : 1;
    traced->hits = PyMem_Calloc((size_t)traced->n_lines, sizeof *traced->hits);
    traced->ticks = PyMem_Calloc((size_t)traced->n_lines, sizeof *traced->ticks);
    if (traced->hits == NULL || traced->ticks == NULL) {
        PyMem_Free(traced->hits);
        PyMem_Free(traced->ticks);
        traced->hits = NULL;
        traced->ticks = NULL;
        PyErr_NoMemory();
        return NULL;
    }
    traced->key = key;
    traced->code = Py_NewRef(code);
    t->n_codes++;
    return traced;
}

static inline bool
same_text(PyObject *a, PyObject *b)
{
    return a == b || PyUnicode_Compare(a, b) == 0;   /* both exact str: no error */
}

/* The traced entry of `code`, adopting it when it matches a key; NULL,
 * with an exception set when adopting it failed, without one when `code`
 * is not traced. */
static struct traced_code *
tracer_find(LineTracer *t, PyCodeObject *code)
{
    for (Py_ssize_t i = 0; i < t->n_codes; i++) {
        if (t->codes[i].code == (PyObject *)code) {
            return &t->codes[i];
        }
    }
    if (t->n_codes == t->max_codes) {
        return NULL;    /* code= (its one entry), or no room left to adopt */
    }
    for (Py_ssize_t k = 0; k < t->n_keys; k++) {
        const struct traced_key *key = &t->keys[k];
        if (key->first_line == code->co_firstlineno && same_text(key->qualname, code->co_qualname)
            && same_text(key->filename, code->co_filename)) {
            /* The adoption's own cost (co_lines, two allocations) goes to no line. */
            tracer_charge(t, tracer_clock());
            struct traced_code *traced = tracer_adopt(t, (PyObject *)code, k);
            t->mark = tracer_clock();
            return traced;
        }
    }
    return NULL;
}

static int
tracer_call(LineTracer *t, PyFrameObject *frame)
{
    PyCodeObject *code = PyFrame_GetCode(frame);
    struct traced_code *traced = tracer_find(t, code);
    bool resumable = code->co_flags & (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR);
    Py_DECREF(code);
    if (traced == NULL) {
        if (PyErr_Occurred()) {
            return -1;
        }
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
    t->stack[t->depth].traced = traced;
    t->stack[t->depth].line = line == traced->first_line ? -1 : line;
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
            struct traced_frame *top = &t->stack[t->depth - 1];
            int line = PyFrame_GetLineNumber(frame);
            int index = traced_index(top->traced, line);
            top->line = line;
            if (index >= 0) {
                top->traced->hits[index]++;
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
    for (Py_ssize_t i = 0; i < t->n_codes; i++) {
        Py_VISIT(t->codes[i].code);
    }
    for (Py_ssize_t k = 0; k < t->n_keys; k++) {
        Py_VISIT(t->keys[k].filename);
        Py_VISIT(t->keys[k].qualname);
    }
    for (Py_ssize_t i = 0; i < t->depth; i++) {
        Py_VISIT(t->stack[i].frame);
    }
    return 0;
}

/* Drops the references only: the line tables stay for tracer_dealloc. */
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
    for (Py_ssize_t i = 0; i < t->n_codes; i++) {
        Py_CLEAR(t->codes[i].code);
    }
    for (Py_ssize_t k = 0; k < t->n_keys; k++) {
        Py_CLEAR(t->keys[k].filename);
        Py_CLEAR(t->keys[k].qualname);
    }
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
    for (Py_ssize_t i = 0; i < t->n_codes; i++) {
        PyMem_Free(t->codes[i].hits);
        PyMem_Free(t->codes[i].ticks);
    }
    PyMem_Free(t->codes);
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


/* A new tracer with room for `max_codes` code objects and none yet, or
 * NULL with an exception set. */
static LineTracer *
tracer_new(PyTypeObject *type, Py_ssize_t max_codes)
{
    LineTracer *t = (LineTracer *)type->tp_alloc(type, 0);
    if (t == NULL) {
        goto error;
    }
    t->trace_lines_name = PyUnicode_InternFromString("f_trace_lines");
    t->codes = PyMem_Calloc((size_t)max_codes, sizeof *t->codes);
    t->max_codes = max_codes;
    t->stack = PyMem_Malloc(TRACER_STACK_START * sizeof *t->stack);
    t->capacity = TRACER_STACK_START;
    if (t->trace_lines_name == NULL || t->codes == NULL || t->stack == NULL) {
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

/* Take functions= (a list or tuple of (filename, qualname, firstlineno))
 * as `t`'s keys.  0, or -1 with TypeError or ValueError set. */
static int
tracer_set_keys(LineTracer *t, PyObject *functions)
{
    if (!PyList_Check(functions) && !PyTuple_Check(functions)) {
        PyErr_Format(PyExc_TypeError, "line_profile: functions= must be a list or tuple of "
                                      "(filename, qualname, firstlineno), not %s",
                     Py_TYPE(functions)->tp_name);
        return -1;
    }
    Py_ssize_t count = PySequence_Fast_GET_SIZE(functions);
    if (count < 1 || count > TRACER_MAX_KEYS) {
        PyErr_Format(PyExc_ValueError, "line_profile: functions= names 1 to %d functions, "
                                       "not %zd", (int)TRACER_MAX_KEYS, count);
        return -1;
    }
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *item = PySequence_Fast_GET_ITEM(functions, k);
        PyObject *filename = NULL, *qualname = NULL;
        int first_line = 0;
        if (!PyTuple_Check(item) || !PyArg_ParseTuple(item, "UUi", &filename, &qualname,
                                                      &first_line)) {
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError, "line_profile: functions[%zd] must be a tuple "
                                          "(filename: str, qualname: str, firstlineno: int)", k);
            return -1;
        }
        for (Py_ssize_t j = 0; j < k; j++) {
            if (t->keys[j].first_line == first_line && same_text(t->keys[j].qualname, qualname)
                && same_text(t->keys[j].filename, filename)) {
                PyErr_Format(PyExc_ValueError, "line_profile: functions[%zd] repeats "
                                               "functions[%zd]", k, j);
                return -1;
            }
        }
        t->keys[k].filename = Py_NewRef(filename);
        t->keys[k].qualname = Py_NewRef(qualname);
        t->keys[k].first_line = first_line;
        t->n_keys = k + 1;
    }
    return 0;
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

/* Add `traced`'s lines with a hit or a time to `results`, {lineno: (hits,
 * seconds)}, summed with a line already there (from a key's other code
 * object).  0, or -1 with an exception set. */
static int
traced_results(const struct traced_code *traced, double seconds_per_tick, PyObject *results)
{
    int rc = 0;
    for (int i = 0; rc == 0 && i < traced->n_lines; i++) {
        if (traced->hits[i] == 0 && traced->ticks[i] == 0) {
            continue;
        }
        long long hits = traced->hits[i];
        double seconds = (double)traced->ticks[i] * seconds_per_tick;
        PyObject *key = PyLong_FromLong(traced->first_line + i), *value = NULL;
        PyObject *earlier = key != NULL ? PyDict_GetItemWithError(results, key) : NULL;
        if (earlier != NULL) {   /* borrowed: our own (int, float) */
            hits += PyLong_AsLongLong(PyTuple_GET_ITEM(earlier, 0));
            seconds += PyFloat_AS_DOUBLE(PyTuple_GET_ITEM(earlier, 1));
        }
        if (!PyErr_Occurred()) {
            value = Py_BuildValue("(Ld)", hits, seconds);
        }
        if (value == NULL || PyDict_SetItem(results, key, value) < 0) {
            rc = -1;
        }
        Py_XDECREF(key);
        Py_XDECREF(value);
    }
    return rc;
}

/* code=: {lineno: (hits, seconds)}; functions=: a list of those, one per
 * key in the keys' order ({} for a key never called).  NULL with an
 * exception set on failure. */
static PyObject *
tracer_results(const LineTracer *t)
{
    PyObject *results = t->n_keys == 0 ? PyDict_New() : PyList_New(t->n_keys);
    for (Py_ssize_t k = 0; results != NULL && k < t->n_keys; k++) {
        PyObject *lines = PyDict_New();
        if (lines == NULL) {
            goto error;
        }
        PyList_SET_ITEM(results, k, lines);   /* steals it */
    }
    for (Py_ssize_t i = 0; results != NULL && i < t->n_codes; i++) {
        const struct traced_code *traced = &t->codes[i];
        PyObject *lines = traced->key < 0 ? results : PyList_GET_ITEM(results, traced->key);
        if (traced_results(traced, t->seconds_per_tick, lines) < 0) {
            goto error;
        }
    }
    return results;
error:
    Py_XDECREF(results);
    return NULL;
}

PyObject *
line_tracer_profile(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"function", "argument", "loops", "code", "functions", NULL};
    PyObject *function = NULL, *argument = NULL, *code = Py_None, *functions = Py_None;
    PyObject *target = NULL, *results = NULL;
    LineTracer *tracer = NULL;
    long loops = 0;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOl|$OO:line_profile", keywords, &function,
                                     &argument, &loops, &code, &functions)) {
        goto done;
    }
    if (code != Py_None && functions != Py_None) {
        PyErr_SetString(PyExc_TypeError, "line_profile traces code= or functions=, not both");
        goto done;
    }
    if (loops < 1) {
        PyErr_SetString(PyExc_ValueError, "loops must be at least 1");
        goto done;
    }
    if (functions != Py_None) {
        tracer = tracer_new(type, TRACER_MAX_CODES);
        if (tracer == NULL || tracer_set_keys(tracer, functions) < 0) {
            goto done;
        }
    }
    else {
        target = code != Py_None ? Py_NewRef(code) : PyObject_GetAttrString(function, "__code__");
        if (target == NULL || !PyCode_Check(target)) {
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError, "line_profile traces Python code: %s has no __code__ "
                                          "(or code= is not a code object)",
                         Py_TYPE(function)->tp_name);
            goto done;
        }
        tracer = tracer_new(type, 1);
        if (tracer == NULL || tracer_adopt(tracer, target, -1) == NULL) {
            goto done;
        }
    }
    if (PyErr_CheckSignals() < 0 || tracer_run(tracer, function, argument, loops) < 0) {
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
