"""What the command-line tests share: where the host is, and running it."""

import json
import os
import re
import subprocess

SOURCE_ROOT = os.environ.get(
    "OPTDEMO_SOURCE_ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OPTDEMO = os.environ.get("OPTDEMO", os.path.join(SOURCE_ROOT, "build", "app", "optdemo"))
FIXTURES = os.path.join(SOURCE_ROOT, "tests", "workloads")


def fixture(name):
    """Path of a test workload in tests/workloads."""
    return os.path.join(FIXTURES, name + ".py")


def optdemo(*args, timeout=300, env=None):
    """Run the host; return the CompletedProcess (text, both streams captured)."""
    environment = dict(os.environ)
    environment.pop("NO_COLOR", None)
    environment.update(env or {})
    return subprocess.run([OPTDEMO, *args], capture_output=True, text=True,
                          timeout=timeout, env=environment)


LADDER_VARIANTS = ("cython_untyped", "cython", "mypyc", "pyo3", "mypyc_hot")


def ladder_built():
    """The ladder's tools this build made rungs with (ladder-status.json):
    none in the AddressSanitizer and debug builds, which turn them off."""
    status = os.path.join(os.environ.get("OPTDEMO_BUILD_ROOT", os.path.join(SOURCE_ROOT, "build")),
                          "native", "ladder", "ladder-status.json")
    if not os.path.isfile(status):
        return set()
    with open(status, encoding="utf-8") as file:
        return {tool for tool, state in json.load(file)["tools"].items() if state == "built"}


def ladder_unbuilt(variant):
    """Whether a variant is a compiled rung this build did not make."""
    tool = "mypyc" if variant == "mypyc_hot" else variant
    return variant in LADDER_VARIANTS and tool not in ladder_built()


# One frame of a sampled stack, as `optdemo profile --collapsed` writes it.
FRAME = re.compile(r"^(?P<name>.+) \((?P<file>.+):(?P<line>\d+)\)$")


def read_collapsed(path):
    """The collapsed stacks of `optdemo profile --collapsed PATH`: [(frames
    outermost first, each (name, file, line), count)], every line checked
    against the format."""
    stacks = []
    with open(path, encoding="utf-8") as file:
        for line in file:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            assert stack and count.isdigit(), line
            frames = [FRAME.match(frame) for frame in stack.split(";")]
            assert all(frames), stack
            stacks.append(([(m["name"], m["file"], int(m["line"])) for m in frames], int(count)))
    return stacks

