"""The lab sandbox's audit hook (pyscripts/optdemo/sandbox.py), called
directly: a guard against accidents, so what it promises -- dir_fd resolved,
os.open refused a relative path, sqlite3 files only in the working folder,
no FIFOs -- is checked here without installing it for good in the test
process.  The walls (bubblewrap, seccomp) are tried by the hostile fixtures
in tests/labs/ and by tests/test_lab_seccomp.py."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "pyscripts"))
from optdemo import sandbox  # noqa: E402


@pytest.fixture
def guard(tmp_path):
    work, hidden = tmp_path / "work", tmp_path / "labs"
    work.mkdir()
    hidden.mkdir()
    (hidden / "reference.py").write_text("secret = 1\n")
    return sandbox.Sandbox(str(work), [str(hidden)]), work, hidden


def test_reading_a_hidden_folder_is_refused(guard):
    hook, _, hidden = guard
    with pytest.raises(PermissionError, match="may not be read"):
        hook.hook("open", (str(hidden / "reference.py"), "r", os.O_RDONLY))


def test_a_path_relative_to_a_dir_fd_is_resolved_through_it(guard):
    hook, work, hidden = guard
    folder, elsewhere = os.open(str(hidden), os.O_RDONLY), os.open("/var", os.O_RDONLY)
    try:
        with pytest.raises(PermissionError, match="may not be read"):
            hook.hook("os.remove", ("reference.py", folder))
        with pytest.raises(PermissionError, match="only in its own folder"):
            hook.hook("os.rename", ("a", "b", elsewhere, None))
    finally:
        os.close(folder)
        os.close(elsewhere)
    hook.hook("os.remove", ("scratch.txt", None))          # its own folder: fine
    hook.hook("os.mkdir", (str(work / "sub"), 0o777, None))


def test_os_open_with_a_relative_path_is_refused(guard):
    # os.open's audit event does not carry its dir_fd: a relative path
    # could mean any folder
    hook, work, _ = guard
    with pytest.raises(PermissionError, match="absolute path"):
        hook.hook("open", ("fd/3", None, os.O_WRONLY))
    hook.hook("open", (str(work / "notes.txt"), None, os.O_WRONLY | os.O_CREAT))
    hook.hook("open", ("relative.txt", "r", 0))        # open(): relative to the cwd


def test_sqlite3_files_only_in_the_working_folder(guard):
    hook, work, _ = guard
    with pytest.raises(PermissionError, match="only in its own folder"):
        hook.hook("sqlite3.connect", ("/var/tmp/grades.db",))
    hook.hook("sqlite3.connect", (":memory:",))
    hook.hook("sqlite3.connect", (str(work / "cache.db"),))


def test_fifos_and_device_files_are_refused():
    with pytest.raises(PermissionError, match="FIFOs"):
        sandbox.refuse_special_files("pipe")


def test_blocked_events_and_modules():
    hook = sandbox.Sandbox("/tmp", [])
    for event in ("os.fork", "socket.__new__", "gc.get_objects", "sys.addaudithook",
                  "ctypes.dlopen"):
        with pytest.raises(PermissionError):
            hook.hook(event, ())
    with pytest.raises(ImportError):
        hook.hook("import", ("ctypes", None, None, None, None))
