/* cmd_timeit.c: `optdemo timeit` -- python -m timeit's flags, defaults and
 * output, but the host reads the clock.  The statement is compiled into
 * timeit's own template (setup, then a `for _i in _it:` loop with the
 * statement inlined), written as a generator: the first next() runs the
 * setup, the host reads its clock around the second next(), which runs the
 * loop.  So setup names stay fast locals, as in timeit, and the setup stays
 * out of the timed region, as in timeit. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "interp.h"
#include "loops.h"
#include "optdemo.h"
#include "parse.h"
#include "pydata.h"

#define SOURCE_NAME "<timeit-src>"  /* timeit's dummy_src_name */

/* Do not change the indentation: setup is re-indented by 4 spaces and the
 * statement by 8, as in Lib/timeit.py. */
static const char template_head[] = "def inner(_it):\n    ";
static const char template_middle[] = "\n    yield\n    for _i in _it:\n        ";
static const char template_tail[] = "\n        pass\n    yield\n";

/* The command line, as timeit's main() reads it. */
struct timeit_options {
    long number;          /* loops per value; 0 = calibrate (timeit's autorange) */
    long repeat;          /* values to take, at least 1 (timeit's default 5) */
    char *setup;          /* -s lines joined by newlines; NULL = "pass" */
    char *stmt;           /* statement arguments joined by newlines; NULL = "pass" */
    bool process_time;    /* -p: process CPU time instead of the wall clock */
    const char *unit;     /* -u nsec|usec|msec|sec; NULL = chosen per value */
    int verbose;          /* -v count: raw times, and a digit more from the second */
};

/* A timer ready to run.  All or none of the objects are set. */
struct stmt_timer {
    PyObject *module;     /* the fresh namespace; owns the globals of inner */
    PyObject *inner;      /* generator function: setup, yield, loop, yield */
    PyObject *repeat;     /* itertools.repeat: the loop iterator, as timeit */
    bool process_time;    /* read the process CPU clock instead of the wall */
};

static const struct {
    const char *name;
    double scale;
} units[] = {{"sec", 1.0}, {"msec", 1e-3}, {"usec", 1e-6}, {"nsec", 1e-9}};
enum { N_UNITS = sizeof units / sizeof units[0] };

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: optdemo timeit [-n N] [-r N] [-s S] [-p] [-u U] [-v] [--] [statement ...]\n\n"
            "python3 -m timeit's flags, defaults and output line, timed by the host's clock\n"
            "around timeit's own loop template, in a fresh module namespace, GC off.\n\n"
            "  -n N, --number=N   how many times to execute 'statement' (default: the\n"
            "                     first of 1, 2, 5, 10, 20, 50, ... taking >= 0.2 s)\n"
            "  -r N, --repeat=N   how many times to repeat the timer (default 5)\n"
            "  -s S, --setup=S    statement run once before each value (default 'pass');\n"
            "                     may be given several times: the lines are joined\n"
            "  -p, --process      measure process CPU time, not wall-clock time\n"
            "  -u U, --unit=U     the output unit: nsec, usec, msec or sec\n"
            "  -v, --verbose      print the raw timing results; repeat for more digits\n"
            "  -h, --help         this help\n\n"
            "Several statement arguments are joined as lines.  An exception in the\n"
            "statement prints a traceback and exits 1; a bad flag exits 2; Ctrl-C 130.\n");
}

/* `text` + "\n" + `line` in a new malloc'd string; frees `text`.  NULL when
 * out of memory (and `text` is freed). */
static char *
append_line(char *text, const char *line)
{
    size_t old = text != NULL ? strlen(text) : 0;
    size_t add = strlen(line);
    char *joined = malloc(old + add + 2);
    if (joined != NULL) {
        if (text != NULL) {
            memcpy(joined, text, old);
            joined[old++] = '\n';
        }
        memcpy(joined + old, line, add + 1);
    }
    free(text);
    return joined;
}

