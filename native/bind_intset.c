/* bind_intset.c: optnative.IntSet, a Python set of int64 on intset.c.
 * Arrays and other int64 buffers are read in C without the GIL (the batch
 * count_contained is the point of the type: the loop over needles moves
 * into C); any other iterable goes through Python ints.  Static types: the
 * module has no state (m_size 0) and the types hold no per-module data. */
#include "optnative.h"

#include <string.h>

#include "intset.h"

/* Invariants: `set` owns all the memory; `mutations` changes whenever the
 * contents change (iterators compare it); while `readers` > 0 a thread is
 * reading `set` without the GIL, so add/discard refuse to run. */
typedef struct {
    PyObject_HEAD
    intset set;
    size_t mutations;       /* bumped by every add/discard that changes the set */
    Py_ssize_t readers;     /* GIL-released count_contained calls in progress */
} IntSetObject;

/* Invariants: `owner` is NULL once exhausted; `cursor` is valid only while
 * owner->mutations == mutations (checked before every step). */
typedef struct {
    PyObject_HEAD
    IntSetObject *owner;    /* strong reference, NULL at the end */
    intset_iter cursor;
    size_t mutations;       /* owner->mutations when the iterator was made */
} IntSetIterObject;

static PyTypeObject IntSet_Type;
static PyTypeObject IntSetIter_Type;

enum { GIL_RELEASE_THRESHOLD = 500 };   /* items; numpy's own threshold */

/* ---- keys ------------------------------------------------------------- */

/* An int64 from anything with __index__: TypeError for other types,
 * OverflowError outside int64.  Returns 0 or -1 with an exception. */
static int
key_for_insert(PyObject *obj, int64_t *key)
{
    /* An exact int is its own index: skip PyNumber_Index's new reference. */
    PyObject *index = PyLong_CheckExact(obj) ? Py_NewRef(obj) : PyNumber_Index(obj);
    long long value;
    int overflow = 0;
    int result = -1;

    if (index == NULL) {
        goto done;
    }
    value = PyLong_AsLongLongAndOverflow(index, &overflow);
    if (overflow) {
        PyErr_Format(PyExc_OverflowError, "IntSet holds int64 values; %R is out of range", index);
        goto done;
    }
    if (value == -1 && PyErr_Occurred()) {
        goto done;
    }
    *key = value;
    result = 0;
done:
    Py_XDECREF(index);
    return result;
}

/* The int64 key that `obj` equals, as Python's set compares: ints (and
 * objects with __index__) and integral floats.  Returns 1 with *key set, 0
 * when obj cannot equal any int64 (a str, 1.5, 2**70: "not in the set"), or
 * -1 with an exception. */
static int
key_for_lookup(PyObject *obj, int64_t *key)
{
    PyObject *index = NULL;
    long long value;
    int overflow = 0;
    int result = 0;

    if (PyFloat_Check(obj)) {
        double d = PyFloat_AS_DOUBLE(obj);
        /* [-2^63, 2^63) is exactly representable at the ends. */
        if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 && d == (double)(long long)d) {
            *key = (long long)d;
            result = 1;
        }
        goto done;
    }
    if (!PyIndex_Check(obj)) {
        goto done;
    }
    index = PyLong_CheckExact(obj) ? Py_NewRef(obj) : PyNumber_Index(obj);
    if (index == NULL) {
        result = -1;
        goto done;
    }
    value = PyLong_AsLongLongAndOverflow(index, &overflow);
    if (value == -1 && PyErr_Occurred()) {
        result = -1;
        goto done;
    }
    if (!overflow) {
        *key = value;
        result = 1;
    }
done:
    Py_XDECREF(index);
    return result;
}

/* ---- int64 buffers ------------------------------------------------------ */

typedef enum { NOT_INT64, INT64_NATIVE, INT64_SWAPPED } int64_layout;

/* Whether a buffer's items are int64 ("q", "l" of size 8, with any byte-order
 * prefix), and in which byte order.  Unsigned "Q"/"L" are not: their values
 * above 2^63 would be misread. */
static int64_layout
buffer_layout(const Py_buffer *view)
{
    const char *format = view->format != NULL ? view->format : "B";
    char order = '@';
    int native_little = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

    if (strchr("@=<>!", format[0]) != NULL) {
        order = format[0];
        format++;
    }
    if (view->itemsize != 8 || (format[0] != 'q' && format[0] != 'l') || format[1] != '\0') {
        return NOT_INT64;
    }
    if (order == '@' || order == '=' || (order == '<') == native_little) {
        return INT64_NATIVE;
    }
    return INT64_SWAPPED;
}

/* Get `obj`'s buffer if it holds int64 items.  Returns 1 with *view filled
 * (release it), 0 when obj is not an int64 buffer (iterate it instead), -1
 * with an exception (e.g. a 2-D int64 array: ValueError). */
