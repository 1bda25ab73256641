/* stack_profile.c: the sampled stacks' arena (written from a signal handler)
 * and their aggregation (after sampling).  The arena holds each sample as a
 * header {frames, bytes} and its frames innermost first, each {line, name
 * length, file length, name, file} padded to 4 bytes: names are copied, not
 * pointed to, because a code object may be freed (and its address reused)
 * before the samples are read.  Aggregation sorts instead of hashing. */
#include "stack_profile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct sample_header {
    uint32_t frames;
    uint32_t bytes;               /* header and frames */
};

struct frame_header {
    uint32_t line;
    uint16_t name_length, file_length;   /* the texts follow, name first */
};

static size_t
padded(size_t bytes)
{
    return (bytes + 3) & ~(size_t)3;
}

int
stack_buffer_init(struct stack_buffer *buffer, size_t capacity)
{
    memset(buffer, 0, sizeof *buffer);
    void *data = mmap(NULL, capacity, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (data == MAP_FAILED) {
        return -1;
    }
    buffer->data = data;
    buffer->capacity = capacity;
    return 0;
}

void
stack_buffer_free(struct stack_buffer *buffer)
{
    if (buffer->data != NULL) {
        munmap(buffer->data, buffer->capacity);
    }
    memset(buffer, 0, sizeof *buffer);
}

void
stack_buffer_begin(struct stack_buffer *buffer)
{
    buffer->open_frames = 0;
    buffer->overflow = buffer->capacity - buffer->committed < sizeof(struct sample_header);
    buffer->used = buffer->overflow ? buffer->committed
                                    : buffer->committed + sizeof(struct sample_header);
}

void
stack_buffer_add_frame(struct stack_buffer *buffer, const char *name, size_t name_length,
                       const char *file, size_t file_length, uint32_t line)
{
    name_length = name_length > STACK_TEXT_MAX ? STACK_TEXT_MAX : name_length;
    file_length = file_length > STACK_TEXT_MAX ? STACK_TEXT_MAX : file_length;
    size_t bytes = padded(sizeof(struct frame_header) + name_length + file_length);
    if (buffer->overflow || buffer->capacity - buffer->used < bytes) {
        buffer->overflow = true;
        return;
    }
    struct frame_header header = {line, (uint16_t)name_length, (uint16_t)file_length};
    unsigned char *at = buffer->data + buffer->used;
    memcpy(at, &header, sizeof header);
    memcpy(at + sizeof header, name, name_length);
    memcpy(at + sizeof header + name_length, file, file_length);
    buffer->used += bytes;
    buffer->open_frames++;
}

void
stack_buffer_end(struct stack_buffer *buffer, bool truncated)
{
    if (buffer->overflow) {
        buffer->dropped++;
    } else if (buffer->open_frames == 0) {
        buffer->empty++;
    } else {
        struct sample_header header = {buffer->open_frames,
                                       (uint32_t)(buffer->used - buffer->committed)};
        memcpy(buffer->data + buffer->committed, &header, sizeof header);
        buffer->committed = buffer->used;
        buffer->samples++;
        buffer->truncated += truncated;
    }
    buffer->used = buffer->committed;
    buffer->open_frames = 0;
    buffer->overflow = false;
}

void
stack_buffer_abandon(struct stack_buffer *buffer)
{
    buffer->used = buffer->committed;
    buffer->open_frames = 0;
    buffer->overflow = false;
}

/* ---- aggregation ----------------------------------------------------------- */

/* A growing text: NULL data after a failed allocation, which every later
 * append then ignores (checked once at the end). */
struct text {
    char *data;
    size_t length, size;
    bool failed;
};

static void
text_append(struct text *t, const char *bytes, size_t length, bool sanitize)
{
    if (t->failed) {
        return;
    }
    if (t->length + length + 1 > t->size) {
        size_t size = t->size == 0 ? 128 : t->size;
        while (t->length + length + 1 > size) {
            size *= 2;
        }
        char *grown = realloc(t->data, size);
        if (grown == NULL) {
            t->failed = true;
            return;
        }
        t->data = grown;
        t->size = size;
    }
    for (size_t i = 0; i < length; i++) {
        char c = bytes[i];
        /* ';' separates frames and '\n' lines in the collapsed format. */
        t->data[t->length++] = sanitize && (c == ';' || c == '\n' || c == '\r') ? '_' : c;
    }
    t->data[t->length] = '\0';
}

static void
text_append_line(struct text *t, uint32_t line)
{
    char digits[16];
    int n = snprintf(digits, sizeof digits, ":%u", (unsigned)line);
    text_append(t, digits, (size_t)n, false);
}

/* One frame of one sample, for counting functions. */
struct function_entry {
    char *function;
    size_t sample;
    bool innermost;
};

static int
compare_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
compare_function_entry(const void *a, const void *b)
{
    const struct function_entry *x = a, *y = b;
    int by_name = strcmp(x->function, y->function);
    return by_name != 0 ? by_name : (x->sample > y->sample) - (x->sample < y->sample);
}

static int
compare_stack_count(const void *a, const void *b)
{
    const struct stack_count *x = a, *y = b;
    if (x->count != y->count) {
        return x->count < y->count ? 1 : -1;
    }
    return strcmp(x->stack, y->stack);
}

static int
compare_function_count(const void *a, const void *b)
{
    const struct function_count *x = a, *y = b;
    if (x->self != y->self) {
        return x->self < y->self ? 1 : -1;
    }
    if (x->total != y->total) {
        return x->total < y->total ? 1 : -1;
    }
    return strcmp(x->function, y->function);
}

/* The frames of the sample at `offset`, outermost first, into `frames`
 * (offsets of their headers); the sample's header in *header. */
static void
sample_frames(const struct stack_buffer *buffer, size_t offset, struct sample_header *header,
              size_t *frames)
{
    memcpy(header, buffer->data + offset, sizeof *header);
    size_t at = offset + sizeof *header;
    for (uint32_t i = 0; i < header->frames; i++) {
        struct frame_header frame;
        memcpy(&frame, buffer->data + at, sizeof frame);
        frames[header->frames - 1 - i] = at;
        at += padded(sizeof frame + frame.name_length + frame.file_length);
    }
}

/* Runs of equal stacks (sorted) become counts; the texts move to `out`. */
static size_t
count_stacks(char **stacks, size_t n, struct stack_count *out)
{
    size_t n_out = 0;
    for (size_t i = 0; i < n; i++) {
        if (n_out > 0 && strcmp(out[n_out - 1].stack, stacks[i]) == 0) {
            out[n_out - 1].count++;
            free(stacks[i]);
        } else {
            out[n_out++] = (struct stack_count){stacks[i], 1};
        }
        stacks[i] = NULL;
    }
    return n_out;
}

/* Runs of the same function (sorted by name, then sample) become counts:
 * total counts distinct samples, self the innermost frames. */
static size_t
count_functions(struct function_entry *entries, size_t n, struct function_count *out)
{
    size_t n_out = 0;
    for (size_t i = 0; i < n; i++) {
        struct function_entry *e = &entries[i];
        if (n_out > 0 && strcmp(out[n_out - 1].function, e->function) == 0) {
            out[n_out - 1].total += entries[i - 1].sample != e->sample;
            out[n_out - 1].self += e->innermost;
            free(e->function);
        } else {
            out[n_out++] = (struct function_count){e->function, e->innermost, 1};
        }
        e->function = NULL;
    }
    return n_out;
}

/* How many of a sample's outermost frames (`frames`, outermost first) to
 * leave out: those up to the innermost one in `root_file` -- the launcher's
 * (runpy's) and whatever called it (the worker's request loop). */
static uint32_t
root_frames(const struct stack_buffer *buffer, const size_t *frames, uint32_t n,
            const char *root_file)
{
    size_t length = root_file != NULL ? strlen(root_file) : 0;
    uint32_t skipped = 0;
    for (uint32_t i = 0; root_file != NULL && i + 1 < n; i++) {   /* the innermost stays */
        struct frame_header frame;
        const unsigned char *at = buffer->data + frames[i];
        memcpy(&frame, at, sizeof frame);
        if (frame.file_length == length
            && memcmp(at + sizeof frame + frame.name_length, root_file, length) == 0) {
            skipped = i + 1;
        }
    }
    return skipped;
}

int
stack_profile_build(const struct stack_buffer *buffer, const char *root_file,
                    struct stack_profile *profile)
{
    size_t n_samples = (size_t)buffer->samples, n_entries = 0, max_frames = 0;
    char **stacks = NULL;
    struct function_entry *entries = NULL;
    size_t *frames = NULL;
    int rc = -1;

    memset(profile, 0, sizeof *profile);
    for (size_t offset = 0; offset < buffer->committed;) {
        struct sample_header header;
        memcpy(&header, buffer->data + offset, sizeof header);
        n_entries += header.frames;
        max_frames = header.frames > max_frames ? header.frames : max_frames;
        offset += header.bytes;
    }
    stacks = calloc(n_samples + 1, sizeof *stacks);
    entries = calloc(n_entries + 1, sizeof *entries);
    frames = calloc(max_frames + 1, sizeof *frames);
    profile->stacks = calloc(n_samples + 1, sizeof *profile->stacks);
    profile->functions = calloc(n_entries + 1, sizeof *profile->functions);
    if (stacks == NULL || entries == NULL || frames == NULL || profile->stacks == NULL
        || profile->functions == NULL) {
        goto done;
    }
    size_t sample = 0, entry = 0;
    for (size_t offset = 0; offset < buffer->committed; sample++) {
        struct sample_header header;
        struct text stack = {0};
        sample_frames(buffer, offset, &header, frames);
        uint32_t first = root_frames(buffer, frames, header.frames, root_file);
        for (uint32_t i = first; i < header.frames; i++) {
            struct frame_header frame;
            const unsigned char *at = buffer->data + frames[i];
            memcpy(&frame, at, sizeof frame);
            const char *name = (const char *)at + sizeof frame;
            const char *file = name + frame.name_length;
            struct text function = {0};
            text_append(&function, name, frame.name_length, true);
            text_append(&function, " (", 2, false);
            text_append(&function, file, frame.file_length, true);
            if (i > first) {
                text_append(&stack, ";", 1, false);
            }
            text_append(&stack, function.data != NULL ? function.data : "", function.length, false);
            text_append_line(&stack, frame.line);
            text_append(&stack, ")", 1, false);
            text_append(&function, ")", 1, false);
            entries[entry++] = (struct function_entry){function.data, sample,
                                                       i + 1 == header.frames};
            if (function.failed) {
                free(stack.data);
                goto done;
            }
        }
        stacks[sample] = stack.data;
        if (stack.failed) {
            goto done;
        }
        offset += header.bytes;
    }
    qsort(stacks, n_samples, sizeof *stacks, compare_text);
    profile->n_stacks = count_stacks(stacks, n_samples, profile->stacks);
    qsort(profile->stacks, profile->n_stacks, sizeof *profile->stacks, compare_stack_count);
    /* `entry` entries were filled: the launcher's root frames made none */
    qsort(entries, entry, sizeof *entries, compare_function_entry);
    profile->n_functions = count_functions(entries, entry, profile->functions);
    qsort(profile->functions, profile->n_functions, sizeof *profile->functions,
          compare_function_count);
    profile->samples = buffer->samples;
    profile->dropped = buffer->dropped;
    profile->empty = buffer->empty;
    profile->truncated = buffer->truncated;
    profile->torn = buffer->torn;
    rc = 0;
done:
    for (size_t i = 0; stacks != NULL && i < n_samples; i++) {
        free(stacks[i]);
    }
    for (size_t i = 0; entries != NULL && i < n_entries; i++) {
        free(entries[i].function);
    }
    free(stacks);
    free(entries);
    free(frames);
    if (rc < 0) {
        stack_profile_free(profile);
        errno = ENOMEM;
    }
    return rc;
}

void
stack_profile_free(struct stack_profile *profile)
{
    for (size_t i = 0; profile->stacks != NULL && i < profile->n_stacks; i++) {
        free(profile->stacks[i].stack);
    }
    for (size_t i = 0; profile->functions != NULL && i < profile->n_functions; i++) {
        free(profile->functions[i].function);
    }
    free(profile->stacks);
    free(profile->functions);
    memset(profile, 0, sizeof *profile);
}

void
stack_profile_split_function(const char *function, size_t *name_length, const char **file,
                             size_t *file_length)
{
    const char *open = NULL;
    for (const char *at = strstr(function, " ("); at != NULL; at = strstr(at + 1, " (")) {
        open = at;
    }
    *name_length = open != NULL ? (size_t)(open - function) : strlen(function);
    *file = open != NULL ? open + 2 : "";
    *file_length = strlen(*file) - (open != NULL && **file != '\0');
}
