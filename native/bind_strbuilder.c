/* bind_strbuilder.c: optnative.StringBuilder and optnative.join on
 * strbuilder.c.  Each str is copied in its own storage kind (1, 2 or 4 bytes
 * per character); the builder tracks the largest kind's maximum, so build()
 * allocates the exact str ''.join would (same kind, canonical) and fills it
 * with one memcpy.  Without the GIL (3.13t) `builder` is read and changed
 * only in the builder's critical section (free_threading.h), and a list
 * being appended is locked with it. */
#include "bindings.h"

#include <string.h>

#include "free_threading.h"
#include "strbuilder.h"

/* Invariant: `builder` only ever holds characters of appended strs; it is
 * touched only in the object's critical section. */
typedef struct {
    PyObject_HEAD
    strbuilder builder;
} StringBuilderObject;

/* Turn a strbuilder status into a Python exception; returns 0 for OK. */
static int
check_status(strbuilder_status status)
{
    switch (status) {
    case STRBUILDER_OK:
        return 0;
    case STRBUILDER_NOMEM:
        PyErr_NoMemory();
        return -1;
    case STRBUILDER_TOOBIG:
        PyErr_SetString(PyExc_OverflowError, "the string would exceed the maximum str length");
        return -1;
    default:
        PyErr_SetString(PyExc_SystemError, "strbuilder: bad code unit width");
        return -1;
    }
}

/* Append one str.  `index` >= 0 names the item in error messages the way
 * str.join does ("sequence item 3: ..."); -1 for append(). */
static int
append_str(strbuilder *builder, PyObject *item, Py_ssize_t index)
{
    if (!PyUnicode_Check(item)) {
        if (index >= 0) {
            PyErr_Format(PyExc_TypeError, "sequence item %zd: expected str instance, %.80s found",
                         index, Py_TYPE(item)->tp_name);
        }
        else {
            PyErr_Format(PyExc_TypeError, "append() argument must be str, not %.80s",
                         Py_TYPE(item)->tp_name);
        }
        return -1;
    }
    if (PyUnicode_READY(item) < 0) {
        return -1;
    }
    return check_status(strbuilder_append(builder, PyUnicode_DATA(item),
                                          (size_t)PyUnicode_GET_LENGTH(item),
                                          (unsigned)PyUnicode_KIND(item),
                                          (uint32_t)PyUnicode_MAX_CHAR_VALUE(item)));
}

/* Append every str of `iterable`.  A list or tuple is sized first so the
 * buffer is allocated once (as str.join does); anything else is iterated.
 * Like list.extend, the items before a failing one stay appended.  The
 * caller holds the critical sections of the builder's owner (if any) and
 * of `iterable`: without the GIL another thread could resize the list
 * between the sizing and the copying. */
static int
extend_from(strbuilder *builder, PyObject *iterable)
{
    PyObject *iterator = NULL, *item = NULL;
    int result = -1;

    if (PyList_CheckExact(iterable) || PyTuple_CheckExact(iterable)) {
        /* Nothing below runs Python code, so the sequence cannot change. */
        PyObject **items = PySequence_Fast_ITEMS(iterable);
        Py_ssize_t count = PySequence_Fast_GET_SIZE(iterable);
        size_t total = 0;
        Py_UCS4 maxchar = 0;
        for (Py_ssize_t i = 0; i < count; i++) {
            if (!PyUnicode_Check(items[i])) {
                continue;   /* reported by append_str below, in order */
            }
            if (PyUnicode_READY(items[i]) < 0) {
                goto done;
            }
            total += (size_t)PyUnicode_GET_LENGTH(items[i]);
            if (PyUnicode_MAX_CHAR_VALUE(items[i]) > maxchar) {
                maxchar = PyUnicode_MAX_CHAR_VALUE(items[i]);
            }
        }
        if (check_status(strbuilder_reserve(builder, total, maxchar)) < 0) {
            goto done;
        }
        for (Py_ssize_t i = 0; i < count; i++) {
            if (append_str(builder, items[i], i) < 0) {
                goto done;
            }
        }
        result = 0;
        goto done;
    }
    iterator = PyObject_GetIter(iterable);
    if (iterator == NULL) {
        goto done;
    }
    for (Py_ssize_t i = 0; (item = PyIter_Next(iterator)) != NULL; i++) {
        if (append_str(builder, item, i) < 0) {
            goto done;
        }
        Py_CLEAR(item);
    }
    if (!PyErr_Occurred()) {
        result = 0;
    }
done:
    Py_XDECREF(item);
    Py_XDECREF(iterator);
    return result;
}

/* A new str equal to the builder's text: the exact kind ''.join would make,
 * filled by memcpy when the storage width matches it.  It does unless a
 * reservation widened the buffer beyond the text (join() of a list whose
 * non-str item stopped it early): PyUnicode_FromKindAndData then narrows. */
static PyObject *
build_str(const strbuilder *builder)
{
    PyObject *result;

    if (builder->length == 0) {
        return PyUnicode_New(0, 0);
    }
    result = PyUnicode_New((Py_ssize_t)builder->length, (Py_UCS4)builder->maxchar);
    if (result == NULL) {
        return NULL;
    }
    if ((unsigned)PyUnicode_KIND(result) == builder->width) {
        memcpy(PyUnicode_DATA(result), builder->data, builder->length * builder->width);
        return result;
    }
    Py_DECREF(result);
    return PyUnicode_FromKindAndData((int)builder->width, builder->data,
                                     (Py_ssize_t)builder->length);
}

