#!/bin/sh
# The refleak suite: builds optdemo and optnative for Debian's debug
# interpreter (python3.11-dbg: /usr/bin/python3.11d, which has
# sys.gettotalrefcount) in a build directory of its own, then runs
# tests/test_refleak.py under python3.11d through `meson test --suite refleak`.
#   usage: tests/run-refleak.sh [build-dir]      (default: build-dbg)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-dbg}

if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" "$root" \
        -Dpython_embed=python-3.11d-embed -Dpython=/usr/bin/python3.11d \
        -Dcython=disabled -Dmypyc=disabled -Dpyo3=disabled
fi
ninja -C "$build"
meson test -C "$build" --suite refleak --print-errorlogs
