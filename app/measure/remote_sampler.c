/* remote_sampler.c: another process's CPython 3.11 stacks, read with
 * process_vm_readv while it runs (py-spy's way, without stopping it).  Every
 * offset comes from CPython's own 3.11 structs (compiled with Py_BUILD_CORE
 * for the internal ones): a remote struct is read whole into a local one
 * of the same type, so nothing about the layout is typed by hand.  Code
 * objects' names and line tables are read once and cached by address (the
 * address, the names' and the table's addresses must all match, so a freed
 * and reused code object is read afresh); lines are decoded here
 * (location_table.c), the target's PyCode_Addr2Line being out of reach. */
#define Py_BUILD_CORE 1
#include <Python.h>
#include <internal/pycore_frame.h>
#include <internal/pycore_interp.h>
#include <internal/pycore_runtime.h>
#if PY_VERSION_HEX < 0x030B0000 || PY_VERSION_HEX >= 0x030C0000
#error "remote_sampler.c reads CPython 3.11's frames"
#endif

#include "remote_sampler.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "location_table.h"

/* Direct-mapped: a collision reads the newcomer afresh (a few reads), which
 * costs less than a hash table's bookkeeping at 100 Hz. */
enum { CACHE_SLOTS = 1024 };
/* Longer line tables (a module's <module> of ~50 000 lines) are not read:
 * such frames get line 0. */
enum { LINE_TABLE_MAX = 1 << 20 };

/* A code object's names and line table as read from the target.  `code` 0:
 * an empty slot; the other addresses tell a reused address apart. */
struct code_entry {
    uintptr_t code, qualname, filename, linetable;
    int first_line, first_traceable;
    uint8_t *table;               /* malloc'd, or NULL */
    size_t table_length;
    size_t name_length, file_length;
    char name[STACK_TEXT_MAX], file[STACK_TEXT_MAX];
};

struct code_cache {
    struct code_entry slots[CACHE_SLOTS];
};

/* ---- reading the target ---- */

/* `size` bytes at the target's `address`, all or nothing; errno says why. */
static bool
remote_read(const struct remote_sampler *s, uintptr_t address, void *out, size_t size)
{
    struct iovec local = {out, size}, remote = {(void *)address, size};
    if (address == 0) {
        errno = EFAULT;
        return false;
    }
    ssize_t n = process_vm_readv(s->pid, &local, 1, &remote, 1, 0);
    if (n != (ssize_t)size) {
        errno = n < 0 ? errno : EFAULT;
        return false;
    }
    return true;
}

static bool
remote_read_pointer(const struct remote_sampler *s, uintptr_t address, uintptr_t *out)
{
    return remote_read(s, address, out, sizeof *out);
}

static size_t
put_utf8(char *out, size_t at, size_t size, Py_UCS4 c)
{
    unsigned char bytes[4];
    size_t count = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (count == 1) {
        bytes[0] = (unsigned char)c;
    } else {
        for (size_t i = count - 1; i > 0; i--, c >>= 6) {
            bytes[i] = (unsigned char)(0x80 | (c & 0x3F));
        }
        bytes[0] = (unsigned char)((0xF00 >> count) | c);   /* 110x, 1110x, 11110x */
    }
    if (at + count > size) {
        return 0;
    }
    memcpy(out + at, bytes, count);
    return count;
}

/* A str object's text as UTF-8, cut at `size` bytes on a character
 * boundary, read through PyASCIIObject/PyCompactUnicodeObject/
 * PyUnicodeObject as its state says.  Its length, or 0 when it is not a
 * ready str or could not be read. */
static size_t
read_text(const struct remote_sampler *s, uintptr_t address, char *out, size_t size)
{
    union {
        PyASCIIObject ascii;
        PyCompactUnicodeObject compact;
        PyUnicodeObject full;
    } head;
    uint32_t words[STACK_TEXT_MAX];   /* room for the widest kind, aligned for it */
    const unsigned char *data = (const unsigned char *)words;
    size_t length = 0;

    if (!remote_read(s, address, &head.ascii, sizeof head.ascii)
        || (s->unicode_type != 0 && (uintptr_t)head.ascii.ob_base.ob_type != s->unicode_type)
        || !head.ascii.state.ready) {
        goto done;
    }
    unsigned kind = head.ascii.state.kind;
    Py_ssize_t count = head.ascii.length;
    uintptr_t chars;
    if (kind != 1 && kind != 2 && kind != 4) {
        goto done;
    }
    if (head.ascii.state.compact) {
        chars = address + (head.ascii.state.ascii ? sizeof(PyASCIIObject)
                                                  : sizeof(PyCompactUnicodeObject));
    } else if (remote_read(s, address, &head.full, sizeof head.full)) {
        chars = (uintptr_t)head.full.data.any;
    } else {
        goto done;
    }
    count = count < 0 ? 0 : count > STACK_TEXT_MAX ? STACK_TEXT_MAX : count;
    if (!remote_read(s, chars, words, (size_t)count * kind)) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_UCS4 c = kind == 1 ? data[i] : kind == 2 ? ((const uint16_t *)(void *)words)[i]
                                                    : words[i];
        size_t added = put_utf8(out, length, size, c);
        if (added == 0) {
            break;
        }
        length += added;
    }
