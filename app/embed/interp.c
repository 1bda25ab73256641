/* interp.c: start and stop the embedded CPython.  The pyscripts folder is
 * located from /proc/self/exe at run time, never compiled in, so the same
 * binary works from the build tree and after `meson install`. */
#include "interp.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host_module.h"
#include "optnative.h"
#include "text.h"

#ifndef OPTDEMO_NATIVE_INSTALL_DIR
#define OPTDEMO_NATIVE_INSTALL_DIR "lib/optdemo/python"
#endif

static char pyscripts_dir[PATH_MAX];
static bool running;

static bool
is_pyscripts_dir(const char *dir)
{
    char marker[PATH_MAX];
    struct stat st;
    if (snprintf(marker, sizeof marker, "%s/optdemo/__init__.py", dir)
        >= (int)sizeof marker) {
        return false;
    }
    return stat(marker, &st) == 0 && S_ISREG(st.st_mode);
}

/* Candidates, in order: $OPTDEMO_PYSCRIPTS; <exe dir>/pyscripts (the build
 * tree's link to the sources); <exe dir>/../share/optdemo/pyscripts. */
static int
find_pyscripts(void)
{
    const char *env = getenv("OPTDEMO_PYSCRIPTS");
    if (env != NULL && *env != '\0') {
        if (!is_pyscripts_dir(env)) {
            fprintf(stderr, "optdemo: OPTDEMO_PYSCRIPTS=%s holds no optdemo/__init__.py\n", env);
            return -1;
        }
        if (realpath(env, pyscripts_dir) == NULL) {
            perror("optdemo: OPTDEMO_PYSCRIPTS");
            return -1;
        }
        return 0;
    }
    char exe[PATH_MAX];
    if (interp_executable() == NULL) {
        perror("optdemo: readlink /proc/self/exe");
        return -1;
    }
    snprintf(exe, sizeof exe, "%s", interp_executable());
    char *slash = strrchr(exe, '/');
    if (slash != NULL) {
        *slash = '\0';
    }
    static const char *const relative[] = {"pyscripts", "../share/optdemo/pyscripts"};
    for (size_t i = 0; i < sizeof relative / sizeof relative[0]; i++) {
        char candidate[PATH_MAX];
        int n = snprintf(candidate, sizeof candidate, "%s/%s", exe, relative[i]);
        if (n > 0 && n < (int)sizeof candidate && is_pyscripts_dir(candidate)) {
            if (realpath(candidate, pyscripts_dir) == NULL) {
                perror("optdemo: pyscripts");
                return -1;
            }
            return 0;
        }
    }
    fprintf(stderr, "optdemo: cannot find the pyscripts folder next to %s "
                    "(set OPTDEMO_PYSCRIPTS)\n", exe);
    return -1;
}

const char *
interp_pyscripts_dir(void)
{
    return pyscripts_dir[0] != '\0' ? pyscripts_dir : NULL;
}

static int
report_status(PyStatus status)
{
    if (PyStatus_Exception(status)) {
        fprintf(stderr, "optdemo: cannot start Python: %s%s%s\n",
                status.func != NULL ? status.func : "",
                status.func != NULL ? ": " : "",
                status.err_msg != NULL ? status.err_msg : "unknown error");
        return -1;
    }
    return 0;
}

/* Put pyscripts first on sys.path.  Borrowed sys.path; a new string. */
static int
prepend_pyscripts(void)
{
    PyObject *path = PySys_GetObject("path");
    PyObject *dir = PyUnicode_DecodeFSDefault(pyscripts_dir);
    int rc = -1;
    if (path == NULL || dir == NULL) {
        goto done;
    }
    rc = PyList_Insert(path, 0, dir);
done:
    Py_XDECREF(dir);
    if (rc < 0) {
        PyErr_Print();
    }
    return rc;
}

/* sys.executable: the host cannot stand in for python3.11 on a command line
 * (`optdemo -c ...` is no command), so subprocess and multiprocessing get
 * the interpreter matching the embedded libpython (-Dpython)... */
static PyStatus
set_executable(PyConfig *config)
{
    return PyConfig_SetBytesString(config, &config->executable, OPTDEMO_MATCHING_PYTHON);
}

/* ...except under `optdemo python`, whose children should be what it is:
 * the `optdemo-python` link beside the executable, which main() runs as
 * `optdemo python` (so a subprocess or a multiprocessing worker imports
 * optnative too).  The matching python3.11 when the link is missing. */
static PyStatus
set_python_executable(PyConfig *config)
{
    char link[PATH_MAX + 32];
    const char *self = interp_executable();
    const char *slash = self != NULL ? strrchr(self, '/') : NULL;
    if (slash == NULL) {
        return set_executable(config);
    }
    snprintf(link, sizeof link, "%.*s/optdemo-python", (int)(slash - self), self);
    return access(link, X_OK) == 0 ? PyConfig_SetBytesString(config, &config->executable, link)
                                   : set_executable(config);
}

