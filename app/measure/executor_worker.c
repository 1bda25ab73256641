/* executor_worker.c: the protocol carried over pipes to a child process --
 * `optdemo worker` (the embedded interpreter, re-executed) or
 * pyscripts/worker.py under another Python.  The child runs in a process
 * group of its own (Ctrl-C reaches only the host, which then stops it),
 * dies with the host (PR_SET_PDEATHSIG), and carries rlimits: address
 * space, CPU, file size, processes, no core files.  Every request has a
 * wall-clock deadline; past it the worker is asked for its Python stack
 * (SIGUSR1, faulthandler) and then killed with its whole group.  The
 * worker's stdout and stderr are drained all the time (a full pipe would
 * otherwise block it and look like a hang) and only their last lines are
 * kept, to say why it died. */
#include "executor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "text.h"

enum {
    TAIL_BYTES = 8192,        /* the worker's last output kept for a crash report */
    TAIL_LINES = 12,          /* ... of which a report shows this many lines */
    READ_CHUNK = 65536,
    REQUEST_FD = 3,           /* the child reads requests here */
    RESPONSE_FD = 4,          /* ... and writes responses here */
};

/* How long a worker may take to finish after `quit`, and to write its
 * stack after SIGUSR1, before it is killed. */
static const double QUIT_GRACE = 2.0;
static const double STACK_GRACE = 0.3;

/* Invariants: pid > 0 exactly while a child exists (not yet reaped); the
 * three descriptors are -1 when closed; `pending` holds response bytes
 * after the last complete line; `tail` holds the last TAIL_BYTES of the
 * child's stdout+stderr. */
struct worker {
    char **argv;              /* NULL-terminated, owned */
    struct worker_limits limits;
    bool (*interrupted)(void);
    pid_t pid;
    int to_worker, from_worker, from_output;
    char *pending;
    size_t pending_length, pending_capacity;
    double deadline;          /* clock_wall() by which the current answer is due */
    char tail[TAIL_BYTES];
    size_t tail_length;
};

/* ---- in the child, between fork and exec: async-signal-safe calls only --- */

static void
child_write(const char *text)
{
    ssize_t ignored = write(STDERR_FILENO, text, strlen(text));
    (void)ignored;
}

static void
child_limit(int resource, rlim_t wanted, rlim_t hard_extra)
{
    struct rlimit limit;
    if (getrlimit(resource, &limit) < 0) {
        return;
    }
    /* Never above the hard limit we were given (only root may raise it). */
    rlim_t soft = limit.rlim_max != RLIM_INFINITY && wanted > limit.rlim_max ? limit.rlim_max
                                                                           : wanted;
    rlim_t hard = soft + hard_extra;
    if (limit.rlim_max != RLIM_INFINITY && hard > limit.rlim_max) {
        hard = limit.rlim_max;
    }
    limit.rlim_cur = soft;
    limit.rlim_max = hard;
    setrlimit(resource, &limit);
}

static void
child_apply_limits(const struct worker_limits *limits)
{
    child_limit(RLIMIT_CORE, 0, 0);
#ifndef __SANITIZE_ADDRESS__
    /* AddressSanitizer reserves terabytes of shadow memory: no RLIMIT_AS. */
    if (limits->memory_bytes > 0) {
        child_limit(RLIMIT_AS, (rlim_t)limits->memory_bytes, 0);
    }
#endif
    if (limits->cpu_seconds > 0) {
        /* The soft limit sends SIGXCPU; the hard one, 5 s later, SIGKILL. */
        child_limit(RLIMIT_CPU, (rlim_t)limits->cpu_seconds, 5);
    }
    if (limits->file_bytes > 0) {
        child_limit(RLIMIT_FSIZE, (rlim_t)limits->file_bytes, 0);
    }
    if (limits->processes > 0) {
        child_limit(RLIMIT_NPROC, (rlim_t)limits->processes, 0);
    }
}

