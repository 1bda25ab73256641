"""After `meson install`, the host finds its pyscripts under <prefix>/share
with no source path compiled in: the installed tree runs on its own."""

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
    environment = {key: value for key, value in os.environ.items() if key != "OPTDEMO_PYSCRIPTS"}
    listing = subprocess.run([host, "list"], capture_output=True, text=True, env=environment)
    assert listing.returncode == 0, listing.stderr
    assert "string_concat" in listing.stdout
    probe = subprocess.run([host, "python", "-c",
                            "import optdemo.workloads as w, optnative; print(w.PITFALLS_DIR)"],
                           capture_output=True, text=True, env=environment)
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip().startswith(str(moved))
