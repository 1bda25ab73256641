/* lab_seccomp.c: the system calls a lab solution's worker may still make
 * once `_optdemo_host.lockdown()` has run, as a libseccomp allowlist: what
 * the runner, the standard library and NumPy need, nothing else.  An
 * allowlist rather than the denylist it replaced, so a call nobody thought
 * of (a new kernel's among them) fails with EPERM instead of working.  The
 * few allowed calls that could reach another process or the terminal are
 * allowed only with arguments that cannot. */
#include "lab_seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "text.h"

/* Everything the worker may call; all else gets EPERM.  A name here that
 * is also in `restricted` below is allowed only with the arguments named
 * there.  Deliberately absent, so EPERM: fork, vfork, clone (see
 * lab_seccomp_install), execve, execveat; signals, pidfds, priorities,
 * affinity, sessions and ptrace aimed at other processes; every socket
 * (the protocol runs on inherited pipes); setitimer, alarm and timers;
 * prctl, unshare, setns, mount, chroot, keyctl, bpf, perf_event_open,
 * userfaultfd, io_uring, mknod (no FIFOs), personality, seccomp itself,
 * setuid and friends.  Leaving a call out costs a student at most an
 * OSError; letting one in that a hostile solution can abuse costs the
 * whole batch. */
static const char *const allowed_syscalls[] = {
    /* The runner's protocol: requests read from one inherited pipe,
     * responses written to another, output captured by dup2-ing fds 1
     * and 2 onto a temporary file. */
    "read", "write", "readv", "writev", "pread64", "pwrite64", "lseek",
    "close", "close_range", "dup", "dup2", "dup3", "pipe", "pipe2",
    "fcntl", "ioctl", "poll", "ppoll", "select", "pselect6",
    /* Imports (the standard library's and NumPy's, also the first ones
     * after lockdown) and files in the solution's private folder.  Which
     * paths it may touch is the audit hook's business (sandbox.py); a
     * system call does not see paths in a form worth filtering. */
    "open", "openat", "stat", "fstat", "lstat", "newfstatat", "statx",
    "statfs", "fstatfs", "access", "faccessat", "faccessat2",
    "readlink", "readlinkat", "getdents64", "getcwd", "chdir", "fchdir",
    "mkdir", "mkdirat", "rmdir", "unlink", "unlinkat",
    "rename", "renameat", "renameat2", "truncate", "ftruncate", "fsync", "fdatasync",
    /* Memory: malloc and pymalloc's arenas, dlopen of extension modules,
     * the mmap module, AddressSanitizer's shadow and allocator. */
    "brk", "mmap", "munmap", "mprotect", "mremap", "madvise",
    /* Clocks, sleeping and randomness.  Most clock reads never get here
     * (the vDSO answers them), but the kernel falls back to the real call
     * on some clock sources. */
    "clock_gettime", "clock_getres", "gettimeofday", "time",
    "clock_nanosleep", "nanosleep", "getrandom",
    /* Signals: handlers (Ctrl-C, faulthandler's crash report and the
     * host's SIGUSR1 stack request), and signals to itself -- raise(),
     * abort() and faulthandler re-raising a fatal signal. */
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "restart_syscall",
    "kill", "tkill", "tgkill",
    /* What the process may learn about itself; limits only read. */
    "getpid", "gettid", "getppid", "getuid", "geteuid", "getgid", "getegid",
    "getresuid", "getresgid", "getgroups", "getpgrp", "getpgid", "getsid",
    "uname", "sysinfo", "getrusage", "times", "getrlimit", "prlimit64",
    "sched_getaffinity", "sched_yield",
    /* Locks, and glibc's bookkeeping for the one thread there is. */
    "futex", "set_robust_list", "rseq",
    "exit", "exit_group",
    NULL,
};

/* How an allowed call's arguments are narrowed. */
enum restriction {
    ONLY_TO_ITSELF,          /* argument 0 is this process's pid */
    ONLY_HARMLESS_IOCTLS,    /* argument 1 is in harmless_ioctls */
    ONLY_HARMLESS_FCNTLS,    /* argument 1 is in harmless_fcntls */
    ONLY_READING_OWN_LIMITS, /* argument 0 is 0 or its pid, argument 2 NULL */
};

