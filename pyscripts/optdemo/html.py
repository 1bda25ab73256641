"""The HTML report of a run: one self-contained page from the run's JSON.

`optdemo run --html FILE` calls render() with the run's JSON text. The page
holds what the terminal shows -- the same columns, notes and verdict words
-- plus each lesson's explanation and code, a speedup chart under each
table and the growth figures of a sweep (inline SVG), the matrix of builds
and the full metadata.

Key choices: no network at all (inline CSS, inline SVG, no script, and a
Content-Security-Policy that would block anything else), every piece of text
through escape() -- workload files are user input --, and plain string
building with one small function per part of the page, so the page's
structure can be read off this file top to bottom.
"""

from html import escape
import re
import shlex

from . import plot
from . import speedup_chart

STATUS_WORDS = {"ok": "✓", "mismatch": "FAILED", "error": "ERROR", "timeout": "TIMEOUT",
                "crashed": "CRASHED", "skipped": "skipped", "not run": "not run",
                "unavailable": "unavailable"}
BAD_STATUSES = {"mismatch", "error", "timeout", "crashed"}
DETAIL_HEADINGS = {"mismatch": " FAILED, result differs from before's", "timeout": " TIMEOUT",
                   "crashed": " CRASHED"}
VERDICT_CLASSES = {"faster": "faster", "slower": "slower", "same": "same", "unclear": "unclear",
                   "too few values": "unclear"}       # the speedup chart's colours
VERDICT_SUFFIXES = {"faster": " *", "slower": " *", "same": ", same", "unclear": ", unclear",
                    "too few values": ", too few values"}
MIN_EFFECT, ALPHA = 0.05, 0.01     # the verdict's thresholds (app/stats/analysis.c)

