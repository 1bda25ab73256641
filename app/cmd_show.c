/* cmd_show.c: `optdemo show WORKLOAD`: the lesson in the terminal: title,
 * section, the explanation, then each variant's source side by side, as
 * many columns as the terminal holds (a variant wider than the terminal gets
 * a row of its own; lines are never cut). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "interp.h"
#include "optdemo.h"
#include "report.h"

enum { GAP = 3, DEFAULT_WIDTH = 120 };

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: optdemo show [--width N] [--no-color] WORKLOAD\n\n"
            "Print a workload's lesson: what CPython does underneath, what is timed,\n"
            "and the source of each variant side by side.  WORKLOAD is an id from\n"
            "`optdemo list` or a path to a workload .py file.\n");
}

static int
terminal_width(void)
{
    struct winsize size;
    const char *columns = getenv("COLUMNS");
    if (columns != NULL && atoi(columns) > 20) {
        return atoi(columns);
    }
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 20) {
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

static int
utf8_width(const char *text, size_t bytes)
{
    int width = 0;
    for (size_t i = 0; i < bytes; i++) {
        width += ((unsigned char)text[i] & 0xC0) != 0x80;
    }
    return width;
}

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
    column->width = utf8_width(name, strlen(name)) + 1;
    for (char *save = NULL, *line = strtok_r(column->text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        column->lines[column->n_lines++] = line;
        int width = utf8_width(line, strlen(line));
        column->width = width > column->width ? width : column->width;
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
        pending += widths[c] - utf8_width(cells[c], strlen(cells[c])) + GAP;
    }
    printf("%s\n", after);
}

static void
print_columns(struct column *columns, int first, int count, const struct report_style *style)
{
    const char *bold = style->color ? "\033[1m" : "", *reset = style->color ? "\033[0m" : "";
    const char *cells[count];
    char headers[count][128];
    int widths[count];
    int rows = 0;
    for (int c = 0; c < count; c++) {
        struct column *column = &columns[first + c];
        rows = column->n_lines > rows ? column->n_lines : rows;
        widths[c] = column->width;
        snprintf(headers[c], sizeof headers[c], "%s:", column->name);
        cells[c] = headers[c];
    }
    printf("\n");
    print_row(cells, widths, count, bold, reset);
    for (int r = 0; r < rows; r++) {
        for (int c = 0; c < count; c++) {
            struct column *column = &columns[first + c];
            cells[c] = r < column->n_lines ? column->lines[r] : "";
        }
        print_row(cells, widths, count, "", "");
    }
}

/* Load the workload (one name only) and fetch describe() and the sources. */
static int
fetch(const char *name, PyObject **described, PyObject **sources, bool *usage_error)
{
    PyObject *names = Py_BuildValue("(s)", name), *path = NULL, *args = NULL;
    PyObject *module = NULL;
    int rc = -1;
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
    *sources = *described != NULL ? interp_call("optdemo.workloads", "variant_sources", args) : NULL;
    rc = *sources != NULL ? 0 : -1;
done:
    Py_XDECREF(names);
    Py_XDECREF(path);
    Py_XDECREF(args);
    Py_XDECREF(module);
    return rc;
}

static void
print_lesson(PyObject *described, PyObject *sources, int width, const struct report_style *style)
{
    const char *bold = style->color ? "\033[1m" : "", *reset = style->color ? "\033[0m" : "";
    PyObject *variants = PyDict_GetItemString(described, "variants");
    PyObject *no_native = PyDict_GetItemString(described, "no_native");
    printf("%s%s — %s%s\n", bold, PyUnicode_AsUTF8(PyDict_GetItemString(described, "id")),
           PyUnicode_AsUTF8(PyDict_GetItemString(described, "title")), reset);
    printf("Article section: %s\nFile: %s\n\n%s\n",
           PyUnicode_AsUTF8(PyDict_GetItemString(described, "section")),
           PyUnicode_AsUTF8(PyDict_GetItemString(described, "path")),
           PyUnicode_AsUTF8(PyDict_GetItemString(described, "explanation")));
    if (no_native != NULL && no_native != Py_None) {
        printf("\nNo native variant: %s\n", PyUnicode_AsUTF8(no_native));
    }
    Py_ssize_t n = PyList_GET_SIZE(variants);
    struct column *columns = calloc((size_t)n, sizeof *columns);
    if (columns == NULL) {
        return;
    }
    int ready = 0;
    for (Py_ssize_t i = 0; i < n; i++, ready++) {
        const char *name = PyUnicode_AsUTF8(PyList_GET_ITEM(variants, i));
        PyObject *source = PyDict_GetItem(sources, PyList_GET_ITEM(variants, i));
        if (name == NULL || source == NULL
            || split_column(&columns[i], name, PyUnicode_AsUTF8(source)) < 0) {
            break;
        }
    }
    /* Greedy rows: as many variants side by side as the width allows. */
    for (int first = 0; first < ready;) {
        int count = 1, used = columns[first].width;
        while (first + count < ready && used + GAP + columns[first + count].width <= width) {
            used += GAP + columns[first + count].width;
            count++;
        }
        print_columns(columns, first, count, style);
        first += count;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        free(columns[i].text);
        free(columns[i].lines);
    }
    free(columns);
}

int
cmd_show(int argc, char **argv)
{
    enum { OPT_NO_COLOR = 256, OPT_WIDTH };
    static const struct option long_options[] = {
        {"help", no_argument, NULL, 'h'},
        {"no-color", no_argument, NULL, OPT_NO_COLOR},
        {"width", required_argument, NULL, OPT_WIDTH},
        {NULL, 0, NULL, 0},
    };
    PyObject *described = NULL, *sources = NULL;
    bool no_color = false, usage_error = false;
    int width = 0, c;

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
        case OPT_WIDTH:
            width = atoi(optarg);
            if (width < 20) {
                fprintf(stderr, "optdemo show: --width needs a number of columns >= 20\n");
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
    if (fetch(argv[optind], &described, &sources, &usage_error) < 0) {
        char *text = usage_error ? interp_exception_message() : interp_exception_text(6);
        fprintf(stderr, "optdemo show: %s\n", text);
        free(text);
        return usage_error ? EXIT_USAGE : EXIT_FAILED;
    }
    struct report_style style = report_style_for(stdout, no_color);
    print_lesson(described, sources, width > 0 ? width : terminal_width(), &style);
    Py_DECREF(described);
    Py_DECREF(sources);
    return EXIT_OK;
}
