"""Where asyncio tasks wait: the stacks of the tasks that are *not* running.

The sampler (app/embed/sampler.c) sees only the frames on the thread's
stack, so it sees the one task that runs when the signal lands.  A task
suspended at an `await` has no frame on the stack at all: its coroutines
sit in the heap, each pointing at what it awaits (`cr_await`).  This module
follows those pointers from another thread, every `interval` seconds:

    start(interval=0.05)   starts the watcher (a daemon thread)
    stop()                 stops it; returns the stacks it saw, counted

Each stack reads like a sampled one, outermost first, each frame
"qualname (file:line)":

    task waiter (<task>:0);waiter (s.py:29);Event.wait (.../locks.py:213);<Future pending> (<await>:0)

- "task waiter (<task>:0)": the task, named after its root coroutine, the
  same frame the sampler puts outside a running task's root coroutine, so
  a task's running and waiting stacks line up;
- then each coroutine down the chain, with the line where it is suspended
  (its frame's f_lineno: the line of the `await`);
- last, what the innermost one awaits when it is not a coroutine: the
  future the task waits on (its _fut_waiter), as "<Future pending>
  (<await>:0)", another task as "<Task pending: worker>", gather's as
  "<_GatheringFuture pending>"; anything else as "<its type name>".  A
  task that yielded bare (asyncio.sleep(0)) ends at __sleep0; one created
  but not started yet at its coroutine's `def` line, then "<not started>
  (<await>:0)".

A task that is running right now (the loop's current task, or its root
coroutine executing) is left out: the sampler has its frames.  Reading
another thread's coroutines is safe under the GIL -- the loop's thread is
stopped at a bytecode boundary while this one runs -- but the set of tasks
(asyncio.tasks._all_tasks, a WeakSet) can change while it is iterated, so
it is copied with a retry, as asyncio.all_tasks() does.  all_tasks()
itself cannot be used: it wants the calling thread's running loop.
"""

import collections
import sys
import threading
import time

TASK_FILE = "<task>"      # the synthetic task frame's file, as in sampler.c
AWAIT_FILE = "<await>"    # what a coroutine awaits that has no frame
COPY_ATTEMPTS = 100       # a WeakSet copy that keeps failing gives up


def frame_text(name, file, line):
    return f"{name} ({file}:{line})"


def task_frame(coroutine):
    """The frame that stands for the task running `coroutine` (its root)."""
    return frame_text("task " + _code_of(coroutine).co_qualname, TASK_FILE, 0)


def _code_of(awaitable):
    """The code of a coroutine, a generator (@types.coroutine: asyncio's
    __sleep0) or an async generator; None for anything else."""
    for prefix in ("cr", "gi", "ag"):
        code = getattr(awaitable, prefix + "_code", None)
        if code is not None:
            return code
    return None


def _suspension_of(awaitable):
    """(frame, what it awaits) of a coroutine-like object; frame is None
    when it has finished."""
    if hasattr(awaitable, "cr_frame"):
        return awaitable.cr_frame, awaitable.cr_await
    if hasattr(awaitable, "ag_frame"):
        return awaitable.ag_frame, awaitable.ag_await
    return awaitable.gi_frame, awaitable.gi_yieldfrom


def _has_started(awaitable):
    """False for a coroutine or generator not yet run (its frame stands at
    its `def` line)."""
    for prefix in ("cr", "gi"):
        suspended = getattr(awaitable, prefix + "_suspended", None)
        if suspended is not None:
            return suspended or getattr(awaitable, prefix + "_running")
    return True   # an async generator (no ag_suspended in 3.11): assume so


def _awaited_text(awaitable):
    """A frame for something awaited that is not a coroutine."""
    kind = type(awaitable).__name__
    if callable(getattr(awaitable, "done", None)) and callable(getattr(awaitable, "cancelled", None)):
        state = "cancelled" if awaitable.cancelled() else "finished" if awaitable.done() else "pending"
        name = f"<{kind} {state}>"
        get_coro = getattr(awaitable, "get_coro", None)
        code = _code_of(get_coro()) if callable(get_coro) else None
        if code is not None:
            name = f"<{kind} {state}: {code.co_qualname}>"
    else:
        name = f"<{kind}>"
    return frame_text(name, AWAIT_FILE, 0)


