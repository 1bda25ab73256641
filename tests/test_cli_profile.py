"""`optdemo profile`: cProfile's functions, the C line tracer's lines,
tracemalloc's sites; and `_optdemo_host.line_profile` itself.

Hit counts are exact (they follow from the fixtures' loops); times are only
ever compared as the share of a line that does nearly all the work, against
MOST: the marked lines measured 93-99% of their function's time here, quiet
and with two busy loops beside (0.962/0.984/0.934 and 0.968/0.988/0.958), so
for a share to fall below half the other lines would have to slow down 13
times or more against the marked one, in the same calls.  Load cannot do
that: it stretches a call wherever it lands, in proportion to the time each
line takes."""

import json
import os
import pstats
import signal
import subprocess
import sys
import textwrap

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_helpers import OPTDEMO, SOURCE_ROOT, fixture, optdemo  # noqa: E402

HOTLINE_N = 30          # hotline's quick size: rows of the grid
COLUMNS = 7             # hotline.COLUMNS
DEPTH = 12              # nested_frames' quick size: the recursion's depth
COUNT = 2000            # nested_frames.COUNT
MOST = 0.5              # the share a line doing nearly all the work must exceed


def marked_line(name, marker):
    """The number of the line of fixture `name` that carries `# marker`."""
    with open(fixture(name)) as file:
        for number, line in enumerate(file, 1):
            if line.rstrip().endswith("# " + marker):
                return number
    raise AssertionError(f"no line marked {marker!r} in {name}")


def line_of(name, text, function):
    """The number of the line of `function` in fixture `name` whose code is `text`."""
    inside = False
    with open(fixture(name)) as file:
        for number, line in enumerate(file, 1):
            inside = line.startswith(f"def {function}(") or (inside and not line.startswith("def "))
            if inside and line.split("#")[0].strip() == text:
                return number
    raise AssertionError(f"no line {text!r} in {name}.{function}")


def profile_json(tmp_path, target, *options):
    """Run `optdemo profile --quick TARGET OPTIONS --json FILE`; (the JSON, stdout)."""
    path = tmp_path / "profile.json"
    result = optdemo("profile", "--quick", *options, "--json", str(path), target)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(path.read_text()), result.stdout


def variant(data, name):
    return next(entry for entry in data["variants"] if entry["variant"] == name)


def hits_and_shares(lines):
    """{line: hits} and {line: share of the function's time}."""
    total = lines["total_seconds"]
    hits = {entry["line"]: entry["hits"] for entry in lines["lines"]}
    shares = {entry["line"]: entry["seconds"] / total for entry in lines["lines"]}
    return hits, shares


# --- lines ------------------------------------------------------------------------

def test_line_profile_names_the_hot_line_with_exact_hits(tmp_path):
    data, out = profile_json(tmp_path, fixture("hotline") + ":before", "--only", "lines")
    lines = variant(data, "before")["lines"]
    calls, n = lines["calls"], HOTLINE_N
    assert calls == lines["loops"] * lines["rounds"]
    hot = marked_line("hotline", "hot line")
    allocation = marked_line("hotline", "allocation line")
    expected = {
        allocation: calls,
        line_of("hotline", "i = 0", "before"): calls,
        line_of("hotline", "for row in rows:", "before"): calls * (n + 1),
        line_of("hotline", "for x in row:", "before"): calls * n * (COLUMNS + 1),
        hot: calls * n * COLUMNS,
        line_of("hotline", "i += 1", "before"): calls * n * COLUMNS,
        line_of("hotline", "return scores", "before"): calls,
    }
    hits, shares = hits_and_shares(lines)
    assert hits == expected
    assert max(shares, key=shares.get) == hot and shares[hot] > MOST
    assert abs(sum(shares.values()) - 1) < 1e-9
    assert lines["overhead"] > 0 and lines["untraced_seconds"] > 0
    # The table: each source line beside its figures, and the slowdown.
    assert "slower than untraced" in out
    row = next(text for text in out.splitlines() if text.rstrip().endswith("# hot line"))
    assert row.split()[:2] == [str(hot), str(expected[hot])]
    assert "def before(rows):" in out


def test_recursion_is_charged_once_to_each_frame(tmp_path):
    data, _ = profile_json(tmp_path, fixture("nested_frames") + ":before", "--only", "lines")
    lines = variant(data, "before")["lines"]
    calls = lines["calls"]
    leaf, recursive = marked_line("nested_frames", "leaf line"), \
        marked_line("nested_frames", "recursive line")
    hits, shares = hits_and_shares(lines)
    assert hits == {line_of("nested_frames", "if depth == 0:", "before"): calls * (DEPTH + 1),
                    leaf: calls, recursive: calls * DEPTH}
    # The recursive line's calls are before's own frames, charged to their
    # lines: the leaf keeps the work, and nothing is counted twice.
    assert shares[leaf] > MOST and shares[recursive] < shares[leaf]
    assert abs(sum(shares.values()) - 1) < 1e-9