# Colours: text at least 7:1 against its background, the verdict colours
# and the warning colour at least 4.5:1. #dbe8f6 marks every column header.
STYLE = """
:root { color-scheme: light; }
/* The column takes the window's width: tables, charts and code use it all;
   prose keeps a readable measure of ~80 characters a line. */
body { font: 16px/1.5 system-ui, "DejaVu Sans", sans-serif; color: #1b1b1b;
  background: #ffffff; margin: 0 auto; padding: 1.5rem 2rem; }
p, .explanation { max-width: 80ch; }
h1 { font-size: 1.9rem; margin: 0 0 .5rem; }
h2 { font-size: 1.45rem; margin: 2.5rem 0 .5rem; border-bottom: 2px solid #9fb8d6; }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .4rem; }
a { color: #0b4f9c; }
code, pre { font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size: .9em; }
pre code { font-size: 1em; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 4px;
  padding: .6rem .8rem; overflow-x: auto; margin: .3rem 0 .8rem; line-height: 1.4; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
dl.facts ul { margin: 0; padding-left: 1.1rem; }
.muted { color: #555555; }
.banner { border: 2px solid #b3261e; background: #fdeceb; padding: .5rem .8rem; }
.table-wrap { overflow-x: auto; margin: .4rem 0 .6rem; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
caption { text-align: left; color: #555555; font-size: .9rem; padding-bottom: .25rem; }
th, td { padding: .3rem .65rem; border-bottom: 1px solid #d0d7de; text-align: left;
  vertical-align: top; white-space: nowrap; }
thead th { background: #dbe8f6; color: #10243e; border-bottom: 2px solid #9fb8d6; }
tbody th { font-weight: 600; }
tbody tr:nth-child(even) { background: #f7f9fc; }
td.num, th.num { text-align: right; }
table.wrap td { white-space: normal; min-width: 20rem; }
.faster { color: #0a6b2d; font-weight: 600; }
td.hot { background: #fdeceb; font-weight: 600; }
.slower { color: #b3261e; font-weight: 600; }
.bad { color: #b3261e; font-weight: 700; }
.warn, .mark { color: #7a4a00; }
.mark { font-weight: 700; }
ul.notes { margin: .2rem 0 1rem; padding-left: 1.2rem; }
ul.notes li { margin: .15rem 0; }
.explanation { max-width: 48rem; }
.sources { display: grid; gap: .8rem;
  grid-template-columns: repeat(auto-fit, minmax(min(100%, 34rem), 1fr)); }
.sources figure { margin: 0; min-width: 0; }
/* Long lines wrap rather than scroll: a side-by-side pane's scrollbar is
   often invisible (overlay scrollbars, screenshots, print) and hides that
   text goes on, and two panes each scrolling sideways are hard to compare.
   Only the rare long line wraps, so the indentation still reads. */
.sources pre { white-space: pre-wrap; overflow-wrap: anywhere; }
.sources figcaption { font-weight: 600; }
figure.plot { margin: .5rem 0 1rem; }
figure.plot svg { width: 100%; max-width: 56rem; height: auto; }
figure.plot figcaption, figure.speedups figcaption { color: #555555; font-size: .9rem; }
figure.speedups { margin: .3rem 0 1.2rem; }
figure.speedups svg { width: 100%; max-width: 72rem; height: auto; font-family: inherit;
  font-variant-numeric: tabular-nums; }
.same { color: #555555; }
.unclear { color: #7a4a00; }
nav ol { columns: 2 22rem; padding-left: 1.4rem; }
details { margin: .5rem 0; }
summary { cursor: pointer; font-weight: 600; }
@media print {
  body { font-size: 10pt; padding: 0; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
  h2, h3 { break-after: avoid; }
  table, figure, pre { break-inside: avoid; }
  pre { white-space: pre-wrap; }
  thead th, .banner { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


# --- the terminal's cells (app/output/report.c), as text ---

def format_bytes(size):
    """'220 KiB', as report_format_bytes."""
    for unit in ("B", "KiB", "MiB"):
        if size < 1024:
            return f"{size:.3g} {unit}"
        size /= 1024
    return f"{size:.3g} GiB"


def format_factor(factor):
    """Three significant digits, zeros kept: '1.00', '17.9', '112'."""
    decimals = 2 if factor < 9.995 else 1 if factor < 99.95 else 0
    return f"{factor:.{decimals}f}"


def speedup_cells(speedup, low, high, verdict):
    """('3.21× faster *', '[2.82, 3.97]', css class), as report_format_speedup:
    a ratio under 1 reads as a factor slower, its CI turned the same way."""
    suffix = VERDICT_SUFFIXES.get(verdict)
    if suffix is None:
        return "", "", None
    slower = speedup < 1
    factor, low, high = (1 / speedup, 1 / high, 1 / low) if slower else (speedup, low, high)
    direction = "slower" if slower else "faster"
    text = f"{format_factor(factor)}× {direction}{suffix}"
    css = direction if suffix == " *" else None        # coloured only when significant
    return text, f"[{format_factor(low)}, {format_factor(high)}]", css


def growth_word(exponent):
    for limit, word in ((0.3, "flat"), (0.8, "sublinear"), (1.3, "linear"),
                        (1.7, "superlinear"), (2.4, "quadratic")):
        if exponent < limit:
            return word
    return "worse than quadratic"


# --- small HTML builders: content is HTML already, text goes through escape() ---

def tag(name, content, **attributes):
    """<name a="v">content</name>; class_ is class, aria_label is aria-label;
    a None value leaves the attribute out."""
    parts = [name] + [f'{key.rstrip("_").replace("_", "-")}="{escape(str(value))}"'
                      for key, value in attributes.items() if value is not None]
    return f"<{' '.join(parts)}>{content}</{name}>"


def code(text):
    return tag("code", escape(str(text)))


def pre(text, class_=None):
    return tag("pre", escape(str(text)), class_=class_)


def inline(text):
    """One line of plain text, escaped, with `backticks` as code; an unpaired
    backtick stays a backtick."""
    pieces = str(text).split("`")
    if len(pieces) % 2 == 0:
        return escape(str(text))
    return "".join(code(piece) if i % 2 else escape(piece) for i, piece in enumerate(pieces))


def prose(text):
    """Plain text as HTML: blank lines separate paragraphs, a paragraph's
    lines flow together, a block indented by four spaces stays as it is."""
    blocks = []
    for paragraph in re.split(r"\n\s*\n", str(text).strip("\n")):
        lines = paragraph.splitlines()
        if all(line.startswith("    ") or not line.strip() for line in lines):
            blocks.append(tag("pre", tag("code", escape("\n".join(x[4:] for x in lines)))))
        else:
            blocks.append(tag("p", inline(" ".join(line.strip() for line in lines))))
    return "\n".join(blocks)


def table(caption, header, rows, class_=None):
    """A table that scrolls sideways on a narrow screen. header: the column
    names (text); rows: lists whose first item is the row header's HTML and
    the rest (HTML, css class or None) cells."""
    head = "".join(tag("th", escape(name), scope="col") for name in header)
    body = "".join(tag("tr", tag("th", row[0], scope="row")
                       + "".join(tag("td", cell, class_=css) for cell, css in row[1:]))
                   for row in rows)
    content = tag("caption", escape(caption)) if caption else ""
    content += (tag("thead", tag("tr", head)) if header else "") + tag("tbody", body)
    return tag("div", tag("table", content, class_=class_), class_="table-wrap")


def notes(items):
    return tag("ul", "".join(tag("li", item) for item in items), class_="notes") if items else ""


def text_or_pre(value):
    text = str(value)
    return pre(text) if "\n" in text or len(text) > 110 else escape(text)


# --- the run: lookups over the JSON ---

class Run:
    """The results, and what the page needs to find in them."""

    def __init__(self, results):
        self.metadata = results.get("metadata") or {}
        section = results.get("optdemo") or {}
        self.partial = bool(section.get("partial") or self.metadata.get("partial"))
        self.interpreters = section.get("interpreters") or []
        self.labels = [item.get("label") for item in self.interpreters]
        self.summaries = section.get("workloads") or []
        self.growth = section.get("growth") or []
        self.crossovers = section.get("crossovers") or []
        self.matrix = section.get("matrix")      # matrix_to_json's, if the run adds it
        self.profiles = section.get("profiles") or []   # run --profile's
        self.benchmarks = {}
        for bench in results.get("benchmarks") or []:
            meta = bench.get("metadata") or {}
            self.benchmarks[(meta.get("workload"), meta.get("variant"), meta.get("n"),
                             meta.get("interpreter"))] = meta
        self.memory = any("memory_peak" in meta for meta in self.benchmarks.values())

    def workloads(self):
        """[(id, [its summaries])] in the run's order."""
        groups = {}
        for summary in self.summaries:
            groups.setdefault(summary.get("workload"), []).append(summary)
        return list(groups.items())

    def benchmark(self, summary, variant):
        return self.benchmarks.get((summary.get("workload"), variant, summary.get("n"),
                                    summary.get("interpreter"))) or {}

    def swept(self, workload, interpreter):
        return [entry for entry in self.growth
                if (entry.get("workload"), entry.get("interpreter")) == (workload, interpreter)]

    def fact(self, key):
        """A metadata value: common, else the first interpreter's that has it."""
        sources = [self.metadata] + [item.get("metadata") or {} for item in self.interpreters]
        return next((source[key] for source in sources if source.get(key) is not None), None)


