"""The page of `optdemo profile SCRIPT.py --html` (pyscripts/optdemo/
profile_page.py) and its flame graph (flamegraph.py), on made-up reports:
well-formed, no script, box widths proportional to samples, frames merged
by function, narrow boxes left out and counted, every name escaped, each
section there exactly when its key is, the same bytes for the same stacks."""

import copy
import os
import random
import re
import sys
from html.parser import HTMLParser

from hypothesis import given, settings, strategies as st

SOURCE_ROOT = os.environ.get("OPTDEMO_SOURCE_ROOT") or os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(SOURCE_ROOT, "pyscripts"))

from optdemo import flamegraph, profile_page  # noqa: E402

VOID = {"meta", "link", "br", "hr", "img", "input", "source", "wbr", "col", "area", "base"}

REPORT = {
    "schema": "optdemo-profile-script/1",
    "program": {"argv": ["s.py", "--size", "10"], "module": False, "cwd": "/x",
                "exit_code": 0, "interpreter": "CPython 3.11.2"},
    "times": {"wall": 1.23, "cpu": 1.20},
    "sampling": {
        "rate": 1000, "clock": "wall", "samples": 1200, "dropped": 0, "empty": 3,
        "truncated": 0, "handler_seconds": 0.002,
        "stacks": [{"stack": "<module> (/x/s.py:10);main (/x/s.py:5);slow (/x/s.py:2)",
                    "count": 900},
                   {"stack": "<module> (/x/s.py:10);main (/x/s.py:6);fast (/x/s.py:8)",
                    "count": 300}],
        "functions": [{"function": "slow", "file": "/x/s.py", "self": 900, "total": 900}],
        "awaiting": {"snapshots": 40, "stacks": [
            {"stack": "task main (/x/s.py);main (/x/s.py:12);fetch (/x/s.py:4)", "count": 38}]}},
    "overhead": {"plain": 1.10, "sampled": 1.13, "cprofile": 1.80, "sampled_ratio": 1.027,
                 "cprofile_ratio": 1.64},
    "cprofile": {"functions": [{"function": "slow", "file": "/x/s.py", "line": 1, "calls": 1,
                                "tottime": 0.9, "cumtime": 0.9}], "pstats": "/tmp/x.pstats"},
    "lines": {"functions": [{"function": "slow", "file": "/x/s.py", "first_line": 1,
                             "seconds": 1.0, "lines": [
                                 {"line": 2, "hits": 1000, "seconds": 0.75,
                                  "code": "    for x in data:"},
                                 {"line": 3, "hits": 999, "seconds": 0.25,
                                  "code": "        if x in seen:"}]}],
              "slowdown": 3.2},
    "memory": {"peak_bytes": 1234567, "sites": [{"file": "/x/s.py", "line": 3, "bytes": 800000,
                                                 "count": 1000, "code": "data = [...]"}]},
    "findings": [{"rule": "OPT002", "lesson": "list_membership",
                  "message": "`x in seen` scans a list", "file": "/x/s.py", "line": 4,
                  "function": "slow", "share": 0.76, "speedup": 120.0, "saving": 0.75,
                  "code": "if x in seen:"}],
}
SECTIONS = {"overhead": "overhead", "awaiting": "awaiting", "findings": "findings",
            "lines": "lines", "cprofile": "cprofile", "memory": "memory"}


