/* cmd_show.c: `optdemo show WORKLOAD`: the lesson in the terminal: title,
 * section, the explanation, then each variant's source side by side, as
 * many columns as the terminal holds (a variant wider than the terminal gets
 * a row of its own; lines are never cut, blank lines are kept), and for a
 * workload with compiled rungs the ladder's table: what each rung cost. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "interp.h"
#include "optdemo.h"
#include "text.h"
#include "parse.h"
#include "pydata.h"
#include "report.h"

enum { GAP = 3, DEFAULT_WIDTH = 120, MIN_WIDTH = 20, HEADER_BYTES = 128 };

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: optdemo show [--width N] [--no-color] [--results FILE] WORKLOAD\n\n"
            "Print a workload's lesson: what CPython does underneath, what is timed,\n"
            "and the source of each variant side by side.  WORKLOAD is an id from\n"
            "`optdemo list` or a path to a workload .py file.\n\n"
            "A workload with compiled rungs (Cython, mypyc, PyO3) ends with the\n"
            "ladder: each rung's lines of code and build time here; --results FILE\n"
            "(from `optdemo run WORKLOAD --json FILE`) adds each one's speedup.\n");
}

static int
terminal_width(void)
{
    struct winsize size;
    const char *columns = getenv("COLUMNS");
    long width = 0;
    if (columns != NULL && parse_long(columns, MIN_WIDTH, &width) == 0 && width <= 10000) {
        return (int)width;
    }
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0
        && size.ws_col >= MIN_WIDTH) {
        return size.ws_col;
    }
    return DEFAULT_WIDTH;
}

/* One variant's source split into lines (pointers into a private copy). */
struct column {
    const char *name;
    char *text;
    char **lines;
    int n_lines;
    int width;   /* widest line, in characters */
};

/* Split `source` at every newline, blank lines included (strtok would drop
 * them, and a blank line between two blocks of a variant is part of how it
 * reads). */
static int
split_column(struct column *column, const char *name, const char *source)
{
    column->name = name;
    column->text = strdup(source);
    int capacity = 1;
    for (const char *p = source; *p; p++) {
        capacity += *p == '\n';
    }
    column->lines = calloc((size_t)capacity, sizeof *column->lines);
    if (column->text == NULL || column->lines == NULL) {
        return -1;
    }
    column->width = report_display_width(name, strlen(name)) + 1;
    char *line = column->text;
    while (*line != '\0') {
        char *end = strchr(line, '\n');
        if (end != NULL) {
            *end = '\0';
        }
        column->lines[column->n_lines++] = line;
        int width = report_display_width(line, strlen(line));
        column->width = width > column->width ? width : column->width;
        if (end == NULL) {
            break;
        }
        line = end + 1;
    }
    return 0;
}

/* Print one row of cells; spaces only between cells, none at the end. */
static void
print_row(const char *const *cells, const int *widths, int count, const char *before,
          const char *after)
{
    int pending = 0;
    printf("%s", before);
    for (int c = 0; c < count; c++) {
        if (*cells[c] != '\0') {
            printf("%*s%s", pending, "", cells[c]);
            pending = 0;
        } else if (c == 0) {
            pending = 0;
        }
        pending += widths[c] - report_display_width(cells[c], strlen(cells[c])) + GAP;
    }
    printf("%s\n", after);
}

static int
print_columns(const struct column *columns, int count, const struct report_style *style)
{
    const char *bold = style->color ? "\033[1m" : "", *reset = style->color ? "\033[0m" : "";
    const char **cells = calloc((size_t)count, sizeof *cells);
    char *headers = calloc((size_t)count, HEADER_BYTES);
    int *widths = calloc((size_t)count, sizeof *widths);
    int rows = 0, rc = -1;
    if (cells == NULL || headers == NULL || widths == NULL) {
        goto done;
    }
    for (int c = 0; c < count; c++) {
        rows = columns[c].n_lines > rows ? columns[c].n_lines : rows;
        widths[c] = columns[c].width;
        snprintf(headers + c * HEADER_BYTES, HEADER_BYTES, "%s:", columns[c].name);
        cells[c] = headers + c * HEADER_BYTES;
    }
    printf("\n");
    print_row(cells, widths, count, bold, reset);
    for (int r = 0; r < rows; r++) {
        for (int c = 0; c < count; c++) {
            cells[c] = r < columns[c].n_lines ? columns[c].lines[r] : "";
        }
        print_row(cells, widths, count, "", "");
    }
    rc = 0;
done:
    free(cells);
    free(headers);
    free(widths);
    return rc;
}