def gil_words(meta):
    """What a free-threaded build's metadata says of its GIL (None for a
    build with a GIL), as interpreters.c's interpreter_gil_words says it."""
    if meta.get("free_threaded") is not True:
        return None
    if meta.get("gil_enabled") is True:
        return "free-threaded, GIL re-enabled at run time"
    return "free-threaded, GIL disabled"


def describe_interpreter(item):
    """One line per interpreter, as the terminal's header says it."""
    meta = item.get("metadata") or {}
    if item.get("embedded"):
        lto = ", host linked with LTO" if meta.get("host_lto") == "yes" else ""
        build = (f"embedded in optdemo ({meta.get('libpython_link', '?')} libpython from "
                 f"{meta.get('libpython_dir', '?')}, PGO: {meta.get('libpython_pgo', '?')}{lto})")
    else:
        build = item.get("path", "?")
    gil = gil_words(meta)
    line = (f"{meta.get('python_implementation', 'python')} {meta.get('python_version', '?')} "
            f"{meta.get('python_build', '')}{f' ({gil})' if gil else ''}, {build}; "
            f"numpy {meta.get('numpy_version') or 'unavailable'}; "
            f"timing template {item.get('template', '?')}")
    if isinstance(item.get("template_overhead"), (int, float)):
        line += f": {item['template_overhead'] * 1e9:.3g} ns per call"
    return line


# --- the page's parts, in the page's order ---

def header(run):
    meta = run.metadata
    facts = [("optdemo", escape(f"{run.fact('optdemo_version') or '?'} "
                                f"(commit {run.fact('optdemo_commit') or '?'})")),
             ("date", escape(str(run.fact("date") or "unknown")))]
    command = meta.get("optdemo_command") or meta.get("command_line")
    if command:
        text = command if isinstance(command, str) else shlex.join(str(a) for a in command)
        facts.append(("command", code(text)))
    if meta.get("optdemo_processes"):
        facts.append(("protocol", escape(
            f"{meta['optdemo_processes']} processes × {meta.get('optdemo_rounds', '?')} values "
            f"per variant, each ≥ {meta.get('optdemo_min_time', 0) * 1e3:.0f} ms; "
            f"{meta.get('optdemo_mode', '?')} mode, {meta.get('optdemo_executor', '?')}; "
            f"GC {meta.get('optdemo_gc', '?')}")))
    facts.append(("interpreters", tag("ul", "".join(
        tag("li", tag("strong", escape(str(item.get("label")))) + ": "
            + escape(describe_interpreter(item))) for item in run.interpreters))))
    facts.append(("machine", escape(
        f"{run.fact('cpu_model_name') or 'unknown CPU'} ×{run.fact('cpu_count') or '?'}, "
        f"load {run.fact('load_avg') or 'unknown'}; {run.fact('platform') or ''}; "
        f"governor: {run.fact('cpu_governor') or '?'}; ASLR: {run.fact('aslr') or '?'}")))
    workloads = run.workloads()
    failed = [str(workload) for workload, summaries in workloads
              if any(s.get("ok") is False for s in summaries)]
    if failed:
        outcome = tag("span", escape(f"{len(failed)} of {len(workloads)} workloads failed: "
                                     + ", ".join(failed)), class_="bad")
    else:
        outcome = escape(f"every workload ran and every check passed ({len(workloads)} "
                         f"workloads, {len(run.summaries)} tables)")
    facts.append(("outcome", outcome))
    body = "".join(tag("dt", escape(name)) + tag("dd", value) for name, value in facts)
    banner = (tag("p", "Interrupted: these results are partial (what finished before Ctrl-C).",
                  class_="banner") if run.partial else "")
    return tag("header", tag("h1", "optdemo results") + banner + tag("dl", body, class_="facts"))


