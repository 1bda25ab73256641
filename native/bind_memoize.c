/* bind_memoize.c: optnative.memoize, a caching decorator on the memo table of
 * memo.c, modelled on functools' C lru_cache (same keys, same counters, same
 * LRU order).  The wrapper is called through vectorcall, so a hit makes no
 * tuple or dict for the arguments.  Keys and values are PyObject *; the
 * equality callback may raise or re-enter (cache_clear from __eq__), which
 * memo.c turns into MEMO_ERROR or a restarted search.  Without the GIL
 * (3.13t) the table and the counters are touched only in the wrapper's
 * critical section (free_threading.h), which is let go while the wrapped
 * function runs: a memoized function called from N threads runs in N
 * threads, as functools' does not in 3.13. */
#include "bindings.h"

#include "free_threading.h"
#include "memo.h"

#include <stdint.h>
#include <structmember.h>

/* Invariants (cache, hits and misses read and changed only in the wrapper's
 * critical section; maxsize fixed at creation):
 *   func is the wrapped callable (NULL only after tp_clear);
 *   cache owns one reference to each key and each value it holds;
 *   maxsize is -1 for an unbounded cache (memo max_entries 0), 0 for a cache
 *   that stores nothing (functools' maxsize=0), else cache.max_entries;
 *   dict holds functools.update_wrapper's attributes (__wrapped__, ...). */
typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *func;
    memo_table cache;
    Py_ssize_t maxsize;
    Py_ssize_t hits;
    Py_ssize_t misses;
    PyObject *dict;
    PyObject *weakreflist;
} MemoizeObject;

/* memo.c callbacks.  The stored key is held across the comparison: __eq__
 * may clear the cache, which would otherwise free it under our feet (and
 * without the GIL, __eq__ blocking lets other threads into the critical
 * section: memo.c's version counter restarts the search, as for
 * re-entry). */
static int
key_equal(void *context, const void *stored_key, const void *probe_key)
{
    PyObject *stored = (PyObject *)stored_key;
    int equal;
    (void)context;

    if (stored_key == probe_key) {
        return 1;
    }
    Py_INCREF(stored);
    equal = PyObject_RichCompareBool(stored, (PyObject *)probe_key, Py_EQ);
    Py_DECREF(stored);
    return equal;
}

static void
release_pair(void *context, void *key, void *value)
{
    (void)context;
    Py_DECREF((PyObject *)key);
    Py_DECREF((PyObject *)value);
}

/* The key functools.lru_cache(typed=False) would build: a lone int or str
 * argument is its own key; otherwise a tuple of the positional arguments,
 * then the state's keyword_mark (as functools' kwd_mark: f(1, 'x', 2) and
 * f(1, x=2) must not share an entry) and the keyword names and values in
 * call order.  Only keyword calls look the state up: the common call stays
 * as short as it was. */
static PyObject *
make_key(MemoizeObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    Py_ssize_t keyword_count = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
    Py_ssize_t size = nargs + (keyword_count > 0 ? 1 + 2 * keyword_count : 0);
    optnative_state *state = NULL;
    PyObject *key;

    if (keyword_count == 0 && nargs == 1
        && (PyLong_CheckExact(args[0]) || PyUnicode_CheckExact(args[0]))) {
        return Py_NewRef(args[0]);
    }
    if (keyword_count > 0) {
        state = optnative_state_of_type(Py_TYPE(self));
        if (state == NULL) {
            return NULL;
        }
    }
    key = PyTuple_New(size);
    if (key == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < nargs; i++) {
        PyTuple_SET_ITEM(key, i, Py_NewRef(args[i]));
    }
    if (keyword_count > 0) {
        PyTuple_SET_ITEM(key, nargs, Py_NewRef(state->keyword_mark));
        for (Py_ssize_t i = 0; i < keyword_count; i++) {
            PyTuple_SET_ITEM(key, nargs + 1 + 2 * i, Py_NewRef(PyTuple_GET_ITEM(kwnames, i)));
            PyTuple_SET_ITEM(key, nargs + 2 + 2 * i, Py_NewRef(args[nargs + i]));
        }
    }
    return key;
}

