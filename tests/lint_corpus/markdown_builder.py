"""Build Markdown documents: headings, bullet lists and tables, from pieces
joined once at the end."""

import io


def heading(text, level=1):
    return "#" * level + " " + text


def bullet_list(items):
    return "\n".join(f"- {item}" for item in items)


def table(header, rows):
    widths = [len(str(cell)) for cell in header]
    for row in rows:
        widths = [max(width, len(str(cell))) for width, cell in zip(widths, row)]
    lines = [format_row(header, widths), "|" + "|".join("-" * (width + 2) for width in widths) + "|"]
    for row in rows:
        lines.append(format_row(row, widths))
    return "\n".join(lines)


def format_row(cells, widths):
    padded = [f" {str(cell):<{width}} " for cell, width in zip(cells, widths)]
    return "|" + "|".join(padded) + "|"


def document(title, sections):
    """sections: (heading, body) pairs."""
    parts = [heading(title)]
    for section_title, body in sections:
        parts.append(heading(section_title, 2))
        parts.append(body)
    return "\n\n".join(parts) + "\n"


def write_report(stream, title, results):
    stream.write(heading(title) + "\n\n")
    for name, value in results.items():
        stream.write(f"* **{name}**: {value}\n")


def caption(name, count):
    label = name.title()
    label += f" ({count} items)"
    return label


if __name__ == "__main__":
    text = document("Report", [
        ("Summary", bullet_list(["fast", "correct", "small"])),
        ("Numbers", table(["name", "value"], [["alpha", 1], ["beta", 22]])),
    ])
    buffer = io.StringIO()
    write_report(buffer, caption("results", 2), {"speed": "3x", "memory": "-40%"})
    print(text + buffer.getvalue())
