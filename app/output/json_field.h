/* json_field.h: a field of a JSON object, read the one way every file here
 * reads them (jansson's getters already take NULL and wrong types: these
 * only add the fallback). */
#ifndef OPTDEMO_JSON_FIELD_H
#define OPTDEMO_JSON_FIELD_H

#include <jansson.h>

/* object[key] when it is a string, else `missing` (which may be NULL). */
const char *json_field_string(const json_t *object, const char *key, const char *missing);

/* object[key] when it is a number (integer or real), else 0. */
double json_field_number(const json_t *object, const char *key);

/* A malloc'd copy of object[key] when it is a string, else NULL. */
char *json_field_copy(const json_t *object, const char *key);

#endif
