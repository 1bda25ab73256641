/* stack_profile_json.h: an aggregated profile as the report's "sampling"
 * object (docs/profiling.md), for `profile SCRIPT.py`'s workers
 * (sample_call.c) and `profile --pid` alike. */
#ifndef OPTDEMO_STACK_PROFILE_JSON_H
#define OPTDEMO_STACK_PROFILE_JSON_H

#include <jansson.h>

#include "stack_profile.h"

/* {"samples", "dropped", "empty", "truncated", "torn", "stacks": [{"stack",
 * "count"}], "functions": [{"function", "file", "self", "total"}]}, a new
 * object, or NULL when memory runs out. */
json_t *stack_profile_json(const struct stack_profile *profile);

#endif
