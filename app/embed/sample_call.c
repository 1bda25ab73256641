/* sample_call.c: _optdemo_host.sample, the sampling profiler (sampler.c)
 * around one call, for the `script` request of a worker (pyscripts'
 * script_run.py): `optdemo profile SCRIPT.py` runs the program in a worker
 * of the embedded interpreter, and this is how that worker samples it.
 * The samples are aggregated in C (stack_profile.c) and handed back as
 * plain Python data, which the runner sends to the host as JSON. */
#include "sample_call.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"
#include "sampler.h"
#include "stack_profile.h"
#include "stack_profile_json.h"

/* Room for the samples: mapped with MAP_NORESERVE, so only what is written
 * is paid for; ~40-400 bytes a sample, so minutes at 1000 Hz. */
static const size_t BUFFER_BYTES = (size_t)256 << 20;

/* The profile as the report's "sampling" (stack_profile_json.c) with the
 * handler's time, as Python data (json.loads of its text: one conversion,
 * shared with `profile --pid`).  NULL with an exception. */
static PyObject *
profile_as_dict(const struct stack_profile *profile, double handler_seconds)
{
    json_t *sampling = stack_profile_json(profile);
    char *text = sampling != NULL
                         && json_object_set_new(sampling, "handler_seconds",
                                                json_real(handler_seconds)) == 0
                     ? json_dumps(sampling, JSON_COMPACT) : NULL;
    PyObject *args = text != NULL ? Py_BuildValue("(s)", text) : NULL;
    PyObject *result = args != NULL ? interp_call("json", "loads", args) : NULL;
    if (text == NULL) {
        PyErr_NoMemory();
    }
    Py_XDECREF(args);
    free(text);
    json_decref(sampling);
    return result;
}

PyObject *
sample_call(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"function", "rate", "clock", "root", NULL};
    PyObject *function = NULL, *value = NULL, *profile_dict = NULL, *result = NULL;
    double rate = 1000;
    const char *clock = "wall", *root = NULL, *why = NULL;
    struct stack_buffer buffer = {0};
    struct stack_profile profile = {0};
    bool sampling = false;

    (void)module;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|$dsz:sample", keywords, &function, &rate,
                                     &clock, &root)) {
        return NULL;
    }
    if (!(rate >= 1 && rate <= 100000)) {
        PyErr_SetString(PyExc_ValueError, "sample: rate must be 1-100000 samples a second");
        return NULL;
    }
    if (strcmp(clock, "wall") != 0 && strcmp(clock, "cpu") != 0) {
        PyErr_SetString(PyExc_ValueError, "sample: clock must be 'wall' or 'cpu'");
        return NULL;
    }
    if (stack_buffer_init(&buffer, BUFFER_BYTES) < 0) {
        PyErr_SetFromErrno(PyExc_OSError);
        goto done;
    }
    sampling = sampler_start(&buffer, rate,
                             strcmp(clock, "cpu") == 0 ? SAMPLER_CLOCK_CPU : SAMPLER_CLOCK_WALL,
                             &why) == 0;
    if (!sampling) {
        PyErr_Format(PyExc_OSError, "sample: %s: %s", why, strerror(errno));
        goto done;
    }
    value = PyObject_CallNoArgs(function);
    sampler_stop();
    if (value == NULL) {
        goto done;
    }
    if (stack_profile_build(&buffer, root, &profile) < 0) {
        PyErr_NoMemory();
        goto done;
    }
    profile_dict = profile_as_dict(&profile, sampler_handler_seconds());
    result = profile_dict != NULL ? PyTuple_Pack(2, value, profile_dict) : NULL;
done:
    Py_XDECREF(value);
    Py_XDECREF(profile_dict);
    stack_profile_free(&profile);
    stack_buffer_free(&buffer);
    return result;
}
