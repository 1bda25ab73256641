/* sample_call.c: _optdemo_host.sample, the sampling profiler (sampler.c)
 * around one call, for the `script` request of a worker (pyscripts'
 * script_run.py): `optdemo profile SCRIPT.py` runs the program in a worker
 * of the embedded interpreter, and this is how that worker samples it.
 * The samples are aggregated in C (stack_profile.c) and handed back as
 * plain Python data, which the runner sends to the host as JSON. */
#include "sample_call.h"

#include <stdbool.h>
#include <string.h>

#include "sampler.h"
#include "stack_profile.h"

/* Room for the samples: mapped with MAP_NORESERVE, so only what is written
 * is paid for; ~40-400 bytes a sample, so minutes at 1000 Hz. */
static const size_t BUFFER_BYTES = (size_t)256 << 20;

/* [{"stack": "outer;...;inner", "count": n}] and [{"function", "file",
 * "self", "total"}], from the aggregated profile; NULL with an exception. */
static PyObject *
profile_as_dict(const struct stack_profile *profile, double handler_seconds)
{
    PyObject *stacks = PyList_New(0), *functions = PyList_New(0), *result = NULL;
    if (stacks == NULL || functions == NULL) {
        goto done;
    }
    for (size_t i = 0; i < profile->n_stacks; i++) {
        PyObject *item = Py_BuildValue("{s:s, s:K}", "stack", profile->stacks[i].stack, "count",
                                       (unsigned long long)profile->stacks[i].count);
        if (item == NULL || PyList_Append(stacks, item) < 0) {
            Py_XDECREF(item);
            goto done;
        }
        Py_DECREF(item);
    }
    for (size_t i = 0; i < profile->n_functions; i++) {
        const struct function_count *f = &profile->functions[i];
        const char *file;
        size_t name_length, file_length;
        stack_profile_split_function(f->function, &name_length, &file, &file_length);
        PyObject *item = Py_BuildValue("{s:s#, s:s#, s:K, s:K}", "function", f->function,
                                       (Py_ssize_t)name_length, "file", file,
                                       (Py_ssize_t)file_length, "self",
                                       (unsigned long long)f->self, "total",
                                       (unsigned long long)f->total);
        if (item == NULL || PyList_Append(functions, item) < 0) {
            Py_XDECREF(item);
            goto done;
        }
        Py_DECREF(item);
    }
    result = Py_BuildValue("{s:K, s:K, s:K, s:K, s:K, s:d, s:O, s:O}",
                           "samples", (unsigned long long)profile->samples,
                           "dropped", (unsigned long long)profile->dropped,
                           "empty", (unsigned long long)profile->empty,
                           "truncated", (unsigned long long)profile->truncated,
                           "torn", (unsigned long long)profile->torn,
                           "handler_seconds", handler_seconds, "stacks", stacks,
                           "functions", functions);
done:
    Py_XDECREF(stacks);
    Py_XDECREF(functions);
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
