"""optnative.IntSet against Python's own set (the oracle).

Run by meson with PYTHONPATH=<build>/native; by hand:
    PYTHONPATH=build-nativea/native /usr/bin/python3.11 -m pytest tests/test_optnative_intset.py
"""
import array
import os
import subprocess
import sys

import pytest
from hypothesis import given, settings, strategies as st

import optnative

try:
    import numpy as np
except ImportError:     # a CPython 3.13 here: IntSet is tested on everything else
    np = None
needs_numpy = pytest.mark.skipif(np is None, reason="this interpreter cannot import numpy")

INT64_MIN, INT64_MAX = -2**63, 2**63 - 1
int64s = st.integers(min_value=INT64_MIN, max_value=INT64_MAX)
# Small values collide often, so membership hits as well as misses.
keys = st.one_of(st.integers(min_value=-50, max_value=50), int64s)

settings.register_profile("optdemo", deadline=None, max_examples=150)
settings.load_profile("optdemo")


def count_in(python_set, needles):
    return sum(x in python_set for x in needles)


@given(st.lists(keys), st.lists(keys))
def test_matches_set(values, probes):
    ours, oracle = optnative.IntSet(values), set(values)
    assert len(ours) == len(oracle)
    assert bool(ours) == bool(oracle)
    assert sorted(ours) == sorted(oracle)
    for x in values + probes:
        assert (x in ours) == (x in oracle)


@given(st.lists(st.tuples(st.sampled_from(["add", "discard"]), keys), max_size=300))
def test_add_discard_sequence_matches_set(operations):
    ours, oracle = optnative.IntSet(), set()
    for operation, x in operations:
        getattr(ours, operation)(x)
        getattr(oracle, operation)(x)
        assert len(ours) == len(oracle)
    assert sorted(ours) == sorted(oracle)


def test_iteration_is_insertion_order():
    values = [5, -3, 2**62, 0, 17]
    assert list(optnative.IntSet(values)) == values


@given(st.lists(keys, max_size=200), st.lists(keys, max_size=600))
def test_count_contained_matches_generator_expression(values, needles):
    ours, oracle = optnative.IntSet(values), set(values)
    expected = count_in(oracle, needles)
    assert ours.count_contained(needles) == expected               # list
    assert ours.count_contained(tuple(needles)) == expected        # tuple
    assert ours.count_contained(iter(needles)) == expected         # any iterable
    assert ours.count_contained(array.array("q", needles)) == expected
    if np is None:
        return
    as_array = np.array(needles, dtype=np.int64)
    assert ours.count_contained(as_array) == expected              # int64 array
    assert ours.count_contained(as_array[::-1]) == expected        # negative stride
    assert ours.count_contained(as_array.astype(">i8")) == expected  # byte-swapped
    assert ours.count_contained(as_array[::3]) == count_in(oracle, needles[::3])


@needs_numpy
@given(st.lists(keys, max_size=300), st.integers(1, 4), st.booleans(), st.booleans())
def test_built_from_array_with_any_layout(values, step, reverse, swapped):
    source = np.array(values, dtype=np.int64)[::step]
    if reverse:
        source = source[::-1]
    if swapped:
        source = source.astype(">i8")
    assert sorted(optnative.IntSet(source)) == sorted(set(source.tolist()))


@needs_numpy
def test_large_batch_spans_prefetch_batches_and_releases_gil():
    # Above the GIL-release threshold, with a length that is not a multiple
    # of the 256-needle prefetch batch.
    rng = np.random.default_rng(3)
    table = rng.integers(-10**12, 10**12, size=20_000)
    needles = np.concatenate([table[:1_000], rng.integers(-10**12, 10**12, size=9_123)])
    rng.shuffle(needles)
    ours, oracle = optnative.IntSet(table), set(table.tolist())
    assert ours.count_contained(needles) == count_in(oracle, needles.tolist())


def test_other_integer_buffers_and_bytes_are_iterated_like_set():
    assert sorted(optnative.IntSet(b"abca")) == sorted(set(b"abca"))
    if np is None:
        return
    small = np.array([1, 2, 2, -7], dtype=np.int16)
    assert sorted(optnative.IntSet(small)) == [-7, 1, 2]
    assert optnative.IntSet([1, 2]).count_contained(np.array([1, 5], dtype=np.uint8)) == 1


def test_lookups_follow_set_equality_for_floats_bools_and_strangers():
    s = optnative.IntSet([1, 2, 3])
    oracle = {1, 2, 3}
    numpy_probes = [np.int32(3), np.float64(3.0)] if np is not None else []
    for probe in [2.0, 2.5, float("nan"), float("inf"), True, False, "2", None, 2**70, -2**70,
                  *numpy_probes]:
        assert (probe in s) == (probe in oracle), probe
    mixed = [1, 1.0, 2.5, "x", None, 2**80, True]
    assert s.count_contained(mixed) == count_in(oracle, mixed)
    if np is not None:
        assert s.count_contained(np.array([1.0, 2.5, 3.0])) == 2   # float array: iterated


