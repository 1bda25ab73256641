/* parse.h: the command line's numbers, parsed one way everywhere: the
 * whole text must be the number (no trailing junk, no overflow). */
#ifndef OPTDEMO_PARSE_H
#define OPTDEMO_PARSE_H

#include <stdbool.h>

/* A decimal integer >= low.  0, or -1 when `text` is not one. */
int parse_long(const char *text, long low, long *out);

/* Seconds: a finite number > 0 (or >= 0 when zero_ok).  0, or -1. */
int parse_seconds(const char *text, bool zero_ok, double *out);

/* A size in bytes with an optional binary suffix: "512M", "4G", "65536",
 * "0" (none).  K, M, G, T are powers of 1024.  0, or -1. */
int parse_bytes(const char *text, long long *out);

#endif
