/* bind_intset.c: optnative.IntSet, a Python set of int64 on intset.c.
 * NumPy int64 arrays are read in C without the GIL, through the same
 * normalisation as the kernels (bind_arrays.c; the batch count_contained is
 * the point of the type: the loop over needles moves into C); any other
 * iterable goes through Python ints, in chunks.  Heap types in the module
 * state: the iterator type is found through the set's own type.  Without
 * the GIL (3.13t) `set`, `mutations` and `readers` are touched only in the
 * set's critical section (free_threading.h); keys are converted (which may
 * run Python) before it is taken. */
#include "bindings.h"

#include "bind_arrays.h"
#include "free_threading.h"
#include "intset.h"

/* Invariants: `set` owns all the memory; `mutations` changes whenever the
 * contents change (iterators compare it); while `readers` > 0 a thread is
 * reading `set` without the GIL (or, on 3.13t, with the set's critical
 * section suspended), so add/discard refuse to run.  All three are read and
 * written in the set's critical section. */
typedef struct {
    PyObject_HEAD
    intset set;
    size_t mutations;       /* bumped by every add/discard that changes the set */
    Py_ssize_t readers;     /* GIL-released count_contained calls in progress */
} IntSetObject;

/* Invariants: `owner` is fixed for the iterator's life (so the pair can be
 * locked together, and a step never meets a set freed by another thread's
 * step); `cursor` is valid only while owner->mutations == mutations
 * (checked before every step) and is moved with both locked. */
typedef struct {
    PyObject_HEAD
    IntSetObject *owner;    /* strong reference */
    intset_iter cursor;
    size_t mutations;       /* owner->mutations when the iterator was made */
    int exhausted;          /* the end was reached: every later step ends too */
} IntSetIterObject;

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

/* Python-object keys are converted into chunks of this many, then added or
 * counted by one intset_add_many / intset_count_contained call. */
enum { KEY_CHUNK = 512 };

/* ---- the IntSet type ---------------------------------------------------- */

/* The caller holds the set's critical section. */
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
    intset_status status = INTSET_OK;
    int result = -1;

    if (key_for_insert(item, &key) < 0) {
        return -1;
    }
    OPTNATIVE_BEGIN_CRITICAL_SECTION(self);
    if (check_not_being_read(self) == 0) {
        status = intset_add(&self->set, key);
        if (status != INTSET_NOMEM) {
            result = 0;
        }
        if (status == INTSET_OK) {
            self->mutations++;
        }
    }
    OPTNATIVE_END_CRITICAL_SECTION();
    if (status == INTSET_NOMEM) {
        PyErr_NoMemory();
    }
    return result;
}

