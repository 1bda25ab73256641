"""optnative's NumPy kernels against NumPy (and math.fsum) on random lengths,
strides, byte orders and values, plus their bad-input errors.

Run by meson with PYTHONPATH=<build>/native; by hand:
    PYTHONPATH=build-nativea/native /usr/bin/python3.11 -m pytest tests/test_optnative_numpy.py
"""
import collections
import math
import os
import subprocess
import sys

import pytest
from hypothesis import given, settings, strategies as st

# A CPython 3.13 here has no numpy (Debian's is built for 3.11): the whole
# file is skipped, and test_optnative_without_numpy.py checks instead that
# the kernels of an optnative built without NumPy raise ImportError.
np = pytest.importorskip("numpy")
from hypothesis.extra import numpy as hnp  # noqa: E402  (needs numpy)

import optnative

settings.register_profile("optdemo", deadline=None, max_examples=150)
settings.load_profile("optdemo")

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
anything = st.floats(allow_nan=True, allow_infinity=True)


@st.composite
def vectors(draw, elements=finite, dtype=np.float64, max_size=300):
    """A 1-D array in any layout: a strided, maybe reversed, maybe byte-swapped
    view of a random base array."""
    base = draw(hnp.arrays(dtype, draw(st.integers(0, max_size)), elements=elements))
    step = draw(st.sampled_from([1, 1, 2, 3, -1, -2]))
    view = base[::step]
    if draw(st.booleans()):
        view = view.astype(view.dtype.newbyteorder(">"))
    return view


def paired(draw, elements=finite):
    a = draw(vectors(elements))
    b = draw(hnp.arrays(np.float64, len(a), elements=elements))
    if draw(st.booleans()) and len(a) > 0:
        b = np.repeat(b, 2)[::2]       # a strided second operand
    return a, b


def close(ours, exact, magnitude, n):
    # Any summation order is within n * eps * sum(|x|) of the exact sum.
    return abs(ours - exact) <= (n + 1) * 2.3e-16 * magnitude + 1e-300


@given(vectors())
def test_sum_matches_exact_sum(a):
    values = a.tolist()
    result = optnative.sum(a)
    assert isinstance(result, float)
    assert close(result, math.fsum(values), math.fsum(map(abs, values)), len(values))


@given(st.data())
def test_dot_matches_exact_dot(data):
    a, b = paired(data.draw)
    products = [x * y for x, y in zip(a.tolist(), b.tolist())]
    result = optnative.dot(a, b)
    assert close(result, math.fsum(products), math.fsum(map(abs, products)), len(products))
    assert close(result, float(np.dot(a, b)), math.fsum(map(abs, products)), 2 * len(products))


@given(st.data())
def test_multiply_is_exactly_numpys(data):
    a, b = paired(data.draw, anything)
    result = optnative.multiply(a, b)
    assert result.dtype == np.float64 and result.flags.c_contiguous
    with np.errstate(all="ignore"):
        expected = a * b
    np.testing.assert_array_equal(result, expected)   # IEEE products: bit-identical
    assert not np.shares_memory(result, a)


@given(vectors(anything))
def test_sqrt_is_exactly_numpys_including_nan_for_negatives(a):
    with np.errstate(invalid="ignore"):
        expected = np.sqrt(a)
    np.testing.assert_array_equal(optnative.sqrt(a), expected)


@given(vectors(st.floats(min_value=0, max_value=1e12)))
def test_sqrt_sum_matches(a):
    roots = np.sqrt(a.astype(np.float64)).tolist()
    assert close(optnative.sqrt_sum(a), math.fsum(roots), math.fsum(roots), 2 * len(roots))


def test_nan_and_infinity_propagate_like_numpy():
    assert math.isnan(optnative.sum(np.array([1.0, np.nan, 2.0])))
    assert math.isnan(optnative.sum(np.array([np.inf, -np.inf])))
    assert optnative.sum(np.array([np.inf, 1.0])) == np.inf
    assert math.isnan(optnative.sqrt_sum(np.array([4.0, -1.0])))
    assert math.isnan(optnative.dot(np.array([0.0]), np.array([np.inf])))


