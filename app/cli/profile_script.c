/* profile_script.c: `optdemo profile [options] SCRIPT.py [ARGS...]`: a
 * program nobody wrote for optdemo, run as `python SCRIPT.py ARGS` would
 * run it (sys.argv, sys.path[0], `__main__` through runpy.run_path, its exit
 * code, stdout and stderr passed through), under the host's sampling
 * profiler (app/embed/sampler.c).  The report goes to stderr, as time(1)'s
 * does, so the program's stdout stays its own.  For now the program runs in
 * the host's own interpreter, not in a worker (issue 17 asks for one). */
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "interp.h"
#include "optdemo.h"
#include "parse.h"
#include "profile_script.h"
#include "results.h"
#include "sampler.h"
#include "stack_profile.h"
#include "stack_report.h"
#include "text.h"

/* Room for the samples: mapped with MAP_NORESERVE, so only what is written
 * is paid for; ~40-400 bytes a sample, so minutes at 1000 Hz. */
static const size_t BUFFER_BYTES = (size_t)256 << 20;

struct script_options {
    bool module;                  /* -m: argv[script] names a module, run as `python -m` */
    double rate;                  /* samples a second */
    enum sampler_clock clock;
    long top;
    const char *collapsed_path;
};

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: optdemo profile [options] SCRIPT.py [ARGS...]\n"
            "       optdemo profile [options] --script SCRIPT [ARGS...]\n"
            "       optdemo profile [options] -m MODULE [ARGS...]\n\n"
            "Run a program as `python SCRIPT.py ARGS` would (its sys.argv, __main__, exit\n"
            "code, stdout and stderr) under the host's sampling profiler, and report on\n"
            "stderr: wall and CPU time, the functions by samples (self: innermost frame;\n"
            "total: anywhere on the stack) and the heaviest stacks.  A .py file that\n"
            "declares no VARIANTS is a script; anything else is a workload (see above).\n"
            "Options go before SCRIPT; what follows it is the program's.\n\n"
            "  --script        SCRIPT is a program even if it does not end in .py\n"
            "  -m              the program is MODULE, run as `python -m MODULE` runs it\n"
            "  --rate HZ       samples a second (default 1000)\n"
            "  --clock C       wall (default: CLOCK_MONOTONIC, waiting is sampled too)\n"
            "                  or cpu (the thread's CPU clock: ticks of the kernel,\n"
            "                  so at most ~250 Hz here)\n"
            "  --top N         rows of the tables (default 10)\n"
            "  --collapsed FILE  the stacks as `a;b;c COUNT` lines (flamegraph.pl,\n"
            "                  speedscope)\n\n"
            "exit codes: the program's own; 2 usage, 1 when optdemo itself failed\n");
}

static bool
is_script_file(const char *path)
{
    size_t length = strlen(path);
    bool workload = false;
    char line[256];
    if (length < 3 || strcmp(path + length - 3, ".py") != 0) {
        return false;
    }
    FILE *file = fopen(path, "r");
    if (file == NULL) {
        return false;
    }
    while (!workload && fgets(line, sizeof line, file) != NULL) {
        workload = strncmp(line, "VARIANTS", 8) == 0;
    }
    fclose(file);
    return !workload;
}

int
profile_script_target(int argc, char **argv)
{
    static const char *const with_argument[] = {
        "--size", "--only", "--top", "--pstats", "--json", "--collapsed", "--rate", "--clock",
    };
    bool forced = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--script") == 0) {
            forced = true;
        } else if (strcmp(arg, "-m") == 0) {
            return i + 1;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            for (size_t k = 0; k < sizeof with_argument / sizeof *with_argument; k++) {
                i += strcmp(arg, with_argument[k]) == 0;
            }
        } else {
            return forced || is_script_file(arg) ? i : 0;
        }
    }
    return forced ? argc : 0;
}

