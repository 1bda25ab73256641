"""`_optdemo_host.line_profile(..., functions=[(filename, qualname,
firstlineno), ...])`: the C line tracer on functions named before they
exist, as `optdemo profile SCRIPT.py` names the hottest functions a sampling
run found.  The program under test compiles its source inside the traced
call, so every code object is adopted by key at its first call.

Hit counts are exact (they follow from the loops, or from sys.settrace as
the oracle).  Times are only compared through relations that must hold: a
line that sleeps lasts at least the sleep, and each moment is charged once,
so all lines together never exceed the traced run's own duration."""

import json
import os
import subprocess
import sys
import textwrap

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_helpers import OPTDEMO  # noqa: E402

# The program the host compiles as "<program>" inside the traced call; each
# line the tests look at ends with a marker.
PROGRAM = textwrap.dedent("""\
    import time

    def leaf(n):
        total = 0                       # leaf start
        for k in range(n):              # leaf for
            total += k                  # leaf body
        return total                    # leaf return

    def caller(n):
        first = leaf(n)                 # caller first
        second = leaf(n)                # caller second
        return first + second           # caller return

    def factorial(n):
        if n <= 1:                      # factorial test
            return 1                    # factorial base
        return n * factorial(n - 1)     # factorial step

    def is_even(n):
        return True if n == 0 else is_odd(n - 1)    # is_even

    def is_odd(n):
        return False if n == 0 else is_even(n - 1)  # is_odd

    def squares(count):
        for k in range(count):          # squares for
            yield k * k                 # squares yield

    def consume(count):
        return sum(squares(count))      # consume

    def sleeper(seconds):
        time.sleep(seconds)             # sleeper sleep

    def wakes(seconds):
        sleeper(seconds)                # wakes call
        return seconds                  # wakes return

    def never():
        return None                     # never
""")


def line_of(marker):
    for number, line in enumerate(PROGRAM.splitlines(), 1):
        if line.rstrip().endswith("# " + marker):
            return number
    raise AssertionError(f"no line marked {marker!r}")


def key(name):
    """The (filename, qualname, firstlineno) of PROGRAM's function `name`."""
    for number, line in enumerate(PROGRAM.splitlines(), 1):
        if line.startswith(f"def {name}("):
            return ("<program>", name, number)
    raise AssertionError(f"no function {name}")


