"""optnative's types shared by threads: on a free-threaded CPython (3.13t)
optnative declares that it runs without the GIL (Py_mod_gil), so each type
must keep its own C state consistent with a per-object critical section
(native/free_threading.h).  Here several threads hammer one object of each
type at once and the invariants are checked at the end: no lost or
duplicated items, sizes that add up, counters that count every call.

Each hammer runs in a child interpreter (this file, run as a script), so a
race that corrupts memory fails one test with its signal and leaves the
others to report.  On a free-threaded build with the critical sections
compiled out (-DOPTNATIVE_NO_CRITICAL_SECTIONS) these tests fail: that is
how docs/native.md's claim was checked.  Under a GIL the same hammers run as
functional tests (with a tiny switch interval, so the threads interleave at
every bytecode boundary) -- they cannot show a race there, since every
method runs whole while holding the GIL.
"""

import os
import re
import subprocess
import sys
import sysconfig
import threading

import pytest

FREE_THREADED_BUILD = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
THREADS = 8
CHILD_TIMEOUT = 120     # seconds; a corrupted list can loop forever


# ---- the hammers (run in the child) -----------------------------------------

def run_together(work, count=THREADS):
    """Run work(index) in `count` threads released together by a barrier;
    re-raise the first exception any of them raised."""
    barrier = threading.Barrier(count)
    errors = []

    def body(index):
        try:
            barrier.wait()
            work(index)
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def hammer_intset(rounds=4, per_thread=20000):
    """Each thread adds its own disjoint range and checks, between adds,
    that what it added is in the set and that len() never goes down."""
    from optnative import IntSet

    for _ in range(rounds):
        numbers = IntSet()

        def work(index):
            base = index * per_thread * 3
            last_length = 0
            for i in range(per_thread):
                numbers.add(base + i)
                if i % 7 == 0:
                    assert base + i in numbers, f"thread {index} lost {base + i}"
                    assert (base + i // 2) in numbers
                    assert -1 - i not in numbers
                if i % 101 == 0:
                    length = len(numbers)
                    assert length >= last_length, "len() went down"
                    last_length = length

        run_together(work)
        expected = {index * per_thread * 3 + i
                    for index in range(THREADS) for i in range(per_thread)}
        assert len(numbers) == len(expected), \
            f"len {len(numbers)} after {len(expected)} distinct adds"
        listed = list(numbers)
        assert len(listed) == len(set(listed)), "iteration yields duplicates"
        assert set(listed) == expected, "lost or invented items"
        assert numbers.count_contained(sorted(expected)) == len(expected)


def hammer_deque(rounds=4, per_producer=20000):
    """Half the threads append their own numbered items (some appendleft),
    half popleft (some pop) what is there; nothing may be lost or doubled,
    and len() must equal what was not taken."""
    from optnative import Deque

    producers = THREADS // 2
    for _ in range(rounds):
        queue = Deque()
        taken = [[] for _ in range(THREADS)]
        done = threading.Event()
        finished = []

        def work(index):
            if index < producers:
                for i in range(per_producer):
                    item = (index, i)
                    if i % 5 == 0:
                        queue.appendleft(item)
                    else:
                        queue.append(item)
                finished.append(index)
                if len(finished) == producers:
                    done.set()
                return
            mine = taken[index]
            while not done.is_set() or queue:
                try:
                    mine.append(queue.popleft() if len(mine) % 3 else queue.pop())
                except IndexError:
                    pass

        run_together(work)
        left = list(queue)
        assert len(queue) == len(left) == 0, f"{len(left)} items left, len {len(queue)}"
        everything = [item for mine in taken for item in mine] + left
        expected = {(index, i) for index in range(producers) for i in range(per_producer)}
        assert len(everything) == len(expected), \
            f"{len(everything)} items came out of {len(expected)} appended"
        assert set(everything) == expected, "lost or duplicated items"


WHOLE_TOKENS = re.compile(r"(?:<\d+:\d+>)*")


def hammer_string_builder(rounds=3, per_thread=20000):
    """Each thread appends its own numbered tokens (some threads' tokens are
    2- and 4-byte characters, so the buffer widens under the others);
    build() among the appends (two threads) and at the end must parse back
    into whole tokens,
    each thread's in its own order, none lost or doubled.  The tokens are
    made before the threads start: the loop is nothing but appends."""
    from optnative import StringBuilder

    marks = ["", "", "\u00e9", "\u20ac", "", "\U0001f600", "", "\u00e9"]
    tokens = [[f"<{index}:{n}>{marks[index % len(marks)]}" for n in range(per_thread)]
              for index in range(THREADS)]
    expected_length = sum(len(token) for mine in tokens for token in mine)

    def parse(text):
        """The text's tokens, each without its mark and closing '>'."""
        plain = re.sub(r"[\u00e9\u20ac\U0001f600]", "", text)
        assert WHOLE_TOKENS.fullmatch(plain), "torn token in build()"
        return plain.split(">")[:-1]

    for _ in range(rounds):
        builder = StringBuilder()

        def work(index):
            append = builder.append
            for n, token in enumerate(tokens[index]):
                append(token)
                if n % 4999 == 0 and index < 2:     # a build() among the appends
                    length = len(builder)
                    assert len(parse(builder.build())) >= n + 1
                    assert builder.len() >= length, "len() went down"

        run_together(work)
        text = builder.build()
        assert len(text) == len(builder) == expected_length, \
            f"{len(text)} characters built, {expected_length} appended"
        by_thread = {}
        for token in parse(text):
            by_thread.setdefault(token[1:token.index(":")], []).append(token)
        for index in range(THREADS):
            assert by_thread[str(index)] == [f"<{index}:{n}" for n in range(per_thread)], \
                f"thread {index}'s tokens lost, doubled or reordered"


def hammer_memoize(rounds=4, calls=20000):
    """Threads call one memoized function on overlapping keys, with a small
    bound (evictions all the time) and without one: every answer must be the
    function's, and hits + misses must count every call."""
    from optnative import memoize

    for maxsize in (None, 64) * (rounds // 2):
        keys = 500

        @memoize(maxsize=maxsize)
        def square(x):
            return (x, x * x)

        def work(index):
            for i in range(calls):
                key = (i * 7 + index * 13) % keys
                assert square(key) == (key, key * key), "wrong cached value"
                if i % 1000 == 0:
                    info = square.cache_info()
                    assert info.currsize <= (maxsize or keys)

        run_together(work)
        info = square.cache_info()
        assert info.hits + info.misses == THREADS * calls, \
            f"{info.hits} hits + {info.misses} misses for {THREADS * calls} calls"
        assert info.currsize == (maxsize or keys), f"currsize {info.currsize}"
        assert info.misses >= info.currsize


def hammer_shared_iterators(rounds=5, size=200000):
    """Threads pulling from one IntSet iterator (and one Deque iterator)
    share its cursor: every key must come out exactly once."""
    from optnative import Deque, IntSet

    for _ in range(rounds):
        for make in (IntSet, Deque):
            iterator = iter(make(range(size)))
            pulled = [[] for _ in range(THREADS)]

            def work(index):
                mine = pulled[index]
                for value in iterator:
                    mine.append(value)

            run_together(work)
            everything = sorted(value for mine in pulled for value in mine)
            assert len(everything) == size, \
                f"{make.__name__}: {len(everything)} keys from {size}"
            assert everything == list(range(size)), f"{make.__name__}: lost or doubled keys"


HAMMERS = {
    "intset": hammer_intset,
    "deque": hammer_deque,
    "string_builder": hammer_string_builder,
    "memoize": hammer_memoize,
    "shared_iterators": hammer_shared_iterators,
}


def child(name):
    """The child's side: report the GIL, run one hammer, exit 0 if it held."""
    import optnative  # noqa: F401  (imported before the report: it may re-enable the GIL)

    if not FREE_THREADED_BUILD:
        sys.setswitchinterval(1e-6)     # interleave as finely as a GIL allows
    gil = sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True
    print(f"gil-enabled={gil}", flush=True)
    HAMMERS[name]()
    print("invariants-held", flush=True)


# ---- the tests (run by pytest) ---------------------------------------------

def run_child(*arguments):
    environment = dict(os.environ)
    environment.pop("PYTHON_GIL", None)     # the module's own slot decides
    return subprocess.run([sys.executable, "-X", "faulthandler", *arguments],
                          capture_output=True, text=True, timeout=CHILD_TIMEOUT,
                          env=environment)


@pytest.mark.parametrize("name", sorted(HAMMERS))
def test_one_object_hammered_by_threads_keeps_its_invariants(name):
    try:
        completed = run_child(__file__, name)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name}: the threads hung for {CHILD_TIMEOUT} s (a corrupted structure?)")
    report = completed.stdout + completed.stderr
    assert completed.returncode == 0, \
        f"{name}: the child exited with {completed.returncode}\n{report[-3000:]}"
    assert "invariants-held" in completed.stdout, report
    if FREE_THREADED_BUILD:
        # The hammer proves nothing if the GIL came back on.
        assert "gil-enabled=False" in completed.stdout, report


@pytest.mark.skipif(not FREE_THREADED_BUILD,
                    reason="this interpreter has a GIL (not a free-threaded build): "
                           "importing optnative has no GIL to re-enable")
def test_import_leaves_the_gil_disabled():
    completed = run_child("-c", "import sys; assert not sys._is_gil_enabled(); "
                                "import optnative; print(sys._is_gil_enabled())")
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "False", completed.stdout + completed.stderr
    # No "enabling the GIL" RuntimeWarning from the import system either.
    assert "GIL" not in completed.stderr, completed.stderr


if __name__ == "__main__":
    child(sys.argv[1])
