"""Building text: a local string grown with += (CPython grows a local in
place, so this is linear), a writer object that keeps its pieces in a list,
and a line wrapper."""


def dotted_line(words, width):
    """The words joined by single spaces, padded with dots to width."""
    line = ""
    for word in words:
        if line:
            line += " "
        line += word
    return line + "." * (width - len(line))


def escape(text):
    """text with every quote and backslash escaped by a backslash."""
    escaped = ""
    for character in text:
        if character in "\\\"":
            escaped += "\\" + character
        else:
            escaped += character
    return escaped


class Writer:
    """A file-like object that collects what is written to it."""

    def __init__(self):
        self.pieces = []

    def write(self, text):
        self.pieces.append(text)

    def getvalue(self):
        return "".join(self.pieces)


def wrap(words, width):
    """Lines of at most width characters (longer words get a line each)."""
    lines = []
    current = []
    length = 0
    for word in words:
        if current and length + 1 + len(word) > width:
            lines.append(" ".join(current))
            current = []
            length = 0
        length += len(word) + (1 if current else 0)
        current.append(word)
    if current:
        lines.append(" ".join(current))
    return lines


def table(rows):
    """A plain-text table, one line per row, cells separated by ' | '."""
    out = Writer()
    for row in rows:
        out.write(" | ".join(str(cell) for cell in row))
        out.write("\n")
    return out.getvalue()


if __name__ == "__main__":
    print(dotted_line(["total", "cost"], 20))
    print(escape('say "hi"'))
    print(wrap("the quick brown fox jumps over the lazy dog".split(), 12))
    print(table([("a", 1), ("b", 22)]), end="")
