/* metadata.h: what a measurement describes -- the interpreter build and the
 * machine.  Python-visible facts come from pyscripts/optdemo/machine.py's
 * metadata(); the host adds what only it knows: how libpython is linked into
 * this executable, the compiler that built the host, optdemo's version and
 * commit, and the evidence of a profile-guided (PGO) libpython. */
#ifndef OPTDEMO_METADATA_H
#define OPTDEMO_METADATA_H

#include "interp.h"

/* The facts as a new dict (a new reference), or NULL with a Python
 * exception set.  The interpreter must be running (interp_start()).
 *
 * Every value is a str (one line, never empty), an int, a float or a bool,
 * so the dict goes unchanged into pyperf-style JSON metadata.  Keys added
 * here, on top of machine.metadata()'s:
 *   optdemo_version, optdemo_commit  meson's project version, git commit
 *   host_compiler      the compiler that built the host (__VERSION__)
 *   python_executable  this executable (/proc/self/exe), not sys.executable
 *   libpython_link     "static" or "shared": the build option -Dlibpython
 *   python_embed       the pkg-config name embedded (-Dpython_embed)
 *   libpython_dir      where that libpython came from (its pkg-config libdir)
 *   host_lto           "yes" when the host was linked with LTO (-Db_lto=true)
 *   libpython_file     the file whose code is libpython: the mapped
 *                      libpython*.so (found with dl_iterate_phdr), or this
 *                      executable when libpython is linked in statically
 *   libpython_pgo      "yes", "no" or "unknown (...)", from the count of
 *                      "*.cold" function parts in that file's symbol table
 *   libpython_pgo_evidence  the count and the file, in words
 */
PyObject *metadata_collect(void);

#endif
