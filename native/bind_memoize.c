/* bind_memoize.c: optnative.memoize, a caching decorator on the memo table of
 * memo.c, modelled on functools' C lru_cache (same keys, same counters, same
 * LRU order).  The wrapper is called through vectorcall, so a hit makes no
 * tuple or dict for the arguments.  Keys and values are PyObject *; the
 * equality callback may raise or re-enter (cache_clear from __eq__), which
 * memo.c turns into MEMO_ERROR or a restarted search. */
#include "optnative.h"

#include "memo.h"

#include <stdint.h>
#include <structmember.h>

/* PyType_Slot.pfunc is a void *, and ISO C has no conversion from a function
 * pointer to void *: go through uintptr_t, which -Wpedantic accepts. */
#define SLOT_FUNCTION(function) ((void *)(uintptr_t)(function))

/* Invariants:
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

/* Set by optnative_exec_memoize; the globals own their references. */
static PyTypeObject *memoize_type;
static PyTypeObject *cache_info_type;
/* Separates positional arguments from keyword items in a key, as functools'
 * kwd_mark does: f(1, 'x', 2) and f(1, x=2) must not share an entry. */
static PyObject *keyword_mark;

/* memo.c callbacks.  The stored key is held across the comparison: __eq__
 * may clear the cache, which would otherwise free it under our feet. */
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
 * then keyword_mark and the keyword names and values in call order. */
static PyObject *
make_key(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    Py_ssize_t keyword_count = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
    Py_ssize_t size = nargs + (keyword_count > 0 ? 1 + 2 * keyword_count : 0);
    PyObject *key;

    if (keyword_count == 0 && nargs == 1
        && (PyLong_CheckExact(args[0]) || PyUnicode_CheckExact(args[0]))) {
        return Py_NewRef(args[0]);
    }
    key = PyTuple_New(size);
    if (key == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < nargs; i++) {
        PyTuple_SET_ITEM(key, i, Py_NewRef(args[i]));
    }
    if (keyword_count > 0) {
        PyTuple_SET_ITEM(key, nargs, Py_NewRef(keyword_mark));
        for (Py_ssize_t i = 0; i < keyword_count; i++) {
            PyTuple_SET_ITEM(key, nargs + 1 + 2 * i, Py_NewRef(PyTuple_GET_ITEM(kwnames, i)));
            PyTuple_SET_ITEM(key, nargs + 2 + 2 * i, Py_NewRef(args[nargs + i]));
        }
    }
    return key;
}

static PyObject *
memoize_vectorcall(MemoizeObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    PyObject *key = NULL, *result = NULL;
    void *cached = NULL;
    Py_hash_t hash;
    memo_status status;

    if (self->func == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "memoize wrapper used after being cleared");
        goto error;
    }
    if (self->maxsize == 0) {  /* caches nothing, counts misses */
        self->misses++;
        result = PyObject_Vectorcall(self->func, args, nargsf, kwnames);
        goto done;
    }
    key = make_key(args, PyVectorcall_NARGS(nargsf), kwnames);
    if (key == NULL) {
        goto error;
    }
    hash = PyObject_Hash(key);  /* TypeError for unhashable arguments */
    if (hash == -1) {
        goto error;
    }
    status = memo_lookup(&self->cache, (uint64_t)hash, key, &cached);
    if (status == MEMO_OK) {
        self->hits++;
        result = Py_NewRef((PyObject *)cached);
        goto done;
    }
    if (status != MEMO_NOT_FOUND) {
        goto error;
    }
    self->misses++;
    result = PyObject_Vectorcall(self->func, args, nargsf, kwnames);
    if (result == NULL) {
        goto error;
    }
    /* The call may have cached this key itself (recursion) or cleared the
     * cache: memo_insert searches again and then stores or says EXISTS. */
    status = memo_insert(&self->cache, (uint64_t)hash, key, Py_NewRef(result));
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

