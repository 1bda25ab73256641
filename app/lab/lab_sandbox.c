/* lab_sandbox.c: bubblewrap command lines for a lab's workers (lab_sandbox.h).
 * Key choices:
 * - every namespace bwrap knows (--unshare-all), uid and gid 65534 inside,
 *   a new session (no TIOCSTI into the teacher's terminal), and death with
 *   the host (--die-with-parent);
 * - the worker is PID 1 of its namespace (--as-pid-1): when it dies, the
 *   kernel kills whatever else is in the namespace, so the host's kill of
 *   one process ends the whole sandbox;
 * - a view built from nothing: /usr (and the /lib, /bin links of a merged
 *   /usr), /etc/alternatives (NumPy finds its BLAS through it), optdemo's
 *   executable and its Python package, and the embedded interpreter's
 *   library folder when it is not under /usr (its stdlib: the interpreter
 *   inside looks for it where it was installed) -- never the labs' folders, the
 *   source tree or its .git, the host's /tmp or home; a private tmpfs for
 *   /tmp; /proc of the new PID namespace, read-only (a process may not
 *   write its own /proc/self/mem or clear_refs);
 * - an environment of its own (--clearenv) with the few variables a worker
 *   needs. */
#include "lab_sandbox.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "executor.h"
#include "text.h"

/* Variables passed through when set: the test suite's switch for hostile
 * fixtures, the sanitizers' options and PYTHONMALLOC (tests/run-sanitized.sh),
 * and this machine's OpenBLAS quirk. */
static const char *const PASSED_ENV[] = {
    "OPTDEMO_HOSTILE_TESTS", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS",
    "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "PYTHONMALLOC",
};

/* Top-level links of a merged /usr (/lib -> usr/lib ...): recreated as links. */
static const char *const USR_LINKS[] = {"/lib", "/lib64", "/bin", "/sbin"};

struct args {
    char **items;
    size_t count, capacity;
    bool failed;
};

static void
add(struct args *a, const char *item)
{
    if (a->failed) {
        return;
    }
    if (a->count + 2 > a->capacity) {
        size_t grown = a->capacity * 2 + 32;
        char **bigger = realloc(a->items, grown * sizeof *bigger);
        if (bigger == NULL) {
            a->failed = true;
            return;
        }
        a->items = bigger;
        a->capacity = grown;
    }
    a->items[a->count] = text_copy(item);
    a->failed = a->items[a->count] == NULL;
    a->count += !a->failed;
    a->items[a->count] = NULL;
}

static void
add3(struct args *a, const char *option, const char *first, const char *second)
{
    add(a, option);
    add(a, first);
    if (second != NULL) {
        add(a, second);
    }
}

/* The namespaces and the system's read-only view, shared by every sandbox
 * and by the probe. */
static void
add_system_view(struct args *a, const char *bwrap)
{
    add(a, bwrap);
    add(a, "--unshare-all");
    add3(a, "--uid", "65534", NULL);
    add3(a, "--gid", "65534", NULL);
    add3(a, "--hostname", "optdemo-lab", NULL);
    add(a, "--die-with-parent");
    add(a, "--new-session");
    add(a, "--as-pid-1");
    add3(a, "--ro-bind", "/usr", "/usr");
    for (size_t i = 0; i < sizeof USR_LINKS / sizeof *USR_LINKS; i++) {
        char target[256];
        ssize_t n = readlink(USR_LINKS[i], target, sizeof target - 1);
        if (n > 0) {
            target[n] = '\0';
            add3(a, "--symlink", target, USR_LINKS[i]);
        } else {
            add3(a, "--ro-bind-try", USR_LINKS[i], USR_LINKS[i]);
        }
    }
    add3(a, "--ro-bind-try", "/etc/alternatives", "/etc/alternatives");
    add3(a, "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache");
    add3(a, "--proc", "/proc", NULL);
    add3(a, "--remount-ro", "/proc", NULL);
    add3(a, "--dev", "/dev", NULL);
    add3(a, "--tmpfs", LAB_SANDBOX_WORKDIR, NULL);
}

