/* profile_pid.c: `optdemo profile --pid PID`: sample a CPython 3.11
 * process that is already running, from outside, without stopping it
 * (app/measure/remote_sampler.c reads its memory with process_vm_readv),
 * then print the same tables as `profile SCRIPT.py` on stdout.  No
 * interpreter is started here: the target's frames are plain memory to us. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optdemo.h"
#include "parse.h"
#include "profile_pid.h"
#include "remote_sampler.h"
#include "results.h"
#include "stack_profile.h"
#include "stack_report.h"

/* Room for the samples, mapped with MAP_NORESERVE (only what is written
 * costs memory): at 100 Hz and ~400 bytes a sample, hours of one thread. */
static const size_t BUFFER_BYTES = (size_t)256 << 20;

struct pid_options {
    long pid;
    double duration;              /* seconds; 0: until the target exits or Ctrl-C */
    double rate;                  /* ticks a second */
    long top;
    const char *collapsed_path;
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
            "                       [--collapsed FILE]\n\n"
            "Sample a running CPython 3.11 process from outside, as py-spy does: its\n"
            "memory is read with process_vm_readv, it is never stopped or written to.\n"
            "Every thread's Python stack is one sample a tick; with several threads each\n"
            "stack begins with a frame \"thread TID\".  Prints the functions by samples\n"
            "(self: innermost frame; total: anywhere on the stack) and the heaviest\n"
            "stacks.  Reading another process needs ptrace permission over it: root, or\n"
            "its own user with kernel.yama.ptrace_scope = 0.\n\n"
            "  --pid PID       the process to sample\n"
            "  --duration S    seconds to sample (default 10; 0: until the process exits\n"
            "                  or Ctrl-C); Ctrl-C always stops and reports what was taken\n"
            "  --rate HZ       ticks a second (default 100, at most 10000)\n"
            "  --top N         rows of the tables (default 10)\n"
            "  --collapsed FILE  the stacks as `a;b;c COUNT` lines (flamegraph.pl,\n"
            "                  speedscope)\n\n"
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
    enum { OPT_PID = 256, OPT_DURATION, OPT_RATE, OPT_TOP, OPT_COLLAPSED };
    static const struct option long_options[] = {
        {"help", no_argument, NULL, 'h'},
        {"pid", required_argument, NULL, OPT_PID},
        {"duration", required_argument, NULL, OPT_DURATION},
        {"rate", required_argument, NULL, OPT_RATE},
        {"top", required_argument, NULL, OPT_TOP},
        {"collapsed", required_argument, NULL, OPT_COLLAPSED},
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

static void
print_report(FILE *out, const struct pid_options *opts, const struct remote_sampler *sampler,
             const struct stack_profile *profile)
{
    double expected = sampler->seconds * opts->rate;
    fprintf(out, "optdemo profile: process %ld (%s, CPython %s) sampled for %.3f s%s\n",
            opts->pid, sampler->binary, sampler->version, sampler->seconds,
            sampler->exited ? ", until it exited" : stop_requested ? ", until Ctrl-C" : "");
    fprintf(out, "  %llu ticks at %g Hz (%.0f expected; %llu skipped, the walk being late), "
            "%llu samples (a thread's stack each), %llu dropped (torn or unreadable "
            "frames), %llu threads without a Python frame, %llu cut at %d frames\n",
            (unsigned long long)sampler->ticks, opts->rate, expected,
            (unsigned long long)sampler->late_ticks, (unsigned long long)profile->samples,
            (unsigned long long)sampler->failed, (unsigned long long)sampler->idle,
            (unsigned long long)profile->truncated, REMOTE_MAX_DEPTH);
    fprintf(out, "  reading the target took %.1f us a tick, %.1f ms in all (%.2f%% of the "
            "time; the target is never stopped); %llu code objects read\n",
            sampler->ticks > 0 ? 1e6 * sampler->reading_seconds / (double)sampler->ticks : 0.0,
            1e3 * sampler->reading_seconds,
            sampler->seconds > 0 ? 100 * sampler->reading_seconds / sampler->seconds : 0.0,
            (unsigned long long)sampler->cache_misses);
    stack_report_print_tables(out, profile, opts->top);
}

static int
write_collapsed(const char *path, const struct stack_profile *profile)
{
    FILE *collapsed = fopen(path, "w");
    bool written = collapsed != NULL && stack_profile_write_collapsed(profile, collapsed) == 0;
    if (collapsed != NULL && fclose(collapsed) != 0) {
        written = false;
    }
    if (!written) {
        perror(path);
        return EXIT_FAILED;
    }
    printf("  collapsed stacks: %s\n", path);
    return EXIT_OK;
}

int
profile_pid_main(int argc, char **argv)
{
    struct pid_options opts = {.duration = 10, .rate = 100, .top = 10};
    struct remote_sampler sampler = {0};
    struct stack_buffer buffer = {0};
    struct stack_profile profile = {0};
    struct sigaction action, previous;
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
    const char *outputs[] = {opts.collapsed_path};
    if (results_check_outputs("profile", outputs, 1) < 0) {
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
    print_report(stdout, &opts, &sampler, &profile);
    if (opts.collapsed_path != NULL) {
        rc = write_collapsed(opts.collapsed_path, &profile);
    }
finish:
    if (handler_set) {
        sigaction(SIGINT, &previous, NULL);
    }
    stack_profile_free(&profile);
    stack_buffer_free(&buffer);
    remote_sampler_close(&sampler);
    return rc;
}
