"""Hostile solution for the print_queue lab: runs the instructor's reference.

Attempts: finds pyscripts/labs/print_queue/ (from OPTDEMO_SOURCE_ROOT, from
sys.path, from this file's or the working directory's parents), reads lab.py
to learn the function's name and reference.py to get the answer, and
returns what the reference computes: always right, at the reference's speed.
Expected verdict: error: blocked (the sandboxed worker cannot read the lab's
folder: PermissionError, or FileNotFoundError when it is not visible at
all). If it can read them, the check reads "pass", which a test sees as the
sandbox failing.
Not guarded: it only reads files and computes an answer.
"""

import os
import sys

LAB = "print_queue"
EXPECTED = "error: blocked"


def find_lab_folder():
    candidates = []
    if os.environ.get("OPTDEMO_SOURCE_ROOT"):
        candidates.append(os.path.join(os.environ["OPTDEMO_SOURCE_ROOT"], "pyscripts"))
    candidates.extend(entry for entry in sys.path if entry)
    for start in (os.path.dirname(os.path.abspath(__file__)), os.getcwd()):
        folder = start
        while True:
            candidates.append(os.path.join(folder, "pyscripts"))
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
    for base in candidates:
        folder = os.path.join(base, "labs", LAB)
        if os.path.isfile(os.path.join(folder, "reference.py")):
            return folder
    raise FileNotFoundError("cannot find the %s lab's folder" % LAB)


def run_file(path):
    """Execute a Python file in a fresh namespace and return the namespace."""
    with open(path, encoding="utf-8") as file:
        source = file.read()
    namespace = {"__name__": "stolen", "__file__": path}
    exec(compile(source, path, "exec"), namespace)
    return namespace


def print_order(jobs, pages_per_turn):
    folder = find_lab_folder()
    lab = run_file(os.path.join(folder, "lab.py"))
    reference = run_file(os.path.join(folder, "reference.py"))
    return reference[lab["FUNCTION"]](jobs, pages_per_turn)
