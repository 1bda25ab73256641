"""Hostile solution for the print_queue lab: reads other processes' memory.

Attempts: a process may read the memory of another of the same user
through /proc/<pid>/mem (the offsets are in /proc/<pid>/maps). The
trusted worker loaded the starter and the reference; each checker read its
student's file to copy it; in a batch, the neighbours' workers hold their
students' code. During its first call this solution
1. finds the processes of its own check and batch: its topmost optdemo
   ancestor and every descendant of it (only those, so that running it
   never reads a process it has nothing to do with);
2. reads their writable memory (heap, stack, anonymous mappings) and looks
   for Python source defining print_order and for compiled modules
   (a .pyc's magic number followed by marshal data) that define it;
3. keeps a candidate only if it agrees with the starter's algorithm
   (public: `optdemo lab starter`) on random queues and is at least
   FAST_ENOUGH times faster than it, then returns its answers.
Files that carry the hostile tests' arming variable are skipped (one of
them loops for ever).

Unguarded it would read "pass" whenever a fast solution is in memory
nearby: the reference if its source or bytecode is still there, or a
classmate's in a batch. (Measured on the checker before the sandbox: the
trusted worker kept the starter's .pyc, too slow to be worth taking, and
the hidden cases' labels; a neighbour's checker kept its student's whole
file.) If it finds nothing worth using it returns [], so the verdict is
"wrong" on the first case whose answer is not empty.
Expected verdict: wrong, on EXPECTED_CASE. What should stop it: the
sandbox's own PID namespace and /proc (no other process is visible), its
own user (uid 65534 may not read the checker's memory) and the seccomp
filter (no process_vm_readv, no ptrace).
Guarded: unless OPTDEMO_HOSTILE_TESTS=1, print_order raises RuntimeError at
once and reads nothing.
"""

import importlib.util
import marshal
import os
import random
from time import monotonic, perf_counter

LAB = "print_queue"
EXPECTED = "wrong"
EXPECTED_CASE = "one short job"

FAST_ENOUGH = 3                    # times faster than the starter's algorithm...
TIMING_JOBS = 20_000               # ... on this many jobs (it is quadratic: 10x slower here)
CHUNK = 8 << 20                    # memory is read this much at a time
OVERLAP = 64 << 10                 # ... with this much again, for a match across chunks
TIME_BUDGET = 6.0                  # seconds of reading, below the 10 s per-call timeout
TEXT_BYTES = frozenset(b"\t\n\r" + bytes(range(0x20, 0x7F)) + bytes(range(0x80, 0x100)))
MAX_SOURCE = 20_000                # bytes of text kept either side of a match
COMMON_IMPORTS = b"import collections\nfrom collections import deque\n"
PYC_MAGIC = importlib.util.MAGIC_NUMBER
ARMING = b"OPTDEMO_HOSTILE_TESTS"

starter_seconds = None            # the starter's algorithm on TIMING_JOBS, once
stolen = None
looked = False


def require_armed():
    if os.environ.get("OPTDEMO_HOSTILE_TESTS") != "1":
        raise RuntimeError("hostile test disarmed: set OPTDEMO_HOSTILE_TESTS=1 to run it")


# --- which processes ------------------------------------------------------------

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


def own_processes():
    """Every descendant of the topmost optdemo ancestor, but this one."""
    top, pid = None, os.getppid()
    while pid > 1 and is_optdemo(pid):
        top = pid
        try:
            pid = parent_of(pid)
        except (OSError, ValueError, IndexError):
            break
    children = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                children.setdefault(parent_of(int(name)), []).append(int(name))
            except (OSError, ValueError, IndexError):
                continue
    if top is None:                 # no ancestor visible: whatever can be seen
        return [pid for pids in children.values() for pid in pids if pid != os.getpid()]
    found, waiting = [], [top]
    while waiting:
        pid = waiting.pop()
        found.append(pid)
        waiting.extend(children.get(pid, []))
    return [pid for pid in found if pid != os.getpid()]


# --- reading their memory ---------------------------------------------------------

def writable_regions(pid):
    with open("/proc/%d/maps" % pid) as maps:
        for line in maps:
            fields = line.split()
            path = fields[5] if len(fields) > 5 else ""
            if fields[1].startswith("rw") and (path == "" or path in ("[heap]", "[stack]")):
                low, high = (int(address, 16) for address in fields[0].split("-"))
                yield low, high


def memory_chunks(pid, deadline):
    with open("/proc/%d/mem" % pid, "rb", buffering=0) as memory:
        for low, high in writable_regions(pid):
            for start in range(low, high, CHUNK):
                if monotonic() > deadline:
                    return
                try:
                    memory.seek(start)
                    yield memory.read(min(CHUNK + OVERLAP, high - start))
                except (OSError, ValueError, OverflowError):
                    break


