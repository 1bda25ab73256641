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
 * not "whoever holds the GIL now").  What stays: the compiler may order the
 * stores that link a new frame differently from the source, so a signal
 * landing between them could see a half-linked frame; the handler checks
 * every code object's type, skips incomplete frames (before their first
 * RESUME), and stops at SAMPLER_MAX_DEPTH -- faulthandler takes the same
 * risk with fewer checks.  One more window is not a matter of ordering:
 * _PyEval_EvalFrameDefault sets tstate->cframe to its own _PyCFrame before
 * it stores that cframe's current_frame, so a signal in between finds
 * uninitialised stack there (the refleak suite's debug build crashed on it).
 * The innermost frame is therefore read through process_vm_readv on our own
 * pid first (a bad address fails with EFAULT instead of faulting), with its
 * code object's type; the frames it links to are initialised ones.
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
#include <signal.h>
#include <string.h>
#include <sys/uio.h>
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
    timer_t timer;
    bool have_timer;
    bool handler_installed;
    volatile sig_atomic_t active;
    int64_t handler_ns;              /* time spent in the handler while active */
    pid_t pid;                       /* ours, for readable_frame */
} sampler;

/* Whether `frame` (the cframe's current_frame, possibly uninitialised) is
 * readable and runs a code object: read with process_vm_readv, which is a
 * system call and fails on an unmapped address rather than faulting. */
static bool
readable_frame(const _PyInterpreterFrame *frame)
{
    _PyInterpreterFrame copy;
    PyObject code;
    struct iovec local = {&copy, sizeof copy}, remote = {(void *)frame, sizeof copy};
    if (frame == NULL || process_vm_readv(sampler.pid, &local, 1, &remote, 1, 0)
                             != (ssize_t)sizeof copy) {
        return false;
    }
    local = (struct iovec){&code, sizeof code};
    remote = (struct iovec){copy.f_code, sizeof code};
    return copy.f_code != NULL
           && process_vm_readv(sampler.pid, &local, 1, &remote, 1, 0) == (ssize_t)sizeof code
           && Py_TYPE(&code) == &PyCode_Type;
}

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
    if (frame == NULL || frame->owner != FRAME_OWNED_BY_GENERATOR) {
        return false;
    }
    PyCodeObject *code = frame->f_code;
    if (code == NULL || !PyCode_Check(code) || _PyFrame_IsIncomplete((_PyInterpreterFrame *)frame)) {
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

static void
on_sigprof(int signal_number, siginfo_t *info, void *context)
{
    (void)signal_number;
    (void)info;
    (void)context;
    int saved_errno = errno;
    char name[STACK_TEXT_MAX], file[STACK_TEXT_MAX];
    int depth = 0;

    if (!sampler.active) {
        goto done;
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);   /* async-signal-safe (vDSO) */
    struct stack_buffer *buffer = sampler.buffer;
    _PyCFrame *cframe = sampler.thread_state->cframe;
    _PyInterpreterFrame *frame = cframe != NULL ? cframe->current_frame : NULL;
    if (!readable_frame(frame)) {
        frame = NULL;   /* counted as a sample outside Python */
    }
    stack_buffer_begin(buffer);
    for (; frame != NULL && depth < SAMPLER_MAX_DEPTH; frame = frame->previous) {
        PyCodeObject *code = frame->f_code;
        if (code == NULL || !PyCode_Check(code) || _PyFrame_IsIncomplete(frame)) {
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
    stack_buffer_end(buffer, frame != NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    sampler.handler_ns += (int64_t)(end.tv_sec - start.tv_sec) * 1000000000
                          + (end.tv_nsec - start.tv_nsec);
done:
    errno = saved_errno;
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
    sampler.pid = getpid();
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
}

double
sampler_handler_seconds(void)
{
    return 1e-9 * (double)sampler.handler_ns;
}
