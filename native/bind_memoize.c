/* bind_memoize.c: placeholder, to be written. */
#include "optnative.h"

int
optnative_exec_memoize(PyObject *module)
{
    (void)module;
    return 0;
}
