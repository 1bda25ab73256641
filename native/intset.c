/* intset.c: a set of int64 on uthash, made fast.  Plain uthash (Jenkins
 * hash, one malloc per 64-byte entry, chains up to 10 long) is no faster
 * than Python's set; the levers, each measured by bench/bench_intset_levers
 * (figures in bench/README.md): a splitmix64 finalizer as HASH_FUNCTION, a bloom
 * filter (16 bits per key, up to 2^22) that answers most misses without
 * touching a chain, entries from a slab pool, buckets doubled at load factor
 * 1, and software prefetch in the batch lookup so that several needles are
 * in flight at once. */
#include "intset.h"

#include <string.h>

#include "int64_hash.h"

/* Compile-time levers, so bench/bench_intset_levers.c can build each step of
 * the story from this same file.  The defaults are the fast configuration. */
#ifndef INTSET_SPLITMIX_HASH
#define INTSET_SPLITMIX_HASH 1  /* 0: uthash's default Jenkins hash */
#endif
#ifndef INTSET_BLOOM_BITS
#define INTSET_BLOOM_BITS 22    /* 0: no bloom filter; else log2 of its largest size */
#endif
#ifndef INTSET_SLAB_ENTRIES
#define INTSET_SLAB_ENTRIES 1   /* 0: one alloc_malloc per entry */
#endif
#ifndef INTSET_MAX_LOAD
#define INTSET_MAX_LOAD 1       /* 0: only uthash's own rule (see grow_buckets) */
#endif
#ifndef INTSET_PREFETCH
#define INTSET_PREFETCH 1       /* 0: look needles up one after the other */
#endif

#if INTSET_SPLITMIX_HASH
#define HASH_FUNCTION(keyptr, keylen, hashv) INT64_HASH_FUNCTION(keyptr, keylen, hashv)
#endif
#define HASH_KEYCMP(a, b, n) INT64_HASH_KEYCMP(a, b, n)
#if INTSET_BLOOM_BITS > 0
/* uthash sizes the filter once, at the first insert, from this constant; it
 * reads the size back from the table (bloom_nbits) on every test, so
 * grow_bloom can swap in a bigger filter as the set grows. */
#define HASH_BLOOM 10           /* a new set starts with 1024 bits */
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
    set->reserved = 0;
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
    set->reserved = 0;
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

static inline int64_t
needle_at(const char *needles, ptrdiff_t stride, size_t index)
{
    int64_t key;
    memcpy(&key, needles + (ptrdiff_t)index * stride, sizeof key);
    return key;
}

enum { ADD_PREFETCH_DISTANCE = 8 };     /* keys ahead (not tuned) */

/* uthash doubles its buckets only when one chain reaches 10 entries, which
 * lets the average chain grow to 3-8 entries: every hit then walks a few
 * cache lines.  Keeping at most INTSET_MAX_LOAD keys per bucket on average
 * costs 16-32 bytes of bucket per key and makes chains ~1 entry long.
 * `keys` is the number to prepare for (the current count, or a reservation).
 * If a bigger bucket array cannot be allocated the set stays valid, only
 * slower, so the failure ends the growth and is otherwise ignored. */
static void
grow_buckets(intset *set, size_t keys)
{
#if INTSET_MAX_LOAD > 0
    UT_hash_table *table = set->head->hh.tbl;
    while (keys > (size_t)INTSET_MAX_LOAD * table->num_buckets
           && table->num_buckets < (1U << 30)) {
        int oomed = 0;
        HASH_EXPAND_BUCKETS(hh, table, oomed);
        if (oomed) {
            break;
        }
    }
#else
    (void)set;
    (void)keys;
#endif
}

#if INTSET_BLOOM_BITS > 0
enum { BLOOM_BITS_PER_KEY = 16 };   /* one hash: ~6% false positives */

/* uthash's filter has a fixed size: a 2^22-bit (512 KiB) one is right for
 * 200k keys and costs a 9 us memset for a set of one.  Instead the filter
 * starts at 2^10 bits and is rebuilt 4x bigger (or at once to the size a
 * reservation needs) from the entries' stored hashes whenever the set passes
 * BLOOM_BITS_PER_KEY bits per key, up to 2^INTSET_BLOOM_BITS (past L2's size
 * a filter costs more than it saves).  Amortised O(1) per add, like the
 * bucket doubling.  Discarded keys leave their bits set until the next
 * rebuild: more false positives, never a false negative.  If the bigger
 * filter cannot be allocated the old one stays, still correct. */