def test_discard_of_absent_or_foreign_values_is_quiet():
    s = optnative.IntSet([1])
    s.discard(2)
    s.discard("x")
    s.discard(2**70)
    s.discard(1.0)
    assert len(s) == 0


def test_extreme_values():
    s = optnative.IntSet([INT64_MIN, INT64_MAX, 0, -1])
    assert INT64_MIN in s and INT64_MAX in s
    assert INT64_MAX + 1 not in s and INT64_MIN - 1 not in s
    assert float(2**63) not in s    # just past INT64_MAX as a float


@pytest.mark.parametrize("bad, error, message", [
    ([1.5], TypeError, "cannot be interpreted as an integer"),
    (["a"], TypeError, "cannot be interpreted as an integer"),
    ([2**63], OverflowError, "out of range"),
    ([INT64_MIN - 1], OverflowError, "out of range"),
    (3, TypeError, "not iterable"),
] + ([
    (np.array([2**64 - 1], dtype=np.uint64), OverflowError, "out of range"),
    (np.zeros((2, 2), dtype=np.int64), ValueError, "1-D"),
    (np.zeros(3), TypeError, "cannot be interpreted as an integer"),
] if np is not None else []))
def test_bad_input_raises_clearly(bad, error, message):
    with pytest.raises(error, match=message):
        optnative.IntSet(bad)


def test_bad_calls():
    s = optnative.IntSet()
    with pytest.raises(TypeError):
        s.add("x")
    with pytest.raises(OverflowError):
        s.add(2**63)
    assert len(s) == 0      # failed adds changed nothing
    if np is not None:
        with pytest.raises(ValueError, match="1-D"):
            s.count_contained(np.zeros((2, 2), dtype=np.int64))
    with pytest.raises(TypeError):
        s.count_contained(5)
    with pytest.raises(TypeError):
        s.add()
    with pytest.raises(TypeError):
        optnative.IntSet([], [])


def test_count_contained_propagates_iteration_errors():
    def needles():
        yield 1
        raise KeyError("boom")
    with pytest.raises(KeyError):
        optnative.IntSet([1]).count_contained(needles())


def test_mutation_during_iteration_raises():
    s = optnative.IntSet(range(10))
    iterator = iter(s)
    next(iterator)
    s.discard(5)
    with pytest.raises(RuntimeError, match="changed during iteration"):
        next(iterator)
    # Adding a present value or discarding an absent one is no change.
    iterator = iter(s)
    next(iterator)
    s.add(0)
    s.discard(5)
    assert len(list(iterator)) == len(s) - 1


def test_non_arrays_do_not_import_numpy():
    # Only an ndarray takes the C path, and none exists before numpy is
    # imported: lists, bytes and array.array are iterated without it.
    code = ("import array, sys, optnative\n"
            "s = optnative.IntSet([1, 2, 3])\n"
            "assert s.count_contained((1, 5)) == 1 and len(optnative.IntSet(b'ab')) == 2\n"
            "assert s.count_contained(array.array('q', [1, 2])) == 2\n"
            "print('numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ), check=True).stdout
    assert out.strip() == "False"


@needs_numpy
def test_array_errors_name_the_caller():
    with pytest.raises(ValueError, match=r"^IntSet\(\) expects a 1-D array, got a 2-D array$"):
        optnative.IntSet(np.zeros((2, 2), dtype=np.int64))
    with pytest.raises(ValueError, match=r"^count_contained\(\) expects a 1-D array, got a 0-D"):
        optnative.IntSet().count_contained(np.array(3, dtype=np.int64))


@needs_numpy
def test_misaligned_int64_array_is_copied_not_misread():
    raw = np.zeros(8 * 10 + 1, dtype=np.uint8)
    misaligned = raw[1:].view(np.int64)
    misaligned[:] = np.arange(10)
    assert not misaligned.flags.aligned
    assert sorted(optnative.IntSet(misaligned)) == list(range(10))
    assert optnative.IntSet(range(5)).count_contained(misaligned) == 5


def test_sizeof_accounts_for_the_table():
    empty = sys.getsizeof(optnative.IntSet())
    big = optnative.IntSet(np.arange(200_000) if np is not None else range(200_000))
    per_element = (sys.getsizeof(big) - empty) / len(big)
    # 64-byte entries + buckets + a share of the 512 KiB bloom filter.
    assert 64 <= per_element < 100


@needs_numpy
def test_buffers_are_released():
    needles = np.arange(5000)
    s = optnative.IntSet(needles)
    before = sys.getrefcount(needles)
    for _ in range(50):
        s.count_contained(needles)
        optnative.IntSet(needles[::-1])
        with pytest.raises(ValueError):
            s.count_contained(needles.reshape(50, 100))
    assert sys.getrefcount(needles) == before
    needles.resize(10, refcheck=False)  # raises BufferError while a buffer is exported
