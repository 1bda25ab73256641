/* strbuilder.c: amortised O(1) append by doubling the capacity.  With growth
 * factor g the bytes copied by all the reallocs stay under length/(g-1) and
 * the slack under (g-1)*length: doubling copies each code point at most once
 * on average, and the slack is short-lived (the builder is dropped once the
 * str is built).  glibc's realloc of a large block remaps pages instead of
 * copying, so big builders pay even less.  Widening (1 -> 2 -> 4 bytes)
 * happens at most twice per builder, like CPython's _PyUnicodeWriter. */
#include "strbuilder.h"

#include <string.h>

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

static void
unit_put(void *units, unsigned width, size_t index, uint32_t value)
{
    switch (width) {
    case 1: ((uint8_t *)units)[index] = (uint8_t)value; break;
    case 2: ((uint16_t *)units)[index] = (uint16_t)value; break;
    default: ((uint32_t *)units)[index] = value; break;
    }
}

/* Copy count code points from `from` (from_width bytes each) to `to`,
 * widening or narrowing them (narrowing only when maxchar says they fit).  The widths are fixed per call,
 * so the per-unit switch is predicted; memcpy when they are equal. */
static void
copy_units(void *to, unsigned to_width, size_t to_index,
           const void *from, unsigned from_width, size_t count)
{
    if (to_width == from_width) {
        memcpy((char *)to + to_index * to_width, from, count * from_width);
        return;
    }
    for (size_t i = 0; i < count; i++) {
        unit_put(to, to_width, to_index + i, unit_at(from, from_width, i));
    }
}

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
        copy_units(data, width, 0, builder->data, builder->width, builder->length);
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
    copy_units(builder->data, builder->width, builder->length, units, width, count);
    builder->length += count;
    builder->maxchar = new_maxchar;
    return STRBUILDER_OK;
}

uint32_t
strbuilder_at(const strbuilder *builder, size_t index)
{
    return unit_at(builder->data, builder->width, index);
}