done:
    return length;
}

/* The line table (a bytes object), bounded; false when unreadable. */
static bool
read_line_table(const struct remote_sampler *s, uintptr_t address, struct code_entry *entry)
{
    PyVarObject head;
    bool ok = false;
    if (!remote_read(s, address, &head, sizeof head)
        || (s->bytes_type != 0 && (uintptr_t)head.ob_base.ob_type != s->bytes_type)
        || head.ob_size < 0) {
        goto done;
    }
    if (head.ob_size > LINE_TABLE_MAX) {
        ok = true;            /* kept without a table: line 0 */
        goto done;
    }
    entry->table = malloc((size_t)head.ob_size + 1);
    if (entry->table == NULL
        || !remote_read(s, address + offsetof(PyBytesObject, ob_sval), entry->table,
                        (size_t)head.ob_size)) {
        goto done;
    }
    entry->table_length = (size_t)head.ob_size;
    ok = true;
done:
    return ok;
}

/* The cache's entry for the code object whose header was read into `code`
 * from `address`, read afresh when absent or stale; NULL when unreadable. */
static struct code_entry *
code_entry_for(struct remote_sampler *s, uintptr_t address, const PyCodeObject *code)
{
    struct code_entry *entry = &s->cache->slots[(address >> 4) * 2654435761u % CACHE_SLOTS];
    if (entry->code == address && entry->qualname == (uintptr_t)code->co_qualname
        && entry->filename == (uintptr_t)code->co_filename
        && entry->linetable == (uintptr_t)code->co_linetable) {
        return entry;
    }
    s->cache_misses++;
    free(entry->table);
    memset(entry, 0, offsetof(struct code_entry, name));
    entry->name_length = read_text(s, (uintptr_t)code->co_qualname, entry->name,
                                   sizeof entry->name);
    entry->file_length = read_text(s, (uintptr_t)code->co_filename, entry->file,
                                   sizeof entry->file);
    if (entry->name_length == 0 || entry->file_length == 0
        || !read_line_table(s, (uintptr_t)code->co_linetable, entry)) {
        free(entry->table);
        entry->table = NULL;
        return NULL;
    }
    entry->code = address;
    entry->qualname = (uintptr_t)code->co_qualname;
    entry->filename = (uintptr_t)code->co_filename;
    entry->linetable = (uintptr_t)code->co_linetable;
    entry->first_line = code->co_firstlineno;
    entry->first_traceable = code->_co_firsttraceable;
    return entry;
}

/* ---- finding _PyRuntime ---- */

/* What one ELF file's .dynsym says. */
struct exported {
    uintptr_t runtime, version, code_type, unicode_type, bytes_type;   /* 0: absent */
    uintptr_t first_load;         /* the first PT_LOAD's page-aligned p_vaddr */
};