def test_empty_inputs():
    empty = np.zeros(0)
    assert optnative.sum(empty) == 0.0
    assert optnative.dot(empty, empty) == 0.0
    assert optnative.sqrt_sum(empty) == 0.0
    assert optnative.multiply(empty, empty).shape == (0,)
    assert optnative.sqrt(empty).shape == (0,)
    assert optnative.count_int64(np.zeros(0, dtype=np.int64)) == {}


def test_large_inputs_take_the_gil_free_path():
    rng = np.random.default_rng(5)
    a, b = rng.random(100_003), rng.random(100_003)
    assert math.isclose(optnative.sum(a), np.sum(a), rel_tol=1e-12)
    assert math.isclose(optnative.dot(a, b), np.dot(a, b), rel_tol=1e-12)
    assert math.isclose(optnative.sqrt_sum(a), np.sqrt(a).sum(), rel_tol=1e-12)
    np.testing.assert_array_equal(optnative.multiply(a[::-1], b), a[::-1] * b)
    counts = rng.integers(-5, 5, size=100_003)
    assert optnative.count_int64(counts) == collections.Counter(counts.tolist())


@given(vectors(st.integers(-20, 20), dtype=np.int64))
def test_count_int64_matches_counter_in_first_seen_order(a):
    result = optnative.count_int64(a)
    expected = collections.Counter(a.tolist())
    assert result == expected
    assert list(result) == list(expected)        # first-seen order, like Counter
    assert all(type(k) is int and type(v) is int for k, v in result.items())


def test_count_int64_extremes_and_longlong():
    values = np.array([2**63 - 1, -2**63, 0, -2**63], dtype=np.longlong)
    assert optnative.count_int64(values) == {2**63 - 1: 1, -2**63: 2, 0: 1}


# count_int64 counts in a C array indexed by id - min when max - min is below
# both 2^20 and 2 * n (native/densecount.h), in a hash map otherwise; the
# answer must not depend on which.
DENSE_MAX_SPAN = 2**20
INT64_MIN, INT64_MAX = -2**63, 2**63 - 1