static int
get_int64_buffer(PyObject *obj, Py_buffer *view, int64_layout *layout, const char *function)
{
    if (!PyObject_CheckBuffer(obj)) {
        return 0;
    }
    if (PyObject_GetBuffer(obj, view, PyBUF_RECORDS_RO) < 0) {
        return -1;
    }
    *layout = buffer_layout(view);
    if (*layout == NOT_INT64) {
        PyBuffer_Release(view);
        return 0;
    }
    if (view->ndim != 1) {
        PyErr_Format(PyExc_ValueError, "%s expects a 1-D array of int64, got a %d-D one",
                     function, view->ndim);
        PyBuffer_Release(view);
        return -1;
    }
    return 1;
}

/* Byte-swapped or Python-object needles are converted into chunks of this
 * many keys, then counted by intset_count_contained. */
enum { KEY_CHUNK = 512 };

/* Count without the GIL (the caller marks the set as being read). */
static size_t
count_buffer(const intset *set, const Py_buffer *view, int64_layout layout)
{
    const char *base = view->buf;
    Py_ssize_t stride = view->strides != NULL ? view->strides[0] : 8;
    size_t count = (size_t)view->shape[0];
    size_t found = 0;

    if (layout == INT64_NATIVE) {
        return intset_count_contained(set, base, stride, count);
    }
    for (size_t first = 0; first < count; first += KEY_CHUNK) {
        int64_t chunk[KEY_CHUNK];
        size_t n = count - first < KEY_CHUNK ? count - first : KEY_CHUNK;
        for (size_t i = 0; i < n; i++) {
            uint64_t raw;
            memcpy(&raw, base + (Py_ssize_t)(first + i) * stride, sizeof raw);
            chunk[i] = (int64_t)__builtin_bswap64(raw);
        }
        found += intset_count_contained(set, chunk, sizeof chunk[0], n);
    }
    return found;
}

/* Add every key of an int64 buffer; the set is new and not yet shared, so
 * this runs without the GIL.  Returns INTSET_OK or INTSET_NOMEM. */
static intset_status
add_buffer(intset *set, const Py_buffer *view, int64_layout layout)
{
    const char *base = view->buf;
    Py_ssize_t stride = view->strides != NULL ? view->strides[0] : 8;
    size_t count = (size_t)view->shape[0];
    intset_status status = INTSET_OK;

    if (layout == INT64_NATIVE) {
        return intset_add_many(set, base, stride, count, NULL);
    }
    for (size_t first = 0; first < count && status == INTSET_OK; first += KEY_CHUNK) {
        int64_t chunk[KEY_CHUNK];
        size_t n = count - first < KEY_CHUNK ? count - first : KEY_CHUNK;
        for (size_t i = 0; i < n; i++) {
            uint64_t raw;
            memcpy(&raw, base + (Py_ssize_t)(first + i) * stride, sizeof raw);
            chunk[i] = (int64_t)__builtin_bswap64(raw);
        }
        status = intset_add_many(set, chunk, sizeof chunk[0], n, NULL);
    }
    return status;
}

/* ---- the IntSet type ---------------------------------------------------- */

static int
check_not_being_read(IntSetObject *self)
{
    if (self->readers > 0) {
        PyErr_SetString(PyExc_RuntimeError,
                        "IntSet changed while count_contained() reads it in another thread");
        return -1;
    }
    return 0;
}

static int
add_object(IntSetObject *self, PyObject *item)
{
    int64_t key;
    intset_status status;

    if (key_for_insert(item, &key) < 0 || check_not_being_read(self) < 0) {
        return -1;
    }
    status = intset_add(&self->set, key);
    if (status == INTSET_NOMEM) {
        PyErr_NoMemory();
        return -1;
    }
    if (status == INTSET_OK) {
        self->mutations++;
    }
    return 0;
}