static void
grow_bloom(intset *set, size_t keys)
{
    UT_hash_table *table = set->head->hh.tbl;
    unsigned bits = table->bloom_nbits;
    uint8_t *filter;
    const struct intset_entry *entry;

    if (bits >= INTSET_BLOOM_BITS || keys <= ((size_t)1 << bits) / BLOOM_BITS_PER_KEY) {
        return;
    }
    do {
        bits += 2;
    } while (bits < INTSET_BLOOM_BITS && keys > ((size_t)1 << bits) / BLOOM_BITS_PER_KEY);
    if (bits > INTSET_BLOOM_BITS) {
        bits = INTSET_BLOOM_BITS;
    }
    filter = alloc_calloc(((size_t)1 << bits) / 8, 1);
    if (filter == NULL) {
        return;
    }
    alloc_free(table->bloom_bv);
    table->bloom_bv = filter;
    table->bloom_nbits = (uint8_t)bits;
    for (entry = set->head; entry != NULL; entry = entry->hh.next) {
        HASH_BLOOM_ADD(table, entry->hh.hashv);
    }
}
#endif

/* Size buckets and filter for `keys` keys (set->head must exist). */
static void
grow(intset *set, size_t keys)
{
    grow_buckets(set, keys);
#if INTSET_BLOOM_BITS > 0
    grow_bloom(set, keys);
#endif
}

void
intset_reserve(intset *set, size_t keys)
{
    /* uthash makes its table with the first entry: until then, remember. */
    set->reserved = keys;
    if (set->head != NULL && keys > intset_len(set)) {
        grow(set, keys);
    }
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
    grow(set, set->reserved > intset_len(set) ? set->reserved : intset_len(set));
    status = INTSET_OK;
done:
    return status;
}

intset_status
intset_add_many(intset *set, const void *keys, ptrdiff_t stride, size_t count,
                size_t *added)
{
    const char *base = keys;
    intset_status status = INTSET_OK;
    size_t i;

    if (added != NULL) {
        *added = 0;
    }
    for (i = 0; i < count; i++) {
#if INTSET_PREFETCH
        /* An insert touches a random bucket and the entry at its head
         * (uthash's chains are doubly linked): fetch both a few keys ahead.
         * Two stages, as the head is only known once the bucket is in. */
        if (set->head != NULL) {
            const UT_hash_table *table = set->head->hh.tbl;
            unsigned bucket;
            if (i + 2 * ADD_PREFETCH_DISTANCE < count) {
                HASH_TO_BKT(hash_of(needle_at(base, stride, i + 2 * ADD_PREFETCH_DISTANCE)),
                            table->num_buckets, bucket);
                __builtin_prefetch(&table->buckets[bucket]);
            }
            if (i + ADD_PREFETCH_DISTANCE < count) {
                HASH_TO_BKT(hash_of(needle_at(base, stride, i + ADD_PREFETCH_DISTANCE)),
                            table->num_buckets, bucket);
                if (table->buckets[bucket].hh_head != NULL) {
                    __builtin_prefetch(table->buckets[bucket].hh_head, 1);
                }
            }
        }
#endif
        status = intset_add(set, needle_at(base, stride, i));
        if (status == INTSET_NOMEM) {
            break;
        }
        if (status == INTSET_OK && added != NULL) {
            (*added)++;
        }
        status = INTSET_OK;
    }
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
    /* glibc's malloc(64) takes an 80-byte chunk: 8 bytes of size header,
     * rounded up to 16. */
    bytes += intset_len(set) * (sizeof(struct intset_entry) + 16);
#endif
    if (set->head != NULL) {
        const UT_hash_table *table = set->head->hh.tbl;
        bytes += sizeof *table + table->num_buckets * sizeof(UT_hash_bucket);
#ifdef HASH_BLOOM
        bytes += ((size_t)1 << table->bloom_nbits) / 8;
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
