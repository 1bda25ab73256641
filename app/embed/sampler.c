/* sampler.c: the sampling profiler's timer and signal handler.  A POSIX
 * timer (timer_create, SIGEV_THREAD_ID) sends SIGPROF to the thread that
 * runs the program; the handler walks that thread's _PyInterpreterFrame
 * chain (CPython 3.11 internals, read as _Py_DumpTraceback reads them for
 * faulthandler) and copies each frame's names into the stack_buffer.
 *
 * Why reading the frames from the handler is safe: the signal interrupts the
 * very thread whose frames are read, so its chain cannot change while the
 * handler runs, and every code object on it is kept alive by its frame.
 * Another thread never touches them (the thread state was taken at start,
 * not "whoever holds the GIL now").  But the signal can land where the
 * chain is half-made: each C-level entry into the eval loop (every
 * generator send, every call from C) points tstate->cframe at a fresh
 * _PyCFrame a few instructions before setting its current_frame, which
 * holds stack garbage meanwhile -- json's encoder, all generators, crashed
 * a worker in about one run in six this way.  So the walk is guarded:
 * while it runs, a SIGSEGV or SIGBUS is caught (on_fault) and jumps back
 * out of it, and the sample is dropped and counted as torn; the fault
 * handlers that were there before (faulthandler's) are put back when
 * sampling stops, and a fault outside the walk goes to them.  A frame or
 * code pointer that is not aligned is garbage too (torn, without following
 * it: UBSan rightly calls that undefined).  Readable garbage is caught by
 * the checks: every code object's type, incomplete
 * frames (before their first RESUME) skipped, at most SAMPLER_MAX_DEPTH
 * frames kept and twice that many looked at.  The sanitizers do not
 * instrument this file (app/meson.build): the walk may read freed memory
 * on purpose.
 *
 * asyncio: a coroutine frame whose caller is not a coroutine is the root of
 * a task's step (the event loop's Task.__step, in C or in Python, sends into
 * it); a synthetic frame "task QUALNAME (<task>:0)" goes just outside it, so
 * a task's coroutines group under it in the collapsed stacks and flame
 * graphs, and pyscripts/optdemo/task_watch.py prefixes waiting tasks' stacks
 * with the same frame. */
#include "sampler.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "interp.h"

/* _PyInterpreterFrame, _PyFrame_IsIncomplete: 3.11's layout.  The header
 * is installed with Debian's libpython3.11-dev; another minor version lays
 * frames out differently (3.12 moved f_code, 3.13 renamed it). */
#include <internal/pycore_frame.h>
#if PY_VERSION_HEX < 0x030B0000 || PY_VERSION_HEX >= 0x030C0000
#error "sampler.c reads CPython 3.11's frames"
#endif

/* What the handler reads; written only while no timer is armed. */
static struct {
    struct stack_buffer *buffer;
    PyThreadState *thread_state;     /* the sampled thread's */
    _PyInterpreterFrame *base;       /* its frame when sampling started: the walk stops
                                      * there (the caller's frames are the same in every
                                      * sample, and the sampled code runs above them) */
    timer_t timer;
    bool have_timer;
    bool handler_installed;
    volatile sig_atomic_t active;
    int64_t handler_ns;              /* time spent in the handler while active */
    bool guards_installed;           /* on_fault handles SIGSEGV and SIGBUS */
    struct sigaction previous_segv, previous_bus;   /* theirs before, put back at stop */
} sampler;

/* The walk's guard: on_fault jumps back to on_sigprof while `walking`. */
static sigjmp_buf walk_jump;
static volatile sig_atomic_t walking;

/* Whether a pointer read from a frame may point at a frame or an object:
 * stack garbage often does not (it read 0xe5 once), and following a
 * misaligned pointer is undefined even where it does not fault. */
static inline bool
aligned(const void *pointer)
{
    return ((uintptr_t)pointer & (sizeof(void *) - 1)) == 0;
}

/* What a walk found: whole, cut at SAMPLER_MAX_DEPTH, or torn (a pointer
 * that cannot be a frame's). */
enum walk { WALK_WHOLE, WALK_CUT, WALK_TORN };

/* UTF-8 of a str, read from its own storage (PyUnicode_AsUTF8 may
 * allocate), cut at `size` bytes on a character boundary.  "?" for what is
 * not a ready str.  Its length. */
