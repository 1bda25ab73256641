"""Hostile solution for the print_queue lab: writes to the lab's own files.

Attempts: finds pyscripts/labs/print_queue/ (from OPTDEMO_SOURCE_ROOT, from
sys.path, from this file's or the working directory's parents) and opens
starter.py and reference.py for writing. Whoever can overwrite the
reference can make any solution pass, so the sandbox must refuse.
Expected verdict: error: blocked (opening the files for writing fails: a
read-only view of the source tree, or no view at all, which raises
FileNotFoundError).
To stay harmless while there is no sandbox, it writes back exactly the bytes
it read: the files' contents never change (their modification time does,
which a test can check). If both writes succeed, the function answers
correctly: the check would read "pass", which a test sees as the sandbox
failing.
Guarded: unless OPTDEMO_HOSTILE_TESTS=1, print_order raises RuntimeError at
once and opens nothing.
"""

import collections
import os
import sys

LAB = "print_queue"
EXPECTED = "error: blocked"


def require_armed():
    if os.environ.get("OPTDEMO_HOSTILE_TESTS") != "1":
        raise RuntimeError("hostile test disarmed: set OPTDEMO_HOSTILE_TESTS=1 to run it")


def find_lab_folder():
    """The lab's folder, wherever the checker keeps it; FileNotFoundError if
    it cannot be seen at all."""
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


def overwrite_with_same_bytes(path):
    with open(path, "r+b") as file:
        content = file.read()
        file.seek(0)
        file.write(content)


def print_order(jobs, pages_per_turn):
    require_armed()
    folder = find_lab_folder()
    overwrite_with_same_bytes(os.path.join(folder, "starter.py"))
    overwrite_with_same_bytes(os.path.join(folder, "reference.py"))
    queue = collections.deque((name, pages) for name, pages in jobs)
    finished = []
    while queue:
        name, pages = queue.popleft()
        if pages > pages_per_turn:
            queue.append((name, pages - pages_per_turn))
        else:
            finished.append(name)
    return finished