/* The cached value for (hash, key) as a new reference, counting a hit, or
 * NULL counting a miss (*status MEMO_NOT_FOUND) or with an exception. */
static PyObject *
lookup_locked(MemoizeObject *self, Py_hash_t hash, PyObject *key, memo_status *status)
{
    void *cached = NULL;
    PyObject *result = NULL;

    OPTNATIVE_BEGIN_CRITICAL_SECTION(self);
    *status = memo_lookup(&self->cache, (uint64_t)hash, key, &cached);
    if (*status == MEMO_OK) {
        self->hits++;
        result = Py_NewRef((PyObject *)cached);
    }
    else if (*status == MEMO_NOT_FOUND) {
        self->misses++;
    }
    OPTNATIVE_END_CRITICAL_SECTION();
    return result;
}

/* memo_insert in the wrapper's critical section.  On MEMO_OK the table owns
 * the references to key and value the caller handed over. */
static memo_status
insert_locked(MemoizeObject *self, Py_hash_t hash, PyObject *key, PyObject *value)
{
    memo_status status;

    OPTNATIVE_BEGIN_CRITICAL_SECTION(self);
    status = memo_insert(&self->cache, (uint64_t)hash, key, value);
    OPTNATIVE_END_CRITICAL_SECTION();
    return status;
}

/* A hit holds the lock for the lookup only; a miss lets it go while the
 * function runs (another thread may compute the same key meanwhile: the
 * first insert wins, the second finds MEMO_EXISTS, as in functools). */
static PyObject *
memoize_vectorcall(MemoizeObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    PyObject *key = NULL, *result = NULL;
    Py_hash_t hash;
    memo_status status;

    if (self->func == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "memoize wrapper used after being cleared");
        goto error;
    }
    if (self->maxsize == 0) {  /* caches nothing, counts misses */
        OPTNATIVE_BEGIN_CRITICAL_SECTION(self);
        self->misses++;
        OPTNATIVE_END_CRITICAL_SECTION();
        result = PyObject_Vectorcall(self->func, args, nargsf, kwnames);
        goto done;
    }
    key = make_key(self, args, PyVectorcall_NARGS(nargsf), kwnames);
    if (key == NULL) {
        goto error;
    }
    hash = PyObject_Hash(key);  /* TypeError for unhashable arguments */
    if (hash == -1) {
        goto error;
    }
    result = lookup_locked(self, hash, key, &status);
    if (status == MEMO_OK) {
        goto done;
    }
    if (status != MEMO_NOT_FOUND) {
        goto error;
    }
    result = PyObject_Vectorcall(self->func, args, nargsf, kwnames);
    if (result == NULL) {
        goto error;
    }
    /* The call (or another thread) may have cached this key itself
     * (recursion) or cleared the cache: memo_insert searches again and then
     * stores or says EXISTS. */
    status = insert_locked(self, hash, key, Py_NewRef(result));
    if (status == MEMO_OK) {
        key = NULL;  /* the cache owns it now, and the new value reference */
        goto done;
    }
    Py_DECREF(result);  /* the reference memo_insert did not take */
    if (status == MEMO_EXISTS) {
        goto done;
    }
    if (status == MEMO_NOMEM) {
        PyErr_NoMemory();
    }
    goto error;
error:
    Py_CLEAR(result);
done:
    Py_XDECREF(key);
    return result;
}

/* ---- CacheInfo ---------------------------------------------------------- */

/* CacheInfo(hits, misses, maxsize, currsize): a tuple with named fields, as
 * functools' _CacheInfo (a namedtuple) is, made from a spec like every type
 * here.  Not a struct sequence: in 3.11 a heap struct sequence reads its
 * size from its type's dict when an instance is freed, and when a module is
 * torn down with a CacheInfo in its cycle the collector may have cleared
 * that dict first (the fields leak; a debug build aborts). */
