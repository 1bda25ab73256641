/* memo.c: the memo table behind optnative.memoize: a chained hash index
 * (Fibonacci hashing of the caller's 64-bit hash) and an intrusive LRU list
 * through the same entries.  Not uthash: its lookups compare with memcmp or a
 * macro that can neither fail nor notice that a comparison changed the table;
 * here the equality callback may raise (MEMO_ERROR) or clear the table, and a
 * version counter restarts the search, as CPython's dict lookup does. */
#include "memo.h"

#include "alloc.h"

#include <string.h>

/* Invariants: see memo_table.  An entry is owned by the table from the
 * moment it is linked; key and value by whoever inserted them until then. */
struct memo_entry {
    uint64_t hash;
    void *key;
    void *value;
    memo_entry *bucket_next;   /* next in the same bucket chain */
    memo_entry *lru_prev;      /* towards lru_head (more recently used) */
    memo_entry *lru_next;      /* towards lru_tail */
};

#define MEMO_MIN_BUCKET_BITS 3

void
memo_init(memo_table *table, size_t max_entries, memo_equal_fn equal,
          memo_release_fn release, void *context)
{
    table->buckets = NULL;
    table->bucket_count = 0;
    table->bucket_bits = 0;
    table->count = 0;
    table->max_entries = max_entries;
    table->lru_head = NULL;
    table->lru_tail = NULL;
    table->version = 0;
    table->equal = equal;
    table->release = release;
    table->context = context;
}

/* Fibonacci hashing: the top bits of hash * 2^64/phi, so that hashes that
 * differ only in their high bits (or are small consecutive integers, as
 * Python's int hashes are) still spread over the buckets. */
static size_t
slot_of(uint64_t hash, unsigned bits)
{
    return (size_t)((hash * UINT64_C(0x9E3779B97F4A7C15)) >> (64 - bits));
}

static void
lru_unlink(memo_table *table, memo_entry *entry)
{
    if (entry->lru_prev != NULL) {
        entry->lru_prev->lru_next = entry->lru_next;
    }
    else {
        table->lru_head = entry->lru_next;
    }
    if (entry->lru_next != NULL) {
        entry->lru_next->lru_prev = entry->lru_prev;
    }
    else {
        table->lru_tail = entry->lru_prev;
    }
}

static void
lru_push_front(memo_table *table, memo_entry *entry)
{
    entry->lru_prev = NULL;
    entry->lru_next = table->lru_head;
    if (table->lru_head != NULL) {
        table->lru_head->lru_prev = entry;
    }
    else {
        table->lru_tail = entry;
    }
    table->lru_head = entry;
}

static void
bucket_unlink(memo_table *table, memo_entry *entry)
{
    memo_entry **link = &table->buckets[slot_of(entry->hash, table->bucket_bits)];

    while (*link != entry) {
        link = &(*link)->bucket_next;
    }
    *link = entry->bucket_next;
}

static void
bucket_link(memo_table *table, memo_entry *entry)
{
    size_t slot = slot_of(entry->hash, table->bucket_bits);

    entry->bucket_next = table->buckets[slot];
    table->buckets[slot] = entry;
}

/* Doubles the index (or creates it).  On failure the table is untouched. */
static memo_status
grow_buckets(memo_table *table)
{
    memo_status status = MEMO_OK;
    unsigned bits = table->bucket_bits == 0 ? MEMO_MIN_BUCKET_BITS : table->bucket_bits + 1;
    memo_entry **buckets = NULL;
    memo_entry *entry;

    if (bits >= sizeof(size_t) * 8 - 4) {
        status = MEMO_NOMEM;
        goto done;
    }
    buckets = alloc_calloc((size_t)1 << bits, sizeof(memo_entry *));
    if (buckets == NULL) {
        status = MEMO_NOMEM;
        goto done;
    }
    alloc_free(table->buckets);
    table->buckets = buckets;
    table->bucket_count = (size_t)1 << bits;
    table->bucket_bits = bits;
    /* Rehash by walking the LRU list, which holds every entry once. */
    for (entry = table->lru_head; entry != NULL; entry = entry->lru_next) {
        bucket_link(table, entry);
    }
done:
    return status;
}

/* The search shared by lookup and insert: MEMO_OK with *found set,
 * MEMO_NOT_FOUND, or MEMO_ERROR.  The equality callback can run arbitrary
 * code; if the table changed meanwhile, the chain we were walking (and the
 * entry compared) may be gone, so start over from the bucket. */
