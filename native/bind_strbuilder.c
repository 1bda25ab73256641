/* bind_strbuilder.c: placeholder, to be written. */
#include "optnative.h"

int
optnative_exec_strbuilder(PyObject *module)
{
    (void)module;
    return 0;
}
