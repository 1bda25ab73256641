/* profile_pid.c: `optdemo profile --pid PID`: sample a CPython 3.11
 * process that is already running, from outside, without stopping it
 * (app/measure/remote_sampler.c reads its memory with process_vm_readv),
 * then report as `profile SCRIPT.py` does, on stdout, through the same JSON
 * report (profile_report.h): the functions and stacks, the linter's
 * findings in the hot functions, --json, --html and --collapsed.  The
 * target's frames are plain memory to us; the embedded interpreter starts
 * only after sampling, to write the report. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"
#include "optdemo.h"
#include "parse.h"
#include "profile_pid.h"
#include "profile_report.h"
#include "remote_sampler.h"
#include "results.h"
#include "stack_profile.h"
#include "stack_profile_json.h"

/* Room for the samples, mapped with MAP_NORESERVE (only what is written
 * costs memory): at 100 Hz and ~400 bytes a sample, hours of one thread. */
static const size_t BUFFER_BYTES = (size_t)256 << 20;

struct pid_options {
    long pid;
    double duration;              /* seconds; 0: until the target exits or Ctrl-C */
    double rate;                  /* ticks a second */
    long top;
    const char *collapsed_path, *json_path, *html_path;
};

static volatile sig_atomic_t stop_requested;

static void
on_sigint(int signal_number)
{
    (void)signal_number;
    stop_requested = 1;
}

static void
usage(FILE *out)
{
    fprintf(out,
            "usage: optdemo profile --pid PID [--duration S] [--rate HZ] [--top N]\n"
            "                       [--collapsed FILE] [--json FILE] [--html FILE]\n\n"
            "Sample a running CPython 3.11 process from outside, as py-spy does: its\n"
            "memory is read with process_vm_readv, it is never stopped or written to.\n"
            "Every thread's Python stack is one sample a tick; with several threads each\n"
            "stack begins with a frame \"thread TID\".  Reports as `profile SCRIPT.py`\n"
            "does: the functions and stacks by samples, and the linter's findings in the\n"
            "hot functions.  Reading another process needs ptrace permission: root, or\n"
            "its own user with kernel.yama.ptrace_scope = 0.\n\n"
            "  --pid PID       the process to sample\n"
            "  --duration S    seconds to sample (default 10; 0: until the process exits\n"
            "                  or Ctrl-C); Ctrl-C always stops and reports what was taken\n"
            "  --rate HZ       ticks a second (default 100, at most 10000)\n"
            "  --top N         rows of the tables (default 10)\n"
            "  --collapsed FILE  the stacks as `a;b;c COUNT` lines (flamegraph.pl,\n"
            "                  speedscope)\n"
            "  --json FILE     the report as JSON (as `profile SCRIPT.py --json`)\n"
            "  --html FILE     the report as a page, with a flame graph\n\n"
            "exit codes: 0 sampled (also when the process exited meanwhile or Ctrl-C\n"
            "stopped it); 2 usage: bad options, no such process, not CPython 3.11;\n"
            "1 failed: its memory cannot be read (permission) or another error\n");
}

bool
profile_pid_requested(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--pid") == 0 || strncmp(argv[i], "--pid=", 6) == 0) {
            return true;
        }
    }
    return false;
}

