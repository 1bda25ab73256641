/* metadata.c: machine.metadata() plus the facts only the host knows.  PGO is
 * judged from the code itself, not from build flags (Debian records none):
 * GCC's -fprofile-use splits thousands of functions into hot and ".cold"
 * parts, a build without a profile only a handful, and those parts keep
 * their names in an unstripped symbol table. */
#include "metadata.h"

#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "optdemo.h"

#ifndef OPTDEMO_LIBPYTHON
#define OPTDEMO_LIBPYTHON "unknown"
#endif
#ifndef OPTDEMO_PYTHON_EMBED
#define OPTDEMO_PYTHON_EMBED "unknown"
#endif
#ifndef OPTDEMO_LIBPYTHON_DIR
#define OPTDEMO_LIBPYTHON_DIR "unknown"
#endif

#if defined(__clang__)
#define HOST_COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define HOST_COMPILER "GCC " __VERSION__
#else
#define HOST_COMPILER "unknown"
#endif

/* Whether the host itself was compiled for link-time optimisation
 * (-Db_lto=true): with an LTO-built static libpython, the interpreter's code
 * is then optimised together with the host's. */
#if defined(__OPTIMIZE__) && defined(OPTDEMO_HOST_LTO)
#define HOST_LTO "yes"
#else
#define HOST_LTO "no"
#endif

/* Measured on these machines: Debian's PGO libpython3.11.a has 3506 ".cold"
 * function parts; pyenv's 3.11.7 (-O3, no PGO) libpython3.11.so has 15. */
enum { PGO_COLD_PARTS = 1000 };

enum cold_count_status {
    COLD_UNREADABLE = -1, /* not a readable ELF64 file */
    COLD_STRIPPED = -2,   /* no .symtab: the names are gone */
};

static bool
in_file(Elf64_Off offset, Elf64_Xword size, size_t file_size)
{
    return offset <= file_size && size <= file_size - offset;
}

/* Count the function symbols named "*.cold" or "*.cold.N" in the .symtab
 * sections of an ELF64 file mapped at `base`: a count, or COLD_STRIPPED. */
static long
count_cold_symbols(const unsigned char *base, size_t size)
{
    const Elf64_Ehdr *header = (const Elf64_Ehdr *)base;
    const Elf64_Shdr *sections = (const Elf64_Shdr *)(base + header->e_shoff);
    long count = COLD_STRIPPED;

    for (unsigned i = 0; i < header->e_shnum; i++) {
        const Elf64_Shdr *symtab = &sections[i];
        if (symtab->sh_type != SHT_SYMTAB || symtab->sh_link >= header->e_shnum) {
            continue;
        }
        const Elf64_Shdr *strtab = &sections[symtab->sh_link];
        if (!in_file(symtab->sh_offset, symtab->sh_size, size)
            || !in_file(strtab->sh_offset, strtab->sh_size, size)) {
            continue;
        }
        const Elf64_Sym *symbols = (const Elf64_Sym *)(base + symtab->sh_offset);
        const char *names = (const char *)(base + strtab->sh_offset);
        size_t n_symbols = symtab->sh_size / sizeof(Elf64_Sym);
        if (count == COLD_STRIPPED) {
            count = 0;
        }
        for (size_t k = 0; k < n_symbols; k++) {
            if (ELF64_ST_TYPE(symbols[k].st_info) != STT_FUNC
                || symbols[k].st_name >= strtab->sh_size) {
                continue;
            }
            const char *name = names + symbols[k].st_name;
            size_t len = strnlen(name, strtab->sh_size - symbols[k].st_name);
            const char *suffix = memchr(name, '.', len);
            /* GCC names the parts "f.cold" (GCC >= 9) or "f.cold.12". */
            while (suffix != NULL) {
                size_t rest = len - (size_t)(suffix - name);
                if (rest >= 5 && memcmp(suffix, ".cold", 5) == 0
                    && (rest == 5 || suffix[5] == '.')) {
                    count++;
                    break;
                }
                suffix = memchr(suffix + 1, '.', rest - 1);
            }
        }
    }
    return count;
}

