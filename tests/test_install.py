"""After `meson install`, the host finds its pyscripts under <prefix>/share
and the loadable optnative under <prefix>/<libdir>, with no source path
compiled in: the installed tree runs on its own, in a folder it was moved to."""

import os
import shutil
import subprocess

import pytest

BUILD_ROOT = os.environ.get("OPTDEMO_BUILD_ROOT")


@pytest.mark.skipif(not BUILD_ROOT, reason="needs OPTDEMO_BUILD_ROOT (set by meson test)")
def test_installed_host_runs_without_the_source_tree(tmp_path):
    destdir = tmp_path / "stage"
    subprocess.run(["meson", "install", "-C", BUILD_ROOT, "--destdir", str(destdir),
                    "--no-rebuild", "--quiet"], check=True, capture_output=True)
    (host,) = [os.path.join(root, "optdemo") for root, _dirs, files in os.walk(destdir)
               if "optdemo" in files and root.endswith("/bin")]
    # Move the installed tree somewhere else: nothing may point back into it
    # or into the source or build trees.
    moved = tmp_path / "elsewhere"
    shutil.move(str(destdir), str(moved))
    host = host.replace(str(destdir), str(moved))
    # Only sources are installed, no bytecode left over from the build tree.
    assert not any("__pycache__" in root for root, _dirs, _files in os.walk(moved))
    environment = {key: value for key, value in os.environ.items() if key != "OPTDEMO_PYSCRIPTS"}
    listing = subprocess.run([host, "list"], capture_output=True, text=True, env=environment)
    assert listing.returncode == 0, listing.stderr
    assert "string_concat" in listing.stdout
    probe = subprocess.run([host, "python", "-c",
                            "import optdemo.workloads as w, optnative; print(w.PITFALLS_DIR)"],
                           capture_output=True, text=True, env=environment)
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip().startswith(str(moved))
    # optdemo-python, the link that is `optdemo python` (its sys.executable).
    link = os.path.join(os.path.dirname(host), "optdemo-python")
    assert os.readlink(link) == "optdemo"
    probe = subprocess.run([link, "-c", "import sys, optnative; print(sys.executable)"],
                           capture_output=True, text=True, env=environment)
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == link
    # The loadable optnative is installed under libdir (architecture-specific)
    # and found from there for another interpreter's worker.
    libraries = [os.path.join(root, name) for root, _dirs, files in os.walk(moved)
                 for name in files if name.startswith("optnative.") and name.endswith(".so")]
    assert libraries and all("/lib" in path and "/share/" not in path for path in libraries)
    run = subprocess.run([host, "run", "--quick", "--no-memory", "--no-gap",
                          "--interpreter", "/usr/bin/python3.11", "string_concat"],
                         capture_output=True, text=True, env=environment)
    assert run.returncode == 0, run.stdout + run.stderr
    native = next(line for line in run.stdout.splitlines() if line.startswith("  native "))
    assert native.rstrip().endswith("✓") or native.rstrip().endswith("ok")