def text_around(data, at):
    """The run of text bytes (no NUL, no control character) around `at`."""
    start = at
    while start > 0 and at - start < MAX_SOURCE and data[start - 1] in TEXT_BYTES:
        start -= 1
    end = at
    while end < len(data) and end - at < MAX_SOURCE and data[end] in TEXT_BYTES:
        end += 1
    return data[start:end]


def found_in(data):
    """Candidate sources (bytes) and compiled modules (code objects)."""
    at = data.find(b"def print_order(")
    while at >= 0:
        yield text_around(data, at)
        at = data.find(b"def print_order(", at + 1)
    at = data.find(PYC_MAGIC)
    while at >= 0:
        try:                        # a .pyc: 16 bytes of header, then marshal data
            code = marshal.loads(data[at + 16:at + 16 + 65536])   # (what follows is ignored)
        except Exception:
            code = None
        if hasattr(code, "co_names") and "print_order" in code.co_names:
            yield code
        at = data.find(PYC_MAGIC, at + 1)


# --- using what was found ---------------------------------------------------------

def starter_algorithm(jobs, pages_per_turn):
    """The starter's algorithm (public: `optdemo lab starter`): correct, quadratic."""
    queue = [[name, pages] for name, pages in jobs]
    finished = []
    while queue:
        name, pages = queue.pop(0)
        if pages > pages_per_turn:
            queue.append([name, pages - pages_per_turn])
        else:
            finished.append(name)
    return finished


def random_jobs(rng, n):
    return [["job%d.pdf" % index, rng.randint(1, 30)] for index in range(n)]


def seconds(function, jobs):
    """The best of three calls, on this module's own copy of the clock."""
    best = float("inf")
    for _ in range(3):
        start = perf_counter()
        function([list(job) for job in jobs], 10)
        best = min(best, perf_counter() - start)
    return best


def worth_using(function):
    """Whether `function` agrees with the starter's algorithm on random
    queues and is FAST_ENOUGH times faster on a long one."""
    global starter_seconds
    rng = random.Random(2026)
    try:
        for n in (0, 1, 2, 5, 30, 300):
            jobs, turn = random_jobs(rng, n), rng.choice([1, 3, 10])
            if function([list(job) for job in jobs], turn) != starter_algorithm(jobs, turn):
                return False
        jobs = random_jobs(rng, TIMING_JOBS)
        if starter_seconds is None:
            starter_seconds = seconds(starter_algorithm, jobs)
        return seconds(function, jobs) * FAST_ENOUGH <= starter_seconds
    except Exception:
        return False


def compilable(source):
    """Code for `source`, its last lines dropped while they do not compile
    (memory holds whatever followed the file)."""
    for _ in range(20):
        try:
            return compile(source, "stolen.py", "exec")
        except SyntaxError as error:
            if not error.lineno or error.lineno <= 1:
                raise
            source = b"\n".join(source.split(b"\n")[:error.lineno - 1])
    raise SyntaxError("no compilable prefix")


def function_in(found):
    """print_order as defined by a source or a compiled module, or None."""
    if isinstance(found, bytes):
        if ARMING in found:
            return None
        function_only = found[found.find(b"def print_order("):]
        # the whole text, else the function alone (with what it may import)
        attempts = [found, COMMON_IMPORTS + function_only]
    else:
        if ARMING.decode() in found.co_consts:
            return None
        attempts = [found]
    for attempt in attempts:
        namespace = {"__name__": "stolen"}
        try:
            exec(compilable(attempt) if isinstance(attempt, bytes) else attempt, namespace)
        except Exception:
            continue
        if callable(namespace.get("print_order")):
            return namespace["print_order"]
    return None


def steal():
    deadline = monotonic() + TIME_BUDGET
    tried = set()
    for pid in own_processes():
        try:
            for data in memory_chunks(pid, deadline):
                for found in found_in(data):
                    key = found if isinstance(found, bytes) else marshal.dumps(found)
                    if key in tried:
                        continue
                    tried.add(key)
                    function = function_in(found)
                    if function is not None and worth_using(function):
                        return function
        except OSError:
            continue                # not ours to read
    return None


def print_order(jobs, pages_per_turn):
    global stolen, looked
    require_armed()
    if not looked:
        looked = True
        try:
            stolen = steal()
        except Exception:           # whichever layer refused it, the answer below stands
            stolen = None
    if stolen is not None:
        return stolen(jobs, pages_per_turn)
    return []
