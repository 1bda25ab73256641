/* bind_strbuilder.c: optnative.StringBuilder and optnative.join on
 * strbuilder.c.  A list or tuple is joined the way str.join does it: measure
 * every str (total length, widest character), make the result str at once
 * (PyUnicode_New) and copy each str's characters straight into it, in the
 * result's kind.  extend() on an empty builder keeps that str and build()
 * returns it; what comes after it -- append(), an iterator's items, later
 * lists -- goes to strbuilder's doubling buffer, copied once more by build().
 * Without the GIL (3.13t) the object's fields are read and changed only in
 * its critical section (free_threading.h), and a list being read is locked
 * with it. */
#include "bindings.h"

#include "free_threading.h"
#include "strbuilder.h"

/* Invariants: the builder's text is `text` followed by `builder`'s code
 * points.  `text` is a str this file made; once filled it is never written
 * again, because build() hands it out (replacing it would be fine, nothing
 * does).  A str refers to no object, so tp_traverse still has only the type
 * to visit.  Both are touched only in the object's critical section. */
typedef struct {
    PyObject_HEAD
    PyObject *text;         /* exact str of extend()'s first list, or NULL */
    strbuilder builder;     /* code points appended after text */
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

/* The TypeError for a non-str item.  `index` >= 0 names the item the way
 * str.join does ("sequence item 3: ..."); -1 for append(). */
static void
report_not_str(PyObject *item, Py_ssize_t index)
{
    if (index >= 0) {
        PyErr_Format(PyExc_TypeError, "sequence item %zd: expected str instance, %.80s found",
                     index, Py_TYPE(item)->tp_name);
    }
    else {
        PyErr_Format(PyExc_TypeError, "append() argument must be str, not %.80s",
                     Py_TYPE(item)->tp_name);
    }
}

/* Append one str to the buffer (`index` as for report_not_str). */
static int
append_str(strbuilder *builder, PyObject *item, Py_ssize_t index)
{
    if (!PyUnicode_Check(item)) {
        report_not_str(item, index);
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

/* The first pass of a join: how many of items[0..count) lead as strs
 * (`*measured`: the index of the first non-str, or count), their total
 * length and their widest character (0 for none).  The caller reports the
 * non-str after using the strs before it, as list.extend keeps them. */
static int
measure_strs(PyObject *const *items, Py_ssize_t count, Py_ssize_t *measured,
             Py_ssize_t *length, Py_UCS4 *maxchar)
{
    Py_ssize_t index, total = 0;
    Py_UCS4 widest = 0;
    int result = -1;

    for (index = 0; index < count; index++) {
        PyObject *item = items[index];
        if (!PyUnicode_Check(item)) {
            break;
        }
        if (PyUnicode_READY(item) < 0) {
            goto done;
        }
        if (PyUnicode_GET_LENGTH(item) > PY_SSIZE_T_MAX - total) {
            PyErr_SetString(PyExc_OverflowError, "join() result is too long for a Python string");
            goto done;
        }
        total += PyUnicode_GET_LENGTH(item);
        if (PyUnicode_MAX_CHAR_VALUE(item) > widest) {
            widest = PyUnicode_MAX_CHAR_VALUE(item);
        }
    }
    *measured = index;
    *length = total;
    *maxchar = widest;
    result = 0;
done:
    return result;
}

/* The second pass: the strs items[0..count), measured, as a new str.  Its
 * kind is the widest of theirs, so a piece is copied as bytes or widened,
 * never narrowed.  An all-1-byte result (ASCII or latin-1 text, the usual
 * case) needs no per-piece kind test: every piece is 1 byte per character
 * too.  The copies are where this beats str.join, which calls memcpy for
 * each piece: strbuilder_copy_short copies a short word without a call,
 * by the method measured fastest on this CPU (strbuilder.h). */
static PyObject *
join_measured(PyObject *const *items, Py_ssize_t count, Py_ssize_t length, Py_UCS4 maxchar)
{
    PyObject *result = PyUnicode_New(length, maxchar);
    unsigned kind;
    char *out;

    if (result == NULL) {
        goto done;
    }
    kind = (unsigned)PyUnicode_KIND(result);
    out = PyUnicode_DATA(result);
    if (kind == PyUnicode_1BYTE_KIND) {
        strbuilder_copy_method method = strbuilder_short_copy_method();
        for (Py_ssize_t i = 0; i < count; i++) {
            size_t item_length = (size_t)PyUnicode_GET_LENGTH(items[i]);
            strbuilder_copy_short(out, PyUnicode_DATA(items[i]), item_length, method);
            out += item_length;
        }
    }
    else {
        for (Py_ssize_t i = 0; i < count; i++) {
            size_t item_length = (size_t)PyUnicode_GET_LENGTH(items[i]);
            strbuilder_copy_units(out, kind, PyUnicode_DATA(items[i]),
                                  (unsigned)PyUnicode_KIND(items[i]), item_length);
            out += item_length * kind;
        }
    }
done:
    return result;
}

/* ''.join of a list or tuple that nothing changes meanwhile (the caller
 * holds its critical section, or made it). */
static PyObject *
join_sequence(PyObject *sequence)
{
    PyObject **items = PySequence_Fast_ITEMS(sequence);
    Py_ssize_t count = PySequence_Fast_GET_SIZE(sequence), measured, length;
    Py_UCS4 maxchar;
    PyObject *result = NULL;

    if (measure_strs(items, count, &measured, &length, &maxchar) < 0) {
        goto done;
    }
    if (measured < count) {
        report_not_str(items[measured], measured);
        goto done;
    }
    result = join_measured(items, count, length, maxchar);
done:
    return result;
}

/* Append every str of `iterable`.  A list or tuple is measured first: into
 * an empty builder its strs are joined straight into `text` (one copy, no
 * buffer); otherwise the buffer is reserved once and they are appended.
 * Anything else is iterated into the buffer.  Like list.extend, the items
 * before a failing one stay appended.  The caller holds the critical
 * sections of `self` and of `iterable`: without the GIL another thread
 * could resize the list between the measuring and the copying. */
static int
extend_from(StringBuilderObject *self, PyObject *iterable)
{
    PyObject *iterator = NULL, *item = NULL;
    int result = -1;

    if (PyList_CheckExact(iterable) || PyTuple_CheckExact(iterable)) {
        /* Nothing below runs Python code, so the sequence cannot change. */
        PyObject **items = PySequence_Fast_ITEMS(iterable);
        Py_ssize_t count = PySequence_Fast_GET_SIZE(iterable), measured, length;
        Py_UCS4 maxchar;
        if (measure_strs(items, count, &measured, &length, &maxchar) < 0) {
            goto done;
        }
        if (length > 0 && self->text == NULL && self->builder.length == 0) {
            self->text = join_measured(items, measured, length, maxchar);
            if (self->text == NULL) {
                goto done;
            }
        }
        else if (length > 0) {
            if (check_status(strbuilder_reserve(&self->builder, (size_t)length, maxchar)) < 0) {
                goto done;
            }
            for (Py_ssize_t i = 0; i < measured; i++) {
                if (append_str(&self->builder, items[i], i) < 0) {
                    goto done;
                }
            }
        }
        if (measured < count) {
            report_not_str(items[measured], measured);
            goto done;
        }
        result = 0;
        goto done;
    }
    iterator = PyObject_GetIter(iterable);
    if (iterator == NULL) {
        goto done;
    }
    for (Py_ssize_t i = 0; (item = PyIter_Next(iterator)) != NULL; i++) {
        if (append_str(&self->builder, item, i) < 0) {
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

/* The builder's text as a str.  With nothing after `text`, `text` itself:
 * a str is immutable, so build() may hand out the one extend() made, and
 * extend(list) + build() costs what ''.join(list) does.  Otherwise a new str
 * of `text` and the buffer, in the kind ''.join would make (canonical: the
 * buffer may be wider than its text after a reservation stopped early by a
 * non-str item; strbuilder_copy_units narrows it then). */
static PyObject *
build_str(const StringBuilderObject *self)
{
    const strbuilder *builder = &self->builder;
    Py_ssize_t text_length = self->text != NULL ? PyUnicode_GET_LENGTH(self->text) : 0;
    Py_UCS4 maxchar = builder->maxchar;
    PyObject *result = NULL;
    unsigned kind;
    char *out;

    if (builder->length == 0) {
        result = self->text != NULL ? Py_NewRef(self->text) : PyUnicode_New(0, 0);
        goto done;
    }
    if (builder->length > (size_t)(PY_SSIZE_T_MAX - text_length)) {
        PyErr_SetString(PyExc_OverflowError, "the string would exceed the maximum str length");
        goto done;
    }
    if (self->text != NULL && PyUnicode_MAX_CHAR_VALUE(self->text) > maxchar) {
        maxchar = PyUnicode_MAX_CHAR_VALUE(self->text);
    }
    result = PyUnicode_New(text_length + (Py_ssize_t)builder->length, maxchar);
    if (result == NULL) {
        goto done;
    }
    kind = (unsigned)PyUnicode_KIND(result);
    out = PyUnicode_DATA(result);
    if (self->text != NULL) {
        strbuilder_copy_units(out, kind, PyUnicode_DATA(self->text),
                              (unsigned)PyUnicode_KIND(self->text), (size_t)text_length);
    }
    strbuilder_copy_units(out + (size_t)text_length * kind, kind, builder->data, builder->width,
                          builder->length);
done:
    return result;
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
        self->text = NULL;
        strbuilder_init(&self->builder);
    }
    return (PyObject *)self;
}

static void
StringBuilder_dealloc(StringBuilderObject *self)
{
    PyTypeObject *type = Py_TYPE(self);

    PyObject_GC_UnTrack(self);
    Py_CLEAR(self->text);
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
    status = extend_from(self, iterable);
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
    result = build_str(self);
    OPTNATIVE_END_CRITICAL_SECTION();
    return result;
}

static size_t
length_locked(StringBuilderObject *self)
{
    size_t length;

    OPTNATIVE_BEGIN_CRITICAL_SECTION(self);
    length = self->builder.length;
    if (self->text != NULL) {
        length += (size_t)PyUnicode_GET_LENGTH(self->text);
    }
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
    if (self->text != NULL) {
        bytes += (size_t)PyUnicode_GET_LENGTH(self->text) * PyUnicode_KIND(self->text);
    }
    OPTNATIVE_END_CRITICAL_SECTION();
    return PyLong_FromSize_t(sizeof(StringBuilderObject) + bytes);
}

static PyMethodDef StringBuilder_methods[] = {
    {"append", (PyCFunction)StringBuilder_append, METH_O,
     "append(s)\n--\n\nAppend the str s (amortised O(1): the buffer doubles)."},
    {"extend", (PyCFunction)StringBuilder_extend, METH_O,
     "extend(iterable)\n--\n\nAppend every str of iterable, the loop in C (a list into\n"
     "an empty builder: written straight into the str build() returns)."},
    {"build", (PyCFunction)StringBuilder_build, METH_NOARGS,
     "build() -> str\n--\n\nThe text so far as a str (the same one until more is added);\n"
     "the builder stays usable."},
    {"len", (PyCFunction)StringBuilder_len, METH_NOARGS,
     "len() -> int\n--\n\nCharacters so far (also len(builder))."},
    {"__sizeof__", (PyCFunction)StringBuilder_sizeof, METH_NOARGS,
     "Bytes held: the object, its buffer and the characters of the str it made."},
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

/* ''.join(iterable): a list or tuple directly, anything else gathered into a
 * list first, as str.join does (PySequence_Fast); no buffer either way. */
static PyObject *
optnative_join(PyObject *module, PyObject *iterable)
{
    PyObject *list = NULL, *result = NULL;
    (void)module;

    if (PyList_CheckExact(iterable) || PyTuple_CheckExact(iterable)) {
        OPTNATIVE_BEGIN_CRITICAL_SECTION(iterable);
        result = join_sequence(iterable);
        OPTNATIVE_END_CRITICAL_SECTION();
        goto done;
    }
    list = PySequence_List(iterable);   /* nobody else sees it: no lock */
    if (list == NULL) {
        goto done;
    }
    result = join_sequence(list);
done:
    Py_XDECREF(list);
    return result;
}

static PyMethodDef strbuilder_functions[] = {
    {"join", optnative_join, METH_O,
     "join(iterable_of_str) -> str\n--\n\n"
     "''.join(iterable), measuring the strs and then copying them into the str."},
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
