"""The lab sandbox's seccomp allowlist (app/lab/lab_seccomp.c), alone: each test
runs `optdemo python -c CODE`, where `_optdemo_host.lockdown()` loads the
filter into that process, with no audit hook in front of it.

The attacks must fail with EPERM (threads with RuntimeError), and each is
also run without lockdown, where it must not: so EPERM is the filter's
doing, not the kernel's own permission checks.  What a solution needs
must keep working, including modules first imported after lockdown.
Calls that Python has no function for are made with ctypes' syscall(),
with harmless arguments (a no-op or a bad pointer) in case they got
through."""

import importlib.util
import json
import os
import signal
import sys
import textwrap

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_helpers import SOURCE_ROOT, optdemo  # noqa: E402

SANITIZED = os.environ.get("OPTDEMO_SANITIZED") == "1"     # tests/run-sanitized.sh

# What every attack's process imports before lockdown, so that the attack
# itself, not an import, is what the filter meets.
PRELUDE = """\
import ctypes, errno, fcntl, os, resource, signal, socket, subprocess, sys, termios, threading
FOLDER = sys.argv[1]
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long

def raw(number, *args):
    result = libc.syscall(ctypes.c_long(number), *[ctypes.c_long(arg) for arg in args])
    if result == -1:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    return result
"""
LOCKDOWN = "import _optdemo_host\nassert _optdemo_host.lockdown() is True\n"
# How an attack ended, as the test's process prints it.
VERDICT = """\
try:
{attack}
except RuntimeError as error:
    print("RuntimeError:", error)
except OSError as error:
    print("OSError:", errno.errorcode.get(error.errno, error.errno))
else:
    print("allowed")
"""

