/* memo.h: a memo table (cache) of opaque key -> value pairs, keyed by a hash
 * the caller computed, with caller-supplied equality and release callbacks
 * that may fail or re-enter the table, and an optional size bound with LRU
 * eviction.  Pure C: the table never looks inside a key or a value. */
#ifndef OPTNATIVE_MEMO_H
#define OPTNATIVE_MEMO_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    MEMO_OK = 0,
    MEMO_NOT_FOUND,  /* lookup: no entry with an equal key */
    MEMO_EXISTS,     /* insert: an equal key is already there; nothing stored */
    MEMO_NOMEM,      /* insert: out of memory; the table is unchanged */
    MEMO_ERROR,      /* the equality callback failed; the table is unchanged */
} memo_status;

/* Returns 1 if the stored key equals the probe key, 0 if not, -1 on error
 * (the caller's error, e.g. a Python exception, is left for it to report).
 * May run code that uses the table (lookups, inserts, memo_clear): the table
 * notices and restarts the search, so stored_key must be kept alive by the
 * callback itself for the duration of the call if releasing it could free it. */
typedef int (*memo_equal_fn)(void *context, const void *stored_key, const void *probe_key);

/* Gives up the table's ownership of an evicted or cleared pair.  Called only
 * when the table is consistent again, so it may re-enter the table. */
typedef void (*memo_release_fn)(void *context, void *key, void *value);

typedef struct memo_entry memo_entry;

/* Invariants:
 *   count entries, each in exactly one bucket chain (buckets[slot(hash)])
 *   and in the LRU list, most recently used at lru_head;
 *   bucket_count is 0 (buckets == NULL) or a power of two >= count, and
 *   bucket_bits == log2(bucket_count);
 *   max_entries == 0: unbounded (no LRU upkeep), else count <= max_entries;
 *   version changes whenever an entry is linked or unlinked, so a search
 *   interrupted by a callback can tell that its chain may be stale. */
typedef struct {
    memo_entry **buckets;      /* chain heads; NULL until the first insert */
    size_t bucket_count;
    unsigned bucket_bits;
    size_t count;
    size_t max_entries;        /* 0: no bound */
    memo_entry *lru_head;      /* most recently used */
    memo_entry *lru_tail;      /* least recently used: the next to evict */
    unsigned long version;
    memo_equal_fn equal;
    memo_release_fn release;
    void *context;             /* passed to both callbacks */
} memo_table;

/* An empty table; allocates nothing, so it cannot fail. */
void memo_init(memo_table *table, size_t max_entries, memo_equal_fn equal,
               memo_release_fn release, void *context);

/* MEMO_OK with *value_out set (the entry becomes the most recently used),
 * MEMO_NOT_FOUND, or MEMO_ERROR. */
memo_status memo_lookup(memo_table *table, uint64_t hash, const void *key, void **value_out);

/* Stores key -> value unless an equal key is present (MEMO_EXISTS).  On
 * MEMO_OK the table owns key and value; on any other status the caller keeps
 * them.  A bounded table that is full evicts its least recently used entry
 * (released after the new entry is linked). */
memo_status memo_insert(memo_table *table, uint64_t hash, void *key, void *value);

/* Releases every entry; the table stays usable (and keeps its buckets). */
void memo_clear(memo_table *table);
/* memo_clear, then frees the buckets: an empty table as after memo_init. */
void memo_free(memo_table *table);

static inline size_t
memo_count(const memo_table *table)
{
    return table->count;
}

/* Calls visit(key, value, arg) for each entry, most recently used first,
 * stopping at the first nonzero return, which it returns (the shape of a
 * Python tp_traverse).  visit must not change the table. */
int memo_visit(const memo_table *table, int (*visit)(void *key, void *value, void *arg), void *arg);

#endif
