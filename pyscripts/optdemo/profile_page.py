"""The HTML page of `optdemo profile SCRIPT.py --html FILE`: one
self-contained page from the report (schema optdemo-profile-script/1).

Top to bottom, as a reader works: what ran and how long it took, what
profiling cost, where the samples fell (a flame graph, and one of the
asyncio tasks waiting at an await), what to try first (the findings, ranked),
then the evidence behind them: the hot lines, cProfile's table,
tracemalloc's sites. Each section is there only when its key is in the
report: a run without --lines has no hot lines, and says nothing about them.

Built as the run page is (html.py): its CSS, its tag/table/escape helpers,
no script and a Content-Security-Policy that blocks anything else; every
text through escape() -- function names such as <module> and the program's
own code are user input.
"""

from html import escape
import shlex

from . import flamegraph
from .html import STYLE, code, format_bytes, inline, table, tag
from .plot import format_time

PAGE_STYLE = STYLE + """
figure.flame { margin: .5rem 0 1.2rem; }
figure.flame svg { width: 100%; height: auto; }
figure.flame figcaption { color: #555555; font-size: .9rem; max-width: 80ch; }
/* The program's code wraps rather than scrolls, as the run page's panes. */
td.code { white-space: pre-wrap; overflow-wrap: anywhere; min-width: 24rem; }
td.code code { white-space: pre-wrap; }
pre.code { white-space: pre-wrap; overflow-wrap: anywhere; }
ol.findings { padding-left: 1.6rem; }
ol.findings > li { margin: 0 0 1rem; max-width: 100ch; }
ol.findings .rule { font-weight: 700; }
td.bar { min-width: 8rem; }
td.bar svg { display: block; }
"""

BAR_WIDTH = 120         # px of the hot lines' bar at 100% of the function
MAX_FUNCTIONS = 20      # rows of the functions by samples


def seconds(value):
    return format_time(value) if isinstance(value, (int, float)) else "?"


def percent(part, whole):
    return f"{100 * part / whole:.1f}%" if whole else "-"


def location(file, line=None):
    return f"{file}:{line}" if line is not None else str(file)


# --- the sections, each "" when its key is absent ---

def header(report):
    program = report.get("program") or {}
    argv = [str(arg) for arg in program.get("argv") or []]
    command = ["python"] + (["-m"] if program.get("module") else []) + argv
    facts = [("command", code(shlex.join(command)))]
    if program.get("cwd"):
        facts.append(("in", code(program["cwd"])))
    if program.get("interpreter"):
        facts.append(("interpreter", escape(str(program["interpreter"]))))
    if "exit_code" in program:
        exit_code = program["exit_code"]
        facts.append(("exit code", tag("span", escape(str(exit_code)),
                                       class_=None if exit_code == 0 else "bad")))
    times = report.get("times") or {}
    if times:
        facts.append(("time", escape(f"wall {seconds(times.get('wall'))}, "
                                     f"CPU {seconds(times.get('cpu'))}")))
    sampling = report.get("sampling") or {}
    taken = (f"{sampling.get('samples', 0):,} samples at {sampling.get('rate', '?')} Hz on the "
             f"{sampling.get('clock', '?')} clock")
    losses = [f"{sampling[key]:,} {words}" for key, words in
              (("dropped", "dropped (the arena was full)"),
               ("torn", "dropped (torn or unreadable frames)"),
               ("empty", "empty (no Python frame)"),
               ("truncated", "cut at 256 frames")) if sampling.get(key)]
    if losses:
        taken += "; " + ", ".join(losses)
    if isinstance(sampling.get("handler_seconds"), (int, float)):
        taken += f"; the handler's own time {seconds(sampling['handler_seconds'])}"
    facts.append(("sampling", escape(taken)))
    body = "".join(tag("dt", escape(name)) + tag("dd", value) for name, value in facts)
    name = argv[0] if argv else "?"
    return tag("header", tag("h1", "optdemo profile: " + code(name))
               + tag("dl", body, class_="facts"))


def overhead_section(report):
    overhead = report.get("overhead")
    if not overhead:
        return ""
    rows = [[escape("unprofiled"), (escape(seconds(overhead.get("plain"))), "num"),
             (escape("1 (the reference)"), "num")]]
    for key, name in (("sampled", "the sampler"), ("cprofile", "cProfile")):
        if key in overhead:
            ratio = overhead.get(f"{key}_ratio")
            rows.append([escape(name), (escape(seconds(overhead[key])), "num"),
                         (escape(f"{ratio:.3g}×" if isinstance(ratio, (int, float)) else "?"),
                          "num")])
    text = ("The same program run unprofiled, under the sampler and under cProfile. A "
            "sampler costs little because it looks only now and then; cProfile runs code at "
            "every call and return, so a program of many small calls runs slower under it and "
            "its times overstate those calls.")
    return section("overhead", "What profiling cost",
                   tag("p", escape(text))
                   + table("Wall time of each run, and its ratio to the unprofiled run",
                           ["run", "wall time", "ratio"], rows))