# name -> (code run before lockdown, the attack).  The Python-level attacks
# first, then raw system calls by x86_64 number.
ATTACKS = {
    "fork": ("", "pid = os.fork()\nif pid == 0:\n    os._exit(0)\nos.waitpid(pid, 0)"),
    "posix_spawn": ("", "os.waitpid(os.posix_spawn('/bin/true', ['true'], os.environ), 0)"),
    "subprocess": ("", "subprocess.run(['/bin/true'], check=True)"),
    "exec": ("", "os.execv('/bin/echo', ['echo', 'allowed'])"),
    "kill_the_parent": ("", "os.kill(os.getppid(), 0)"),
    "kill_its_process_group": ("", "os.kill(0, 0)"),
    "kill_every_process": ("", "os.kill(-1, 0)"),
    "pidfd_open": ("", "os.close(os.pidfd_open(os.getppid()))"),
    "pidfd_send_signal": ("pidfd = os.pidfd_open(os.getppid())",
                          "signal.pidfd_send_signal(pidfd, 0)"),
    "setpriority": ("", "os.setpriority(os.PRIO_PROCESS, 0, 19)"),
    "sched_setaffinity": ("", "os.sched_setaffinity(0, os.sched_getaffinity(0))"),
    "setpgid": ("", "os.setpgid(0, 0)"),
    "setsid": ("", "os.setsid()"),
    "unix_socket": ("", "socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).close()"),
    "inet_socket": ("", "socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()"),
    "socketpair": ("", "[end.close() for end in socket.socketpair()]"),
    "mkfifo": ("", "os.mkfifo(os.path.join(FOLDER, 'fifo'))"),
    "setitimer": ("", "signal.setitimer(signal.ITIMER_VIRTUAL, 100)\n"
                      "signal.setitimer(signal.ITIMER_VIRTUAL, 0)"),
    "thread": ("", "thread = threading.Thread(target=int)\nthread.start()\nthread.join()"),
    # resource.setrlimit turns EPERM into ValueError; prlimit says OSError
    "setrlimit_on_itself": ("", "resource.prlimit(0, resource.RLIMIT_NOFILE, "
                                "resource.getrlimit(resource.RLIMIT_NOFILE))"),
    "prlimit_of_the_parent": ("", "resource.prlimit(os.getppid(), resource.RLIMIT_NOFILE)"),
    # TIOCSTI types into a terminal; on a pipe the kernel says ENOTTY
    "ioctl_tiocsti": ("read_end, write_end = os.pipe()",
                      "fcntl.ioctl(write_end, termios.TIOCSTI, b'x')"),
    # F_SETOWN + F_SETSIG: the kernel would signal the parent on I/O
    "fcntl_setown": ("read_end, write_end = os.pipe()",
                     "fcntl.fcntl(read_end, fcntl.F_SETOWN, os.getppid())"),
    "fcntl_setsig": ("read_end, write_end = os.pipe()", "fcntl.fcntl(read_end, 10, 0)"),
    "raw_fork": ("", "pid = raw(57)\nif pid == 0:\n    os._exit(0)\nos.waitpid(pid, 0)"),
    "raw_tkill_the_parent": ("", "raw(200, os.getppid(), 0)"),
    "raw_tgkill_the_parent": ("", "raw(234, os.getppid(), os.getppid(), 0)"),
    "raw_execveat": ("", "raw(322, -1, 0, 0, 0, 0x1000)"),
    "raw_ptrace": ("", "raw(101, 2, os.getpid(), 0, 0)"),     # PTRACE_PEEKDATA, untraced
    "raw_process_vm_readv": ("", "raw(310, os.getppid(), 0, 0, 0, 0, 0)"),
    "raw_process_vm_writev": ("", "raw(311, os.getppid(), 0, 0, 0, 0, 0)"),
    "raw_pidfd_getfd": ("", "raw(438, -1, 0, 0)"),
    "raw_rt_sigqueueinfo": ("", "raw(129, os.getppid(), 0, 0)"),
    "raw_connect": ("", "raw(42, -1, 0, 0)"),
    "raw_bind": ("", "raw(49, -1, 0, 0)"),
    "raw_alarm": ("", "raw(37, 0)"),
    "raw_timer_create": ("", "raw(222, 1, 0, 0)"),
    "raw_prctl_set_dumpable": ("", "raw(157, 4, 1, 0, 0, 0)"),
    "raw_unshare": ("", "raw(272, 0)"),                       # flags 0: a no-op
    "raw_setns": ("", "raw(308, -1, 0)"),
    "raw_mount": ("", "raw(165, 0, 0, 0, 0, 0)"),
    "raw_chroot": ("", "raw(161, 0)"),
    "raw_pivot_root": ("", "raw(155, 0, 0)"),
    "raw_keyctl": ("", "raw(250, -1, 0, 0, 0, 0)"),
    "raw_add_key": ("", "raw(248, 0, 0, 0, 0, 0)"),
    "raw_bpf": ("", "raw(321, -1, 0, 0)"),
    "raw_perf_event_open": ("", "raw(298, 0, 0, -1, -1, 0)"),
    "raw_userfaultfd": ("", "raw(323, -1)"),
    "raw_io_uring_setup": ("", "raw(425, 0, 0)"),
    "raw_personality": ("", "raw(135, 0xffffffff)"),           # only asks
    "raw_seccomp": ("", "raw(317, -1, 0, 0)"),
    "raw_kcmp": ("", "raw(312, os.getpid(), os.getpid(), 255, 0, 0)"),
    "raw_sched_setscheduler": ("", "raw(144, 0, 0, 0)"),
    "raw_sched_setparam": ("", "raw(142, 0, 0)"),
    "raw_ioprio_set": ("", "raw(251, -1, 0, 0)"),
    "raw_mbind": ("", "raw(237, 0, 0, 0, 0, 0, 0)"),
    "raw_move_pages": ("", "raw(279, 0, 0, 0, 0, 0, 0)"),
    "raw_setuid": ("", "raw(105, os.getuid())"),               # to itself: a no-op
    "raw_capset": ("", "raw(126, 0, 0)"),
    "raw_memfd_create": ("", "raw(319, 0, 0)"),
}


def run_code(code, folder, timeout=120):
    return optdemo("python", "-c", code, str(folder), timeout=timeout)


def attack_code(name, locked):
    setup, attack = ATTACKS[name]
    return (PRELUDE + setup + "\n" + (LOCKDOWN if locked else "")
            + VERDICT.format(attack=textwrap.indent(attack, "    ")))


def verdict(done):
    lines = done.stdout.splitlines()
    assert done.returncode == 0 and lines, (done.returncode, done.stdout, done.stderr)
    return lines[-1]


@pytest.mark.parametrize("name", ATTACKS)
def test_each_attack_fails_with_eperm_after_lockdown(name, tmp_path):
    expected = ("RuntimeError: can't start new thread" if name == "thread"
                else "OSError: EPERM")
    assert verdict(run_code(attack_code(name, locked=True), tmp_path)) == expected


