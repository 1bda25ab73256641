/* parse.c: strtol/strtod with every check the command line needs. */
#include "parse.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>

int
parse_long(const char *text, long low, long *out)
{
    char *end = NULL;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < low) {
        return -1;
    }
    *out = value;
    return 0;
}

int
parse_seconds(const char *text, bool zero_ok, double *out)
{
    char *end = NULL;
    errno = 0;
    double value = strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !isfinite(value)
        || !(zero_ok ? value >= 0 : value > 0)) {
        return -1;
    }
    *out = value;
    return 0;
}

int
parse_bytes(const char *text, long long *out)
{
    static const char suffixes[] = "KMGT";
    char *end = NULL;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    if (errno != 0 || end == text || value < 0) {
        return -1;
    }
    if (*end != '\0') {
        int shift = 0;
        for (const char *s = suffixes; *s != '\0'; s++) {
            if (*end == *s || *end == *s + ('a' - 'A')) {
                shift = 10 * (int)(s - suffixes + 1);
            }
        }
        if (shift == 0 || end[1] != '\0' || value > (LLONG_MAX >> shift)) {
            return -1;
        }
        value <<= shift;
    }
    *out = value;
    return 0;
}