static void
read_dynsym(const unsigned char *image, size_t size, struct exported *found)
{
    const Elf64_Ehdr *header = (const void *)image;
    if (size < sizeof *header || memcmp(header->e_ident, ELFMAG, SELFMAG) != 0
        || header->e_ident[EI_CLASS] != ELFCLASS64 || header->e_shentsize != sizeof(Elf64_Shdr)
        || header->e_shoff + (uint64_t)header->e_shnum * sizeof(Elf64_Shdr) > size
        || header->e_phoff + (uint64_t)header->e_phnum * sizeof(Elf64_Phdr) > size) {
        return;
    }
    const Elf64_Phdr *programs = (const void *)(image + header->e_phoff);
    for (int i = 0; i < header->e_phnum; i++) {
        if (programs[i].p_type == PT_LOAD) {
            found->first_load = programs[i].p_vaddr & ~(uintptr_t)4095;
            break;
        }
    }
    const Elf64_Shdr *sections = (const void *)(image + header->e_shoff);
    for (int i = 0; i < header->e_shnum; i++) {
        const Elf64_Shdr *symbols = &sections[i];
        if (symbols->sh_type != SHT_DYNSYM || symbols->sh_link >= header->e_shnum) {
            continue;
        }
        const Elf64_Shdr *strings = &sections[symbols->sh_link];
        if (symbols->sh_offset + symbols->sh_size > size
            || strings->sh_offset + strings->sh_size > size) {
            return;
        }
        const Elf64_Sym *symbol = (const void *)(image + symbols->sh_offset);
        size_t n = symbols->sh_size / sizeof *symbol;
        const char *names = (const char *)image + strings->sh_offset;
        for (size_t k = 0; k < n; k++) {
            if (symbol[k].st_name >= strings->sh_size || symbol[k].st_shndx == SHN_UNDEF) {
                continue;
            }
            const char *name = names + symbol[k].st_name;
            size_t room = strings->sh_size - symbol[k].st_name;
            uintptr_t *slot = strncmp(name, "_PyRuntime", room) == 0 ? &found->runtime
                              : strncmp(name, "Py_Version", room) == 0 ? &found->version
                              : strncmp(name, "PyCode_Type", room) == 0 ? &found->code_type
                              : strncmp(name, "PyUnicode_Type", room) == 0 ? &found->unicode_type
                              : strncmp(name, "PyBytes_Type", room) == 0 ? &found->bytes_type
                                                                          : NULL;
            if (slot != NULL) {
                *slot = symbol[k].st_value;
            }
        }
    }
}

/* The exports of the target's file `path` (seen through /proc/PID/root, so
 * a target in another mount namespace works too).  false when unreadable. */
static bool
exports_of(pid_t pid, const char *path, struct exported *found)
{
    char root_path[PATH_MAX + 64];
    struct stat info;
    void *image = MAP_FAILED;
    bool ok = false;
    snprintf(root_path, sizeof root_path, "/proc/%d/root%s", (int)pid, path);
    int fd = open(root_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &info) < 0 || !S_ISREG(info.st_mode) || info.st_size == 0) {
        goto done;
    }
    image = mmap(NULL, (size_t)info.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (image == MAP_FAILED) {
        goto done;
    }
    memset(found, 0, sizeof *found);
    read_dynsym(image, (size_t)info.st_size, found);
    ok = true;
done:
    if (image != MAP_FAILED) {
        munmap(image, (size_t)info.st_size);
    }
    if (fd >= 0) {
        close(fd);
    }
    return ok;
}

/* Walk /proc/PID/maps: the first mapped file (in address order) that
 * exports _PyRuntime, and where its offset-0 mapping starts.  The
 * executable comes first, so `python3.11` is found before any library;
 * an embedder's libpython3.11.so later. */
static enum remote_status
find_runtime(struct remote_sampler *s, struct exported *found, uintptr_t *bias, char *why,
             size_t why_size)
{
    char maps_path[64], line[PATH_MAX + 128], last[PATH_MAX] = "";
    enum remote_status status = REMOTE_NOT_PYTHON;
    snprintf(maps_path, sizeof maps_path, "/proc/%d/maps", (int)s->pid);
    FILE *maps = fopen(maps_path, "r");
    if (maps == NULL) {
        status = errno == ENOENT ? REMOTE_NO_PROCESS
                 : errno == EACCES || errno == EPERM ? REMOTE_NO_PERMISSION : REMOTE_FAILED;
        snprintf(why, why_size, status == REMOTE_NO_PROCESS ? "no process %d"
                                : "cannot read /proc/%d/maps: %s", (int)s->pid,
                 strerror(errno));
        goto done;
    }
    while (fgets(line, sizeof line, maps) != NULL) {
        unsigned long start, end, offset;
        int path_at = 0;
        if (sscanf(line, "%lx-%lx %*s %lx %*s %*s %n", &start, &end, &offset, &path_at) < 3
            || path_at == 0 || line[path_at] != '/' || offset != 0) {
            continue;
        }
        line[strcspn(line, "\n")] = '\0';
        if (strcmp(line + path_at, last) == 0) {
            continue;
        }
        snprintf(last, sizeof last, "%s", line + path_at);
        if (exports_of(s->pid, last, found) && found->runtime != 0) {
            *bias = start - found->first_load;
            snprintf(s->binary, sizeof s->binary, "%s", last);
            status = REMOTE_OK;
            goto done;
        }
    }
    snprintf(why, why_size, "process %d is not a CPython process: none of its mapped files "
             "exports _PyRuntime", (int)s->pid);
done:
    if (maps != NULL) {
        fclose(maps);
    }
    return status;
}