static _Noreturn void
child_exec(struct worker *self, int requests, int responses, int output, int devnull,
           pid_t parent)
{
    sigset_t none;
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) {
        _exit(127);  /* the host died before the line above */
    }
    /* Move the protocol's ends out of the way before putting them on 3 and 4
     * (either may already be 3 or 4). */
    int request_fd = fcntl(requests, F_DUPFD, 10);
    int response_fd = fcntl(responses, F_DUPFD, 10);
    bool redirect = !self->limits.inherit_stdio;
    if (request_fd < 0 || response_fd < 0
        || (redirect && (dup2(devnull, STDIN_FILENO) < 0 || dup2(output, STDOUT_FILENO) < 0
                         || dup2(output, STDERR_FILENO) < 0))
        || dup2(request_fd, REQUEST_FD) < 0 || dup2(response_fd, RESPONSE_FD) < 0) {
        child_write("optdemo worker: cannot set up its file descriptors\n");
        _exit(127);
    }
    close_range(RESPONSE_FD + 1, ~0U, 0);
    /* The host's Python ignores SIGPIPE and handles SIGINT: start clean. */
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP) {
            signal(sig, SIG_DFL);
        }
    }
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    child_apply_limits(&self->limits);
    execv(self->argv[0], self->argv);
    child_write("optdemo worker: cannot execute ");
    child_write(self->argv[0]);
    child_write("\n");
    _exit(127);
}

/* ---- in the host ------------------------------------------------------------ */

static void
close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

/* Keep the last TAIL_BYTES of what the worker printed. */
static void
tail_append(struct worker *self, const char *bytes, size_t length)
{
    if (length >= TAIL_BYTES) {
        bytes += length - TAIL_BYTES;
        length = TAIL_BYTES;
    }
    if (self->tail_length + length > TAIL_BYTES) {
        size_t drop = self->tail_length + length - TAIL_BYTES;
        memmove(self->tail, self->tail + drop, self->tail_length - drop);
        self->tail_length -= drop;
    }
    memcpy(self->tail + self->tail_length, bytes, length);
    self->tail_length += length;
}

/* Read what is there of the worker's output.  False at end of file. */
static bool
drain_output(struct worker *self)
{
    char buffer[4096];
    for (;;) {
        ssize_t n = read(self->from_output, buffer, sizeof buffer);
        if (n > 0) {
            tail_append(self, buffer, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n == 0) {
            close_fd(&self->from_output);
            return false;
        }
        return true;  /* EAGAIN: nothing more for now */
    }
}

/* Collect the worker's output for up to `seconds` or until it closes. */
static void
collect_output(struct worker *self, double seconds)
{
    double deadline = clock_wall() + seconds;
    while (self->from_output >= 0) {
        double left = deadline - clock_wall();
        if (left <= 0) {
            break;
        }
        struct pollfd watch = {.fd = self->from_output, .events = POLLIN};
        int ready = poll(&watch, 1, (int)(left * 1000) + 1);
        if (ready < 0 && errno != EINTR) {
            break;
        }
        if (ready > 0 && !drain_output(self)) {
            break;
        }
    }
}

/* The last TAIL_LINES lines of the worker's output (malloc'd, maybe ""). */
static char *
tail_lines(const struct worker *self)
{
    size_t end = self->tail_length;
    while (end > 0 && (self->tail[end - 1] == '\n' || self->tail[end - 1] == '\r')) {
        end--;
    }
    size_t start = end;
    int lines = 0;
    while (start > 0) {
        if (self->tail[start - 1] == '\n' && ++lines == TAIL_LINES) {
            break;
        }
        start--;
    }
    char *text = malloc(end - start + 1);
    if (text != NULL) {
        memcpy(text, self->tail + start, end - start);
        text[end - start] = '\0';
    }
    return text;
}

/* The process that runs the protocol: the child itself, or, when the child
 * is a sandbox launcher (bwrap), the last of its line of only children.
 * 0 when there is none. */
static pid_t
innermost(pid_t pid)
{
    for (int depth = 0; pid > 0 && depth < 8; depth++) {
        char path[64], text[64];
        snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
        FILE *file = fopen(path, "r");
        long child = 0;
        bool found = file != NULL && fgets(text, sizeof text, file) != NULL
                     && sscanf(text, "%ld", &child) == 1 && child > 0;
        if (file != NULL) {
            fclose(file);
        }
        if (!found) {
            break;
        }
        pid = (pid_t)child;
    }
    return pid;
}

/* Wait up to `seconds` for the child to exit, without reaping it (so its
 * process group id stays reserved for the kill that follows).  True if it
 * has exited. */
static bool
wait_exit(pid_t pid, double seconds)
{
    double deadline = clock_wall() + seconds;
    for (;;) {
        siginfo_t info = {0};
        if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) < 0) {
            return errno != EINTR;
        }
        if (info.si_pid == pid) {
            return true;
        }
        if (clock_wall() >= deadline) {
            return false;
        }
        nanosleep(&(struct timespec){.tv_nsec = 5 * 1000 * 1000}, NULL);
    }
}

