"""optnative.memoize against functools.lru_cache / functools.cache: the same
calls must give the same results, run the wrapped function on the same
arguments in the same order (so the same entries were evicted, in LRU order),
and report the same cache_info.  Plus errors, re-entrant callbacks (__eq__ or
__del__ that clear the cache), garbage collection and exact refcounts.
"""

import functools
import gc
import pickle
import sys
import weakref

import pytest
from hypothesis import given, settings, strategies as st

import optnative
from optnative import memoize

Py_TPFLAGS_HAVE_VECTORCALL = 1 << 11

# The calls a sequence is drawn from, for f(a, b=0, c=0): a small set, so
# keys repeat and hits and evictions happen.  It mixes ints, an equal float
# (f(1) and f(1.0) get different keys, as in functools, since a lone int is
# its own key), strings, tuples and keyword arguments in both orders, so key
# construction is exercised too.  "clear" calls cache_clear().
CALLS = [
    ((0,), {}), ((1,), {}), ((2,), {}), ((3,), {}), ((1.0,), {}), (("a",), {}),
    (((1, 2),), {}), ((1, 2), {}), ((2, 1), {}), ((1, 1.0), {}),
    ((1,), {"b": 2}), ((1,), {"c": 2}), ((1,), {"b": 2, "c": 3}),
    ((1,), {"c": 3, "b": 2}), ((), {"a": 1}), "clear",
]
call_sequences = st.lists(st.sampled_from(CALLS), min_size=1, max_size=100)


def traced_pair(maxsize):
    """The same function wrapped by functools and by optnative, each
    recording the arguments it actually computed."""
    computed = {"functools": [], "optnative": []}

    def make(label):
        def f(a, b=0, c=0):
            computed[label].append((a, b, c))
            return (repr(a), repr(b), repr(c))
        return f

    oracle = functools.lru_cache(maxsize=maxsize)(make("functools"))
    ours = memoize(maxsize=maxsize)(make("optnative"))
    return oracle, ours, computed


@settings(max_examples=300, deadline=None)
@given(maxsize=st.sampled_from([None, 0, 1, 2, 3, 5, -1]),
       sequence=call_sequences)
def test_same_results_evictions_and_cache_info_as_functools(maxsize, sequence):
    oracle, ours, computed = traced_pair(maxsize)
    for call in sequence:
        if call == "clear":
            oracle.cache_clear()
            ours.cache_clear()
            continue
        args, kwargs = call
        assert ours(*args, **kwargs) == oracle(*args, **kwargs)
        assert tuple(ours.cache_info()) == tuple(oracle.cache_info())
    assert computed["optnative"] == computed["functools"]


def test_lru_eviction_order_is_least_recently_used():
    computed = []

    @memoize(maxsize=2)
    def square(x):
        computed.append(x)
        return x * x

    square(1), square(2), square(1)  # 1 is now more recent than 2
    square(3)  # evicts 2
    square(1)  # still cached
    square(2)  # recomputed
    assert computed == [1, 2, 3, 2]
    assert square.cache_info() == (2, 4, 2, 2)


def test_cache_info_fields_and_cache_clear():
    @memoize
    def double(x):
        return 2 * x

    double(1), double(1), double(2)
    info = double.cache_info()
    assert (info.hits, info.misses, info.maxsize, info.currsize) == (1, 2, None, 2)
    assert isinstance(info, optnative.CacheInfo)
    double.cache_clear()
    assert double.cache_info() == (0, 0, None, 0)


def test_cache_info_is_a_named_tuple_like_functools():
    info = memoize(maxsize=8)(abs).cache_info()
    oracle = functools.lru_cache(maxsize=8)(abs).cache_info()
    assert isinstance(info, tuple) and info == oracle and repr(info) == repr(oracle)
    made = optnative.CacheInfo(1, 2, maxsize=None, currsize=3)
    assert (made.hits, made.misses, made.maxsize, made.currsize) == (1, 2, None, 3)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        copied = pickle.loads(pickle.dumps(made, protocol))
        assert type(copied) is optnative.CacheInfo and copied == made
    with pytest.raises(AttributeError):
        made.hits = 5
    with pytest.raises(TypeError):
        optnative.CacheInfo(1, 2, 3)
    with pytest.raises(TypeError, match="no arguments"):
        memoize(abs).cache_info(1)
    assert gc.is_tracked(info) and type(info) in gc.get_referents(info)


def test_recursion_caches_like_functools():
    @memoize
    def fib(n):
        return n if n < 2 else fib(n - 1) + fib(n - 2)

    @functools.cache
    def fib_oracle(n):
        return n if n < 2 else fib_oracle(n - 1) + fib_oracle(n - 2)

    assert fib(300) == fib_oracle(300)
    assert tuple(fib.cache_info()) == tuple(fib_oracle.cache_info())


def test_wrapper_looks_like_the_function_and_uses_vectorcall():
    def documented(x):
        "Doc string."
        return x

    wrapped = memoize(documented)
    assert wrapped.__wrapped__ is documented
    assert wrapped.__name__ == "documented"
    assert wrapped.__doc__ == "Doc string."
    assert wrapped.__qualname__ == documented.__qualname__
    assert type(wrapped).__flags__ & Py_TPFLAGS_HAVE_VECTORCALL
    assert memoize(func=documented)(3) == 3


