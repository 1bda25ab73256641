/* cmd_matrix.c: `optdemo matrix RESULTS.json`: the matrix of builds
 * (matrix.c) from a run that measured several interpreters -- the same
 * tables `optdemo run --matrix` prints at the end of such a run. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "matrix.h"
#include "optdemo.h"
#include "results.h"
#include "text.h"

static void
usage(FILE *out)
{
    fprintf(out,
        "usage: optdemo matrix [--reference LABEL] [--json FILE] [--markdown FILE] [--no-color]\n"
        "                      RESULTS.json\n"
        "\n"
        "From a run that measured several interpreters (optdemo run --interpreter A\n"
        "--interpreter B ... --json RESULTS.json): the speedup of every variant over\n"
        "before on each build, each build's time against the reference build (the\n"
        "first interpreter, or --reference LABEL) with CIs, and the workloads whose\n"
        "fastest variant changes between builds.\n"
        "\n"
        "exit codes: 0 printed, 2 usage (bad option, unreadable file, fewer than two\n"
        "interpreters, unknown label)\n");
}

struct markdown_context {
    const struct matrix *matrix;
    const struct report_style *style;
};

static void
write_markdown(FILE *out, const void *context)
{
    const struct markdown_context *c = context;
    fprintf(out, "# optdemo matrix\n");
    matrix_print(out, c->matrix, c->style, true);
}

/* Write the matrix to the requested files.  0, or -1 (reported). */
static int
write_files(const struct matrix *m, const char *json_path, const char *markdown_path,
            const struct report_style *style)
{
    char *error = NULL;
    int rc = 0;
    if (json_path != NULL) {
        json_t *root = matrix_to_json(m);
        rc = root != NULL ? results_write_json(json_path, root, &error) : -1;
        json_decref(root);
    }
    if (rc == 0 && markdown_path != NULL) {
        struct markdown_context context = {m, style};
        rc = results_write_stream(markdown_path, write_markdown, &context, &error);
    }
    if (rc < 0) {
        fprintf(stderr, "optdemo matrix: %s\n", error != NULL ? error : "out of memory");
    }
    free(error);
    return rc;
}

int
cmd_matrix(int argc, char **argv)
{
    enum { OPT_REFERENCE = 256, OPT_JSON, OPT_MARKDOWN, OPT_NO_COLOR };
    static const struct option long_options[] = {
        {"reference", required_argument, NULL, OPT_REFERENCE},
        {"json", required_argument, NULL, OPT_JSON},
        {"markdown", required_argument, NULL, OPT_MARKDOWN},
        {"no-color", no_argument, NULL, OPT_NO_COLOR},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *reference = NULL, *json_path = NULL, *markdown_path = NULL;
    struct compare_options options = compare_options_default();
    bool no_color = false;
    json_error_t problem;
    struct matrix m = {0};
    char *error = NULL;
    int c, rc = EXIT_OK;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            return EXIT_OK;
        case OPT_REFERENCE: reference = optarg; break;
        case OPT_JSON: json_path = optarg; break;
        case OPT_MARKDOWN: markdown_path = optarg; break;
        case OPT_NO_COLOR: no_color = true; break;
        default:
            fprintf(stderr, "optdemo matrix: unknown or incomplete option '%s'\n",
                    argv[optind - 1]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        fprintf(stderr, "optdemo matrix: give one results file\n");
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    const char *outputs[] = {json_path, markdown_path};
    if (results_check_outputs("matrix", outputs, 2) < 0) {
        return EXIT_USAGE;
    }
    json_t *root = json_load_file(path, 0, &problem);
    if (root == NULL) {
        fprintf(stderr, "optdemo matrix: %s: %s\n", path, problem.text);
        return EXIT_USAGE;
    }
    if (matrix_build(root, path, reference, &options, &m, &error) < 0) {
        fprintf(stderr, "optdemo matrix: %s\n", error);
        rc = EXIT_USAGE;
        goto done;
    }
    struct report_style style = report_style_for(stdout, no_color);
    matrix_print(stdout, &m, &style, false);
    if (write_files(&m, json_path, markdown_path, &style) < 0) {
        rc = EXIT_FAILED;
    }
done:
    matrix_clear(&m);
    json_decref(root);
    free(error);
    return rc;
}
