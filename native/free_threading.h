/* free_threading.h: what lets optnative run on a free-threaded CPython (3.13t,
 * built with --disable-gil) without the GIL, and compile unchanged for 3.11.
 * Every method that reads or changes an object's C state runs inside that
 * object's critical section (CPython's per-object lock, released while the
 * thread blocks, so two objects locked in opposite orders cannot deadlock).
 * With the GIL (3.11, or a 3.13 without Py_GIL_DISABLED) the macros are
 * plain braces: the single-threaded cost is zero by construction. */
#ifndef OPTNATIVE_FREE_THREADING_H
#define OPTNATIVE_FREE_THREADING_H

#include "optnative.h"

/* OPTNATIVE_BEGIN_CRITICAL_SECTION(op) ... OPTNATIVE_END_CRITICAL_SECTION():
 * a block (the pair opens and closes braces) in which no other thread runs
 * a critical section of op.  Never return or goto out of it: the lock would
 * stay held.  The "2" forms lock two objects at once; nesting two single
 * sections does not (the inner one may suspend the outer one).
 *
 * -DOPTNATIVE_NO_CRITICAL_SECTIONS turns them off: only for proving that
 * tests/test_optnative_threads.py finds the races they prevent (the module
 * still says it needs no GIL, so the races happen). */
#if PY_VERSION_HEX >= 0x030D0000 && !defined(OPTNATIVE_NO_CRITICAL_SECTIONS)
#define OPTNATIVE_BEGIN_CRITICAL_SECTION(op) Py_BEGIN_CRITICAL_SECTION(op)
#define OPTNATIVE_END_CRITICAL_SECTION() Py_END_CRITICAL_SECTION()
#define OPTNATIVE_BEGIN_CRITICAL_SECTION2(a, b) Py_BEGIN_CRITICAL_SECTION2(a, b)
#define OPTNATIVE_END_CRITICAL_SECTION2() Py_END_CRITICAL_SECTION2()
#else
#define OPTNATIVE_BEGIN_CRITICAL_SECTION(op) {
#define OPTNATIVE_END_CRITICAL_SECTION() }
#define OPTNATIVE_BEGIN_CRITICAL_SECTION2(a, b) {
#define OPTNATIVE_END_CRITICAL_SECTION2() }
#endif

/* A new reference to item `index` of a list or tuple, or NULL (no
 * exception) past its end.  Without the GIL another thread may shrink a
 * list between the size check and the read, or grow it and move its items:
 * 3.13's PyList_GetItemRef reads under the list's own rules.  With the GIL
 * nothing runs between the two, so the borrowed item is safe to take. */
static inline PyObject *
optnative_sequence_item_ref(PyObject *sequence, Py_ssize_t index)
{
#if PY_VERSION_HEX >= 0x030D0000
    if (PyList_Check(sequence)) {
        PyObject *item = PyList_GetItemRef(sequence, index);
        if (item == NULL) {
            PyErr_Clear();  /* IndexError: the list shrank meanwhile */
        }
        return item;
    }
#endif
    if (index >= PySequence_Fast_GET_SIZE(sequence)) {
        return NULL;
    }
    return Py_NewRef(PySequence_Fast_GET_ITEM(sequence, index));
}

#endif