enum { CACHE_INFO_FIELDS = 4 };

/* A new CacheInfo of `type` holding new references to the four fields. */
static PyObject *
cache_info_from(PyTypeObject *type, PyObject *const fields[CACHE_INFO_FIELDS])
{
    PyObject *info = type->tp_alloc(type, CACHE_INFO_FIELDS);   /* items NULL */

    if (info == NULL) {
        return NULL;
    }
    for (int i = 0; i < CACHE_INFO_FIELDS; i++) {
        PyTuple_SET_ITEM(info, i, Py_NewRef(fields[i]));
    }
    return info;
}

static PyObject *
cache_info_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"hits", "misses", "maxsize", "currsize", NULL};
    PyObject *fields[CACHE_INFO_FIELDS];

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOOO:CacheInfo", keywords,
                                     &fields[0], &fields[1], &fields[2], &fields[3])) {
        return NULL;
    }
    return cache_info_from(type, fields);
}

static PyObject *
cache_info_repr(PyObject *self)
{
    return PyUnicode_FromFormat("CacheInfo(hits=%R, misses=%R, maxsize=%R, currsize=%R)",
                                PyTuple_GET_ITEM(self, 0), PyTuple_GET_ITEM(self, 1),
                                PyTuple_GET_ITEM(self, 2), PyTuple_GET_ITEM(self, 3));
}

/* (type, fields): what pickle and copy need to make it again, for every
 * protocol (a type with its own __new__ has no default below protocol 2). */
static PyObject *
cache_info_reduce(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    PyObject *fields = PyTuple_GetSlice(self, 0, CACHE_INFO_FIELDS);
    PyObject *result = NULL;

    if (fields != NULL) {
        result = PyTuple_Pack(2, (PyObject *)Py_TYPE(self), fields);
        Py_DECREF(fields);
    }
    return result;
}

static PyMethodDef cache_info_methods[] = {
    {"__reduce__", cache_info_reduce, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

/* tuple's own traverse and dealloc, plus the reference to the heap type
 * that tuple's know nothing of (what subtype_dealloc does for a class
 * statement's subclass). */
static int
cache_info_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    return PyTuple_Type.tp_traverse(self, visit, arg);
}

static void
cache_info_dealloc(PyObject *self)
{
    PyTypeObject *type = Py_TYPE(self);

    PyTuple_Type.tp_dealloc(self);  /* untracks, releases the fields, frees */
    Py_DECREF(type);
}

#define CACHE_INFO_FIELD(index) (Py_ssize_t)(offsetof(PyTupleObject, ob_item) \
                                             + (index) * sizeof(PyObject *))