class Page(HTMLParser):
    """Checks that every tag is closed in order, and collects the flame
    graphs' boxes: [{"title", "x", "y", "width", "fill", "text"}] per <svg>."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.open, self.tags, self.ids, self.graphs = [], [], [], []
        self.box, self.field = None, None
        self.feed(text)
        self.close()
        assert not self.open, f"never closed: {self.open}"

    def handle_starttag(self, name, attributes):
        attributes = dict(attributes)
        self.tags.append(name)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if name in VOID:
            return
        self.open.append(name)
        if name == "svg" and attributes.get("font-family"):
            self.graphs.append([])
        if name == "g" and attributes.get("class") == "frame":
            self.box = {"title": "", "text": ""}
            self.graphs[-1].append(self.box)
        if self.box is not None and name in ("title", "text"):
            self.field = name

    def handle_startendtag(self, name, attributes):
        self.tags.append(name)
        if name == "rect" and self.box is not None:
            attributes = dict(attributes)
            self.box.update(x=float(attributes["x"]), y=float(attributes["y"]),
                            width=float(attributes["width"]), fill=attributes["fill"])

    def handle_endtag(self, name):
        assert self.open and self.open[-1] == name, f"</{name}> closes {self.open[-1:]}"
        self.open.pop()
        if name == "g" and self.box is not None:
            self.box = None
        self.field = None

    def handle_data(self, data):
        if self.box is not None and self.field:
            self.box[self.field] += data


def boxes(stacks, **keywords):
    return Page(flamegraph.svg(stacks, **keywords)).graphs[0]


def by_name(graph):
    found = {}
    for box in graph:
        found.setdefault(box["title"].split("\n")[0], []).append(box)
    return found


def test_the_whole_page_is_well_formed_without_script_or_network():
    text = profile_page.render(REPORT)
    page = Page(text)
    assert text.startswith("<!DOCTYPE html>")
    assert "script" not in page.tags and "<script" not in text.lower()
    assert not re.search(r"https?://|\bsrc=|url\(", text), "a reference outside the page"
    assert "default-src 'none'" in text
    assert len(page.graphs) == 2                 # the samples, the tasks at an await
    for section in SECTIONS.values():
        assert section in page.ids


def test_widths_are_proportional_to_samples():
    graph = by_name(boxes(REPORT["sampling"]["stacks"]))
    slow, fast, main = graph["slow"][0], graph["fast"][0], graph["main"][0]
    assert slow["width"] == 3 * fast["width"]
    assert slow["width"] + fast["width"] == main["width"] == flamegraph.WIDTH
    assert "900 samples, 75.0%" in slow["title"] and "300 samples, 25.0%" in fast["title"]
    assert fast["x"] + fast["width"] == slow["x"]         # sorted by name: fast, then slow


def test_the_root_is_at_the_bottom():
    graph = by_name(boxes(REPORT["sampling"]["stacks"]))
    heights = [graph[name][0]["y"] for name in ("all", "<module>", "main", "slow")]
    assert heights == sorted(heights, reverse=True)
    assert "root at the bottom" in profile_page.render(REPORT).lower()


def test_frames_merge_by_function_not_by_line():
    stacks = [{"stack": "main (a.py:1);f (a.py:3)", "count": 2},
              {"stack": "main (a.py:1);f (a.py:9)", "count": 5},
              {"stack": "main (a.py:2);f (b.py:3)", "count": 1},     # another file: another f
              {"stack": "main (a.py:1);g (a.py:4);f (a.py:3)", "count": 4}]   # another parent
    graph = by_name(boxes(stacks))
    assert len(graph["main"]) == 1 and "12 samples" in graph["main"][0]["title"]
    fs = sorted(graph["f"], key=lambda box: (box["y"], box["x"]))
    assert len(fs) == 3
    titles = sorted(box["title"] for box in fs)
    assert titles == sorted(["f\na.py\n7 samples, 58.3% (7 in the function itself)",
                             "f\nb.py\n1 sample, 8.3% (1 in the function itself)",
                             "f\na.py\n4 samples, 33.3% (4 in the function itself)"])
    merged = next(box for box in fs if "7 samples" in box["title"])
    assert merged["width"] == round(flamegraph.WIDTH * 7 / 12, 2)


def test_narrow_boxes_are_left_out_and_counted():
    stacks = [{"stack": "main (a.py:1);big (a.py:2)", "count": 9990},
              {"stack": "main (a.py:1);tiny (a.py:3);tinier (a.py:4)", "count": 5},
              {"stack": "main (a.py:1);small (a.py:5)", "count": 5}]
    text = flamegraph.svg(stacks)
    graph = by_name(Page(text).graphs[0])
    assert "tiny" not in graph and "tinier" not in graph and "small" not in graph
    assert graph["big"][0]["width"] == round(flamegraph.WIDTH * 0.999, 2)
    assert "3 boxes narrower than 0.1% of the width left out (10 samples, 0.10% of 10,000)" \
        in text
    # at 0.1% exactly a box stays
    kept = by_name(boxes([{"stack": "a (a.py:1)", "count": 999},
                          {"stack": "b (a.py:1)", "count": 1}]))
    assert "b" in kept and kept["b"][0]["width"] == 1.2


def test_labels_are_cut_to_their_box():
    long_name = "a_function_with_a_rather_long_name_indeed"
    stacks = [{"stack": f"{long_name} (a.py:1)", "count": 3},
              {"stack": "other (a.py:1)", "count": 97}]
    box = by_name(boxes(stacks))[long_name][0]
    assert box["width"] == 36
    assert box["text"].endswith("…") and long_name.startswith(box["text"][:-1])
    assert len(box["text"]) * flamegraph.CHAR <= box["width"]
    assert box["title"].startswith(long_name)             # the tooltip keeps it whole
    thin = by_name(boxes([{"stack": "x (a.py:1)", "count": 1},
                          {"stack": "y (a.py:1)", "count": 99}]))["x"][0]
    assert thin["text"] == ""


def test_every_name_is_escaped():
    hostile = "<listcomp></title><script>alert(1)</script>&amp"    # ";" separates frames
    report = copy.deepcopy(REPORT)
    report["program"]["argv"] = ["<b>s.py</b>"]
    report["sampling"]["stacks"].append({"stack": f"<module> (/x/s.py:1);{hostile} "
                                                  "(/x/<s>.py:2)", "count": 100})
    report["findings"][0]["message"] = "</li><script>x</script>"
    report["findings"][0]["code"] = "if a < b and c > d:"
    report["lines"]["functions"][0]["lines"][0]["code"] = "</td><script>"
    report["memory"]["sites"][0]["code"] = "x = '<script>'"
    report["cprofile"]["functions"][0]["function"] = "<genexpr>"
    text = profile_page.render(report)
    page = Page(text)
    assert "script" not in page.tags and "<script" not in text
    assert "<module>" not in text and "&lt;module&gt;" in text
    assert "&lt;genexpr&gt;" in text and "if a &lt; b and c &gt; d:" in text
    names = by_name(page.graphs[0])
    assert hostile in names                       # the parser reads back the very name
    assert "/x/<s>.py" in names[hostile][0]["title"]


def test_sections_appear_only_with_their_keys():
    minimal = {"program": {"argv": ["s.py"]}, "sampling": {"samples": 0, "stacks": []}}
    page = Page(profile_page.render(minimal))
    assert not set(SECTIONS.values()) & set(page.ids)
    assert "flame" in page.ids and len(page.graphs) == 1
    for key, section in SECTIONS.items():
        report = copy.deepcopy(REPORT)
        if key == "awaiting":
            del report["sampling"]["awaiting"]
        else:
            del report[key]
        ids = Page(profile_page.render(report)).ids
        assert section not in ids
        assert set(SECTIONS.values()) - {section} <= set(ids)


def test_no_samples_still_makes_a_graph():
    text = flamegraph.svg([], title="Nothing")
    Page(text)
    assert "no samples" in text


def test_the_same_stacks_give_the_same_bytes():
    stacks = REPORT["sampling"]["stacks"] + [
        {"stack": "<module> (/x/s.py:10);helper (/usr/lib/python3.11/json/encoder.py:2)",
         "count": 7}]
    shuffled = list(reversed(stacks))
    assert flamegraph.svg(stacks) == flamegraph.svg(shuffled)
    report = copy.deepcopy(REPORT)
    report["sampling"]["stacks"] = list(reversed(REPORT["sampling"]["stacks"]))
    assert profile_page.render(report) == profile_page.render(REPORT)


def test_colours_by_file_with_the_library_greyer():
    stacks = [{"stack": "main (/x/s.py:1);a (/x/s.py:2)", "count": 5},
              {"stack": "main (/x/s.py:1);b (/x/s.py:3)", "count": 5},
              {"stack": "main (/x/s.py:1);dumps (/usr/lib/python3.11/json/__init__.py:9)",
               "count": 5}]
    graph = by_name(boxes(stacks))

    def hsl(box):
        return tuple(int(n) for n in re.findall(r"\d+", box["fill"]))
    own, other, library = hsl(graph["a"][0]), hsl(graph["b"][0]), hsl(graph["dumps"][0])
    assert own[0] == other[0] and own[0] < 60                   # one file, one warm hue
    assert library[1] < own[1] / 2                              # greyer


def test_findings_lines_and_overhead_say_what_they_measured():
    text = profile_page.render(REPORT)
    assert "optdemo show list_membership" in text
    assert "76.0% of the samples" in text and "120× faster" in text and "750 ms" in text
    assert "<code>x in seen</code>" in text                    # backticks read as code
    assert "75.0%" in text and "25.0%" in text                  # each line's share
    assert 'width="90"' in text and 'width="30"' in text        # the bars: 3:1 of 120 px
    assert "1.64×" in text and "python -m pstats /tmp/x.pstats" in text
    assert "1.18 MiB" in text and "python s.py --size 10" in text


def test_the_functions_by_samples_are_listed_and_capped():
    report = copy.deepcopy(REPORT)
    report["sampling"]["functions"] = [
        {"function": f"f{index}", "file": "/x/s.py", "self": 100 - index, "total": 200}
        for index in range(25)]
    text = profile_page.render(report)
    assert "<code>f19</code>" in text and "<code>f20</code>" not in text
    assert "5 more with fewer samples." in text
    assert "8.3%" in text                                       # f0: 100 of 1,200


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.lists(st.sampled_from(["f", "g", "<lambda>", "h&i"]),
                                   min_size=1, max_size=5),
                          st.integers(min_value=1, max_value=5000)),
                min_size=1, max_size=12))
def test_callees_fit_inside_their_caller(entries):
    stacks = [{"stack": ";".join(f"{name} (m.py:{random.randint(1, 9)})" for name in names),
               "count": count} for names, count in entries]
    graph = boxes(stacks)
    total = sum(count for _, count in entries)
    for box in graph:
        samples = int(re.search(r"([\d,]+) samples?", box["title"]).group(1).replace(",", ""))
        assert abs(box["width"] - flamegraph.WIDTH * samples / total) <= 0.01
        below = [other for other in graph if other["y"] == box["y"] + flamegraph.ROW
                 and other["x"] <= box["x"] + 0.01
                 and box["x"] + box["width"] <= other["x"] + other["width"] + 0.02]
        assert below or box["title"].startswith("all\n")
