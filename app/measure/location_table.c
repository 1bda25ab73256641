/* location_table.c: the 3.11 location table (CPython's
 * Objects/locations.md), walked the way codeobject.c's advance() walks it.
 * Each entry starts with a byte whose top bit is set: bits 3-6 are its kind,
 * bits 0-2 its length in code units minus one; the kind says what follows
 * (varints of 6 bits a byte, bit 6 meaning "more").  Only the line matters
 * here, so columns are skipped: an entry's line is the running line plus its
 * delta, and "no location" entries (kind 15) have none without moving the
 * running line. */
#include "location_table.h"

#include <stdbool.h>

enum {
    KIND_ONE_LINE0 = 10,      /* 10-12: the line moves by kind - 10, then two column bytes */
    KIND_NO_COLUMNS = 13,     /* a signed varint line delta */
    KIND_LONG = 14,           /* a signed varint line delta, then three varints */
    KIND_NONE = 15,           /* no location at all */
};

/* A varint at table[*at], bounded by length; 0 past the end. */
static unsigned
read_varint(const uint8_t *table, size_t length, size_t *at)
{
    unsigned value = 0, shift = 0;
    bool more = true;
    while (more && *at < length && shift < 32) {
        uint8_t byte = table[(*at)++];
        value |= (unsigned)(byte & 63) << shift;
        shift += 6;
        more = (byte & 64) != 0;
    }
    return value;
}

static int
read_signed_varint(const uint8_t *table, size_t length, size_t *at)
{
    unsigned value = read_varint(table, length, at);
    return (value & 1) ? -(int)(value >> 1) : (int)(value >> 1);
}

int
location_table_line(const uint8_t *table, size_t length, int first_line, int byte_offset)
{
    long end = 0;             /* byte offset where the current entry ends */
    int computed = first_line, line = -1;
    size_t at = 0;

    if (byte_offset < 0) {
        return first_line;
    }
    while (end <= byte_offset) {
        if (at >= length) {
            return -1;
        }
        uint8_t first = table[at];
        int kind = (first >> 3) & 15;
        size_t next = at + 1;
        int delta = 0;
        if (kind == KIND_NO_COLUMNS || kind == KIND_LONG) {
            delta = read_signed_varint(table, length, &next);
        } else if (kind >= KIND_ONE_LINE0 && kind < KIND_NO_COLUMNS) {
            delta = kind - KIND_ONE_LINE0;
        }
        computed += delta;
        line = kind == KIND_NONE ? -1 : computed;
        end += 2 * ((first & 7) + 1);
        /* The next entry is the next byte with its top bit set. */
        for (at++; at < length && (table[at] & 128) == 0; at++) {
        }
    }
    return line;
}
