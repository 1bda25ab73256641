/* intset.c: a set of int64 on uthash, made fast.  Plain uthash (Jenkins
 * hash, one malloc per 64-byte entry) is no faster than Python's set; the
 * levers, each measured in bench/ (LEVERS below): a splitmix64 finalizer as
 * HASH_FUNCTION, a 2^INTSET_BLOOM_BITS-bit bloom filter that answers most
 * misses without touching a bucket chain, entries from a slab pool, and
 * software prefetch in the batch lookup so several needles are in flight. */
#include "intset.h"

#include <string.h>

#include "int64_hash.h"

/* Compile-time levers, so bench/bench_intset_levers.c can build each step of
 * the story from this same file.  The defaults are the fast configuration. */
#ifndef INTSET_SPLITMIX_HASH
#define INTSET_SPLITMIX_HASH 1  /* 0: uthash's default Jenkins hash */
#endif
#ifndef INTSET_BLOOM_BITS
#define INTSET_BLOOM_BITS 22    /* 0: no bloom filter; 22: a 512 KiB filter */
#endif
#ifndef INTSET_SLAB_ENTRIES
#define INTSET_SLAB_ENTRIES 1   /* 0: one alloc_malloc per entry */
#endif
#ifndef INTSET_PREFETCH
#define INTSET_PREFETCH 1       /* 0: look needles up one after the other */
#endif

#if INTSET_SPLITMIX_HASH
#define HASH_FUNCTION(keyptr, keylen, hashv) INT64_HASH_FUNCTION(keyptr, keylen, hashv)
#endif
#define HASH_KEYCMP(a, b, n) INT64_HASH_KEYCMP(a, b, n)
#if INTSET_BLOOM_BITS > 0
#define HASH_BLOOM INTSET_BLOOM_BITS
#endif
#include "uthash_config.h"

/* 64 bytes: the key and uthash's 56-byte handle, one cache line. */
struct intset_entry {
    int64_t key;
    UT_hash_handle hh;
};

static struct intset_entry *
entry_new(intset *set)
{
#if INTSET_SLAB_ENTRIES
    return slab_alloc(&set->entries);
#else
    (void)set;
    return alloc_malloc(sizeof(struct intset_entry));
#endif
}

static void
entry_free(intset *set, struct intset_entry *entry)
{
#if INTSET_SLAB_ENTRIES
    slab_release(&set->entries, entry);
#else
    (void)set;
    alloc_free(entry);
#endif
}

void
intset_init(intset *set)
{
    set->head = NULL;
    slab_init(&set->entries, sizeof(struct intset_entry));
}

void
intset_destroy(intset *set)
{
#if INTSET_SLAB_ENTRIES
    /* The pool owns the entries: HASH_CLEAR frees uthash's table, buckets
     * and bloom filter, slab_destroy the entries, a few dozen frees in all
     * instead of one HASH_DEL + free per entry. */
    HASH_CLEAR(hh, set->head);
#else
    struct intset_entry *entry, *tmp;
    HASH_ITER(hh, set->head, entry, tmp) {
        HASH_DEL(set->head, entry);
        alloc_free(entry);
    }
#endif
    slab_destroy(&set->entries);
}

static inline struct intset_entry *
find(const intset *set, int64_t key, unsigned hashv)
{
    struct intset_entry *found;
    HASH_FIND_BYHASHVALUE(hh, set->head, &key, sizeof key, hashv, found);
    return found;
}

static inline unsigned
hash_of(int64_t key)
{
    unsigned hashv;
    HASH_VALUE(&key, sizeof key, hashv);
    return hashv;
}

intset_status
intset_add(intset *set, int64_t key)
{
    unsigned hashv = hash_of(key);
    struct intset_entry *entry;
    intset_status status = INTSET_UNCHANGED;

    if (find(set, key, hashv) != NULL) {
        goto done;
    }
    status = INTSET_NOMEM;
    entry = entry_new(set);
    if (entry == NULL) {
        goto done;
    }
    entry->key = key;
    HASH_ADD_BYHASHVALUE(hh, set->head, key, sizeof entry->key, hashv, entry);
    /* HASH_NONFATAL_OOM: when the table (or its growth) could not be
     * allocated, uthash rolls the insert back and sets hh.tbl to NULL. */
    if (entry->hh.tbl == NULL) {
        entry_free(set, entry);
        goto done;
    }
    status = INTSET_OK;
done:
    return status;
}