/* Load the workload (one name only) and fetch describe() and the sources:
 * two new references, or -1 with an exception set and neither. */
static int
fetch(const char *name, PyObject **described, PyObject **sources, bool *usage_error)
{
    PyObject *names = Py_BuildValue("(s)", name), *path = NULL, *args = NULL;
    PyObject *module = NULL;
    int rc = -1;
    *described = *sources = NULL;
    /* A built-in id or a file; a suite or an unknown name is a usage error
     * whose message lists the workload ids. */
    path = names != NULL ? interp_call("optdemo.workloads", "resolve_one", names) : NULL;
    if (path == NULL) {
        *usage_error = PyErr_ExceptionMatches(PyExc_LookupError);
        goto done;
    }
    args = PyTuple_Pack(1, path);
    module = args != NULL ? interp_call("optdemo.workloads", "load", args) : NULL;
    Py_CLEAR(args);
    args = module != NULL ? PyTuple_Pack(1, module) : NULL;
    *described = args != NULL ? interp_call("optdemo.workloads", "describe", args) : NULL;
    *sources = *described != NULL ? interp_call("optdemo.workloads", "variant_sources", args)
                                  : NULL;
    if (*sources == NULL || !PyDict_Check(*sources)) {
        if (*sources != NULL) {
            PyErr_SetString(PyExc_TypeError, "variant_sources() must return a dict");
        }
        Py_CLEAR(*described);
        Py_CLEAR(*sources);
        goto done;
    }
    rc = 0;
done:
    Py_XDECREF(names);
    Py_XDECREF(path);
    Py_XDECREF(args);
    Py_XDECREF(module);
    return rc;
}

/* The variants' sources as columns, greedily as many side by side as the
 * width allows.  0, or -1 with an exception set. */
