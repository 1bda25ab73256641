"""`optdemo python ...` behaves like python3.11's own command line, with
optnative built in; and the host's top level: --version, --help, unknown
commands."""

import importlib.util
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_helpers import OPTDEMO, optdemo  # noqa: E402

COMMANDS = ["info", "list", "python", "run", "show", "timeit"]


def run_python(*args, **kwargs):
    return subprocess.run([OPTDEMO, "python", *args], capture_output=True, text=True,
                          timeout=120, **kwargs)


def test_dash_c_runs_code_with_python_sys_argv():
    done = run_python("-c", "import sys; print(sys.argv)", "a", "b c")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "['-c', 'a', 'b c']\n"


def test_dash_m_runs_a_module_as_main(tmp_path):
    (tmp_path / "greeter_for_optdemo.py").write_text(
        "import sys\nprint(__name__, sys.argv[1:])\n")
    done = run_python("-m", "greeter_for_optdemo", "x", "--flag", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "__main__ ['x', '--flag']\n"


def test_dash_m_runs_the_stdlib_timeit():
    done = run_python("-m", "timeit", "-n", "3", "-r", "2", "pass")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("3 loops, best of 2: ")


def test_a_script_gets_its_path_in_argv_and_its_folder_on_sys_path(tmp_path):
    script = tmp_path / "script.py"
    script.write_text("import sys\nprint(sys.argv)\nprint(sys.path[0])\n")
    done = run_python(str(script), "one", "two")
    assert done.returncode == 0, done.stderr
    argv_line, path_line = done.stdout.splitlines()
    assert argv_line == repr([str(script), "one", "two"])
    assert path_line == str(tmp_path)


def test_code_on_stdin_runs():
    done = run_python(input="print(6 * 7)\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "42\n"


@pytest.mark.parametrize("code, status, message", [
    ("raise SystemExit(3)", 3, ""),
    ("import sys; sys.exit('bye')", 1, "bye"),
    ("1/0", 1, "ZeroDivisionError"),
    ("pass", 0, ""),
])
def test_exit_status_is_pythons(code, status, message):
    done = run_python("-c", code)
    assert done.returncode == status
    assert message in done.stderr


def test_bad_python_option_exits_2():
    done = run_python("-Z")
    assert done.returncode == 2
    assert "usage" in done.stderr.lower()


def test_python_version_is_the_embedded_one():
    done = run_python("--version")
    assert done.returncode == 0
    version = run_python("-c", "import platform; print(platform.python_version())").stdout.strip()
    assert done.stdout.strip() == f"Python {version}"


# The embedded interpreter is -Dpython's build, which runs these tests: where
# it cannot import numpy (a CPython 3.13 here), numpy is left out.
WITH_NUMPY = ", numpy" if importlib.util.find_spec("numpy") is not None else ""


def test_optnative_is_a_builtin_module_and_numpy_and_pyscripts_import():
    code = (f"import sys, optnative{WITH_NUMPY}, optdemo.machine; "
            "print('optnative' in sys.builtin_module_names, optnative.__name__)")
    done = run_python("-c", code)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "True optnative\n"


def test_version_flag():
    done = optdemo("--version")
    assert done.returncode == 0
    words = done.stdout.split()
    assert words[0] == "optdemo" and len(words) == 3
    assert words[2].startswith("(") and words[2].endswith(")")


def test_help_lists_every_command_and_the_exit_codes():
    done = optdemo("--help")
    assert done.returncode == 0
    listed = [line.split()[0] for line in done.stdout.splitlines() if line.startswith("  ")
              and line.split()[0] in COMMANDS]
    assert listed == COMMANDS
    assert "130 interrupted" in done.stdout


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "python"])
def test_each_command_has_help(command):
    done = optdemo(command, "--help")
    assert done.returncode == 0, done.stderr
    assert f"optdemo {command}" in done.stdout


def test_no_command_exits_2_with_usage():
    done = optdemo()
    assert done.returncode == 2
    assert "usage: optdemo COMMAND" in done.stderr


def test_unknown_command_exits_2_and_lists_the_commands():
    done = optdemo("frobnicate")
    assert done.returncode == 2
    assert "unknown command 'frobnicate'" in done.stderr
    for command in COMMANDS:
        assert f"  {command} " in done.stderr


def test_sys_executable_is_optdemo_python_not_path_python(tmp_path):
    """subprocess/multiprocessing children get the same embedded interpreter,
    optnative included, whatever PATH says (PATH's python3 here is a pyenv
    build without numpy): sys.executable is the optdemo-python link beside
    the host, which runs as `optdemo python`."""
    link = os.path.join(os.path.dirname(OPTDEMO), "optdemo-python")
    for path in (os.environ.get("PATH", ""), "/usr/bin"):
        result = optdemo("python", "-c", "import sys; print(sys.executable)", env={"PATH": path})
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == link
    script = tmp_path / "children.py"
    script.write_text(
        "import multiprocessing, subprocess, sys\n"
        "def native(x):\n"
        "    import optnative\n"
        "    return optnative.__name__ + str(x)\n"
        "if __name__ == '__main__':\n"
        f"    child = subprocess.run([sys.executable, '-c', 'import optnative{WITH_NUMPY}; print(1)'],\n"
        "                           capture_output=True, text=True)\n"
        "    print(child.returncode, child.stdout.strip())\n"
        "    with multiprocessing.get_context('spawn').Pool(1) as pool:\n"
        "        print(pool.map(native, [7]))\n")
    result = optdemo("python", str(script))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["0 1", "['optnative7']"]
