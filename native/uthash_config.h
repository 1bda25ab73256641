/* uthash_config.h: include this instead of <uthash.h>.  Routes uthash's
 * allocations through alloc.h and makes out-of-memory non-fatal: a failed
 * insert sets the element's `oom` flag (HASH_NONFATAL_OOM) and leaves the
 * table as it was, instead of uthash's default exit(-1). */
#ifndef OPTNATIVE_UTHASH_CONFIG_H
#define OPTNATIVE_UTHASH_CONFIG_H

#include "alloc.h"

#undef uthash_malloc
#undef uthash_free
#define uthash_malloc(size) alloc_malloc(size)
#define uthash_free(ptr, size) alloc_free(ptr)
#ifndef HASH_NONFATAL_OOM
#define HASH_NONFATAL_OOM 1
#endif

#include <uthash.h>

#endif