@st.composite
def id_arrays(draw):
    """ids within `width` of a base anywhere in int64 (its extremes included),
    as a strided, maybe reversed or byte-swapped view: narrow widths take the
    dense path, wide ones or short arrays the hash map."""
    width = draw(st.sampled_from([1, 3, 50, 1000, DENSE_MAX_SPAN + 1, 2**64]))
    base = draw(st.sampled_from([0, -10**12, INT64_MIN, INT64_MAX - width + 1, INT64_MIN // 2]))
    low, high = max(base, INT64_MIN), min(base + width - 1, INT64_MAX)
    return draw(vectors(st.integers(low, high), dtype=np.int64, max_size=400))


@given(id_arrays())
def test_count_int64_any_range_matches_counter_in_first_seen_order(a):
    result = optnative.count_int64(a)
    expected = collections.Counter(a.tolist())
    assert result == expected
    assert list(result) == list(expected)
    assert all(type(k) is int and type(v) is int for k, v in result.items())


@pytest.mark.parametrize("low", [0, -1000, INT64_MIN, INT64_MAX - 39])
def test_count_int64_both_sides_of_twice_n(low):
    # 20 ids: max - min = 39 is counted densely, 40 by the hash map.
    for width in (39, 40):
        if low + width > INT64_MAX:
            low = INT64_MAX - width
        ids = np.array([low + width] + [low + i % 7 for i in range(18)] + [low], dtype=np.int64)
        for view in (ids, ids[::-1], np.repeat(ids, 3)[1::3]):
            result = optnative.count_int64(view)
            assert result == collections.Counter(view.tolist())
            assert list(result) == list(collections.Counter(view.tolist()))


def test_count_int64_both_sides_of_the_absolute_cap():
    # Enough ids that 2 * n is no limit: only the 2^20 cap decides.
    rng = np.random.default_rng(16)
    for width in (DENSE_MAX_SPAN - 1, DENSE_MAX_SPAN):
        ids = rng.integers(-5, 5, size=DENSE_MAX_SPAN) - 2**40
        ids[[10, 20]] = [-2**40 - 5, -2**40 - 5 + width]
        assert optnative.count_int64(ids[::2]) == collections.Counter(ids[::2].tolist())
        assert optnative.count_int64(ids) == collections.Counter(ids.tolist())


def test_count_int64_negative_ids_and_extremes():
    ids = np.array([-3, -1, -3, -2, -1, -3], dtype=np.int64)
    assert optnative.count_int64(ids) == {-3: 3, -1: 2, -2: 1}
    top = np.array([INT64_MAX, INT64_MAX - 1, INT64_MAX], dtype=np.int64)
    assert list(optnative.count_int64(top).items()) == [(INT64_MAX, 2), (INT64_MAX - 1, 1)]
    bottom = np.array([INT64_MIN + 1, INT64_MIN, INT64_MIN], dtype=np.int64)
    assert list(optnative.count_int64(bottom).items()) == [(INT64_MIN + 1, 1), (INT64_MIN, 2)]
    # max - min overflows int64: the hash map, not an array of 2^64 counts.
    both = np.array([INT64_MAX, INT64_MIN] * 50, dtype=np.int64)
    assert optnative.count_int64(both) == {INT64_MAX: 50, INT64_MIN: 50}


def test_misaligned_input_is_copied_not_misread():
    raw = np.zeros(8 * 10 + 1, dtype=np.uint8)
    misaligned = raw[1:].view(np.float64)
    misaligned[:] = np.arange(10.0)
    assert not misaligned.flags.aligned
    assert optnative.sum(misaligned) == 45.0


@pytest.mark.parametrize("function", ["sum", "sqrt", "sqrt_sum"])
@pytest.mark.parametrize("bad, error, message", [
    ([1.0, 2.0], TypeError, "numpy.ndarray"),
    (np.zeros((2, 2)), ValueError, "1-D"),
    (np.float64(1.0), TypeError, "numpy.ndarray"),
    (np.array(1.0), ValueError, "1-D"),
    (np.zeros(3, dtype=np.float32), TypeError, "float32"),
    (np.zeros(3, dtype=np.int64), TypeError, "int64"),
    (np.zeros(3, dtype=np.complex128), TypeError, "complex128"),
    (np.array([1.0], dtype=object), TypeError, "object"),
    (np.zeros(3, dtype=np.longdouble), TypeError, "float128"),
])
def test_float_kernels_reject_bad_input(function, bad, error, message):
    with pytest.raises(error, match=message):
        getattr(optnative, function)(bad)


@pytest.mark.parametrize("function", ["dot", "multiply"])
def test_binary_kernels_reject_bad_input(function):
    kernel = getattr(optnative, function)
    a = np.zeros(3)
    with pytest.raises(ValueError, match="same length"):
        kernel(a, np.zeros(4))
    with pytest.raises(TypeError, match="2 arguments"):
        kernel(a)
    with pytest.raises(TypeError, match="2 arguments"):
        kernel(a, a, a)
    with pytest.raises(TypeError, match="int64"):
        kernel(a, np.zeros(3, dtype=np.int64))
    with pytest.raises(ValueError, match="1-D"):
        kernel(np.zeros((3, 1)), a)


def test_count_int64_rejects_bad_input():
    with pytest.raises(TypeError, match="float64"):
        optnative.count_int64(np.zeros(3))
    with pytest.raises(TypeError, match="int32"):
        optnative.count_int64(np.zeros(3, dtype=np.int32))
    with pytest.raises(TypeError, match="uint64"):
        optnative.count_int64(np.zeros(3, dtype=np.uint64))
    with pytest.raises(ValueError, match="1-D"):
        optnative.count_int64(np.zeros((3, 3), dtype=np.int64))
    with pytest.raises(TypeError, match="numpy.ndarray"):
        optnative.count_int64([1, 2])


def test_import_does_not_import_numpy():
    code = "import sys, optnative; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ), check=True).stdout
    assert out.strip() == "False"


def test_kernels_release_their_references_to_the_inputs():
    a, b = np.arange(1000.0), np.ones(1000)
    swapped, ints = a.astype(">f8"), np.arange(1000) % 7
    inputs = (a, b, swapped, ints)
    before = [sys.getrefcount(x) for x in inputs]
    for _ in range(100):
        optnative.sum(a)
        optnative.sum(swapped)          # converted copy, then dropped
        optnative.sum(a[::3])
        optnative.dot(a, b)
        optnative.multiply(a, b)
        optnative.sqrt(swapped)
        optnative.sqrt_sum(a)
        optnative.count_int64(ints)
        with pytest.raises(ValueError):
            optnative.dot(a, b[:3])
    assert [sys.getrefcount(x) for x in inputs] == before
