/* remote_sampler.h: `optdemo profile --pid PID`'s sampler.  It reads
 * another CPython 3.11 process's memory with process_vm_readv, as py-spy
 * does, never stopping or writing to it: _PyRuntime found in the .dynsym of
 * the file that exports it, then, `rate` times a second, each thread's
 * frame chain, copied into a stack_buffer (one sample per thread per tick).
 * The target runs on meanwhile, so any read may see a frame being torn down:
 * such a sample is dropped and counted, never guessed at. */
#ifndef OPTDEMO_REMOTE_SAMPLER_H
#define OPTDEMO_REMOTE_SAMPLER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "stack_profile.h"

/* Frames kept per sample (innermost first), threads and interpreters
 * walked per tick: every loop over the target's lists is bounded, as a
 * list read while it changes may loop. */
enum { REMOTE_MAX_DEPTH = 256, REMOTE_MAX_THREADS = 64, REMOTE_MAX_INTERPRETERS = 16 };

enum remote_status {
    REMOTE_OK,
    REMOTE_NO_PROCESS,        /* no such pid */
    REMOTE_NOT_PYTHON,        /* no mapped file exports _PyRuntime */
    REMOTE_WRONG_VERSION,     /* a CPython other than 3.11 */
    REMOTE_NO_PERMISSION,     /* process_vm_readv or /proc said EPERM/EACCES */
    REMOTE_FAILED,            /* anything else (out of memory, unreadable files) */
};

struct code_cache;

/* One attached target.  The counters describe the last remote_sampler_run. */
struct remote_sampler {
    pid_t pid;
    char binary[256];             /* the file exporting _PyRuntime */
    char version[32];             /* Py_Version as text, "3.11.2" */
    uintptr_t runtime;            /* &_PyRuntime in the target */
    uintptr_t code_type, unicode_type, bytes_type;   /* their type objects; 0: unchecked */
    struct code_cache *cache;     /* names and line tables per code object */
    bool several_threads;         /* seen more than one thread: label every stack */
    uint64_t ticks;               /* times the sampler woke and walked the threads */
    uint64_t late_ticks;          /* ticks skipped because walking took longer than a tick */
    uint64_t failed;              /* samples dropped: a read failed or saw garbage */
    uint64_t idle;                /* thread states with no Python frame at that moment */
    uint64_t cache_misses;        /* code objects read afresh */
    double seconds;               /* wall time sampled */
    double reading_seconds;       /* of which spent reading the target */
    bool exited;                  /* the target exited while being sampled */
};

/* Attach to `pid` (read-only: nothing is stopped).  REMOTE_OK, or a status
 * with a one-line reason in why[0, why_size). */
enum remote_status remote_sampler_open(struct remote_sampler *sampler, pid_t pid, char *why,
                                       size_t why_size);

/* Sample `rate` times a second for `duration` seconds (0: until the target
 * exits), or until *stop becomes non-zero, into `buffer`.  Each thread's
 * stack is one sample; once the target has had several threads, each stack
 * gets an outermost frame "thread TID" (file "<thread>", line 0).  0, or -1
 * when the target could not be read at all (why says why). */
int remote_sampler_run(struct remote_sampler *sampler, struct stack_buffer *buffer, double rate,
                       double duration, volatile sig_atomic_t *stop, char *why, size_t why_size);

void remote_sampler_close(struct remote_sampler *sampler);

#endif
