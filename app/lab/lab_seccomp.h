/* lab_seccomp.h: the seccomp allowlist of a lab solution's worker (see
 * lab_seccomp.c).  Pure C, no Python: `_optdemo_host.lockdown()` is the
 * binding that turns a failure into OSError. */
#ifndef OPTDEMO_LAB_SECCOMP_H
#define OPTDEMO_LAB_SECCOMP_H

/* Load the allowlist into this process, for good (it cannot be removed,
 * and it is inherited by nothing, since it forbids new processes and
 * threads).  0; -1 with *error a malloc'd message naming the step that
 * failed (NULL if even that message found no memory). */
int lab_seccomp_install(char **error);

/* The allowed system calls' names (x86_64), NULL-terminated, in the
 * table's order: for docs/labs.md and the tests.  Some are allowed only with
 * certain arguments; lab_seccomp_restriction says which. */
const char *const *lab_seccomp_allowed(void);

/* How the allowed call `name` is restricted, in words ("only to itself"),
 * or NULL when any arguments are allowed (or `name` is not allowed). */
const char *lab_seccomp_restriction(const char *name);

#endif
