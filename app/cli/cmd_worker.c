/* cmd_worker.c: `optdemo worker --fds R,W`, the host re-executed as a
 * child by the worker executor.  It starts the embedded interpreter (the
 * same build `run` measures in-process) and hands the descriptors to
 * pyscripts' runner, which answers the protocol (docs/worker-protocol.md)
 * until end of file or `quit`.  With --lab (`optdemo worker --lab --fds 3,4`)
 * the loop itself is C (lab_worker.c): a lab's workers time functions in
 * requests no Python code of theirs sees.  Not for people: absent from the
 * command list. */
#include <stdio.h>
#include <string.h>

#include "executor.h"
#include "interp.h"
#include "lab_worker.h"
#include "optdemo.h"

int
cmd_worker(int argc, char **argv)
{
    PyObject *args = NULL, *list = NULL, *result = NULL;
    int rc = EXIT_FAILED;

    if (interp_start() < 0) {
        return EXIT_FAILED;
    }
    if (argc == 4 && strcmp(argv[1], "--lab") == 0 && strcmp(argv[2], "--fds") == 0
        && strcmp(argv[3], EXECUTOR_WORKER_FDS) == 0) {
        return lab_worker_serve(3, 4) == 0 ? EXIT_OK : EXIT_FAILED;
    }
    list = interp_string_list(argc - 1, argv + 1);
    args = list != NULL ? PyTuple_Pack(1, list) : NULL;
    result = args != NULL ? interp_call("optdemo.runner", "main", args) : NULL;
    if (result != NULL) {
        long status = PyLong_Check(result) ? PyLong_AsLong(result) : 0;
        rc = status == 0 ? EXIT_OK : EXIT_FAILED;
    }
    if (PyErr_Occurred() && PyErr_ExceptionMatches(PyExc_SystemExit)) {
        PyErr_Clear();  /* the runner ended the way it was asked to */
        rc = EXIT_OK;
    } else if (PyErr_Occurred()) {
        PyErr_Print();
    }
    Py_XDECREF(result);
    Py_XDECREF(args);
    Py_XDECREF(list);
    return rc;
}
