/* stack_profile.h: the sampled stacks of `optdemo profile SCRIPT.py`, in two
 * halves.  A stack_buffer is filled from a signal handler (sampler.c): one
 * preallocated arena, records appended in place, no allocation, no locks; a
 * sample that does not fit is rolled back and counted as dropped.  After
 * sampling, stack_profile_build aggregates the buffer into stacks with counts
 * and functions with self/total samples; each stack is one line of the
 * collapsed-stack format without its count (`outer;middle;inner`, as
 * flamegraph.pl and speedscope read it; script_report.py writes them).
 * No Python.h: the unit test makes up samples. */
#ifndef OPTDEMO_STACK_PROFILE_H
#define OPTDEMO_STACK_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A name or file longer than this is cut (on a UTF-8 boundary by the caller). */
enum { STACK_TEXT_MAX = 255 };

/* Invariants: used <= capacity; bytes [0, committed) hold whole samples;
 * while a sample is open its header sits at `committed` and its frames
 * follow up to `used`.  Only the thread being sampled writes (its own signal
 * handler), and only after sampling stops does anyone read. */
struct stack_buffer {
    unsigned char *data;          /* mmap'd once: untouched pages cost nothing */
    size_t capacity;
    size_t committed;             /* end of the last whole sample */
    size_t used;                  /* end of the open sample's frames */
    uint32_t open_frames;         /* frames in the open sample */
    bool overflow;                /* the open sample did not fit: it will be dropped */
    uint64_t samples;             /* whole samples kept */
    uint64_t dropped;             /* samples lost because the buffer was full */
    uint64_t empty;               /* signals that found no Python frame */
    uint64_t truncated;           /* samples cut at the depth limit (kept) */
    uint64_t torn;                /* samples dropped: the frames were half-made */
};

/* Map `capacity` bytes.  0, or -1 with errno set. */
int stack_buffer_init(struct stack_buffer *buffer, size_t capacity);
void stack_buffer_free(struct stack_buffer *buffer);

/* One sample, innermost frame first: begin, add each frame, end.  These
 * three are async-signal-safe (memcpy and arithmetic on the arena). */
void stack_buffer_begin(struct stack_buffer *buffer);
void stack_buffer_add_frame(struct stack_buffer *buffer, const char *name, size_t name_length,
                            const char *file, size_t file_length, uint32_t line);
void stack_buffer_end(struct stack_buffer *buffer, bool truncated);
/* Forget the open sample without counting it anywhere: its reader found it
 * unreadable halfway (`profile --pid`, which counts such samples itself). */
void stack_buffer_abandon(struct stack_buffer *buffer);

/* One aggregated stack: its frames outermost first, `;`-joined, each
 * "qualname (file:line)" as py-spy writes them. */
struct stack_count {
    char *stack;
    uint64_t count;
};

/* One function ("qualname (file)"): samples where it is the innermost frame
 * (self) and samples where it is anywhere on the stack, counted once per
 * sample however deep it recurses (total). */
struct function_count {
    char *function;
    uint64_t self, total;
};

struct stack_profile {
    struct stack_count *stacks;        /* most samples first, then by text */
    size_t n_stacks;
    struct function_count *functions;  /* most self samples first, then most total, then text */
    size_t n_functions;
    uint64_t samples, dropped, empty, truncated, torn;   /* the buffer's counters */
};

/* Aggregate the buffer's whole samples.  A sample's outermost frames up to
 * the innermost one whose file is `root_file` (NULL: none) are left out:
 * the launcher's (runpy's) and its caller's, which `python SCRIPT.py` does
 * not have; the innermost frame always stays.  0, or -1 when memory runs out
 * (the profile is then empty and needs no free). */
int stack_profile_build(const struct stack_buffer *buffer, const char *root_file,
                        struct stack_profile *profile);
void stack_profile_free(struct stack_profile *profile);

/* A function_count's "qualname (file)" taken apart: the name is the text
 * before the last " (", the file what follows it, less the ")". */
void stack_profile_split_function(const char *function, size_t *name_length, const char **file,
                                  size_t *file_length);

#endif
