"""optnative.Deque against collections.deque: the same operations must give
the same contents, results and exceptions.  A hypothesis state machine drives
both with random operation sequences; the plain tests pin down errors, maxlen,
iteration during mutation, garbage collection, and decrefs that run Python.
"""

import collections
import gc
import sys
import weakref

import pytest
from hypothesis import settings, strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine, initialize, invariant, precondition, rule)

import optnative
from optnative import Deque


def outcome(call):
    """(result, None) or (None, (exception type, message)) of call()."""
    try:
        return call(), None
    except Exception as error:  # the oracle decides which ones are right
        return None, (type(error), str(error))


class DequeMatchesCollectionsDeque(RuleBasedStateMachine):
    @initialize(maxlen=st.one_of(st.none(), st.integers(0, 6)),
                start=st.lists(st.integers(), max_size=10))
    def create(self, maxlen, start):
        self.ours = Deque(start, maxlen=maxlen)
        self.oracle = collections.deque(start, maxlen=maxlen)

    @rule(item=st.integers())
    def append(self, item):
        self.ours.append(item)
        self.oracle.append(item)

    @rule(item=st.integers())
    def appendleft(self, item):
        self.ours.appendleft(item)
        self.oracle.appendleft(item)

    @rule()
    def pop(self):
        assert outcome(self.ours.pop) == outcome(self.oracle.pop)

    @rule()
    def popleft(self):
        assert outcome(self.ours.popleft) == outcome(self.oracle.popleft)

    @rule(items=st.lists(st.integers(), max_size=20))
    def extend(self, items):
        self.ours.extend(items)
        self.oracle.extend(items)

    @precondition(lambda self: len(self.oracle) < 200)  # it doubles the size
    @rule()
    def extend_with_itself(self):
        self.ours.extend(self.ours)
        self.oracle.extend(self.oracle)

    @rule()
    def clear(self):
        self.ours.clear()
        self.oracle.clear()

    @rule(index=st.integers(-12, 12))
    def getitem(self, index):
        assert outcome(lambda: self.ours[index]) == outcome(lambda: self.oracle[index])

    @rule(item=st.integers(), steps=st.integers(0, 3))
    def mutate_while_iterating(self, item, steps):
        ours, oracle = iter(self.ours), iter(self.oracle)
        for _ in range(steps):
            assert outcome(lambda: next(ours)) == outcome(lambda: next(oracle))
        self.ours.append(item)
        self.oracle.append(item)
        assert outcome(lambda: next(ours)) == outcome(lambda: next(oracle))

    @invariant()
    def same_contents(self):
        assert list(self.ours) == list(self.oracle)
        assert len(self.ours) == len(self.oracle)
        assert bool(self.ours) == bool(self.oracle)
        assert self.ours.maxlen == self.oracle.maxlen


DequeMatchesCollectionsDeque.TestCase.settings = settings(
    max_examples=300, stateful_step_count=60, deadline=None)
TestDequeMatchesCollectionsDeque = DequeMatchesCollectionsDeque.TestCase


def test_growth_and_wrap_around_keep_order():
    ours, oracle = Deque(), collections.deque()
    for i in range(5000):  # grows through many doublings, wrapped and not
        (ours.appendleft if i % 3 == 0 else ours.append)(i)
        (oracle.appendleft if i % 3 == 0 else oracle.append)(i)
    assert list(ours) == list(oracle)
    for _ in range(4990):  # shrinks back
        assert ours.popleft() == oracle.popleft()
    assert list(ours) == list(oracle)


def test_construction_from_lists_tuples_and_iterators_agree():
    for source in ([1, 2, 3], (1, 2, 3), range(1, 4), iter([1, 2, 3]), {1: 0, 2: 0, 3: 0}):
        assert list(Deque(source)) == [1, 2, 3]
    assert list(Deque((1, 2, 3), maxlen=2)) == [2, 3]
    d = Deque([0])
    d.extend((1, 2))  # the list/tuple fast path appends after what is there
    d.extend([3])
    assert list(d) == [0, 1, 2, 3]


def test_pop_from_empty_raises_index_error_like_collections():
    for method in ("pop", "popleft"):
        with pytest.raises(IndexError, match="^pop from an empty deque$"):
            getattr(Deque(), method)()


@pytest.mark.parametrize("maxlen, error", [
    (-1, ValueError), ("3", TypeError), (2.0, TypeError), (2**70, OverflowError),
])
def test_bad_maxlen_raises_like_collections(maxlen, error):
    with pytest.raises(error):
        collections.deque(maxlen=maxlen)
    with pytest.raises(error):
        Deque(maxlen=maxlen)


def test_constructor_rejects_bad_arguments():
    with pytest.raises(TypeError):
        Deque(5)  # not iterable
    with pytest.raises(TypeError):
        Deque([], 3, 4)
    with pytest.raises(TypeError):
        Deque(colour=1)


