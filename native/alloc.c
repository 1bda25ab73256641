/* alloc.c: malloc with a failure-injection switch for the unit tests.  The
 * switch is a plain counter: the structures are used under the GIL or from
 * single-threaded tests, never concurrently. */
#include "alloc.h"

#include <stdlib.h>

static long remaining = -1; /* allocations left before failing; -1: never fail */

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
    return should_fail() ? NULL : malloc(size);
}

void *
alloc_calloc(size_t count, size_t size)
{
    return should_fail() ? NULL : calloc(count, size);
}

void *
alloc_realloc(void *ptr, size_t size)
{
    return should_fail() ? NULL : realloc(ptr, size);
}

void
alloc_free(void *ptr)
{
    free(ptr);
}