static PyMemberDef cache_info_members[] = {
    {"hits", T_OBJECT, CACHE_INFO_FIELD(0), READONLY, "calls answered from the cache"},
    {"misses", T_OBJECT, CACHE_INFO_FIELD(1), READONLY, "calls that ran the function"},
    {"maxsize", T_OBJECT, CACHE_INFO_FIELD(2), READONLY, "the size bound, or None"},
    {"currsize", T_OBJECT, CACHE_INFO_FIELD(3), READONLY, "entries in the cache now"},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot cache_info_slots[] = {
    {Py_tp_doc, "CacheInfo(hits, misses, maxsize, currsize), like functools' _CacheInfo."},
    {Py_tp_new, SLOT_FUNCTION(cache_info_new)},
    {Py_tp_repr, SLOT_FUNCTION(cache_info_repr)},
    {Py_tp_traverse, SLOT_FUNCTION(cache_info_traverse)},
    {Py_tp_dealloc, SLOT_FUNCTION(cache_info_dealloc)},
    {Py_tp_members, cache_info_members},
    {Py_tp_methods, cache_info_methods},
    {0, NULL},
};

/* tuple's layout: its basicsize (the header before the items) and items. */
static PyType_Spec cache_info_spec = {
    .name = "optnative.CacheInfo",
    .basicsize = (int)(sizeof(PyTupleObject) - sizeof(PyObject *)),
    .itemsize = (int)sizeof(PyObject *),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = cache_info_slots,
};

/* ---- the wrapper's methods ------------------------------------------------ */

/* METH_METHOD: the defining class leads to the state's CacheInfo type. */
static PyObject *
memoize_cache_info(MemoizeObject *self, PyTypeObject *defining_class,
                   PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *info = NULL;
    PyObject *fields[CACHE_INFO_FIELDS] = {NULL, NULL, NULL, NULL};

    (void)args;
    if (nargs != 0 || (kwnames != NULL && PyTuple_GET_SIZE(kwnames) != 0)) {
        PyErr_SetString(PyExc_TypeError, "cache_info() takes no arguments");
        goto done;
    }
    /* One snapshot: hits + misses and currsize agree with each other. */
    OPTNATIVE_BEGIN_CRITICAL_SECTION(self);
    fields[0] = PyLong_FromSsize_t(self->hits);
    fields[1] = PyLong_FromSsize_t(self->misses);
    fields[3] = PyLong_FromSize_t(memo_count(&self->cache));
    OPTNATIVE_END_CRITICAL_SECTION();
    fields[2] = self->maxsize < 0 ? Py_NewRef(Py_None) : PyLong_FromSsize_t(self->maxsize);
    for (int i = 0; i < CACHE_INFO_FIELDS; i++) {
        if (fields[i] == NULL) {
            goto done;
        }
    }
    info = cache_info_from(optnative_state_of_type(defining_class)->cache_info_type, fields);
done:
    for (int i = 0; i < CACHE_INFO_FIELDS; i++) {
        Py_XDECREF(fields[i]);
    }
    return info;
}

static PyObject *
memoize_cache_clear(MemoizeObject *self, PyObject *Py_UNUSED(ignored))
{
    OPTNATIVE_BEGIN_CRITICAL_SECTION(self);
    self->hits = 0;
    self->misses = 0;
    memo_clear(&self->cache);  /* releases last; may run Python */
    OPTNATIVE_END_CRITICAL_SECTION();
    Py_RETURN_NONE;
}

/* As a method: bind the instance, like a function (and functools) does. */
static PyObject *
memoize_descr_get(PyObject *self, PyObject *obj, PyObject *type)
{
    (void)type;
    if (obj == NULL || obj == Py_None) {
        return Py_NewRef(self);
    }
    return PyMethod_New(self, obj);
}

typedef struct {
    visitproc visit;
    void *arg;
} visit_closure;

/* Py_VISIT needs `visit` and `arg` in scope: unpack the closure for it. */
static int
visit_pair(void *key, void *value, void *closure_arg)
{
    visit_closure *closure = closure_arg;
    visitproc visit = closure->visit;
    void *arg = closure->arg;

    Py_VISIT((PyObject *)key);
    Py_VISIT((PyObject *)value);
    return 0;
}

static int
memoize_traverse(MemoizeObject *self, visitproc visit, void *arg)
{
    visit_closure closure = {visit, arg};

    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->func);
    Py_VISIT(self->dict);
    return memo_visit(&self->cache, visit_pair, &closure);
}

static int
memoize_tp_clear(MemoizeObject *self)
{
    memo_clear(&self->cache);
    Py_CLEAR(self->func);
    Py_CLEAR(self->dict);
    return 0;
}

static void
memoize_dealloc(MemoizeObject *self)
{
    PyTypeObject *type = Py_TYPE(self);

    PyObject_GC_UnTrack(self);
    if (self->weakreflist != NULL) {
        PyObject_ClearWeakRefs((PyObject *)self);
    }
    memo_free(&self->cache);
    Py_CLEAR(self->func);
    Py_CLEAR(self->dict);
    type->tp_free(self);
    Py_DECREF(type);
}

/* maxsize as functools reads it: None -> -1 (unbounded), a negative int -> 0.
 * Returns 0, or -1 with TypeError/OverflowError set. */
