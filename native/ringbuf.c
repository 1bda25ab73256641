/* ringbuf.c: a double-ended ring buffer of void *, power-of-two capacity,
 * doubling when full (realloc; amortised O(1) push).  Halves when a pop leaves
 * it a quarter full: a queue drained after a burst gives its memory back, as
 * collections.deque does block by block, and the quarter (not half) mark
 * keeps push/pop at a boundary from resizing on every call.  Shrinking is
 * best effort (a failed allocation keeps the big array): a pop never fails. */
#include "ringbuf.h"

#include "alloc.h"

#include <stdint.h>
#include <string.h>

void
ringbuf_init(ringbuf *rb)
{
    rb->items = NULL;
    rb->capacity = 0;
    rb->head = 0;
    rb->count = 0;
}

void
ringbuf_free(ringbuf *rb)
{
    alloc_free(rb->items);
    ringbuf_init(rb);
}

/* For shrinking: moves the elements, in order, into a new array of
 * new_capacity slots (a power of two >= count) starting at slot 0.  On
 * failure the buffer is untouched. */
static ringbuf_status
shrink_to(ringbuf *rb, size_t new_capacity)
{
    ringbuf_status status = RINGBUF_OK;
    void **items = NULL;

    if (new_capacity > SIZE_MAX / sizeof(void *)) {
        status = RINGBUF_NOMEM;
        goto done;
    }
    items = alloc_malloc(new_capacity * sizeof(void *));
    if (items == NULL) {
        status = RINGBUF_NOMEM;
        goto done;
    }
    if (rb->count > 0) {
        /* At most two runs: head..end of array, then the wrapped part. */
        size_t first = rb->capacity - rb->head;
        if (first > rb->count) {
            first = rb->count;
        }
        memcpy(items, rb->items + rb->head, first * sizeof(void *));
        memcpy(items + first, rb->items, (rb->count - first) * sizeof(void *));
    }
    alloc_free(rb->items);
    rb->items = items;
    rb->capacity = new_capacity;
    rb->head = 0;
done:
    return status;
}

/* Enlarges the array in place with realloc: the common append-only buffer
 * (never wrapped) moves nothing, and a large one grows by mremap without
 * touching its pages.  Tried first as a fresh array plus copy, like the
 * shrink: Deque.append then paid for the copies and page faults, 1.24-1.31x
 * collections.deque.append's net per-call cost against ~1.0x with realloc
 * (bench/bench_deque_overhead.py --quick).  If the elements
 * wrap, the wrapped run moves to just past the old end, where it continues
 * the run that starts at head.  On failure the buffer is untouched. */
static ringbuf_status
grow(ringbuf *rb, size_t new_capacity)
{
    ringbuf_status status = RINGBUF_OK;
    void **items;

    if (new_capacity > SIZE_MAX / sizeof(void *)) {
        status = RINGBUF_NOMEM;
        goto done;
    }
    items = alloc_realloc(rb->items, new_capacity * sizeof(void *));
    if (items == NULL) {
        status = RINGBUF_NOMEM;
        goto done;
    }
    if (rb->head + rb->count > rb->capacity) {
        /* new_capacity >= 2 * capacity, so the run fits after the old end */
        memcpy(items + rb->capacity, items,
               (rb->head + rb->count - rb->capacity) * sizeof(void *));
    }
    rb->items = items;
    rb->capacity = new_capacity;
done:
    return status;
}

ringbuf_status
ringbuf_reserve(ringbuf *rb, size_t extra)
{
    ringbuf_status status = RINGBUF_OK;
    size_t needed, capacity;

    if (extra > SIZE_MAX - rb->count) {
        status = RINGBUF_NOMEM;
        goto done;
    }
    needed = rb->count + extra;
    if (needed <= rb->capacity) {
        goto done;
    }
    capacity = rb->capacity > 0 ? rb->capacity : RINGBUF_MIN_CAPACITY;
    while (capacity < needed) {
        if (capacity > SIZE_MAX / 2) {
            status = RINGBUF_NOMEM;
            goto done;
        }
        capacity *= 2;
    }
    status = grow(rb, capacity);
done:
    return status;
}

ringbuf_status
ringbuf_grow_for_push(ringbuf *rb)
{
    return ringbuf_reserve(rb, 1);
}

/* Called by the pops when a quarter full: halve the storage, best effort. */
void
ringbuf_shrink_after_pop(ringbuf *rb)
{
    if (rb->capacity > RINGBUF_MIN_CAPACITY && rb->count <= rb->capacity / 4) {
        (void)shrink_to(rb, rb->capacity / 2);
    }
}

ringbuf_status
ringbuf_push_back_drop_front(ringbuf *rb, void *item, void **dropped_out)
{
    ringbuf_status status = RINGBUF_OK;

    if (rb->count == 0) {
        status = RINGBUF_EMPTY;
        goto done;
    }
    /* The front slot is freed and the back slot taken: same count, and
     * when the buffer is full they are the same slot. */
    *dropped_out = rb->items[rb->head];
    rb->head = (rb->head + 1) & (rb->capacity - 1);
    rb->items[(rb->head + rb->count - 1) & (rb->capacity - 1)] = item;
done:
    return status;
}

ringbuf_status
ringbuf_push_front_drop_back(ringbuf *rb, void *item, void **dropped_out)
{
    ringbuf_status status = RINGBUF_OK;

    if (rb->count == 0) {
        status = RINGBUF_EMPTY;
        goto done;
    }
    *dropped_out = rb->items[(rb->head + rb->count - 1) & (rb->capacity - 1)];
    rb->head = (rb->head - 1) & (rb->capacity - 1);
    rb->items[rb->head] = item;
done:
    return status;
}
