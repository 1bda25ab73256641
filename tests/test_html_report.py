"""The HTML report and the growth figures (pyscripts/optdemo/html.py and
plot.py) on the JSON of real runs: tiny, crash and mismatch at one size, a
sweep of crossover.py and of a workload whose every text is hostile HTML,
and tiny on two interpreters. The page must be well-formed, hold every
table, escape everything and reach for no network; the figures must be
valid SVG and PNG with one line per variant. Then headless Chromium loads
the page: no console message, and a screenshot that is not blank and shows
the tables' header colour."""

import importlib.util
import json
import os
import re
import struct
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from collections import Counter
from html.parser import HTMLParser

import pytest

SOURCE_ROOT = os.environ.get("OPTDEMO_SOURCE_ROOT") or os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(SOURCE_ROOT, "pyscripts"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from optdemo import html as report  # noqa: E402
from optdemo import plot  # noqa: E402
from cli_helpers import fixture, optdemo  # noqa: E402

PYTHON = os.environ.get("OPTDEMO_PYTHON", "/usr/bin/python3.11")
# matplotlib is compiled: Debian builds it for 3.11 only, so a CPython 3.13
# here draws no figure (the page says why: test_without_matplotlib_...).
needs_matplotlib = pytest.mark.skipif(
    importlib.util.find_spec("matplotlib") is None,
    reason="this interpreter cannot import matplotlib (Debian: python3-matplotlib, for 3.11)")
CHROMIUM = "/usr/bin/chromium"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HEADER_COLOUR = (0xdb, 0xe8, 0xf6)      # thead th's background in html.STYLE
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                 "source", "track", "wbr"}