static size_t
copy_text(PyObject *text, char *out, size_t size)
{
    size_t length = 0;
    if (text == NULL || !PyUnicode_Check(text) || !PyUnicode_IS_READY(text)) {
        out[0] = '?';
        return 1;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        unsigned char bytes[4];
        size_t count;
        if (c < 0x80) {
            bytes[0] = (unsigned char)c;
            count = 1;
        } else if (c < 0x800) {
            bytes[0] = (unsigned char)(0xC0 | (c >> 6));
            bytes[1] = (unsigned char)(0x80 | (c & 0x3F));
            count = 2;
        } else if (c < 0x10000) {
            bytes[0] = (unsigned char)(0xE0 | (c >> 12));
            bytes[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
            bytes[2] = (unsigned char)(0x80 | (c & 0x3F));
            count = 3;
        } else {
            bytes[0] = (unsigned char)(0xF0 | (c >> 18));
            bytes[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
            bytes[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
            bytes[3] = (unsigned char)(0x80 | (c & 0x3F));
            count = 4;
        }
        if (length + count > size) {
            break;
        }
        memcpy(out + length, bytes, count);
        length += count;
    }
    return length;
}

/* The synthetic frame outside a task's root coroutine: "task " and the
 * coroutine's qualname, in file "<task>", line 0. */
static const char TASK_PREFIX[] = "task ";
static const char TASK_FILE[] = "<task>";

/* Whether a frame runs a coroutine's body: CO_COROUTINE, an async
 * generator's, or a generator made a coroutine by @types.coroutine
 * (asyncio.sleep(0)'s __sleep0).  Only its own fields are read; `frame` may
 * be NULL or half-linked, as the walk's frames may. */
static bool
is_coroutine_frame(const _PyInterpreterFrame *frame, int flags)
{
    if (frame == NULL || !aligned(frame) || frame->owner != FRAME_OWNED_BY_GENERATOR) {
        return false;
    }
    PyCodeObject *code = frame->f_code;
    if (code == NULL || !aligned(code) || !PyCode_Check(code) || _PyFrame_IsIncomplete((_PyInterpreterFrame *)frame)) {
        return false;
    }
    return (code->co_flags & flags) != 0;
}

/* A task's root coroutine: a coroutine (or async generator) frame whose
 * caller runs no coroutine -- the event loop's task step, whether
 * _asyncio's C Task (no frame of its own: the caller is Handle._run) or
 * asyncio's Python Task (Task.__step).  A coroutine driven by hand
 * (coro.send() from a plain function) counts as a task too: the frames
 * cannot tell them apart. */
static bool
is_task_root(const _PyInterpreterFrame *frame)
{
    return is_coroutine_frame(frame, CO_COROUTINE | CO_ASYNC_GENERATOR)
           && !is_coroutine_frame(frame->previous,
                                  CO_COROUTINE | CO_ASYNC_GENERATOR | CO_ITERABLE_COROUTINE);
}

/* A SIGSEGV or SIGBUS: in the walk, back out of it (the sample is torn);
 * elsewhere, not ours: the handler from before ours is put back, and the
 * faulting instruction, run again on return, meets it. */
static void
on_fault(int signal_number, siginfo_t *info, void *context)
{
    (void)info;
    (void)context;
    if (walking) {
        walking = 0;
        siglongjmp(walk_jump, 1);
    }
    sigaction(signal_number,
              signal_number == SIGSEGV ? &sampler.previous_segv : &sampler.previous_bus, NULL);
}

/* Copy the sampled thread's frames, innermost first, into the open sample:
 * from its current frame to the one sampling started in (not included).
 * May fault on a half-made frame: on_sigprof guards the call. */
static enum walk
walk_frames(struct stack_buffer *buffer)
{
    char name[STACK_TEXT_MAX], file[STACK_TEXT_MAX];
    int depth = 0, looked_at = 0;
    _PyCFrame *cframe = sampler.thread_state->cframe;
    _PyInterpreterFrame *frame = cframe != NULL ? cframe->current_frame : NULL;

    for (; frame != NULL && frame != sampler.base && depth < SAMPLER_MAX_DEPTH
           && looked_at < 2 * SAMPLER_MAX_DEPTH;
         frame = frame->previous, looked_at++) {
        if (!aligned(frame)) {
            return WALK_TORN;
        }
        PyCodeObject *code = frame->f_code;
        if (code == NULL || !aligned(code) || !PyCode_Check(code)
            || _PyFrame_IsIncomplete(frame)) {
            continue;
        }
        int line = PyCode_Addr2Line(code, _PyInterpreterFrame_LASTI(frame)
                                              * (int)sizeof(_Py_CODEUNIT));
        size_t name_length = copy_text(code->co_qualname, name, sizeof name);
        size_t file_length = copy_text(code->co_filename, file, sizeof file);
        stack_buffer_add_frame(buffer, name, name_length, file, file_length,
                               line > 0 ? (uint32_t)line : 0);
        depth++;
        if (depth < SAMPLER_MAX_DEPTH && is_task_root(frame)) {
            /* Outside the coroutine (appended after it: innermost first). */
            memcpy(name, TASK_PREFIX, sizeof TASK_PREFIX - 1);
            name_length = sizeof TASK_PREFIX - 1
                          + copy_text(code->co_qualname, name + sizeof TASK_PREFIX - 1,
                                      sizeof name - (sizeof TASK_PREFIX - 1));
            stack_buffer_add_frame(buffer, name, name_length, TASK_FILE,
                                   sizeof TASK_FILE - 1, 0);
            depth++;
        }
    }
    return frame != NULL && frame != sampler.base ? WALK_CUT : WALK_WHOLE;
}

static void
on_sigprof(int signal_number, siginfo_t *info, void *context)
{
    (void)signal_number;
    (void)info;
    (void)context;
    int saved_errno = errno;
    struct timespec start, end;
    struct stack_buffer *buffer = sampler.buffer;

    if (!sampler.active) {
        goto done;
    }
    clock_gettime(CLOCK_MONOTONIC, &start);   /* async-signal-safe (vDSO) */
    stack_buffer_begin(buffer);
    volatile enum walk walk = WALK_TORN;   /* read after a jump back */
    if (sigsetjmp(walk_jump, 0) == 0) {   /* else on_fault jumped here */
        walking = 1;
        walk = walk_frames(buffer);
        walking = 0;
    }
    if (walk == WALK_TORN) {
        /* a frame was half-made */
        stack_buffer_abandon(buffer);
        buffer->torn++;
    } else {
        stack_buffer_end(buffer, walk == WALK_CUT);
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    sampler.handler_ns += (int64_t)(end.tv_sec - start.tv_sec) * 1000000000
                          + (end.tv_nsec - start.tv_nsec);
done:
    errno = saved_errno;
}

/* on_fault for SIGSEGV and SIGBUS, the handlers before it kept.  SA_NODEFER:
 * the jump out of on_fault leaves no fault signal blocked.  0, or -1. */
static int
install_guards(void)
{
    struct sigaction action;
    if (sampler.guards_installed) {
        return 0;
    }
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_fault;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGSEGV, &action, &sampler.previous_segv) < 0) {
        return -1;
    }
    if (sigaction(SIGBUS, &action, &sampler.previous_bus) < 0) {
        sigaction(SIGSEGV, &sampler.previous_segv, NULL);
        return -1;
    }
    sampler.guards_installed = true;
    return 0;
}

int
sampler_start(struct stack_buffer *buffer, double rate, enum sampler_clock clock,
              const char **why)
{
    clockid_t clock_id = CLOCK_MONOTONIC;
    struct sigevent event;
    long interval_ns = (long)(1e9 / rate);

    if (sampler.active) {
        /* One timer, one buffer: a sample() inside a sampled call would
         * take them over, and the outer call's timer would outlive it. */
        *why = "already sampling (sample() calls do not nest)";
        errno = EBUSY;
        return -1;
    }
    sampler.buffer = buffer;
    sampler.handler_ns = 0;
    sampler.thread_state = PyThreadState_Get();
    sampler.base = sampler.thread_state->cframe != NULL
                       ? sampler.thread_state->cframe->current_frame : NULL;
    if (!sampler.handler_installed) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = on_sigprof;
        action.sa_flags = SA_SIGINFO | SA_RESTART;
        sigemptyset(&action.sa_mask);
        if (sigaction(SIGPROF, &action, NULL) < 0) {
            *why = "cannot install the SIGPROF handler";
            goto error;
        }
        sampler.handler_installed = true;
    }
    if (install_guards() < 0) {
        *why = "cannot install the walk's SIGSEGV and SIGBUS handlers";
        goto error;
    }
    if (clock == SAMPLER_CLOCK_CPU && (errno = pthread_getcpuclockid(pthread_self(),
                                                                    &clock_id)) != 0) {
        *why = "cannot read this thread's CPU clock";
        goto error;
    }
    memset(&event, 0, sizeof event);
    event.sigev_notify = SIGEV_THREAD_ID;
    event.sigev_signo = SIGPROF;
    event._sigev_un._tid = gettid();   /* sigev_notify_thread_id: glibc 2.36 names it only this way */
    if (timer_create(clock_id, &event, &sampler.timer) < 0) {
        *why = "cannot create the sampling timer";
        goto error;
    }
    sampler.have_timer = true;
    sampler.active = 1;
    struct itimerspec every = {
        .it_interval = {interval_ns / 1000000000L, interval_ns % 1000000000L},
        .it_value = {interval_ns / 1000000000L, interval_ns % 1000000000L},
    };
    if (timer_settime(sampler.timer, 0, &every, NULL) < 0) {
        *why = "cannot arm the sampling timer";
        goto error;
    }
    return 0;
error:
    sampler_stop();
    return -1;
}

void
sampler_stop(void)
{
    sampler.active = 0;
    if (sampler.have_timer) {
        timer_delete(sampler.timer);
        sampler.have_timer = false;
    }
    if (sampler.guards_installed) {
        /* No walk can start now (active is 0): the faults are theirs again. */
        sigaction(SIGSEGV, &sampler.previous_segv, NULL);
        sigaction(SIGBUS, &sampler.previous_bus, NULL);
        sampler.guards_installed = false;
    }
}

double
sampler_handler_seconds(void)
{
    return 1e-9 * (double)sampler.handler_ns;
}
