/* sampler.h: a sampling profiler for the thread that runs the program, in
 * the host, vmprof's way: a POSIX timer sends SIGPROF to that thread alone,
 * and the handler copies the thread's own Python frames (qualified name,
 * file, line) into a preallocated stack_buffer.  No allocation, no Python
 * calls and no locks in the handler. */
#ifndef OPTDEMO_SAMPLER_H
#define OPTDEMO_SAMPLER_H

#include "stack_profile.h"

enum sampler_clock {
    SAMPLER_CLOCK_WALL,       /* CLOCK_MONOTONIC: sleeping and waiting are sampled too */
    SAMPLER_CLOCK_CPU,        /* the thread's CPU clock: only time on a CPU */
};

/* Frames kept per sample, innermost first; a deeper stack is cut (and
 * counted as truncated). */
enum { SAMPLER_MAX_DEPTH = 256 };

/* Start sampling the calling thread (which holds the GIL and runs Python)
 * `rate` times a second into `buffer`.  A sample holds the frames that run
 * above the caller's current frame, not that frame and its callers (the
 * same in every sample).  One sampler per process.  0, or -1 with *why set
 * to a static message (errno says more). */
int sampler_start(struct stack_buffer *buffer, double rate, enum sampler_clock clock,
                  const char **why);

/* Stop; the buffer is then the caller's to read.  The SIGPROF handler stays
 * installed, doing nothing: a signal still pending from the deleted timer
 * must not meet SIGPROF's default action, which ends the process. */
void sampler_stop(void);

/* Seconds spent inside the handler during the last sampling (the signal's
 * delivery, measured apart, is not in it). */
double sampler_handler_seconds(void);

#endif