/* Kill whatever is left of the worker's process group, reap the worker and
 * close the pipes.  Returns its wait status. */
static int
reap(struct worker *self)
{
    int status = 0;
    if (self->pid > 0) {
        /* A sandboxed worker is PID 1 of its namespace: killing it ends
         * everything in there, whatever session or group it made. */
        pid_t inner = innermost(self->pid);
        if (inner != self->pid) {
            kill(inner, SIGKILL);
        }
        kill(-self->pid, SIGKILL);
        while (waitpid(self->pid, &status, 0) < 0 && errno == EINTR) {
        }
        self->pid = 0;
    }
    close_fd(&self->to_worker);
    close_fd(&self->from_worker);
    close_fd(&self->from_output);
    self->pending_length = 0;
    return status;
}

/* "the worker was killed by signal 11 (Segmentation fault)" and its last
 * output lines. */
static char *
describe_death(struct worker *self, int status)
{
    char how[160], *text = NULL, *tail = NULL;
    if (WIFSIGNALED(status)) {
        snprintf(how, sizeof how, "the worker was killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    } else if (WIFEXITED(status)) {
        snprintf(how, sizeof how, "the worker exited with status %d", WEXITSTATUS(status));
    } else {
        snprintf(how, sizeof how, "the worker stopped answering");
    }
    tail = tail_lines(self);
    text = text_format("%s%s%s", how, tail != NULL && *tail != '\0' ? "; its last lines:\n" : "",
                       tail != NULL ? tail : "");
    free(tail);
    return text;
}

/* Drop the runner's own frames from a stack dump, in place (and PyPy's
 * start-up frames): the user needs the line of their variant, not the
 * timing loop around it. */
static void
drop_runner_frames(char *text)
{
    char *out = text;
    for (char *line = text; *line != '\0';) {
        char *end = strchr(line, '\n');
        size_t length = end != NULL ? (size_t)(end - line) + 1 : strlen(line);
        bool runner = memmem(line, length, "optdemo/runner.py", 17) != NULL
                      || memmem(line, length, "pyscripts/worker.py", 19) != NULL
                      || memmem(line, length, "app_main.py", 11) != NULL;  /* PyPy's */
        if (!runner) {
            memmove(out, line, length);
            out += length;
        }
        line += length;
    }
    *out = '\0';
}

/* The worker closed its end or could not be written to: it died. */
static enum exec_status
worker_died(struct worker *self, char **error)
{
    if (self->pid > 0 && !wait_exit(self->pid, QUIT_GRACE)) {
        kill(-self->pid, SIGKILL);
    }
    collect_output(self, STACK_GRACE);
    int status = reap(self);
    *error = describe_death(self, status);
    if (*error != NULL) {
        drop_runner_frames(*error);
    }
    return EXEC_CRASHED;
}

static enum exec_status
worker_timed_out(struct worker *self, char **error)
{
    /* faulthandler (registered by the runner) writes every thread's stack
     * on SIGUSR1; the stack says where the variant was stuck. */
    self->tail_length = 0;
    kill(innermost(self->pid), SIGUSR1);
    collect_output(self, STACK_GRACE);
    reap(self);
    char *stack = tail_lines(self);
    if (stack != NULL) {
        drop_runner_frames(stack);
    }
    *error = text_format("no answer within %.3g s (--timeout): the worker was stopped%s%s",
                         self->limits.timeout,
                         stack != NULL && *stack != '\0' ? "; where it was:\n" : "",
                         stack != NULL ? stack : "");
    free(stack);
    return EXEC_TIMEOUT;
}

static int
worker_start(struct executor *ex, char **error)
{
    struct worker *self = ex->state;
    int requests[2] = {-1, -1}, responses[2] = {-1, -1}, output[2] = {-1, -1};
    int devnull = -1, rc = -1;

    reap(self);
    self->tail_length = 0;
    if (pipe2(requests, O_CLOEXEC) < 0 || pipe2(responses, O_CLOEXEC) < 0
        || pipe2(output, O_CLOEXEC) < 0
        || (devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
        *error = text_format("cannot start a worker: %s", strerror(errno));
        goto done;
    }
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        *error = text_format("cannot start a worker: fork: %s", strerror(errno));
        goto done;
    }
    if (pid == 0) {
        child_exec(self, requests[0], responses[1], output[1], devnull, parent);
    }
    /* Also from here: a kill of the group before the child's own setpgid. */
    setpgid(pid, pid);
    self->pid = pid;
    self->to_worker = requests[1];
    self->from_worker = responses[0];
    self->from_output = output[0];
    requests[1] = responses[0] = output[0] = -1;
    fcntl(self->from_worker, F_SETFL, O_NONBLOCK);
    fcntl(self->from_output, F_SETFL, O_NONBLOCK);
    rc = 0;
done:
    close_fd(&requests[0]);
    close_fd(&requests[1]);
    close_fd(&responses[0]);
    close_fd(&responses[1]);
    close_fd(&output[0]);
    close_fd(&output[1]);
    close_fd(&devnull);
    return rc;
}

static int
write_all(int fd, const char *bytes, size_t length)
{
    while (length > 0) {
        ssize_t n = write(fd, bytes, length);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return -1;
        }
        bytes += n;
        length -= (size_t)n;
    }
    return 0;
}

