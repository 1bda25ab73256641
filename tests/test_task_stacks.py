"""asyncio tasks in the profiles of `optdemo profile SCRIPT.py`: running
tasks in the sampled stacks, under a frame "task ROOT (<task>:0)" the
sampler adds outside each task's root coroutine (app/embed/sampler.c), and
waiting tasks' stacks from pyscripts/optdemo/task_watch.py, prefixed by the
same frame.  Fixture: tests/scripts/async_tasks.py (a busy task, crunch()
under worker(), and a waiter on an Event).  No timing: what must appear is
where the program is, not how often."""

import asyncio
import json
import os
import re
import runpy
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_helpers import SOURCE_ROOT, optdemo  # noqa: E402

sys.path.insert(0, os.path.join(SOURCE_ROOT, "pyscripts"))
from optdemo import task_watch  # noqa: E402

FIXTURE = os.path.join(SOURCE_ROOT, "tests", "scripts", "async_tasks.py")
PYTHON = os.environ.get("OPTDEMO_PYTHON", "/usr/bin/python3.11")
FRAME = re.compile(r"^(?P<name>.+) \((?P<file>.+):(?P<line>\d+)\)$")


def parse(frame):
    match = FRAME.match(frame)
    assert match, frame
    return match["name"], match["file"], int(match["line"])


def source_line(text):
    """The fixture's line number of the one line that reads `text`."""
    with open(FIXTURE, encoding="utf-8") as file:
        numbers = [number for number, line in enumerate(file, 1) if line.strip() == text]
    assert len(numbers) == 1, (text, numbers)
    return numbers[0]


def test_running_coroutines_sit_under_their_task_frame(tmp_path):
    collapsed, report_path = tmp_path / "stacks.txt", tmp_path / "report.json"
    result = optdemo("profile", "--only", "sample", "--collapsed", str(collapsed),
                     "--json", str(report_path), FIXTURE)
    assert result.returncode == 0, result.stderr
    # The program imported asyncio, so the watcher ran beside the sampler;
    # how many snapshots it got depends on the GIL, but what it saw of the
    # waiter is the line of its await.
    awaiting = json.loads(report_path.read_text())["sampling"]["awaiting"]
    waits = [stack["stack"] for stack in awaiting["stacks"]
             if stack["stack"].startswith("task waiter ")]
    assert waits or awaiting["snapshots"] == 0, awaiting
    for stack in waits:
        assert f"waiter ({FIXTURE}:{source_line('await done.wait()')})" in stack, stack
    with_crunch = 0
    for line in collapsed.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [parse(frame) for frame in stack.split(";")]
        names = [name for name, _, _ in frames]
        # A task frame stands only outside a root coroutine: never outside
        # one awaited by another coroutine.
        assert "task crunch" not in names and "task sleep" not in names, line
        for index, (name, file, line_number) in enumerate(frames):
            if name.startswith("task "):
                assert (file, line_number) == ("<task>", 0), line
                assert frames[index + 1][0] == name[len("task "):], line
        if "crunch" in names:
            with_crunch += int(count)
            at = names.index("crunch")
            assert names[at - 2:at] == ["task worker", "worker"], line
            # Outside the task frame: the event loop's own frames, as they were.
            assert names[at - 3] == "Handle._run", line
    assert with_crunch > 0, collapsed.read_text(encoding="utf-8")


def test_the_watcher_finds_the_waiter_at_its_await(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", [FIXTURE])
    task_watch.start(interval=0.01)
    try:
        runpy.run_path(FIXTURE, run_name="__main__")
    finally:
        seen = task_watch.stop()
    assert "checksum" in capsys.readouterr().out
    assert seen["snapshots"] > 0 and seen["errors"] == 0, seen
    counts = [entry["count"] for entry in seen["stacks"]]
    assert counts == sorted(counts, reverse=True), seen
    waiting = {}
    for entry in seen["stacks"]:
        frames = [parse(frame) for frame in entry["stack"].split(";")]
        waiting[frames[0][0]] = frames
    assert "task waiter" in waiting, seen
    task, waiter, *inner = waiting["task waiter"]
    assert task == ("task waiter", "<task>", 0)
    assert waiter == ("waiter", FIXTURE, source_line("await done.wait()"))
    assert inner[0][0] == "Event.wait", seen
    assert inner[-1] == ("<Future pending>", "<await>", 0), seen
    # The busy task is never "waiting" inside crunch's work: when the watcher
    # sees it suspended, it is at crunch's await.
    for name, file, line_number in waiting.get("task worker", []):
        if name == "crunch":
            assert line_number == source_line("await asyncio.sleep(0)"), seen


def test_waiting_stacks_of_a_loop_seen_from_inside():
    """Without the thread: the stacks of the tasks suspended while main()
    runs (main itself is the loop's current task, so it is left out)."""
    async def blocked(event):
        await event.wait()

    async def gathered():
        await asyncio.gather(asyncio.sleep(10))

    async def main():
        event = asyncio.Event()
        tasks = [asyncio.create_task(blocked(event))]
        not_started = task_watch.waiting_stacks()
        tasks.append(asyncio.create_task(gathered()))
        await asyncio.sleep(0)   # blocked and gathered start; gather's task for sleep is made
        await asyncio.sleep(0)   # and starts
        stacks = sorted(task_watch.waiting_stacks())
        event.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return not_started, stacks

    not_started, stacks = asyncio.run(main())
    here = __file__
    blocked_line = blocked.__code__.co_firstlineno + 1
    gathered_line = gathered.__code__.co_firstlineno + 1
    prefix = "test_waiting_stacks_of_a_loop_seen_from_inside.<locals>."
    assert not_started == [f"task {prefix}blocked (<task>:0);{prefix}blocked "
                           f"({here}:{blocked.__code__.co_firstlineno});<not started> (<await>:0)"]
    assert len(stacks) == 3, stacks   # sorted: sleep's task, then blocked, gathered
    assert stacks[0].startswith("task sleep (<task>:0);sleep ("), stacks
    assert stacks[0].endswith(";<Future pending> (<await>:0)"), stacks
    assert stacks[1].startswith(
        f"task {prefix}blocked (<task>:0);{prefix}blocked ({here}:{blocked_line});Event.wait ("), stacks
    assert stacks[1].endswith(";<Future pending> (<await>:0)"), stacks
    assert stacks[2] == (f"task {prefix}gathered (<task>:0);{prefix}gathered ({here}:{gathered_line});"
                         "<_GatheringFuture pending> (<await>:0)"), stacks


def test_stop_without_start_and_a_second_start():
    assert task_watch.stop() == {"snapshots": 0, "seconds": 0.0, "errors": 0, "stacks": []}
    task_watch.start(interval=0.01)
    try:
        with pytest.raises(RuntimeError):
            task_watch.start()
    finally:
        task_watch.stop()


def test_the_watcher_does_not_keep_a_program_alive():
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from optdemo import task_watch; "
            "task_watch.start(); print('done')")
    result = subprocess.run([PYTHON, "-c", code, os.path.join(SOURCE_ROOT, "pyscripts")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout == "done\n", result.stderr