static int
fill_from_iterable(IntSetObject *self, PyObject *iterable)
{
    array_vector keys;
    PyObject *iterator = NULL, *item = NULL;
    int result = -1;
    array_status is_array = array_vector_from(iterable, ARRAY_INT64, ARRAY_OR_ITERABLE,
                                              "IntSet", &keys);

    if (is_array == ARRAY_ERROR) {
        goto done;
    }
    if (is_array == ARRAY_OK) {
        /* The set is new and not yet shared: no GIL, no mutation checks. */
        intset_status status;
        intset_reserve(&self->set, (size_t)keys.length);
        Py_BEGIN_ALLOW_THREADS
        status = intset_add_many(&self->set, keys.data, keys.stride, (size_t)keys.length, NULL);
        Py_END_ALLOW_THREADS
        array_vector_release(&keys);
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
    /* Out of the collector's lists (gc.get_objects) until filled: the fill
     * from an array runs without the GIL, and no other thread may find the
     * set half-built.  It holds no reference but its type's meanwhile. */
    PyObject_GC_UnTrack(self);
    intset_init(&self->set);
    self->mutations = 0;
    self->readers = 0;
    if (iterable != NULL && fill_from_iterable(self, iterable) < 0) {
        goto error;
    }
    PyObject_GC_Track(self);
    return (PyObject *)self;
error:
    Py_XDECREF(self);
    return NULL;
}

static void
IntSet_dealloc(IntSetObject *self)
{
    PyTypeObject *type = Py_TYPE(self);

    PyObject_GC_UnTrack(self);
    intset_destroy(&self->set);
    type->tp_free((PyObject *)self);
    Py_DECREF(type);
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
    int status = 0;

    if (found < 0) {
        return NULL;
    }
    OPTNATIVE_BEGIN_CRITICAL_SECTION(self);
    status = check_not_being_read(self);
    if (status == 0 && found && intset_discard(&self->set, key) == INTSET_OK) {
        self->mutations++;
    }
    OPTNATIVE_END_CRITICAL_SECTION();
    if (status < 0) {
        return NULL;
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
    OPTNATIVE_BEGIN_CRITICAL_SECTION(self);
    found = intset_contains(&self->set, key);
    OPTNATIVE_END_CRITICAL_SECTION();
    return found;
}

static size_t
length_locked(IntSetObject *self)
{
    size_t length;

    OPTNATIVE_BEGIN_CRITICAL_SECTION(self);
    length = intset_len(&self->set);
    OPTNATIVE_END_CRITICAL_SECTION();
    return length;
}

static Py_ssize_t
IntSet_length(IntSetObject *self)
{
    return (Py_ssize_t)length_locked(self);
}

/* count_contained over Python objects: each needle becomes an int64 (or is
 * skipped: a str or 2.5 is in no IntSet), collected in chunks that go
 * through the same batched, prefetching lookup as arrays.  A list or tuple
 * is walked by index; converting an item may run Python (__index__) that
 * changes the list (so may another thread), so each item is read with its
 * bounds check and held while used.  The caller holds the set's critical
 * section; Python run here may suspend it, but never in the middle of an
 * intset call. */
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
            if ((item = optnative_sequence_item_ref(needles, i)) == NULL) {
                break;
            }
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

/* The caller holds the set's critical section.  Releasing the GIL (on
 * 3.13t: detaching) suspends it, so `readers` keeps add and discard out
 * while the array loop runs; readers may still come in. */
static PyObject *
count_contained_locked(IntSetObject *self, PyObject *needles)
{
    array_vector keys;
    PyObject *result = NULL;
    size_t found = 0;
    array_status is_array = array_vector_from(needles, ARRAY_INT64, ARRAY_OR_ITERABLE,
                                              "count_contained", &keys);

    if (is_array == ARRAY_ERROR) {
        goto done;
    }
    if (is_array == ARRAY_OK) {
        /* The loop the lesson is about: no Python object per needle. */
        int release_gil = keys.length > GIL_RELEASE_THRESHOLD;
        PyThreadState *saved = NULL;
        self->readers++;
        if (release_gil) {
            saved = PyEval_SaveThread();
        }
        found = intset_count_contained(&self->set, keys.data, keys.stride, (size_t)keys.length);
        if (release_gil) {
            PyEval_RestoreThread(saved);
        }
        self->readers--;
        array_vector_release(&keys);
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
IntSet_count_contained(IntSetObject *self, PyObject *needles)
{
    PyObject *result;

    OPTNATIVE_BEGIN_CRITICAL_SECTION(self);
    result = count_contained_locked(self, needles);
    OPTNATIVE_END_CRITICAL_SECTION();
    return result;
}

static PyObject *
IntSet_sizeof(IntSetObject *self, PyObject *unused)
{
    size_t bytes;
    (void)unused;

    OPTNATIVE_BEGIN_CRITICAL_SECTION(self);
    bytes = intset_memory_bytes(&self->set);
    OPTNATIVE_END_CRITICAL_SECTION();
    return PyLong_FromSize_t(sizeof(IntSetObject) + bytes);
}

static PyObject *
IntSet_repr(IntSetObject *self)
{
    return PyUnicode_FromFormat("<optnative.IntSet of %zu ints>", length_locked(self));
}

/* The iterator type comes from the state of the module that made this
 * set's type (one per interpreter), never from a global. */
static PyObject *
IntSet_iter(IntSetObject *self)
{
    optnative_state *state = optnative_state_of_type(Py_TYPE(self));
    IntSetIterObject *iter = NULL;

    if (state == NULL) {
        goto done;
    }
    iter = PyObject_GC_New(IntSetIterObject, state->intset_iter_type);
    if (iter == NULL) {
        goto done;
    }
    iter->owner = (IntSetObject *)Py_NewRef(self);
    iter->exhausted = 0;
    OPTNATIVE_BEGIN_CRITICAL_SECTION(self);
    intset_iter_init(&self->set, &iter->cursor);
    iter->mutations = self->mutations;
    OPTNATIVE_END_CRITICAL_SECTION();
    PyObject_GC_Track(iter);
done:
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
     "A 1-D NumPy int64 array is read in C without the GIL; any other\n"
     "iterable goes through Python ints."},
    {"__sizeof__", (PyCFunction)IntSet_sizeof, METH_NOARGS,
     "Bytes held: the object, entry blocks, uthash's table, buckets and bloom filter."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot IntSet_slots[] = {
    {Py_tp_doc, "IntSet(iterable=())\n--\n\n"
                "A set of int64 on uthash: add, discard, in, len, iteration\n"
                "(insertion order), count_contained(needles)."},
    {Py_tp_new, SLOT_FUNCTION(IntSet_new)},
    {Py_tp_dealloc, SLOT_FUNCTION(IntSet_dealloc)},
    {Py_tp_traverse, SLOT_FUNCTION(optnative_traverse_type_only)},
    {Py_tp_repr, SLOT_FUNCTION(IntSet_repr)},
    {Py_tp_iter, SLOT_FUNCTION(IntSet_iter)},
    {Py_tp_methods, IntSet_methods},
    {Py_sq_length, SLOT_FUNCTION(IntSet_length)},
    {Py_sq_contains, SLOT_FUNCTION(IntSet_contains)},
    {0, NULL},
};

static PyType_Spec IntSet_spec = {
    .name = "optnative.IntSet",
    .basicsize = sizeof(IntSetObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = IntSet_slots,
};

/* ---- the iterator ------------------------------------------------------- */

static int
IntSetIter_traverse(IntSetIterObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->owner);
    return 0;
}

static void
IntSetIter_dealloc(IntSetIterObject *self)
{
    PyTypeObject *type = Py_TYPE(self);

    PyObject_GC_UnTrack(self);
    Py_XDECREF(self->owner);
    PyObject_GC_Del(self);
    Py_DECREF(type);
}

/* One step with the iterator and its set locked together: two threads
 * sharing an iterator each get a different key, never a torn cursor. */
static PyObject *
IntSetIter_next(IntSetIterObject *self)
{
    int64_t key = 0;
    int mutated = 0, stepped = 0;

    OPTNATIVE_BEGIN_CRITICAL_SECTION2(self, self->owner);
    if (!self->exhausted) {
        /* The cursor may point at a released entry: never follow it. */
        mutated = self->owner->mutations != self->mutations;
        if (!mutated) {
            stepped = intset_iter_next(&self->cursor, &key);
            self->exhausted = !stepped;
        }
    }
    OPTNATIVE_END_CRITICAL_SECTION2();
    if (mutated) {
        PyErr_SetString(PyExc_RuntimeError, "IntSet changed during iteration");
        return NULL;
    }
    return stepped ? PyLong_FromLongLong(key) : NULL;
}

static PyType_Slot IntSetIter_slots[] = {
    {Py_tp_dealloc, SLOT_FUNCTION(IntSetIter_dealloc)},
    {Py_tp_traverse, SLOT_FUNCTION(IntSetIter_traverse)},
    {Py_tp_iter, SLOT_FUNCTION(PyObject_SelfIter)},
    {Py_tp_iternext, SLOT_FUNCTION(IntSetIter_next)},
    {0, NULL},
};

static PyType_Spec IntSetIter_spec = {
    .name = "optnative.IntSetIterator",
    .basicsize = sizeof(IntSetIterObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_DISALLOW_INSTANTIATION
             | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = IntSetIter_slots,
};

int
optnative_exec_intset(PyObject *module, optnative_state *state)
{
    if (optnative_new_type(module, &IntSet_spec, NULL, &state->intset_type) < 0
        || optnative_new_type(module, &IntSetIter_spec, NULL, &state->intset_iter_type) < 0) {
        return -1;
    }
    return PyModule_AddType(module, state->intset_type);
}
