/* lab_sandbox.h: the OS sandbox of a lab's workers: a bubblewrap (bwrap)
 * command line that runs `optdemo worker --lab` in new user, PID, mount,
 * network, IPC, UTS and cgroup namespaces, as uid 65534, seeing only what
 * a worker needs, read-only.  The solution's worker and the trusted one get
 * sandboxes of their own: neither has a path to the other. */
#ifndef OPTDEMO_LAB_SANDBOX_H
#define OPTDEMO_LAB_SANDBOX_H

#include <stdbool.h>

/* Where the pieces are inside every sandbox. */
#define LAB_SANDBOX_EXECUTABLE "/optdemo/bin/optdemo"
#define LAB_SANDBOX_PYSCRIPTS "/optdemo/pyscripts"
#define LAB_SANDBOX_LAB "/lab"             /* the trusted worker's lab folder */
#define LAB_SANDBOX_WORKDIR "/tmp"         /* a private tmpfs */

struct lab_sandbox {
    const char *bwrap;        /* the bwrap executable */
    const char *executable;   /* optdemo itself, as the host sees it */
    const char *pyscripts;    /* pyscripts' folder (only its optdemo package is shown) */
    const char *lab_folder;   /* the trusted worker's lab, or NULL for a solution's */
    const char *python_libdir; /* the embedded libpython's folder, which holds its
                                * stdlib (python3.13t/, lib-dynload): bound read-only
                                * where it is when outside /usr (a CPython built into
                                * a prefix of its own); NULL: none */
};

/* bwrap's arguments, then `optdemo worker --lab --fds 3,4` inside: a
 * NULL-terminated array of malloc'd strings (lab_sandbox_free), or NULL on
 * no memory. */
char **lab_sandbox_argv(const struct lab_sandbox *box);
void lab_sandbox_free(char **argv);

/* Whether this kernel lets bwrap make the sandbox: 0, or -1 with *error
 * (malloc'd) saying what bwrap said. */
int lab_sandbox_probe(const char *bwrap, char **error);

#endif