/* A complete line in `pending` becomes *response.  True if there was one. */
static bool
take_line(struct worker *self, char **response)
{
    char *newline = self->pending_length > 0 ? memchr(self->pending, '\n', self->pending_length)
                                             : NULL;
    if (newline == NULL) {
        return false;
    }
    size_t length = (size_t)(newline - self->pending);
    *response = strndup(self->pending, length);
    memmove(self->pending, newline + 1, self->pending_length - length - 1);
    self->pending_length -= length + 1;
    return *response != NULL;
}

/* Read what the worker answered so far.  0; 1 at end of file; -1 no
 * memory; -2 a response past EXECUTOR_MAX_ANSWER_BYTES bytes. */
static int
read_response(struct worker *self)
{
    for (;;) {
        if (self->pending_capacity - self->pending_length < READ_CHUNK) {
            size_t grown = self->pending_capacity * 2 + READ_CHUNK;
            char *bigger = realloc(self->pending, grown);
            if (bigger == NULL) {
                return -1;
            }
            self->pending = bigger;
            self->pending_capacity = grown;
        }
        ssize_t n = read(self->from_worker, self->pending + self->pending_length,
                         self->pending_capacity - self->pending_length);
        if (n > 0) {
            self->pending_length += (size_t)n;
            if (self->pending_length > EXECUTOR_MAX_ANSWER_BYTES) {
                return -2;
            }
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        return n == 0 ? 1 : 0;
    }
}

/* The next line of the answer, by the request's deadline. */
static enum exec_status
await_line(struct worker *self, char **response, char **error)
{
    for (;;) {
        if (take_line(self, response)) {
            return EXEC_OK;
        }
        double left = self->deadline - clock_wall();
        if (left <= 0) {
            return worker_timed_out(self, error);
        }
        struct pollfd watch[2] = {
            {.fd = self->from_worker, .events = POLLIN},
            {.fd = self->from_output, .events = POLLIN},  /* -1 once closed: ignored */
        };
        int ready = poll(watch, 2, left > 3600 ? 3600 * 1000 : (int)(left * 1000) + 1);
        if (ready < 0 && errno == EINTR) {
            if (self->interrupted != NULL && self->interrupted()) {
                reap(self);
                return EXEC_INTERRUPTED;
            }
            continue;
        }
        if (ready < 0) {
            *error = text_format("internal error: poll: %s", strerror(errno));
            reap(self);
            return EXEC_CRASHED;
        }
        if (watch[1].revents != 0) {
            drain_output(self);
        }
        if (watch[0].revents != 0) {
            int read_status = read_response(self);
            if (read_status < 0) {
                *error = read_status == -1 ? strdup("out of memory")
                                           : text_format("the worker's answer passed %d MiB: "
                                                         "it was stopped",
                                                         EXECUTOR_MAX_ANSWER_BYTES >> 20);
                reap(self);
                return EXEC_CRASHED;
            }
            if (read_status > 0
                && (self->pending_length == 0
                    || memchr(self->pending, '\n', self->pending_length) == NULL)) {
                return worker_died(self, error);
            }
        }
    }
}

static enum exec_status
worker_request(struct executor *ex, const char *line, char **response, char **error)
{
    struct worker *self = ex->state;
    double timeout = self->limits.timeout > 0 ? self->limits.timeout : 1e9;
    self->deadline = clock_wall() + timeout;

    if (self->pid <= 0) {
        *error = strdup("internal error: no worker is running");
        return EXEC_ERROR;
    }
    if (write_all(self->to_worker, line, strlen(line)) < 0
        || write_all(self->to_worker, "\n", 1) < 0) {
        return worker_died(self, error);
    }
    return await_line(self, response, error);
}

/* The next line of the last request's answer (its deadline still holds). */
static enum exec_status
worker_more(struct executor *ex, char **line, char **error)
{
    struct worker *self = ex->state;
    if (self->pid <= 0) {
        *error = strdup("internal error: no worker is running");
        return EXEC_ERROR;
    }
    return await_line(self, line, error);
}

static void
worker_stop(struct executor *ex)
{
    struct worker *self = ex->state;
    if (self->pid <= 0) {
        return;
    }
    if (ex->running) {
        char *answer = NULL, *ignored = NULL;
        double timeout = self->limits.timeout;
        self->limits.timeout = QUIT_GRACE;
        if (worker_request(ex, "{\"op\":\"quit\"}", &answer, &ignored) == EXEC_OK) {
            close_fd(&self->to_worker);
            wait_exit(self->pid, QUIT_GRACE);
        }
        self->limits.timeout = timeout;
        free(answer);
        free(ignored);
    }
    reap(self);
}

static void
worker_destroy(struct executor *ex)
{
    struct worker *self = ex->state;
    if (self == NULL) {
        return;
    }
    reap(self);
    for (char **arg = self->argv; arg != NULL && *arg != NULL; arg++) {
        free(*arg);
    }
    free(self->argv);
    free(self->pending);
    free(self);
    ex->state = NULL;
}

static const struct executor_ops worker_ops = {
    .start = worker_start,
    .request = worker_request,
    .more = worker_more,
    .stop = worker_stop,
    .destroy = worker_destroy,
};

const char *const *
executor_worker_arguments(bool lab)
{
    static const char *const plain[] = {"worker", "--fds", EXECUTOR_WORKER_FDS, NULL};
    static const char *const lab_loop[] = {"worker", "--lab", "--fds", EXECUTOR_WORKER_FDS, NULL};
    return lab ? lab_loop : plain;
}

int
executor_worker_init(struct executor *ex, char *const *argv, const struct worker_limits *limits,
                     bool (*interrupted)(void))
{
    size_t argc = 0;
    while (argv[argc] != NULL) {
        argc++;
    }
    memset(ex, 0, sizeof *ex);
    struct worker *self = calloc(1, sizeof *self);
    if (self == NULL) {
        return -1;
    }
    self->pid = 0;
    self->to_worker = self->from_worker = self->from_output = -1;
    self->limits = *limits;
    self->interrupted = interrupted;
    self->argv = calloc(argc + 1, sizeof *self->argv);
    ex->state = self;
    ex->ops = &worker_ops;
    ex->kind = "worker";
    ex->template = "c";
    if (self->argv == NULL) {
        worker_destroy(ex);
        return -1;
    }
    for (size_t i = 0; i < argc; i++) {
        self->argv[i] = strdup(argv[i]);
        if (self->argv[i] == NULL) {
            worker_destroy(ex);
            return -1;
        }
    }
    /* A worker that dies while the host writes to it must give EPIPE, not
     * kill the host (the embedded interpreter ignores SIGPIPE too). */
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

pid_t
executor_worker_pid(const struct executor *ex)
{
    const struct worker *self = ex->state;
    return ex->ops == &worker_ops && self->pid > 0 ? innermost(self->pid) : 0;
}
