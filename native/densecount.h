/* densecount.h: counting int64 keys that lie in a narrow range [low, high]
 * in a plain array of uint32 counts indexed by key - low, with the distinct
 * keys listed in order of first occurrence: no hashing, one load and store
 * per key.  The counting kernel (optnative.count_int64) uses it when the
 * range is narrow next to the input (densecount_fits), intmap otherwise.
 * Pure C, no Python.h. */
#ifndef OPTNATIVE_DENSECOUNT_H
#define OPTNATIVE_DENSECOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum densecount_status {
    DENSECOUNT_OK = 0,
    DENSECOUNT_NOMEM,   /* out of memory: the count is empty, as after init */
} densecount_status;

/* The widest range counted densely: 2^20 keys, 4 MB of counts. */
#define DENSECOUNT_MAX_SPAN (UINT64_C(1) << 20)
/* At most this many counts per key counted, so the counts (4 bytes each)
 * take at most the input's own size (8 bytes a key): a few keys far apart
 * go to the hash map instead of a mostly empty array. */
#define DENSECOUNT_SPAN_PER_KEY 2

/* Invariants: `counts` has `span` entries, counts[key - low] is how often
 * key occurred; `first_seen` holds the `distinct` keys whose count is not
 * zero, in order of first occurrence.  All empty (NULL, 0) after init. */
typedef struct densecount {
    int64_t low;            /* the smallest key of the range */
    size_t span;            /* keys in [low, high] */
    uint32_t *counts;       /* span counts; uint32: densecount_fits refuses
                             * more than UINT32_MAX keys */
    int64_t *first_seen;    /* room for min(span, keys counted) keys */
    size_t distinct;        /* keys in first_seen */
} densecount;

/* The smallest and largest of `count` (> 0) int64 keys read every `stride`
 * bytes from `keys`. */
void densecount_range(const void *keys, ptrdiff_t stride, size_t count,
                      int64_t *low, int64_t *high);

/* Whether `count` keys in [low, high] are worth counting densely: at most
 * DENSECOUNT_MAX_SPAN keys in the range, and at most DENSECOUNT_SPAN_PER_KEY
 * per key counted.  Any low <= high, INT64_MIN and INT64_MAX included. */
bool densecount_fits(int64_t low, int64_t high, size_t count);

void densecount_init(densecount *counter);
/* Free everything; the count is empty and reusable afterwards. */
void densecount_destroy(densecount *counter);

/* Count `count` int64 keys read every `stride` bytes, all in [low, high]
 * (densecount_range's answer, and densecount_fits said yes), into an empty
 * counter.  No Python, no locks: callable without the GIL. */
densecount_status densecount_count_keys(densecount *counter, const void *keys,
                                        ptrdiff_t stride, size_t count,
                                        int64_t low, int64_t high);

/* The i-th distinct key (i < counter->distinct) in first-seen order, and
 * how often it occurred. */
void densecount_entry(const densecount *counter, size_t i, int64_t *key, uint32_t *count);

#endif
