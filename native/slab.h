/* slab.h: a pool of fixed-size objects carved out of a few large blocks
 * (slabs), with a free list for released objects.  intset and intmap take
 * their uthash entries from here instead of one malloc per entry: no malloc
 * header per entry (16 bytes on glibc), entries packed in insertion order,
 * and destroying a table frees a few dozen blocks instead of every entry. */
#ifndef OPTNATIVE_SLAB_H
#define OPTNATIVE_SLAB_H

#include <stddef.h>

/* Invariants: every object handed out lies in one of the blocks; the free
 * list links released objects through their first bytes (object_size >=
 * sizeof(void *)); [bump, bump_end) is the never-used tail of the newest
 * block.  Blocks double in size from SLAB_FIRST_OBJECTS up to
 * SLAB_MAX_OBJECTS objects, so a pool of n objects makes O(log n) mallocs
 * while small tables stay small, and the unused tail is bounded. */
typedef struct slab_pool {
    size_t object_size;       /* bytes per object, a multiple of 8 */
    size_t next_block_objects;/* objects in the next block to allocate */
    struct slab_block *blocks;/* newest first */
    char *bump;               /* next never-used object in the newest block */
    char *bump_end;           /* end of the newest block */
    void *free_list;          /* released objects, linked through their first word */
    size_t reserved_bytes;    /* sum of block sizes, headers included */
} slab_pool;

void slab_init(slab_pool *pool, size_t object_size);
/* An uninitialised object, or NULL when a new block cannot be allocated (the
 * pool is then unchanged). */
void *slab_alloc(slab_pool *pool);
/* Give an object back for reuse by the next slab_alloc. */
void slab_release(slab_pool *pool, void *object);
/* Free every block; the pool is empty and reusable afterwards. */
void slab_destroy(slab_pool *pool);
/* Bytes obtained from the allocator (for __sizeof__ figures). */
size_t slab_reserved_bytes(const slab_pool *pool);

#endif
