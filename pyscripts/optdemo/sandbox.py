"""The audit hook of a lab solution's worker: a guard against accidents,
with clear messages.  It is not the wall.

`optdemo lab check` runs a student's solution in a worker process of its
own, inside a bubblewrap sandbox (app/lab/lab_sandbox.c: its own user, PID,
mount, network and IPC namespaces, uid 65534, a read-only view of the
interpreter and optdemo's runtime, a private /tmp, no lab files, no other
process) under a seccomp allowlist (app/lab/lab_seccomp.c: no processes,
threads, signals to others, sockets or FIFOs).  Those are the kernel's
walls, and Python code cannot undo them.

This module adds the Python-level layer: an audit hook (PEP 578) installed
before the solution is imported.  Python code in the same process can undo
it (frames lead to this module, and a function's __code__ can be replaced),
so it only makes the common mistakes and the first tries fail loudly:

- files may be written only inside the solution's working folder;
- optdemo's own modules cannot be imported (they are also dropped from
  sys.modules, so `import optdemo.runner` really imports, and is refused);
- importing ctypes raises ImportError (so libraries that try it, NumPy
  among them, carry on without it), and every ctypes operation on a copy
  imported earlier raises PermissionError, as do subprocess,
  os.system/exec/fork/spawn, sockets, sys.settrace/setprofile, gc's walks
  over every object, and sqlite3 databases outside the working folder;
- paths relative to a dir_fd are resolved through it; os.open's own audit
  event does not carry its dir_fd, so os.open takes absolute paths only;
  os.mkfifo and os.mknod raise no audit event at all and are replaced by
  functions that refuse.

docs/labs.md says which layer stops what; tests/labs/ holds
an attack for each, tried by tests/test_cli_lab.py.
"""

import os
import sys

BLOCKED_EVENTS = {
    "subprocess.Popen", "os.system", "os.exec", "os.fork", "os.forkpty",
    "os.posix_spawn", "os.spawn", "os.startfile", "os.kill", "os.killpg",
    "socket.__new__", "socket.bind", "socket.connect", "socket.getaddrinfo",
    "sys._current_frames", "sys.settrace", "sys.setprofile",
    "gc.get_objects", "gc.get_referrers", "gc.get_referents",
    "sys.addaudithook",
}
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
BLOCKED_MODULES = ("optdemo", "_optdemo_host", "ctypes", "_ctypes")
# Events that change the file system: (positions of their paths, positions
# of the dir_fd each path is relative to, None where there is none).
WRITES_WITH_DIR_FD = {
    "os.remove": ((0,), (1,)), "os.rmdir": ((0,), (1,)), "os.mkdir": ((0,), (2,)),
    "os.rename": ((0, 1), (2, 3)), "os.replace": ((0, 1), (2, 3)),
    "os.link": ((0, 1), (2, 3)), "os.symlink": ((1,), (2,)),
    "os.chmod": ((0,), (2,)), "os.chown": ((0,), (3,)), "os.truncate": ((0,), (None,)),
    "os.utime": ((0,), (3,)),
}


def _inside(path, folder):
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _is_write(mode, flags):
    if isinstance(mode, str) and any(letter in mode for letter in "wax+"):
        return True
    return isinstance(flags, int) and flags & WRITE_FLAGS != 0


class Sandbox:
    """The audit hook's state: where writes may go and what may not be read."""

    def __init__(self, workdir, hidden):
        self.workdir = os.path.realpath(workdir)
        self.hidden = [os.path.realpath(folder) for folder in hidden]

    def check_open(self, path, mode, flags, dir_fd=None):
        if isinstance(path, int):
            return                      # an already open descriptor
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        if not isinstance(path, str):
            return
        base = self.workdir
        if isinstance(dir_fd, int) and dir_fd >= 0 and not os.path.isabs(path):
            base = os.readlink(f"/proc/self/fd/{dir_fd}")
        # realpath, so neither ../ nor a symlink leads out of the rules.
        full = os.path.realpath(os.path.join(base, path))
        if _inside(full, self.workdir):
            return                      # its own folder: anything goes
        if any(_inside(full, folder) for folder in self.hidden):
            raise PermissionError(f"lab sandbox: {path} may not be read by a solution")
        if _is_write(mode, flags) and full != os.devnull:
            raise PermissionError(f"lab sandbox: a solution may write only in its own "
                                  f"folder, not {path}")

    def hook(self, event, args):
        if event == "open":
            path, mode, flags = args[:3]
            if mode is None and isinstance(path, (str, bytes)) and not os.path.isabs(path):
                raise PermissionError(f"lab sandbox: os.open({path!r}) needs an absolute path "
                                      "(its audit event does not say which dir_fd it is "
                                      "relative to)")
            self.check_open(path, mode, flags)
        elif event in WRITES_WITH_DIR_FD:
            paths, dir_fds = WRITES_WITH_DIR_FD[event]
            for path_at, dir_fd_at in zip(paths, dir_fds):
                dir_fd = args[dir_fd_at] if dir_fd_at is not None else None
                self.check_open(args[path_at], "w", 0, dir_fd)
        elif event in ("shutil.rmtree", "shutil.copyfile", "shutil.move", "sqlite3.connect"):
            for path in args:
                if isinstance(path, (str, bytes)) and path not in (":memory:", ""):
                    self.check_open(path, "w", 0)
        elif event == "import" and args[0].split(".")[0] in BLOCKED_MODULES:
            raise ImportError(f"lab sandbox: a solution may not import {args[0]}")
        elif event in BLOCKED_EVENTS or event.startswith("ctypes."):
            raise PermissionError(f"lab sandbox: {event} is not allowed in a lab solution")


def refuse_special_files(*args, **kwargs):
    raise PermissionError("lab sandbox: a solution may not make FIFOs or device files")


def engage(workdir, hidden):
    """Install the hook for good, move into `workdir`, and forget optdemo's
    modules so that importing them goes through the hook; then the seccomp
    allowlist (OSError when it cannot be installed: the check must not go
    on without it).  Returns the layers now in force, for the report."""
    sandbox = Sandbox(workdir, hidden)
    os.chdir(sandbox.workdir)
    layers = ["audit hook (a guard, not the wall): writes only in the solution's folder, "
              "no optdemo, ctypes, subprocess, sockets, tracing or gc walks"]
    os.mkfifo = os.mknod = refuse_special_files
    import _optdemo_host
    _optdemo_host.lockdown()
    layers.append("seccomp allowlist: no processes, threads, signals to others, sockets, "
                  "FIFOs or scheduling changes")
    for name in list(sys.modules):
        if name.split(".")[0] in BLOCKED_MODULES:
            del sys.modules[name]
    sys.addaudithook(sandbox.hook)
    return layers