static const struct {
    const char *name;
    enum restriction restriction;
    const char *words;       /* for lab_seccomp_restriction */
} restricted[] = {
    /* The filter names the pid it was installed in: no process can be
     * created afterwards, so that pid is the only one that is "itself".
     * tgkill's thread group decides, so raise() from any thread of it
     * would pass; there is no other thread. */
    {"kill", ONLY_TO_ITSELF, "only to itself"},
    {"tkill", ONLY_TO_ITSELF, "only to itself"},
    {"tgkill", ONLY_TO_ITSELF, "only to itself"},
    {"ioctl", ONLY_HARMLESS_IOCTLS, "only TCGETS, TIOCGWINSZ, FIONREAD, FIOCLEX, FIONCLEX, FIONBIO"},
    {"fcntl", ONLY_HARMLESS_FCNTLS, "only duplicating, descriptor and status flags, record locks"},
    {"prlimit64", ONLY_READING_OWN_LIMITS, "only reading its own limits"},
};

/* isatty() (TCGETS), a terminal's size, bytes waiting on a pipe,
 * os.set_inheritable() and os.set_blocking() (FIONBIO: Python prefers it
 * to fcntl).  Not TIOCSTI above all: it types characters into the
 * terminal the teacher is using. */
static const unsigned long harmless_ioctls[] = {
    TCGETS, TIOCGWINSZ, FIONREAD, FIOCLEX, FIONCLEX, FIONBIO,
};

/* Duplicates, the close-on-exec and status flags, advisory record locks
 * (sqlite3 on a file in its folder).  Not F_SETOWN, F_SETOWN_EX, F_SETSIG,
 * F_SETLEASE, F_NOTIFY: with them the kernel sends a signal of the
 * process's choosing (SIGKILL included) to a process of its choosing. */
static const int harmless_fcntls[] = {
    F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL,
    F_GETLK, F_SETLK, F_SETLKW, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW,
};

/* The kernel reads pids, ioctl requests and fcntl commands as 32-bit
 * values: the filter compares those 32 bits, so garbage in the upper half
 * can neither dress one value as another nor make a legitimate call fail. */
#define LOW_32_BITS 0xffffffffULL

static struct scmp_arg_cmp
low_32_bits_are(unsigned int argument, uint64_t value)
{
    return (struct scmp_arg_cmp){.arg = argument, .op = SCMP_CMP_MASKED_EQ,
                                 .datum_a = LOW_32_BITS, .datum_b = value};
}

/* The rules for one restricted call; libseccomp ORs rules of one call.
 * 0, or libseccomp's negative errno. */
static int
add_restricted(scmp_filter_ctx filter, int number, enum restriction restriction, pid_t self)
{
    struct scmp_arg_cmp no_new_limits = {.arg = 2, .op = SCMP_CMP_EQ, .datum_a = 0};
    int status = 0;
    switch (restriction) {
    case ONLY_TO_ITSELF:
        status = seccomp_rule_add(filter, SCMP_ACT_ALLOW, number, 1,
                                  low_32_bits_are(0, (uint64_t)self));
        break;
    case ONLY_HARMLESS_IOCTLS:
        for (size_t i = 0; status == 0 && i < sizeof harmless_ioctls / sizeof *harmless_ioctls;
             i++) {
            status = seccomp_rule_add(filter, SCMP_ACT_ALLOW, number, 1,
                                      low_32_bits_are(1, harmless_ioctls[i]));
        }
        break;
    case ONLY_HARMLESS_FCNTLS:
        for (size_t i = 0; status == 0 && i < sizeof harmless_fcntls / sizeof *harmless_fcntls;
             i++) {
            status = seccomp_rule_add(filter, SCMP_ACT_ALLOW, number, 1,
                                      low_32_bits_are(1, (uint64_t)harmless_fcntls[i]));
        }
        break;
    case ONLY_READING_OWN_LIMITS:
        /* pid 0 is what getrlimit() sends; resource.prlimit(os.getpid())
         * names the pid.  Setting is refused even on itself: the worker's
         * soft limits sit below hard limits it could otherwise raise to. */
        status = seccomp_rule_add(filter, SCMP_ACT_ALLOW, number, 2, low_32_bits_are(0, 0),
                                  no_new_limits);
        if (status == 0) {
            status = seccomp_rule_add(filter, SCMP_ACT_ALLOW, number, 2,
                                      low_32_bits_are(0, (uint64_t)self), no_new_limits);
        }
        break;
    }
    return status;
}