static PyObject *
StringBuilder_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    StringBuilderObject *self;

    if (PyTuple_GET_SIZE(args) != 0 || (kwargs != NULL && PyDict_GET_SIZE(kwargs) != 0)) {
        PyErr_SetString(PyExc_TypeError, "StringBuilder() takes no arguments");
        return NULL;
    }
    self = (StringBuilderObject *)type->tp_alloc(type, 0);
    if (self != NULL) {
        strbuilder_init(&self->builder);
    }
    return (PyObject *)self;
}

static void
StringBuilder_dealloc(StringBuilderObject *self)
{
    PyTypeObject *type = Py_TYPE(self);

    PyObject_GC_UnTrack(self);
    strbuilder_free(&self->builder);
    type->tp_free((PyObject *)self);
    Py_DECREF(type);
}

static PyObject *
StringBuilder_append(StringBuilderObject *self, PyObject *item)
{
    int status;

    OPTNATIVE_BEGIN_CRITICAL_SECTION(self);
    status = append_str(&self->builder, item, -1);
    OPTNATIVE_END_CRITICAL_SECTION();
    if (status < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
StringBuilder_extend(StringBuilderObject *self, PyObject *iterable)
{
    int status;

    OPTNATIVE_BEGIN_CRITICAL_SECTION2(self, iterable);
    status = extend_from(&self->builder, iterable);
    OPTNATIVE_END_CRITICAL_SECTION2();
    if (status < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
StringBuilder_build(StringBuilderObject *self, PyObject *unused)
{
    PyObject *result;
    (void)unused;

    OPTNATIVE_BEGIN_CRITICAL_SECTION(self);
    result = build_str(&self->builder);
    OPTNATIVE_END_CRITICAL_SECTION();
    return result;
}

static size_t
length_locked(StringBuilderObject *self)
{
    size_t length;

    OPTNATIVE_BEGIN_CRITICAL_SECTION(self);
    length = self->builder.length;
    OPTNATIVE_END_CRITICAL_SECTION();
    return length;
}

static Py_ssize_t
StringBuilder_length(StringBuilderObject *self)
{
    return (Py_ssize_t)length_locked(self);
}

static PyObject *
StringBuilder_len(StringBuilderObject *self, PyObject *unused)
{
    (void)unused;
    return PyLong_FromSize_t(length_locked(self));
}

static PyObject *
StringBuilder_sizeof(StringBuilderObject *self, PyObject *unused)
{
    size_t bytes;
    (void)unused;

    OPTNATIVE_BEGIN_CRITICAL_SECTION(self);
    bytes = self->builder.capacity * self->builder.width;
    OPTNATIVE_END_CRITICAL_SECTION();
    return PyLong_FromSize_t(sizeof(StringBuilderObject) + bytes);
}

static PyMethodDef StringBuilder_methods[] = {
    {"append", (PyCFunction)StringBuilder_append, METH_O,
     "append(s)\n--\n\nAppend the str s (amortised O(1): the buffer doubles)."},
    {"extend", (PyCFunction)StringBuilder_extend, METH_O,
     "extend(iterable)\n--\n\nAppend every str of iterable, the loop in C."},
    {"build", (PyCFunction)StringBuilder_build, METH_NOARGS,
     "build() -> str\n--\n\nThe text so far as a new str; the builder stays usable."},
    {"len", (PyCFunction)StringBuilder_len, METH_NOARGS,
     "len() -> int\n--\n\nCharacters so far (also len(builder))."},
    {"__sizeof__", (PyCFunction)StringBuilder_sizeof, METH_NOARGS,
     "Bytes held: the object and its buffer."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot StringBuilder_slots[] = {
    {Py_tp_doc, "StringBuilder()\n--\n\n"
                "Collects strs: append(s), extend(iterable), build() -> str, len()."},
    {Py_tp_new, SLOT_FUNCTION(StringBuilder_new)},
    {Py_tp_dealloc, SLOT_FUNCTION(StringBuilder_dealloc)},
    {Py_tp_traverse, SLOT_FUNCTION(optnative_traverse_type_only)},
    {Py_tp_methods, StringBuilder_methods},
    {Py_sq_length, SLOT_FUNCTION(StringBuilder_length)},
    {0, NULL},
};

static PyType_Spec StringBuilder_spec = {
    .name = "optnative.StringBuilder",
    .basicsize = sizeof(StringBuilderObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = StringBuilder_slots,
};

static PyObject *
optnative_join(PyObject *module, PyObject *iterable)
{
    strbuilder builder;
    PyObject *result = NULL;
    (void)module;

    strbuilder_init(&builder);
    OPTNATIVE_BEGIN_CRITICAL_SECTION(iterable);
    if (extend_from(&builder, iterable) == 0) {
        result = build_str(&builder);
    }
    OPTNATIVE_END_CRITICAL_SECTION();
    strbuilder_free(&builder);
    return result;
}

static PyMethodDef strbuilder_functions[] = {
    {"join", optnative_join, METH_O,
     "join(iterable_of_str) -> str\n--\n\n"
     "''.join(iterable) through a StringBuilder filled in one C loop."},
    {NULL, NULL, 0, NULL},
};

int
optnative_exec_strbuilder(PyObject *module, optnative_state *state)
{
    if (optnative_new_type(module, &StringBuilder_spec, NULL, &state->string_builder_type) < 0
        || PyModule_AddType(module, state->string_builder_type) < 0) {
        return -1;
    }
    return PyModule_AddFunctions(module, strbuilder_functions);
}
