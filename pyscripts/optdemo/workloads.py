"""Finding, loading and checking workloads (see docs/workloads.md).

The C host and the runner (runner.py, in any interpreter from Python 3.9 on,
PyPy included) call these functions; so do the tests, with plain python3.11.
Everything a built-in pitfall uses is here, and a user's file uses the same.
"""

import importlib
import importlib.util
import inspect
import math
import os
import platform
import re
import sys

from optdemo import ladder

try:
    import tracemalloc
except ImportError:  # PyPy has no tracemalloc: memory cannot be measured there
    tracemalloc = None

PITFALLS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "pitfalls")
SUITES = {"pitfalls": PITFALLS_DIR}
ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")
# A REQUIRES entry is a module name, or "python>=3.10" for a language feature.
MODULE_PATTERN = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*\Z")
PYTHON_PATTERN = re.compile(r"python>=(\d+(\.\d+)*)\Z")
REQUIRED = ("ID", "TITLE", "SECTION", "EXPLANATION", "SIZES", "VARIANTS", "setup")


class WorkloadError(Exception):
    """A workload file that does not follow the contract.  Its message names
    the file and the rule, so it is shown alone, without a traceback."""

    message_only = True


class UnknownWorkload(LookupError):
    """A name on the command line that is no suite, id or file."""

    def __init__(self, name, valid, kind="workload or suite"):
        self.name = name
        self.valid = valid
        super().__init__(
            f"unknown {kind} '{name}'; valid names: "
            + ", ".join(valid) + ", or a path to a workload .py file")


class NoSuchFile(LookupError):
    """A name that looks like a path (ends with .py, or has a slash) but
    names no file: a typo in a path, not an unknown workload id."""

    def __init__(self, name):
        self.name = name
        super().__init__(f"no such file: {name}")


def builtin_paths(suite="pitfalls"):
    """The files of a built-in suite, sorted by name."""
    folder = SUITES[suite]
    return sorted(
        os.path.join(folder, name) for name in os.listdir(folder)
        if name.endswith(".py") and not name.startswith("_"))


def builtin_ids():
    """Built-in workload ids: a built-in file is named after its ID."""
    return [os.path.basename(path)[:-3] for path in builtin_paths()]


def resolve(names):
    """Turn command-line names into workload file paths, in order, without
    duplicates: a suite name, a built-in id, or a path to a .py file."""
    paths = []
    for name in names:
        if name in SUITES:
            found = builtin_paths(name)
        else:
            found = [_workload_path(name, sorted(SUITES) + builtin_ids(), "workload or suite")]
        paths.extend(path for path in found if path not in paths)
    return paths


def resolve_one(name):
    """The file of one workload, for `optdemo show` and `profile`: a built-in
    id or a path to a .py file.  A suite name is refused: both take one."""
    if name in SUITES:
        raise LookupError(f"'{name}' is a suite of {len(builtin_paths(name))} workloads; "
                          "name one of them (see `optdemo list`)")
    return _workload_path(name, builtin_ids(), "workload")


def _workload_path(name, valid, kind):
    """A built-in id's file, or a path's absolute form; UnknownWorkload
    (listing `valid`) or NoSuchFile otherwise."""
    if name.endswith(".py") or os.sep in name:
        if not os.path.isfile(name):
            raise NoSuchFile(name)
        return os.path.abspath(name)
    if name in builtin_ids():
        return os.path.join(PITFALLS_DIR, name + ".py")
    raise UnknownWorkload(name, valid, kind)


def load(path):
    """Import a workload file as a module of its own and check its shape.
    Registered in sys.modules so dataclasses and pickling see a real module."""
    stem = os.path.splitext(os.path.basename(path))[0]
    module_name = "optdemo_workload_" + re.sub(r"\W", "_", stem)
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None:
        raise WorkloadError(f"{path}: not a Python file")
    with open(path, "rb") as source:
        if b"\0" in source.read():
            raise WorkloadError(f"{path}: contains NUL bytes, so it is not Python source")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
        validate(module)
    except BaseException:
        # A broken file must not stay registered under its module name.
        sys.modules.pop(module_name, None)
        raise
    return module


