/* test_lab_sandbox.c: the bubblewrap command lines of a lab's workers
 * (app/lab/lab_sandbox.c): every namespace, an unprivileged uid, a view with
 * nothing of the labs, the source tree or the host's /tmp in a solution's
 * sandbox, the lab alone in the trusted one's, and an environment of its
 * own.  The sandboxes themselves are tried by the hostile fixtures
 * (tests/labs/, tests/test_cli_lab*.py). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lab_sandbox.h"

static const struct lab_sandbox SOLUTION = {
    "/usr/bin/bwrap", "/home/teacher/optdemo/build/app/optdemo",
    "/home/teacher/optdemo/pyscripts", NULL, NULL,
};
static const struct lab_sandbox TRUSTED = {
    "/usr/bin/bwrap", "/home/teacher/optdemo/build/app/optdemo",
    "/home/teacher/optdemo/pyscripts", "/home/teacher/optdemo/pyscripts/labs/print_queue", NULL,
};

static size_t
count(char **argv)
{
    size_t n = 0;
    while (argv[n] != NULL) {
        n++;
    }
    return n;
}

/* Whether `option` appears before "--", followed by the given arguments
 * (NULL: any). */
static bool
has(char **argv, const char *option, const char *first, const char *second)
{
    for (size_t i = 0; argv[i] != NULL && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], option) == 0
            && (first == NULL || (argv[i + 1] != NULL && strcmp(argv[i + 1], first) == 0))
            && (second == NULL
                || (argv[i + 1] != NULL && argv[i + 2] != NULL
                    && strcmp(argv[i + 2], second) == 0))) {
            return true;
        }
    }
    return false;
}

static void
test_every_namespace_and_an_unprivileged_uid(void **state)
{
    (void)state;
    char **argv = lab_sandbox_argv(&SOLUTION);
    assert_non_null(argv);
    assert_string_equal(argv[0], "/usr/bin/bwrap");
    assert_true(has(argv, "--unshare-all", NULL, NULL));
    assert_true(has(argv, "--uid", "65534", NULL));
    assert_true(has(argv, "--gid", "65534", NULL));
    assert_true(has(argv, "--die-with-parent", NULL, NULL));
    assert_true(has(argv, "--new-session", NULL, NULL));
    assert_true(has(argv, "--as-pid-1", NULL, NULL));
    assert_true(has(argv, "--remount-ro", "/proc", NULL));
    assert_true(has(argv, "--tmpfs", "/tmp", NULL));
    assert_false(has(argv, "--share-net", NULL, NULL));
    /* ... and the worker after "--" */
    size_t n = count(argv);
    assert_string_equal(argv[n - 6], "--");
    assert_string_equal(argv[n - 5], LAB_SANDBOX_EXECUTABLE);
    assert_string_equal(argv[n - 4], "worker");
    assert_string_equal(argv[n - 3], "--lab");
    lab_sandbox_free(argv);
}

/* Every bind's source: only /usr's pieces, the executable and the Python
 * package -- never the labs, the source tree, its .git or /tmp. */
static void
test_a_solution_sees_no_lab_no_source_tree_no_host_tmp(void **state)
{
    (void)state;
    char **argv = lab_sandbox_argv(&SOLUTION);
    assert_non_null(argv);
    for (size_t i = 0; argv[i] != NULL && strcmp(argv[i], "--") != 0; i++) {
        if (strncmp(argv[i], "--ro-bind", 9) == 0 || strncmp(argv[i], "--bind", 6) == 0) {
            const char *source = argv[i + 1];
            bool allowed = strcmp(source, "/usr") == 0
                           || strncmp(source, "/etc/", 5) == 0
                           || strncmp(source, "/lib", 4) == 0 || strcmp(source, "/bin") == 0
                           || strcmp(source, "/sbin") == 0
                           || strcmp(source, SOLUTION.executable) == 0
                           || strcmp(source, "/home/teacher/optdemo/pyscripts/optdemo") == 0;
            if (!allowed) {
                fail_msg("a solution's sandbox binds %s", source);
            }
            assert_false(has(argv, argv[i], "/tmp", NULL));
            assert_null(strstr(source, "labs"));
            assert_null(strstr(source, ".git"));
        }
        assert_false(strncmp(argv[i], "--bind", 6) == 0);   /* nothing writable */
    }
    assert_false(has(argv, "--ro-bind", TRUSTED.lab_folder, LAB_SANDBOX_LAB));
    lab_sandbox_free(argv);
}

static void
test_the_trusted_worker_sees_its_lab_read_only(void **state)
{
    (void)state;
    char **argv = lab_sandbox_argv(&TRUSTED);
    assert_non_null(argv);
    assert_true(has(argv, "--ro-bind", TRUSTED.lab_folder, LAB_SANDBOX_LAB));
    assert_true(has(argv, "--unshare-all", NULL, NULL));
    lab_sandbox_free(argv);
}

static void
test_an_environment_of_its_own(void **state)
{
    (void)state;
    setenv("SECRET_TOKEN", "s3cret", 1);
    setenv("OPTDEMO_HOSTILE_TESTS", "1", 1);
    char **argv = lab_sandbox_argv(&SOLUTION);
    assert_non_null(argv);
    assert_true(has(argv, "--clearenv", NULL, NULL));
    assert_false(has(argv, "--setenv", "SECRET_TOKEN", NULL));
    assert_true(has(argv, "--setenv", "OPTDEMO_HOSTILE_TESTS", "1"));
    assert_true(has(argv, "--setenv", "OPENBLAS_NUM_THREADS", "1"));
    assert_true(has(argv, "--setenv", "OPTDEMO_PYSCRIPTS", LAB_SANDBOX_PYSCRIPTS));
    lab_sandbox_free(argv);
}

/* A CPython built into a prefix of its own (bench/cpython_builds.py) keeps
 * its stdlib beside its libpython: both sandboxes show that folder,
 * read-only, where it is; Debian's, under /usr, is shown with /usr. */
static void
test_a_self_built_interpreters_library_is_shown_read_only(void **state)
{
    (void)state;
    struct lab_sandbox box = SOLUTION;
    box.python_libdir = "/root/.cache/optdemo/cpython/3.13t/lib";
    char **argv = lab_sandbox_argv(&box);
    assert_non_null(argv);
    assert_true(has(argv, "--ro-bind", box.python_libdir, box.python_libdir));
    lab_sandbox_free(argv);

    box.python_libdir = "/usr/lib/x86_64-linux-gnu";
    argv = lab_sandbox_argv(&box);
    assert_non_null(argv);
    assert_false(has(argv, "--ro-bind", box.python_libdir, NULL));
    lab_sandbox_free(argv);
}

static void
test_no_bubblewrap_is_a_clear_message(void **state)
{
    (void)state;
    char *error = NULL;
    assert_int_equal(lab_sandbox_probe("/no/such/bwrap", &error), -1);
    assert_non_null(strstr(error, "apt-get install bubblewrap"));
    free(error);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_namespace_and_an_unprivileged_uid),
        cmocka_unit_test(test_a_solution_sees_no_lab_no_source_tree_no_host_tmp),
        cmocka_unit_test(test_the_trusted_worker_sees_its_lab_read_only),
        cmocka_unit_test(test_an_environment_of_its_own),
        cmocka_unit_test(test_a_self_built_interpreters_library_is_shown_read_only),
        cmocka_unit_test(test_no_bubblewrap_is_a_clear_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
