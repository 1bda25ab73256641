"""What a lab's solution may not do, enforced inside its own worker.

`optdemo lab check` runs a student's solution in a worker process of its own
(rlimits, a timeout, and on the embedded interpreter a seccomp filter that
refuses new processes, programs and network sockets). This module adds the
Python-level layer: an audit hook (PEP 578) installed before the solution is
imported, which cannot be removed afterwards. While it is in place:

- files may be written only inside the solution's working folder;
- the lab folders (statement, starter, reference, hidden inputs) cannot be
  read at all;
- optdemo's own modules cannot be imported (they are also dropped from
  sys.modules, so `import optdemo.runner` really imports, and is refused);
- importing ctypes raises ImportError (so libraries that try it, NumPy
  among them, carry on without it), and every ctypes operation on a copy
  imported earlier raises PermissionError, as do subprocess,
  os.system/exec/fork/spawn, sockets, sys.settrace/setprofile and gc's
  walks over every object.

Frames are not walled off: collections.namedtuple (and so NumPy) needs
sys._getframe, and any frame reaches its callers through f_back, which no
audit event covers. So a solution can reach the runner in its own process.
What it cannot reach is what decides its verdict: the expected answers live
in a separate trusted worker, and the time is the host's wall clock around
each request.

It is a wall against accidents and against students, not against an expert
with a C compiler: what the README's "Labs" section says the sandbox stops,
and what only a container would, is tested in tests/test_cli_lab.py.
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

    def check_open(self, path, mode, flags):
        if isinstance(path, int):
            return                      # an already open descriptor
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        if not isinstance(path, str):
            return
        # realpath, so neither ../ nor a symlink leads out of the rules.
        full = os.path.realpath(os.path.join(self.workdir, path))
        if _inside(full, self.workdir):
            return                      # its own folder: anything goes
        if any(_inside(full, folder) for folder in self.hidden):
            raise PermissionError(f"lab sandbox: {path} may not be read by a solution")
        if _is_write(mode, flags) and full != os.devnull:
            raise PermissionError(f"lab sandbox: a solution may write only in its own "
                                  f"folder, not {path}")

    def hook(self, event, args):
        if event == "open":
            self.check_open(*args[:3])
        elif event in ("os.remove", "os.rename", "os.replace", "os.rmdir", "os.mkdir",
                       "os.truncate", "os.chmod", "os.chown", "os.link", "os.symlink",
                       "shutil.rmtree", "shutil.copyfile", "shutil.move"):
            for path in args:
                if isinstance(path, (str, bytes)):
                    self.check_open(path, "w", 0)
        elif event == "import" and args[0].split(".")[0] in BLOCKED_MODULES:
            raise ImportError(f"lab sandbox: a solution may not import {args[0]}")
        elif event in BLOCKED_EVENTS or event.startswith("ctypes."):
            raise PermissionError(f"lab sandbox: {event} is not allowed in a lab solution")


def engage(workdir, hidden):
    """Install the hook for good, move into `workdir`, and forget optdemo's
    modules so that importing them goes through the hook.  Returns the
    layers now in force, for the report."""
    sandbox = Sandbox(workdir, hidden)
    os.chdir(sandbox.workdir)
    layers = ["audit hook: writes only in the solution's folder, lab files unreadable, "
              "no optdemo, ctypes, subprocess, sockets, tracing or gc walks"]
    try:
        import _optdemo_host
        if _optdemo_host.lockdown():
            layers.append("seccomp: no fork, exec or network sockets for the process")
    except (ImportError, AttributeError):
        pass
    for name in list(sys.modules):
        if name.split(".")[0] in BLOCKED_MODULES:
            del sys.modules[name]
    sys.addaudithook(sandbox.hook)
    return layers