/* The restriction of `name`, or -1 when it is allowed outright. */
static int
restriction_index(const char *name)
{
    for (size_t i = 0; i < sizeof restricted / sizeof *restricted; i++) {
        if (strcmp(restricted[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

int
lab_seccomp_install(char **error)
{
    scmp_filter_ctx filter = NULL;
    const char *step = NULL, *syscall_name = "";
    pid_t self = getpid();
    int status = 0, rc = -1;
    *error = NULL;

    /* The table is x86_64's names, and tested there only; another
     * architecture gets no filter rather than an untested one. */
    if (seccomp_arch_native() != SCMP_ARCH_X86_64) {
        step = "the allowlist is written for x86_64 only";
        status = -ENOSYS;
        goto done;
    }
    /* seccomp_init adds the native architecture alone: a call made
     * through another ABI (i386's int 0x80, or x32's numbers, which
     * arrive as x86_64 with bit 30 set) takes the bad-architecture action,
     * which kills the process -- its numbers mean other calls. */
    filter = seccomp_init(SCMP_ACT_ERRNO(EPERM));
    if (filter == NULL) {
        step = "seccomp_init";
        status = -ENOMEM;
        goto done;
    }
    step = "setting the filter's attributes";
    /* SYSRAWRC first: the kernel's own errno if seccomp_load fails, not
     * libseccomp's ECANCELED.  NO_NEW_PRIVS is set below, by us: libseccomp
     * 2.5.4 reports a stale errno when its own attempt fails (a second
     * lockdown said EFAULT for prctl's EPERM).  TSYNC: every thread of the
     * process, should one exist.  The binary tree keeps the ~100 rules off
     * the path of a hot system call. */
    if ((status = seccomp_attr_set(filter, SCMP_FLTATR_API_SYSRAWRC, 1)) < 0
        || (status = seccomp_attr_set(filter, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)) < 0
        || (status = seccomp_attr_set(filter, SCMP_FLTATR_CTL_NNP, 0)) < 0
        || (status = seccomp_attr_set(filter, SCMP_FLTATR_CTL_TSYNC, 1)) < 0
        || (status = seccomp_attr_set(filter, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0) {
        goto done;
    }

    step = "adding the rule for";
    for (size_t i = 0; allowed_syscalls[i] != NULL; i++) {
        syscall_name = allowed_syscalls[i];
        int number = seccomp_syscall_resolve_name(syscall_name);
        if (number == __NR_SCMP_ERROR) {
            status = -EINVAL;   /* a name libseccomp does not know */
            goto done;
        }
        int which = restriction_index(syscall_name);
        status = which < 0 ? seccomp_rule_add(filter, SCMP_ACT_ALLOW, number, 0)
                           : add_restricted(filter, number, restricted[which].restriction, self);
        if (status < 0) {
            goto done;
        }
    }
    /* No processes and no threads either: clone is left to the default,
     * EPERM, whatever its flags.  A thread could go on working between
     * requests -- its time charged to no call the host measures -- or
     * spin on a core a classmate's timed calls are using; after lockdown
     * threading.Thread.start() raises RuntimeError ("can't start new
     * thread") instead.  clone3 gets ENOSYS, which tells glibc to fall
     * back to clone (clone3's flags sit behind a pointer, which seccomp
     * cannot read), so fork, posix_spawn and pthread_create all end in
     * clone's EPERM. */
    syscall_name = "clone3";
    status = seccomp_rule_add(filter, SCMP_ACT_ERRNO(ENOSYS),
                              seccomp_syscall_resolve_name(syscall_name), 0);
    if (status < 0) {
        goto done;
    }
    /* The filter needs NO_NEW_PRIVS (no setuid program can shed it); it
     * stays set if the load fails, which costs nothing. */
    step = "prctl(PR_SET_NO_NEW_PRIVS)";
    syscall_name = "";
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
        status = -errno;
        goto done;
    }
    step = "seccomp_load";
    status = seccomp_load(filter);
    if (status < 0) {
        goto done;
    }
    rc = 0;

done:
    if (rc < 0) {
        *error = text_format("lab sandbox: %s%s%s: %s", step, *syscall_name != '\0' ? " " : "",
                             syscall_name, strerror(-status));
    }
    if (filter != NULL) {
        seccomp_release(filter);
    }
    return rc;
}

const char *const *
lab_seccomp_allowed(void)
{
    return allowed_syscalls;
}

const char *
lab_seccomp_restriction(const char *name)
{
    int which = restriction_index(name);
    return which < 0 ? NULL : restricted[which].words;
}