@pytest.mark.parametrize("name", ATTACKS)
def test_each_attack_is_not_refused_with_eperm_without_lockdown(name, tmp_path):
    # So the EPERM above is the filter's.  Some raw calls fail here too,
    # on their bad pointers (EFAULT, EBADF, EINVAL...); one that needs a
    # privilege this user lacks, or that a sysctl turns off (bpf,
    # userfaultfd, io_uring), may say EPERM by itself.
    result = verdict(run_code(attack_code(name, locked=False), tmp_path))
    if result == "OSError: EPERM" and name.startswith("raw_"):
        pytest.skip(f"the kernel refuses {name} here without the filter")
    assert result != "OSError: EPERM" and not result.startswith("RuntimeError")


def test_clone3_says_enosys_so_glibc_falls_back_to_clone(tmp_path):
    # clone3 with a NULL argument: EINVAL or EFAULT unfiltered
    code = PRELUDE + LOCKDOWN + VERDICT.format(attack="    raw(435, 0, 0)")
    assert verdict(run_code(code, tmp_path)) == "OSError: ENOSYS"


# An i386 system call from 64-bit code: int 0x80 with eax = 20, i386's
# getpid (x86_64's 20 is writev).  Machine code in an executable mmap.
I386_GETPID = """
import mmap
page = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
page.write(bytes([0xb8, 20, 0, 0, 0, 0xcd, 0x80, 0xc3]))   # mov eax, 20; int 0x80; ret
i386_getpid = ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.addressof(ctypes.c_char.from_buffer(page)))
"""


def test_an_i386_system_call_kills_the_process(tmp_path):
    unfiltered = run_code(PRELUDE + I386_GETPID + "print(i386_getpid() == os.getpid())", tmp_path)
    if unfiltered.stdout.strip() != "True":
        pytest.skip("this kernel runs no i386 system calls (no IA32 emulation)")
    done = run_code(PRELUDE + I386_GETPID + LOCKDOWN + "i386_getpid()\nprint('survived')",
                    tmp_path)
    assert done.returncode == -signal.SIGSYS, (done.returncode, done.stdout, done.stderr)
    assert "survived" not in done.stdout


def test_an_x32_system_call_kills_the_process(tmp_path):
    # x32's numbers reach the kernel as x86_64 ones with bit 30 set (here
    # getpid's): the filter must not read them as x86_64 calls.
    code = PRELUDE + LOCKDOWN + "raw(0x40000000 | 39)\nprint('survived')"
    done = run_code(code, tmp_path)
    assert done.returncode == -signal.SIGSYS, (done.returncode, done.stdout, done.stderr)
    assert "survived" not in done.stdout


# name -> code run after lockdown, importing what it uses there (so modules
# first imported after lockdown are covered); it raises if something fails.
KEEPS_WORKING = {
    "numpy": """
import numpy
assert numpy.arange(10).sum() == 45
assert numpy.linalg.solve(numpy.eye(3) * 2, numpy.ones(3)).sum() == 1.5
assert numpy.ones((60, 60)).dot(numpy.ones((60, 60)))[0, 0] == 60
assert 0 <= numpy.random.default_rng(7).random() < 1
""",
    "standard_library": """
import bisect, collections, heapq, json, re, statistics
assert json.loads(json.dumps({"a": [1, 2]})) == {"a": [1, 2]}
assert collections.Counter("abca").most_common(1) == [("a", 2)]
assert heapq.nsmallest(2, [5, 1, 4]) == [1, 4]
assert bisect.bisect([1, 3, 5], 4) == 2
assert re.findall(r"\\d+", "a1b22") == ["1", "22"]
assert statistics.median([3, 1, 2]) == 2
""",
    "tracemalloc_and_gc": """
import gc, tracemalloc
tracemalloc.start()
block = [object() for _ in range(1000)]
assert tracemalloc.get_traced_memory()[1] > 0
tracemalloc.stop()
gc.collect()
""",
    "files_in_its_own_folder": """
import os, shutil, sys, tempfile
folder = sys.argv[1]
path = os.path.join(folder, "notes.txt")
with open(path, "w") as stream:
    stream.write("hello")
    stream.flush()
    os.fsync(stream.fileno())
os.rename(path, path + ".old")
with open(path + ".old", "r+") as stream:
    assert stream.read() == "hello"
    stream.seek(0)
    stream.truncate()
os.mkdir(os.path.join(folder, "sub"))
shutil.copyfile(path + ".old", os.path.join(folder, "sub", "copy"))
assert sorted(os.listdir(folder)) == ["notes.txt.old", "sub"]
with tempfile.NamedTemporaryFile(dir=folder) as scratch:
    scratch.write(b"x")
shutil.rmtree(os.path.join(folder, "sub"))
os.unlink(path + ".old")
os.chdir(folder)
assert os.getcwd() == os.path.realpath(folder) and os.listdir(".") == []
""",
    "signals_to_itself": """
import os, signal, threading
os.kill(os.getpid(), 0)
got = []
signal.signal(signal.SIGUSR1, lambda number, frame: got.append(number))
os.kill(os.getpid(), signal.SIGUSR1)
signal.raise_signal(signal.SIGUSR1)
signal.pthread_kill(threading.main_thread().ident, signal.SIGUSR1)
assert got == [signal.SIGUSR1] * 3
""",
    "faulthandler": """
import faulthandler, sys
faulthandler.enable()
faulthandler.dump_traceback(file=sys.stdout)
""",
    "clocks_and_sleep": """
import select, time
start = time.perf_counter()
time.sleep(0.001)
select.select([], [], [], 0.001)
assert time.perf_counter() > start and time.time() > 0 and time.process_time() > 0
assert time.monotonic_ns() > 0 and time.get_clock_info("perf_counter").resolution > 0
""",
    "what_it_may_learn_about_itself": """
import os, resource
assert os.cpu_count() >= 1 and os.sched_getaffinity(0)
assert resource.getrlimit(resource.RLIMIT_AS)
assert resource.prlimit(os.getpid(), resource.RLIMIT_NOFILE)
assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0
assert os.uname().sysname == "Linux" and os.getppid() > 0 and os.getuid() >= 0
""",
    "descriptors": """
import array, fcntl, os, sys, termios
read_end, write_end = os.pipe()
os.write(write_end, b"abc")
waiting = array.array("i", [0])
fcntl.ioctl(read_end, termios.FIONREAD, waiting)
assert waiting[0] == 3
copy = os.dup(read_end)
os.dup2(copy, read_end)
os.set_inheritable(read_end, True)
os.set_blocking(read_end, False)
assert os.read(read_end, 10) == b"abc" and not os.isatty(read_end)
""",
    "randomness": """
import os, random, secrets
assert len(os.urandom(16)) == 16 and len(secrets.token_hex(8)) == 16
assert 0 <= random.random() < 1
""",
}


