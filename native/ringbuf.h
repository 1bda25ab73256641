/* ringbuf.h: a double-ended ring buffer of void * (the deque behind
 * optnative.Deque).  Capacity is a power of two so an index wraps with a mask;
 * it doubles when full and halves when a quarter full (see ringbuf.c for why).
 * Pure C: the caller owns what the pointers point to. */
#ifndef OPTNATIVE_RINGBUF_H
#define OPTNATIVE_RINGBUF_H

#include <stddef.h>

typedef enum {
    RINGBUF_OK = 0,
    RINGBUF_NOMEM,   /* growth failed: the buffer is unchanged */
    RINGBUF_EMPTY,   /* pop (or drop) from an empty buffer: unchanged */
} ringbuf_status;

/* Invariants:
 *   capacity == 0 and items == NULL (nothing allocated yet), or
 *   capacity is a power of two >= RINGBUF_MIN_CAPACITY and items holds it;
 *   0 <= count <= capacity, 0 <= head < max(capacity, 1);
 *   the i-th element (0 = front) is items[(head + i) & (capacity - 1)].
 * A zeroed struct (or ringbuf_init) is a valid empty buffer. */
typedef struct {
    void **items;     /* capacity slots; NULL until the first push */
    size_t capacity;  /* number of slots, 0 or a power of two */
    size_t head;      /* slot of the front element */
    size_t count;     /* number of elements */
} ringbuf;

#define RINGBUF_MIN_CAPACITY 8

/* An empty buffer; allocates nothing, so it cannot fail. */
void ringbuf_init(ringbuf *rb);
/* Frees the slots (not what they point to) and leaves an empty buffer. */
void ringbuf_free(ringbuf *rb);

/* Growth and shrinking, out of line; the push/pop fast paths below are
 * inline because optnative.Deque's per-call cost is the point of the bench:
 * a call into another object file (through the PLT in the extension module)
 * was a measurable part of Deque.append. */
ringbuf_status ringbuf_grow_for_push(ringbuf *rb);
void ringbuf_shrink_after_pop(ringbuf *rb);

static inline ringbuf_status
ringbuf_push_back(ringbuf *rb, void *item)
{
    ringbuf_status status = RINGBUF_OK;

    if (rb->count == rb->capacity) {
        status = ringbuf_grow_for_push(rb);
        if (status != RINGBUF_OK) {
            goto done;
        }
    }
    rb->items[(rb->head + rb->count) & (rb->capacity - 1)] = item;
    rb->count++;
done:
    return status;
}

static inline ringbuf_status
ringbuf_push_front(ringbuf *rb, void *item)
{
    ringbuf_status status = RINGBUF_OK;

    if (rb->count == rb->capacity) {
        status = ringbuf_grow_for_push(rb);
        if (status != RINGBUF_OK) {
            goto done;
        }
    }
    rb->head = (rb->head - 1) & (rb->capacity - 1);
    rb->items[rb->head] = item;
    rb->count++;
done:
    return status;
}

/* On RINGBUF_OK, *item_out receives the element; may shrink the storage. */
static inline ringbuf_status
ringbuf_pop_back(ringbuf *rb, void **item_out)
{
    ringbuf_status status = RINGBUF_OK;

    if (rb->count == 0) {
        status = RINGBUF_EMPTY;
        goto done;
    }
    rb->count--;
    *item_out = rb->items[(rb->head + rb->count) & (rb->capacity - 1)];
    if (rb->count <= rb->capacity / 4 && rb->capacity > RINGBUF_MIN_CAPACITY) {
        ringbuf_shrink_after_pop(rb);
    }
done:
    return status;
}

static inline ringbuf_status
ringbuf_pop_front(ringbuf *rb, void **item_out)
{
    ringbuf_status status = RINGBUF_OK;

    if (rb->count == 0) {
        status = RINGBUF_EMPTY;
        goto done;
    }
    *item_out = rb->items[rb->head];
    rb->head = (rb->head + 1) & (rb->capacity - 1);
    rb->count--;
    if (rb->count <= rb->capacity / 4 && rb->capacity > RINGBUF_MIN_CAPACITY) {
        ringbuf_shrink_after_pop(rb);
    }
done:
    return status;
}

/* Bounded append: pushes item at the back and drops the front element into
 * *dropped_out in one step, the count unchanged and nothing allocated (what a
 * full deque with maxlen does).  RINGBUF_EMPTY if the buffer is empty. */
ringbuf_status ringbuf_push_back_drop_front(ringbuf *rb, void *item, void **dropped_out);
ringbuf_status ringbuf_push_front_drop_back(ringbuf *rb, void *item, void **dropped_out);

/* Makes room for `extra` more elements (one allocation), so that many pushes
 * cannot fail.  RINGBUF_NOMEM (unchanged) if that much cannot be had. */
ringbuf_status ringbuf_reserve(ringbuf *rb, size_t extra);

/* The element at position index (0 = front); index < count. */
static inline void *
ringbuf_get(const ringbuf *rb, size_t index)
{
    return rb->items[(rb->head + index) & (rb->capacity - 1)];
}

static inline size_t
ringbuf_count(const ringbuf *rb)
{
    return rb->count;
}

#endif