def await_chain(coroutine, waiting_for=None):
    """The frames of a suspended coroutine and of what it awaits, outermost
    first; [] when it has finished.  `waiting_for` is the task's own note
    of the future it waits on (Task._fut_waiter): the chain ends in that
    future's iterator (the C Future's FutureIter, or the Python Future's
    __await__ generator), which does not say which future it iterates."""
    frames = []
    awaitable = coroutine
    seen = set()   # a cycle cannot happen in asyncio; a hand-made one must not hang us
    while awaitable is not None and id(awaitable) not in seen:
        seen.add(id(awaitable))
        code = _code_of(awaitable)
        if code is None:
            frames.append(_awaited_text(waiting_for if waiting_for is not None else awaitable))
            return frames
        started = _has_started(awaitable)
        frame, awaitable = _suspension_of(awaitable)
        if frame is None:
            return frames
        frames.append(frame_text(code.co_qualname, code.co_filename, frame.f_lineno))
        if not started:   # a task created, its first step still to come
            frames.append(frame_text("<not started>", AWAIT_FILE, 0))
            return frames
    if waiting_for is not None:   # a generator that yielded the future itself
        frames.append(_awaited_text(waiting_for))
    return frames


def _copy(collection):
    """A list of a set another thread may change while it is copied."""
    for _ in range(COPY_ATTEMPTS):
        try:
            return list(collection)
        except RuntimeError:   # "Set changed size during iteration"
            continue
    return []


def waiting_stacks():
    """One stack per task that is pending and not running, as text."""
    tasks_module = sys.modules.get("asyncio.tasks")
    if tasks_module is None:
        return []
    running = set(map(id, _copy(getattr(tasks_module, "_current_tasks", {}).values())))
    stacks = []
    for task in _copy(getattr(tasks_module, "_all_tasks", ())):
        if task.done() or id(task) in running:
            continue
        coroutine = task.get_coro()
        if _code_of(coroutine) is None or getattr(coroutine, "cr_running", False):
            continue
        frames = await_chain(coroutine, getattr(task, "_fut_waiter", None))
        if frames:
            stacks.append(";".join([task_frame(coroutine)] + frames))
    return stacks


class _Watcher:
    """The thread and what it has counted.  Only the thread writes the
    counts until stop() has joined it."""

    def __init__(self, interval):
        self.interval = interval
        self.counts = collections.Counter()   # stack text -> snapshots it was in
        self.snapshots = 0                    # snapshots taken with asyncio imported
        self.seconds = 0.0                    # time spent taking them (this thread's)
        self.errors = 0                       # snapshots that failed (never raised)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, name="optdemo-task-watch", daemon=True)

    def run(self):
        while not self.stopping.wait(self.interval):
            if "asyncio" not in sys.modules:
                continue
            started = time.perf_counter()
            try:
                self.counts.update(waiting_stacks())
                self.snapshots += 1
            except Exception:   # a task in a strange state must not stop the program
                self.errors += 1
            self.seconds += time.perf_counter() - started


_watcher = None


def start(interval=0.05):
    """Start watching the tasks every `interval` seconds, from a daemon
    thread (it never keeps the program alive).  RuntimeError if started."""
    global _watcher
    if _watcher is not None:
        raise RuntimeError("task_watch is already started")
    _watcher = _Watcher(interval)
    _watcher.thread.start()


def stop():
    """Stop watching; what was seen:
    {"snapshots": N, "seconds": time spent taking them, "errors": snapshots
    that failed, "stacks": [{"stack": text, "count": snapshots it was in}]},
    most counted first, then by text.  Empty when not started."""
    global _watcher
    watcher, _watcher = _watcher, None
    if watcher is None:
        return {"snapshots": 0, "seconds": 0.0, "errors": 0, "stacks": []}
    watcher.stopping.set()
    watcher.thread.join()
    ordered = sorted(watcher.counts.items(), key=lambda item: (-item[1], item[0]))
    return {"snapshots": watcher.snapshots, "seconds": watcher.seconds,
            "errors": watcher.errors,
            "stacks": [{"stack": stack, "count": count} for stack, count in ordered]}
