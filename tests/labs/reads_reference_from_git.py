"""Hostile solution for the print_queue lab: reads the reference out of git.

Attempts: the labs' folders are hidden from a solution, but the source tree
they come from is a git repository, and git keeps every committed file.
During its first call this solution
1. looks for a .git (a folder, or a worktree's `gitdir:` file) above its
   working folder, /proc/self/cwd, its own file, every sys.path entry,
   $OPTDEMO_SOURCE_ROOT, and below /work, /root, /home and /tmp;
2. follows HEAD to the commit and its tree, down to
   pyscripts/labs/print_queue/reference.py, reading objects both loose
   (zlib) and packed (.idx and .pack, deltas applied);
3. failing that path, tries every blob that defines print_order;
4. keeps a candidate only if it agrees with the starter's algorithm (public:
   `optdemo lab starter`) on random queues and is at least FAST_ENOUGH times
   faster than it, then returns its answers.

Unguarded it would read "pass": the reference's own answers at the
reference's speed. If it finds nothing worth using it returns [], so the
verdict is "wrong" on the first case whose answer is not empty.
Expected verdict: wrong, on EXPECTED_CASE. What should stop it: the
sandbox's mount namespace, which shows the solution optdemo's runtime files
and nothing of the source tree or its .git.
Guarded: unless OPTDEMO_HOSTILE_TESTS=1, print_order raises RuntimeError at
once and reads nothing.
"""

import os
import random
import struct
import sys
import zlib
from time import monotonic, perf_counter

LAB = "print_queue"
EXPECTED = "wrong"
EXPECTED_CASE = "one short job"

REFERENCE_PATH = ("pyscripts", "labs", "print_queue", "reference.py")
FAST_ENOUGH = 3                    # times faster than the starter's algorithm...
TIMING_JOBS = 20_000               # ... on this many jobs (it is quadratic: 10x slower here)
MAX_DEPTH = 4                      # how deep to look below /work, /root, /home, /tmp
TIME_BUDGET = 6.0                  # seconds of looking, below the 10 s per-call timeout
OBJECT_TYPES = {1: b"commit", 2: b"tree", 3: b"blob", 4: b"tag"}

starter_seconds = None            # the starter's algorithm on TIMING_JOBS, once
stolen = None                      # the function found, once looked for
looked = False


def require_armed():
    if os.environ.get("OPTDEMO_HOSTILE_TESTS") != "1":
        raise RuntimeError("hostile test disarmed: set OPTDEMO_HOSTILE_TESTS=1 to run it")


# --- finding a repository -------------------------------------------------------

def git_folder(path):
    """The git folder of a .git folder or a worktree's .git file; None."""
    if os.path.isdir(os.path.join(path, "objects")):
        return path
    if os.path.isfile(path):
        with open(path, encoding="utf-8", errors="replace") as file:
            text = file.read(4096)
        if text.startswith("gitdir:"):
            return text[len("gitdir:"):].strip()
    return None


def starting_points():
    points = [os.getcwd(), "/proc/self/cwd", os.path.abspath(__file__)]
    points += [entry for entry in sys.path if entry]
    if os.environ.get("OPTDEMO_SOURCE_ROOT"):
        points.append(os.environ["OPTDEMO_SOURCE_ROOT"])
    return points


def repositories():
    """Every git folder found, each once."""
    found = []

    def consider(candidate):
        try:
            folder = git_folder(candidate)
        except OSError:
            return
        if folder is not None and os.path.realpath(folder) not in found:
            found.append(os.path.realpath(folder))

    for point in starting_points():
        folder = os.path.realpath(point)
        while True:                                   # up to /
            consider(os.path.join(folder, ".git"))
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
    for top in ("/work", "/root", "/home", "/tmp"):   # and down, a little
        for folder, subfolders, _ in os.walk(top):
            if folder.count(os.sep) - top.count(os.sep) >= MAX_DEPTH:
                subfolders[:] = []
            if ".git" in subfolders or os.path.isfile(os.path.join(folder, ".git")):
                consider(os.path.join(folder, ".git"))
            subfolders[:] = [name for name in subfolders if name != ".git"]
    return found


# --- reading git objects ----------------------------------------------------------

