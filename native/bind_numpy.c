/* bind_numpy.c: placeholder, to be written. */
#include "optnative.h"

int
optnative_exec_numpy(PyObject *module)
{
    (void)module;
    return 0;
}
