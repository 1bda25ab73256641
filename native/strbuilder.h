/* strbuilder.h: an append-only buffer of code points stored 1, 2 or 4 bytes
 * wide (the widest appended so far), growing geometrically.  The layout is
 * that of CPython's compact strings, so the binding builds the final str
 * with one copy; the copy helpers below also serve the binding's direct
 * path, which writes a list's strs straight into the result str.  Pure C,
 * no Python.h. */
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

/* Copy `count` code points from `from` (from_width bytes each) to `to`
 * (to_width bytes each), widening, or narrowing when the values fit.  The
 * areas must not overlap.  Same widths inline (strbuilder_copy_bytes). */
static inline void strbuilder_copy_units(void *to, unsigned to_width, const void *from,
                                         unsigned from_width, size_t count);

/* strbuilder_copy_units between different widths, out of line. */
void strbuilder_convert_units(void *to, unsigned to_width, const void *from,
                              unsigned from_width, size_t count);

/* memcpy for the short runs a join of words is made of, without a call:
 * callgrind counted libc's memcpy (through the PLT, then its dispatch on
 * the size) at ~16 instructions for a 1-8 byte word, over a fifth of
 * ''.join's 72 per piece on CPython 3.11.  Up to 16 bytes: two loads and
 * two stores that may overlap in the middle, never past either end (the
 * source is a str's data, and reading beyond it could leave its
 * allocation). */
static inline void
strbuilder_copy_bytes(void *to, const void *from, size_t bytes)
{
    unsigned char *out = to;
    const unsigned char *in = from;

    if (bytes > 16) {
        memcpy(out, in, bytes);
    }
    else if (bytes >= 8) {
        uint64_t head, tail;
        memcpy(&head, in, 8);
        memcpy(&tail, in + bytes - 8, 8);
        memcpy(out, &head, 8);
        memcpy(out + bytes - 8, &tail, 8);
    }
    else if (bytes >= 4) {
        uint32_t head, tail;
        memcpy(&head, in, 4);
        memcpy(&tail, in + bytes - 4, 4);
        memcpy(out, &head, 4);
        memcpy(out + bytes - 4, &tail, 4);
    }
    else if (bytes > 0) {
        /* 1, 2 or 3 bytes: first, middle and last cover them all. */
        out[0] = in[0];
        out[bytes / 2] = in[bytes / 2];
        out[bytes - 1] = in[bytes - 1];
    }
}

/* How strbuilder_copy_short copies: the inline code above, or the CPU's
 * own `rep movsb` where it is fast for short runs (x86-64 with FSRM, "fast
 * short rep mov", Ice Lake on).  That one instruction has no branch to
 * mispredict: words of random lengths 1-8 sent strbuilder_copy_bytes's
 * branches (and libc's memcpy's) the wrong way often enough that, on this
 * project's Xeon, joining 50,000 of them took 0.41x ''.join's time on Debian's
 * CPython 3.11 with rep movsb against 0.72x with the branches, and on a PGO
 * build of 3.13 -- whose join gcc compiled to an inline rep movsb itself --
 * 0.76x against 1.26x.  (At n = 2,000 the branches win, 0.63x against
 * 0.94x: a benchmark's list that short, repeated, is learnt by the branch
 * predictor; real text is not.)  Runs over 64 bytes go to memcpy: rep
 * movsb lost to it on pieces of 100-300 bytes. */
typedef enum strbuilder_copy_method {
    STRBUILDER_COPY_INLINE = 0,     /* strbuilder_copy_bytes: portable */
    STRBUILDER_COPY_REP_MOVSB,      /* x86-64 with FSRM, not under ASan */
} strbuilder_copy_method;

/* The method this CPU copies short runs fastest with, asked of the CPU
 * once (cpuid) and remembered.  Under AddressSanitizer always INLINE:
 * ASan does not see inside an asm statement, and must check the copies. */
strbuilder_copy_method strbuilder_short_copy_method(void);

/* Copy `bytes` bytes (non-overlapping) by `method`. */
static inline void
strbuilder_copy_short(void *to, const void *from, size_t bytes, strbuilder_copy_method method)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (method == STRBUILDER_COPY_REP_MOVSB && bytes <= 64) {
        __asm__ volatile("rep movsb" : "+D"(to), "+S"(from), "+c"(bytes) : : "memory");
        return;
    }
#else
    (void)method;
#endif
    strbuilder_copy_bytes(to, from, bytes);
}

static inline void
strbuilder_copy_units(void *to, unsigned to_width, const void *from, unsigned from_width,
                      size_t count)
{
    if (to_width == from_width) {
        strbuilder_copy_bytes(to, from, count * from_width);
    }
    else {
        strbuilder_convert_units(to, to_width, from, from_width, count);
    }
}

/* The common case inline, one copy: same width, no new maximum, room
 * left (so the width is valid and the length cannot overflow).  Out of
 * line, the calls through the extension module's PLT stood out in perf
 * profiles of joining thousands of short words. */
static inline strbuilder_status
strbuilder_append(strbuilder *builder, const void *units, size_t count,
                  unsigned width, uint32_t maxchar)
{
    if (width == builder->width && maxchar <= builder->maxchar && count != 0
        && count <= builder->capacity - builder->length) {
        strbuilder_copy_bytes((char *)builder->data + builder->length * width, units,
                              count * width);
        builder->length += count;
        return STRBUILDER_OK;
    }
    return strbuilder_append_slow(builder, units, count, width, maxchar);
}

#endif
