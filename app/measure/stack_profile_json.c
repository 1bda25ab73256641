/* stack_profile_json.c: an aggregated profile as JSON (see the header). */
#include "stack_profile_json.h"

json_t *
stack_profile_json(const struct stack_profile *profile)
{
    json_t *stacks = json_array(), *functions = json_array();
    int failed = stacks == NULL || functions == NULL;

    for (size_t i = 0; !failed && i < profile->n_stacks; i++) {
        failed = json_array_append_new(stacks, json_pack("{s:s, s:I}", "stack",
                                                         profile->stacks[i].stack, "count",
                                                         (json_int_t)profile->stacks[i].count));
    }
    for (size_t i = 0; !failed && i < profile->n_functions; i++) {
        /* the aggregation's "qualname (file)" key, taken apart */
        const struct function_count *f = &profile->functions[i];
        const char *file;
        size_t name_length, file_length;
        stack_profile_split_function(f->function, &name_length, &file, &file_length);
        failed = json_array_append_new(functions,
                                       json_pack("{s:s%, s:s%, s:I, s:I}", "function",
                                                 f->function, name_length, "file", file,
                                                 file_length, "self", (json_int_t)f->self,
                                                 "total", (json_int_t)f->total));
    }
    if (failed) {
        json_decref(stacks);
        json_decref(functions);
        return NULL;
    }
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:o, s:o}", "samples",
                     (json_int_t)profile->samples, "dropped", (json_int_t)profile->dropped,
                     "empty", (json_int_t)profile->empty, "truncated",
                     (json_int_t)profile->truncated, "torn", (json_int_t)profile->torn,
                     "stacks", stacks, "functions", functions);
}