def test_a_generator_runs_on_the_line_that_resumes_it(tmp_path):
    data, _ = profile_json(tmp_path, fixture("nested_frames") + ":after", "--only", "lines")
    lines = variant(data, "after")["lines"]
    calls = lines["calls"]
    generator, summing = marked_line("nested_frames", "generator line"), \
        marked_line("nested_frames", "sum line")
    hits, shares = hits_and_shares(lines)
    assert hits == {line_of("nested_frames", "total = 0", "after"): calls,
                    generator: calls * (COUNT + 1), summing: calls * COUNT,
                    line_of("nested_frames", "return total", "after"): calls}
    assert shares[generator] > MOST


# --- cProfile ----------------------------------------------------------------------

def test_cprofile_counts_the_helper_and_the_pstats_file_loads(tmp_path):
    stats_path = tmp_path / "hot.prof"
    data, out = profile_json(tmp_path, fixture("hotline") + ":before", "--only", "cprofile",
                             "--pstats", str(stats_path))
    profile = variant(data, "before")["cprofile"]
    assert profile["sort"] == "tottime" and profile["seconds"] >= 0.2
    # Which row is first is a timing (own time); the helper's row and its
    # call count are not.
    top = next(row for row in profile["functions"] if row["name"] == "weigh")
    assert top["function"].startswith("hotline.py:")
    assert top["ncalls"] == profile["loops"] * HOTLINE_N * COLUMNS
    names = [row["name"] for row in profile["functions"]]
    assert "before" in names and not any("time_calls" in name for name in names)
    assert not any("pyscripts/optdemo" in row["file"] for row in profile["functions"])
    assert "hotline.py:" in out and "(weigh)" in out
    # pstats.Stats and `python -m pstats` read it (so does snakeviz).
    stats = pstats.Stats(str(stats_path))
    weigh = [key for key in stats.stats if key[2] == "weigh"]
    assert len(weigh) == 1 and stats.stats[weigh[0]][1] == top["ncalls"]
    browsed = subprocess.run([sys.executable, "-m", "pstats", str(stats_path)],
                             input="sort tottime\nstats 3\nquit\n", capture_output=True,
                             text=True, timeout=60)
    assert browsed.returncode == 0 and "weigh" in browsed.stdout


def test_recursive_calls_show_as_pstats_shows_them(tmp_path):
    data, out = profile_json(tmp_path, fixture("nested_frames") + ":before", "--only", "cprofile")
    profile = variant(data, "before")["cprofile"]
    row = next(row for row in profile["functions"] if row["name"] == "before")
    assert row["ncalls"] == profile["loops"] * (DEPTH + 1)
    assert row["primitive_calls"] == profile["loops"]
    assert f"{row['ncalls']}/{row['primitive_calls']}" in out


def test_one_pstats_file_per_variant_when_all_are_profiled(tmp_path):
    base = tmp_path / "grid.prof"
    data, _ = profile_json(tmp_path, fixture("hotline"), "--only", "cprofile",
                           "--pstats", str(base))
    assert [entry["variant"] for entry in data["variants"]] == ["before", "after"]
    for name in ("before", "after"):
        path = tmp_path / f"grid.{name}.prof"
        assert variant(data, name)["cprofile"]["pstats_path"] == str(path)
        assert any(key[2] == "weigh" for key in pstats.Stats(str(path)).stats)
    assert not base.exists()
    assert variant(data, "after")["matches"] is True


# --- memory ------------------------------------------------------------------------

def test_memory_top_site_is_the_allocation_line(tmp_path):
    data, out = profile_json(tmp_path, fixture("hotline") + ":before", "--only", "memory")
    memory = variant(data, "before")["memory"]
    top = memory["sites"][0]
    assert os.path.basename(top["file"]) == "hotline.py"
    assert top["line"] == marked_line("hotline", "allocation line")
    assert top["count"] == 1 and top["size"] >= 8 * HOTLINE_N * COLUMNS
    assert memory["peak"] >= memory["retained"] >= top["size"]
    assert not any("pyscripts" in site["file"] for site in memory["sites"])
    assert "peak" in out and f"hotline.py:{top['line']}" in out


# --- exit codes ------------------------------------------------------------------------

@pytest.mark.parametrize("arguments, message", [
    (["no_such_workload"], "unknown workload"),
    (["string_concat:no_such_variant"], "no variant 'no_such_variant'"),
    (["--pstats", "/nonexistent/folder/out.prof", "string_concat"], "cannot write"),
    (["--only", "everything", "string_concat"], "--only"),
    (["--top", "0", "string_concat"], "--top"),
    (["--only", "memory", "--pstats", "out.prof", "string_concat"], "--pstats"),
    ([], "WORKLOAD"),
])
def test_bad_input_exits_2(arguments, message):
    result = optdemo("profile", *arguments)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr and result.stdout == ""