@pytest.mark.parametrize("name", KEEPS_WORKING)
def test_what_a_solution_needs_keeps_working_after_lockdown(name, tmp_path):
    if name == "numpy" and importlib.util.find_spec("numpy") is None:
        pytest.skip("the embedded interpreter (-Dpython's build) cannot import numpy")
    done = run_code(LOCKDOWN + KEEPS_WORKING[name] + "\nprint('done')", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "done"


def test_a_second_lockdown_raises_oserror_naming_the_step(tmp_path):
    # neither prctl nor seccomp() is on the list
    code = LOCKDOWN + """
try:
    _optdemo_host.lockdown()
except OSError as error:
    print(error)
"""
    done = run_code(code, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ("lab sandbox: prctl(PR_SET_NO_NEW_PRIVS): "
                                   "Operation not permitted")


def test_abort_after_lockdown_still_dies_by_its_signal(tmp_path):
    # abort() signals the process itself (tgkill): that must get through
    done = run_code(LOCKDOWN + "import os\nos.abort()", tmp_path)
    assert done.returncode == -signal.SIGABRT, (done.returncode, done.stderr)


def test_a_crash_after_lockdown_gets_faulthandlers_report_and_its_signal(tmp_path):
    code = ("import ctypes, faulthandler\nfaulthandler.enable()\n" + LOCKDOWN
            + "ctypes.string_at(0)")
    done = run_code(code, tmp_path)
    assert done.returncode == -signal.SIGSEGV, (done.returncode, done.stderr)
    assert "Fatal Python error: Segmentation fault" in done.stderr


def test_lab_check_of_the_reference_still_reaches_a_speed_verdict(tmp_path):
    # The whole path under the filter: the runner on its pipes, the
    # solution's import, its calls and timings in the sandboxed worker.
    results = tmp_path / "results.json"
    timeout = ["--timeout", "60"] if SANITIZED else []
    reference = os.path.join(SOURCE_ROOT, "pyscripts", "labs", "print_queue", "reference.py")
    done = optdemo("lab", "check", "--quick", *timeout, "--json", str(results),
                   "print_queue", reference, timeout=600)
    assert done.returncode in (0, 1), done.stderr
    with open(results, encoding="utf-8") as stream:
        result = json.load(stream)["results"][0]
    assert result["verdict"] in ("pass", "too slow"), (result, done.stdout)
    assert "seccomp" in done.stdout, done.stdout