enum remote_status
remote_sampler_open(struct remote_sampler *s, pid_t pid, char *why, size_t why_size)
{
    struct exported found = {0};
    uintptr_t bias = 0;
    unsigned long version = 0;
    memset(s, 0, sizeof *s);
    s->pid = pid;
    enum remote_status status = find_runtime(s, &found, &bias, why, why_size);
    if (status != REMOTE_OK) {
        goto done;
    }
    s->runtime = found.runtime + bias;
    s->code_type = found.code_type != 0 ? found.code_type + bias : 0;
    s->unicode_type = found.unicode_type != 0 ? found.unicode_type + bias : 0;
    s->bytes_type = found.bytes_type != 0 ? found.bytes_type + bias : 0;
    if (found.version == 0) {
        status = REMOTE_WRONG_VERSION;
        snprintf(why, why_size, "process %d runs a CPython older than 3.11 (%s exports no "
                 "Py_Version); optdemo reads 3.11's frames only", (int)pid, s->binary);
        goto done;
    }
    if (!remote_read(s, found.version + bias, &version, sizeof version)) {
        status = errno == EPERM || errno == EACCES ? REMOTE_NO_PERMISSION
                 : errno == ESRCH ? REMOTE_NO_PROCESS : REMOTE_FAILED;
        snprintf(why, why_size, status == REMOTE_NO_PERMISSION
                 ? "cannot read process %d's memory (%s): it needs ptrace permission over it: "
                   "run as root, or as its user with kernel.yama.ptrace_scope = 0"
                 : "cannot read process %d's memory: %s", (int)pid, strerror(errno));
        goto done;
    }
    snprintf(s->version, sizeof s->version, "%lu.%lu.%lu", (version >> 24) & 0xFF,
             (version >> 16) & 0xFF, (version >> 8) & 0xFF);
    if ((version >> 16) != 0x030B) {
        status = REMOTE_WRONG_VERSION;
        snprintf(why, why_size, "process %d runs CPython %s; optdemo reads 3.11's frames only "
                 "(their layout differs in every minor version)", (int)pid, s->version);
        goto done;
    }
    s->cache = calloc(1, sizeof *s->cache);
    if (s->cache == NULL) {
        status = REMOTE_FAILED;
        snprintf(why, why_size, "out of memory");
    }
done:
    return status;
}

void
remote_sampler_close(struct remote_sampler *s)
{
    for (int i = 0; s->cache != NULL && i < CACHE_SLOTS; i++) {
        free(s->cache->slots[i].table);
    }
    free(s->cache);
    s->cache = NULL;
}

/* ---- sampling ---- */

enum walk { WALK_OK, WALK_FAILED };

/* One frame into the open sample, or skipped (incomplete: before its first
 * RESUME, as faulthandler skips it).  *previous is the next frame out. */
static enum walk
add_frame(struct remote_sampler *s, struct stack_buffer *buffer, uintptr_t address,
          uintptr_t *previous)
{
    _PyInterpreterFrame frame;
    PyCodeObject code;
    if (!remote_read(s, address, &frame, sizeof frame)
        || !remote_read(s, (uintptr_t)frame.f_code, &code, sizeof code)
        || (s->code_type != 0 && (uintptr_t)code.ob_base.ob_base.ob_type != s->code_type)) {
        return WALK_FAILED;
    }
    *previous = (uintptr_t)frame.previous;
    struct code_entry *entry = code_entry_for(s, (uintptr_t)frame.f_code, &code);
    if (entry == NULL) {
        return WALK_FAILED;
    }
    uintptr_t instructions = (uintptr_t)frame.f_code + offsetof(PyCodeObject, co_code_adaptive);
    intptr_t offset = (intptr_t)((uintptr_t)frame.prev_instr - instructions);
    if (frame.owner != FRAME_OWNED_BY_GENERATOR
        && offset < (intptr_t)(entry->first_traceable * sizeof(_Py_CODEUNIT))) {
        return WALK_OK;
    }
    int line = offset > INT32_MAX ? -1 : location_table_line(entry->table, entry->table_length,
                                                              entry->first_line, (int)offset);
    stack_buffer_add_frame(buffer, entry->name, entry->name_length, entry->file,
                           entry->file_length, line > 0 ? (uint32_t)line : 0);
    return WALK_OK;
}