def contents(run, ids):
    entries = []
    for workload, summaries in run.workloads():
        title = next((s.get("title") for s in summaries if s.get("title")), None)
        text = code(workload) + (" — " + inline(title) if title else "")
        if any(s.get("ok") is False for s in summaries):
            text += " " + tag("span", "(failed)", class_="bad")
        entries.append(tag("a", text, href="#" + ids[workload]))
    if len(run.interpreters) > 1:
        entries.append(tag("a", "The matrix of builds", href="#matrix"))
    entries.append(tag("a", "How to read the tables", href="#legend"))
    entries.append(tag("a", "Metadata", href="#metadata"))
    return tag("nav", tag("h2", "Contents", id="contents")
               + tag("ol", "".join(tag("li", entry) for entry in entries)),
               aria_labelledby="contents")


RESULT_COLUMNS = ["variant", "median", "IQR/2", "min", "vs before", "95% CI", "mem peak",
                  "per item", "check"]


def result_row(run, summary, index, variant):
    """One row of the terminal's table (format_row in app/output/report.c)."""
    name, status = variant.get("variant", "?"), variant.get("status", "?")
    median = spread = minimum = speedup = ci = memory = per_item = ""
    speed_class = None
    if variant.get("values"):
        value = variant.get("median") or 0
        mark = (tag("span", "!", class_="mark", title="unstable: see the note below")
                if variant.get("unstable") else "")
        median, minimum = escape(plot.format_time(value)), escape(plot.format_time(variant["min"]))
        spread = f"±{50 * variant.get('iqr', 0) / value if value > 0 else 0:.1f}%{mark}"
        speedup = "baseline" if index == 0 else ""
    if "speedup" in variant:
        text, ci, speed_class = speedup_cells(variant["speedup"], variant["speedup_ci_low"],
                                              variant["speedup_ci_high"], variant.get("verdict"))
        speedup, ci = escape(text), escape(ci)
    peak = run.benchmark(summary, name).get("memory_peak")
    if peak is not None:
        memory = escape(format_bytes(peak))
        item = peak / summary["n"] if summary.get("n") else 0
        per_item = "&lt;1 B" if item < 1 else escape(format_bytes(item))
    check = escape(STATUS_WORDS.get(status, status))
    return [code(name), (median, "num"), (spread, "num"), (minimum, "num"),
            (speedup, speed_class), (ci, None), (memory, "num"), (per_item, "num"),
            (check, "bad" if status in BAD_STATUSES else None)]


def results_table(run, summary):
    """The table for one workload at one n on one interpreter, and its notes."""
    rows = [result_row(run, summary, index, variant)
            for index, variant in enumerate(summary.get("variants") or [])]
    caption = (f"{summary.get('workload')} at n = {plot.format_n(summary.get('n', 0))} on "
               f"{summary.get('interpreter', '?')}: time per call, speedup over before, memory, "
               "check")
    return table(caption, RESULT_COLUMNS, rows, class_="results") + row_notes(run, summary)


def speedup_figure(summary):
    """The speedup chart of one table (speedup_chart.py draws it): every
    variant but before, in the table's order, with the table's words; ""
    when no variant has a speedup to draw."""
    rows, spoken, without = [], [], []
    for variant in (summary.get("variants") or [])[1:]:
        name, status = str(variant.get("variant", "?")), variant.get("status", "?")
        if status == "ok" and isinstance(variant.get("speedup"), (int, float)) \
                and variant["speedup"] > 0:
            speedup = variant["speedup"]
            low, high = variant.get("speedup_ci_low"), variant.get("speedup_ci_high")
            has_ci = isinstance(low, (int, float)) and isinstance(high, (int, float)) \
                and 0 < low <= high
            if has_ci:
                figure, ci, _ = speedup_cells(speedup, low, high, variant.get("verdict"))
            else:
                figure, ci, low, high = "", "", None, None
            figure = figure or f"{format_factor(speedup)}×"
            rows.append({"name": name, "speedup": speedup, "low": low, "high": high,
                         "verdict": VERDICT_CLASSES.get(variant.get("verdict"), "unclear"),
                         "figure": figure, "status": None})
            spoken.append(f"{name} {figure}" + (f" (95% CI {ci})" if ci else ""))
        else:
            words = STATUS_WORDS.get(status, str(status))
            if status == "ok":
                words = "no speedup measured"
            rows.append({"name": name, "speedup": None, "low": None, "high": None,
                         "verdict": "bad" if status in BAD_STATUSES else "muted",
                         "figure": None, "status": f"{words}, no bar"})
            without.append(f"{name} {words}")
    if not spoken:
        return ""
    where = (f"{summary.get('workload')} at n = {plot.format_n(summary.get('n', 0))} on "
             f"{summary.get('interpreter', '?')}")
    label = (f"Speedup over before of {where}, log scale: " + "; ".join(spoken)
             + (". Without a bar: " + "; ".join(without) if without else "") + ".")
    caption = ("Speedup over before, on a log scale: a dot at each variant's median ratio, "
               "whiskers for its 95% CI, a bar from 1× (before). Green: faster, red: slower, "
               "grey: same, brown: unclear (the table's verdicts).")
    return tag("figure", speedup_chart.svg(rows, label) + tag("figcaption", escape(caption)),
               class_="speedups")


