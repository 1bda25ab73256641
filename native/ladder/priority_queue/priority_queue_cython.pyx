"""priority_queue, typed Cython: a binary min-heap on a C array of long long.

Types added: a struct with a malloc'ed array that doubles when full, and
sift-up/sift-down written out on C integers (heapq works on Python objects
and calls their comparisons). Priorities beyond 64 bits raise OverflowError;
a pop from an empty queue raises IndexError, as heapq.heappop does.

Measured (15,000 operations, timeit alternated on a busy machine): about 3x
faster than heapq (`after`) and about 250x faster than `before`: the same
O(log n) algorithm, comparing C integers instead of int objects.
"""

from libc.stdlib cimport malloc, realloc, free


cdef struct MinHeap:
    long long *items        # heap order: items[(i - 1) // 2] <= items[i]
    Py_ssize_t size         # items in use
    Py_ssize_t capacity     # items allocated


cdef int heap_push(MinHeap *heap, long long item) except -1:
    cdef Py_ssize_t child, parent
    cdef long long *grown
    if heap.size == heap.capacity:
        grown = <long long *> realloc(heap.items, 2 * heap.capacity * sizeof(long long))
        if grown == NULL:
            raise MemoryError()
        heap.items = grown
        heap.capacity *= 2
    child = heap.size
    heap.size += 1
    while child > 0:                # sift up: move larger parents down a level
        parent = (child - 1) // 2
        if heap.items[parent] <= item:
            break
        heap.items[child] = heap.items[parent]
        child = parent
    heap.items[child] = item
    return 0


cdef long long heap_pop(MinHeap *heap):
    """Remove and return the smallest item; the caller checks size > 0."""
    cdef long long smallest = heap.items[0]
    cdef long long last
    cdef Py_ssize_t parent = 0
    cdef Py_ssize_t child
    heap.size -= 1
    last = heap.items[heap.size]
    while True:                     # sift down: move the last item from the root
        child = 2 * parent + 1
        if child >= heap.size:
            break
        if child + 1 < heap.size and heap.items[child + 1] < heap.items[child]:
            child += 1
        if last <= heap.items[child]:
            break
        heap.items[parent] = heap.items[child]
        parent = child
    heap.items[parent] = last
    return smallest


def run_queue(list operations not None):
    """Push each int, pop the smallest at each None, then pop all the rest;
    return the popped values in order."""
    cdef MinHeap heap
    cdef list popped = []
    heap.size = 0
    heap.capacity = 64
    heap.items = <long long *> malloc(heap.capacity * sizeof(long long))
    if heap.items == NULL:
        raise MemoryError()
    try:
        for operation in operations:
            if operation is None:
                if heap.size == 0:
                    raise IndexError("pop from an empty priority queue")
                popped.append(heap_pop(&heap))
            else:
                heap_push(&heap, operation)
        while heap.size > 0:
            popped.append(heap_pop(&heap))
        return popped
    finally:
        free(heap.items)
