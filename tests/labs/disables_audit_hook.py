"""Hostile solution for the print_queue lab: switches the audit hook off.

Attempts: an audit hook (PEP 578) cannot be removed, but it is a Python
function, and a function's code can be replaced. During its first call
this solution
1. walks its callers' frames (sys._getframe, then f_back, which no audit
   event covers) and looks through their globals for the sandbox: a module
   or class with a `hook` function, the checker's runner among them;
2. replaces that function's __code__ with a function that does nothing
   (setting __code__ raises only "object.__setattr__", which a hook
   watching for files, imports and processes lets through);
3. then does what the hook refused: imports ctypes, walks gc.get_objects()
   for the sandbox's list of hidden folders (the labs' folder), reads the
   reference from there (or from a pyscripts/labs folder found above
   sys.path), writes a scratch file outside its own folder (and removes
   it), and returns the reference's answers.

Unguarded it would read "pass": the reference's own answers at the
reference's speed. If it cannot get the reference it returns [], so the
verdict is "wrong" on the first case whose answer is not empty.
Expected verdict: wrong, on EXPECTED_CASE. What should stop it: nothing in
the solution's own process can be trusted to, so the layers outside it:
the sandbox's mount namespace (the labs' folders are not there to read)
and the seccomp filter, neither of which Python code can switch off.
Guarded: unless OPTDEMO_HOSTILE_TESTS=1, print_order raises RuntimeError at
once and touches nothing.
"""

import os
import sys

LAB = "print_queue"
EXPECTED = "wrong"
EXPECTED_CASE = "one short job"

stolen = None
looked = False


def require_armed():
    if os.environ.get("OPTDEMO_HOSTILE_TESTS") != "1":
        raise RuntimeError("hostile test disarmed: set OPTDEMO_HOSTILE_TESTS=1 to run it")


def does_nothing(*args, **kwargs):
    return None


def holders_in(value):
    """A module or class, and the classes it holds: where a hook may be."""
    try:
        inner = [item for item in vars(value).values() if isinstance(item, type)]
    except TypeError:               # no __dict__: holds nothing
        return []
    return [value] + inner


def hook_functions():
    """Functions named `hook` found from the globals of every caller's frame."""
    found = []
    frame = sys._getframe(1)
    while frame is not None:
        for value in list(frame.f_globals.values()):
            for holder in holders_in(value):
                function = vars(holder).get("hook")
                if hasattr(function, "__code__") and function not in found:
                    found.append(function)
        frame = frame.f_back
    return found


def switch_off_the_hook():
    for function in hook_functions():
        try:
            function.__code__ = does_nothing.__code__
        except (AttributeError, TypeError, ValueError, PermissionError):
            continue


def hidden_folders():
    """The sandbox's `hidden` list, found among every object (gc)."""
    import gc
    for candidate in gc.get_objects():
        try:                        # vars, not getattr: a __getattr__ may do anything
            folders = vars(candidate).get("hidden")
        except TypeError:
            continue
        if isinstance(folders, list) and all(isinstance(folder, str) for folder in folders):
            yield from folders


def reference_paths():
    for folder in hidden_folders():
        yield os.path.join(folder, "print_queue", "reference.py")
        yield os.path.join(folder, "reference.py")
    for entry in sys.path:
        yield os.path.join(entry, "labs", "print_queue", "reference.py")


def write_outside():
    """Proof that the write rule is gone: a scratch file in /tmp, removed."""
    path = "/tmp/optdemo-disables-audit-hook-%d.txt" % os.getpid()
    with open(path, "w") as file:
        file.write("written outside the solution's folder\n")
    os.remove(path)


def steal():
    switch_off_the_hook()
    for attempt in (lambda: __import__("ctypes"), write_outside):
        try:
            attempt()
        except Exception:
            pass
    for path in reference_paths():
        try:
            with open(path, encoding="utf-8") as file:
                source = file.read()
        except OSError:
            continue
        namespace = {"__name__": "stolen"}
        exec(compile(source, path, "exec"), namespace)
        if callable(namespace.get("print_order")):
            return namespace["print_order"]
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
