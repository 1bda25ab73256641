"""Reading `key = value` settings into per-section records, and merging
include paths in order without duplicates."""

import collections

KNOWN_FLAGS = ("--verbose", "--quiet", "--strict")


def parse_sections(lines):
    """{section: record} where a record holds the section's settings and,
    under fixed field names, its list of tags and its line count."""
    sections = {}
    current = None
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections.setdefault(current, {"settings": {}, "lines": 0})
            continue
        record = sections[current]
        record["lines"] += 1
        key, _, value = line.partition("=")
        if key.strip() == "tag":
            if "tags" not in record:
                record["tags"] = []
            record["tags"].append(value.strip())
        else:
            record["settings"][key.strip()] = value.strip()
    return sections


def merged_paths(*path_lists):
    """Every folder of the lists, in order of first appearance."""
    merged = []
    seen = set()
    for paths in path_lists:
        for path in paths:
            if path not in seen:
                seen.add(path)
                merged.append(path)
    return merged


def unique_in_order(items):
    """The items without repeats, first appearance first."""
    return list(dict.fromkeys(items))


def flags_given(arguments):
    """The known flags present among the arguments, in the order KNOWN_FLAGS lists them."""
    given = set(arguments)
    return [flag for flag in KNOWN_FLAGS if flag in given]


def keys_by_section(sections):
    """{setting name: sections that set it}."""
    where = collections.defaultdict(list)
    for name, record in sections.items():
        for key in record["settings"]:
            where[key].append(name)
    return where


if __name__ == "__main__":
    text = ["[build]", "jobs = 4", "tag = fast", "tag = local", "[test]", "jobs = 2"]
    sections = parse_sections(text)
    print(sections)
    print(merged_paths(["/usr/include", "/opt/include"], ["/opt/include", "src"]))
    print(unique_in_order("abracadabra"))
    print(flags_given(["--strict", "input.txt"]))
    print(dict(keys_by_section(sections)))