HOSTILE = '''"""Every text of this workload is HTML that must not run."""

ID = "hostile"
TITLE = "<script>alert('title')</script> costs $5 & <b>more</b>"
SECTION = "</section><h1>section</h1>"
EXPLANATION = """A paragraph with <img src=x onerror=alert(1)> & `code <b>`.

A second one: see https://example.com/page (plain text, never a link)."""
SIZES = {"quick": 100, "default": 100, "sweep": [100, 1000]}
VARIANTS = ["before", "after"]
NOTES = {"after": "<i>a note</i> -->"}


def setup(n):
    return list(range(n))


def before(data):
    return sum(data)


def after(data):
    print("<script>alert('printed')</script>")
    return sum(data)  # </code></pre><script>alert('source')</script>
'''


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The JSON text of each run, by name."""
    folder = tmp_path_factory.mktemp("runs")
    hostile = folder / "hostile.py"
    hostile.write_text(HOSTILE)
    texts = {}
    commands = {
        "fixtures": [fixture("tiny"), fixture("crash"), fixture("mismatch")],
        "sweep": ["--sweep", "--no-memory", fixture("crossover"), str(hostile)],
        "builds": ["--no-memory", "--interpreter", "embedded", "--interpreter", PYTHON,
                   fixture("tiny")],
    }
    for name, arguments in commands.items():
        path = folder / f"{name}.json"
        completed = optdemo("run", "--quick", "--no-gap", *arguments, "--json", str(path))
        assert path.exists(), completed.stderr
        texts[name] = path.read_text()
    return texts


class PageChecker(HTMLParser):
    """Checks that every tag closes in order, and collects what the tests
    look at: attributes, text, and each table's caption, row headers and
    cells."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.tags = [], [], Counter()
        self.attributes, self.texts, self.tables = [], [], []
        self.doctype = None

    def handle_decl(self, declaration):
        self.doctype = declaration

    def handle_starttag(self, name, attributes):
        self._record(name, attributes)
        if name not in VOID_ELEMENTS:
            self.stack.append(name)
        if name == "table":
            self.tables.append({"class": dict(attributes).get("class"), "caption": "",
                                "rows": []})
        elif name == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif name in ("th", "td") and self.tables and self.tables[-1]["rows"]:
            self.tables[-1]["rows"][-1].append("")

    def handle_startendtag(self, name, attributes):
        self._record(name, attributes)

    def handle_endtag(self, name):
        if name in VOID_ELEMENTS:
            return
        if not self.stack or self.stack[-1] != name:
            self.errors.append(f"</{name}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()

    def handle_data(self, data):
        self.texts.append((tuple(self.stack), data))
        if not self.tables or "table" not in self.stack:
            return
        table = self.tables[-1]
        if "caption" in self.stack:
            table["caption"] += data
        elif ("th" in self.stack or "td" in self.stack) and table["rows"] and table["rows"][-1]:
            table["rows"][-1][-1] += data

    def _record(self, name, attributes):
        self.tags[name] += 1
        self.attributes.extend((name, key, value or "") for key, value in attributes)


def check_page(page):
    checker = PageChecker()
    checker.feed(page)
    checker.close()
    assert checker.doctype == "DOCTYPE html"
    assert checker.errors == []
    assert checker.stack == [], f"never closed: {checker.stack}"
    assert re.search(r'<html lang="en">', page)
    return checker


def results_tables(checker):
    return [t for t in checker.tables if t["class"] == "results"]


def no_network(checker):
    """Nothing the browser would fetch or run: no script, no external
    resource, no URL in an attribute or in the CSS. A URL in text is fine."""
    for name in ("script", "link", "iframe", "img", "object", "embed", "base", "image"):
        assert checker.tags[name] == 0, f"<{name}> in the page"
    for name, key, value in checker.attributes:
        assert not key.startswith("on"), f"<{name} {key}=...>"
        # url(#id) and href="#id" point inside the page.
        assert not re.search(r"https?:|url\((?!#)|^//|^file:", value, re.IGNORECASE), (
            f"<{name} {key}={value!r}>")
    for stack, data in checker.texts:
        if stack and stack[-1] in ("style", "script"):
            assert not re.search(r"https?:|url\((?!#)|@import", data), data[:200]


def test_the_page_of_fixtures_has_every_table(runs):
    results = json.loads(runs["fixtures"])
    page = report.render(runs["fixtures"])
    checker = check_page(page)
    no_network(checker)
    tables = results_tables(checker)
    for summary in results["optdemo"]["workloads"]:
        caption = f"{summary['workload']} at n = {summary['n']:,} on {summary['interpreter']}"
        table = next(t for t in tables if t["caption"].startswith(caption))
        body = [row for row in table["rows"] if row and row[0] != "variant"]
        assert [row[0] for row in body] == [v["variant"] for v in summary["variants"]]
        for row, variant in zip(body, summary["variants"]):
            check = {"ok": "✓", "mismatch": "FAILED", "crashed": "CRASHED"}[variant["status"]]
            assert row[-1] == check
            if "speedup" in variant:
                word = "faster" if variant["speedup"] >= 1 else "slower"
                assert f"× {word}" in " ".join(row)
    header = next(row for row in tables[0]["rows"] if row and row[0] == "variant")
    assert header == ["variant", "median", "IQR/2", "min", "vs before", "95% CI", "mem peak",
                      "per item", "check"]
    text = "".join(data for _, data in checker.texts)
    assert "after FAILED, result differs from before's:expected 4950, got 4851" in text
    assert "killed by signal 11" in text
    for summary in results["optdemo"]["workloads"]:
        for name, source in summary["sources"].items():
            assert report.escape(source.rstrip("\n")) in page


def test_every_scope_and_the_contents(runs):
    checker = check_page(report.render(runs["fixtures"]))
    scoped = [value for name, key, value in checker.attributes if name == "th" and key == "scope"]
    assert scoped.count("col") >= 9 * 3 and "row" in scoped
    hrefs = [value for name, key, value in checker.attributes if name == "a" and key == "href"]
    ids = {value for name, key, value in checker.attributes if key == "id"}
    assert hrefs and all(href[1:] in ids for href in hrefs if href.startswith("#"))


def test_hostile_text_is_escaped(runs):
    page = report.render(runs["sweep"])
    checker = check_page(page)
    no_network(checker)
    for fragment in ("<script", "<img", "<b>more", "<i>a note", "<h1>section"):
        assert fragment not in page
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt; costs $5 &amp;" in page
    text = "".join(data for _, data in checker.texts)
    for fragment in ("<script>alert('title')</script> costs $5 & <b>more</b>",
                     "<img src=x onerror=alert(1)> &", "</section><h1>section</h1>",
                     "<script>alert('printed')</script>", "<i>a note</i> -->",
                     "</code></pre><script>alert('source')</script>",
                     "https://example.com/page"):
        assert fragment in text
    assert checker.tags["h1"] == 1


@needs_matplotlib
def test_a_sweep_gets_a_growth_table_and_an_inline_figure(runs):
    results = json.loads(runs["sweep"])
    figures = plot.growth_figures(runs["sweep"], formats=("svg",))
    page = report.render(runs["sweep"], figures)
    checker = check_page(page)
    growth = [t for t in checker.tables if t["class"] == "growth"]
    assert len(growth) == 2
    assert ("figure", "class", "plot") in checker.attributes
    assert checker.attributes.count(("figure", "class", "plot")) == 2
    # Besides the growth figures: a speedup chart per table, the largest n's
    # again outside the <details> that fold the tables away.
    assert checker.tags["svg"] == 2 + len(results["optdemo"]["workloads"]) + 2
    for entry in results["optdemo"]["growth"]:
        if "exponent" in entry:
            assert f"{entry['exponent']:.2f}</sup> [{entry['exponent_ci_low']:.2f}, " in page
    for crossing in results["optdemo"]["crossovers"]:
        assert f"{crossing['faster_after']}</code> overtakes <code>" in page
    ids = [value for _, key, value in checker.attributes if key == "id"]
    assert len(ids) == len(set(ids)), "two figures share an id"
    assert report.render(runs["sweep"]) == page          # figures=None makes the same


def test_the_matrix_of_builds(runs):
    labels = [item["label"] for item in json.loads(runs["builds"])["optdemo"]["interpreters"]]
    page = report.render(runs["builds"])
    checker = check_page(page)
    assert 'id="matrix"' in page and len(labels) == 2
    matrix = next(t for t in checker.tables if t["caption"].startswith("Speedup over before"))
    assert matrix["rows"][0] == ["workload/variant", *labels]
    assert [row[0] for row in matrix["rows"][1:]] == ["tiny/before", "tiny/after"]
    assert len(results_tables(checker)) == 2


def test_without_matplotlib_the_page_says_why(runs, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    for call in (plot.check_available, lambda: plot.growth_figures(runs["sweep"])):
        with pytest.raises(plot.PlotError, match="apt-get install python3-matplotlib"):
            call()
    assert plot.growth_figures(runs["fixtures"]) == {}      # no sweep: no matplotlib needed
    page = report.render(runs["sweep"])
    check_page(page)
    assert "No figure: " in page and "python3-matplotlib" in page


def png_size(data):
    assert data[:8] == PNG_SIGNATURE
    return struct.unpack(">II", data[16:24])


@needs_matplotlib
def test_figures_are_valid_svg_and_png_with_a_line_per_variant(runs):
    results = json.loads(runs["sweep"])
    figures = plot.growth_figures(runs["sweep"])
    assert set(figures) == {"crossover@embedded", "hostile@embedded"}
    for key, formats in figures.items():
        workload = key.split("@")[0]
        variants = [e["variant"] for e in results["optdemo"]["growth"] if e["workload"] == workload]
        crossings = [c for c in results["optdemo"]["crossovers"] if c["workload"] == workload]
        root = ElementTree.fromstring(formats["svg"])
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        groups = [g.get("id") for g in root.iter("{http://www.w3.org/2000/svg}g")]
        assert [g for g in groups if g and g.startswith("variant-")] == [
            f"variant-{name}" for name in variants]
        assert len([g for g in groups if g and g.startswith("crossover-")]) == len(crossings)
        assert b"<dc:date>" not in formats["svg"]
        assert png_size(formats["png"]) == (1600, 1000)
    assert plot.growth_figures(runs["sweep"]) == figures, "not deterministic"
    assert plot.growth_figures(runs["fixtures"]) == {}


@needs_matplotlib
def test_write_figures_names_the_files(runs, tmp_path):
    written = plot.write_figures(runs["sweep"], str(tmp_path / "fig"))
    assert written == [str(tmp_path / name) for name in (
        "fig-crossover.svg", "fig-crossover.png", "fig-hostile.svg", "fig-hostile.png")]
    assert all(os.path.getsize(path) > 1000 for path in written)
    # Several interpreters: the label joins the name, made safe for a file.
    results = json.loads(runs["sweep"])
    section = results["optdemo"]
    section["interpreters"].append({"label": "/opt/py 3.12", "metadata": {}})
    section["growth"] += [dict(e, interpreter="/opt/py 3.12") for e in section["growth"]]
    names = [os.path.basename(base) for _, base in plot.figure_paths(results, "fig")]
    assert names == ["fig-crossover-embedded", "fig-hostile-embedded", "fig-crossover-opt_py_3.12",
                     "fig-hostile-opt_py_3.12"]


def longest_band(image, colour, min_pixels):
    """The most consecutive rows with at least min_pixels of colour."""
    width, height = image.size
    pixels = image.load()
    best = current = 0
    for y in range(height):
        count = sum(1 for x in range(0, width, 2) if pixels[x, y] == colour) * 2
        current = current + 1 if count >= min_pixels else 0
        best = max(best, current)
    return best


@pytest.fixture(scope="module")
def chromium():
    """Chromium and PIL, or a skip that names the missing Debian package
    (before the runs are made: module fixtures start in argument order)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is absent (Debian: apt-get install chromium)")
    return pytest.importorskip("PIL.Image", reason="python3-pil is absent (Debian: "
                                                   "apt-get install python3-pil)")


@pytest.mark.parametrize("name", ["fixtures", "sweep"])
def test_chromium_renders_the_page(chromium, runs, tmp_path, name):
    image_module = chromium
    page = tmp_path / "report.html"
    page.write_text(report.render(runs[name]), encoding="utf-8")
    screenshot = tmp_path / "page.png"
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
               "--enable-logging=stderr", "--v=0", "--virtual-time-budget=2000",
               f"--screenshot={screenshot}", "--window-size=1280,2000", page.as_uri()]
    environment = dict(os.environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
                       XDG_CACHE_HOME=str(tmp_path / "cache"))
    # tests/run-sanitized.sh preloads libasan into every child: not into Chromium
    for name in ("LD_PRELOAD", "ASAN_OPTIONS", "PYTHONMALLOC"):
        environment.pop(name, None)
    started = time.monotonic()
    completed = subprocess.run(command, capture_output=True, text=True, timeout=120,
                               env=environment, cwd=tmp_path)
    print(f"chromium took {time.monotonic() - started:.1f} s")
    assert completed.returncode == 0, completed.stderr[-2000:]
    # Every console message: the page has no script, so any message is a
    # blocked resource (the CSP), a parse problem or an error.
    console = [line for line in completed.stderr.splitlines()
               if re.search(r"CONSOLE[(:]|Uncaught", line)]
    assert console == []
    image = image_module.open(screenshot).convert("RGB")
    assert image.size == (1280, 2000)
    assert len(set(image.getdata())) > 100, "a blank page"
    assert longest_band(image, HEADER_COLOUR, 300) >= 20, "no table header in the screenshot"



@pytest.mark.parametrize("metadata, words", [
    ({"free_threaded": False, "gil_enabled": True}, None),
    ({}, None),                                          # a file from before these keys
    ({"free_threaded": True, "gil_enabled": False}, "free-threaded, GIL disabled"),
    ({"free_threaded": True, "gil_enabled": True}, "free-threaded, GIL re-enabled at run time"),
])
def test_the_interpreter_line_says_what_became_of_the_gil(metadata, words):
    """As the terminal's header says it (interpreters.c): a free-threaded
    build whose GIL an import turned back on is not measuring free-threading."""
    item = {"label": "3.13t", "path": "/opt/python3.13t", "template": "python",
            "metadata": dict(metadata, python_implementation="cpython",
                             python_version="3.13.5", python_build="release")}
    line = report.describe_interpreter(item)
    if words is None:
        assert "free-threaded" not in line
    else:
        assert line.startswith(f"cpython 3.13.5 release ({words}), /opt/python3.13t;")


# --- the speedup chart: one per results table, drawn by hand as inline SVG ---

LADDER = [   # (variant, speedup, CI low, CI high, verdict) or (variant, status)
    ("after", 2.0, 1.9, 2.1, "faster"),
    ("native", 10.0, 9.5, 10.6, "faster"),
    ("cython_untyped", 1.01, 0.97, 1.04, "same"),
    ("cython", 950.0, 900.0, 1000.0, "faster"),
    ("mypyc", 0.5, 0.48, 0.52, "slower"),
    ("mypyc_hot", 1.3, 0.9, 1.9, "unclear"),
    ("pyo3", "unavailable"),
    ("numba", "skipped"),
    ("broken", "mismatch"),
]


def ladder_results(text):
    """The fixtures run with tiny's variants replaced by a ladder of nine:
    speedups from 0.5x to 950x, every verdict, and three without a bar."""
    results = json.loads(text)
    tiny = next(s for s in results["optdemo"]["workloads"] if s["workload"] == "tiny")
    before = next(v for v in tiny["variants"] if v["variant"] == "before")
    variants = [before]
    for name, *rest in LADDER:
        if len(rest) == 1:
            variants.append({"variant": name, "status": rest[0]})
            continue
        speedup, low, high, verdict = rest
        median = before["median"] / speedup
        variants.append(dict(before, variant=name, median=median, min=median, speedup=speedup,
                             speedup_ci_low=low, speedup_ci_high=high, verdict=verdict))
    tiny["variants"] = variants
    return results


def speedup_charts(page):
    """Each speedup chart of the page, parsed: (figure's HTML, svg root)."""
    charts = []
    for figure in re.findall(r'<figure class="speedups">.*?</figure>', page, re.DOTALL):
        svg = re.search(r"<svg\b.*?</svg>", figure, re.DOTALL).group(0)
        charts.append((figure, ElementTree.fromstring(svg)))
    return charts


def chart_rows(root):
    """{variant: its row's <g>} of one chart."""
    rows = {}
    for group in root.iter("g"):
        if "row" in (group.get("class") or "").split():
            name = next(t for t in group.iter("text") if t.get("class") == "name")
            rows[name.text] = group
    return rows


def marks(group, element, css):
    return [item for item in group.iter(element) if css in (item.get("class") or "").split()]


def test_a_table_with_speedups_gets_a_speedup_chart_on_a_log_axis(runs):
    page = report.render(json.dumps(ladder_results(runs["fixtures"])))
    checker = check_page(page)
    no_network(checker)
    assert "<script" not in page
    tiny = [(figure, root) for figure, root in speedup_charts(page)
            if "tiny at n = " in root.get("aria-label")]
    assert len(tiny) == 1
    figure, root = tiny[0]
    assert root.get("role") == "img"
    rows = chart_rows(root)
    assert list(rows) == [name for name, *_ in LADDER]      # the run's order, before left out
    position = {}
    for name, *rest in LADDER:
        group = rows[name]
        if len(rest) == 1:            # no bar, no dot, no whisker: the status in words
            assert not marks(group, "circle", "point") and not marks(group, "rect", "bar")
            assert not marks(group, "line", "ci")
            status = next(t for t in group.iter("text") if t.get("class") == "status")
            assert report.STATUS_WORDS[rest[0]] in status.text
            assert name in root.get("aria-label")
            continue
        speedup, low, high, verdict = rest
        [point] = marks(group, "circle", "point")
        assert len(marks(group, "rect", "bar")) == 1
        [whisker] = marks(group, "line", "ci")
        x_low, x_high = float(whisker.get("x1")), float(whisker.get("x2"))
        position[speedup] = float(point.get("cx"))
        assert x_low < position[speedup] < x_high
        assert any(verdict in (g.get("class") or "").split() for g in group.iter("g"))
        figure_text = next(t for t in group.iter("text") if t.get("class") == "figure")
        text, _, _ = report.speedup_cells(speedup, low, high, verdict)
        assert figure_text.text == text
        assert f"{name} {text}" in root.get("aria-label")
    ordered = sorted(position)
    assert [position[s] for s in ordered] == sorted(position.values())
    assert len(set(position.values())) == len(position)
    # A log axis: equal ratios, equal distances (2x to 1.01x is ~1x to 0.5x).
    assert position[10.0] - position[2.0] == pytest.approx(
        (position[2.0] - position[0.5]) * (1 - 0.30103) / 0.60206, rel=1e-3)
    ticks = [t.text for t in root.iter("text") if t.get("class") == "tick"]
    assert {"0.1×", "1×", "10×", "100×", "1000×"} <= set(ticks)
    assert [line for line in root.iter("line") if line.get("class") == "one"], "1x unmarked"
    assert "<figcaption>" in figure


def test_a_speedup_without_a_ci_gets_no_whisker():
    rows = [{"variant": "before", "status": "ok", "median": 1.0},
            {"variant": "after", "status": "ok", "median": 0.25, "speedup": 4.0,
             "verdict": "faster"}]
    summary = {"workload": "w", "n": 10, "interpreter": "embedded", "variants": rows}
    root = speedup_charts(report.speedup_figure(summary))[0][1]
    group = chart_rows(root)["after"]
    assert len(marks(group, "circle", "point")) == 1 and not marks(group, "line", "ci")


def test_no_chart_without_a_speedup(runs):
    summary = {"workload": "w", "n": 10, "interpreter": "embedded",
               "variants": [{"variant": "before", "status": "ok", "median": 1.0},
                            {"variant": "after", "status": "unavailable"}]}
    assert report.speedup_figure(summary) == ""


def test_wide_pages_code_that_wraps_and_prose_that_keeps_its_measure():
    """The main column uses a wide window (no max-width on the body); prose
    keeps ~80 characters a line; the sources' panes wrap long lines
    rather than hide them."""
    body = re.search(r"\nbody \{([^}]*)\}", report.STYLE).group(1)
    assert "max-width" not in body
    assert re.search(r"\bp\b[^{]*\{[^}]*max-width: 80ch", report.STYLE)
    sources = re.search(r"\.sources pre \{([^}]*)\}", report.STYLE).group(1)
    assert "white-space: pre-wrap" in sources and "overflow-wrap: anywhere" in sources
