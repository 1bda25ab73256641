"""The speedup chart of the HTML report: each variant against before, as
inline SVG written by hand.

One row per variant: a bar from 1x to its speedup, a dot at the speedup and
its 95% CI as whiskers, on a logarithmic axis -- speedups run from 0.5x to
~1000x, and on a log axis 2x faster and 2x slower lie the same distance
from 1x. A variant that was not measured keeps its row, with its status in
words and no mark. No matplotlib: the chart must be there on every
interpreter, and these few shapes read better as code than as a plotting
call. Colours come from the page's verdict classes (fill="currentColor").
"""

from html import escape
import math

WIDTH = 960            # the viewBox's width; the page scales it to the column
NAMES = 150            # the left column: variant names, right-aligned
FIGURES = 150          # the right column: '22.1× faster *'
ROW = 26               # height of one variant's row
TOP, AXIS = 8, 40      # above the first row; below the last, for the tick labels
PLOT_LEFT, PLOT_RIGHT = NAMES, WIDTH - FIGURES
MINOR_LABEL_SPACE = 170    # px per decade from which 2x and 5x get a label too (and fit)


def decades(rows):
    """The axis's ends, as powers of ten around every speedup and CI end;
    at least 0.1x to 10x, so that 1x never sits on an edge."""
    values = [value for row in rows for value in (row["speedup"], row["low"], row["high"])
              if value is not None and value > 0]
    low, high = min(values + [0.1]), max(values + [10])
    return math.floor(math.log10(low)), math.ceil(math.log10(high))


def tick_text(value):
    return f"{value:g}×"


def svg(rows, label):
    """The chart's SVG text. rows: dicts with name, speedup (None: no mark),
    low and high (the CI, or None), verdict (a class: faster, slower, same
    or unclear; for a row without a mark, bad or muted), figure (the text at
    the right) and status (the words shown instead of the marks and figure).
    label: what a screen reader says of the whole."""
    first, last = decades(rows)

    def x(value):
        share = (math.log10(value) - first) / (last - first)
        return round(PLOT_LEFT + share * (PLOT_RIGHT - PLOT_LEFT), 2)

    height = TOP + ROW * len(rows) + AXIS
    bottom = TOP + ROW * len(rows)
    parts = []
    # The grid: a line at each decade, lighter ones at 2x and 5x; 1x darker.
    label_minor = (PLOT_RIGHT - PLOT_LEFT) / (last - first) >= MINOR_LABEL_SPACE
    for power in range(first, last + 1):
        for step in (1, 2, 5):
            value = step * 10.0 ** power
            if power == last and step > 1:
                break
            position = x(value)
            css = "one" if value == 1 else "grid" if step == 1 else "grid minor"
            stroke = ("#1b1b1b", "1.5") if value == 1 else (
                ("#9fb8d6", "1") if step == 1 else ("#dbe8f6", "1"))
            parts.append(f'<line class="{css}" x1="{position}" x2="{position}" y1="{TOP}" '
                         f'y2="{bottom + 4}" stroke="{stroke[0]}" stroke-width="{stroke[1]}"/>')
            if step == 1 or label_minor:
                text = tick_text(float(f"{value:.12g}"))
                parts.append(f'<text class="tick" x="{position}" y="{bottom + 18}" '
                             f'text-anchor="middle" fill="#555555">{escape(text)}</text>')
    parts.append(f'<text x="{PLOT_RIGHT}" y="{bottom + 35}" text-anchor="end" '
                 'fill="#555555">speedup over before (log scale; 1× = before)</text>')
    for index, row in enumerate(rows):
        parts.append(chart_row(row, TOP + ROW * index + ROW / 2, x))
    return (f'<svg role="img" aria-label="{escape(label)}" viewBox="0 0 {WIDTH} {height}" '
            f'width="{WIDTH}" height="{height}" font-size="13">' + "".join(parts) + "</svg>")


def chart_row(row, middle, x):
    """One variant: its name, then its marks and figure, or its status."""
    name = escape(row["name"])
    title = f'<title>{name}: {escape(row["figure"] or row["status"] or "")}</title>'
    text = (f'<text class="name" x="{PLOT_LEFT - 10}" y="{middle + 4.5}" text-anchor="end" '
            f'fill="#1b1b1b">{name}</text>')
    if row["speedup"] is None:      # the status where the figure goes: the plot stays clear
        status = (f'<text class="status" x="{PLOT_RIGHT + 10}" y="{middle + 4.5}" '
                  f'font-style="italic" fill="currentColor">{escape(row["status"])}</text>')
        return f'<g class="row">{title}{text}<g class="{escape(row["verdict"])}">{status}</g></g>'
    one, point = x(1), x(row["speedup"])
    marks = [f'<rect class="bar" x="{min(one, point)}" y="{middle - 6}" '
             f'width="{round(abs(point - one), 2)}" height="12" fill="currentColor" '
             'fill-opacity="0.25"/>']
    if row["low"] is not None and row["high"] is not None:
        low, high = x(row["low"]), x(row["high"])
        marks.append(f'<line class="ci" x1="{low}" x2="{high}" y1="{middle}" y2="{middle}" '
                     'stroke="currentColor" stroke-width="2"/>')
        for end in (low, high):
            marks.append(f'<line class="cap" x1="{end}" x2="{end}" y1="{middle - 6}" '
                         f'y2="{middle + 6}" stroke="currentColor" stroke-width="2"/>')
    marks.append(f'<circle class="point" cx="{point}" cy="{middle}" r="5" '
                 'fill="currentColor"/>')
    marks.append(f'<text class="figure" x="{PLOT_RIGHT + 10}" y="{middle + 4.5}" '
                 f'fill="currentColor">{escape(row["figure"])}</text>')
    return (f'<g class="row">{title}{text}<g class="{escape(row["verdict"])}">'
            + "".join(marks) + "</g></g>")
