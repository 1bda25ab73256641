/* alloc.h: the one allocator every pure C structure in native/ uses, so a
 * test can inject failures (alloc_fail_after) and check that out-of-memory
 * is an error that leaves the structure as it was, never an exit(). */
#ifndef OPTNATIVE_ALLOC_H
#define OPTNATIVE_ALLOC_H

#include <stddef.h>

void *alloc_malloc(size_t size);
void *alloc_calloc(size_t count, size_t size);
void *alloc_realloc(void *ptr, size_t size);
void alloc_free(void *ptr);

/* The functions underneath (malloc's family by default).  The Python
 * bindings install PyMem_Raw*, so tracemalloc sees the structures' memory
 * and optdemo's memory column is honest about native variants too.  Call
 * before the first allocation; NULL restores malloc's family. */
struct alloc_functions {
    void *(*malloc)(size_t size);
    void *(*calloc)(size_t count, size_t size);
    void *(*realloc)(void *ptr, size_t size);
    void (*free)(void *ptr);
};
void alloc_use(const struct alloc_functions *functions);

/* Test hook: the next `successes` allocations succeed, every one after that
 * fails (returns NULL).  A negative value switches injection off (the
 * default). */
void alloc_fail_after(long successes);

#endif