/* One thread's stack as one sample: kept, counted idle (no Python frame),
 * or dropped and counted as failed. */
static void
sample_thread(struct remote_sampler *s, struct stack_buffer *buffer, const PyThreadState *thread)
{
    uintptr_t frame = 0;
    int depth = 0;
    if (thread->cframe == NULL
        || !remote_read_pointer(s, (uintptr_t)thread->cframe
                                       + offsetof(_PyCFrame, current_frame), &frame)) {
        s->failed += thread->cframe != NULL;
        s->idle += thread->cframe == NULL;
        return;
    }
    stack_buffer_begin(buffer);
    for (; frame != 0 && depth < REMOTE_MAX_DEPTH; depth++) {
        if (add_frame(s, buffer, frame, &frame) != WALK_OK) {
            stack_buffer_abandon(buffer);
            s->failed++;
            return;
        }
    }
    if (buffer->open_frames == 0 && !buffer->overflow) {
        s->idle++;
        stack_buffer_abandon(buffer);
        return;
    }
    if (s->several_threads) {
        char label[64];
        int length = snprintf(label, sizeof label, "thread %lu", thread->native_thread_id);
        stack_buffer_add_frame(buffer, label, (size_t)length, "<thread>", 8, 0);
    }
    stack_buffer_end(buffer, frame != 0);
}

/* One tick: every thread of every interpreter.  false when the first read
 * failed with ESRCH (the target is gone) -- errno tells. */
static bool
sample_tick(struct remote_sampler *s, struct stack_buffer *buffer)
{
    uintptr_t interpreter = 0;
    if (!remote_read_pointer(s, s->runtime + offsetof(_PyRuntimeState, interpreters.head),
                             &interpreter)) {
        s->failed++;
        return errno != ESRCH;
    }
    for (int i = 0; interpreter != 0 && i < REMOTE_MAX_INTERPRETERS; i++) {
        uintptr_t thread = 0, next = 0;
        if (!remote_read_pointer(s, interpreter + offsetof(PyInterpreterState, threads.head),
                                 &thread)
            || !remote_read_pointer(s, interpreter + offsetof(PyInterpreterState, next), &next)) {
            s->failed++;
            return errno != ESRCH;
        }
        s->several_threads = s->several_threads || i > 0 || next != 0;
        for (int t = 0; thread != 0 && t < REMOTE_MAX_THREADS; t++) {
            PyThreadState state;
            if (!remote_read(s, thread, &state, sizeof state)) {
                s->failed++;
                return errno != ESRCH;
            }
            s->several_threads = s->several_threads || t > 0 || state.next != NULL;
            sample_thread(s, buffer, &state);
            thread = (uintptr_t)state.next;
        }
        interpreter = next;
    }
    return true;
}

static double
now_seconds(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
}

int
remote_sampler_run(struct remote_sampler *s, struct stack_buffer *buffer, double rate,
                   double duration, volatile sig_atomic_t *stop, char *why, size_t why_size)
{
    double interval = 1 / rate, start = now_seconds(), next = start;
    int rc = 0;
    s->ticks = s->late_ticks = s->failed = s->idle = s->cache_misses = 0;
    s->reading_seconds = 0;
    s->exited = false;
    while (!*stop && (duration <= 0 || now_seconds() - start < duration)) {
        double before = now_seconds();
        bool alive = sample_tick(s, buffer);
        double after = now_seconds();
        s->reading_seconds += after - before;
        s->ticks++;
        if (!alive) {
            s->exited = true;
            break;
        }
        next += interval;
        if (next < after) {   /* walking took longer than a tick: skip the missed ones */
            uint64_t missed = (uint64_t)((after - next) / interval) + 1;
            s->late_ticks += missed;
            next += (double)missed * interval;
        }
        struct timespec wake = {(time_t)next, (long)((next - (double)(time_t)next) * 1e9)};
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &wake, NULL);   /* EINTR: *stop */
    }
    s->seconds = now_seconds() - start;
    if (s->ticks > 0 && s->ticks == s->failed && !s->exited) {
        snprintf(why, why_size, "no read of process %d's memory succeeded (%s)", (int)s->pid,
                 strerror(errno));
        rc = -1;
    }
    return rc;
}
