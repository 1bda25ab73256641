"""optnative in several interpreters and module objects: each module object
(one per interpreter that imports optnative) has its own types in its own
module state, so a subinterpreter that imports optnative and is destroyed
leaves the main interpreter's types -- and the objects made from them --
exactly as they were.  Before the module state, the iterator and memoize
types lived in process globals, and a subinterpreter's import made the main
interpreter's Deque iterators instances of the subinterpreter's type.

Python 3.11 has subinterpreters through the private _xxsubinterpreters;
3.13 renamed it _interpreters, whose create() makes an "isolated"
interpreter by default (a GIL of its own, which an extension must declare
it supports) and whose run_string returns the exception's snapshot instead
of raising.  The subinterpreters here are "legacy" ones, sharing the main
interpreter's GIL, as 3.11's are: what is tested is the module state, not a
per-interpreter GIL.  They never touch numpy (NumPy 1.24 does not support
them); the reference-leak side of the same cases is in test_refleak.py.

Run by meson with PYTHONPATH=<build>/native; by hand:
    PYTHONPATH=build/native /usr/bin/python3.11 -m pytest tests/test_optnative_interpreters.py
"""
import gc
import importlib.util
import os
import subprocess
import sys

import pytest

import optnative

try:
    import _interpreters as interpreters            # 3.13

    def new_interpreter():
        return interpreters.create("legacy")
except ImportError:
    interpreters = pytest.importorskip("_xxsubinterpreters")     # 3.11

    def new_interpreter():
        return interpreters.create()


def run_string(interpreter, code):
    """Run code in the interpreter; an exception there fails the test
    (3.11 raises RunFailedError, 3.13 returns the exception's snapshot)."""
    failure = interpreters.run_string(interpreter, code)
    if failure is not None:
        raise AssertionError(f"the subinterpreter raised: {failure!r}")

# Every type optnative has, reached the way a user reaches it from the
# module `m`: expressions, so the subinterpreter can evaluate them too.
TYPE_EXPRESSIONS = {
    "Deque": "m.Deque",
    "Deque iterator": "type(iter(m.Deque()))",
    "IntSet": "m.IntSet",
    "IntSet iterator": "type(iter(m.IntSet()))",
    "memoize wrapper": "type(m.memoize(abs))",
    "CacheInfo": "m.CacheInfo",
    "StringBuilder": "m.StringBuilder",
}

# Uses every type in the subinterpreter and reports the ids of its types
# through a pipe (objects cannot cross interpreters; ids of live objects
# can).  `{fd}` is the pipe's write end.
SUBINTERPRETER_CODE = """
import os, sys
import optnative
d = optnative.Deque([1, 2, 3], maxlen=3)
iterator = iter(d)
assert next(iterator) == 1 and list(iterator) == [2, 3]
s = optnative.IntSet([5, 6, 7])
assert sorted(s) == [5, 6, 7] and s.count_contained([5, 8]) == 1
add = optnative.memoize(maxsize=4)(lambda a, b=0: a + b)
assert add(1, b=2) == 3 and add(1, b=2) == 3
assert add.cache_info() == (1, 1, 4, 1)
assert isinstance(add.cache_info(), optnative.CacheInfo)
builder = optnative.StringBuilder()
builder.extend(["a", "b"])
assert builder.build() == "ab" and optnative.join(["c", "d"]) == "cd"
assert "numpy" not in sys.modules
types = [eval(expression, {{"m": optnative}}) for expression in {expressions!r}]
os.write({fd}, repr([id(type_) for type_ in types]).encode())
"""


def types_of(module):
    return {name: eval(expression, {"m": module})
            for name, expression in TYPE_EXPRESSIONS.items()}


def run_in_subinterpreter(code):
    """Run code in a new subinterpreter, destroy it, and return what the
    code wrote to the pipe whose write end is `{fd}` in it."""
    read_end, write_end = os.pipe()
    interpreter = new_interpreter()
    try:
        run_string(interpreter, code.format(
            fd=write_end, expressions=list(TYPE_EXPRESSIONS.values())))
        os.close(write_end)
        write_end = None
        with os.fdopen(read_end, "rb") as pipe:
            read_end = None
            return pipe.read().decode()
    finally:
        interpreters.destroy(interpreter)
        for fd in (read_end, write_end):
            if fd is not None:
                os.close(fd)


