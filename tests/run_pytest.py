"""How meson runs a pytest file: `python run_pytest.py [--needs-debug] FILE`.

With --needs-debug the file is only meaningful under a debug interpreter
(python3.11d: sys.gettotalrefcount exists); elsewhere this exits 77, meson's
code for SKIP, so the suite is counted as skipped rather than passed."""

import sys

import pytest

MESON_SKIP = 77


def main(argv):
    needs_debug = "--needs-debug" in argv
    files = [arg for arg in argv if arg != "--needs-debug"]
    if needs_debug and not hasattr(sys, "gettotalrefcount"):
        print(f"skipped: {', '.join(files)} needs a debug interpreter (python3.11d); "
              "tests/run-refleak.sh runs it")
        return MESON_SKIP
    # Debian's pytest 7.2 rewrites assertions with ast.Str and ast.Num,
    # which 3.12+ deprecates: ~2000 warnings a file on a CPython 3.13, all
    # pytest's own, none a test's.
    quiet = (["-W", "ignore::DeprecationWarning:_pytest.assertion.rewrite"]
             if sys.version_info >= (3, 12) else [])
    return pytest.main(["-q", "-p", "no:cacheprovider", *quiet, *files])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