intset_status
intset_discard(intset *set, int64_t key)
{
    struct intset_entry *entry = find(set, key, hash_of(key));
    if (entry == NULL) {
        return INTSET_UNCHANGED;
    }
    HASH_DEL(set->head, entry);
    entry_free(set, entry);
    return INTSET_OK;
}

bool
intset_contains(const intset *set, int64_t key)
{
    return find(set, key, hash_of(key)) != NULL;
}

size_t
intset_len(const intset *set)
{
    return HASH_COUNT(set->head);
}

static inline int64_t
needle_at(const char *needles, ptrdiff_t stride, size_t index)
{
    int64_t key;
    memcpy(&key, needles + (ptrdiff_t)index * stride, sizeof key);
    return key;
}

#if INTSET_PREFETCH
enum { PREFETCH_BATCH = 256 };  /* needles per batch: ~24 reach pass 2 */

/* A batch in three passes, so that the cache misses of different needles
 * overlap instead of queueing one behind the other: hash every needle and
 * test its bloom bit (the filter stays in L2), prefetching the bucket of
 * each possible hit; prefetch the first entry of those buckets' chains; then
 * look the candidates up with uthash's own HASH_FIND.  The batch must be
 * large: only ~1 needle in 10 passes the filter, and pass 2 needs a dozen or
 * more in flight to hide a memory latency. */
static size_t
count_batch(const intset *set, const char *base, ptrdiff_t stride, size_t first)
{
    const UT_hash_table *table = set->head->hh.tbl;
    int64_t keys[PREFETCH_BATCH];       /* the candidates that passed the filter */
    unsigned hashes[PREFETCH_BATCH];
    unsigned candidates = 0;
    size_t found = 0;
    unsigned j;

    for (j = 0; j < PREFETCH_BATCH; j++) {
        int64_t key = needle_at(base, stride, first + j);
        unsigned hashv = hash_of(key);
        if (HASH_BLOOM_TEST(table, hashv)) {
            unsigned bucket;
            HASH_TO_BKT(hashv, table->num_buckets, bucket);
            __builtin_prefetch(&table->buckets[bucket]);
            keys[candidates] = key;
            hashes[candidates] = hashv;
            candidates++;
        }
    }
    for (j = 0; j < candidates; j++) {
        unsigned bucket;
        HASH_TO_BKT(hashes[j], table->num_buckets, bucket);
        if (table->buckets[bucket].hh_head != NULL) {
            __builtin_prefetch(table->buckets[bucket].hh_head);
        }
    }
    for (j = 0; j < candidates; j++) {
        found += find(set, keys[j], hashes[j]) != NULL;
    }
    return found;
}
#endif

size_t
intset_count_contained(const intset *set, const void *needles,
                       ptrdiff_t stride, size_t count)
{
    const char *base = needles;
    size_t found = 0;
    size_t i = 0;

    if (set->head == NULL) {
        return 0;
    }
#if INTSET_PREFETCH
    for (; i + PREFETCH_BATCH <= count; i += PREFETCH_BATCH) {
        found += count_batch(set, base, stride, i);
    }
#endif
    for (; i < count; i++) {
        int64_t key = needle_at(base, stride, i);
        found += find(set, key, hash_of(key)) != NULL;
    }
    return found;
}

size_t
intset_memory_bytes(const intset *set)
{
    size_t bytes = 0;
#if INTSET_SLAB_ENTRIES
    bytes += slab_reserved_bytes(&set->entries);
#else
    bytes += intset_len(set) * sizeof(struct intset_entry);
#endif
    if (set->head != NULL) {
        const UT_hash_table *table = set->head->hh.tbl;
        bytes += sizeof *table + table->num_buckets * sizeof(UT_hash_bucket);
#ifdef HASH_BLOOM
        bytes += HASH_BLOOM_BYTELEN;
#endif
    }
    return bytes;
}

void
intset_iter_init(const intset *set, intset_iter *iter)
{
    iter->next = set->head;
}

bool
intset_iter_next(intset_iter *iter, int64_t *key)
{
    const struct intset_entry *entry = iter->next;
    if (entry == NULL) {
        return false;
    }
    *key = entry->key;
    iter->next = entry->hh.next;
    return true;
}
