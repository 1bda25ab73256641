/* bind_intset.c: placeholder, to be written. */
#include "optnative.h"

int
optnative_exec_intset(PyObject *module)
{
    (void)module;
    return 0;
}
