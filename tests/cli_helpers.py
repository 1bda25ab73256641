"""What the command-line tests share: where the host is, and running it."""

import os
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
