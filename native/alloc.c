/* alloc.c: the structures' allocator: malloc's family, or the functions a
 * binding installs (PyMem_Raw*, traced by tracemalloc), with a
 * failure-injection switch for the unit tests.  The switch is a plain
 * counter: only the single-threaded C unit tests set it; everyone else only
 * reads its -1.  The table in use is process-wide and, on a free-threaded
 * Python, read by every thread at once while each module object installs
 * it again: an atomic pointer (a plain load on x86-64 and arm64). */
#include "alloc.h"

#include <stdatomic.h>
#include <stdlib.h>

static long remaining = -1; /* allocations left before failing; -1: never fail */

static const struct alloc_functions system_functions = {malloc, calloc, realloc, free};
static _Atomic(const struct alloc_functions *) current = &system_functions;

void
alloc_use(const struct alloc_functions *functions)
{
    atomic_store_explicit(&current, functions != NULL ? functions : &system_functions,
                          memory_order_release);
}

static const struct alloc_functions *
functions_in_use(void)
{
    return atomic_load_explicit(&current, memory_order_acquire);
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
    return should_fail() ? NULL : functions_in_use()->malloc(size);
}

void *
alloc_calloc(size_t count, size_t size)
{
    return should_fail() ? NULL : functions_in_use()->calloc(count, size);
}

void *
alloc_realloc(void *ptr, size_t size)
{
    return should_fail() ? NULL : functions_in_use()->realloc(ptr, size);
}

void
alloc_free(void *ptr)
{
    functions_in_use()->free(ptr);
}
