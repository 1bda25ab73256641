"""script_report.py, the report of `optdemo profile SCRIPT.py`, on made-up
runs: what the runs imply (the profilers' costs, which functions to trace)
and the terminal text.  No program runs here and nothing is timed."""

import json
import os
import sys

SOURCE_ROOT = os.environ.get("OPTDEMO_SOURCE_ROOT") or os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(SOURCE_ROOT, "pyscripts"))

from optdemo import script_report  # noqa: E402  (needs the path above)


def run(kind, wall, cpu, quiet=True):
    return {"pass": kind, "quiet": quiet, "exit_code": 0, "wall": wall, "cpu": cpu}


def test_the_overhead_is_each_profilers_median_over_the_unprofiled_median():
    runs = [run("sample", 9.0, 9.0, quiet=False),          # the watched run: not compared
            run("plain", 1.0, 0.9), run("sample", 1.1, 0.95), run("cprofile", 3.0, 2.7),
            run("plain", 2.0, 1.0), run("sample", 1.0, 1.0), run("cprofile", 2.0, 2.0),
            run("plain", 1.5, 1.1), run("sample", 1.2, 1.2), run("cprofile", 4.5, 3.3),
            run("memory", 7.0, 7.0)]
    summary = script_report.summarize_overhead(runs)
    assert summary["plain_runs"] == [1.0, 2.0, 1.5]
    assert summary["plain"] == 1.5 and summary["sampled"] == 1.1 and summary["cprofile"] == 3.0
    assert summary["sampled_ratio"] == 1.1 / 1.5
    assert summary["cprofile_ratio"] == 2.0
    assert summary["plain_cpu"] == 1.0 and summary["sampled_cpu_ratio"] == 1.0
    assert summary["cprofile_cpu_ratio"] == 2.7


def test_no_unprofiled_run_means_no_ratio():
    summary = script_report.summarize_overhead([run("cprofile", 3.0, 3.0)])
    assert summary["cprofile"] == 3.0 and "cprofile_ratio" not in summary
    assert script_report.summarize_overhead([run("sample", 1.0, 1.0, quiet=False)]) == {}


def test_the_traced_functions_are_the_hottest_with_source(tmp_path):
    program = tmp_path / "p.py"
    program.write_text("import functools\n"
                       "\n"
                       "@functools.cache\n"
                       "def cached(n):\n"
                       "    return n\n"
                       "class Box:\n"
                       "    def open(self):\n"
                       "        def inner():\n"
                       "            return 1\n"
                       "        return inner()\n")
    path = str(program)
    functions = [
        {"function": "Box.open.<locals>.inner", "file": path, "self": 50, "total": 50},
        {"function": "<listcomp>", "file": path, "self": 40, "total": 40},      # no def
        {"function": "dumps", "file": "<frozen json>", "self": 30, "total": 30},
        {"function": "cached", "file": path, "self": 20, "total": 20},
        {"function": "Box.open", "file": path, "self": 10, "total": 60},
        {"function": "<module>", "file": path, "self": 0, "total": 100},
    ]
    report = {"sampling": {"functions": functions}}
    keys = json.loads(script_report.line_keys(json.dumps(report), "2"))
    # co_firstlineno: a decorated function's first decorator's line.
    assert keys == [[path, "Box.open.<locals>.inner", 8], [path, "cached", 3]]
    keys = json.loads(script_report.line_keys(json.dumps(report), "10"))
    assert [key[1] for key in keys] == ["Box.open.<locals>.inner", "cached", "Box.open"]


def made_up_report():
    return {
        "program": {"argv": ["p.py"], "module": False, "exit_code": 0},
        "options": {"lint": False},
        "times": {"wall": 1.0, "cpu": 0.9},
        "runs": [run("sample", 1.0, 0.9, quiet=False), run("plain", 1.0, 0.9),
                 run("sample", 1.02, 0.92), run("cprofile", 1.6, 1.5)],
        "sampling": {"samples": 100, "dropped": 0, "empty": 2, "truncated": 0,
                     "handler_seconds": 0.0002, "rate": 1000, "clock": "wall",
                     "stacks": [{"stack": "<module> (/x/p.py:9);slow (/x/p.py:2)", "count": 80},
                                {"stack": "<module> (/x/p.py:9);fast (/x/p.py:5)", "count": 20}],
                     "functions": [{"function": "slow", "file": "/x/p.py", "self": 80,
                                    "total": 80},
                                   {"function": "fast", "file": "/x/p.py", "self": 20,
                                    "total": 20}]},
        "cprofile": {"functions": [{"function": "slow", "file": "/x/p.py", "line": 1,
                                    "calls": 1, "tottime": 0.8, "cumtime": 0.8}],
                     "pstats": None},
    }


def test_the_text_reads_in_the_order_of_the_flow():
    report = json.loads(script_report.complete(json.dumps(made_up_report())))
    assert report["overhead"]["sampled_ratio"] == 1.02
    text = script_report.text(json.dumps(report), "10")
    order = ["p.py exited with 0 after 1.000 s wall, 0.900 s CPU",
             "2 outside Python",
             "the sampler 1.02x wall, 1.02x CPU; cProfile 1.60x wall, 1.67x CPU",
             "Where the time went", "80  80.0%      80  80.0%  slow (/x/p.py)",
             "heaviest stacks", "cProfile, by own time"]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions), text
    assert "Hot lines" not in text and "Memory" not in text and "What to try" not in text


def test_the_collapsed_stacks_are_the_samples():
    text = script_report.collapsed(json.dumps(made_up_report()))
    assert text == ("<module> (/x/p.py:9);slow (/x/p.py:2) 80\n"
                    "<module> (/x/p.py:9);fast (/x/p.py:5) 20\n")