char **
lab_sandbox_argv(const struct lab_sandbox *box)
{
    struct args a = {0};
    char package[4096], package_inside[256];
    add_system_view(&a, box->bwrap);
    add3(&a, "--ro-bind", box->executable, LAB_SANDBOX_EXECUTABLE);
    snprintf(package, sizeof package, "%s/optdemo", box->pyscripts);
    snprintf(package_inside, sizeof package_inside, "%s/optdemo", LAB_SANDBOX_PYSCRIPTS);
    add3(&a, "--ro-bind", package, package_inside);
    if (box->lab_folder != NULL) {
        add3(&a, "--ro-bind", box->lab_folder, LAB_SANDBOX_LAB);
    }
    if (box->python_libdir != NULL && box->python_libdir[0] == '/'
        && strcmp(box->python_libdir, "/usr") != 0
        && strncmp(box->python_libdir, "/usr/", 5) != 0) {
        add3(&a, "--ro-bind", box->python_libdir, box->python_libdir);
    }
    add3(&a, "--chdir", LAB_SANDBOX_WORKDIR, NULL);
    add(&a, "--clearenv");
    add3(&a, "--setenv", "PATH", "/usr/bin:/bin");
    add3(&a, "--setenv", "HOME", LAB_SANDBOX_WORKDIR);
    add3(&a, "--setenv", "LANG", "C.UTF-8");
    add3(&a, "--setenv", "PYTHONDONTWRITEBYTECODE", "1");
    add3(&a, "--setenv", "OPENBLAS_NUM_THREADS", "1");
    add3(&a, "--setenv", "OMP_NUM_THREADS", "1");
    add3(&a, "--setenv", "OPTDEMO_PYSCRIPTS", LAB_SANDBOX_PYSCRIPTS);
    for (size_t i = 0; i < sizeof PASSED_ENV / sizeof *PASSED_ENV; i++) {
        const char *value = getenv(PASSED_ENV[i]);
        if (value != NULL) {
            add3(&a, "--setenv", PASSED_ENV[i], value);
        }
    }
    add(&a, "--");
    add(&a, LAB_SANDBOX_EXECUTABLE);
    for (const char *const *argument = executor_worker_arguments(true); *argument != NULL;
         argument++) {
        add(&a, *argument);
    }
    if (a.failed) {
        lab_sandbox_free(a.items);
        return NULL;
    }
    return a.items;
}

void
lab_sandbox_free(char **argv)
{
    for (char **arg = argv; arg != NULL && *arg != NULL; arg++) {
        free(*arg);
    }
    free(argv);
}

int
lab_sandbox_probe(const char *bwrap, char **error)
{
    int output[2];
    char said[512] = "";
    size_t length = 0;
    int status = 0;
    if (access(bwrap, X_OK) != 0) {
        *error = text_format("%s: %s (Debian: apt-get install bubblewrap)", bwrap,
                             strerror(errno));
        return -1;
    }
    struct args a = {0};
    add_system_view(&a, bwrap);
    add(&a, "--");
    add(&a, "/usr/bin/true");
    if (a.failed || pipe(output) < 0) {
        *error = text_format("cannot try the sandbox: %s", strerror(errno));
        lab_sandbox_free(a.items);
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(output[1], STDOUT_FILENO);
        dup2(output[1], STDERR_FILENO);
        close(output[0]);
        execv(bwrap, a.items);
        _exit(127);
    }
    close(output[1]);
    for (ssize_t n; pid > 0 && length < sizeof said - 1
                    && (n = read(output[0], said + length, sizeof said - 1 - length)) != 0;) {
        if (n < 0 && errno != EINTR) {
            break;
        }
        length += n > 0 ? (size_t)n : 0;
    }
    said[length] = '\0';
    close(output[0]);
    lab_sandbox_free(a.items);
    while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        said[strcspn(said, "\n")] = '\0';
        *error = text_format("this kernel does not let bubblewrap make the lab sandbox (%s)",
                             said[0] != '\0' ? said : "no message");
        return -1;
    }
    return 0;
}
