"""Growth figures of a sweep: median time per call against n, log-log.

`optdemo run --sweep --plot PREFIX` calls write_figures() with the run's JSON
text; the HTML report calls growth_figures() for the SVG it inlines. One
figure per workload and interpreter: a line per variant through its measured
sizes, the fitted exponent and its 95% CI in the legend, each crossover a
dotted vertical line at the estimated n.

Key choices: matplotlib's object API on the Agg canvas (never pyplot: no
global figure, no display), drawn under matplotlib's defaults plus a fixed
style whatever the user's matplotlibrc says, a fixed svg.hashsalt and no date
or creator in the metadata, so the same results give the same bytes. Text is
never read as mathtext: workload titles are user input, and "$5" stays "$5".
"""

import contextlib
import io
import json
import math
import os
import re
import tempfile

DEBIAN_PACKAGE = "python3-matplotlib"

FIGURE_INCHES = (10, 6.25)      # 16:10, for a slide
PNG_DPI = 160                   # 1600 x 1000 pixels
FORMATS = ("svg", "png")

# Okabe-Ito: told apart by readers with any common colour-vision deficiency;
# each variant also gets its own marker.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#F0E442"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]

STYLE = {
    "font.size": 14,
    "axes.titlesize": 16,
    "axes.labelsize": 15,
    "legend.fontsize": 13,
    "legend.title_fontsize": 13,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "lines.linewidth": 2.2,
    "lines.markersize": 8,
    "svg.hashsalt": "optdemo",    # the ids of clip paths and markers, fixed
    "svg.fonttype": "path",       # the same glyphs on every machine, no font needed
}

# No date, no creator, no type: what matplotlib would otherwise write.
SVG_METADATA = {"Date": None, "Creator": None, "Type": None, "Format": None}
PNG_METADATA = {"Software": None}


class PlotError(RuntimeError):
    """The figures cannot be made: matplotlib is missing, or a bad format."""


def _matplotlib():
    """matplotlib's pieces, or a PlotError naming the Debian package."""
    try:
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib import ticker
    except ImportError as error:
        raise PlotError(
            f"the growth figures need matplotlib, which this Python cannot import ({error}); "
            f"on Debian: apt-get install {DEBIAN_PACKAGE}") from error
    return matplotlib, FigureCanvasAgg, Figure, ticker


def check_available():
    """None if the figures can be made, else PlotError naming the Debian
    package: for `run --plot` to check before anything is measured."""
    _matplotlib()


@contextlib.contextmanager
def _style(matplotlib):
    """matplotlib's defaults plus STYLE, restored afterwards."""
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(STYLE)
        yield


# --- reading the results ---

def load_results(results):
    """The results as a dict, from JSON text (str or bytes) or a dict."""
    if isinstance(results, dict):
        return results
    if isinstance(results, (bytes, bytearray)):
        results = results.decode("utf-8")
    return json.loads(results)


def format_time(seconds):
    """'1.62 ms', '504 µs', as the terminal's table writes a time."""
    for scale, unit in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def format_n(n):
    """n with thousands separators; an estimate under 100 keeps one decimal."""
    if n == round(n) or n >= 100:
        return f"{round(n):,}"
    return f"{n:,.1f}"


def figure_key(workload, interpreter):
    """'workload@interpreter', the key of one figure."""
    return f"{workload}@{interpreter}" if interpreter else str(workload)


def sweeps(results):
    """Each sweep of the run, in the run's order: a dict with its key,
    workload, interpreter, title, growth entries and crossovers."""
    section = results.get("optdemo") or {}
    titles = {}
    for summary in section.get("workloads") or []:
        key = figure_key(summary.get("workload"), summary.get("interpreter"))
        titles.setdefault(key, summary.get("title"))
    found = {}
    for entry in section.get("growth") or []:
        key = figure_key(entry.get("workload"), entry.get("interpreter"))
        if key not in found:
            found[key] = {"key": key, "workload": entry.get("workload"),
                          "interpreter": entry.get("interpreter"), "title": titles.get(key),
                          "growth": [], "crossovers": []}
        found[key]["growth"].append(entry)
    for crossing in section.get("crossovers") or []:
        key = figure_key(crossing.get("workload"), crossing.get("interpreter"))
        if key in found:
            found[key]["crossovers"].append(crossing)
    return list(found.values())


