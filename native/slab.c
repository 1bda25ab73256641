/* slab.c: fixed-size object pool (see slab.h).  Blocks are never returned to
 * the allocator before slab_destroy: a table that shrank keeps its memory for
 * the next inserts, like CPython's set (which never shrinks its table on
 * discard either). */
#include "slab.h"

#include <stdalign.h>
#include <stdint.h>

#include "alloc.h"

enum {
    SLAB_FIRST_OBJECTS = 16,    /* a set of a few ints costs ~1 KiB, not 256 KiB */
    SLAB_MAX_OBJECTS = 4096,    /* 256 KiB blocks of 64-byte entries: the unused
                                   tail stays under ~1 byte per element at 200k */
};

/* A block header; the objects follow it, aligned for any scalar type. */
struct slab_block {
    struct slab_block *next;
    alignas(max_align_t) char objects[];
};

void
slab_init(slab_pool *pool, size_t object_size)
{
    /* Entries hold int64_t and pointers: 8-byte alignment is enough, and
     * rounding 72-byte intmap entries up to 80 would waste 10%. */
    size_t align = alignof(uint64_t) > alignof(void *) ? alignof(uint64_t) : alignof(void *);
    if (object_size < sizeof(void *)) {
        object_size = sizeof(void *);
    }
    pool->object_size = (object_size + align - 1) / align * align;
    pool->next_block_objects = SLAB_FIRST_OBJECTS;
    pool->blocks = NULL;
    pool->bump = NULL;
    pool->bump_end = NULL;
    pool->free_list = NULL;
    pool->reserved_bytes = 0;
}

/* Allocate the next block and make it the bump region.  Returns 0, or -1 with
 * the pool unchanged. */
static int
slab_grow(slab_pool *pool)
{
    size_t objects = pool->next_block_objects;
    size_t bytes;
    struct slab_block *block;

    if (objects > (SIZE_MAX - sizeof(struct slab_block)) / pool->object_size) {
        return -1;
    }
    bytes = sizeof(struct slab_block) + objects * pool->object_size;
    block = alloc_malloc(bytes);
    if (block == NULL) {
        return -1;
    }
    block->next = pool->blocks;
    pool->blocks = block;
    pool->bump = block->objects;
    pool->bump_end = block->objects + objects * pool->object_size;
    pool->reserved_bytes += bytes;
    if (objects < SLAB_MAX_OBJECTS) {
        pool->next_block_objects = objects * 2;
    }
    return 0;
}

void *
slab_alloc(slab_pool *pool)
{
    void *object = NULL;

    if (pool->free_list != NULL) {
        object = pool->free_list;
        pool->free_list = *(void **)object;
        goto done;
    }
    if (pool->bump == pool->bump_end && slab_grow(pool) < 0) {
        goto done;
    }
    object = pool->bump;
    pool->bump += pool->object_size;
done:
    return object;
}

void
slab_release(slab_pool *pool, void *object)
{
    *(void **)object = pool->free_list;
    pool->free_list = object;
}

void
slab_destroy(slab_pool *pool)
{
    struct slab_block *block = pool->blocks;
    while (block != NULL) {
        struct slab_block *next = block->next;
        alloc_free(block);
        block = next;
    }
    slab_init(pool, pool->object_size);
}

size_t
slab_reserved_bytes(const slab_pool *pool)
{
    return pool->reserved_bytes;
}
