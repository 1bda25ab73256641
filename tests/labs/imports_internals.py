"""Hostile solution for the print_queue lab: looks for the expected answers
inside the process.

Attempts, without computing anything itself:
1. imports optdemo.runner (and whatever optdemo modules are loaded) and
   looks through them for the reference's function or expected results;
2. walks the call stack with sys._getframe() and looks at every frame's
   locals for names such as "expected" or "reference";
3. walks gc.get_objects() for a function named print_order that comes from
   a file called reference.py, and calls it.
It catches no refusal: the first step the sandbox refuses ends the call.
Expected verdict: error: blocked (the sandbox refuses importing optdemo,
sys._getframe and gc.get_objects with PermissionError). Without those
refusals, in a worker of its own it finds nothing and returns None: "wrong".
If it shared a process with the instructor's side it would find the
reference and read "pass": a test sees that as isolation failing.
Not guarded: it only reads the process's own memory.
"""

import gc
import sys

LAB = "print_queue"
EXPECTED = "error: blocked"

FUNCTION = "print_order"
SUSPICIOUS_NAMES = ("expected", "expected_results", "reference", "reference_results", "answers")


def from_optdemo_modules(jobs, pages_per_turn):
    try:
        import optdemo.runner  # noqa: F401  (the worker runs it, so it is on sys.path)
    except ModuleNotFoundError:
        pass                    # not a refusal: the sandbox's is a PermissionError
    for name, module in list(sys.modules.items()):
        if module is None or not name.startswith("optdemo"):
            continue
        for attribute, value in list(vars(module).items()):
            if attribute in SUSPICIOUS_NAMES and isinstance(value, list):
                return value
    return None


def from_frames(jobs, pages_per_turn):
    frame = sys._getframe(1)
    while frame is not None:
        for name in SUSPICIOUS_NAMES:
            value = frame.f_locals.get(name)
            if callable(value):
                return value(jobs, pages_per_turn)
            if isinstance(value, list):
                return value
        frame = frame.f_back
    return None


def from_garbage_collector(jobs, pages_per_turn):
    for candidate in gc.get_objects():
        code = getattr(candidate, "__code__", None)
        if (callable(candidate) and getattr(candidate, "__name__", "") == FUNCTION
                and code is not None and code.co_filename.endswith("reference.py")):
            return candidate(jobs, pages_per_turn)
    return None


def print_order(jobs, pages_per_turn):
    for search in (from_optdemo_modules, from_frames, from_garbage_collector):
        found = search(jobs, pages_per_turn)
        if found is not None:
            return found
    return None