def host_python(source):
    """Run `source` under `optdemo python -c`, with PROGRAM and a helper
    `run(entry, argument)` that compiles PROGRAM afresh and calls its
    function `entry`; what it printed, as JSON."""
    prelude = textwrap.dedent(f"""\
        import gc, json, sys, time, _optdemo_host
        PROGRAM = {PROGRAM!r}
        def run(call):
            space = {{}}
            exec(compile(PROGRAM, "<program>", "exec"), space)
            return space[call[0]](call[1])
        def plain(lines):
            return {{str(line): hits for line, (hits, _) in lines.items()}}
    """)
    result = subprocess.run([OPTDEMO, "python", "-c", prelude + textwrap.dedent(source)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def profile(keys, call, loops=1):
    """Hits per line, one dict per key, of `loops` calls of run(call)."""
    return host_python(f"""
        found = _optdemo_host.line_profile(run, {call!r}, {loops}, functions={keys!r})
        print(json.dumps([plain(lines) for lines in found]))
    """)


def hits(**markers):
    return {str(line_of(marker)): count for marker, count in markers.items()}


def test_two_functions_defined_inside_the_traced_call_get_their_own_lines():
    leaf, caller, never = profile([key("leaf"), key("caller"), key("never")], ("caller", 100), 3)
    # 3 runs, each calling leaf twice: 101 steps of the for line, 100 of its body.
    assert leaf == {str(line_of("leaf start")): 6, str(line_of("leaf for")): 606,
                    str(line_of("leaf body")): 600, str(line_of("leaf return")): 6}
    assert caller == {str(line_of("caller first")): 3, str(line_of("caller second")): 3,
                      str(line_of("caller return")): 3}
    assert never == {}


def test_the_results_follow_the_keys_order():
    caller, leaf = profile([key("caller"), key("leaf")], ("caller", 4))
    assert set(caller) == {str(line_of(m)) for m in ("caller first", "caller second",
                                                      "caller return")}
    assert leaf[str(line_of("leaf body"))] == 8


def test_recursion_and_mutual_recursion_count_every_frame():
    (factorial,) = profile([key("factorial")], ("factorial", 10))
    assert factorial == {str(line_of("factorial test")): 10, str(line_of("factorial base")): 1,
                         str(line_of("factorial step")): 9}
    even, odd = profile([key("is_even"), key("is_odd")], ("is_even", 9))
    # is_even(9), is_odd(8), ..., is_odd(0): five frames of each.
    assert even == {str(line_of("is_even")): 5} and odd == {str(line_of("is_odd")): 5}


def test_a_generator_is_followed_across_its_yields():
    consume, squares = profile([key("consume"), key("squares")], ("consume", 50), 2)
    assert consume == {str(line_of("consume")): 2}
    assert squares == {str(line_of("squares for")): 2 * 51, str(line_of("squares yield")): 2 * 50}


def test_a_traced_callee_holds_its_own_time_and_no_moment_counts_twice():
    found = host_python(f"""
        start = time.perf_counter()
        wakes, sleeper = _optdemo_host.line_profile(run, ("wakes", 0.05), 1,
                                                    functions=[{key("wakes")!r},
                                                               {key("sleeper")!r}])
        elapsed = time.perf_counter() - start
        print(json.dumps({{"wakes": plain(wakes), "sleeper": plain(sleeper),
                          "sleep": sleeper[{line_of("sleeper sleep")}][1],
                          "all": sum(seconds for lines in (wakes, sleeper)
                                     for _, seconds in lines.values()),
                          "elapsed": elapsed}}))
    """)
    assert found["wakes"] == hits(**{"wakes call": 1, "wakes return": 1})
    assert found["sleeper"] == hits(**{"sleeper sleep": 1})
    assert found["sleep"] >= 0.05
    # Charged to the caller's line as well, the sleep would count twice:
    # the lines would add up to 0.1 s or more in a run lasting 0.05 s and a bit.
    assert found["all"] <= found["elapsed"]


def test_a_function_compiled_twice_adds_up_under_its_key():
    found = host_python(f"""
        def twice(n):
            return run(("leaf", n)) + run(("leaf", n))   # two compilations, two code objects
        (leaf,) = _optdemo_host.line_profile(twice, 10, 1, functions=[{key("leaf")!r}])
        print(json.dumps(plain(leaf)))
    """)
    assert found == hits(**{"leaf start": 2, "leaf for": 22, "leaf body": 20, "leaf return": 2})


def test_hits_equal_the_interpreters_own_line_events():
    """sys.settrace as the oracle, counting line events per (filename,
    qualname, firstlineno), on every function of the program at once."""
    names = ["leaf", "caller", "factorial", "is_even", "is_odd", "squares", "consume"]
    keys = [key(name) for name in names]
    found = host_python(f"""
        import collections
        keys = [tuple(k) for k in {keys!r}]
        def program(n):
            space = {{}}
            exec(compile(PROGRAM, "<program>", "exec"), space)
            return (space["caller"](n), space["factorial"](n), space["is_even"](n),
                    space["consume"](n))
        counts = collections.defaultdict(collections.Counter)
        def trace(frame, event, arg):
            code = frame.f_code
            name = (code.co_filename, code.co_qualname, code.co_firstlineno)
            if event == "line" and name in keys:
                counts[name][frame.f_lineno] += 1
            return trace
        sys.settrace(trace)
        program(7)
        sys.settrace(None)
        expected = [{{str(line): n for line, n in counts[k].items()}} for k in keys]
        measured = _optdemo_host.line_profile(program, 7, 1, functions=keys)
        print(json.dumps([expected, [plain(lines) for lines in measured]]))
    """)
    expected, measured = found
    assert all(expected) and measured == expected


def test_adopted_code_objects_are_released_and_the_trace_function_restored():
    found = host_python(f"""
        import weakref
        space = {{}}
        exec(compile(PROGRAM, "<program>", "exec"), space)
        caller, leaf = space["caller"], space["leaf"]
        argument = 10 ** 30 % 13         # computed: its count is ours
        def previous(frame, event, arg):
            return previous
        before = sys.getrefcount(leaf.__code__), sys.getrefcount(caller.__code__)
        sys.settrace(previous)
        for _ in range(200):
            _optdemo_host.line_profile(caller, argument, 2,
                                       functions=[{key("caller")!r}, {key("leaf")!r}])
            _optdemo_host.line_profile(run, ("caller", 3), 1,
                                       functions=[{key("caller")!r}, {key("leaf")!r}])
        kept = sys.gettrace() is previous
        sys.settrace(None)
        gc.collect()
        after = sys.getrefcount(leaf.__code__), sys.getrefcount(caller.__code__)
        print(json.dumps({{"same": before == after, "kept": kept}}))
    """)
    assert found["same"] and found["kept"]


def test_bad_arguments_raise_clear_errors():
    found = host_python(f"""
        good = [{key("leaf")!r}]
        cases = [dict(functions=good, code=run.__code__), dict(functions="leaf"),
                 dict(functions=[("<program>", "leaf")]), dict(functions=[["<program>", "leaf", 3]]),
                 dict(functions=[("<program>", b"leaf", 3)]), dict(functions=[("f", "g", "1")]),
                 dict(functions=[]), dict(functions=[("f", str(k), 1) for k in range(17)]),
                 dict(functions=good * 2)]
        errors = []
        for case in cases:
            try:
                _optdemo_host.line_profile(run, ("leaf", 1), 1, **case)
                errors.append(None)
            except (TypeError, ValueError) as error:
                errors.append([type(error).__name__, str(error)])
        try:
            _optdemo_host.line_profile(run, ("leaf", 1), 0, functions=good)
        except ValueError as error:
            errors.append(["ValueError", str(error)])
        ok = _optdemo_host.line_profile(run, ("leaf", 1), 1,
                                        functions=[tuple(k) for k in good] + [("f", "g", 1)])
        print(json.dumps({{"errors": errors, "ok": len(ok), "trace": sys.gettrace() is None}}))
    """)
    kinds = [kind for kind, _ in found["errors"]]
    assert kinds == ["TypeError"] * 6 + ["ValueError"] * 4
    assert "not both" in found["errors"][0][1]
    assert "(filename: str, qualname: str, firstlineno: int)" in found["errors"][2][1]
    assert "repeats" in found["errors"][8][1]
    assert found["ok"] == 2 and found["trace"]