def flame_section(report):
    sampling = report.get("sampling") or {}
    stacks = sampling.get("stacks")
    if stacks is None:
        return ""
    caption = ("Root at the bottom (a classic flame graph): each box is a function, the "
               "boxes above it the functions it called, its width its share of the samples. "
               "A function called from several lines of the same caller is one box. Hover a "
               "box for its file and samples. Colour: warm hues by file, the standard library "
               "and installed packages greyer; the order left to right is by name, not time.")
    figure = tag("figure", flamegraph.svg(stacks, title="Where the samples fell")
                 + tag("figcaption", escape(caption)), class_="flame")
    return section("flame", "Where the time goes", figure + functions_table(sampling))


def functions_table(sampling):
    """The functions by samples, as the terminal lists them: self is the
    innermost frame, total anywhere on the stack."""
    functions = sampling.get("functions")
    if not functions:
        return ""
    taken = sampling.get("samples") or sum(entry.get("count", 0)
                                           for entry in sampling.get("stacks") or [])
    rows = [[code(function.get("function", "?")), (code(function.get("file", "?")), None),
             (escape(f"{function.get('self', 0):,}"), "num"),
             (escape(percent(function.get("self", 0), taken)), "num"),
             (escape(f"{function.get('total', 0):,}"), "num"),
             (escape(percent(function.get("total", 0), taken)), "num")]
            for function in functions[:MAX_FUNCTIONS]]
    more = len(functions) - MAX_FUNCTIONS
    caption = ("The functions by samples: self when the function itself ran, total when it "
               "was anywhere on the stack")
    return (table(caption, ["function", "file", "self", "self %", "total", "total %"], rows)
            + (tag("p", escape(f"{more:,} more with fewer samples."), class_="muted")
               if more > 0 else ""))


def awaiting_section(report):
    awaiting = (report.get("sampling") or {}).get("awaiting")
    if not awaiting or awaiting.get("stacks") is None:
        return ""
    snapshots = awaiting.get("snapshots")
    caption = ("Asyncio tasks waiting at an await: each bottom box is a task, above it the "
               "coroutines it is suspended in, innermost at the top; width: how often it "
               "was found waiting there"
               + (f", out of {snapshots:,} snapshots of the tasks." if snapshots else "."))
    figure = tag("figure", flamegraph.svg(awaiting["stacks"],
                                          title="Asyncio tasks waiting at an await")
                 + tag("figcaption", escape(caption)), class_="flame")
    text = ("A task waiting at an await uses no CPU, so the flame graph above shows it only "
            "as the event loop's wait; this one shows what each task was waiting for.")
    return section("awaiting", "Asyncio tasks waiting at an await",
                   tag("p", escape(text)) + figure)


def finding_item(finding):
    """One finding: the rule and its message, where, what it is worth, the
    lesson that explains the fix, and the line itself."""
    heading = (tag("span", escape(str(finding.get("rule", "?"))), class_="rule") + " "
               + inline(finding.get("message", "")))
    facts = []
    if finding.get("file"):
        where = location(finding["file"], finding.get("line"))
        if finding.get("function"):
            where += f", in {finding['function']}"
        facts.append(code(where))
    if isinstance(finding.get("share"), (int, float)):
        facts.append(escape(f"{100 * finding['share']:.1f}% of the samples"))
    if isinstance(finding.get("speedup"), (int, float)):
        measured = f"the lesson measured {finding['speedup']:.3g}× faster"
        if isinstance(finding.get("saving"), (int, float)):
            measured += f": ~{seconds(finding['saving'])} to save here"
        facts.append(escape(measured))
    parts = [tag("p", heading)]
    if facts:
        parts.append(tag("p", " · ".join(facts), class_="muted"))
    if finding.get("code"):
        parts.append(tag("pre", tag("code", escape(str(finding["code"]))), class_="code"))
    if finding.get("lesson"):
        parts.append(tag("p", "The lesson: " + code(f"optdemo show {finding['lesson']}")))
    return tag("li", "".join(parts))


def findings_section(report):
    findings = report.get("findings")
    if findings is None:
        return ""
    if not findings:
        body = tag("p", escape("The linter found none of its patterns in the code that ran."))
    else:
        text = ("The linter's findings in the code that ran, the ones that could save most "
                "first: the share of the samples on that line and, when the lesson measured "
                "the fix, what it could save.")
        body = tag("p", escape(text)) + tag("ol", "".join(finding_item(f) for f in findings),
                                            class_="findings")
    return section("findings", "What to try first", body)


