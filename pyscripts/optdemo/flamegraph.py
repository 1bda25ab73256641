"""A flame graph as inline SVG, written by hand, from the sampler's stacks.

Input: [{"stack": "outer (f.py:3);inner (f.py:9)", "count": N}, ...], each
frame written "qualname (file:line)" as py-spy and --collapsed write them.
Classic layout, as flamegraph.pl draws it: the root at the bottom, each
function's callees stacked above it, a box's width its share of the samples.

Key choices: frames merge by function, not by line -- `f (a.py:3)` and
`f (a.py:9)` under the same caller are one box, as a reader asks "where does
f's time go", not "which of f's lines called" (the hot lines table answers
that). Children are sorted by name and colours come from crc32 of the file
(hash() is salted per process), so the same stacks give the same bytes. No
script, no clipPath ids (two graphs share a page): labels are cut to what
fits the box instead, and every box has a <title> tooltip.
"""

from html import escape
import re
import zlib

WIDTH = 1200           # the viewBox's width; the page scales it to the column
ROW = 18               # one frame's height
FONT = 12              # px, a monospace font: every character is as wide
FONT_FAMILY = "DejaVu Sans Mono, monospace"
CHAR = 7.25            # its advance: DejaVu Sans Mono's 0.602 em
PAD = 3                # between a box's left edge and its label
TOP = 26               # the title above the graph
BOTTOM = 22            # the note under it: what was left out
MIN_SHARE = 0.001      # boxes narrower than 0.1% of the width are left out
ROOT_NAME = "all"

