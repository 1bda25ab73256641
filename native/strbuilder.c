/* strbuilder.c: amortised O(1) append by doubling the capacity.  With growth
 * factor g the bytes copied by all the reallocs stay under length/(g-1) and
 * the slack under (g-1)*length: doubling copies each code point at most once
 * on average, and the slack is short-lived (the builder is dropped once the
 * str is built).  glibc's realloc of a large block remaps pages instead of
 * copying, so big builders pay even less.  Widening (1 -> 2 -> 4 bytes)
 * happens at most twice per builder, like CPython's _PyUnicodeWriter. */
#include "strbuilder.h"

#include <stdatomic.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#endif

#include "alloc.h"

enum { STRBUILDER_MIN_CAPACITY = 64 };  /* code points: skips the tiny reallocs */

void
strbuilder_init(strbuilder *builder)
{
    builder->data = NULL;
    builder->length = 0;
    builder->capacity = 0;
    builder->width = 1;
    builder->maxchar = 0;
}

void
strbuilder_free(strbuilder *builder)
{
    alloc_free(builder->data);
    strbuilder_init(builder);
}

static unsigned
width_for(uint32_t maxchar)
{
    return maxchar <= 0xFF ? 1 : maxchar <= 0xFFFF ? 2 : 4;
}

static uint32_t
unit_at(const void *units, unsigned width, size_t index)
{
    switch (width) {
    case 1: return ((const uint8_t *)units)[index];
    case 2: return ((const uint16_t *)units)[index];
    default: return ((const uint32_t *)units)[index];
    }
}

/* One loop per pair of widths, chosen once per call.  A single loop with
 * a switch on each width per unit (this file's first version) made a
 * 4-byte str out of ASCII words 1.1x slower than str.join, which has a
 * loop per pair too (_PyUnicode_CONVERT_BYTES); gcc vectorises these. */
#define CONVERT_UNITS(from_type, to_type)                                    \
    do {                                                                    \
        const from_type *in = from;                                         \
        to_type *out = to;                                                  \
        for (size_t i = 0; i < count; i++) {                                \
            out[i] = (to_type)in[i];                                        \
        }                                                                   \
    } while (0)

void
strbuilder_convert_units(void *to, unsigned to_width, const void *from, unsigned from_width,
                         size_t count)
{
    switch (from_width * 10 + to_width) {
    case 12: CONVERT_UNITS(uint8_t, uint16_t); break;
    case 14: CONVERT_UNITS(uint8_t, uint32_t); break;
    case 24: CONVERT_UNITS(uint16_t, uint32_t); break;
    case 21: CONVERT_UNITS(uint16_t, uint8_t); break;
    case 41: CONVERT_UNITS(uint32_t, uint8_t); break;
    case 42: CONVERT_UNITS(uint32_t, uint16_t); break;
    default: memcpy(to, from, count * to_width); break;  /* the same width */
    }
}

#undef CONVERT_UNITS

/* Make room for `needed` code points of `width` bytes, converting the stored
 * ones if the width grows: by doubling (appends), or exactly (an explicit
 * reservation knows the final size).  On failure the builder is unchanged:
 * a wider buffer is filled before the old one is freed, and a failed
 * realloc leaves the old block valid. */
static strbuilder_status
reserve(strbuilder *builder, size_t needed, unsigned width, int exact)
{
    size_t capacity = builder->capacity;
    void *data;

    if (needed <= capacity && width == builder->width) {
        return STRBUILDER_OK;
    }
    if (exact) {
        capacity = needed > capacity ? needed : capacity > 0 ? capacity : 1;
    }
    else {
        if (capacity < STRBUILDER_MIN_CAPACITY) {
            capacity = STRBUILDER_MIN_CAPACITY;
        }
        while (capacity < needed) {
            capacity = capacity > STRBUILDER_MAX_LENGTH / 2 ? STRBUILDER_MAX_LENGTH : capacity * 2;
        }
    }
    if (width == builder->width) {
        data = alloc_realloc(builder->data, capacity * width);
        if (data == NULL) {
            return STRBUILDER_NOMEM;
        }
    }
    else {
        data = alloc_malloc(capacity * width);
        if (data == NULL) {
            return STRBUILDER_NOMEM;
        }
        strbuilder_copy_units(data, width, builder->data, builder->width, builder->length);
        alloc_free(builder->data);
        builder->width = width;
    }
    builder->data = data;
    builder->capacity = capacity;
    return STRBUILDER_OK;
}

strbuilder_status
strbuilder_reserve(strbuilder *builder, size_t count, uint32_t maxchar)
{
    unsigned width = width_for(maxchar);

    if (count > STRBUILDER_MAX_LENGTH - builder->length) {
        return STRBUILDER_TOOBIG;
    }
    if (width < builder->width) {
        width = builder->width;
    }
    if (count == 0 && width == builder->width) {
        return STRBUILDER_OK;
    }
    return reserve(builder, builder->length + count, width, 1);
}

strbuilder_status
strbuilder_append_slow(strbuilder *builder, const void *units, size_t count,
                       unsigned width, uint32_t maxchar)
{
    strbuilder_status status;
    unsigned new_width;
    uint32_t new_maxchar = maxchar > builder->maxchar ? maxchar : builder->maxchar;

    if (width != 1 && width != 2 && width != 4) {
        return STRBUILDER_BADWIDTH;
    }
    if (count > STRBUILDER_MAX_LENGTH - builder->length) {
        return STRBUILDER_TOOBIG;
    }
    if (count == 0) {
        return STRBUILDER_OK;
    }
    /* Units wider than maxchar needs (a UCS4 buffer of ASCII text) are
     * narrowed on the copy: the width follows the values, not the source. */
    new_width = width_for(new_maxchar);
    if (new_width < builder->width) {
        new_width = builder->width;
    }
    status = reserve(builder, builder->length + count, new_width, 0);
    if (status != STRBUILDER_OK) {
        return status;
    }
    strbuilder_copy_units((char *)builder->data + builder->length * builder->width,
                          builder->width, units, width, count);
    builder->length += count;
    builder->maxchar = new_maxchar;
    return STRBUILDER_OK;
}

/* cpuid leaf 7, subleaf 0: EDX bit 4 is FSRM.  gcc and clang define
 * __SANITIZE_ADDRESS__ / __has_feature(address_sanitizer) under ASan. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define STRBUILDER_UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define STRBUILDER_UNDER_ASAN 1
#endif

static strbuilder_copy_method
detect_short_copy_method(void)
{
#if defined(__x86_64__) && defined(__GNUC__) && !defined(STRBUILDER_UNDER_ASAN)
    unsigned eax, ebx, ecx, edx;
    if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) && (edx & (1u << 4)) != 0) {
        return STRBUILDER_COPY_REP_MOVSB;
    }
#endif
    return STRBUILDER_COPY_INLINE;
}

strbuilder_copy_method
strbuilder_short_copy_method(void)
{
    /* -1 until known.  Threads that race here (3.13t) compute the same
     * answer; the atomic only keeps that race defined.  cpuid is cheap on
     * metal but a VM exit under a hypervisor: once, not per join. */
    static atomic_int method = -1;
    int known = atomic_load_explicit(&method, memory_order_relaxed);

    if (known < 0) {
        known = (int)detect_short_copy_method();
        atomic_store_explicit(&method, known, memory_order_relaxed);
    }
    return (strbuilder_copy_method)known;
}

uint32_t
strbuilder_at(const strbuilder *builder, size_t index)
{
    return unit_at(builder->data, builder->width, index);
}
