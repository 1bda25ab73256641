/* bind_deque.c: placeholder, to be written. */
#include "optnative.h"

int
optnative_exec_deque(PyObject *module)
{
    (void)module;
    return 0;
}
