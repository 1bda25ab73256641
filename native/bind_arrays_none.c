/* bind_arrays_none.c: bind_arrays.c and bind_numpy.c for an interpreter
 * without numpy (a CPython 3.13 here: Debian's numpy is built for 3.11
 * only), chosen by native/meson.build when -Dpython cannot import numpy.
 * The module keeps the same names: the NumPy kernels raise ImportError,
 * and IntSet iterates whatever it is given, as it does any non-array. */
#include "bind_arrays.h"
#include "bindings.h"

int
optnative_numpy_import(void)
{
    PyErr_SetString(PyExc_ImportError,
                    "optnative was built without NumPy: the interpreter it was built for "
                    "could not import numpy when meson configured it");
    return -1;
}

array_status
array_vector_from(PyObject *obj, array_dtype dtype, array_need need, const char *function,
                  array_vector *vector)
{
    (void)obj;
    (void)dtype;
    *vector = (array_vector){NULL, NULL, 0, 0};
    if (need == ARRAY_OR_ITERABLE) {
        return ARRAY_OTHER;
    }
    PyErr_Format(PyExc_ImportError, "optnative.%s() needs NumPy, and this optnative was built "
                                    "without it (its interpreter could not import numpy)",
                 function);
    return ARRAY_ERROR;
}

void
array_vector_release(array_vector *vector)
{
    Py_CLEAR(vector->owner);
}

/* Every kernel of bind_numpy.c, by name: ImportError, whatever the arguments. */
static PyObject *
kernel_without_numpy(PyObject *module, PyObject *args)
{
    (void)module;
    (void)args;
    optnative_numpy_import();
    return NULL;
}

#define KERNEL(name)                                                                 \
    {name, kernel_without_numpy, METH_VARARGS,                                       \
     name "(...)\n--\n\nA NumPy kernel; this optnative was built without NumPy: "    \
          "ImportError."}

static PyMethodDef numpy_functions[] = {
    KERNEL("sum"), KERNEL("dot"), KERNEL("multiply"), KERNEL("sqrt"), KERNEL("sqrt_sum"),
    KERNEL("count_int64"), {NULL, NULL, 0, NULL},
};

int
optnative_exec_numpy(PyObject *module, optnative_state *state)
{
    (void)state;
    return PyModule_AddFunctions(module, numpy_functions);
}