def validate(module):
    """Raise WorkloadError naming the first broken rule of the contract."""
    where = getattr(module, "__file__", "workload")
    for name in REQUIRED:
        if not hasattr(module, name):
            raise WorkloadError(f"{where}: missing {name}")
    if not isinstance(module.ID, str) or not ID_PATTERN.match(module.ID):
        raise WorkloadError(f"{where}: ID must match [a-z][a-z0-9_]*, got {module.ID!r}")
    for name in ("TITLE", "SECTION", "EXPLANATION"):
        if not isinstance(getattr(module, name), str):
            raise WorkloadError(f"{where}: {name} must be a string")
    sizes = module.SIZES
    # The host reads the sweep with the list API: a list, not any iterable.
    if (not isinstance(sizes, dict) or not all(key in sizes for key in ("quick", "default", "sweep"))
            or not all(_positive_int(sizes[key]) for key in ("quick", "default"))
            or not isinstance(sizes["sweep"], list)
            or not all(_positive_int(n) for n in sizes["sweep"])):
        raise WorkloadError(f"{where}: SIZES must be {{'quick': int, 'default': int, 'sweep': [int, ...]}} of positive sizes")
    variants = module.VARIANTS
    if (not isinstance(variants, (list, tuple)) or not variants
            or not all(isinstance(name, str) for name in variants)
            or variants[0] != "before" or len(set(variants)) != len(variants)):
        raise WorkloadError(f"{where}: VARIANTS must be a list of names starting with 'before', each named once")
    for name in variants:
        if not callable(getattr(module, name, None)):
            raise WorkloadError(f"{where}: variant {name!r} is listed but no function {name}(data) is defined")
    requires = getattr(module, "REQUIRES", {})
    if not isinstance(requires, dict) or not all(
            name in variants and isinstance(entries, (list, tuple))
            and all(_is_requirement(entry) for entry in entries)
            for name, entries in requires.items()):
        raise WorkloadError(f"{where}: REQUIRES must map variant names to lists of module "
                            "names or 'python>=X.Y'")
    tolerance = getattr(module, "TOLERANCE", None)
    if tolerance is not None and not (isinstance(tolerance, float) and 0 <= tolerance < 1):
        raise WorkloadError(f"{where}: TOLERANCE must be None or a float in [0, 1)")