def test_maxlen_drops_from_the_other_end():
    d = Deque(range(5), maxlen=3)
    assert list(d) == [2, 3, 4] and d.maxlen == 3
    d.appendleft(1)
    assert list(d) == [1, 2, 3]
    d.append(9)
    assert list(d) == [2, 3, 9]
    zero = Deque([1, 2], maxlen=0)
    zero.append(3)
    assert list(zero) == [] and zero.maxlen == 0
    assert Deque().maxlen is None


def test_maxlen_is_read_only():
    with pytest.raises(AttributeError):
        Deque().maxlen = 3


def test_repr_shows_items_and_maxlen_and_survives_self_reference():
    assert repr(Deque([1, "a"])) == "Deque([1, 'a'])"
    assert repr(Deque([1], maxlen=4)) == "Deque([1], maxlen=4)"
    d = Deque([1])
    d.append(d)
    assert repr(d) == "Deque([1, [...]])"


def test_mutation_during_iteration_raises_runtime_error():
    d = Deque([1, 2, 3])
    iterator = iter(d)
    assert next(iterator) == 1
    d.appendleft(0)
    with pytest.raises(RuntimeError, match="mutated during iteration"):
        next(iterator)
    with pytest.raises(RuntimeError):  # for a finished iterator too
        d = Deque([1])
        iterator = iter(d)
        list(iterator)
        d.pop()
        next(iterator)


def test_iterator_length_hint():
    iterator = iter(Deque(range(4)))
    next(iterator)
    assert iterator.__length_hint__() == 3


def test_references_are_exact():
    item = object()
    before = sys.getrefcount(item)
    d = Deque()
    d.append(item)
    d.appendleft(item)
    assert sys.getrefcount(item) == before + 2
    assert d.pop() is item and d.popleft() is item
    assert sys.getrefcount(item) == before
    d.extend([item] * 10)
    d.clear()
    assert sys.getrefcount(item) == before
    bounded = Deque(maxlen=2)
    for _ in range(10):
        bounded.append(item)
    assert sys.getrefcount(item) == before + 2
    del bounded
    assert sys.getrefcount(item) == before


def test_reference_cycles_are_collected():
    d = Deque()
    d.append(d)  # the deque contains itself
    d.append([d])
    ref = weakref.ref(d)
    del d
    gc.collect()
    assert ref() is None


def test_deque_is_tracked_by_the_garbage_collector():
    assert gc.is_tracked(Deque())
    d = Deque([[]])
    assert any(referent is d[0] for referent in gc.get_referents(d))


class MutatesOnDelete:
    """Runs Python that touches the deque when its last reference goes."""

    def __init__(self, deque, action):
        self.deque = deque
        self.action = action

    def __del__(self):
        self.action(self.deque)


def test_clear_empties_storage_before_decrefs_that_touch_the_deque():
    d = Deque()
    seen = []
    for _ in range(5):
        d.append(MutatesOnDelete(d, lambda deque: seen.append(len(deque))))
    d.append(MutatesOnDelete(d, lambda deque: deque.append("added during clear")))
    d.clear()
    assert seen == [0, 0, 0, 0, 0]  # already empty when each __del__ ran
    assert list(d) == ["added during clear"]


def test_pop_and_maxlen_drop_survive_decrefs_that_touch_the_deque():
    for kind in (Deque, collections.deque):  # the oracle must agree
        d = kind(maxlen=2)
        d.append(MutatesOnDelete(d, lambda deque: deque.appendleft("from __del__")))
        d.append(1)
        # drops the first item, whose __del__ runs appendleft on the full
        # deque [1, 2], which drops the 2
        d.append(2)
        assert list(d) == ["from __del__", 1]
    d2 = Deque()
    d2.append(MutatesOnDelete(d2, lambda deque: deque.clear()))
    d2.pop()  # the returned item dies right here, and clears d2 (empty)
    assert list(d2) == []


def test_dealloc_with_items_whose_del_touches_the_deque_does_not_crash():
    d = Deque()
    d.extend(MutatesOnDelete(d, lambda deque: deque.append(1)) for _ in range(3))
    del d
    gc.collect()


def test_deeply_nested_deques_deallocate_without_recursion_overflow():
    outer = Deque()
    for _ in range(200_000):
        outer = Deque([outer])
    del outer


def test_extend_errors_propagate_and_keep_what_was_added():
    def items():
        yield 1
        yield 2
        raise KeyError("boom")

    d = Deque()
    with pytest.raises(KeyError):
        d.extend(items())
    assert list(d) == [1, 2]


def test_module_has_the_contract_api():
    for name in ("append", "appendleft", "pop", "popleft", "clear", "extend"):
        assert callable(getattr(Deque(), name))
    assert optnative.Deque.__module__ == "optnative"