def test_decorating_a_method_binds_self():
    class Counter:
        def __init__(self):
            self.calls = 0

        @memoize
        def triple(self, x):
            self.calls += 1
            return 3 * x

    counter = Counter()
    assert counter.triple(2) == 6 and counter.triple(2) == 6
    assert counter.calls == 1
    assert Counter.triple(counter, 2) == 6


def test_unhashable_arguments_raise_type_error_like_functools():
    ours, oracle = memoize(len), functools.cache(len)
    for function in (ours, oracle):
        with pytest.raises(TypeError, match="unhashable"):
            function([1, 2])
        with pytest.raises(TypeError, match="unhashable"):
            function((1, [2]))
    assert tuple(ours.cache_info()) == tuple(oracle.cache_info()) == (0, 0, None, 0)


def test_exceptions_from_the_function_propagate_and_are_not_cached():
    computed = []

    @memoize(maxsize=4)
    def fails(x):
        computed.append(x)
        raise ValueError(x)

    for _ in range(2):
        with pytest.raises(ValueError):
            fails(1)
    assert computed == [1, 1]
    assert fails.cache_info() == (0, 2, 4, 0)


@pytest.mark.parametrize("maxsize, error", [("10", TypeError), (1.5, TypeError),
                                             (2**70, OverflowError)])
def test_bad_maxsize_raises(maxsize, error):
    with pytest.raises(error):
        memoize(maxsize=maxsize)
    with pytest.raises(error):
        memoize(len, maxsize=maxsize)


def test_bad_decorator_arguments_raise_type_error():
    with pytest.raises(TypeError, match="callable"):
        memoize(128)
    with pytest.raises(TypeError, match="unexpected keyword"):
        memoize(len, typed=True)
    with pytest.raises(TypeError):
        memoize(len, len)


def test_negative_maxsize_caches_nothing_like_functools():
    ours = memoize(maxsize=-5)(abs)
    oracle = functools.lru_cache(maxsize=-5)(abs)
    for function in (ours, oracle):
        function(-1), function(-1)
    assert tuple(ours.cache_info()) == tuple(oracle.cache_info()) == (0, 2, 0, 0)


class CollidingKey:
    """All instances hash alike, so lookups must call __eq__."""

    def __init__(self, value, on_eq=None):
        self.value = value
        self.on_eq = on_eq

    def __hash__(self):
        return 42

    def __eq__(self, other):
        if self.on_eq is not None:
            self.on_eq()
        return isinstance(other, CollidingKey) and self.value == other.value


def test_error_in_eq_propagates_and_leaves_the_cache_usable():
    def fail():
        raise ArithmeticError("from __eq__")

    f = memoize(lambda key: key.value)
    f(CollidingKey(1, on_eq=fail))
    with pytest.raises(ArithmeticError, match="from __eq__"):
        f(CollidingKey(2))
    assert f.cache_info().currsize == 1
    f.cache_clear()
    assert f(CollidingKey(3)) == 3 and f(CollidingKey(3)) == 3


def test_cache_clear_from_eq_during_a_lookup_is_safe():
    calls = []
    f = memoize(maxsize=8)(lambda key: calls.append(key.value) or key.value)
    for value in range(5):
        f(CollidingKey(value, on_eq=lambda: f.cache_clear()))
    # Every lookup compared with a stored key whose __eq__ emptied the cache
    # mid-search: the search restarts on the empty table and misses.
    assert f(CollidingKey(2)) == 2
    assert f.cache_info().currsize >= 1
    gc.collect()


def test_del_of_an_evicted_value_may_reenter_the_cache():
    class ReentersOnDelete:
        def __del__(self):
            wrapper(100)  # a call, and an insert, during eviction
            wrapper.cache_info()

    @memoize(maxsize=2)
    def wrapper(x):
        return ReentersOnDelete() if x < 100 else x

    for x in range(10):
        wrapper(x)
    assert wrapper.cache_info().currsize == 2
    wrapper.cache_clear()  # releases values whose __del__ inserts again
    assert wrapper.cache_info().currsize <= 2


def test_values_referencing_the_wrapper_are_collected():
    @memoize
    def make_cycle(x):
        return [make_cycle]  # the cached value refers back to the wrapper

    make_cycle(1)
    ref = weakref.ref(make_cycle)
    del make_cycle
    gc.collect()
    assert ref() is None


def test_references_are_exact():
    argument, result = object(), object()
    f = memoize(maxsize=1)(lambda x: result)
    baseline = (sys.getrefcount(argument), sys.getrefcount(result))
    f(argument), f(argument)
    assert sys.getrefcount(argument) == baseline[0] + 1  # inside the key tuple
    f(None)  # evicts the entry for `argument`
    assert (sys.getrefcount(argument), sys.getrefcount(result)) == (baseline[0], baseline[1] + 1)
    f.cache_clear()
    assert (sys.getrefcount(argument), sys.getrefcount(result)) == baseline


def test_wrapper_type_cannot_be_made_directly():
    with pytest.raises(TypeError):
        type(memoize(len))()
