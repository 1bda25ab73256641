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
    return pytest.main(["-q", "-p", "no:cacheprovider", *files])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