/* This executable's folder (static buffer), or NULL. */
static const char *
executable_dir(char *buffer, size_t size)
{
    if (interp_executable() == NULL) {
        return NULL;
    }
    snprintf(buffer, size, "%s", interp_executable());
    char *slash = strrchr(buffer, '/');
    if (slash != NULL) {
        *slash = '\0';
    }
    return buffer;
}

static bool
holds_optnative(const char *dir)
{
    DIR *folder = opendir(dir);
    bool found = false;
    for (struct dirent *entry = folder != NULL ? readdir(folder) : NULL; entry != NULL && !found;
         entry = readdir(folder)) {
        found = strncmp(entry->d_name, "optnative.", 10) == 0
                && strstr(entry->d_name, ".so") != NULL;
    }
    if (folder != NULL) {
        closedir(folder);
    }
    return found;
}

char *
interp_native_dir(void)
{
    char exe[PATH_MAX], candidate[PATH_MAX], resolved[PATH_MAX];
    const char *dir = executable_dir(exe, sizeof exe);
    static const char *const relative[] = {"../native", "../" OPTDEMO_NATIVE_INSTALL_DIR};
    for (size_t i = 0; dir != NULL && i < sizeof relative / sizeof relative[0]; i++) {
        int n = snprintf(candidate, sizeof candidate, "%s/%s", dir, relative[i]);
        if (n > 0 && n < (int)sizeof candidate && holds_optnative(candidate)
            && realpath(candidate, resolved) != NULL) {
            return strdup(resolved);
        }
    }
    return NULL;
}

/* The ladder's compiled modules (Cython, mypyc, PyO3: native/ladder/meson.build)
 * last on sys.path, when they were built: `import counting_cython`.  The
 * workers of other interpreters get the same folder with --path.  0, or -1
 * with the error printed. */
static int
append_ladder(void)
{
    char *native = interp_native_dir();
    char *ladder = native != NULL ? text_format("%s/ladder", native) : NULL;
    PyObject *path = PySys_GetObject("path"); /* borrowed */
    PyObject *dir = NULL;
    struct stat st;
    int rc = 0;
    if (ladder == NULL || stat(ladder, &st) != 0 || !S_ISDIR(st.st_mode)) {
        goto done;   /* no ladder here: its variants read unavailable */
    }
    dir = PyUnicode_DecodeFSDefault(ladder);
    rc = path != NULL && dir != NULL ? PyList_Append(path, dir) : -1;
    if (rc < 0) {
        PyErr_Print();
    }
done:
    Py_XDECREF(dir);
    free(ladder);
    free(native);
    return rc;
}

static int
register_builtin_modules(void)
{
    if (PyImport_AppendInittab("optnative", PyInit_optnative) < 0) {
        fprintf(stderr, "optdemo: cannot register the optnative module\n");
        return -1;
    }
    if (PyImport_AppendInittab("_optdemo_host", host_module_init) < 0) {
        fprintf(stderr, "optdemo: cannot register the _optdemo_host module\n");
        return -1;
    }
    return 0;
}

int
interp_start(void)
{
    PyConfig config;
    PyStatus status;
    int rc = -1;

    if (running) {
        return 0;  /* a command that runs another (claims runs run) shares it */
    }
    if (find_pyscripts() < 0 || register_builtin_modules() < 0) {
        return -1;
    }
    PyConfig_InitPythonConfig(&config);
    /* Isolated: PYTHONPATH, PYTHONHASHSEED, the user site... never change
     * what optdemo measures.  site still runs, so Debian's dist-packages
     * (numpy) is found. */
    config.isolated = 1;
    config.install_signal_handlers = 1;
    config.parse_argv = 0;
    status = PyConfig_SetBytesString(&config, &config.program_name, "optdemo");
    if (report_status(status) < 0) {
        goto done;
    }
    status = set_executable(&config);
    if (report_status(status) < 0) {
        goto done;
    }
    status = Py_InitializeFromConfig(&config);
    if (report_status(status) < 0) {
        goto done;
    }
    running = true;
    rc = prepend_pyscripts() < 0 || append_ladder() < 0 ? -1 : 0;
done:
    PyConfig_Clear(&config);
    return rc;
}

bool
interp_interrupted(void)
{
    if (running && PyErr_CheckSignals() < 0) {
        PyErr_Clear();
        return true;
    }
    return false;
}

const char *
interp_executable(void)
{
    static char path[PATH_MAX];
    if (path[0] == '\0') {
        ssize_t length = readlink("/proc/self/exe", path, sizeof path - 1);
        path[length > 0 ? length : 0] = '\0';
    }
    return path[0] != '\0' ? path : NULL;
}