def main_types():
    return types_of(optnative)


def use_main_types(deque, iterator, cached):
    """The main interpreter's objects, made before, still work as before."""
    assert next(iterator) == 2
    deque.append(4)
    assert list(deque) == [1, 2, 3, 4]
    assert isinstance(iter(deque), type(iterator))
    assert cached(2, b=3) == 5 and cached(2, b=3) == 5
    info = cached.cache_info()
    assert isinstance(info, optnative.CacheInfo) and info.hits >= 1
    s = optnative.IntSet([1, 2])
    assert isinstance(iter(s), main_types()["IntSet iterator"]) and sorted(s) == [1, 2]
    assert optnative.StringBuilder().build() == ""


def test_a_subinterpreter_has_its_own_types_and_leaves_ours_unchanged():
    before = main_types()
    deque = optnative.Deque([1, 2, 3])
    iterator = iter(deque)
    assert next(iterator) == 1
    cached = optnative.memoize(lambda a, b=0: a + b)

    reported = eval(run_in_subinterpreter(SUBINTERPRETER_CODE))

    # Its types were its own: none is one of ours (both were alive then).
    ours = {id(type_) for type_ in before.values()}
    assert len(reported) == len(TYPE_EXPRESSIONS)
    assert not ours.intersection(reported)
    gc.collect()
    after = main_types()
    assert all(after[name] is before[name] for name in before)
    use_main_types(deque, iterator, cached)


def test_repeated_subinterpreters_leave_ours_unchanged():
    before = main_types()
    for _ in range(5):
        run_in_subinterpreter(SUBINTERPRETER_CODE)
    gc.collect()
    after = main_types()
    assert all(after[name] is before[name] for name in before)
    deque = optnative.Deque([1, 2, 3])
    iterator = iter(deque)
    next(iterator)
    use_main_types(deque, iterator, optnative.memoize(lambda a, b=0: a + b))


def new_module_object():
    """A second optnative module object in this interpreter (its own state),
    as a subinterpreter's import makes, but inspectable from here."""
    spec = importlib.util.find_spec("optnative")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_module_object_has_its_own_types():
    second = new_module_object()
    theirs, ours = types_of(second), main_types()
    for name in TYPE_EXPRESSIONS:
        assert theirs[name] is not ours[name], name
    # An instance finds its iterator type through its own type's module.
    assert type(iter(second.Deque([1]))) is theirs["Deque iterator"]
    assert not isinstance(iter(second.IntSet([1])), ours["IntSet iterator"])
    assert isinstance(second.memoize(abs).cache_info(), second.CacheInfo)
    assert not isinstance(second.memoize(abs).cache_info(), optnative.CacheInfo)


# module -> its dict -> instances -> their types -> the module: a cycle
# the collector frees only if every instance reports its type.  Checked in
# a fresh process: a free-threaded 3.13t makes module objects immortal,
# and so never collected, once a thread or an interpreter other than the
# main one has started (gh-117783; a subinterpreter test above starts one),
# and a test must not depend on which ran first.
COLLECTED_CODE = """
import gc, importlib.util, sys, weakref
spec = importlib.util.find_spec("optnative")
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
module.kept = [module.IntSet([1]), iter(module.IntSet([2])), module.StringBuilder(),
               module.Deque([1]), iter(module.Deque([2])), module.memoize(abs),
               module.memoize(abs).cache_info()]
ref = weakref.ref(module)
del module
gc.collect()
print("collected" if ref() is None else "alive")
"""


def test_a_module_object_referenced_by_its_own_instances_is_collected():
    result = subprocess.run([sys.executable, "-c", COLLECTED_CODE], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "collected"


def test_types_are_immutable_and_final():
    # Final: an instance's own type is then always one of the module's, so
    # a slot finds the module state through it in O(1) (bindings.h).
    for name, type_ in main_types().items():
        with pytest.raises(TypeError):
            type_.extra = 1
        with pytest.raises(TypeError):
            type("Derived", (type_,), {})
