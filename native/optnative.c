/* optnative.c: the module definition.  Multi-phase init: each binding file
 * registers its own types and functions from one exec slot, so adding a
 * kernel never touches this file beyond one line.  NumPy is imported lazily
 * by the kernels that need it: `import optnative` stays cheap. */
#include "optnative.h"

#include "alloc.h"

/* Python's raw allocator: thread-safe without the GIL (kernels release it)
 * and traced by tracemalloc, so a native variant's memory is measured like
 * any other.  Installed once, before any structure exists. */
static const struct alloc_functions python_raw_functions = {
    PyMem_RawMalloc, PyMem_RawCalloc, PyMem_RawRealloc, PyMem_RawFree,
};

static int
optnative_exec(PyObject *module)
{
    alloc_use(&python_raw_functions);
    if (optnative_exec_intset(module) < 0
        || optnative_exec_deque(module) < 0
        || optnative_exec_memoize(module) < 0
        || optnative_exec_strbuilder(module) < 0
        || optnative_exec_numpy(module) < 0) {
        return -1;
    }
    return 0;
}

static PyModuleDef_Slot optnative_slots[] = {
    {Py_mod_exec, SLOT_FUNCTION(optnative_exec)},
    {0, NULL},
};

static struct PyModuleDef optnative_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "optnative",
    .m_doc = "C kernels for optdemo's native variants: IntSet, Deque, memoize, "
             "StringBuilder and NumPy float64/int64 kernels.",
    .m_size = 0,
    .m_slots = optnative_slots,
};

PyMODINIT_FUNC
PyInit_optnative(void)
{
    return PyModuleDef_Init(&optnative_module);
}