def row_notes(run, summary):
    """What the terminal prints under the table: notes, failures, verdicts
    that could not be reached, instability, captured output."""
    items = []
    for variant in summary.get("variants") or []:
        name, status = variant.get("variant", "?"), variant.get("status", "")
        if variant.get("note"):
            items.append(code(name) + ": " + escape(variant["note"]))
        if variant.get("detail"):
            heading = code(name) + escape(DETAIL_HEADINGS.get(status, "")) + ":"
            if status in BAD_STATUSES:
                heading = tag("span", heading, class_="bad")
            items.append(heading + pre(variant["detail"], class_="detail"))
        if variant.get("verdict") == "too few values":
            pairs = run.benchmark(summary, name).get("speedup_pairs", "?")
            items.append(code(name) + escape(
                f": too few values for a verdict: {pairs} against {pairs} cannot reach "
                "p < 0.01 (more --rounds or --processes)"))
        if variant.get("unstable"):
            items.append(tag("span", code(name) + ": " + escape(variant["unstable"]),
                             class_="warn"))
        if variant.get("output_lines"):
            count, output = variant["output_lines"], str(variant.get("output", ""))
            shown = len(output.splitlines())
            words = (f" printed {count} line{'s' if count != 1 else ''} in its check call "
                     "(captured, not timed here)" + (f"; the first {shown}:" if shown < count
                                                     else ":"))
            items.append(code(name) + escape(words) + pre(output, class_="output"))
    if summary.get("no_native"):
        items.append(escape("native: none — " + summary["no_native"]))
    counted = instructions_note(run, summary)
    if counted:
        items.append(counted)
    return notes(items)


def format_count(count):
    """1.52 M: an instruction count, three significant digits (report.c)."""
    for unit in ("", " k", " M", " G"):
        if count < 1000:
            return f"{count:.3g}{unit}"
        count /= 1000
    return f"{count:.3g} T"


def instructions_note(run, summary):
    """run --count instructions: each variant's instructions per call and
    its ratio to before's, beside the time's (as the terminal's line)."""
    parts = []
    base = None
    for index, variant in enumerate(summary.get("variants") or []):
        name = variant.get("variant", "?")
        count = run.benchmark(summary, name).get("instructions_per_call")
        if not count:
            continue
        base = count if index == 0 else base
        text = f"{name} {format_count(count)}"
        if index > 0 and base:
            ratio = base / count
            text += f" ({max(ratio, 1 / ratio):.3g}x {'fewer' if ratio >= 1 else 'more'}"
            if "speedup" in variant:
                speedup = variant["speedup"]
                text += (f"; time {max(speedup, 1 / speedup):.3g}x "
                         f"{'faster' if speedup >= 1 else 'slower'}")
            text += ")"
        parts.append(text)
    if not parts:
        return ""
    return escape("instructions per call (callgrind): " + "; ".join(parts))


def hot_lines_section(run, workload):
    """run --profile: each variant's lines under the C line tracer, the
    lines that ran, with their share of the variant's time."""
    profile = next((entry for entry in run.profiles if entry.get("workload") == workload), None)
    if profile is None:
        return ""
    parts = [tag("h3", escape(f"Where the time goes, line by line (n = "
                              f"{plot.format_n(profile.get('n', 0))}, the embedded "
                              "interpreter, `optdemo profile`)"))]
    for variant in profile.get("variants") or []:
        name, lines = variant.get("variant", "?"), variant.get("lines") or {}
        if not lines.get("lines"):
            why = lines.get("note") or variant.get("unavailable") or variant.get("error") or \
                "not profiled"
            parts.append(tag("p", code(name) + ": " + escape(why), class_="muted"))
            continue
        total = lines.get("total_seconds") or 0
        hottest = max(item["seconds"] for item in lines["lines"])
        first, source = lines.get("first_line", 1), lines.get("source") or []
        rows = []
        for item in lines["lines"]:
            share = 100 * item["seconds"] / total if total > 0 else 0
            text = source[item["line"] - first] if 0 <= item["line"] - first < len(source) else ""
            row_class = "hot" if item["seconds"] == hottest else None
            rows.append([escape(str(item["line"])), (escape(f"{item['hits']:,}"), "num"),
                         (f"{share:.1f}%", "num"), (code(text), row_class)])
        overhead = lines.get("overhead") or 0
        cost = (f"tracing made the calls {overhead:.1f}x slower: compare lines with each other"
                if overhead >= 1.1 else "tracing cost no measurable time")
        caption = f"{name}: {lines.get('calls', '?')} calls traced; {cost}"
        parts.append(table(caption, ["line", "hits", "% time", "source"], rows))
    return "".join(parts)