static PyObject *
memoize_cache_info(MemoizeObject *self, PyObject *Py_UNUSED(ignored))
{
    PyObject *info = PyStructSequence_New(cache_info_type);
    PyObject *fields[4] = {NULL, NULL, NULL, NULL};

    if (info == NULL) {
        goto error;
    }
    fields[0] = PyLong_FromSsize_t(self->hits);
    fields[1] = PyLong_FromSsize_t(self->misses);
    fields[2] = self->maxsize < 0 ? Py_NewRef(Py_None) : PyLong_FromSsize_t(self->maxsize);
    fields[3] = PyLong_FromSize_t(memo_count(&self->cache));
    for (int i = 0; i < 4; i++) {
        if (fields[i] == NULL) {
            goto error;
        }
    }
    for (int i = 0; i < 4; i++) {
        PyStructSequence_SET_ITEM(info, i, fields[i]);  /* steals */
        fields[i] = NULL;
    }
    return info;
error:
    for (int i = 0; i < 4; i++) {
        Py_XDECREF(fields[i]);
    }
    Py_XDECREF(info);
    return NULL;
}

static PyObject *
memoize_cache_clear(MemoizeObject *self, PyObject *Py_UNUSED(ignored))
{
    self->hits = 0;
    self->misses = 0;
    memo_clear(&self->cache);  /* releases last; may run Python */
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

/* A new wrapper around func, with functools.update_wrapper applied. */
static PyObject *
memoize_wrap(PyObject *func, PyObject *maxsize_obj)
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
    self = PyObject_GC_New(MemoizeObject, memoize_type);
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

/* What memoize(maxsize=N) returns: `self` is the maxsize object. */
static PyObject *
memoize_decorate(PyObject *maxsize_obj, PyObject *func)
{
    return memoize_wrap(func, maxsize_obj);
}

static PyMethodDef memoize_decorate_def = {
    "memoize_decorator", (PyCFunction)memoize_decorate, METH_O,
    "Wrap a function in a memoize cache with the maxsize given before."};

/* memoize(func=None, *, maxsize=None): @memoize or @memoize(maxsize=128). */
static PyObject *
memoize(PyObject *module, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
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
        return memoize_wrap(func, maxsize_obj);
    }
    if (parse_maxsize(maxsize_obj, &maxsize) < 0) {  /* report it early */
        return NULL;
    }
    (void)module;
    return PyCFunction_NewEx(&memoize_decorate_def, maxsize_obj, NULL);
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
    {"cache_info", (PyCFunction)memoize_cache_info, METH_NOARGS,
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
             | Py_TPFLAGS_METHOD_DESCRIPTOR | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = memoize_slots,
};

static PyStructSequence_Field cache_info_fields[] = {
    {"hits", "calls answered from the cache"},
    {"misses", "calls that ran the function"},
    {"maxsize", "the size bound, or None"},
    {"currsize", "entries in the cache now"},
    {NULL, NULL},
};

static PyStructSequence_Desc cache_info_desc = {
    "optnative.CacheInfo",
    "CacheInfo(hits, misses, maxsize, currsize), like functools' _CacheInfo.",
    cache_info_fields,
    4,
};

int
optnative_exec_memoize(PyObject *module)
{
    PyObject *type = NULL, *info_type = NULL, *mark = NULL;
    int result = -1;

    type = PyType_FromModuleAndSpec(module, &memoize_spec, NULL);
    if (type == NULL) {
        goto done;
    }
    info_type = (PyObject *)PyStructSequence_NewType(&cache_info_desc);
    if (info_type == NULL) {
        goto done;
    }
    mark = PyObject_CallNoArgs((PyObject *)&PyBaseObject_Type);
    if (mark == NULL) {
        goto done;
    }
    if (PyModule_AddFunctions(module, memoize_functions) < 0
        || PyModule_AddObjectRef(module, "CacheInfo", info_type) < 0) {
        goto done;
    }
    Py_XSETREF(memoize_type, (PyTypeObject *)Py_NewRef(type));
    Py_XSETREF(cache_info_type, (PyTypeObject *)Py_NewRef(info_type));
    Py_XSETREF(keyword_mark, Py_NewRef(mark));
    result = 0;
done:
    Py_XDECREF(type);
    Py_XDECREF(info_type);
    Py_XDECREF(mark);
    return result;
}
