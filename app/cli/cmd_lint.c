/* cmd_lint.c: `optdemo lint [--json] FILE...`: the pitfall linter --
 * pyscripts' optdemo.lint reads each file's syntax tree (nothing of the
 * file is run) and names the article's pitfalls it finds, each with the
 * lesson that shows its fix (`optdemo show ID`). */
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
        "usage: optdemo lint [--json] FILE.py|FOLDER...\n"
        "\n"
        "Find the performance pitfalls the article names -- list.pop(0) as a queue,\n"
        "`x in list` in a loop, string += in a loop, hand-written counting, ... --\n"
        "in Python files, by reading their syntax tree (the files are not run).\n"
        "A folder means every .py file under it (hidden folders skipped).\n"
        "Each finding names its lesson: `optdemo show ID` shows the fix, measured.\n"
        "\n"
        "  --json     print the findings as JSON\n"
        "\n"
        "exit codes: 0 no finding, 1 findings, 2 usage (no file, unreadable file)\n");
}

int
cmd_lint(int argc, char **argv)
{
    PyObject *args = NULL, *list = NULL, *result = NULL;
    int rc = EXIT_FAILED;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return EXIT_OK;
        }
    }
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (interp_start() < 0) {
        return EXIT_FAILED;
    }
    list = interp_string_list(argc - 1, argv + 1);
    args = list != NULL ? PyTuple_Pack(1, list) : NULL;
    result = args != NULL ? interp_call("optdemo.lint", "main", args) : NULL;
    if (result != NULL && PyLong_Check(result)) {
        long status = PyLong_AsLong(result);
        if (status == -1 && PyErr_Occurred()) {
            PyErr_Clear();    /* past a long: no status of lint's, a failure */
            status = 1;
        }
        rc = status == 0 ? EXIT_OK : status == 2 ? EXIT_USAGE : EXIT_FAILED;
    } else if (result == NULL && interp_exception_is_interrupt()) {
        PyErr_Clear();
        rc = EXIT_INTERRUPTED;
    } else if (result == NULL) {
        char *text = interp_exception_text(8);
        fprintf(stderr, "optdemo lint: %s\n", text_or(text, "out of memory"));
        free(text);
    }
    fflush(stdout);
    Py_XDECREF(result);
    Py_XDECREF(args);
    Py_XDECREF(list);
    return rc;
}