def growth_cell(size, name):
    """A variant's median at one size of a sweep, or why there is none."""
    variant = next((v for v in size.get("variants") or [] if v.get("variant") == name), None)
    if variant is None:
        return ("-", "num")
    if variant.get("values"):
        return (escape(plot.format_time(variant.get("median", 0))), "num")
    status = variant.get("status", "")
    return (escape(STATUS_WORDS.get(status, status)),
            "num bad" if status in BAD_STATUSES else "num muted")


def growth_section(run, workload, interpreter, sizes, figures, figure_id):
    """The growth table of one sweep (report_growth), its crossovers and its figure."""
    sizes = sorted(sizes, key=lambda size: size.get("n", 0))
    rows = []
    for entry in run.swept(workload, interpreter):
        name = entry.get("variant")
        if entry.get("exponent") is not None:
            growth = (f"n<sup>{entry['exponent']:.2f}</sup> [{entry['exponent_ci_low']:.2f}, "
                      f"{entry['exponent_ci_high']:.2f}] ({growth_word(entry['exponent'])})")
        else:
            growth = "too few sizes measured"
        rows.append([code(name)] + [growth_cell(size, name) for size in sizes] + [(growth, None)])
    header = ["variant"] + [f"n = {plot.format_n(size.get('n', 0))}" for size in sizes]
    caption = (f"{workload} on {interpreter}: median seconds per call at each n; the exponent "
               "is a least-squares fit of log(time) on log(n), its 95% CI from resampling each "
               "size's values")
    crossings = [notes_crossing(c) for c in run.crossovers
                 if (c.get("workload"), c.get("interpreter")) == (workload, interpreter)]
    figure = figure_html(figures, plot.figure_key(workload, interpreter), figure_id,
                         f"{workload} on {interpreter}")
    return (tag("h3", escape(f"How the cost grows with n, on {interpreter}"))
            + table(caption, header + ["cost grows as"], rows, class_="growth")
            + notes(crossings) + figure)


def notes_crossing(crossing):
    return (code(crossing.get("faster_after")) + " overtakes " + code(crossing.get("faster_before"))
            + escape(f" between n = {plot.format_n(crossing.get('between_low', 0))} and "
                     f"n = {plot.format_n(crossing.get('between_high', 0))} (at n ≈ "
                     f"{plot.format_n(crossing.get('n', 0))} on log-log axes)"))


def figure_html(figures, key, figure_id, what):
    if isinstance(figures, str):      # why there are no figures
        return tag("p", escape(f"No figure: {figures}"), class_="muted")
    svg = (figures or {}).get(key, {}).get("svg")
    if not svg:
        return ""
    caption = ("Median time per call against n (log-log), one line per variant; the legend "
               "gives each fitted exponent; dotted lines mark crossovers.")
    return tag("figure", inline_svg(svg, figure_id, f"Median time per call against n for {what}")
               + tag("figcaption", escape(caption)), class_="plot")


def inline_svg(svg, prefix, label):
    """matplotlib's SVG file made fit for the page: no XML declaration,
    doctype, comments or namespace URLs (HTML's parser supplies the SVG
    namespace), ids prefixed so two figures never share one, and a label
    for screen readers. Refuses anything scriptable."""
    text = svg.decode("utf-8") if isinstance(svg, (bytes, bytearray)) else str(svg)
    if re.search(r"<script|<foreignObject|\son[a-z]+\s*=", text, re.IGNORECASE):
        raise ValueError("refusing to inline an SVG figure with scripts or event handlers")
    text = re.sub(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->", "", text, flags=re.DOTALL)
    text = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", text)
    text = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", text)
    return text.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1).strip()


def sources_html(sources, bad):
    """Each variant's code, side by side where the page is wide enough."""
    figures = []
    for name, source in (sources or {}).items():
        caption = code(name)
        if name in bad:
            caption += " " + tag("span", escape(STATUS_WORDS[bad[name]]), class_="bad")
        figures.append(tag("figure", tag("figcaption", caption)
                           + tag("pre", tag("code", escape(str(source).rstrip("\n"))))))
    return tag("h3", "The code") + tag("div", "".join(figures), class_="sources")