static int
parse_maxsize(PyObject *maxsize_obj, Py_ssize_t *maxsize)
{
    if (maxsize_obj == Py_None) {
        *maxsize = -1;
        return 0;
    }
    if (!PyLong_Check(maxsize_obj)) {
        PyErr_Format(PyExc_TypeError, "maxsize must be an int or None, not %.100s",
                     Py_TYPE(maxsize_obj)->tp_name);
        return -1;
    }
    *maxsize = PyLong_AsSsize_t(maxsize_obj);
    if (*maxsize == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (*maxsize < 0) {
        *maxsize = 0;
    }
    return 0;
}

/* A new wrapper around func, of the state's wrapper type, with
 * functools.update_wrapper applied. */
static PyObject *
memoize_wrap(optnative_state *state, PyObject *func, PyObject *maxsize_obj)
{
    MemoizeObject *self = NULL;
    PyObject *functools = NULL, *updated = NULL, *result = NULL;
    Py_ssize_t maxsize;

    if (!PyCallable_Check(func)) {
        PyErr_Format(PyExc_TypeError,
                     "memoize expected a callable to wrap, not %.100s "
                     "(for a size bound use memoize(maxsize=N))",
                     Py_TYPE(func)->tp_name);
        goto done;
    }
    if (parse_maxsize(maxsize_obj, &maxsize) < 0) {
        goto done;
    }
    self = PyObject_GC_New(MemoizeObject, state->memoize_type);
    if (self == NULL) {
        goto done;
    }
    self->vectorcall = (vectorcallfunc)memoize_vectorcall;
    self->func = Py_NewRef(func);
    memo_init(&self->cache, maxsize > 0 ? (size_t)maxsize : 0, key_equal, release_pair, NULL);
    self->maxsize = maxsize;
    self->hits = 0;
    self->misses = 0;
    self->dict = NULL;
    self->weakreflist = NULL;
    PyObject_GC_Track(self);
    functools = PyImport_ImportModule("functools");
    if (functools == NULL) {
        goto done;
    }
    updated = PyObject_CallMethod(functools, "update_wrapper", "OO", (PyObject *)self, func);
    if (updated == NULL) {
        goto done;
    }
    result = Py_NewRef((PyObject *)self);
done:
    Py_XDECREF(updated);
    Py_XDECREF(functools);
    Py_XDECREF(self);
    return result;
}

/* What memoize(maxsize=N) returns: `self` is the maxsize object, and the
 * defining class, given to PyCMethod_New, is the state's wrapper type: the
 * way to the state for a function that has no module argument.  Takes
 * exactly one positional argument, as METH_O would (METH_METHOD requires
 * the fastcall signature). */
static PyObject *
memoize_decorate(PyObject *maxsize_obj, PyTypeObject *defining_class,
                 PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    if (nargs != 1 || (kwnames != NULL && PyTuple_GET_SIZE(kwnames) != 0)) {
        PyErr_Format(PyExc_TypeError,
                     "memoize_decorator() takes exactly one positional argument (%zd given)",
                     nargs + (kwnames != NULL ? PyTuple_GET_SIZE(kwnames) : 0));
        return NULL;
    }
    return memoize_wrap(optnative_state_of_type(defining_class), args[0], maxsize_obj);
}

static PyMethodDef memoize_decorate_def = {
    "memoize_decorator", (PyCFunction)(void (*)(void))memoize_decorate,
    METH_METHOD | METH_FASTCALL | METH_KEYWORDS,
    "Wrap a function in a memoize cache with the maxsize given before."};

/* memoize(func=None, *, maxsize=None): @memoize or @memoize(maxsize=128). */
static PyObject *
memoize(PyObject *module, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    optnative_state *state = optnative_state_of_module(module);
    PyObject *func = nargs > 0 ? args[0] : Py_None;
    PyObject *maxsize_obj = Py_None;
    Py_ssize_t maxsize;
    Py_ssize_t keyword_count = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);

    if (nargs > 1) {
        PyErr_Format(PyExc_TypeError,
                     "memoize() takes at most 1 positional argument (%zd given)", nargs);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < keyword_count; i++) {
        PyObject *name = PyTuple_GET_ITEM(kwnames, i);
        if (PyUnicode_CompareWithASCIIString(name, "maxsize") == 0) {
            maxsize_obj = args[nargs + i];
        }
        else if (PyUnicode_CompareWithASCIIString(name, "func") == 0 && nargs == 0) {
            func = args[nargs + i];
        }
        else {
            PyErr_Format(PyExc_TypeError,
                         "memoize() got an unexpected keyword argument '%U'", name);
            return NULL;
        }
    }
    if (func != Py_None) {
        return memoize_wrap(state, func, maxsize_obj);
    }
    if (parse_maxsize(maxsize_obj, &maxsize) < 0) {  /* report it early */
        return NULL;
    }
    return PyCMethod_New(&memoize_decorate_def, maxsize_obj, NULL, state->memoize_type);
}

