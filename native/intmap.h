/* intmap.h: a hash map int64 -> int64 on uthash, in insertion order; the
 * counting kernel (optnative.count_int64) tallies an array with it without
 * the GIL.  Pure C, no Python.h. */
#ifndef OPTNATIVE_INTMAP_H
#define OPTNATIVE_INTMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slab.h"

typedef enum intmap_status {
    INTMAP_OK = 0,
    INTMAP_NOMEM,       /* out of memory: the map is exactly as it was */
    INTMAP_OVERFLOW,    /* the value would leave int64: the map is unchanged */
} intmap_status;

struct intmap_entry;    /* private to intmap.c */

/* Invariants: `head` is NULL exactly when the map is empty; every entry
 * reachable from `head` was taken from `entries`; keys are distinct; the
 * iteration order is the order in which keys were first inserted. */
typedef struct intmap {
    struct intmap_entry *head;  /* uthash head; NULL when empty */
    slab_pool entries;          /* owns the entries, see slab.h */
} intmap;

void intmap_init(intmap *map);
/* Free everything; the map is empty and reusable afterwards. */
void intmap_destroy(intmap *map);

/* Set key's value, inserting the key if absent. */
intmap_status intmap_put(intmap *map, int64_t key, int64_t value);
/* Add delta to key's value; an absent key counts as 0 and is inserted. */
intmap_status intmap_increment(intmap *map, int64_t key, int64_t delta);
/* Store key's value in *value and return true, or return false if absent. */
bool intmap_get(const intmap *map, int64_t key, int64_t *value);
/* Remove key; returns whether it was present. */
bool intmap_remove(intmap *map, int64_t key);
size_t intmap_len(const intmap *map);

/* Increment the count of each of `count` int64 keys read every `stride`
 * bytes from `keys`.  Stops at the first failure: *counted (may be NULL)
 * says how many keys were tallied before it.  No Python, no locks: callable
 * without the GIL. */
intmap_status intmap_count_keys(intmap *map, const void *keys, ptrdiff_t stride,
                                size_t count, size_t *counted);

/* Bytes held from the allocator: entry blocks, uthash's table and buckets. */
size_t intmap_memory_bytes(const intmap *map);

/* Iteration in insertion order; removing the key just returned is allowed,
 * any other removal invalidates the iterator. */
typedef struct intmap_iter {
    const struct intmap_entry *next;    /* NULL at the end */
} intmap_iter;

void intmap_iter_init(const intmap *map, intmap_iter *iter);
bool intmap_iter_next(intmap_iter *iter, int64_t *key, int64_t *value);

#endif