def test_a_pstats_file_per_variant_that_cannot_be_written_exits_2(tmp_path):
    (tmp_path / "out.before.prof").mkdir()
    result = optdemo("profile", "--quick", "--pstats", str(tmp_path / "out.prof"),
                     fixture("hotline"))
    assert result.returncode == 2 and "out.before.prof" in result.stderr


def test_a_variant_that_raises_exits_1_with_its_traceback(tmp_path):
    result = optdemo("profile", "--quick", fixture("variant_raises"))
    assert result.returncode == 1
    assert "ZeroDivisionError" in result.stdout and "variant_raises.py" in result.stdout
    assert "runner.py" not in result.stdout and "profiling.py" not in result.stdout


def test_ctrl_c_exits_130(tmp_path):
    process = subprocess.Popen([OPTDEMO, "profile", fixture("hotline")], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    for line in process.stdout:
        if line.startswith("before"):
            break
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "interrupted" in err


# --- _optdemo_host.line_profile itself, in the host's own interpreter ---------------------

def host_python(source):
    """Run `source` under `optdemo python -c`; what it printed, as JSON."""
    result = subprocess.run([OPTDEMO, "python", "-c", textwrap.dedent(source)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_tracer_follows_a_generator_of_the_traced_code():
    found = host_python("""
        import json, _optdemo_host
        def squares(count):
            for k in range(count):      # line 4
                yield k * k             # line 5
        def consume(count):
            return sum(squares(count)) + sum(squares(count))
        lines = _optdemo_host.line_profile(consume, 50, 3, code=squares.__code__)
        print(json.dumps({line: hits for line, (hits, seconds) in lines.items()}))
    """)
    # Two generators a call, each 51 steps of its for line and 50 yields.
    assert found == {"4": 3 * 2 * 51, "5": 3 * 2 * 50}


def test_tracer_with_exceptions_restores_the_previous_trace_function():
    found = host_python("""
        import json, sys, _optdemo_host
        def risky(n):
            try:                        # line 4
                raise KeyError(n)       # line 5
            except KeyError:            # line 6
                caught = n              # line 7
            if n > 1:                   # line 8
                raise ValueError(n)     # line 9
            return caught               # line 10
        def tracer(frame, event, arg):
            return tracer
        sys.settrace(tracer)
        lines = _optdemo_host.line_profile(risky, 1, 4)
        kept = sys.gettrace() is tracer
        try:
            _optdemo_host.line_profile(risky, 2, 4)
            raised = None
        except ValueError as error:
            raised = str(error)
        kept_after_error = sys.gettrace() is tracer
        sys.settrace(None)
        print(json.dumps({"hits": {line: hits for line, (hits, _) in lines.items()},
                          "kept": kept, "raised": raised, "kept_after_error": kept_after_error,
                          "none_after": sys.gettrace() is None}))
    """)
    assert found["hits"] == {"4": 4, "5": 4, "6": 4, "7": 4, "8": 4, "10": 4}
    assert found["raised"] == "2"
    assert found["kept"] and found["kept_after_error"] and found["none_after"]


def test_tracer_nests_and_leaks_no_references():
    found = host_python("""
        import gc, json, sys, _optdemo_host
        def inner(n):
            total = 0
            for k in range(n):
                total += k
            return total
        def outer(n):
            lines = _optdemo_host.line_profile(inner, n, 2)   # line 9
            return sum(hits for hits, _ in lines.values())
        argument = 10 ** 30                  # not a cached object: its count is ours
        before = sys.getrefcount(outer), sys.getrefcount(argument), sys.getrefcount(inner.__code__)
        for _ in range(200):
            lines = _optdemo_host.line_profile(outer, 5, 3)
            inner_lines = _optdemo_host.line_profile(inner, argument % 7, 1)
        gc.collect()
        after = sys.getrefcount(outer), sys.getrefcount(argument), sys.getrefcount(inner.__code__)
        errors = []
        for bad in [(len, [], 1), (inner, 3, 0)]:
            try:
                _optdemo_host.line_profile(*bad)
            except (TypeError, ValueError) as error:
                errors.append(type(error).__name__)
        print(json.dumps({"outer": {line: hits for line, (hits, _) in lines.items()},
                          "same": before == after, "errors": errors,
                          "trace": sys.gettrace() is None}))
    """)
    # outer's line 9 ran 3 times; inner's own profile is invisible to outer's.
    assert found["outer"]["9"] == 3 and found["outer"]["10"] == 3
    assert found["same"] and found["errors"] == ["TypeError", "ValueError"] and found["trace"]


def test_tracer_hits_equal_the_interpreters_own_line_events():
    """Python's own tracer (sys.settrace) as the oracle: on awkward code --
    exceptions caught and escaping, finally, with, while/else, comprehensions,
    a generator of the traced code, recursion -- every line's hits match."""
    found = host_python('''
        import collections, contextlib, json, sys, _optdemo_host

        @contextlib.contextmanager
        def managed():
            yield 1

        def awkward(n):
            total = 0
            while n > 0:
                n -= 1
                try:
                    if n % 3 == 0:
                        raise KeyError(n)
                    total += sum(k for k in range(n))
                except KeyError:
                    total -= 1
                else:
                    total += 1
                finally:
                    total *= 1
            else:
                with managed() as one:
                    total += one
            squares = [k * k for k in range(5)]
            if total > 0 and n == 0:
                total += awkward(-1) + len(squares)
            return total

        def oracle(function, argument, code):
            counts = collections.Counter()
            def trace(frame, event, arg):
                if frame.f_code is code and event == "line":
                    counts[frame.f_lineno] += 1
                return trace
            sys.settrace(trace)
            try:
                function(argument)
            finally:
                sys.settrace(None)
            return {str(line): hits for line, hits in counts.items()}

        def traced(function, argument, code):
            lines = _optdemo_host.line_profile(function, argument, 1, code=code)
            return {str(line): hits for line, (hits, _) in lines.items() if hits}

        def driver(n):
            return [value for value in managed.__wrapped__()] + [awkward(n)]

        cases = [(awkward, 10, awkward.__code__), (driver, 7, managed.__wrapped__.__code__),
                 (driver, 7, awkward.__code__)]
        print(json.dumps([[oracle(*case), traced(*case)] for case in cases]))
    ''')
    for expected, measured in found:
        assert measured == expected


def test_a_generator_made_under_the_tracer_keeps_its_line_events():
    found = host_python("""
        import json, sys, _optdemo_host
        def numbers(count):
            for k in range(count):
                yield k
        def make(count):
            started = numbers(count)
            next(started)                 # its frame runs under the tracer
            made.append(started)
            return len(made)
        made = []
        _optdemo_host.line_profile(make, 3, 1)
        lines = []
        def trace(frame, event, arg):
            if event == "line" and frame.f_code is numbers.__code__:
                lines.append(frame.f_lineno)
            return trace
        sys.settrace(trace)
        values = list(made[0])
        sys.settrace(None)
        print(json.dumps({"values": values, "lines": lines}))
    """)
    assert found["values"] == [1, 2] and found["lines"] and set(found["lines"]) == {4, 5}


def test_a_wrong_result_or_a_changed_input_exits_1(tmp_path):
    mismatch = optdemo("profile", "--quick", "--only", "memory", fixture("mismatch"))
    assert mismatch.returncode == 1 and "FAILED: its result differs" in mismatch.stdout
    mutates = optdemo("profile", "--quick", "--only", "memory", fixture("mutates"))
    assert mutates.returncode == 1 and "changed setup's data" in mutates.stdout


def test_the_profile_request_in_a_plain_python():
    """The runner's side, in python3.11 itself: cprofile and memory work
    anywhere; lines needs the host's tracer and says so; bad fields are
    protocol errors."""
    sys.path.insert(0, os.path.join(SOURCE_ROOT, "pyscripts"))
    from optdemo import runner

    session = runner.Session()
    for request in ({"op": "hello", "template": "python"},
                    {"op": "load", "path": fixture("hotline")}, {"op": "setup", "n": 5},
                    {"op": "check", "variant": "before"}):
        assert session.handle(request)["ok"], request
    profiled = session.handle({"op": "profile", "variant": "before", "kind": "cprofile",
                               "loops": 3, "top": 10})
    assert profiled["ok"] and profiled["loops"] == 3
    # Which function has the most own time is a timing (under ASan's
    # malloc `before` once outweighed `weigh`): the counts decide instead.
    calls = {row["name"]: row["ncalls"] for row in profiled["functions"]}
    assert calls["weigh"] == 3 * 5 * COLUMNS and calls["before"] == 3
    memory = session.handle({"op": "profile", "variant": "before", "kind": "memory"})
    assert memory["ok"] and memory["sites"][0]["line"] == marked_line("hotline", "allocation line")
    lines = session.handle({"op": "profile", "variant": "before", "kind": "lines"})
    assert not lines["ok"] and lines["kind"] == "protocol" and "_optdemo_host" in lines["error"]
    for bad in ({"kind": "everything"}, {"kind": "cprofile", "loops": 0},
                {"kind": "cprofile", "top": True}, {"kind": "memory", "pstats_path": "x.prof"},
                {"kind": "cprofile", "variant": "nope"}):
        response = session.handle({"op": "profile", "variant": "before", **bad})
        assert not response["ok"] and response["kind"] == "protocol", bad
