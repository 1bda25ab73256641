/* json_field.c: see json_field.h. */
#include "json_field.h"

#include <stdlib.h>
#include <string.h>

const char *
json_field_string(const json_t *object, const char *key, const char *missing)
{
    const char *text = json_string_value(json_object_get(object, key));
    return text != NULL ? text : missing;
}

double
json_field_number(const json_t *object, const char *key)
{
    return json_number_value(json_object_get(object, key));
}

char *
json_field_copy(const json_t *object, const char *key)
{
    const char *text = json_string_value(json_object_get(object, key));
    return text != NULL ? strdup(text) : NULL;
}
