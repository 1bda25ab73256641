"""The workload contract (docs/workloads.md): every built-in pitfall follows
it, and the loader (pyscripts/optdemo/workloads.py) enforces it.

Run with `meson test -C build --suite workloads`, or directly:
    /usr/bin/python3.11 -m pytest tests/test_workloads.py
No test here measures time: growth is checked by counting comparisons.
"""

import collections
import copy
import inspect
import os
import sys
import threading
import tracemalloc

import pytest

try:
    import numpy
except ImportError:         # a CPython 3.13 here: Debian's numpy is built for 3.11
    numpy = None
needs_numpy = pytest.mark.skipif(numpy is None, reason="this interpreter cannot import numpy")

SOURCE_ROOT = os.environ.get("OPTDEMO_SOURCE_ROOT") or os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(SOURCE_ROOT, "pyscripts"))

from optdemo import workloads  # noqa: E402  (needs the path above)

BUILTIN_PATHS = workloads.builtin_paths()
EXPECTED_IDS = {
    "caching", "counting", "dict_defaults", "global_lookup", "list_membership",
    "numpy_small", "numpy_vectorize", "priority_queue", "queue_popleft",
    "slots_access", "slots_memory", "sorted_insert", "string_concat", "threads", "threads_io",
}


def deep_equal(a, b):
    """Structural equality that also compares NumPy arrays (values and dtype)."""
    if numpy is not None and (isinstance(a, numpy.ndarray) or isinstance(b, numpy.ndarray)):
        return (isinstance(a, numpy.ndarray) and isinstance(b, numpy.ndarray)
                and a.dtype == b.dtype and numpy.array_equal(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(deep_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return (type(a) is type(b) and len(a) == len(b)
                and all(deep_equal(x, y) for x, y in zip(a, b)))
    if type(a) is type(b) and type(a).__eq__ is object.__eq__:
        # Instances of a workload's own class (slots_access's points): equal
        # when their attributes are, in a __dict__ or in __slots__.
        return attributes(a) == attributes(b)
    return type(a) is type(b) and a == b


def attributes(obj):
    names = getattr(type(obj), "__slots__", ())
    values = {name: getattr(obj, name) for name in names}
    values.update(getattr(obj, "__dict__", {}))
    return values


def small_sizes(module):
    """Sizes for correctness checks: degenerate, tiny, and the quick size."""
    return sorted({1, 7, module.SIZES["quick"]})


@pytest.fixture(scope="module", params=BUILTIN_PATHS,
                ids=[os.path.basename(p)[:-3] for p in BUILTIN_PATHS])
def module(request):
    return workloads.load(request.param)


# --- every built-in workload -------------------------------------------------

def test_all_pitfalls_are_present():
    assert set(workloads.builtin_ids()) == EXPECTED_IDS


def test_file_name_is_id(module):
    assert os.path.basename(module.__file__) == module.ID + ".py"


def test_describe_is_complete(module):
    described = workloads.describe(module)
    assert described["id"] == module.ID
    assert described["title"].strip() and "\n" not in described["title"]
    assert described["section"].strip()
    assert len(described["explanation"]) > 200
    assert "timed region" in described["explanation"].lower()
    assert described["variants"][0] == "before"
    assert set(described["notes"]) <= set(module.VARIANTS)
    assert all(isinstance(note, str) and note for note in described["notes"].values())
    assert set(workloads.variant_sources(module)) == set(module.VARIANTS)


def test_no_native_only_without_native(module):
    no_native = getattr(module, "NO_NATIVE", None)
    if "native" in module.VARIANTS:
        assert no_native is None
    elif no_native is not None:
        assert isinstance(no_native, str) and len(no_native) > 20


def test_reads_top_to_bottom(module):
    """Docstring, then setup, then the variants in VARIANTS order."""
    assert module.__doc__ and module.__doc__.strip()
    first_line = {name: inspect.getsourcelines(getattr(module, name))[1]
                  for name in ["setup", *module.VARIANTS]}
    lines = [first_line[name] for name in ["setup", *module.VARIANTS]]
    assert lines == sorted(lines)


def test_sizes_are_ordered(module):
    sizes = module.SIZES
    assert sizes["quick"] <= sizes["default"]
    sweep = sizes["sweep"]
    assert len(sweep) >= 4
    assert all(a < b for a, b in zip(sweep, sweep[1:]))
    assert sweep[-1] >= 10 * sweep[0]


def runnable(module):
    """The variants this interpreter can run (REQUIRES met)."""
    unavailable = workloads.unavailable_variants(module)
    return [name for name in module.VARIANTS if name not in unavailable]


@pytest.mark.skipif(not os.environ.get("OPTDEMO_BUILD_ROOT"), reason="outside meson test")
def test_optnative_is_importable_under_meson_test():
    """Under `meson test` the native variants must really be checked."""
    import optnative  # noqa: F401


def test_setup_is_deterministic(module):
    for n in small_sizes(module):
        assert deep_equal(module.setup(n), module.setup(n))


def test_variants_agree_with_before(module):
    tolerance = getattr(module, "TOLERANCE", None)
    for n in small_sizes(module):
        data = module.setup(n)
        expected = module.before(data)
        for name in runnable(module)[1:]:
            actual = getattr(module, name)(data)
            assert workloads.same_result(expected, actual, tolerance), (
                f"{module.ID}.{name} at n={n}: "
                + workloads.describe_mismatch(expected, actual))


def test_variants_do_not_mutate_data(module):
    data = module.setup(module.SIZES["quick"])
    snapshot = copy.deepcopy(data)
    for name in runnable(module):
        getattr(module, name)(data)
        assert deep_equal(data, snapshot), f"{module.ID}.{name} changed its input"


def test_repeated_calls_give_the_same_result(module):
    """A variant keeps no state between calls (e.g. a cache made at import)."""
    data = module.setup(7)
    for name in runnable(module):
        function = getattr(module, name)
        assert deep_equal(function(data), function(data))


# --- order of growth, by counting comparisons --------------------------------

class Counted:
    """An int wrapper that counts the comparisons made on it."""
    less_than = 0
    equal = 0

    def __init__(self, value):
        self.value = value

    def __lt__(self, other):
        Counted.less_than += 1
        return self.value < other.value

    def __eq__(self, other):
        Counted.equal += 1
        return self.value == other.value

    def __hash__(self):
        return hash(self.value)

    @classmethod
    def reset(cls):
        cls.less_than = cls.equal = 0


def comparisons(function, data, kind):
    Counted.reset()
    function(data)
    return getattr(Counted, kind)


def growth(module, variant, wrap, kind, n):
    """How many times more comparisons the variant makes at 2n than at n."""
    counts = [comparisons(getattr(module, variant), wrap(module.setup(size)), kind)
              for size in (n, 2 * n)]
    return counts[1] / counts[0]


def test_sorted_insert_growth():
    module = workloads.load(workloads.resolve(["sorted_insert"])[0])
    wrap = lambda items: [Counted(x) for x in items]  # noqa: E731
    assert growth(module, "before", wrap, "less_than", 400) > 3.3
    assert growth(module, "before_linear", wrap, "less_than", 400) > 3.3
    assert growth(module, "after", wrap, "less_than", 400) < 2.6


def test_list_membership_growth():
    module = workloads.load(workloads.resolve(["list_membership"])[0])

    def wrap(data):  # fresh objects: `in` cannot stop at an identity match
        return {key: [Counted(x) for x in values] for key, values in data.items()}
    assert growth(module, "before", wrap, "equal", 300) > 3.3
    assert growth(module, "after", wrap, "equal", 300) < 2.6


def test_priority_queue_growth():
    module = workloads.load(workloads.resolve(["priority_queue"])[0])
    wrap = lambda ops: [op if op is module.POP else Counted(op) for op in ops]  # noqa: E731
    assert growth(module, "before", wrap, "less_than", 500) > 3.3
    assert growth(module, "after", wrap, "less_than", 500) < 2.6


def test_caching_calls_the_function_once_per_distinct_argument(monkeypatch):
    module = workloads.load(workloads.resolve(["caching"])[0])
    calls = collections.Counter()
    original = module.collatz_steps

    def counting(k):
        calls[k] += 1
        return original(k)
    monkeypatch.setattr(module, "collatz_steps", counting)
    data = module.setup(3000)
    module.after(data)
    assert calls == collections.Counter(set(data))
    calls.clear()
    module.after(data)          # a second call starts with a fresh, cold cache
    assert calls == collections.Counter(set(data))


def at_once(count):
    """A stand-in for a task that returns only once `count` tasks are in it
    at the same time: run one after another, the first one would wait for
    ever (the barrier's timeout is a deadlock guard, not a measurement)."""
    barrier = threading.Barrier(count, timeout=60)

    def task(value):
        barrier.wait()
        return value
    return task


def test_threads_runs_its_chunks_in_threads_at_once(monkeypatch):
    module = workloads.load(workloads.resolve(["threads"])[0])
    assert 2 <= module.WORKERS <= 4
    data = module.setup(module.SIZES["quick"])
    assert len(data) == module.WORKERS
    assert sum(len(chunk) for chunk in data) == module.SIZES["quick"]
    assert module.NOTES["after"].startswith(f"{module.WORKERS} threads")
    monkeypatch.setattr(module, "chunk_total", at_once(module.WORKERS))
    assert module.after(data) == list(data)


def test_threads_processes_run_in_other_processes(monkeypatch):
    """The processes variant's chunks are computed in forked children."""
    module = workloads.load(workloads.resolve(["threads"])[0])
    data = module.setup(7)
    parent = os.getpid()
    monkeypatch.setattr(module, "collatz_steps", lambda k: os.getpid())
    pids = module.processes(data)
    assert parent not in pids and len(pids) == module.WORKERS
    # the same work in this process, for the others
    assert module.before(data) == [parent * len(chunk) for chunk in data]


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs Linux's /proc")
def test_threads_forks_only_once_exiting_threads_are_gone(monkeypatch):
    """A thread joined in Python may still be finishing in C; forking then
    hung a child under AddressSanitizer (its allocator's lock, held by that
    thread, stays held in the child).  processes waits for the OS thread
    count of import time; a thread that stays is waited for only so long."""
    module = workloads.load(workloads.resolve(["threads"])[0])
    baseline = module.THREADS_AT_IMPORT
    assert baseline >= 1
    finishing = threading.Thread(target=threading.Event().wait, args=(0.05,))
    finishing.start()
    module.wait_for_exiting_threads(limit=60)
    assert module.os_threads() <= baseline
    # The count of import time may include a thread another test left
    # exiting (seen under load); the main thread alone makes the staying
    # thread one too many for certain.
    monkeypatch.setattr(module, "THREADS_AT_IMPORT", 1)
    release = threading.Event()
    staying = threading.Thread(target=release.wait)
    staying.start()
    try:
        module.wait_for_exiting_threads(limit=0.01)   # returns although it stays
        assert staying.is_alive()
        assert module.os_threads() > module.THREADS_AT_IMPORT
    finally:
        release.set()
        staying.join()


def test_threads_io_waits_at_once(monkeypatch):
    module = workloads.load(workloads.resolve(["threads_io"])[0])
    data = module.setup(6)
    monkeypatch.setattr(module, "blocking_task", at_once(6))
    assert module.after(data) == data


def test_slots_use_less_memory():
    module = workloads.load(workloads.resolve(["slots_memory"])[0])
    data = module.setup(20_000)
    plain = workloads.memory_peak(module.before, data)
    slotted = workloads.memory_peak(module.after, data)
    assert slotted < 0.8 * plain


# --- the loader ---------------------------------------------------------------

# A minimal valid workload, one part per contract name; tests drop or
# replace parts to break one rule at a time.
GOOD_PARTS = {
    "__doc__": '"""A minimal workload."""',
    "ID": 'ID = "tiny"',
    "TITLE": 'TITLE = "Tiny"',
    "SECTION": 'SECTION = "Tests"',
    "EXPLANATION": 'EXPLANATION = "Nothing. Timed region: a sum."',
    "SIZES": 'SIZES = {"quick": 1, "default": 2, "sweep": [1, 2]}',
    "VARIANTS": 'VARIANTS = ["before", "after"]',
    "setup": "def setup(n):\n    return list(range(n))",
    "before": "def before(data):\n    return sum(data)",
    "after": "def after(data):\n    return sum(data)",
}


def write_workload(tmp_path, **changes):
    """Write tiny.py from GOOD_PARTS; a change of None drops that part."""
    parts = dict(GOOD_PARTS, **changes)
    text = "\n\n".join(part for part in parts.values() if part is not None) + "\n"
    path = tmp_path / "tiny.py"
    path.write_text(text)
    return str(path)


def modules_named_tiny():
    return [name for name in sys.modules if name.endswith("_tiny")]


def test_loads_a_user_file(tmp_path):
    module = workloads.load(write_workload(tmp_path))
    assert module.ID == "tiny"
    assert module.after(module.setup(3)) == 3
    assert workloads.describe(module)["sizes"]["sweep"] == [1, 2]


@pytest.mark.parametrize("name", workloads.REQUIRED)
def test_missing_required_name(tmp_path, name):
    path = write_workload(tmp_path, **{name: None})
    with pytest.raises(workloads.WorkloadError, match=f"missing {name}"):
        workloads.load(path)
    assert modules_named_tiny() == []


def test_syntax_error(tmp_path):
    path = write_workload(tmp_path, after="def after(data:\n    return 0")
    with pytest.raises(SyntaxError):
        workloads.load(path)
    assert modules_named_tiny() == []


def test_error_at_import(tmp_path):
    path = write_workload(tmp_path, SECTION="SECTION = undefined_name")
    with pytest.raises(NameError):
        workloads.load(path)
    assert modules_named_tiny() == []


@pytest.mark.parametrize("name, replacement, message", [
    ("VARIANTS", 'VARIANTS = ["after", "before"]', "VARIANTS"),
    ("VARIANTS", 'VARIANTS = ["before", "after", "before"]', "VARIANTS"),
    ("VARIANTS", 'VARIANTS = "before"', "VARIANTS"),
    ("VARIANTS", 'VARIANTS = []', "VARIANTS"),
    ("VARIANTS", 'VARIANTS = ["before", "after", "native"]', "'native' is listed"),
    ("ID", 'ID = "Tiny-1"', "ID must match"),
    ("SIZES", 'SIZES = {"quick": 1, "default": 2}', "SIZES"),
    ("SIZES", 'SIZES = {"quick": 0, "default": 2, "sweep": [1, 2]}', "SIZES"),
    ("SIZES", 'SIZES = {"quick": 1, "default": 2, "sweep": (1, 2)}', "SIZES"),
    ("SIZES", 'SIZES = {"quick": 1, "default": 2, "sweep": 5}', "SIZES"),
    ("SIZES", 'SIZES = {"quick": True, "default": 2, "sweep": [1, 2]}', "SIZES"),
    ("TITLE", "TITLE = None", "TITLE"),
    ("TOLERANCE", "TOLERANCE = 1", "TOLERANCE"),
])
def test_broken_contract(tmp_path, name, replacement, message):
    path = write_workload(tmp_path, **{name: replacement})
    with pytest.raises(workloads.WorkloadError, match=message):
        workloads.load(path)
    assert modules_named_tiny() == []


def test_resolve_suite_ids_and_paths(tmp_path):
    everything = workloads.resolve(["pitfalls"])
    assert everything == BUILTIN_PATHS
    # Order kept, duplicates dropped.
    picked = workloads.resolve(["string_concat", "counting", "pitfalls"])
    assert [os.path.basename(p) for p in picked[:2]] == ["string_concat.py", "counting.py"]
    assert sorted(picked) == sorted(everything)
    path = write_workload(tmp_path)
    assert workloads.resolve([path]) == [os.path.abspath(path)]


def test_resolve_unknown_lists_valid_names():
    with pytest.raises(workloads.UnknownWorkload) as caught:
        workloads.resolve(["no_such_pitfall"])
    error = caught.value
    assert error.name == "no_such_pitfall"
    assert "pitfalls" in error.valid
    assert EXPECTED_IDS <= set(error.valid)
    assert "string_concat" in str(error) and "no_such_pitfall" in str(error)


@pytest.mark.parametrize("name", ["missing.py", "some/dir/file"])
@pytest.mark.parametrize("resolve", [lambda name: workloads.resolve([name]), workloads.resolve_one])
def test_a_missing_path_is_no_such_file(name, resolve):
    """A typo in a path: say so, instead of listing every workload id."""
    with pytest.raises(workloads.NoSuchFile) as caught:
        resolve(name)
    assert isinstance(caught.value, LookupError)
    assert str(caught.value) == f"no such file: {name}"


def test_resolve_one_takes_an_id_or_a_file(tmp_path):
    assert workloads.resolve_one("counting") == os.path.join(workloads.PITFALLS_DIR, "counting.py")
    path = write_workload(tmp_path)
    assert workloads.resolve_one(path) == os.path.abspath(path)


def test_resolve_one_refuses_a_suite():
    with pytest.raises(LookupError, match=rf"'pitfalls' is a suite of {len(EXPECTED_IDS)} workloads; name one of them"):
        workloads.resolve_one("pitfalls")


def test_resolve_one_lists_only_workload_ids():
    with pytest.raises(workloads.UnknownWorkload) as caught:
        workloads.resolve_one("no_such_pitfall")
    error = caught.value
    assert sorted(error.valid) == sorted(EXPECTED_IDS)
    assert str(error).startswith("unknown workload 'no_such_pitfall'; valid names: caching, ")
    assert "pitfalls" not in str(error)


def test_same_result_exact():
    assert workloads.same_result([1, 2, 3], [1, 2, 3])
    assert not workloads.same_result([1, 2, 3], [1, 2, 4])
    assert not workloads.same_result(0.1 + 0.2, 0.3)
    assert workloads.same_result({1: 2, 3: 4}, collections.Counter({3: 4, 1: 2}))
    assert workloads.same_result({"a": [1]}, collections.defaultdict(list, {"a": [1]}))


def test_same_result_with_tolerance():
    assert workloads.same_result(0.1 + 0.2, 0.3, 1e-12)
    assert not workloads.same_result(1.0, 1.001, 1e-6)
    assert workloads.same_result([1.0, 2.0], (1.0, 2.0 + 1e-12), 1e-9)
    assert not workloads.same_result([1.0, 2.0], [1.0], 1e-9)
    assert workloads.same_result({"x": 1.0}, {"x": 1.0 + 1e-12}, 1e-9)
    assert not workloads.same_result({"x": 1.0}, {"y": 1.0}, 1e-9)


@needs_numpy
def test_same_result_numpy():
    a = numpy.linspace(0.0, 1.0, 11)
    assert workloads.same_result(a, a.copy())
    assert not workloads.same_result(a, a + 1e-12)
    assert workloads.same_result(a, a + 1e-12, 1e-9)
    assert not workloads.same_result(a, a + 1e-3, 1e-9)
    assert workloads.same_result(3.0, numpy.float64(3.0 + 1e-13), 1e-9)
    assert not workloads.same_result(a, a[:5]) and not workloads.same_result(a, a[:5], 1e-9)
    assert not workloads.same_result(numpy.ones(3), 1.0, 1e-9)   # no broadcasting
    assert workloads.same_result(a, list(a)) and workloads.same_result(list(a), a, 1e-9)


NAN = float("nan")


def another_nan():
    """A NaN that is not the object NAN: `[x] == [x]` holds for the same
    object, so each side needs its own."""
    return float("inf") - float("inf")


@pytest.mark.parametrize("tolerance", [None, 1e-9])
def test_nan_equals_nan_at_the_same_position(tolerance):
    def same(expected, actual):
        return workloads.same_result(expected, actual, tolerance)
    assert same(NAN, another_nan())
    assert same([1.0, NAN, 2.0], [1.0, another_nan(), 2.0])
    assert same((NAN, [NAN, {"x": NAN}]), (another_nan(), [another_nan(), {"x": another_nan()}]))
    assert same({"a": [1.0, NAN]}, {"a": [1.0, another_nan()]})
    assert not same([1.0, NAN], [NAN, 1.0])
    assert not same([NAN], [1.0]) and not same([1.0], [NAN])
    assert not same({"x": NAN}, {"y": NAN})
    if numpy is not None:
        assert same(numpy.array([1.0, NAN]), numpy.array([1.0, NAN]))
        assert same([numpy.array([NAN, 2.0])], [numpy.array([NAN, 2.0])])
        assert same(numpy.array([1.0, NAN]), [1.0, another_nan()])
        assert same(numpy.float32(NAN), NAN)
        assert not same(numpy.array([1.0, NAN]), numpy.array([NAN, 1.0]))


@needs_numpy
def test_arrays_of_every_dtype_compare_without_error():
    """equal_nan is asked for only where the dtype has NaN at all."""
    assert workloads.same_result(numpy.arange(5), numpy.arange(5))
    assert workloads.same_result(numpy.arange(5), numpy.arange(5), 1e-9)
    assert not workloads.same_result(numpy.arange(5), numpy.arange(1, 6), 1e-9)
    assert workloads.same_result(numpy.array(["a", "b"]), numpy.array(["a", "b"]), 1e-9)
    assert workloads.same_result(numpy.array([True, False]), numpy.array([True, False]))
    objects = numpy.array([{"k": 1}, None], dtype=object)
    assert workloads.same_result(objects, objects.copy())
    assert workloads.same_result(numpy.array([1 + 2j, NAN]), numpy.array([1 + 2j, NAN]))


def test_same_result_keeps_the_meaning_of_equals():
    assert not workloads.same_result([1, 2], (1, 2))
    assert not workloads.same_result([[1.0, NAN]], [(1.0, NAN)])
    assert workloads.same_result(["a", 1, None], ["a", 1, None], 1e-9)
    assert not workloads.same_result(["a"], ["b"], 1e-9)


@needs_numpy
def test_describe_mismatch_is_one_line():
    text = workloads.describe_mismatch(numpy.eye(3), numpy.zeros((3, 3)))
    assert "\n" not in text and text.startswith("expected array([[1., 0., 0.], ")


def test_memory_peak_grows_with_allocation():
    small = workloads.memory_peak(lambda n: bytearray(n), 1_000_000)
    large = workloads.memory_peak(lambda n: bytearray(n), 10_000_000)
    assert 1_000_000 <= small < 2_000_000
    assert 10_000_000 <= large < 11_000_000
    assert not tracemalloc.is_tracing()


def test_memory_peak_keeps_tracing_on():
    tracemalloc.start()
    try:
        assert workloads.memory_peak(lambda n: [0] * n, 100_000) >= 8 * 100_000
        assert tracemalloc.is_tracing()
    finally:
        tracemalloc.stop()


def test_native_variants_are_unavailable_without_optnative(monkeypatch):
    """Under an interpreter without optnative (PyPy, or python3.11 without
    the build folder on its path) native variants are reported unavailable."""
    monkeypatch.setitem(sys.modules, "optnative", None)   # import optnative now fails
    module = workloads.load(os.path.join(workloads.PITFALLS_DIR, "string_concat.py"))
    unavailable = workloads.describe(module)["unavailable"]
    assert list(unavailable) == ["native"]
    assert unavailable["native"].startswith(
        "needs optnative, which this interpreter cannot import: ")


def write_module(folder, name, text):
    (folder / f"{name}.py").write_text(text)
    return name


def requiring(tmp_path, *entries):
    """A workload whose `after` REQUIRES the given entries."""
    path = tmp_path / "requiring.py"
    path.write_text(
        'ID = "requiring"\nTITLE = "t"\nSECTION = "s"\nEXPLANATION = "Timed region: x"\n'
        'SIZES = {"quick": 1, "default": 1, "sweep": [1]}\nVARIANTS = ["before", "after"]\n'
        f'REQUIRES = {{"after": {list(entries)!r}}}\n'
        'def setup(n):\n    return n\n\ndef before(data):\n    return data\n\n'
        'def after(data):\n    return data\n')
    return workloads.load(str(path))


def test_a_module_must_really_import(tmp_path, monkeypatch):
    """Found is not enough (PyPy finds Debian's numpy and cannot import it):
    the reason names the module and the line that says what went wrong."""
    monkeypatch.syspath_prepend(str(tmp_path))
    found_but_broken = write_module(
        tmp_path, "optdemo_test_found_but_broken",
        "raise ImportError('compiled for another interpreter\\nmore advice')\n")
    wrapped = write_module(  # like NumPy: the real cause inside a long advice text
        tmp_path, "optdemo_test_wrapped",
        "try:\n    import optdemo_test_no_such_part\n"
        "except ImportError:\n    raise ImportError('\\n\\nIMPORTANT: READ THIS ADVICE')\n")
    crashing = write_module(tmp_path, "optdemo_test_crashing", "1 / 0\n")
    fine = write_module(tmp_path, "optdemo_test_fine", "")
    module = requiring(tmp_path, fine)
    assert workloads.unavailable_variants(module) == {}
    for name, reason in [
            (found_but_broken, "compiled for another interpreter"),
            (wrapped, "No module named 'optdemo_test_no_such_part'"),
            (crashing, "ZeroDivisionError: division by zero")]:
        module = requiring(tmp_path, fine, name)
        assert workloads.unavailable_variants(module) == {
            "after": f"needs {name}, which this interpreter cannot import: {reason}"}


def test_a_variant_can_need_a_python_version(tmp_path):
    assert workloads.unavailable_variants(requiring(tmp_path, "python>=3.9")) == {}
    assert workloads.unavailable_variants(requiring(tmp_path, "python>=3")) == {}
    reason = workloads.unavailable_variants(requiring(tmp_path, "python>=99.1"))["after"]
    assert reason.startswith("needs Python >= 99.1, this is 3.")
    slots = workloads.load(workloads.resolve(["slots_memory"])[0])
    assert slots.REQUIRES == {"after_dataclass": ["python>=3.10"]}
    assert workloads.unavailable_variants(slots) == {}


@pytest.mark.parametrize("entry", ["python>3.10", "python >= 3.10", "python>=", "numpy!", "", 3])
def test_requires_entries_are_modules_or_a_python_version(tmp_path, entry):
    with pytest.raises(workloads.WorkloadError, match="REQUIRES"):
        requiring(tmp_path, entry)


@pytest.mark.parametrize("path", BUILTIN_PATHS,
                         ids=[os.path.basename(p)[:-3] for p in BUILTIN_PATHS])
def test_every_pitfall_loads_without_numpy(monkeypatch, path):
    """As under PyPy: the variants needing NumPy are unavailable, the others run."""
    monkeypatch.setitem(sys.modules, "numpy", None)   # import numpy now fails
    module = workloads.load(path)
    unavailable = workloads.unavailable_variants(module)
    imports_numpy = hasattr(module, "numpy")
    assert imports_numpy == any("needs numpy" in why for why in unavailable.values())
    data = module.setup(7)
    expected = module.before(data)
    for name in runnable(module)[1:]:
        assert workloads.same_result(expected, getattr(module, name)(data),
                                     getattr(module, "TOLERANCE", None))


def test_requires_must_name_listed_variants(tmp_path):
    path = tmp_path / "bad_requires.py"
    path.write_text(
        'ID = "bad_requires"\nTITLE = "t"\nSECTION = "s"\nEXPLANATION = "Timed region: x"\n'
        'SIZES = {"quick": 1, "default": 1, "sweep": [1]}\nVARIANTS = ["before"]\n'
        'REQUIRES = {"native": ["optnative"]}\n'
        'def setup(n):\n    return n\n\ndef before(data):\n    return data\n')
    with pytest.raises(workloads.WorkloadError, match="REQUIRES"):
        workloads.load(str(path))
