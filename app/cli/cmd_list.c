/* cmd_list.c: `optdemo list`: every built-in workload with its id, title
 * and article section, read from the files themselves. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"
#include "optdemo.h"
#include "text.h"

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: optdemo list\n\n"
            "List the built-in workloads (pyscripts/pitfalls): id, title, article section.\n"
            "`optdemo show ID` prints one lesson; `optdemo run ID` measures it.\n");
}

/* catalogue() promises a list of (id, title, section, error) with three
 * str and a str or None: checked once here, so the printing below may use
 * the unchecked accessors.  0, or -1 with a TypeError. */
static int
check_rows(PyObject *rows)
{
    if (!PyList_Check(rows)) {
        PyErr_SetString(PyExc_TypeError, "catalogue() must return a list");
        return -1;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(rows); i++) {
        PyObject *row = PyList_GET_ITEM(rows, i);
        if (!PyTuple_Check(row) || PyTuple_GET_SIZE(row) != 4
            || !PyUnicode_Check(PyTuple_GET_ITEM(row, 0)) || !PyUnicode_Check(PyTuple_GET_ITEM(row, 1))
            || !PyUnicode_Check(PyTuple_GET_ITEM(row, 2))
            || (PyTuple_GET_ITEM(row, 3) != Py_None && !PyUnicode_Check(PyTuple_GET_ITEM(row, 3)))) {
            PyErr_Format(PyExc_TypeError, "catalogue() row %zd must be (id, title, section, "
                         "error) of str (error: str or None)", i);
            return -1;
        }
    }
    return 0;
}

int
cmd_list(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    PyObject *rows = NULL;
    int rc = EXIT_OK, c;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return EXIT_OK;
        }
        fprintf(stderr, "optdemo list: unknown option '%s'\n", argv[optind - 1]);
        usage(stderr);
        return EXIT_USAGE;
    }
    if (optind < argc) {
        fprintf(stderr, "optdemo list: unexpected argument '%s'\n", argv[optind]);
        return EXIT_USAGE;
    }
    if (interp_start() < 0) {
        return EXIT_FAILED;
    }
    rows = interp_call("optdemo.workloads", "catalogue", NULL);
    if (rows != NULL && check_rows(rows) < 0) {
        Py_CLEAR(rows);
    }
    if (rows == NULL) {
        char *text = interp_exception_text(4);
        fprintf(stderr, "optdemo list: %s\n", text_or(text, "out of memory"));
        free(text);
        return EXIT_FAILED;
    }
    int id_width = 2, title_width = 5;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(rows); i++) {
        PyObject *row = PyList_GET_ITEM(rows, i);
        int id = (int)PyUnicode_GetLength(PyTuple_GET_ITEM(row, 0));
        int title = (int)PyUnicode_GetLength(PyTuple_GET_ITEM(row, 1));
        id_width = id > id_width ? id : id_width;
        title_width = title > title_width ? title : title_width;
    }
    printf("%-*s  %-*s  %s\n", id_width, "id", title_width, "title", "article section");
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(rows); i++) {
        PyObject *row = PyList_GET_ITEM(rows, i);
        const char *id = PyUnicode_AsUTF8(PyTuple_GET_ITEM(row, 0));
        const char *title = PyUnicode_AsUTF8(PyTuple_GET_ITEM(row, 1));
        const char *section = PyUnicode_AsUTF8(PyTuple_GET_ITEM(row, 2));
        PyObject *error = PyTuple_GET_ITEM(row, 3);
        if (id == NULL || title == NULL || section == NULL) {
            PyErr_Clear();
            continue;
        }
        if (error != Py_None) {
            const char *text = PyUnicode_AsUTF8(error);
            printf("%-*s  ERROR: %s\n", id_width, id, text != NULL ? text : "?");
            PyErr_Clear();
            rc = EXIT_FAILED;
            continue;
        }
        /* Pad by characters, not bytes: titles may hold non-ASCII. */
        int pad = title_width - (int)PyUnicode_GetLength(PyTuple_GET_ITEM(row, 1));
        printf("%-*s  %s%*s  %s\n", id_width, id, title, pad, "", section);
    }
    Py_DECREF(rows);
    return rc;
}