/* EXIT_OK to go on; otherwise the exit code (help: EXIT_OK with *done). */
static int
parse_options(int argc, char **argv, struct pid_options *opts, bool *done)
{
    enum { OPT_PID = 256, OPT_DURATION, OPT_RATE, OPT_TOP, OPT_COLLAPSED, OPT_JSON, OPT_HTML };
    static const struct option long_options[] = {
        {"help", no_argument, NULL, 'h'},
        {"pid", required_argument, NULL, OPT_PID},
        {"duration", required_argument, NULL, OPT_DURATION},
        {"rate", required_argument, NULL, OPT_RATE},
        {"top", required_argument, NULL, OPT_TOP},
        {"collapsed", required_argument, NULL, OPT_COLLAPSED},
        {"json", required_argument, NULL, OPT_JSON},
        {"html", required_argument, NULL, OPT_HTML},
        {NULL, 0, NULL, 0},
    };
    int c, rc = EXIT_OK;
    long rate;

    *done = false;
    optind = 1;
    opterr = 0;
    while (rc == EXIT_OK && (c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            *done = true;
            goto done;
        case OPT_PID:
            if (parse_long(optarg, 1, &opts->pid) < 0 || opts->pid > INT32_MAX) {
                fprintf(stderr, "optdemo profile: --pid needs a process id, not '%s'\n", optarg);
                rc = EXIT_USAGE;
            }
            break;
        case OPT_DURATION:
            if (parse_seconds(optarg, true, &opts->duration) < 0) {
                fprintf(stderr, "optdemo profile: --duration needs seconds (0: until the "
                                "process exits), not '%s'\n", optarg);
                rc = EXIT_USAGE;
            }
            break;
        case OPT_RATE:
            if (parse_long(optarg, 1, &rate) < 0 || rate > 10000) {
                fprintf(stderr, "optdemo profile: --rate needs 1-10000 ticks a second, "
                                "not '%s'\n", optarg);
                rc = EXIT_USAGE;
            }
            opts->rate = (double)rate;
            break;
        case OPT_TOP:
            if (parse_long(optarg, 1, &opts->top) < 0 || opts->top > 100000) {
                fprintf(stderr, "optdemo profile: --top needs a number of rows, not '%s'\n",
                        optarg);
                rc = EXIT_USAGE;
            }
            break;
        case OPT_COLLAPSED:
            opts->collapsed_path = optarg;
            break;
        case OPT_JSON:
            opts->json_path = optarg;
            break;
        case OPT_HTML:
            opts->html_path = optarg;
            break;
        default:
            fprintf(stderr, "optdemo profile: unknown or incomplete option '%s'\n",
                    argv[optind - 1]);
            usage(stderr);
            rc = EXIT_USAGE;
        }
    }
    if (rc == EXIT_OK && optind < argc) {
        fprintf(stderr, "optdemo profile: --pid takes no script or workload ('%s')\n",
                argv[optind]);
        rc = EXIT_USAGE;
    }
done:
    return rc;
}

/* The process's command line, from /proc/PID/cmdline (empty when it
 * cannot be read). */
static json_t *
command_line(long pid)
{
    char path[64], text[4096];
    json_t *argv = json_array();
    snprintf(path, sizeof path, "/proc/%ld/cmdline", pid);
    FILE *file = fopen(path, "r");
    size_t length = file != NULL ? fread(text, 1, sizeof text - 1, file) : 0;
    if (file != NULL) {
        fclose(file);
    }
    text[length] = '\0';
    for (size_t at = 0; argv != NULL && at < length; at += strlen(text + at) + 1) {
        json_array_append_new(argv, json_string(text + at));
    }
    return argv;
}

/* The report (profile_report.h) of what was sampled: "program" names the
 * process, "sampling" is shaped as a script's (the reads that failed are
 * its torn samples, the threads without a Python frame its empty ones),
 * with the remote walk's own counters. */
