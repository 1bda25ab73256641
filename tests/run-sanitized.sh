#!/bin/sh
# The test suites under AddressSanitizer + UndefinedBehaviorSanitizer:
# configures a build directory of its own with -Db_sanitize=address,undefined
# and runs the unit suite, then module, workloads and cli there.
#   usage: tests/run-sanitized.sh [build-dir]    (default: build-asan)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-asan}

if [ ! -f "$build/build.ninja" ]; then
    # b_lundef=false: the extension module leaves the sanitizer runtimes'
    # symbols to be resolved at load time, like Python's own.  The ladder's
    # Cython, mypyc and PyO3 modules are generated or foreign code, built
    # and tested in the default build: not again here.
    meson setup "$build" "$root" -Db_sanitize=address,undefined -Db_lundef=false \
        -Dcython=disabled -Dmypyc=disabled -Dpyo3=disabled
fi
ninja -C "$build"

# Any UB report fails the test instead of scrolling past.
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export UBSAN_OPTIONS

# The C unit tests are instrumented executables: ASan as it comes, leak
# checking included.
# Every suite runs even when one fails; the status says whether any did.
status=0
meson test -C "$build" --suite unit --print-errorlogs --logbase testlog-unit || status=1

# The module tests run the uninstrumented /usr/bin/python3.11 importing the
# instrumented optnative: the ASan runtime must be loaded before anything else
# (LD_PRELOAD), the interpreter's deliberate leaks at exit are not ours
# (detect_leaks=0), and PYTHONMALLOC=malloc sends every object through malloc
# so ASan sees a use-after-free of a PyObject that pymalloc's pools would hide.
# The workloads and cli suites go the same way: the instrumented host
# (harness, results, report, timeit...) runs as a child of pytest and
# inherits the settings; an ASan report makes it exit non-zero, which the
# tests' exit-code checks catch.  handle_segv=0: the fault fixtures crash
# their worker on purpose, and the tests expect what a user sees -- death by
# SIGSEGV with faulthandler's stack -- not ASan's own report and exit 1 (a
# segfault of optdemo's code still fails the tests, by the signal).
# allocator_may_return_null=1: an allocation too large for the address-space
# limit fails as malloc does (NULL, a MemoryError), as a hostile lab
# solution's 50 GiB request must; by default ASan would abort the process.
# OPTDEMO_SANITIZED tells the tests that timings describe the instrumentation.
libasan=$(${CC:-cc} -print-file-name=libasan.so)
meson test -C "$build" --suite module --suite workloads --suite cli --print-errorlogs \
    --logbase testlog-python \
    --wrapper "env LD_PRELOAD=$libasan ASAN_OPTIONS=detect_leaks=0:handle_segv=0:allocator_may_return_null=1 PYTHONMALLOC=malloc OPTDEMO_SANITIZED=1" \
    || status=1
exit $status
