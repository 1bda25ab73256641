/* cmd_info.c: `optdemo info [--json] [--no-gap]` -- the interpreter build
 * and the machine the numbers describe (metadata_collect()), then the speed
 * gap between this host's interpreter and /usr/bin/python3.11, measured in
 * this very run: the embedded libpython is not the build users run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"
#include "metadata.h"
#include "optdemo.h"
#include "text.h"

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: optdemo info [--json] [--no-gap]\n\n"
            "The interpreter build and the machine the numbers describe: versions,\n"
            "debug or release, compiler and flags, static or shared libpython and\n"
            "the evidence of PGO, numpy and its BLAS, CPU, governor, load, ASLR.\n"
            "Then the speed of this host's interpreter against /usr/bin/python3.11\n"
            "on a few small statements, measured now side by side (~2 s).\n\n"
            "  --json     print one JSON object (the gap under \"interpreter_gap\")\n"
            "  --no-gap   skip the speed measurement\n");
}

/* Print a str object (borrowed) and a newline on stdout. */
static int
print_text(PyObject *text)
{
    const char *utf8 = PyUnicode_AsUTF8(text);
    if (utf8 == NULL) {
        return -1;
    }
    printf("%s\n", utf8);
    fflush(stdout);
    return 0;
}

/* Call machine.<function>(*args) and print the str it returns.  Steals
 * nothing; `args` may be NULL. */
static int
print_from_machine(const char *function, PyObject *args)
{
    PyObject *text = interp_call("optdemo.machine", function, args);
    int rc = text != NULL ? print_text(text) : -1;
    Py_XDECREF(text);
    return rc;
}

/* json.dumps(obj, indent=2): a new reference, or NULL with an exception. */
static PyObject *
json_dumps(PyObject *obj)
{
    PyObject *module = NULL, *dumps = NULL, *args = NULL, *kwargs = NULL;
    PyObject *result = NULL;

    module = PyImport_ImportModule("json");
    if (module == NULL) {
        goto done;
    }
    /* Each call only once the one before it succeeded: no C API call with
     * an exception pending. */
    dumps = PyObject_GetAttrString(module, "dumps");
    args = dumps != NULL ? PyTuple_Pack(1, obj) : NULL;
    kwargs = args != NULL ? Py_BuildValue("{s:i}", "indent", 2) : NULL;
    if (kwargs == NULL) {
        goto done;
    }
    result = PyObject_Call(dumps, args, kwargs);
done:
    Py_XDECREF(kwargs);
    Py_XDECREF(args);
    Py_XDECREF(dumps);
    Py_XDECREF(module);
    return result;
}

static int
show(bool json, bool gap_wanted)
{
    PyObject *facts = NULL, *gap = NULL, *args = NULL, *dumped = NULL;
    int rc = -1;

    facts = metadata_collect();
    if (facts == NULL) {
        goto done;
    }
    if (!json) {
        /* The facts first: the gap takes a couple of seconds to measure. */
        args = PyTuple_Pack(1, facts);
        if (args == NULL || print_from_machine("format_text", args) < 0) {
            goto done;
        }
        Py_CLEAR(args);
    }
    if (gap_wanted) {
        gap = interp_call("optdemo.machine", "interpreter_gap", NULL);
        if (gap == NULL) {
            goto done;
        }
    }
    if (json) {
        if (gap != NULL && PyDict_SetItemString(facts, "interpreter_gap", gap) < 0) {
            goto done;
        }
        dumped = json_dumps(facts);
        if (dumped == NULL || print_text(dumped) < 0) {
            goto done;
        }
    } else if (gap != NULL) {
        args = Py_BuildValue("(Os)", gap, OPTDEMO_LIBPYTHON);
        printf("\n");
        if (args == NULL || print_from_machine("format_gap", args) < 0) {
            goto done;
        }
    }
    rc = 0;
done:
    Py_XDECREF(dumped);
    Py_XDECREF(args);
    Py_XDECREF(gap);
    Py_XDECREF(facts);
    return rc;
}

int
cmd_info(int argc, char **argv)
{
    bool json = false, gap_wanted = true;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (strcmp(argv[i], "--no-gap") == 0) {
            gap_wanted = false;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return EXIT_OK;
        } else {
            fprintf(stderr, "optdemo info: unknown argument '%s'\n", argv[i]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (interp_start() < 0) {
        return EXIT_FAILED;
    }
    if (show(json, gap_wanted) < 0) {
        if (interp_exception_is_interrupt()) {
            PyErr_Clear();
            fprintf(stderr, "optdemo info: interrupted\n");
            return EXIT_INTERRUPTED;
        }
        char *text = interp_exception_text(20);
        fprintf(stderr, "optdemo info: %s\n", text_or(text, "out of memory"));
        free(text);
        return EXIT_FAILED;
    }
    return EXIT_OK;
}