# --- drawing ---

def legend_label(entry):
    """'before  n^1.93 [1.85, 2.01]', or why there is no exponent."""
    name = entry.get("variant", "?")
    if entry.get("exponent") is None:
        return f"{name}  (too few sizes measured)"
    low, high = entry.get("exponent_ci_low"), entry.get("exponent_ci_high")
    ci = f" [{low:.2f}, {high:.2f}]" if low is not None and high is not None else ""
    return f"{name}  n^{entry['exponent']:.2f}{ci}"


def time_on_line(entry, n):
    """The variant's time at n on the straight log-log line between the two
    measured sizes around n (where a crossover's circle sits), or None."""
    points = sorted(zip(entry.get("n") or [], entry.get("median") or []))
    around = [(left, right) for left, right in zip(points, points[1:])
              if left[0] <= n <= right[0] and left[0] < right[0] and left[1] > 0 and right[1] > 0]
    if not around:
        return None
    (n0, t0), (n1, t1) = around[0]
    fraction = (math.log(n) - math.log(n0)) / (math.log(n1) - math.log(n0))
    return math.exp(math.log(t0) + fraction * (math.log(t1) - math.log(t0)))


def draw_sweep(sweep):
    """The matplotlib Figure of one sweep, on an Agg canvas. Call it, and
    save the figure, under _style()."""
    _, FigureCanvasAgg, Figure, ticker = _matplotlib()
    figure = Figure(figsize=FIGURE_INCHES, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_xscale("log")
    axes.set_yscale("log")
    entries = {}
    for index, entry in enumerate(sweep["growth"]):
        (line,) = axes.plot(entry.get("n") or [], entry.get("median") or [],
                            color=COLOURS[index % len(COLOURS)],
                            marker=MARKERS[index % len(MARKERS)], label=legend_label(entry))
        line.set_gid("variant-" + re.sub(r"[^A-Za-z0-9_-]", "_", str(entry.get("variant"))))
        entries[entry.get("variant")] = entry
    for number, crossing in enumerate(sweep["crossovers"], 1):
        draw_crossover(axes, crossing, entries.get(crossing.get("faster_after")), number)
    label_axes(axes, sweep, ticker)
    title = str(sweep["workload"])
    if sweep["title"]:
        title += f" — {sweep['title']}"
    if sweep["interpreter"]:
        title += f"\non {sweep['interpreter']}"
    axes.set_title(title, loc="left", parse_math=False)
    # Under the axes: never over a line or a crossover, and the plot keeps
    # the figure's whole width.
    legend = axes.legend(loc="upper left", bbox_to_anchor=(0.0, -0.13), borderaxespad=0,
                         ncols=1 if len(sweep["growth"]) < 2 else 2, frameon=False,
                         alignment="left", title="variant   cost grows as n^exponent [95% CI]")
    for text in [*legend.get_texts(), legend.get_title()]:
        text.set_parse_math(False)
    return figure


def label_axes(axes, sweep, ticker):
    """Ticks a reader can use: n at the measured sizes, times in s/ms/µs/ns,
    in 1-2-5 steps when the times span less than two decades."""
    sizes = sorted({n for entry in sweep["growth"] for n in entry.get("n") or []})
    times = [t for entry in sweep["growth"] for t in entry.get("median") or [] if t > 0]
    if 1 < len(sizes) <= 10:
        axes.set_xticks(sizes)
        axes.xaxis.set_minor_locator(ticker.NullLocator())
    axes.xaxis.set_major_formatter(ticker.FuncFormatter(lambda x, _: format_n(x)))
    axes.xaxis.set_minor_formatter(ticker.NullFormatter())
    if times and max(times) / min(times) < 100:
        axes.yaxis.set_major_locator(ticker.LogLocator(base=10, subs=(1, 2, 5)))
    axes.yaxis.set_major_formatter(ticker.FuncFormatter(lambda y, _: format_time(y)))
    axes.yaxis.set_minor_formatter(ticker.NullFormatter())
    axes.grid(True, which="major", color="#c8c8c8", linewidth=0.8)
    axes.grid(True, which="minor", axis="y", color="#ececec", linewidth=0.5)
    axes.set_xlabel("n (the workload's size)")
    axes.set_ylabel("median time per call")


def draw_crossover(axes, crossing, faster_after, number):
    """A dotted vertical line at the estimated n, a circle where the lines
    cross, and which variant overtakes which."""
    n = crossing.get("n")
    if not n or n <= 0:
        return
    line = axes.axvline(n, color="#444444", linestyle=":", linewidth=1.8)
    line.set_gid(f"crossover-{number}")
    at = time_on_line(faster_after, n) if faster_after else None
    if at is not None:
        axes.plot([n], [at], marker="o", markersize=11, markerfacecolor="none",
                  markeredgecolor="#444444", markeredgewidth=1.8, linestyle="none")
    label = (f"{crossing.get('faster_after')} overtakes {crossing.get('faster_before')}"
             f"\nat n ≈ {format_n(n)}")
    axes.annotate(label, xy=(n, 0.02), xycoords=("data", "axes fraction"), xytext=(6, 0),
                  textcoords="offset points", ha="left", va="bottom", fontsize=12,
                  color="#333333", parse_math=False,
                  bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "none",
                        "alpha": 0.85})