static json_t *
pid_report(const struct pid_options *opts, const struct remote_sampler *sampler,
           const struct stack_profile *profile)
{
    json_t *sampling = stack_profile_json(profile);
    json_t *remote = json_pack("{s:I, s:I, s:f, s:s, s:f, s:I, s:I}", "torn",
                               (json_int_t)sampler->failed, "empty", (json_int_t)sampler->idle,
                               "rate", opts->rate, "clock", "wall", "handler_seconds",
                               sampler->reading_seconds, "ticks", (json_int_t)sampler->ticks,
                               "late_ticks", (json_int_t)sampler->late_ticks);
    bool failed = sampling == NULL || remote == NULL || json_object_update(sampling, remote) < 0;
    json_decref(remote);
    if (failed) {
        json_decref(sampling);
        return NULL;
    }
    return json_pack(
        "{s:s, s:{s:I, s:o, s:s, s:s, s:s}, s:{s:f}, s:{s:f, s:I, s:b}, s:o}",
        "schema", "optdemo-profile-script/1",
        "program", "pid", (json_int_t)opts->pid, "argv", command_line(opts->pid),
        "binary", sampler->binary, "interpreter", sampler->version, "ended",
        sampler->exited ? "exited" : stop_requested ? "Ctrl-C" : "duration",
        "times", "wall", sampler->seconds,
        "options", "rate", opts->rate, "top", (json_int_t)opts->top, "lint", true,
        "sampling", sampling);
}

int
profile_pid_main(int argc, char **argv)
{
    struct pid_options opts = {.duration = 10, .rate = 100, .top = 10};
    struct remote_sampler sampler = {0};
    struct stack_buffer buffer = {0};
    struct stack_profile profile = {0};
    struct sigaction action, previous;
    json_t *report = NULL;
    bool done = false, handler_set = false;
    char why[512] = "";
    int rc = parse_options(argc, argv, &opts, &done);

    if (rc != EXIT_OK || done) {
        goto finish;
    }
    if (opts.pid == 0) {
        fprintf(stderr, "optdemo profile: --pid needs a process id\n");
        rc = EXIT_USAGE;
        goto finish;
    }
    struct profile_outputs outputs = {opts.collapsed_path, opts.json_path, opts.html_path,
                                      opts.top};
    const char *paths[] = {opts.collapsed_path, opts.json_path, opts.html_path};
    if (results_check_outputs("profile", paths, 3) < 0) {
        rc = EXIT_USAGE;
        goto finish;
    }
    enum remote_status status = remote_sampler_open(&sampler, (pid_t)opts.pid, why, sizeof why);
    if (status != REMOTE_OK) {
        fprintf(stderr, "optdemo profile: %s\n", why);
        rc = status == REMOTE_NO_PERMISSION || status == REMOTE_FAILED ? EXIT_FAILED
                                                                        : EXIT_USAGE;
        goto finish;
    }
    if (stack_buffer_init(&buffer, BUFFER_BYTES) < 0) {
        fprintf(stderr, "optdemo profile: cannot map the sample buffer\n");
        rc = EXIT_FAILED;
        goto finish;
    }
    /* No SA_RESTART: Ctrl-C must cut the sampler's sleep short. */
    memset(&action, 0, sizeof action);
    action.sa_handler = on_sigint;
    sigemptyset(&action.sa_mask);
    stop_requested = 0;
    handler_set = sigaction(SIGINT, &action, &previous) == 0;
    if (remote_sampler_run(&sampler, &buffer, opts.rate, opts.duration, &stop_requested, why,
                           sizeof why) < 0) {
        fprintf(stderr, "optdemo profile: %s\n", why);
        rc = EXIT_FAILED;
        goto finish;
    }
    if (stack_profile_build(&buffer, NULL, &profile) < 0) {
        fprintf(stderr, "optdemo profile: out of memory aggregating the samples\n");
        rc = EXIT_FAILED;
        goto finish;
    }
    report = pid_report(&opts, &sampler, &profile);
    if (report == NULL || interp_start() < 0) {
        fprintf(stderr, "optdemo profile: cannot make the report\n");
        rc = EXIT_FAILED;
        goto finish;
    }
    rc = profile_report_finish(&report, stdout, &outputs) == 0 ? EXIT_OK : EXIT_FAILED;
finish:
    json_decref(report);
    if (handler_set) {
        sigaction(SIGINT, &previous, NULL);
    }
    stack_profile_free(&profile);
    stack_buffer_free(&buffer);
    remote_sampler_close(&sampler);
    return rc;
}