/* Fill `options` from argv.  EXIT_OK to go on, or the exit code to leave
 * with (help printed: EXIT_OK is returned through *done). */
static int
parse_options(int argc, char **argv, struct timeit_options *options, bool *done)
{
    static const struct option long_options[] = {
        {"number", required_argument, NULL, 'n'}, {"setup", required_argument, NULL, 's'},
        {"repeat", required_argument, NULL, 'r'}, {"time", no_argument, NULL, 't'},
        {"clock", no_argument, NULL, 'c'},        {"process", no_argument, NULL, 'p'},
        {"verbose", no_argument, NULL, 'v'},      {"unit", required_argument, NULL, 'u'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    int opt;

    *done = false;
    opterr = 0;  /* our own messages, naming the command */
    /* '+': stop at the first statement, as Python's getopt does. */
    while ((opt = getopt_long(argc, argv, "+n:u:s:r:tcpvh", long_options, NULL)) != -1) {
        switch (opt) {
        case 'n':
            if (parse_long(optarg, 0, &options->number) < 0) {
                fprintf(stderr, "optdemo timeit: -n wants a whole number of loops, not '%s'\n",
                        optarg);
                return EXIT_USAGE;
            }
            break;
        case 'r':
            if (parse_long(optarg, LONG_MIN, &options->repeat) < 0) {
                fprintf(stderr, "optdemo timeit: -r wants a whole number, not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            if (options->repeat <= 0) {
                options->repeat = 1;  /* timeit: "if repeat <= 0: repeat = 1" */
            }
            break;
        case 's':
            options->setup = append_line(options->setup, optarg);
            if (options->setup == NULL) {
                fprintf(stderr, "optdemo timeit: out of memory\n");
                return EXIT_FAILED;
            }
            break;
        case 'u':
            options->unit = NULL;
            for (int i = 0; i < N_UNITS; i++) {
                if (strcmp(optarg, units[i].name) == 0) {
                    options->unit = units[i].name;
                }
            }
            if (options->unit == NULL) {
                fprintf(stderr, "Unrecognized unit. Please select nsec, usec, msec, or sec.\n");
                return EXIT_USAGE;
            }
            break;
        case 'p':
            options->process_time = true;
            break;
        case 'v':
            options->verbose++;
            break;
        case 't':
        case 'c':
            break;  /* accepted and ignored, as by timeit */
        case 'h':
            usage(stdout);
            *done = true;
            return EXIT_OK;
        default:
            if (optopt != 0) {
                fprintf(stderr, "optdemo timeit: option -%c %s\n", optopt,
                        strchr("nusr", optopt) != NULL ? "requires an argument"
                                                       : "not recognized");
            } else {
                fprintf(stderr, "optdemo timeit: option %s not recognized\n",
                        argv[optind - 1]);
            }
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    for (int i = optind; i < argc; i++) {
        options->stmt = append_line(options->stmt, argv[i]);
        if (options->stmt == NULL) {
            fprintf(stderr, "optdemo timeit: out of memory\n");
            return EXIT_FAILED;
        }
    }
    return EXIT_OK;
}

/* Write `text` to `out`, with every newline followed by `indent` spaces
 * (timeit's reindent()). */
static void
write_reindented(FILE *out, const char *text, int indent)
{
    for (const char *c = text; *c != '\0'; c++) {
        fputc(*c, out);
        if (*c == '\n') {
            fprintf(out, "%*s", indent, "");
        }
    }
}

/* timeit's template with setup and stmt filled in: a malloc'd string. */
static char *
build_source(const char *setup, const char *stmt)
{
    char *source = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&source, &size);
    if (out == NULL) {
        return NULL;
    }
    fputs(template_head, out);
    write_reindented(out, setup, 4);
    fputs(template_middle, out);
    write_reindented(out, stmt, 8);
    fputs(template_tail, out);
    if (fclose(out) != 0) {
        free(source);
        return NULL;
    }
    return source;
}

/* Register the generated source with linecache, so a traceback shows the
 * statement's line (timeit does the same in Timer.print_exc). */
static int
register_source(const char *source)
{
    PyObject *linecache = NULL, *cache = NULL, *text = NULL, *lines = NULL, *entry = NULL;
    int rc = -1;

    linecache = PyImport_ImportModule("linecache");
    if (linecache == NULL) {
        goto done;
    }
    /* Each call only once the one before it succeeded: no C API call with
     * an exception pending. */
    cache = PyObject_GetAttrString(linecache, "cache");
    text = cache != NULL ? PyUnicode_FromString(source) : NULL;
    lines = text != NULL ? PyUnicode_Splitlines(text, 1) : NULL;
    if (lines == NULL) {
        goto done;
    }
    entry = Py_BuildValue("(nOOs)", PyUnicode_GetLength(text), Py_None, lines, SOURCE_NAME);
    if (entry == NULL) {
        goto done;
    }
    rc = PyMapping_SetItemString(cache, SOURCE_NAME, entry);
done:
    Py_XDECREF(entry);
    Py_XDECREF(lines);
    Py_XDECREF(text);
    Py_XDECREF(cache);
    Py_XDECREF(linecache);
    return rc;
}

static void
stmt_timer_clear(struct stmt_timer *timer)
{
    Py_CLEAR(timer->inner);
    Py_CLEAR(timer->repeat);
    Py_CLEAR(timer->module);
}

/* Compile `setup` and `stmt` into timeit's template, executed in a fresh
 * module namespace (so the statement's globals are a real module's, not
 * optdemo's).  0 with `timer` filled, or -1 with a Python exception set. */
static int
stmt_timer_init(struct stmt_timer *timer, const char *setup, const char *stmt)
{
    PyObject *code = NULL, *builtins = NULL, *locals = NULL, *result = NULL;
    PyObject *itertools = NULL;
    char *source = NULL;
    int rc = -1;

    /* As timeit does: setup, and setup then statement, must compile outside
     * a function, so that `return` or `yield` are refused here. */
    code = Py_CompileString(setup, SOURCE_NAME, Py_file_input);
    if (code == NULL) {
        goto done;
    }
    Py_CLEAR(code);
    source = append_line(strdup(setup), stmt);
    if (source == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    code = Py_CompileString(source, SOURCE_NAME, Py_file_input);
    free(source);
    source = NULL;
    if (code == NULL) {
        goto done;
    }
    Py_CLEAR(code);

    source = build_source(setup, stmt);
    if (source == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (register_source(source) < 0) {
        goto done;
    }
    code = Py_CompileString(source, SOURCE_NAME, Py_file_input);
    if (code == NULL) {
        goto done;  /* no further C API call with the SyntaxError pending */
    }
    timer->module = PyModule_New("__main__");
    builtins = timer->module != NULL ? PyImport_ImportModule("builtins") : NULL;
    locals = builtins != NULL ? PyDict_New() : NULL;
    if (locals == NULL) {
        goto done;
    }
    PyObject *globals = PyModule_GetDict(timer->module);  /* borrowed */
    if (PyDict_SetItemString(globals, "__builtins__", builtins) < 0) {
        goto done;
    }
    /* Separate locals, as timeit: `inner` does not land in the namespace. */
    result = PyEval_EvalCode(code, globals, locals);
    if (result == NULL) {
        goto done;
    }
    timer->inner = Py_XNewRef(pydata_get(locals, "inner", "the timeit template's namespace"));
    if (timer->inner == NULL) {
        goto done;
    }
    itertools = PyImport_ImportModule("itertools");
    if (itertools == NULL) {
        goto done;
    }
    timer->repeat = PyObject_GetAttrString(itertools, "repeat");
    rc = timer->repeat != NULL ? 0 : -1;
done:
    if (rc < 0 && !PyErr_Occurred()) {
        PyErr_SetString(PyExc_RuntimeError, "timeit template did not define inner()");
    }
    free(source);
    Py_XDECREF(itertools);
    Py_XDECREF(result);
    Py_XDECREF(locals);
    Py_XDECREF(builtins);
    Py_XDECREF(code);
    return rc;
}

/* One value: run the setup, then `number` loops of the statement with the
 * host's clock read around them; GC off throughout, as in timeit.  0 with
 * *seconds set, or -1 with a Python exception set. */
static int
stmt_timer_run(const struct stmt_timer *timer, long number, double *seconds)
{
    PyObject *loop_iterator = NULL, *generator = NULL, *step = NULL;
    int gc_was_enabled = PyGC_Disable();
    int rc = -1;
    double start, stop;

    loop_iterator = PyObject_CallFunction(timer->repeat, "Ol", Py_None, number);
    if (loop_iterator == NULL) {
        goto done;
    }
    generator = PyObject_CallOneArg(timer->inner, loop_iterator);
    if (generator == NULL) {
        goto done;
    }
    step = PyIter_Next(generator);  /* the setup, up to the first yield */
    if (step == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_RuntimeError, "the timeit template ended before its loop");
        }
        goto done;
    }
    Py_CLEAR(step);
    start = timer->process_time ? clock_cpu() : clock_wall();
    step = PyIter_Next(generator);  /* the loop, up to the second yield */
    stop = timer->process_time ? clock_cpu() : clock_wall();
    if (step == NULL && PyErr_Occurred()) {
        goto done;
    }
    *seconds = stop - start;
    rc = 0;
done:
    Py_XDECREF(step);
    /* Closing the suspended generator frees the setup's locals: outside the
     * timed region, as when timeit's inner() returns after reading _t1. */
    Py_XDECREF(generator);
    Py_XDECREF(loop_iterator);
    if (gc_was_enabled) {
        PyGC_Enable();
    }
    return rc;
}

/* timeit's autorange: 1, 2, 5, 10, 20, 50, ... loops until a value lasts
 * 0.2 s.  0 with *number set, or -1 with a Python exception set. */
static int
autorange(const struct stmt_timer *timer, int verbose, int precision, long *number)
{
    for (long loops = 1;; loops = loops_next(loops)) {
        double seconds;
        if (stmt_timer_run(timer, loops, &seconds) < 0) {
            return -1;
        }
        if (verbose) {
            PySys_WriteStdout("%ld loop%s -> %.*g secs\n", loops, loops != 1 ? "s" : "",
                              precision, seconds);
        }
        if (seconds >= 0.2 || loops >= LOOPS_MAX) {
            *number = loops;
            return 0;
        }
    }
}

/* timeit's format_time(): in `unit`, or the largest unit not above it. */
static void
format_time(char *text, size_t size, double seconds, const char *unit, int precision)
{
    int chosen = N_UNITS - 1;  /* below 1 nsec: still nsec */
    for (int i = 0; i < N_UNITS; i++) {
        if (unit != NULL ? strcmp(unit, units[i].name) == 0 : seconds >= units[i].scale) {
            chosen = i;
            break;
        }
    }
    snprintf(text, size, "%.*g %s", precision, seconds / units[chosen].scale, units[chosen].name);
}

/* The result line (on sys.stdout, so it orders with the statement's own
 * prints) and timeit's warning when the worst value is 4x the best.  0, or -1
 * with an exception set (a warning turned into an error). */
static int
report(const struct timeit_options *options, const double *values, long number, int precision)
{
    char best_text[64], worst_text[64], message[256];
    double best = values[0], worst = values[0];

    if (options->verbose) {
        PySys_WriteStdout("raw times: ");
        for (long i = 0; i < options->repeat; i++) {
            format_time(best_text, sizeof best_text, values[i], options->unit, precision);
            PySys_WriteStdout("%s%s", i > 0 ? ", " : "", best_text);
        }
        PySys_WriteStdout("\n\n");
    }
    for (long i = 1; i < options->repeat; i++) {
        best = values[i] < best ? values[i] : best;
        worst = values[i] > worst ? values[i] : worst;
    }
    best /= (double)number;
    worst /= (double)number;
    format_time(best_text, sizeof best_text, best, options->unit, precision);
    PySys_WriteStdout("%ld loop%s, best of %ld: %s per loop\n", number, number != 1 ? "s" : "",
                      options->repeat, best_text);
    if (worst >= best * 4) {
        format_time(worst_text, sizeof worst_text, worst, options->unit, precision);
        snprintf(message, sizeof message,
                 "The test results are likely unreliable. The worst time (%s) was more than "
                 "four times slower than the best time (%s).", worst_text, best_text);
        return PyErr_WarnExplicit(PyExc_UserWarning, message, "", 0, NULL, NULL);
    }
    return 0;
}

/* Print the pending exception's traceback with the traceback module (which
 * reads the statement's lines from linecache), as timeit's print_exc does,
 * and turn it into the exit code: 130 for Ctrl-C, else 1. */
static int
report_exception(void)
{
    PyObject *type, *value, *traceback, *args = NULL, *printed = NULL;

    if (interp_exception_is_interrupt()) {
        PyErr_Clear();
        fprintf(stderr, "optdemo timeit: interrupted\n");
        return EXIT_INTERRUPTED;
    }
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    args = PyTuple_Pack(3, type, value != NULL ? value : Py_None,
                        traceback != NULL ? traceback : Py_None);
    printed = args != NULL ? interp_call("traceback", "print_exception", args) : NULL;
    if (printed == NULL) {
        PyErr_Clear();
        fprintf(stderr, "optdemo timeit: the statement failed (its traceback could not be printed)\n");
    }
    Py_XDECREF(printed);
    Py_XDECREF(args);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(traceback);
    return EXIT_FAILED;
}

/* timeit puts the current directory first on sys.path: local imports work. */
static int
add_current_directory(void)
{
    PyObject *path = PySys_GetObject("path");  /* borrowed */
    PyObject *dot = PyUnicode_FromString(".");
    int rc = path != NULL && dot != NULL ? PyList_Insert(path, 0, dot) : -1;
    if (rc < 0 && !PyErr_Occurred()) {
        PyErr_SetString(PyExc_RuntimeError, "sys.path is missing");
    }
    Py_XDECREF(dot);
    return rc;
}

int
cmd_timeit(int argc, char **argv)
{
    struct timeit_options options = {.number = 0, .repeat = 5};
    struct stmt_timer timer = {0};
    double *values = NULL;
    bool help_shown;
    long number;
    int rc = parse_options(argc, argv, &options, &help_shown);

    if (rc != EXIT_OK || help_shown) {
        goto done;
    }
    rc = EXIT_FAILED;
    if (interp_start() < 0) {
        goto done;
    }
    timer.process_time = options.process_time;
    int precision = 3 + (options.verbose > 1 ? options.verbose - 1 : 0);
    if (add_current_directory() < 0
        || stmt_timer_init(&timer, options.setup != NULL ? options.setup : "pass",
                           options.stmt != NULL ? options.stmt : "pass") < 0) {
        rc = report_exception();
        goto done;
    }
    number = options.number;
    if (number == 0) {
        if (autorange(&timer, options.verbose, precision, &number) < 0) {
            rc = report_exception();
            goto done;
        }
        if (options.verbose) {
            PySys_WriteStdout("\n");
        }
    }
    values = calloc((size_t)options.repeat, sizeof *values);
    if (values == NULL) {
        fprintf(stderr, "optdemo timeit: out of memory for %ld values\n", options.repeat);
        goto done;
    }
    for (long i = 0; i < options.repeat; i++) {
        if (stmt_timer_run(&timer, number, &values[i]) < 0) {
            rc = report_exception();
            goto done;
        }
    }
    rc = report(&options, values, number, precision) < 0 ? report_exception() : EXIT_OK;
done:
    stmt_timer_clear(&timer);
    free(values);
    free(options.setup);
    free(options.stmt);
    return rc;
}
