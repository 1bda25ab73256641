/* intset.h: a hash set of int64 keys on uthash (see intset.c for the design
 * and the measured levers).  Pure C, no Python.h: the binding
 * (bind_intset.c) turns the status codes into Python exceptions. */
#ifndef OPTNATIVE_INTSET_H
#define OPTNATIVE_INTSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slab.h"

typedef enum intset_status {
    INTSET_OK = 0,      /* the set changed: key added (add) or removed (discard) */
    INTSET_UNCHANGED,   /* add: already present; discard: was absent */
    INTSET_NOMEM,       /* out of memory: the set is exactly as it was */
} intset_status;

struct intset_entry;    /* private to intset.c */

/* Invariants: `head` is NULL exactly when the set is empty (uthash frees its
 * table with the last entry); every entry reachable from `head` was taken
 * from `entries`; keys are distinct. */
typedef struct intset {
    struct intset_entry *head;  /* uthash head; NULL when empty */
    slab_pool entries;          /* owns the entries, see slab.h */
    size_t reserved;            /* keys announced by intset_reserve (a hint) */
} intset;

void intset_init(intset *set);
/* Free everything; the set is empty and reusable afterwards. */
void intset_destroy(intset *set);

/* Announce that the set will hold about `keys` keys: buckets and bloom
 * filter are sized once instead of doubling (and rehashing) on the way, the
 * biggest cost of building a large set.  A hint: if memory is short, the
 * adds simply grow the set as usual. */
void intset_reserve(intset *set, size_t keys);

intset_status intset_add(intset *set, int64_t key);
/* Add `count` int64 keys read every `stride` bytes (any sign, any
 * alignment), prefetching a few keys ahead.  Stops at the first
 * INTSET_NOMEM: the keys before it are in, the set is otherwise unchanged.
 * *added (may be NULL) counts the keys that were new. */
intset_status intset_add_many(intset *set, const void *keys, ptrdiff_t stride,
                              size_t count, size_t *added);
intset_status intset_discard(intset *set, int64_t key);
bool intset_contains(const intset *set, int64_t key);
size_t intset_len(const intset *set);

/* How many of `count` int64 needles, read from `needles` every `stride`
 * bytes (any sign, any alignment), are in the set.  Makes no allocation and
 * touches nothing but the set and the needles: callable without the GIL. */
size_t intset_count_contained(const intset *set, const void *needles,
                              ptrdiff_t stride, size_t count);

/* Bytes this set holds from the allocator: entry blocks, uthash's table,
 * bucket array and bloom filter (not the intset struct itself). */
size_t intset_memory_bytes(const intset *set);

/* Iteration in insertion order.  Between two intset_iter_next calls the key
 * just returned may be discarded (the cursor has already moved past it); any
 * other discard invalidates the iterator, as in uthash's HASH_ITER. */
typedef struct intset_iter {
    const struct intset_entry *next;    /* NULL at the end */
} intset_iter;

void intset_iter_init(const intset *set, intset_iter *iter);
/* Store the next key in *key and return true, or return false at the end. */
bool intset_iter_next(intset_iter *iter, int64_t *key);

#endif