/* Map `path` read-only and count its ".cold" function parts. */
static long
count_cold_parts(const char *path)
{
    long count = COLD_UNREADABLE;
    void *map = MAP_FAILED;
    size_t size = 0;
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0 || fstat(fd, &st) < 0 || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
        goto done;
    }
    size = (size_t)st.st_size;
    map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
        goto done;
    }
    const Elf64_Ehdr *header = map;
    if (memcmp(header->e_ident, ELFMAG, SELFMAG) != 0
        || header->e_ident[EI_CLASS] != ELFCLASS64
        || header->e_shentsize != sizeof(Elf64_Shdr)
        || !in_file(header->e_shoff, (Elf64_Xword)header->e_shnum * sizeof(Elf64_Shdr), size)) {
        goto done;
    }
    count = count_cold_symbols(map, size);
done:
    if (map != MAP_FAILED) {
        munmap(map, size);
    }
    if (fd >= 0) {
        close(fd);
    }
    return count;
}

/* dl_iterate_phdr callback: copy the first loaded libpython*.so's path. */
static int
find_libpython(struct dl_phdr_info *info, size_t info_size, void *data)
{
    char *found = data;
    (void)info_size;
    const char *name = info->dlpi_name;
    const char *base = name != NULL ? strrchr(name, '/') : NULL;
    base = base != NULL ? base + 1 : name;
    if (base != NULL && strncmp(base, "libpython", 9) == 0) {
        snprintf(found, PATH_MAX, "%s", name);
        return 1;
    }
    return 0;
}

static int
set_string(PyObject *dict, const char *key, const char *value)
{
    PyObject *text = PyUnicode_DecodeUTF8(value, (Py_ssize_t)strlen(value), "replace");
    int rc = text != NULL ? PyDict_SetItemString(dict, key, text) : -1;
    Py_XDECREF(text);
    return rc;
}

/* The libpython facts: link, file, PGO evidence. */
static int
add_libpython_facts(PyObject *dict)
{
    char library[PATH_MAX] = "";
    char exe[PATH_MAX] = "";
    char evidence[PATH_MAX + 200];
    const char *link, *file, *pgo;

    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
    } else {
        snprintf(exe, sizeof exe, "unknown");
    }
    /* The build option decides the link; the file is looked up.  (A static
     * host could still map a libpython*.so pulled in by some extension
     * module, but its own code would not be that library's.) */
    link = OPTDEMO_LIBPYTHON;
    if (strcmp(link, "shared") == 0) {
        dl_iterate_phdr(find_libpython, library);
        file = library[0] != '\0' ? library : "not found among the loaded objects";
    } else {
        file = exe;
    }

    long cold = count_cold_parts(file);
    if (cold == COLD_UNREADABLE) {
        pgo = "unknown (cannot read the file as ELF64)";
        snprintf(evidence, sizeof evidence, "%s could not be read as ELF64", file);
    } else if (cold == COLD_STRIPPED) {
        pgo = "unknown (stripped: no symbol table)";
        snprintf(evidence, sizeof evidence,
                 "%s has no symbol table, so its '.cold' function parts cannot be counted", file);
    } else {
        pgo = cold >= PGO_COLD_PARTS ? "yes" : "no";
        snprintf(evidence, sizeof evidence,
                 "%ld '.cold' function parts in the symbol table of %s (GCC's PGO splits "
                 "thousands of functions, a build without a profile a few dozen; "
                 "threshold %d)", cold, file, PGO_COLD_PARTS);
    }
    if (set_string(dict, "python_executable", exe) < 0
        || set_string(dict, "libpython_link", link) < 0
        || set_string(dict, "python_embed", OPTDEMO_PYTHON_EMBED) < 0
        || set_string(dict, "libpython_dir", OPTDEMO_LIBPYTHON_DIR) < 0
        || set_string(dict, "host_lto", HOST_LTO) < 0
        || set_string(dict, "libpython_file", file) < 0
        || set_string(dict, "libpython_pgo", pgo) < 0
        || set_string(dict, "libpython_pgo_evidence", evidence) < 0) {
        return -1;
    }
    return 0;
}

PyObject *
metadata_collect(void)
{
    PyObject *facts = interp_call("optdemo.machine", "metadata", NULL);
    if (facts == NULL) {
        goto error;
    }
    if (!PyDict_Check(facts)) {
        PyErr_SetString(PyExc_TypeError, "optdemo.machine.metadata() must return a dict");
        goto error;
    }
    if (set_string(facts, "optdemo_version", optdemo_version) < 0
        || set_string(facts, "optdemo_commit", optdemo_commit) < 0
        || set_string(facts, "host_compiler", HOST_COMPILER) < 0
        || add_libpython_facts(facts) < 0) {
        goto error;
    }
    return facts;

error:
    Py_XDECREF(facts);
    return NULL;
}
