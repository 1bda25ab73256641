/* bindings.h: what optnative's binding files share: the module state (every
 * type object, one set per module object, so each interpreter that imports
 * optnative has its own types and nothing is shared through process
 * globals), the ways to reach it, one registration hook per binding file,
 * and SLOT_FUNCTION. */
#ifndef OPTNATIVE_BINDINGS_H
#define OPTNATIVE_BINDINGS_H

#include "optnative.h"

#include <stdint.h>

/* A function pointer stored in a slot's `void *` (PyType_Slot,
 * PyModuleDef_Slot): ISO C has no conversion from a function pointer to
 * void *; through uintptr_t, which -Wpedantic accepts. */
#define SLOT_FUNCTION(function) ((void *)(uintptr_t)(function))

/* Invariants: one per module object; every field is a strong reference, NULL
 * until the exec hooks set it and after m_clear.  The types come from
 * PyType_FromModuleAndSpec, so each knows its module (PyType_GetModule*)
 * and an instance finds the state through its type, never through a global:
 * a subinterpreter's import makes a second state and leaves this one alone. */
typedef struct {
    PyTypeObject *intset_type;
    PyTypeObject *intset_iter_type;
    PyTypeObject *deque_type;
    PyTypeObject *deque_iter_type;
    PyTypeObject *memoize_type;         /* the wrapper memoize returns */
    PyTypeObject *cache_info_type;      /* a tuple subclass */
    PyTypeObject *string_builder_type;
    PyObject *keyword_mark;             /* splits positional arguments from
                                         * keyword items in memoize keys */
} optnative_state;

/* From a module function's `module`. */
static inline optnative_state *
optnative_state_of_module(PyObject *module)
{
    return (optnative_state *)PyModule_GetState(module);
}

/* From one of our types: a METH_METHOD method's defining class, or the type
 * of an instance a slot (tp_iter, vectorcall) is given -- always ours, since
 * none of our types allows subclasses (no Py_TPFLAGS_BASETYPE); with one,
 * this would have to walk the MRO (PyType_GetModuleByDef).  O(1): iter()
 * pays a few nanoseconds, not a walk.  NULL with TypeError for a type that
 * is not ours. */
static inline optnative_state *
optnative_state_of_type(PyTypeObject *type)
{
    return (optnative_state *)PyType_GetModuleState(type);
}

/* A new heap type bound to `module`, derived from `base` (NULL: object),
 * its strong reference stored in *stored (a field of the state).  Returns
 * 0, or -1 with an exception. */
int optnative_new_type(PyObject *module, PyType_Spec *spec, PyTypeObject *base,
                       PyTypeObject **stored);

/* tp_traverse of a type whose instances hold no Python reference but the
 * one every heap type's instance holds to its type: the collector must see
 * that one, or a module kept alive through its own instances (module ->
 * dict -> instance -> type -> module) is never freed.  Hence every type here
 * is GC-aware, even those that hold no other object. */
int optnative_traverse_type_only(PyObject *self, visitproc visit, void *arg);

/* The registration hooks, one per binding file, run by the exec slot in this
 * order: each creates its types into `state`, adds its types and functions
 * to `module`, and returns 0, or sets an exception and returns -1. */
int optnative_exec_intset(PyObject *module, optnative_state *state);
int optnative_exec_deque(PyObject *module, optnative_state *state);
int optnative_exec_memoize(PyObject *module, optnative_state *state);
int optnative_exec_strbuilder(PyObject *module, optnative_state *state);
int optnative_exec_numpy(PyObject *module, optnative_state *state);

#endif