int
interp_stop(void)
{
    if (!running) {
        return 0;
    }
    running = false;
    if (Py_FinalizeEx() < 0) {
        fprintf(stderr, "optdemo: error while finalizing Python (buffered output lost?)\n");
        return -1;
    }
    return 0;
}

int
interp_python_main(int argc, char **argv)
{
    PyConfig config;
    PyStatus status;

    if (find_pyscripts() < 0 || register_builtin_modules() < 0) {
        return 1;
    }
    /* Behave like python3.11 itself: environment variables and the command
     * line are honoured. */
    PyConfig_InitPythonConfig(&config);
    status = PyConfig_SetBytesArgv(&config, argc, argv);
    if (PyStatus_Exception(status)) {
        goto error;
    }
    status = set_python_executable(&config);
    if (PyStatus_Exception(status)) {
        goto error;
    }
    status = Py_InitializeFromConfig(&config);
    if (PyStatus_Exception(status)) {
        goto error;
    }
    running = true;
    /* After start-up: Py_RunMain still puts the script's folder (or '' for
     * -c and the REPL) in front, as python3.11 does. */
    if (prepend_pyscripts() < 0) {
        PyConfig_Clear(&config);
        Py_FinalizeEx();
        return 1;
    }
    PyConfig_Clear(&config);
    return Py_RunMain();

error:
    PyConfig_Clear(&config);
    if (PyStatus_IsExit(status)) {
        return status.exitcode;
    }
    Py_ExitStatusException(status);
}

PyObject *
interp_call(const char *module, const char *function, PyObject *args)
{
    PyObject *mod = PyImport_ImportModule(module);
    PyObject *func = NULL, *result = NULL;
    if (mod == NULL) {
        goto done;
    }
    func = PyObject_GetAttrString(mod, function);
    if (func == NULL) {
        goto done;
    }
    result = args != NULL ? PyObject_Call(func, args, NULL) : PyObject_CallNoArgs(func);
done:
    Py_XDECREF(func);
    Py_XDECREF(mod);
    return result;
}

PyObject *
interp_string_list(int count, char *const *items)
{
    PyObject *list = PyList_New(count);
    for (int i = 0; list != NULL && i < count; i++) {
        PyObject *item = PyUnicode_DecodeFSDefault(items[i]);
        if (item == NULL) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, i, item);  /* steals */
    }
    return list;
}

bool
interp_exception_is_interrupt(void)
{
    return PyErr_ExceptionMatches(PyExc_KeyboardInterrupt);
}

/* The current exception, taken (the error indicator is cleared), as the
 * (type, value, traceback) triple the callers use, normalised: 3.12
 * deprecated PyErr_Fetch and PyErr_NormalizeException for
 * PyErr_GetRaisedException, which holds the exception object alone. */
static void
take_exception(PyObject **type, PyObject **value, PyObject **tb)
{
#if PY_VERSION_HEX >= 0x030C0000
    *value = PyErr_GetRaisedException();
    *type = *value != NULL ? Py_NewRef(Py_TYPE(*value)) : NULL;
    *tb = *value != NULL ? PyException_GetTraceback(*value) : NULL;
#else
    PyErr_Fetch(type, value, tb);
    PyErr_NormalizeException(type, value, tb);
#endif
}

char *
interp_exception_message(void)
{
    PyObject *type, *value, *tb;
    take_exception(&type, &value, &tb);
    PyObject *text = value != NULL ? PyObject_Str(value) : NULL;
    const char *utf8 = text != NULL ? PyUnicode_AsUTF8(text) : NULL;
    char *message = strdup(utf8 != NULL ? utf8 : "unknown error");
    PyErr_Clear();
    Py_XDECREF(text);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    return message;
}

char *
interp_exception_text(int max_lines)
{
    PyObject *type, *value, *tb;
    PyObject *joined = NULL, *args = NULL;
    char *text = NULL;

    take_exception(&type, &value, &tb);
    if (type == NULL) {
        return strdup("unknown error");
    }
    args = Py_BuildValue("(OOOi)", type, value != NULL ? value : Py_None,
                         tb != NULL ? tb : Py_None, max_lines);
    if (args == NULL) {
        goto done;
    }
    joined = interp_call("optdemo.errors", "format_tail", args);
    if (joined == NULL) {
        goto done;
    }
    const char *utf8 = PyUnicode_AsUTF8(joined);
    if (utf8 != NULL) {
        text = strdup(utf8);
    }
done:
    if (text == NULL) {
        PyErr_Clear();
        PyObject *repr = value != NULL ? PyObject_Str(value) : NULL;
        const char *utf8 = repr != NULL ? PyUnicode_AsUTF8(repr) : NULL;
        text = strdup(utf8 != NULL ? utf8 : "unprintable error");
        Py_XDECREF(repr);
        PyErr_Clear();
    }
    Py_XDECREF(joined);
    Py_XDECREF(args);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    return text;
}