static memo_status
find(memo_table *table, uint64_t hash, const void *key, memo_entry **found)
{
    memo_status status = MEMO_NOT_FOUND;
    memo_entry *entry;
    unsigned long version;
    int equal;

restart:
    if (table->buckets == NULL) {
        goto done;
    }
    for (entry = table->buckets[slot_of(hash, table->bucket_bits)]; entry != NULL;
         entry = entry->bucket_next) {
        if (entry->hash != hash) {
            continue;
        }
        version = table->version;
        equal = table->equal(table->context, entry->key, key);
        if (equal < 0) {
            status = MEMO_ERROR;
            goto done;
        }
        if (table->version != version) {
            goto restart;
        }
        if (equal) {
            *found = entry;
            status = MEMO_OK;
            goto done;
        }
    }
done:
    return status;
}

memo_status
memo_lookup(memo_table *table, uint64_t hash, const void *key, void **value_out)
{
    memo_entry *entry = NULL;
    memo_status status = find(table, hash, key, &entry);

    if (status == MEMO_OK) {
        /* An unbounded table never evicts, so its order is not kept up. */
        if (table->max_entries != 0 && entry != table->lru_head) {
            lru_unlink(table, entry);
            lru_push_front(table, entry);
        }
        *value_out = entry->value;
    }
    return status;
}

memo_status
memo_insert(memo_table *table, uint64_t hash, void *key, void *value)
{
    memo_entry *entry = NULL;
    void *evicted_key = NULL, *evicted_value = NULL;
    int evicted = 0;
    memo_status status = find(table, hash, key, &entry);

    if (status == MEMO_OK) {
        /* e.g. a recursive call cached it while the caller computed it */
        status = MEMO_EXISTS;
        goto done;
    }
    if (status != MEMO_NOT_FOUND) {
        goto done;
    }
    /* No callback runs from here until the release at the end, so the
     * search result above stays true while we link. */
    if (table->max_entries != 0 && table->count >= table->max_entries) {
        /* Full: recycle the least recently used entry; nothing to allocate. */
        entry = table->lru_tail;
        bucket_unlink(table, entry);
        lru_unlink(table, entry);
        table->count--;
        evicted_key = entry->key;
        evicted_value = entry->value;
        evicted = 1;
    }
    else {
        entry = alloc_malloc(sizeof(*entry));
        if (entry == NULL) {
            status = MEMO_NOMEM;
            goto done;
        }
        if (table->count + 1 > table->bucket_count && grow_buckets(table) != MEMO_OK) {
            alloc_free(entry);
            status = MEMO_NOMEM;
            goto done;
        }
    }
    entry->hash = hash;
    entry->key = key;
    entry->value = value;
    bucket_link(table, entry);
    lru_push_front(table, entry);
    table->count++;
    table->version++;
    status = MEMO_OK;
    if (evicted) {
        /* Last, with the table consistent: this may run arbitrary code. */
        table->release(table->context, evicted_key, evicted_value);
    }
done:
    return status;
}

void
memo_clear(memo_table *table)
{
    memo_entry *entry = table->lru_head;
    memo_entry *next;
    void *key, *value;

    /* Detach every entry first: a release may re-enter the table, which
     * must then see an empty (valid) table, never half-freed entries. */
    table->lru_head = NULL;
    table->lru_tail = NULL;
    table->count = 0;
    table->version++;
    if (table->buckets != NULL) {
        memset(table->buckets, 0, table->bucket_count * sizeof(memo_entry *));
    }
    while (entry != NULL) {
        next = entry->lru_next;
        key = entry->key;
        value = entry->value;
        alloc_free(entry);
        table->release(table->context, key, value);
        entry = next;
    }
}

void
memo_free(memo_table *table)
{
    /* A release may have inserted again; clear until it stays empty. */
    do {
        memo_clear(table);
    } while (table->count > 0);
    alloc_free(table->buckets);
    table->buckets = NULL;
    table->bucket_count = 0;
    table->bucket_bits = 0;
}

int
memo_visit(const memo_table *table, int (*visit)(void *key, void *value, void *arg), void *arg)
{
    int result = 0;
    const memo_entry *entry;

    for (entry = table->lru_head; entry != NULL && result == 0; entry = entry->lru_next) {
        result = visit(entry->key, entry->value, arg);
    }
    return result;
}
