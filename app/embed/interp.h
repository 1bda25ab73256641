/* interp.h: the embedded interpreter's life cycle.  One interpreter per
 * process, configured from PyConfig (isolated: PYTHON* variables and the user
 * site are ignored, so a measurement does not depend on the caller's shell),
 * with optnative registered as a built-in module and the pyscripts folder
 * first on sys.path. */
#ifndef OPTDEMO_INTERP_H
#define OPTDEMO_INTERP_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdbool.h>

/* Start the interpreter (once: later calls return 0).  0 on success; -1
 * after printing why to stderr. */
int interp_start(void);

/* A worker's wait was cut short by a signal: was it Ctrl-C?  Runs the
 * interpreter's signal handlers and clears the KeyboardInterrupt; false
 * when the interpreter is not running.  The executors' `interrupted`. */
bool interp_interrupted(void);

/* This executable's path (/proc/self/exe, read once), or NULL when it
 * cannot be read.  Workers re-execute it. */
const char *interp_executable(void);

/* Finalize.  0 on success, -1 (reported on stderr) if Py_FinalizeEx failed. */
int interp_stop(void);

/* `optdemo python ARGS...`: the interpreter's own command line (REPL, -c,
 * -m, a script) with optnative and pyscripts importable.  Owns the whole
 * life cycle; returns the exit status. */
int interp_python_main(int argc, char **argv);

/* The pyscripts folder found next to the executable (build tree) or in
 * <prefix>/share/optdemo/pyscripts (installed), or $OPTDEMO_PYSCRIPTS.
 * NULL before a successful lookup. */
const char *interp_pyscripts_dir(void);

/* The folder of the loadable optnative: the build tree's native/ next to
 * app/, or <prefix>/<libdir>/optdemo/python when installed; its ladder/
 * holds the Cython, mypyc and PyO3 modules.  malloc'd, or NULL when there
 * is none (native variants are then unavailable). */
char *interp_native_dir(void);

/* Import `module` and call `function(*args)` from it: a new reference, or
 * NULL with an exception set.  `args` may be NULL for no arguments. */
PyObject *interp_call(const char *module, const char *function, PyObject *args);

/* A new list of str from command-line arguments (decoded as the file
 * system encoding, as sys.argv is), or NULL with an exception set. */
PyObject *interp_string_list(int count, char *const *items);

/* The current exception as text: its last `max_lines` traceback lines
 * (malloc'd, caller frees).  Clears the exception.  NULL only when memory
 * runs out (print it with text_or). */
char *interp_exception_text(int max_lines);

/* The current exception's message alone, str(exc) (malloc'd, caller frees).
 * Clears the exception.  NULL only when memory runs out. */
char *interp_exception_message(void);

/* Whether the current exception is a KeyboardInterrupt (Ctrl-C). */
bool interp_exception_is_interrupt(void);

#endif