static PyMethodDef memoize_functions[] = {
    {"memoize", (PyCFunction)(void (*)(void))memoize, METH_FASTCALL | METH_KEYWORDS,
     "memoize(func=None, *, maxsize=None)\n--\n\n"
     "Cache a pure function's results by its (hashable) arguments, like "
     "functools.lru_cache: @memoize or @memoize(maxsize=128).  The wrapper has "
     "cache_info(), cache_clear() and __wrapped__."},
    {NULL, NULL, 0, NULL},
};

static PyMethodDef memoize_methods[] = {
    {"cache_info", (PyCFunction)(void (*)(void))memoize_cache_info,
     METH_METHOD | METH_FASTCALL | METH_KEYWORDS,
     "Return CacheInfo(hits, misses, maxsize, currsize)."},
    {"cache_clear", (PyCFunction)memoize_cache_clear, METH_NOARGS,
     "Empty the cache and reset the counters."},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef memoize_members[] = {
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(MemoizeObject, vectorcall), READONLY, NULL},
    {"__dictoffset__", T_PYSSIZET, offsetof(MemoizeObject, dict), READONLY, NULL},
    {"__weaklistoffset__", T_PYSSIZET, offsetof(MemoizeObject, weakreflist), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyGetSetDef memoize_getset[] = {
    {"__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot memoize_slots[] = {
    {Py_tp_doc, "A function wrapped by optnative.memoize."},
    {Py_tp_call, SLOT_FUNCTION(PyVectorcall_Call)},
    {Py_tp_descr_get, SLOT_FUNCTION(memoize_descr_get)},
    {Py_tp_dealloc, SLOT_FUNCTION(memoize_dealloc)},
    {Py_tp_traverse, SLOT_FUNCTION(memoize_traverse)},
    {Py_tp_clear, SLOT_FUNCTION(memoize_tp_clear)},
    {Py_tp_methods, memoize_methods},
    {Py_tp_members, memoize_members},
    {Py_tp_getset, memoize_getset},
    {0, NULL},
};

static PyType_Spec memoize_spec = {
    .name = "optnative._memoize_wrapper",
    .basicsize = sizeof(MemoizeObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL
             | Py_TPFLAGS_METHOD_DESCRIPTOR | Py_TPFLAGS_DISALLOW_INSTANTIATION
             | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = memoize_slots,
};

int
optnative_exec_memoize(PyObject *module, optnative_state *state)
{
    if (optnative_new_type(module, &memoize_spec, NULL, &state->memoize_type) < 0
        || optnative_new_type(module, &cache_info_spec, &PyTuple_Type,
                              &state->cache_info_type) < 0) {
        return -1;
    }
    state->keyword_mark = PyObject_CallNoArgs((PyObject *)&PyBaseObject_Type);
    if (state->keyword_mark == NULL) {
        return -1;
    }
    if (PyModule_AddFunctions(module, memoize_functions) < 0) {
        return -1;
    }
    return PyModule_AddType(module, state->cache_info_type);
}