static int
print_sources(PyObject *variants, PyObject *sources, int width, const struct report_style *style)
{
    Py_ssize_t n = PyList_GET_SIZE(variants);
    struct column *columns = calloc((size_t)n + 1, sizeof *columns);
    int ready = 0, rc = -1;
    if (columns == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (; ready < n; ready++) {
        PyObject *variant = PyList_GET_ITEM(variants, ready);
        const char *name = pydata_str(variant, "a variant's name");
        PyObject *source = name != NULL ? PyDict_GetItemWithError(sources, variant) : NULL;
        const char *text = source != NULL ? pydata_str(source, "a variant's source") : NULL;
        if (text == NULL) {
            if (!PyErr_Occurred()) {
                PyErr_Format(PyExc_TypeError, "no source for variant %R", variant);
            }
            goto done;
        }
        if (split_column(&columns[ready], name, text) < 0) {
            PyErr_NoMemory();
            goto done;
        }
    }
    for (int first = 0; first < ready;) {
        int count = 1, used = columns[first].width;
        while (first + count < ready && used + GAP + columns[first + count].width <= width) {
            used += GAP + columns[first + count].width;
            count++;
        }
        if (print_columns(&columns[first], count, style) < 0) {
            PyErr_NoMemory();
            goto done;
        }
        first += count;
    }
    rc = 0;
done:
    for (Py_ssize_t i = 0; columns != NULL && i < n; i++) {
        free(columns[i].text);
        free(columns[i].lines);
    }
    free(columns);
    return rc;
}

/* 0, or -1 with an exception set (a describe() that broke its promise). */
static int
print_lesson(PyObject *described, PyObject *sources, int width, const struct report_style *style)
{
    const char *bold = style->color ? "\033[1m" : "", *reset = style->color ? "\033[0m" : "";
    const char *what = "describe()'s result";
    const char *id = pydata_get_str(described, "id", what);
    const char *title = id != NULL ? pydata_get_str(described, "title", what) : NULL;
    const char *section = title != NULL ? pydata_get_str(described, "section", what) : NULL;
    const char *path = section != NULL ? pydata_get_str(described, "path", what) : NULL;
    const char *explanation = path != NULL ? pydata_get_str(described, "explanation", what)
                                           : NULL;
    PyObject *variants = explanation != NULL ? pydata_get_list(described, "variants", what)
                                             : NULL;
    const char *no_native = variants != NULL
                                ? pydata_get_optional_str(described, "no_native", what) : NULL;
    if (variants == NULL || PyErr_Occurred()) {
        return -1;
    }
    printf("%s%s — %s%s\n", bold, id, title, reset);
    printf("Article section: %s\nFile: %s\n\n%s\n", section, path, explanation);
    if (no_native != NULL) {
        printf("\nNo native variant: %s\n", no_native);
    }
    return print_sources(variants, sources, width, style);
}

/* The ladder's table (optdemo.workloads.ladder_table), "" for a workload
 * without compiled rungs: asked before anything is printed, so that a bad
 * --results file is the only output.  A new reference, or NULL with an
 * exception set. */
static PyObject *
fetch_ladder(PyObject *described, const char *results)
{
    const char *path = pydata_get_str(described, "path", "describe()'s result");
    PyObject *args = path != NULL ? Py_BuildValue("(sz)", path, results) : NULL;
    PyObject *table = args != NULL ? interp_call("optdemo.workloads", "ladder_table", args)
                                   : NULL;
    Py_XDECREF(args);
    if (table != NULL && pydata_str(table, "the ladder's table") == NULL) {
        Py_CLEAR(table);
    }
    return table;
}

int
cmd_show(int argc, char **argv)
{
    enum { OPT_NO_COLOR = 256, OPT_WIDTH, OPT_RESULTS };
    static const struct option long_options[] = {
        {"help", no_argument, NULL, 'h'},
        {"no-color", no_argument, NULL, OPT_NO_COLOR},
        {"width", required_argument, NULL, OPT_WIDTH},
        {"results", required_argument, NULL, OPT_RESULTS},
        {NULL, 0, NULL, 0},
    };
    PyObject *described = NULL, *sources = NULL, *ladder = NULL;
    bool no_color = false, usage_error = false;
    const char *results = NULL;
    long width = 0;
    int c, rc = EXIT_OK;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            return EXIT_OK;
        case OPT_NO_COLOR:
            no_color = true;
            break;
        case OPT_RESULTS:
            results = optarg;
            break;
        case OPT_WIDTH:
            if (parse_long(optarg, MIN_WIDTH, &width) < 0 || width > 10000) {
                fprintf(stderr, "optdemo show: --width needs a number of columns from %d, "
                                "not '%s'\n", MIN_WIDTH, optarg);
                return EXIT_USAGE;
            }
            break;
        default:
            fprintf(stderr, "optdemo show: unknown or incomplete option '%s'\n", argv[optind - 1]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        fprintf(stderr, "optdemo show: give exactly one workload (see `optdemo list`)\n");
        usage(stderr);
        return EXIT_USAGE;
    }
    if (interp_start() < 0) {
        return EXIT_FAILED;
    }
    struct report_style style = report_style_for(stdout, no_color);
    int fetched = fetch(argv[optind], &described, &sources, &usage_error);
    if (fetched < 0 || (ladder = fetch_ladder(described, results)) == NULL
        || print_lesson(described, sources, width > 0 ? (int)width : terminal_width(),
                        &style) < 0) {
        /* A --results file that cannot be read, or holds no such workload:
         * bad input, said in one line. */
        usage_error = usage_error || (fetched == 0 && results != NULL
                                      && (PyErr_ExceptionMatches(PyExc_OSError)
                                          || PyErr_ExceptionMatches(PyExc_ValueError)
                                          || PyErr_ExceptionMatches(PyExc_LookupError)));
        bool interrupted = interp_exception_is_interrupt();
        char *text = usage_error ? interp_exception_message() : interp_exception_text(6);
        fprintf(stderr, "optdemo show: %s\n",
                interrupted ? "interrupted" : text_or(text, "out of memory"));
        free(text);
        rc = interrupted ? EXIT_INTERRUPTED : usage_error ? EXIT_USAGE : EXIT_FAILED;
    } else if (*PyUnicode_AsUTF8(ladder) != '\0') {
        printf("\n%s", PyUnicode_AsUTF8(ladder));
    }
    Py_XDECREF(ladder);
    Py_XDECREF(described);
    Py_XDECREF(sources);
    return rc;
}
