/* optnative.c: the module definition.  Multi-phase init with a module state
 * (bindings.h): each binding file creates its types into the state from one
 * exec slot, so every module object -- one per interpreter that imports
 * optnative -- has its own types, and adding a kernel never touches this
 * file beyond one line.  NumPy is imported lazily by the code that reads
 * arrays (bind_arrays.c): `import optnative` stays cheap. */
#include "bindings.h"

#include "alloc.h"

/* Python's raw allocator: thread-safe without the GIL (kernels release it)
 * and traced by tracemalloc, so a native variant's memory is measured like
 * any other.  Process-wide, like the allocator it names: every module
 * object installs the same table, before any structure exists. */
static const struct alloc_functions python_raw_functions = {
    PyMem_RawMalloc, PyMem_RawCalloc, PyMem_RawRealloc, PyMem_RawFree,
};

int
optnative_new_type(PyObject *module, PyType_Spec *spec, PyTypeObject *base,
                   PyTypeObject **stored)
{
    PyObject *type = PyType_FromModuleAndSpec(module, spec, (PyObject *)base);

    if (type == NULL) {
        return -1;
    }
    Py_XSETREF(*stored, (PyTypeObject *)type);
    return 0;
}

int
optnative_traverse_type_only(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    return 0;
}

static int
optnative_exec(PyObject *module)
{
    optnative_state *state = optnative_state_of_module(module);

    alloc_use(&python_raw_functions);
    if (optnative_exec_intset(module, state) < 0
        || optnative_exec_deque(module, state) < 0
        || optnative_exec_memoize(module, state) < 0
        || optnative_exec_strbuilder(module, state) < 0
        || optnative_exec_numpy(module, state) < 0) {
        return -1;
    }
    return 0;
}

/* The state's references, for the collector: a type refers back to the
 * module (ht_module), so module -> state -> type -> module is a cycle. */
static int
optnative_traverse(PyObject *module, visitproc visit, void *arg)
{
    optnative_state *state = optnative_state_of_module(module);

    Py_VISIT(state->intset_type);
    Py_VISIT(state->intset_iter_type);
    Py_VISIT(state->deque_type);
    Py_VISIT(state->deque_iter_type);
    Py_VISIT(state->memoize_type);
    Py_VISIT(state->cache_info_type);
    Py_VISIT(state->string_builder_type);
    Py_VISIT(state->keyword_mark);
    return 0;
}

static int
optnative_clear(PyObject *module)
{
    optnative_state *state = optnative_state_of_module(module);

    Py_CLEAR(state->intset_type);
    Py_CLEAR(state->intset_iter_type);
    Py_CLEAR(state->deque_type);
    Py_CLEAR(state->deque_iter_type);
    Py_CLEAR(state->memoize_type);
    Py_CLEAR(state->cache_info_type);
    Py_CLEAR(state->string_builder_type);
    Py_CLEAR(state->keyword_mark);
    return 0;
}

static void
optnative_free(void *module)
{
    (void)optnative_clear((PyObject *)module);
}

/* Py_mod_gil: on a free-threaded build (3.13t) an extension that does not
 * say it runs without the GIL turns the GIL back on when imported.  Every
 * type locks its own state (free_threading.h) and the process-wide state is
 * set once, so optnative says so; a build with the GIL ignores the slot. */
static PyModuleDef_Slot optnative_slots[] = {
    {Py_mod_exec, SLOT_FUNCTION(optnative_exec)},
#if PY_VERSION_HEX >= 0x030D0000
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL},
};

static struct PyModuleDef optnative_module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "optnative",
    .m_doc = "C kernels for optdemo's native variants: IntSet, Deque, memoize, "
             "StringBuilder and NumPy float64/int64 kernels.",
    .m_size = sizeof(optnative_state),
    .m_slots = optnative_slots,
    .m_traverse = optnative_traverse,
    .m_clear = optnative_clear,
    .m_free = optnative_free,
};

PyMODINIT_FUNC
PyInit_optnative(void)
{
    return PyModuleDef_Init(&optnative_module_def);
}
