"""Lab exercises (docs/labs.md): finding them, loading them, and the JSON
that carries arguments and results between the trusted worker (the lab, its
starter and reference) and the sandboxed one (the student's solution).

Both workers run pyscripts' runner; its `lab`, `solution`, `call`, `prepare`,
`lab_compare` and `sandbox` requests use what is here.
"""

import importlib.util
import inspect
import json
import os
import re

LABS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "labs")
ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")
REQUIRED = ("ID", "TITLE", "LESSON", "FUNCTION", "cases", "timing_input", "SIZES", "TARGET")


class LabError(Exception):
    """A lab folder or a solution that does not follow the contract."""


def lab_ids():
    """Every lab, sorted: the folders of pyscripts/labs holding a lab.py."""
    if not os.path.isdir(LABS_DIR):
        return []
    return sorted(name for name in os.listdir(LABS_DIR)
                  if os.path.isfile(os.path.join(LABS_DIR, name, "lab.py")))


def lab_titles():
    """[(id, title)] of every lab: each statement's first heading (read,
    not imported: listing the labs runs none of their code)."""
    titles = []
    for lab_id in lab_ids():
        title = ""
        with open(os.path.join(LABS_DIR, lab_id, "statement.md"), encoding="utf-8") as stream:
            for line in stream:
                if line.startswith("# "):
                    title = line[2:].strip()
                    break
        titles.append((lab_id, title))
    return titles


def lab_folder(lab_id):
    """The folder of a lab id; LookupError naming the valid ids otherwise."""
    if lab_id not in lab_ids():
        raise LookupError(f"unknown lab '{lab_id}'; labs: " + ", ".join(lab_ids()))
    return os.path.join(LABS_DIR, lab_id)


def load_module(path, name):
    """Import a file as a module of its own (not registered in sys.modules)."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None:
        raise LabError(f"{path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_lab(folder):
    """(lab module, starter function, reference function), checked."""
    lab = load_module(os.path.join(folder, "lab.py"), "optdemo_lab")
    for name in REQUIRED:
        if not hasattr(lab, name):
            raise LabError(f"{folder}/lab.py: missing {name}")
    starter = load_function(os.path.join(folder, "starter.py"), lab.FUNCTION, "optdemo_starter")
    reference = load_function(os.path.join(folder, "reference.py"), lab.FUNCTION,
                              "optdemo_reference")
    return lab, starter, reference


def load_function(path, function, module_name="solution"):
    """The function `function` defined by the file at `path`."""
    module = load_module(path, module_name)
    found = getattr(module, function, None)
    if not callable(found):
        raise LabError(f"{os.path.basename(path)} defines no function {function}(); "
                       "the lab's statement names the function to write")
    return found


def describe(folder, lab):
    """What the host needs of a lab, as JSON-able data (cases come apart)."""
    return {
        "id": lab.ID, "title": lab.TITLE, "lesson": lab.LESSON, "function": lab.FUNCTION,
        "sizes": dict(lab.SIZES), "target": dict(lab.TARGET),
        "max_growth": getattr(lab, "MAX_GROWTH", None),
        "tolerance": getattr(lab, "TOLERANCE", None),
        "signature": str(inspect.signature(load_function(
            os.path.join(folder, "starter.py"), lab.FUNCTION, "optdemo_starter"))),
        "folder": folder,
    }


def to_json(value, what):
    """`value` as JSON text; LabError when it is not a JSON value (a set, an
    object, NaN...), which is the contract's rule for results."""
    try:
        return json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise LabError(f"{what} is not a JSON value ({error}): return lists, numbers, "
                       "strings, booleans, None or dicts with str keys") from None


def short(value, limit=200):
    """repr(value), cut to `limit` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


# --- shrinking a failing case -------------------------------------------------
# When a solution's answer is wrong on a small case, the host tries smaller
# versions of its arguments (fewer items in a list or characters in a
# string; numbers are left alone: 0 may be an input the function never
# gets) and keeps any on which the solution is still wrong, until no
# candidate fails: the student sees the smallest input that shows the bug.

MAX_CANDIDATES = 60


def shrink_candidates(args):
    """Smaller versions of a case's arguments (a list of JSON values), the
    most aggressive first: for each list or string among them, or one level
    inside a list, the empty one, each half, then each one item shorter."""
    candidates = []
    for position, value in enumerate(args):
        for smaller in smaller_values(value):
            candidates.append(args[:position] + [smaller] + args[position + 1:])
            if len(candidates) >= MAX_CANDIDATES:
                return candidates
    return candidates


def smaller_values(value, depth=0):
    """Smaller versions of one JSON value, most aggressive first."""
    if not isinstance(value, (list, str)) or not value:
        return []
    half = len(value) // 2
    smaller = [value[:0]]
    if half > 0:
        smaller += [value[:half], value[half:]]
    smaller += [value[:i] + value[i + 1:] for i in range(len(value))]
    if isinstance(value, list) and depth == 0:
        # one level down: a shorter item (a list of lists, a list of strings)
        for i, item in enumerate(value):
            smaller += [value[:i] + [shorter] + value[i + 1:]
                        for shorter in smaller_values(item, depth + 1)[:3]]
    unique, seen = [], {json.dumps(value)}
    for candidate in smaller:           # lists are unhashable: their JSON text is not
        text = json.dumps(candidate)
        if text not in seen:
            seen.add(text)
            unique.append(candidate)
    return unique
