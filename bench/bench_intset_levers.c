/* bench_intset_levers.c: what each lever buys in intset.c.  bench/meson.build
 * compiles this file with native/intset.c several times, each with one more
 * lever switched on (INTSET_* macros); bench_intset_levers.py runs the
 * binaries interleaved and prints the ratios.  Data as in DESIGN.md: a
 * 200k-key table, 1M needles of which ~5% are present.  Prints one line of
 * "name value" pairs (best of `repeats` runs, argv[1]). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "intset.h"

enum { TABLE_KEYS = 200000, NEEDLES = 1000000 };

static uint64_t rng_state = 42;

/* xorshift64*: deterministic, the same data in every binary. */
static uint64_t
rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * UINT64_C(2685821657736338717);
}

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int
main(int argc, char **argv)
{
    int repeats = argc > 1 ? atoi(argv[1]) : 5;
    int64_t *keys = malloc(TABLE_KEYS * sizeof *keys);
    int64_t *needles = malloc(NEEDLES * sizeof *needles);
    intset set;
    double best_build = 1e9, best_lookup = 1e9;
    size_t found = 0;
    int status = 1;

    if (keys == NULL || needles == NULL) {
        goto done;
    }
    for (size_t i = 0; i < TABLE_KEYS; i++) {
        keys[i] = (int64_t)(rng_next() % UINT64_C(1000000000000));
    }
    for (size_t i = 0; i < NEEDLES; i++) {
        needles[i] = rng_next() % 20 == 0
            ? keys[rng_next() % TABLE_KEYS]
            : (int64_t)(rng_next() % UINT64_C(1000000000000));
    }
    for (int r = 0; r < repeats; r++) {
        double t0 = now(), t1, t2;
        intset_init(&set);
        for (size_t i = 0; i < TABLE_KEYS; i++) {
            if (intset_add(&set, keys[i]) == INTSET_NOMEM) {
                goto done;
            }
        }
        t1 = now();
        found = intset_count_contained(&set, needles, sizeof *needles, NEEDLES);
        t2 = now();
        if (t1 - t0 < best_build) {
            best_build = t1 - t0;
        }
        if (t2 - t1 < best_lookup) {
            best_lookup = t2 - t1;
        }
        if (r + 1 < repeats) {
            intset_destroy(&set);
        }
    }
    printf("build_ms %.2f lookup_ms %.2f found %zu bytes_per_key %.1f\n",
           best_build * 1e3, best_lookup * 1e3, found,
           (double)intset_memory_bytes(&set) / (double)intset_len(&set));
    intset_destroy(&set);
    status = 0;
done:
    free(keys);
    free(needles);
    return status;
}
