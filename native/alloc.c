/* alloc.c: the structures' allocator: malloc's family, or the functions a
 * binding installs (PyMem_Raw*, traced by tracemalloc), with a
 * failure-injection switch for the unit tests.  The switch is a plain
 * counter: the structures are used under the GIL or from single-threaded
 * tests, never concurrently. */
#include "alloc.h"

#include <stdlib.h>

static long remaining = -1; /* allocations left before failing; -1: never fail */

static const struct alloc_functions system_functions = {malloc, calloc, realloc, free};
static const struct alloc_functions *current = &system_functions;

void
alloc_use(const struct alloc_functions *functions)
{
    current = functions != NULL ? functions : &system_functions;
}

static int
should_fail(void)
{
    if (remaining < 0) {
        return 0;
    }
    if (remaining == 0) {
        return 1;
    }
    remaining--;
    return 0;
}

void
alloc_fail_after(long successes)
{
    remaining = successes < 0 ? -1 : successes;
}

void *
alloc_malloc(size_t size)
{
    return should_fail() ? NULL : current->malloc(size);
}

void *
alloc_calloc(size_t count, size_t size)
{
    return should_fail() ? NULL : current->calloc(count, size);
}

void *
alloc_realloc(void *ptr, size_t size)
{
    return should_fail() ? NULL : current->realloc(ptr, size);
}

void
alloc_free(void *ptr)
{
    current->free(ptr);
}
