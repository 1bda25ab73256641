/* int64_hash.h: the uthash HASH_FUNCTION shared by intset.c and intmap.c.
 * splitmix64's finalizer (Steele, Lea, Flood 2014): every input bit flips
 * about half the output bits, so uthash's "low bits pick the bucket" and
 * "low bits pick the bloom bit" both see well-mixed bits.  uthash's default
 * Jenkins hash costs ~2x more per lookup on 8-byte keys (see intset.c). */
#ifndef OPTNATIVE_INT64_HASH_H
#define OPTNATIVE_INT64_HASH_H

#include <stdint.h>
#include <string.h>

static inline uint32_t
int64_hash(int64_t key)
{
    uint64_t x = (uint64_t)key;
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return (uint32_t)x;
}

/* HASH_FUNCTION for keys that are exactly one int64_t (keylen is always 8:
 * both structures only ever pass &entry->key). */
#define INT64_HASH_FUNCTION(keyptr, keylen, hashv)                          \
    do {                                                                    \
        int64_t int64_hash_key_;                                            \
        memcpy(&int64_hash_key_, (keyptr), sizeof int64_hash_key_);         \
        (void)(keylen);                                                     \
        (hashv) = int64_hash(int64_hash_key_);                              \
    } while (0)

/* HASH_KEYCMP: 0 when equal, like memcmp, without a call. */
#define INT64_HASH_KEYCMP(a, b, n)                                          \
    (*(const int64_t *)(const void *)(a) != *(const int64_t *)(const void *)(b))

#endif