/* EXIT_OK to go on; otherwise the exit code (help: EXIT_OK with *done). */
static int
parse_options(int argc, char **argv, struct script_options *opts, bool *done)
{
    enum { OPT_SCRIPT = 256, OPT_RATE, OPT_CLOCK, OPT_TOP, OPT_COLLAPSED };
    static const struct option long_options[] = {
        {"help", no_argument, NULL, 'h'},
        {"script", no_argument, NULL, OPT_SCRIPT},
        {"rate", required_argument, NULL, OPT_RATE},
        {"clock", required_argument, NULL, OPT_CLOCK},
        {"top", required_argument, NULL, OPT_TOP},
        {"collapsed", required_argument, NULL, OPT_COLLAPSED},
        {NULL, 0, NULL, 0},
    };
    int c;
    long rate;

    *done = false;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+hm", long_options, NULL)) != -1) {
        switch (c) {
        case 'm':
            opts->module = true;
            break;
        case 'h':
            usage(stdout);
            *done = true;
            return EXIT_OK;
        case OPT_SCRIPT:
            break;
        case OPT_RATE:
            if (parse_long(optarg, 1, &rate) < 0 || rate > 100000) {
                fprintf(stderr, "optdemo profile: --rate needs 1-100000 samples a second, "
                                "not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            opts->rate = (double)rate;
            break;
        case OPT_CLOCK:
            if (strcmp(optarg, "wall") != 0 && strcmp(optarg, "cpu") != 0) {
                fprintf(stderr, "optdemo profile: --clock takes wall or cpu, not '%s'\n",
                        optarg);
                return EXIT_USAGE;
            }
            opts->clock = strcmp(optarg, "cpu") == 0 ? SAMPLER_CLOCK_CPU : SAMPLER_CLOCK_WALL;
            break;
        case OPT_TOP:
            if (parse_long(optarg, 1, &opts->top) < 0 || opts->top > 100000) {
                fprintf(stderr, "optdemo profile: --top needs a number of rows, not '%s'\n",
                        optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_COLLAPSED:
            opts->collapsed_path = optarg;
            break;
        default:
            fprintf(stderr, "optdemo profile: unknown or incomplete option '%s' "
                            "(options go before SCRIPT)\n", argv[optind - 1]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    return EXIT_OK;
}

static double
seconds_of(clockid_t clock)
{
    struct timespec now;
    clock_gettime(clock, &now);
    return (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
}

/* sys.argv is the script and its arguments; sys.path[0] the script's
 * folder (the current one for a module), as `python SCRIPT.py` and `python
 * -m MODULE` make them.  0, or -1 with an exception. */
static int
set_up_sys(int argc, char **argv, bool module)
{
    char folder[PATH_MAX];
    PyObject *list = interp_string_list(argc, argv), *where = NULL;
    PyObject *path = PySys_GetObject("path");   /* borrowed */
    int rc = -1;

    if (list == NULL || PySys_SetObject("argv", list) < 0) {
        goto done;
    }
    if (module ? getcwd(folder, sizeof folder) == NULL : realpath(argv[0], folder) == NULL) {
        PyErr_SetFromErrnoWithFilename(PyExc_OSError, argv[0]);
        goto done;
    }
    where = PyUnicode_DecodeFSDefault(module ? folder : dirname(folder));
    if (where == NULL || path == NULL || !PyList_Check(path) || PyList_Insert(path, 0, where) < 0) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_RuntimeError, "sys.path is not a list");
        }
        goto done;
    }
    rc = 0;
done:
    Py_XDECREF(list);
    Py_XDECREF(where);
    return rc;
}

/* Whether a traceback entry is runpy's (run_path and the functions it
 * calls before the program's own code), which `python SCRIPT.py` never
 * shows. */
static bool
is_runpy_entry(PyTracebackObject *entry)
{
    PyCodeObject *code = PyFrame_GetCode(entry->tb_frame);   /* new reference */
    const char *file = PyUnicode_AsUTF8(code->co_filename);
    bool runpy = file != NULL && strcmp(file, "<frozen runpy>") == 0;
    if (file == NULL) {
        PyErr_Clear();
    }
    Py_DECREF(code);
    return runpy;
}

/* The exit code `python SCRIPT.py` gives for the exception set now (which is
 * cleared): SystemExit's code (its message on stderr), 130 for Ctrl-C and 1
 * for the rest, both after their traceback. */
static int
exit_code_of_exception(void)
{
    PyObject *type = NULL, *value = NULL, *traceback = NULL, *code = NULL;
    int rc = EXIT_FAILED;

    bool exiting = PyErr_ExceptionMatches(PyExc_SystemExit);
    PyErr_Fetch(&type, &value, &traceback);
    if (!exiting) {
        rc = PyErr_GivenExceptionMatches(type, PyExc_KeyboardInterrupt) ? EXIT_INTERRUPTED
                                                                         : EXIT_FAILED;
        /* runpy's entries lead the traceback: drop them, as python shows none */
        while (traceback != NULL && PyTraceBack_Check(traceback)
               && ((PyTracebackObject *)traceback)->tb_next != NULL
               && is_runpy_entry((PyTracebackObject *)traceback)) {
            PyObject *next = Py_NewRef((PyObject *)((PyTracebackObject *)traceback)->tb_next);
            Py_SETREF(traceback, next);
        }
        PyErr_NormalizeException(&type, &value, &traceback);
        if (traceback != NULL) {
            PyException_SetTraceback(value, traceback);
        }
        PyErr_Restore(type, value, traceback);   /* steals all three */
        type = value = traceback = NULL;
        PyErr_Print();   /* not a SystemExit: prints, never exits */
        goto done;
    }
    PyErr_NormalizeException(&type, &value, &traceback);
    code = value != NULL ? PyObject_GetAttrString(value, "code") : NULL;
    if (code == NULL) {
        PyErr_Clear();
    } else if (code == Py_None) {
        rc = EXIT_OK;
    } else if (PyLong_Check(code)) {
        long number = PyLong_AsLong(code);
        if (number == -1 && PyErr_Occurred()) {
            PyErr_Clear();
        }
        rc = (int)(number & 0xff);
    } else {
        PyObject *err = PySys_GetObject("stderr");   /* borrowed */
        if (err == NULL || PyFile_WriteObject(code, err, Py_PRINT_RAW) < 0
            || PyFile_WriteString("\n", err) < 0) {
            PyErr_Clear();
        }
    }
done:
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(traceback);
    Py_XDECREF(code);
    return rc;
}

/* Run the script (runpy.run_path) or the module (runpy.run_module, which
 * sets sys.argv[0] to its file) as __main__; its exit code. */
static int
run_script(const char *path, bool module)
{
    PyObject *runpy = PyImport_ImportModule("runpy");
    PyObject *run_path = runpy != NULL ? PyObject_GetAttrString(
                             runpy, module ? "run_module" : "run_path") : NULL;
    PyObject *args = run_path != NULL ? Py_BuildValue("(s)", path) : NULL;
    PyObject *kwargs = args == NULL ? NULL
                       : module ? Py_BuildValue("{s:s, s:O}", "run_name", "__main__",
                                                "alter_sys", Py_True)
                                : Py_BuildValue("{s:s}", "run_name", "__main__");
    PyObject *result = kwargs != NULL ? PyObject_Call(run_path, args, kwargs) : NULL;
    int rc = result != NULL ? EXIT_OK : exit_code_of_exception();

    Py_XDECREF(runpy);
    Py_XDECREF(run_path);
    Py_XDECREF(args);
    Py_XDECREF(kwargs);
    Py_XDECREF(result);
    return rc;
}

static void
flush_python_stream(const char *name)
{
    PyObject *stream = PySys_GetObject(name);   /* borrowed */
    PyObject *result = stream != NULL ? PyObject_CallMethod(stream, "flush", NULL) : NULL;
    if (result == NULL) {
        PyErr_Clear();
    }
    Py_XDECREF(result);
}

static void
print_report(FILE *out, const char *script, int rc, double wall, double cpu, double handler,
             const struct script_options *opts, const struct stack_profile *profile)
{
    double all = (double)profile->samples;
    double signals = all + (double)profile->dropped + (double)profile->empty;
    fprintf(out, "\noptdemo profile: %s exited with %d after %.3f s wall, %.3f s CPU "
            "(process)\n", script, rc, wall, cpu);
    fprintf(out, "  sampled: %llu samples at %g Hz (%s clock), %.0f a second of %s time; "
            "%llu dropped (buffer full), %llu without a Python frame, %llu cut at %d frames\n",
            (unsigned long long)profile->samples, opts->rate,
            opts->clock == SAMPLER_CLOCK_CPU ? "CPU" : "wall",
            all / (opts->clock == SAMPLER_CLOCK_CPU ? cpu : wall),
            opts->clock == SAMPLER_CLOCK_CPU ? "CPU" : "wall",
            (unsigned long long)profile->dropped, (unsigned long long)profile->empty,
            (unsigned long long)profile->truncated, SAMPLER_MAX_DEPTH);
    fprintf(out, "  the handler took %.1f us a sample, %.1f ms in all (%.2f%% of the wall time; "
            "the signal's delivery is not in it)\n",
            signals > 0 ? 1e6 * handler / signals : 0.0,
            1e3 * handler, wall > 0 ? 100 * handler / wall : 0.0);
    stack_report_print_tables(out, profile, opts->top);
}

int
profile_script_main(int argc, char **argv, int script)
{
    struct script_options opts = {.rate = 1000, .clock = SAMPLER_CLOCK_WALL, .top = 10};
    struct stack_buffer buffer = {0};
    struct stack_profile profile = {0};
    bool done = false, sampling = false;
    const char *why = NULL;
    int rc = parse_options(script, argv, &opts, &done);

    if (rc != EXIT_OK || done) {
        goto finish;
    }
    if (script >= argc) {
        fprintf(stderr, "optdemo profile: --script needs a SCRIPT, -m a MODULE to run\n");
        rc = EXIT_USAGE;
        goto finish;
    }
    const char *outputs[] = {opts.collapsed_path};
    if (results_check_outputs("profile", outputs, 1) < 0) {
        rc = EXIT_USAGE;
        goto finish;
    }
    if (stack_buffer_init(&buffer, BUFFER_BYTES) < 0) {
        fprintf(stderr, "optdemo profile: cannot map the sample buffer\n");
        rc = EXIT_FAILED;
        goto finish;
    }
    if (interp_start() < 0) {
        rc = EXIT_FAILED;
        goto finish;
    }
    if (set_up_sys(argc - script, argv + script, opts.module) < 0) {
        char *text = interp_exception_message();
        fprintf(stderr, "optdemo profile: %s\n", text_or(text, "out of memory"));
        free(text);
        rc = EXIT_FAILED;
        goto finish;
    }
    double wall = seconds_of(CLOCK_MONOTONIC), cpu = seconds_of(CLOCK_PROCESS_CPUTIME_ID);
    sampling = sampler_start(&buffer, opts.rate, opts.clock, &why) == 0;
    if (!sampling) {
        perror(why);
        rc = EXIT_FAILED;
        goto finish;
    }
    rc = run_script(argv[script], opts.module);
    sampler_stop();
    wall = seconds_of(CLOCK_MONOTONIC) - wall;
    cpu = seconds_of(CLOCK_PROCESS_CPUTIME_ID) - cpu;
    flush_python_stream("stdout");
    flush_python_stream("stderr");
    if (stack_profile_build(&buffer, "<frozen runpy>", &profile) < 0) {
        fprintf(stderr, "optdemo profile: out of memory aggregating the samples\n");
        rc = rc == EXIT_OK ? EXIT_FAILED : rc;
        goto finish;
    }
    print_report(stderr, argv[script], rc, wall, cpu, sampler_handler_seconds(), &opts, &profile);
    if (opts.collapsed_path != NULL) {
        FILE *collapsed = fopen(opts.collapsed_path, "w");
        bool written = collapsed != NULL && stack_profile_write_collapsed(&profile, collapsed) == 0;
        if (collapsed != NULL && fclose(collapsed) != 0) {
            written = false;
        }
        if (!written) {
            perror(opts.collapsed_path);
            rc = rc == EXIT_OK ? EXIT_FAILED : rc;
        } else {
            fprintf(stderr, "  collapsed stacks: %s\n", opts.collapsed_path);
        }
    }
finish:
    stack_profile_free(&profile);
    stack_buffer_free(&buffer);
    return rc;
}