def figure_bytes(figure, fmt):
    """The figure in one format, under _style()."""
    buffer = io.BytesIO()
    if fmt == "svg":
        figure.savefig(buffer, format="svg", metadata=SVG_METADATA)
    else:
        figure.savefig(buffer, format="png", dpi=PNG_DPI, metadata=PNG_METADATA)
    return buffer.getvalue()


# --- the two entry points ---

def growth_figures(results_json_text, formats=FORMATS):
    """Every sweep's figure: {"workload@interpreter": {"svg": bytes, "png": bytes}},
    in the run's order; empty when the run was not a sweep."""
    for fmt in formats:
        if fmt not in FORMATS:
            raise PlotError(f"unknown figure format {fmt!r}: svg or png")
    results = load_results(results_json_text)
    found = sweeps(results)
    if not found:
        return {}
    matplotlib = _matplotlib()[0]
    figures = {}
    with _style(matplotlib):
        for sweep in found:
            figure = draw_sweep(sweep)
            figures[sweep["key"]] = {fmt: figure_bytes(figure, fmt) for fmt in formats}
    return figures


def figure_paths(results, prefix):
    """(key, path without its extension) per sweep: PREFIX-<workload>, plus
    -<interpreter> when the run measured several interpreters."""
    several = len((results.get("optdemo") or {}).get("interpreters") or []) > 1
    paths = []
    for sweep in sweeps(results):
        name = f"{prefix}-{file_part(sweep['workload'])}"
        if several and sweep["interpreter"]:
            name += f"-{file_part(sweep['interpreter'])}"
        paths.append((sweep["key"], name))
    return paths


def file_part(text):
    """A label safe in a file name: '/usr/bin/python3.11' -> 'usr_bin_python3.11'."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", str(text)).strip("._") or "unnamed"


def write_atomic(path, data):
    """A temporary file in the same folder, fsynced, then renamed, as the C
    side writes every output: never half a file."""
    descriptor, temporary = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)),
                                             prefix="." + os.path.basename(path) + ".")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def write_figures(results_json_text, prefix, formats=FORMATS):
    """Write PREFIX-<workload>[-<interpreter>].svg and .png for every sweep;
    return the paths written, in the run's order (none when no sweep)."""
    results = load_results(results_json_text)
    figures = growth_figures(results, formats)
    written = []
    for key, base in figure_paths(results, prefix):
        for fmt in formats:
            path = f"{base}.{fmt}"
            write_atomic(path, figures[key][fmt])
            written.append(path)
    return written
