/* strbuilder.h: an append-only buffer of code points stored 1, 2 or 4 bytes
 * wide (the widest appended so far), growing geometrically.  The layout is
 * that of CPython's compact strings, so the binding builds the final str
 * with one memcpy.  Pure C, no Python.h. */
#ifndef OPTNATIVE_STRBUILDER_H
#define OPTNATIVE_STRBUILDER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef enum strbuilder_status {
    STRBUILDER_OK = 0,
    STRBUILDER_NOMEM,   /* out of memory: the builder is exactly as it was */
    STRBUILDER_TOOBIG,  /* the length would exceed STRBUILDER_MAX_LENGTH */
    STRBUILDER_BADWIDTH,/* width is not 1, 2 or 4 */
} strbuilder_status;

/* The longest builder, in code points: bytes (length * 4) must fit a
 * ptrdiff_t, as Python's str length (Py_ssize_t) requires. */
#define STRBUILDER_MAX_LENGTH ((size_t)PTRDIFF_MAX / 4)

/* Invariants: data holds `length` code points of `width` bytes each and room
 * for `capacity`; data is NULL exactly when capacity is 0; width only ever
 * widens (1 -> 2 -> 4) and holds maxchar; it is the smallest width that
 * does unless strbuilder_reserve widened it ahead of the text. */
typedef struct strbuilder {
    void *data;         /* code points, `width` bytes each; NULL while empty */
    size_t length;      /* code points stored */
    size_t capacity;    /* code points that fit in data */
    unsigned width;     /* 1, 2 or 4 bytes per code point */
    uint32_t maxchar;   /* largest maxchar passed to append (0 when empty) */
} strbuilder;

void strbuilder_init(strbuilder *builder);
/* Free the buffer; the builder is empty and reusable afterwards. */
void strbuilder_free(strbuilder *builder);

/* Append `count` code points stored `width` bytes each.  `maxchar` must be
 * an upper bound of their values (values above it would be truncated): the
 * binding passes the str's PyUnicode_MAX_CHAR_VALUE, which is 127, 255,
 * 65535 or 1114111, so maxchar also tells the final str's kind exactly. */
static inline strbuilder_status strbuilder_append(strbuilder *builder, const void *units,
                                                  size_t count, unsigned width,
                                                  uint32_t maxchar);

/* strbuilder_append's general case (growth, widening, checks), out of line. */
strbuilder_status strbuilder_append_slow(strbuilder *builder, const void *units,
                                         size_t count, unsigned width,
                                         uint32_t maxchar);

/* Make room for `count` more code points of values up to `maxchar`, so the
 * appends that follow copy without reallocating (join() sums the lengths
 * first, as str.join does).  maxchar is not recorded: appends do that. */
strbuilder_status strbuilder_reserve(strbuilder *builder, size_t count, uint32_t maxchar);

/* The code point at index (index < length), for tests. */
uint32_t strbuilder_at(const strbuilder *builder, size_t index);

/* The common case inline, one memcpy: same width, no new maximum, room
 * left (so the width is valid and the length cannot overflow).  Out of
 * line, the calls through the extension module's PLT stood out in perf
 * profiles of joining thousands of short words. */
static inline strbuilder_status
strbuilder_append(strbuilder *builder, const void *units, size_t count,
                  unsigned width, uint32_t maxchar)
{
    if (width == builder->width && maxchar <= builder->maxchar && count != 0
        && count <= builder->capacity - builder->length) {
        memcpy((char *)builder->data + builder->length * width, units, count * width);
        builder->length += count;
        return STRBUILDER_OK;
    }
    return strbuilder_append_slow(builder, units, count, width, maxchar);
}

#endif
