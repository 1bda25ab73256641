"""Finding, loading and checking workloads (see docs/workloads.md).

The C host calls these functions; so do the tests, with plain python3.11.
Everything a built-in pitfall uses is here, and a user's file uses the same.
"""

import importlib.util
import inspect
import math
import os
import re
import sys
import tracemalloc

PITFALLS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "pitfalls")
SUITES = {"pitfalls": PITFALLS_DIR}
ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")
REQUIRED = ("ID", "TITLE", "SECTION", "EXPLANATION", "SIZES", "VARIANTS", "setup")


class WorkloadError(Exception):
    """A workload file that does not follow the contract."""


class UnknownWorkload(LookupError):
    """A name on the command line that is no suite, id or file."""

    def __init__(self, name, valid):
        self.name = name
        self.valid = valid
        super().__init__(
            f"unknown workload or suite '{name}'; valid names: "
            + ", ".join(valid) + ", or a path to a workload .py file")


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
        elif name.endswith(".py") or os.sep in name:
            if not os.path.isfile(name):
                raise UnknownWorkload(name, sorted(SUITES) + builtin_ids())
            found = [os.path.abspath(name)]
        elif name in builtin_ids():
            found = [os.path.join(PITFALLS_DIR, name + ".py")]
        else:
            raise UnknownWorkload(name, sorted(SUITES) + builtin_ids())
        paths.extend(path for path in found if path not in paths)
    return paths


def load(path):
    """Import a workload file as a module of its own and check its shape.
    Registered in sys.modules so dataclasses and pickling see a real module."""
    stem = os.path.splitext(os.path.basename(path))[0]
    module_name = "optdemo_workload_" + re.sub(r"\W", "_", stem)
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None:
        raise WorkloadError(f"{path}: not a Python file")
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
            name in variants and isinstance(modules, (list, tuple))
            and all(isinstance(m, str) for m in modules) for name, modules in requires.items()):
        raise WorkloadError(f"{where}: REQUIRES must map variant names to lists of module names")
    tolerance = getattr(module, "TOLERANCE", None)
    if tolerance is not None and not (isinstance(tolerance, float) and 0 <= tolerance < 1):
        raise WorkloadError(f"{where}: TOLERANCE must be None or a float in [0, 1)")


def _positive_int(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


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
    """{variant: why} for the variants whose REQUIRES modules this interpreter
    cannot import (optnative under PyPy, say).  Reported, never failed."""
    missing = {}
    for variant, modules in getattr(module, "REQUIRES", {}).items():
        absent = [name for name in modules if importlib.util.find_spec(name) is None]
        if absent:
            missing[variant] = "needs " + ", ".join(absent) + ", which this interpreter cannot import"
    return missing


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
    """{variant: its source code}, for `optdemo show`."""
    return {name: inspect.getsource(getattr(module, name)) for name in module.VARIANTS}


def same_result(expected, actual, tolerance=None):
    """Whether a variant's result equals before's: exactly, or within a
    relative tolerance for floats and NumPy arrays."""
    if tolerance is None:
        try:
            import numpy
            if isinstance(expected, numpy.ndarray) or isinstance(actual, numpy.ndarray):
                return bool(numpy.array_equal(expected, actual))
        except ImportError:
            pass
        return bool(expected == actual)
    return _close(expected, actual, tolerance)


def _close(expected, actual, tolerance):
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return math.isclose(expected, actual, rel_tol=tolerance, abs_tol=tolerance)
    if isinstance(expected, (list, tuple)) and isinstance(actual, (list, tuple)):
        return len(expected) == len(actual) and all(
            _close(e, a, tolerance) for e, a in zip(expected, actual))
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(
            _close(expected[key], actual[key], tolerance) for key in expected)
    import numpy
    return bool(numpy.allclose(expected, actual, rtol=tolerance, atol=tolerance))


def describe_mismatch(expected, actual):
    """One line saying how two results differ, for the FAILED note."""
    def short(value):
        text = repr(value)
        return text if len(text) <= 60 else text[:57] + "..."
    return f"expected {short(expected)}, got {short(actual)}"


def memory_peak(function, data):
    """Peak bytes traced while one call of function(data) runs (tracemalloc).
    Its own pass: tracing slows every allocation, so it never overlaps timing."""
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
