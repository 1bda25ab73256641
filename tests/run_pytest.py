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
    outcomes = Outcomes()
    status = pytest.main(["-q", "-p", "no:cacheprovider", *quiet, *files], plugins=[outcomes])
    if status in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED) \
            and outcomes.skipped and not outcomes.ran:
        # A file this interpreter cannot run at all (numpy's tests on a
        # CPython 3.13): meson counts it as skipped, not passed.
        return MESON_SKIP
    return status


class Outcomes:
    """Counts the tests that ran and those skipped (a pytest plugin)."""

    def __init__(self):
        self.ran = self.skipped = 0

    def pytest_runtest_logreport(self, report):
        if report.skipped:
            self.skipped += 1
        elif report.when == "call":
            self.ran += 1

    def pytest_collectreport(self, report):
        if report.skipped:          # a whole file skipped (importorskip)
            self.skipped += 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