def workload_section(run, workload, summaries, section_id, figures, next_figure):
    """One workload: the lesson once, then its tables on each interpreter
    (for a sweep: the growth first, each size's table folded away)."""
    first = next((s for s in summaries if s.get("title")), summaries[0])
    heading = code(workload) + (" — " + inline(first["title"]) if first.get("title") else "")
    facts = []
    if first.get("section"):
        facts.append("Section: " + escape(first["section"]))
    sizes = sorted({s.get("n") for s in summaries if s.get("n")})
    if sizes:
        facts.append("n = " + escape(", ".join(plot.format_n(n) for n in sizes)))
    if first.get("path"):
        facts.append("file " + code(first["path"]))
    if any(s.get("partial") for s in summaries):
        facts.append(tag("span", "interrupted: partial", class_="bad"))
    parts = [tag("h2", heading, id=section_id + "-h"), tag("p", " · ".join(facts), class_="muted")]
    if first.get("explanation"):
        parts.append(tag("div", prose(first["explanation"]), class_="explanation"))
    for interpreter in dict.fromkeys(s.get("interpreter") for s in summaries):
        mine = [s for s in summaries if s.get("interpreter") == interpreter]
        where = f" on {interpreter}" if interpreter else ""
        tables = []
        for summary in mine:
            if summary.get("error"):
                body = tag("p", "ERROR", class_="bad") + pre(summary["error"], class_="detail")
            else:
                body = results_table(run, summary) + speedup_figure(summary)
            label = f"Results at n = {plot.format_n(summary.get('n', 0))}{where}"
            tables.append(tag("h3", escape(label)) + body)
        if len(mine) > 1 and run.swept(workload, interpreter):
            parts.append(growth_section(run, workload, interpreter, mine, figures, next_figure()))
            largest = max(mine, key=lambda summary: summary.get("n", 0))
            chart = "" if largest.get("error") else speedup_figure(largest)
            if chart:
                parts.append(tag("h3", escape(f"Speedups at n = "
                                              f"{plot.format_n(largest.get('n', 0))}{where}"))
                             + chart)
            failed = any(s.get("ok") is False for s in mine)
            parts.append(tag("details", tag("summary", escape(f"The table at each n{where}"))
                             + "".join(tables), open="" if failed else None))
        else:
            parts.extend(tables)
    parts.append(hot_lines_section(run, workload))
    bad = {v.get("variant"): v.get("status") for s in summaries for v in s.get("variants") or []
           if v.get("status") in BAD_STATUSES}
    if first.get("sources"):
        parts.append(sources_html(first["sources"], bad))
    return tag("section", "\n".join(parts), id=section_id, aria_labelledby=section_id + "-h")


def matrix_section(run):
    """Each variant's speedup over before on each build (`optdemo matrix`'s
    first table), and where the fastest variant changes."""
    labels = run.labels
    find = {(s.get("workload"), s.get("n"), s.get("interpreter")): s for s in run.summaries}
    first = [s for s in run.summaries if s.get("interpreter") == labels[0]]
    several_sizes = len({(s.get("workload"), s.get("n")) for s in first}) > len(
        {s.get("workload") for s in first})
    rows, changes = [], []
    for summary in first:
        workload, n = summary.get("workload"), summary.get("n")
        builds = [find.get((workload, n, label)) for label in labels]
        for variant in summary.get("variants") or []:
            name = variant.get("variant")
            rows.append([code(f"{workload}/{name}" + (f"@{n}" if several_sizes else ""))]
                        + [matrix_cell(build, name) for build in builds])
    # Decided by app/output/matrix.c (a CI above every other variant's, among the
    # variants every build ran), carried in the run's JSON as optdemo.matrix.
    matrix = run.matrix if isinstance(run.matrix, dict) else {}
    for change in matrix.get("fastest_changes") or []:
        among = (" (among the variants that ran on every build)"
                 if change.get("among_variants_on_every_build") else "")
        fastest = change.get("fastest") or {}
        changes.append(escape(f"the fastest variant of {change.get('workload')} changes between "
                              f"builds{among}: "
                              + ", ".join(f"{fastest.get(label) or 'no clear one'} on {label}"
                                          for label in labels)))
    caption = ("Speedup over before, per build (* significant; the baseline's median where the "
               "row is before)")
    parts = [tag("h2", "The matrix of builds", id="matrix-h"),
             table(caption, ["workload/variant"] + [str(label) for label in labels], rows),
             notes(changes)]
    if isinstance(run.matrix, dict):
        parts.append(versus_tables(run.matrix))
    else:
        parts.append(tag("p", "Each build against a reference build, with confidence "
                              "intervals: " + code("optdemo matrix RESULTS.json") + ".",
                         class_="muted"))
    return tag("section", "".join(parts), id="matrix", aria_labelledby="matrix-h")


def matrix_cell(summary, name):
    variant = next((v for v in (summary or {}).get("variants") or []
                    if v.get("variant") == name), None)
    if variant is None:
        return ("-", None)
    status = variant.get("status")
    if status != "ok":
        return (escape(str(status)), "bad" if status in BAD_STATUSES else "muted")
    if "speedup" not in variant:
        return (escape(plot.format_time(variant.get("median", 0))), None)
    text, _, css = speedup_cells(variant["speedup"], variant["speedup_ci_low"],
                                 variant["speedup_ci_high"], variant.get("verdict"))
    return (escape(text), css)