static int
fill_from_iterable(IntSetObject *self, PyObject *iterable)
{
    Py_buffer view;
    int64_layout layout = NOT_INT64;
    PyObject *iterator = NULL, *item = NULL;
    int result = -1;
    int is_buffer = get_int64_buffer(iterable, &view, &layout, "IntSet()");

    if (is_buffer < 0) {
        goto done;
    }
    if (is_buffer) {
        intset_status status;
        intset_reserve(&self->set, (size_t)view.shape[0]);
        Py_BEGIN_ALLOW_THREADS
        status = add_buffer(&self->set, &view, layout);
        Py_END_ALLOW_THREADS
        PyBuffer_Release(&view);
        if (status == INTSET_NOMEM) {
            PyErr_NoMemory();
            goto done;
        }
        self->mutations++;
        result = 0;
        goto done;
    }
    /* Duplicates make this an overestimate: a few spare buckets. */
    if (PyList_CheckExact(iterable) || PyTuple_CheckExact(iterable)) {
        intset_reserve(&self->set, (size_t)PySequence_Fast_GET_SIZE(iterable));
    }
    iterator = PyObject_GetIter(iterable);
    if (iterator == NULL) {
        goto done;
    }
    /* Convert in chunks, then add each chunk with intset_add_many's
     * prefetching: the set is not shared yet, so no mutation checks. */
    for (;;) {
        int64_t chunk[KEY_CHUNK];
        size_t filled = 0;
        while (filled < KEY_CHUNK && (item = PyIter_Next(iterator)) != NULL) {
            if (key_for_insert(item, &chunk[filled]) < 0) {
                goto done;
            }
            filled++;
            Py_CLEAR(item);
        }
        if (PyErr_Occurred()) {
            goto done;
        }
        if (intset_add_many(&self->set, chunk, sizeof chunk[0], filled, NULL) == INTSET_NOMEM) {
            PyErr_NoMemory();
            goto done;
        }
        if (filled < KEY_CHUNK) {
            break;
        }
    }
    self->mutations++;
    result = 0;
done:
    Py_XDECREF(item);
    Py_XDECREF(iterator);
    return result;
}

static PyObject *
IntSet_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"iterable", NULL};
    PyObject *iterable = NULL;
    IntSetObject *self = NULL;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O:IntSet", keywords, &iterable)) {
        goto error;
    }
    self = (IntSetObject *)type->tp_alloc(type, 0);
    if (self == NULL) {
        goto error;
    }
    intset_init(&self->set);
    self->mutations = 0;
    self->readers = 0;
    if (iterable != NULL && fill_from_iterable(self, iterable) < 0) {
        goto error;
    }
    return (PyObject *)self;
error:
    Py_XDECREF(self);
    return NULL;
}