def bar(share):
    """An inline bar, share of BAR_WIDTH px (the percentage beside it says
    the same to a screen reader)."""
    width = round(BAR_WIDTH * max(0.0, min(1.0, share)), 1)
    return (f'<svg aria-hidden="true" width="{BAR_WIDTH}" height="10" '
            f'viewBox="0 0 {BAR_WIDTH} 10"><rect width="{BAR_WIDTH}" height="10" '
            f'fill="#f3e3d3"/><rect width="{width:g}" height="10" fill="#c0502a"/></svg>')


def lines_section(report):
    lines = report.get("lines")
    if not lines:
        return ""
    parts = []
    slowdown = lines.get("slowdown")
    text = "The hottest functions under the line tracer: each line that ran, its hits and time."
    if isinstance(slowdown, (int, float)):
        text += (f" Tracing made them {slowdown:.3g}× slower: compare lines with each other, "
                 "not with the wall time above.")
    parts.append(tag("p", escape(text)))
    for function in lines.get("functions") or []:
        total = function.get("seconds") or 0
        where = location(function.get("file", "?"), function.get("first_line"))
        parts.append(tag("h3", code(function.get("function", "?")) + " "
                         + tag("span", escape(f"{where}, {seconds(total)}"), class_="muted")))
        items = function.get("lines") or []
        hottest = max((item.get("seconds", 0) for item in items), default=None)
        rows = []
        for item in items:
            spent = item.get("seconds", 0)
            share = spent / total if total else 0
            rows.append([escape(str(item.get("line", "?"))),
                         (escape(f"{item.get('hits', 0):,}"), "num"),
                         (escape(seconds(spent)), "num"),
                         (escape(percent(spent, total)), "num"),
                         (bar(share), "bar"),
                         (code(item.get("code", "")),
                          "code hot" if spent == hottest and spent > 0 else "code")])
        caption = f"{function.get('function', '?')}: each line's share of the function's time"
        parts.append(table(caption, ["line", "hits", "time", "% of function", "", "code"], rows))
    return section("lines", "The hot lines", "".join(parts))


def cprofile_section(report):
    cprofile = report.get("cprofile")
    if not cprofile:
        return ""
    rows = []
    for function in cprofile.get("functions") or []:
        calls = function.get("calls", 0)
        per_call = function.get("cumtime", 0) / calls if calls else 0
        rows.append([code(function.get("function", "?")),
                     (code(location(function.get("file", "?"), function.get("line"))), None),
                     (escape(f"{calls:,}"), "num"),
                     (escape(seconds(function.get("tottime"))), "num"),
                     (escape(seconds(function.get("cumtime"))), "num"),
                     (escape(seconds(per_call)), "num")])
    parts = [tag("p", escape("Deterministic profiling: every call counted. tottime is the "
                             "function's own time, cumtime with what it called; both include "
                             "cProfile's own cost per call."))]
    parts.append(table("cProfile's functions, by own time",
                       ["function", "where", "calls", "tottime", "cumtime", "cumtime per call"],
                       rows))
    if cprofile.get("pstats"):
        parts.append(tag("p", "All of it: " + code(f"python -m pstats {cprofile['pstats']}"),
                         class_="muted"))
    return section("cprofile", "cProfile's table", "".join(parts))


def memory_section(report):
    memory = report.get("memory")
    if not memory:
        return ""
    parts = []
    if isinstance(memory.get("peak_bytes"), (int, float)):
        parts.append(tag("p", escape(f"tracemalloc's peak: {format_bytes(memory['peak_bytes'])}"
                                     f" ({memory['peak_bytes']:,} bytes).")))
    rows = [[code(location(site.get("file", "?"), site.get("line"))),
             (escape(format_bytes(site.get("bytes", 0))), "num"),
             (escape(f"{site.get('count', 0):,}"), "num"),
             (code(site.get("code", "")), "code")]
            for site in memory.get("sites") or []]
    parts.append(table("Where the memory still held at the peak was allocated",
                       ["where", "size", "blocks", "code"], rows))
    return section("memory", "Memory", "".join(parts))


def section(section_id, heading, body):
    return tag("section", tag("h2", escape(heading), id=section_id + "-h") + body,
               id=section_id, aria_labelledby=section_id + "-h")


SECTIONS = (overhead_section, flame_section, awaiting_section, findings_section, lines_section,
            cprofile_section, memory_section)


def render(report):
    """The page, as text, from the report's dict."""
    sections = [text for text in (build(report) for build in SECTIONS) if text]
    program = report.get("program") or {}
    name = str((program.get("argv") or ["?"])[0])
    head = ('<meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<meta http-equiv="Content-Security-Policy" '
            "content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            + tag("title", escape(f"optdemo profile {name}"))
            + tag("style", PAGE_STYLE))
    body = header(report) + tag("main", "\n".join(sections))
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>{head}</head>\n'
            f"<body>\n{body}\n</body>\n</html>\n")