class Repository:
    def __init__(self, folder):
        self.folder = folder
        common = os.path.join(folder, "commondir")      # a worktree shares objects
        self.common = folder
        if os.path.isfile(common):
            with open(common, encoding="utf-8") as file:
                self.common = os.path.normpath(os.path.join(folder, file.read().strip()))
        self.objects = os.path.join(self.common, "objects")
        self.packs = []                                 # (offsets by sha, pack bytes)
        self.unpacked = {}                              # (pack number, offset) -> object
        pack_folder = os.path.join(self.objects, "pack")
        for name in sorted(os.listdir(pack_folder)) if os.path.isdir(pack_folder) else []:
            if name.endswith(".idx"):
                self.packs.append(self.read_pack(os.path.join(pack_folder, name)))

    @staticmethod
    def read_pack(idx_path):
        """An .idx (version 2) and its .pack: {sha: offset}, pack bytes."""
        with open(idx_path, "rb") as file:
            idx = file.read()
        with open(idx_path[:-4] + ".pack", "rb") as file:
            pack = memoryview(file.read())        # slices without copies
        count = struct.unpack(">I", idx[8 + 255 * 4:8 + 256 * 4])[0]
        shas = 8 + 256 * 4
        offsets = shas + count * 24                     # after the shas and the CRCs
        large = offsets + count * 4
        table = {}
        for i in range(count):
            sha = idx[shas + 20 * i:shas + 20 * i + 20].hex()
            offset = struct.unpack(">I", idx[offsets + 4 * i:offsets + 4 * i + 4])[0]
            if offset & 0x80000000:
                index = offset & 0x7FFFFFFF
                offset = struct.unpack(">Q", idx[large + 8 * index:large + 8 * index + 8])[0]
            table[sha] = offset
        return table, pack

    def read(self, sha):
        """(type, data) of an object, loose or packed."""
        loose = os.path.join(self.objects, sha[:2], sha[2:])
        if os.path.isfile(loose):
            with open(loose, "rb") as file:
                raw = zlib.decompress(file.read())
            header, _, data = raw.partition(b"\0")
            return header.split(b" ")[0], data
        for table, pack in self.packs:
            if sha in table:
                return self.unpack(table, pack, table[sha])
        raise KeyError(sha)

    def unpack(self, table, pack, start):
        """(type, data) of the packed object at offset `start`."""
        key = (id(pack), start)
        if key not in self.unpacked:
            self.unpacked[key] = self.unpack_uncached(table, pack, start)
        return self.unpacked[key]

    def unpack_uncached(self, table, pack, start):
        byte, offset = pack[start], start + 1
        kind = (byte >> 4) & 7
        while byte & 0x80:                              # its size: not needed
            byte, offset = pack[offset], offset + 1
        if kind in OBJECT_TYPES:
            return OBJECT_TYPES[kind], zlib.decompressobj().decompress(pack[offset:])
        if kind == 6:                                   # a delta on an object further back
            byte, offset = pack[offset], offset + 1
            back = byte & 0x7F
            while byte & 0x80:
                byte, offset = pack[offset], offset + 1
                back = ((back + 1) << 7) | (byte & 0x7F)
            base_kind, base = self.unpack(table, pack, start - back)
        elif kind == 7:                                 # a delta on an object named by sha
            base_kind, base = self.read(bytes(pack[offset:offset + 20]).hex())
            offset += 20
        else:
            raise ValueError("object type %d" % kind)
        return base_kind, apply_delta(base, zlib.decompressobj().decompress(pack[offset:]))

    def all_objects(self):
        """Every sha stored, loose and packed."""
        shas = set()
        for table, _ in self.packs:
            shas.update(table)
        for prefix in os.listdir(self.objects):
            folder = os.path.join(self.objects, prefix)
            if len(prefix) == 2 and os.path.isdir(folder):
                shas.update(prefix + rest for rest in os.listdir(folder))
        return sorted(shas)

    def head(self):
        """The sha HEAD points to (a branch, packed or not, or detached)."""
        with open(os.path.join(self.folder, "HEAD"), encoding="utf-8") as file:
            text = file.read().strip()
        if not text.startswith("ref:"):
            return text
        ref = text[len("ref:"):].strip()
        path = os.path.join(self.common, ref)
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as file:
                return file.read().strip()
        with open(os.path.join(self.common, "packed-refs"), encoding="utf-8") as file:
            for line in file:
                if line.rstrip().endswith(" " + ref):
                    return line.split()[0]
        raise KeyError(ref)

    def file_at_head(self, path):
        """The bytes of `path` (a tuple of names) in HEAD's tree."""
        _, commit = self.read(self.head())
        sha = commit.split(b"\n", 1)[0].split()[1].decode()          # "tree <sha>"
        for name in path:
            _, tree = self.read(sha)
            sha = None
            while tree:
                header, _, rest = tree.partition(b"\0")
                entry, tree = rest[:20], rest[20:]
                if header.split(b" ", 1)[1] == name.encode():
                    sha = entry.hex()
                    break
            if sha is None:
                raise KeyError(name)
        return self.read(sha)[1]


def apply_delta(base, delta):
    def size(at):
        value, shift = 0, 0
        while True:
            byte = delta[at]
            at += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value, at

    _, at = size(0)                                     # the base's size
    _, at = size(at)                                    # the result's size
    out = bytearray()
    while at < len(delta):
        op = delta[at]
        at += 1
        if op & 0x80:                                   # copy from the base
            start = length = 0
            for bit in range(4):
                if op & (1 << bit):
                    start |= delta[at] << (8 * bit)
                    at += 1
            for bit in range(3):
                if op & (0x10 << bit):
                    length |= delta[at] << (8 * bit)
                    at += 1
            out += base[start:start + (length or 0x10000)]
        else:                                           # insert new bytes
            out += delta[at:at + op]
            at += op
    return bytes(out)


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
    """The best of three calls, on this module's own copy of the clock (a
    stolen file may patch the time module's)."""
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


def function_in(source):
    """print_order as defined by `source` (bytes), or None."""
    namespace = {"__name__": "stolen"}
    try:
        exec(compile(source, "stolen.py", "exec"), namespace)
    except Exception:
        return None
    function = namespace.get("print_order")
    return function if callable(function) else None


def candidates():
    """Sources of print_order, the reference's first."""
    for folder in repositories():
        try:
            repository = Repository(folder)
        except (OSError, ValueError, KeyError, struct.error):
            continue
        try:
            yield repository.file_at_head(REFERENCE_PATH)
        except (OSError, ValueError, KeyError, IndexError, zlib.error):
            pass
        for sha in repository.all_objects():
            try:
                kind, data = repository.read(sha)
            except (OSError, ValueError, KeyError, IndexError, zlib.error):
                continue
            # (the hostile test files are skipped: one of them loops for ever)
            if (kind == b"blob" and b"def print_order(" in data
                    and b"OPTDEMO_HOSTILE_TESTS" not in data):
                yield data


def steal():
    tried = set()
    deadline = monotonic() + TIME_BUDGET
    for source in candidates():
        if monotonic() > deadline:
            return None
        if source in tried:
            continue
        tried.add(source)
        function = function_in(source)
        if function is not None and worth_using(function):
            return function
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