def versus_tables(matrix):
    """matrix_to_json's comparisons (each build against the reference), when
    the run's JSON carries them as optdemo.matrix."""
    parts = []
    for label, comparison in (matrix.get("against_reference") or {}).items():
        rows = []
        for row in comparison.get("rows") or []:
            text, ci, css = speedup_cells(row["speedup"], row["speedup_ci_low"],
                                          row["speedup_ci_high"], row.get("verdict"))
            rows.append([code(row.get("name")), (escape(text), css), (escape(ci), None)])
        caption = (f"{label} against {matrix.get('reference')}: the same variant's median there "
                   "and here")
        parts.append(table(caption, ["benchmark", "speedup", "95% CI"], rows))
    return "".join(parts)


def legend_section(run):
    meta = run.metadata
    min_time = meta.get("optdemo_min_time")
    median = "the median time of one call"
    if isinstance(min_time, (int, float)):
        median += (f" over {meta.get('optdemo_processes', '?')} processes × "
                   f"{meta.get('optdemo_rounds', '?')} values, each value lasting "
                   f"≥ {min_time * 1e3:.0f} ms (loops calibrated)")
    words = [
        ("median", median),
        ("IQR/2", "half the interquartile range, relative to the median; ! marks an unstable row "
                  "(values that scatter, or processes that disagree), explained under the table"),
        ("min", "the fastest value"),
        ("vs before", "median(before) / median(variant) over the values paired by round; a ratio "
                      "under 1 reads as a factor slower"),
        ("*", f"significant: Mann-Whitney U p < {ALPHA:g}, at least {MIN_EFFECT:.0%} apart and a "
              "CI that excludes 1; same: the CI lies within that margin of 1; unclear: neither; "
              "too few values: no test could tell with so few"),
        ("95% CI", "of the speedup, by bootstrap over processes, then rounds within them"),
        ("mem peak", "tracemalloc's peak during one call, in a separate pass"
                     + ("" if run.memory else " (not measured in this run)")),
        ("per item", "the peak divided by n"),
        ("check", "✓ the result equals before's; FAILED it differs; ERROR raised; TIMEOUT, "
                  "CRASHED the worker was stopped or died; skipped over the time budget; "
                  "unavailable a module it needs is missing on that interpreter"),
    ]
    rows = [[escape(name), (escape(meaning), None)] for name, meaning in words]
    note = (f"Variants run interleaved, round by round; GC {meta.get('optdemo_gc', 'on')} "
            "during timing.")
    return tag("section", tag("h2", "How to read the tables", id="legend-h")
               + table(None, [], rows, class_="wrap") + tag("p", escape(note), class_="muted"),
               id="legend", aria_labelledby="legend-h")


def metadata_section(run):
    def facts(items, caption):
        rows = [[escape(str(key)), (text_or_pre(value), None)] for key, value in items]
        return table(caption, [], rows, class_="wrap")
    parts = [facts(sorted(run.metadata.items()), "Common metadata (what every interpreter shares)")]
    for item in run.interpreters:
        own = [(k, v) for k, v in item.items() if k != "metadata"]
        own += sorted((item.get("metadata") or {}).items())
        parts.append(tag("details", tag("summary", escape(f"Interpreter {item.get('label')}"))
                         + facts(own, f"{item.get('label')}: every fact recorded")))
    return tag("section", tag("h2", "Metadata", id="metadata-h")
               + tag("details", tag("summary", "Full metadata") + "".join(parts)),
               id="metadata", aria_labelledby="metadata-h")


def render(results_json_text, figures=None):
    """The page, as text. `figures` maps "workload@interpreter" to
    {"svg": bytes}, as plot.growth_figures returns; None makes them here when
    the run was a sweep and matplotlib is there, and says why not otherwise."""
    results = plot.load_results(results_json_text)
    run = Run(results)
    if figures is None and run.growth:
        try:
            figures = plot.growth_figures(results, formats=("svg",))
        except plot.PlotError as error:
            figures = str(error)
    ids, used = {}, set()
    for workload, _ in run.workloads():
        base = "w-" + re.sub(r"[^A-Za-z0-9_-]", "-", str(workload))
        candidate, copies = base, 1
        while candidate in used:       # two names that differ only in punctuation
            copies += 1
            candidate = f"{base}-{copies}"
        ids[workload] = candidate
        used.add(candidate)
    figure_count = [0]

    def next_figure():
        figure_count[0] += 1
        return f"fig{figure_count[0]}"
    sections = [workload_section(run, workload, summaries, ids[workload], figures, next_figure)
                for workload, summaries in run.workloads()]
    if len(run.interpreters) > 1:
        sections.append(matrix_section(run))
    sections += [legend_section(run), metadata_section(run)]
    head = ('<meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<meta http-equiv="Content-Security-Policy" '
            "content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            + tag("title", escape(f"optdemo results {run.fact('date') or ''}".strip()))
            + tag("style", STYLE))
    body = header(run) + contents(run, ids) + tag("main", "\n".join(sections))
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>{head}</head>\n'
            f"<body>\n{body}\n</body>\n</html>\n")
