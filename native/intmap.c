/* intmap.c: int64 -> int64 map on uthash with the same levers as intset.c
 * minus the bloom filter: a splitmix64 finalizer as HASH_FUNCTION, 72-byte
 * entries from a slab pool, and buckets doubled at load factor 0.5.  Counting
 * mostly hits keys already present, so a filter that speeds up misses would
 * only cost memory. */
#include "intmap.h"

#include <string.h>

#include "int64_hash.h"

#define HASH_FUNCTION(keyptr, keylen, hashv) INT64_HASH_FUNCTION(keyptr, keylen, hashv)
#define HASH_KEYCMP(a, b, n) INT64_HASH_KEYCMP(a, b, n)
#include "uthash_config.h"

struct intmap_entry {
    int64_t key;
    int64_t value;
    UT_hash_handle hh;
};

void
intmap_init(intmap *map)
{
    map->head = NULL;
    slab_init(&map->entries, sizeof(struct intmap_entry));
}

void
intmap_destroy(intmap *map)
{
    /* The pool owns the entries: HASH_CLEAR frees uthash's table and
     * buckets, slab_destroy every entry block (see intset_destroy). */
    HASH_CLEAR(hh, map->head);
    slab_destroy(&map->entries);
}

static inline unsigned
hash_of(int64_t key)
{
    unsigned hashv;
    HASH_VALUE(&key, sizeof key, hashv);
    return hashv;
}

static inline struct intmap_entry *
find(const intmap *map, int64_t key, unsigned hashv)
{
    struct intmap_entry *found;
    HASH_FIND_BYHASHVALUE(hh, map->head, &key, sizeof key, hashv, found);
    return found;
}

/* Keep at most half a key per bucket on average.  uthash alone doubles its
 * buckets only when one chain reaches 10 entries: counting 1M Zipf-drawn ids
 * over 1000 keys (the counting pitfall) then takes 18 ms; at load factor 1,
 * 10 ms; at 0.5, 6.7 ms (a C loop over the same data, gcc -O2).  The buckets cost
 * 32-64 bytes per key, small next to the input a count is made from.  A
 * failed expansion leaves a valid, slower table, so it is ignored. */
static void
grow_buckets(intmap *map)
{
    UT_hash_table *table = map->head->hh.tbl;
    if (2 * table->num_items > table->num_buckets) {
        int oomed = 0;
        HASH_EXPAND_BUCKETS(hh, table, oomed);
        (void)oomed;
    }
}

/* Insert key with value 0.  Returns the new entry, or NULL with the map
 * unchanged. */
static struct intmap_entry *
insert(intmap *map, int64_t key, unsigned hashv)
{
    struct intmap_entry *entry = slab_alloc(&map->entries);
    if (entry == NULL) {
        goto done;
    }
    entry->key = key;
    entry->value = 0;
    HASH_ADD_BYHASHVALUE(hh, map->head, key, sizeof entry->key, hashv, entry);
    /* HASH_NONFATAL_OOM: a failed insert was rolled back, hh.tbl is NULL. */
    if (entry->hh.tbl == NULL) {
        slab_release(&map->entries, entry);
        entry = NULL;
        goto done;
    }
    grow_buckets(map);
done:
    return entry;
}

intmap_status
intmap_put(intmap *map, int64_t key, int64_t value)
{
    unsigned hashv = hash_of(key);
    struct intmap_entry *entry = find(map, key, hashv);

    if (entry == NULL) {
        entry = insert(map, key, hashv);
        if (entry == NULL) {
            return INTMAP_NOMEM;
        }
    }
    entry->value = value;
    return INTMAP_OK;
}

intmap_status
intmap_increment(intmap *map, int64_t key, int64_t delta)
{
    unsigned hashv = hash_of(key);
    struct intmap_entry *entry = find(map, key, hashv);
    int64_t sum;

    if (entry == NULL) {
        /* 0 + delta cannot overflow: the overflow check below only ever
         * refuses an existing entry, so a refusal never leaves a new key. */
        entry = insert(map, key, hashv);
        if (entry == NULL) {
            return INTMAP_NOMEM;
        }
    }
    if (__builtin_add_overflow(entry->value, delta, &sum)) {
        return INTMAP_OVERFLOW;
    }
    entry->value = sum;
    return INTMAP_OK;
}

bool
intmap_get(const intmap *map, int64_t key, int64_t *value)
{
    const struct intmap_entry *entry = find(map, key, hash_of(key));
    if (entry == NULL) {
        return false;
    }
    *value = entry->value;
    return true;
}

bool
intmap_remove(intmap *map, int64_t key)
{
    struct intmap_entry *entry = find(map, key, hash_of(key));
    if (entry == NULL) {
        return false;
    }
    HASH_DEL(map->head, entry);
    slab_release(&map->entries, entry);
    return true;
}

size_t
intmap_len(const intmap *map)
{
    return HASH_COUNT(map->head);
}

intmap_status
intmap_count_keys(intmap *map, const void *keys, ptrdiff_t stride,
                  size_t count, size_t *counted)
{
    const char *base = keys;
    intmap_status status = INTMAP_OK;
    size_t i;

    for (i = 0; i < count; i++) {
        int64_t key;
        memcpy(&key, base + (ptrdiff_t)i * stride, sizeof key);
        status = intmap_increment(map, key, 1);
        if (status != INTMAP_OK) {
            break;
        }
    }
    if (counted != NULL) {
        *counted = i;
    }
    return status;
}

size_t
intmap_memory_bytes(const intmap *map)
{
    size_t bytes = slab_reserved_bytes(&map->entries);
    if (map->head != NULL) {
        const UT_hash_table *table = map->head->hh.tbl;
        bytes += sizeof *table + table->num_buckets * sizeof(UT_hash_bucket);
    }
    return bytes;
}

void
intmap_iter_init(const intmap *map, intmap_iter *iter)
{
    iter->next = map->head;
}

bool
intmap_iter_next(intmap_iter *iter, int64_t *key, int64_t *value)
{
    const struct intmap_entry *entry = iter->next;
    if (entry == NULL) {
        return false;
    }
    *key = entry->key;
    *value = entry->value;
    iter->next = entry->hh.next;
    return true;
}