def _positive_int(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _is_requirement(entry):
    return isinstance(entry, str) and bool(
        MODULE_PATTERN.match(entry) or PYTHON_PATTERN.match(entry))


def describe(module):
    """Everything the host prints or records about a workload, as plain data."""
    return {
        "id": module.ID,
        "title": module.TITLE,
        "section": module.SECTION,
        "explanation": inspect.cleandoc(module.EXPLANATION),
        "path": module.__file__,
        "sizes": dict(module.SIZES),
        "variants": list(module.VARIANTS),
        "tolerance": getattr(module, "TOLERANCE", None),
        "no_native": getattr(module, "NO_NATIVE", None),
        "notes": dict(getattr(module, "NOTES", {})),
        "unavailable": unavailable_variants(module),
    }


def unavailable_variants(module):
    """{variant: why} for the variants whose REQUIRES this interpreter cannot
    meet (optnative under PyPy, say).  Reported, never failed."""
    missing = {}
    for variant, requirements in getattr(module, "REQUIRES", {}).items():
        reasons = [unmet_requirement(entry) for entry in requirements]
        reasons = [reason for reason in reasons if reason is not None]
        if reasons:
            missing[variant] = "; ".join(reasons)
    return missing


def unmet_requirement(entry):
    """Why this interpreter cannot meet one REQUIRES entry, or None.

    A module counts only if it really imports: PyPy finds Debian's numpy
    (find_spec succeeds) but importing it fails, its compiled part being
    built for CPython."""
    version = PYTHON_PATTERN.match(entry)
    if version is not None:
        needed = tuple(int(part) for part in version.group(1).split("."))
        if sys.version_info[:len(needed)] >= needed:
            return None
        return f"needs Python >= {version.group(1)}, this is {platform.python_version()}"
    try:
        importlib.import_module(entry)
    except Exception as error:
        return (ladder.why_unavailable(entry)
                or f"needs {entry}, which this interpreter cannot import: {_import_failure(error)}")
    return None


def _import_failure(error):
    """The first line that says what went wrong.  NumPy wraps the real cause
    (a missing compiled part) in a long advice text, so the innermost
    ImportError of the chain is the one to show."""
    while isinstance(error.__cause__ or error.__context__, ImportError):
        error = error.__cause__ or error.__context__
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    if isinstance(error, ImportError):
        return lines[0] if lines else type(error).__name__
    return type(error).__name__ + (": " + lines[0] if lines else "")


def catalogue(suite="pitfalls"):
    """(id, title, section, error) of every built-in workload, for `optdemo
    list`.  A file that does not load is listed with its error, not hidden."""
    rows = []
    for path in builtin_paths(suite):
        try:
            module = load(path)
        except Exception as error:
            name = os.path.basename(path)[:-3]
            rows.append((name, "", "", f"{type(error).__name__}: {error}"))
            continue
        rows.append((module.ID, module.TITLE, module.SECTION, None))
    return rows


def variant_sources(module):
    """{variant: its source code}, for `optdemo show`.  A compiled rung
    shows what was compiled (the .pyx, the annotated .py, the .rs) under the
    function that calls it."""
    sources = {name: inspect.getsource(getattr(module, name)) for name in module.VARIANTS}
    rungs = getattr(module, "COMPILED", None)
    for variant, name in (rungs.names.items() if isinstance(rungs, ladder.Rungs) else ()):
        compiled = ladder.source(name)
        if variant in sources and compiled is not None:
            path, text = compiled
            sources[variant] += f"\n# {path}:\n{text}"
    return sources


def ladder_table(path, results_path=None):
    """The cost of each rung of a workload's ladder, as text (`optdemo show`)."""
    module = load(path)
    return ladder.cost_table(module, variant_sources(module), results_path)


def same_result(expected, actual, tolerance=None):
    """Whether a variant's result equals before's: exactly, or within a
    relative tolerance for floats and NumPy arrays.  NaN equals NaN at the
    same position either way (`nan == nan` is False in Python)."""
    if not _is_array(expected) and not _is_array(actual):
        # The common case, decided by == in C at full speed.  A False (or an
        # array inside a list, which == cannot decide) gets a closer look.
        try:
            if (expected == actual) is True:
                return True
        except ValueError:
            pass
    if tolerance is None:
        return _equal(expected, actual)
    return _close(expected, actual, tolerance)


def _equal(expected, actual):
    """==, looking inside lists, tuples and dicts, with NaN equal to NaN."""
    if _is_array(expected) or _is_array(actual):
        return _arrays_match(expected, actual, None)
    if _is_nan(expected) and _is_nan(actual):
        return True
    if ((isinstance(expected, list) and isinstance(actual, list))
            or (isinstance(expected, tuple) and isinstance(actual, tuple))):
        return len(expected) == len(actual) and all(
            _equal(e, a) for e, a in zip(expected, actual))
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(
            _equal(expected[key], actual[key]) for key in expected)
    return bool(expected == actual)


def _close(expected, actual, tolerance):
    """Within a relative tolerance, looking inside lists, tuples and dicts."""
    if _is_array(expected) or _is_array(actual):
        return _arrays_match(expected, actual, tolerance)
    if _is_nan(expected) or _is_nan(actual):
        return _is_nan(expected) and _is_nan(actual)
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return math.isclose(expected, actual, rel_tol=tolerance, abs_tol=tolerance)
    if isinstance(expected, (list, tuple)) and isinstance(actual, (list, tuple)):
        return len(expected) == len(actual) and all(
            _close(e, a, tolerance) for e, a in zip(expected, actual))
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(
            _close(expected[key], actual[key], tolerance) for key in expected)
    return _equal(expected, actual)


def _loaded_numpy():
    """NumPy if something imported it, else None.  A value can only be a
    NumPy array or scalar once NumPy is loaded, and importing it here would
    cost time (and fail under PyPy)."""
    return sys.modules.get("numpy")


def _is_array(value):
    numpy = _loaded_numpy()
    return numpy is not None and isinstance(value, (numpy.ndarray, numpy.generic))


def _is_nan(value):
    return isinstance(value, float) and math.isnan(value)


def _arrays_match(expected, actual, tolerance):
    """Compare NumPy arrays (or an array and a list or scalar) as a whole: same
    shape, then equal or close values.  NaN equals NaN only for float and
    complex arrays: asking for it on other dtypes raises TypeError."""
    numpy = _loaded_numpy()
    expected = numpy.asarray(expected)
    actual = numpy.asarray(actual)
    if expected.shape != actual.shape:
        return False
    floats = expected.dtype.kind in "fc" and actual.dtype.kind in "fc"
    numbers = expected.dtype.kind in "iufc" and actual.dtype.kind in "iufc"
    if tolerance is None or not numbers:
        return bool(numpy.array_equal(expected, actual, equal_nan=floats))
    return bool(numpy.allclose(expected, actual, rtol=tolerance, atol=tolerance, equal_nan=floats))


def describe_mismatch(expected, actual):
    """One line saying how two results differ, for the FAILED note."""
    def short(value):
        text = " ".join(repr(value).split())  # a NumPy array's repr spans lines
        return text if len(text) <= 60 else text[:57] + "..."
    return f"expected {short(expected)}, got {short(actual)}"


def memory_peak(function, data):
    """Peak bytes traced while one call of function(data) runs (tracemalloc).
    Its own pass: tracing slows every allocation, so it never overlaps timing.
    Raises RuntimeError where tracemalloc does not exist (PyPy)."""
    if tracemalloc is None:
        raise RuntimeError(f"tracemalloc is not available in {sys.implementation.name}: "
                           "memory cannot be measured here")
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        baseline = tracemalloc.get_traced_memory()[0]
        function(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return max(0, peak - baseline)