static void
IntSet_dealloc(IntSetObject *self)
{
    intset_destroy(&self->set);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
IntSet_add(IntSetObject *self, PyObject *item)
{
    if (add_object(self, item) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

/* Like set.discard: removing an absent value (or a non-int) is no error. */
static PyObject *
IntSet_discard(IntSetObject *self, PyObject *item)
{
    int64_t key;
    int found = key_for_lookup(item, &key);

    if (found < 0 || check_not_being_read(self) < 0) {
        return NULL;
    }
    if (found && intset_discard(&self->set, key) == INTSET_OK) {
        self->mutations++;
    }
    Py_RETURN_NONE;
}

static int
IntSet_contains(IntSetObject *self, PyObject *item)
{
    int64_t key;
    int found = key_for_lookup(item, &key);

    if (found <= 0) {
        return found;
    }
    return intset_contains(&self->set, key);
}

static Py_ssize_t
IntSet_length(IntSetObject *self)
{
    return (Py_ssize_t)intset_len(&self->set);
}

/* count_contained over Python objects: each needle becomes an int64 (or is
 * skipped: a str or 2.5 is in no IntSet), collected in chunks that go
 * through the same batched, prefetching lookup as arrays.  A list or tuple
 * is walked by index; converting an item may run Python (__index__) that
 * changes the list, so the size is re-read and each item held while used. */
static int
count_objects(IntSetObject *self, PyObject *needles, size_t *found)
{
    int64_t chunk[KEY_CHUNK];
    size_t filled = 0;
    PyObject *iterator = NULL, *item = NULL;
    int is_sequence = PyList_CheckExact(needles) || PyTuple_CheckExact(needles);
    int result = -1;

    *found = 0;
    if (!is_sequence) {
        iterator = PyObject_GetIter(needles);
        if (iterator == NULL) {
            goto done;
        }
    }
    for (Py_ssize_t i = 0;; i++) {
        int64_t key;
        int convertible;
        if (is_sequence) {
            if (i >= PySequence_Fast_GET_SIZE(needles)) {
                break;
            }
            item = Py_NewRef(PySequence_Fast_GET_ITEM(needles, i));
        }
        else if ((item = PyIter_Next(iterator)) == NULL) {
            if (PyErr_Occurred()) {
                goto done;
            }
            break;
        }
        convertible = key_for_lookup(item, &key);
        Py_CLEAR(item);
        if (convertible < 0) {
            goto done;
        }
        if (convertible) {
            chunk[filled++] = key;
        }
        if (filled == KEY_CHUNK) {
            *found += intset_count_contained(&self->set, chunk, sizeof chunk[0], filled);
            filled = 0;
        }
    }
    *found += intset_count_contained(&self->set, chunk, sizeof chunk[0], filled);
    result = 0;
done:
    Py_XDECREF(iterator);
    return result;
}

static PyObject *
IntSet_count_contained(IntSetObject *self, PyObject *needles)
{
    Py_buffer view;
    int64_layout layout = NOT_INT64;
    PyObject *result = NULL;
    size_t found = 0;
    int is_buffer = get_int64_buffer(needles, &view, &layout, "count_contained()");

    if (is_buffer < 0) {
        goto done;
    }
    if (is_buffer) {
        /* The loop the lesson is about: no Python object per needle. */
        int release_gil = view.shape[0] > GIL_RELEASE_THRESHOLD;
        PyThreadState *saved = NULL;
        self->readers++;
        if (release_gil) {
            saved = PyEval_SaveThread();
        }
        found = count_buffer(&self->set, &view, layout);
        if (release_gil) {
            PyEval_RestoreThread(saved);
        }
        self->readers--;
        PyBuffer_Release(&view);
        result = PyLong_FromSize_t(found);
        goto done;
    }
    if (count_objects(self, needles, &found) < 0) {
        goto done;
    }
    result = PyLong_FromSize_t(found);
done:
    return result;
}

static PyObject *
IntSet_sizeof(IntSetObject *self, PyObject *unused)
{
    (void)unused;
    return PyLong_FromSize_t(sizeof(IntSetObject) + intset_memory_bytes(&self->set));
}

static PyObject *
IntSet_repr(IntSetObject *self)
{
    return PyUnicode_FromFormat("<optnative.IntSet of %zu ints>", intset_len(&self->set));
}

static PyObject *
IntSet_iter(IntSetObject *self)
{
    IntSetIterObject *iter = PyObject_New(IntSetIterObject, &IntSetIter_Type);
    if (iter == NULL) {
        return NULL;
    }
    iter->owner = (IntSetObject *)Py_NewRef(self);
    intset_iter_init(&self->set, &iter->cursor);
    iter->mutations = self->mutations;
    return (PyObject *)iter;
}

static PyMethodDef IntSet_methods[] = {
    {"add", (PyCFunction)IntSet_add, METH_O,
     "add(x)\n--\n\nAdd the int x (OverflowError outside int64)."},
    {"discard", (PyCFunction)IntSet_discard, METH_O,
     "discard(x)\n--\n\nRemove x if present."},
    {"count_contained", (PyCFunction)IntSet_count_contained, METH_O,
     "count_contained(needles) -> int\n--\n\n"
     "How many needles are in the set, i.e. sum(x in s for x in needles).\n"
     "A 1-D int64 array (or int64 buffer) is read in C without the GIL."},
    {"__sizeof__", (PyCFunction)IntSet_sizeof, METH_NOARGS,
     "Bytes held: the object, entry blocks, uthash's table, buckets and bloom filter."},
    {NULL, NULL, 0, NULL},
};

static PySequenceMethods IntSet_as_sequence = {
    .sq_length = (lenfunc)IntSet_length,
    .sq_contains = (objobjproc)IntSet_contains,
};

static PyTypeObject IntSet_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "optnative.IntSet",
    .tp_doc = "IntSet(iterable=())\n--\n\n"
              "A set of int64 on uthash: add, discard, in, len, iteration\n"
              "(insertion order), count_contained(needles).",
    .tp_basicsize = sizeof(IntSetObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = IntSet_new,
    .tp_dealloc = (destructor)IntSet_dealloc,
    .tp_repr = (reprfunc)IntSet_repr,
    .tp_as_sequence = &IntSet_as_sequence,
    .tp_iter = (getiterfunc)IntSet_iter,
    .tp_methods = IntSet_methods,
};

/* ---- the iterator ------------------------------------------------------- */

static void
IntSetIter_dealloc(IntSetIterObject *self)
{
    Py_XDECREF(self->owner);
    PyObject_Free(self);
}

static PyObject *
IntSetIter_next(IntSetIterObject *self)
{
    int64_t key;

    if (self->owner == NULL) {
        return NULL;
    }
    if (self->owner->mutations != self->mutations) {
        /* The cursor may point at a released entry: never follow it. */
        PyErr_SetString(PyExc_RuntimeError, "IntSet changed during iteration");
        return NULL;
    }
    if (!intset_iter_next(&self->cursor, &key)) {
        Py_CLEAR(self->owner);
        return NULL;
    }
    return PyLong_FromLongLong(key);
}

static PyTypeObject IntSetIter_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "optnative.IntSetIterator",
    .tp_basicsize = sizeof(IntSetIterObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .tp_dealloc = (destructor)IntSetIter_dealloc,
    .tp_iter = PyObject_SelfIter,
    .tp_iternext = (iternextfunc)IntSetIter_next,
};

int
optnative_exec_intset(PyObject *module)
{
    if (PyType_Ready(&IntSetIter_Type) < 0) {
        return -1;
    }
    return PyModule_AddType(module, &IntSet_Type);
}