FRAME = re.compile(r"^(?P<name>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def parse_frame(frame):
    """'f (a.py:3)' -> ('f', 'a.py'); a frame without a location keeps its
    text as the name and an empty file. The line is dropped: boxes are
    functions."""
    match = FRAME.match(frame.strip())
    if match is None:
        return frame.strip(), ""
    return match.group("name"), match.group("file")


class Node:
    """One box: a function under one chain of callers. count: samples with
    this box on the stack (itself and its callees); own: samples where it is
    the innermost frame."""

    def __init__(self, name, file):
        self.name, self.file = name, file
        self.count = 0
        self.own = 0
        self.children = {}      # (name, file) -> Node

    def child(self, name, file):
        key = (name, file)
        if key not in self.children:
            self.children[key] = Node(name, file)
        return self.children[key]

    def sorted_children(self):
        return [self.children[key] for key in sorted(self.children)]


def build_tree(stacks):
    """The merged tree under a root named "all" holding every sample."""
    root = Node(ROOT_NAME, "")
    for entry in stacks:
        count = int(entry.get("count", 0))
        if count <= 0:
            continue
        root.count += count
        node = root
        for frame in str(entry.get("stack", "")).split(";"):
            if not frame.strip():
                continue
            node = node.child(*parse_frame(frame))
            node.count += count
        node.own += count
    return root


def is_library(file):
    """The standard library and installed packages (greyer boxes), against
    the program's own files: /usr/lib/python3.11/..., a venv's
    lib/python3.11/site-packages, frozen modules such as <frozen runpy>."""
    return "/lib/python3" in file or file.startswith("<frozen")


def colour(node):
    """A warm colour, stable across runs: the hue from the file (red to
    yellow), the lightness nudged by the name so neighbours differ; library
    files washed out towards grey."""
    if node.name == ROOT_NAME and not node.file:
        return "hsl(30, 8%, 78%)"
    hue = zlib.crc32(node.file.encode("utf-8", "surrogatepass")) % 56    # 0 red .. 55 yellow
    light = 58 + zlib.crc32(node.name.encode("utf-8", "surrogatepass")) % 14
    if is_library(node.file):
        return f"hsl({hue}, 14%, {light + 8}%)"
    return f"hsl({hue}, 82%, {light}%)"


def label(text, width):
    """The text cut to what fits `width` px at ~7 px a character: whole,
    cut with an ellipsis, or nothing when not even two characters fit."""
    fits = int((width - 2 * PAD) // CHAR)
    if fits >= len(text):
        return text
    if fits < 3:
        return ""
    return text[:fits - 1] + "…"


def layout(root):
    """[(node, depth, x, width)] of the boxes drawn, and (boxes, samples)
    left out as too narrow (a left-out box takes its callees with it; they
    are counted once, as the samples of the topmost box left out). A box
    left out leaves its gap: every width stays a share of all samples."""
    boxes, left_out = [], [0, 0]
    total = root.count

    def place(node, depth, x):
        boxes.append((node, depth, x, WIDTH * node.count / total))
        for child in node.sorted_children():
            if child.count / total < MIN_SHARE:
                left_out[0] += 1 + count_boxes(child)
                left_out[1] += child.count
            else:
                place(child, depth + 1, x)
            x += WIDTH * child.count / total
    place(root, 0, 0.0)
    return boxes, tuple(left_out)


def count_boxes(node):
    """The boxes under node (not node itself)."""
    return sum(1 + count_boxes(child) for child in node.children.values())


def samples(count):
    return f"{count:,} sample{'s' if count != 1 else ''}"


def number(value):
    """A coordinate with at most two decimals, no trailing zeros."""
    return f"{round(value, 2):g}" if abs(value) < 1e6 else str(round(value))


def svg(stacks, title="Flame graph"):
    """The flame graph's SVG text; title heads it and is what a screen
    reader says of the whole."""
    root = build_tree(stacks)
    if root.count == 0:
        return (f'<svg role="img" aria-label="{escape(title)}: no samples" '
                f'viewBox="0 0 {WIDTH} {TOP + BOTTOM}" width="{WIDTH}" height="{TOP + BOTTOM}" '
                f'font-size="{FONT}" font-family="{FONT_FAMILY}"><text x="0" y="16" '
                f'font-weight="600" fill="#1b1b1b">{escape(title)}</text>'
                f'<text x="0" y="{TOP + 14}" fill="#555555">'
                'no samples</text></svg>')
    boxes, (left_boxes, left_samples) = layout(root)
    depth = max(box[1] for box in boxes)
    height = TOP + ROW * (depth + 1) + BOTTOM
    parts = [f'<text class="title" x="0" y="16" font-weight="600" fill="#1b1b1b">'
             f'{escape(title)}</text>']
    for node, level, x, width in boxes:
        y = TOP + ROW * (depth - level)       # the root on the bottom row
        share = 100 * node.count / root.count
        where = node.file or "(no file)"
        if node is root:
            where = "every sample, whatever its stack"
        tooltip = (f"{node.name}\n{where}\n{samples(node.count)}, {share:.1f}%"
                   + (f" ({node.own:,} in the function itself)" if node.own else ""))
        text = label(node.name if node is not root else f"all ({samples(node.count)})", width)
        box = (f'<g class="frame"><title>{escape(tooltip)}</title>'
               f'<rect x="{number(x)}" y="{y}" width="{number(width)}" height="{ROW - 1}" '
               f'fill="{colour(node)}" stroke="#ffffff" stroke-width="0.5"/>')
        if text:
            box += (f'<text x="{number(x + PAD)}" y="{y + ROW - 5}" '
                    f'fill="#1b1b1b">{escape(text)}</text>')
        parts.append(box + "</g>")
    if left_boxes:
        note = (f"{left_boxes:,} box{'es' if left_boxes != 1 else ''} narrower than "
                f"{MIN_SHARE:.1%} of the width left out ({samples(left_samples)}, "
                f"{100 * left_samples / root.count:.2f}% of {root.count:,})")
    else:
        note = f"every function with samples is drawn ({samples(root.count)})"
    parts.append(f'<text class="left-out" x="0" y="{height - 6}" fill="#555555">'
                 f'{escape(note)}</text>')
    spoken = f"{title}: {samples(root.count)}, root at the bottom"
    return (f'<svg role="img" aria-label="{escape(spoken)}" viewBox="0 0 {WIDTH} {height}" '
            f'width="{WIDTH}" height="{height}" font-size="{FONT}" '
            f'font-family="{FONT_FAMILY}">' + "".join(parts) + "</svg>")
