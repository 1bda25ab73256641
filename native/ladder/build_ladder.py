"""Build one rung of the ladder -- every module of one tool -- for one Python.

    build_ladder.py TOOL --python PY --outdir DIR --root SRC MODULE=SOURCE...
    build_ladder.py status --out FILE TOOL=STATE...

TOOL is cython, cython_untyped, mypyc or pyo3.  Each MODULE=SOURCE pair
names the extension module to make and its source, relative to SRC (this
folder): a .pyx, an annotated .py, or a crate folder.  Into DIR go
MODULE<EXT_SUFFIX> and MODULE.ladder.json, the record `optdemo show` and the
pitfalls read: the tool and its version, the source's text, and how long
each build step took here.  Builds run in a scratch
folder under DIR, so nothing is written into the source tree.

`status` writes ladder-status.json at configure time: for each tool,
"built" or why it was not (`-Dcython=disabled`, a missing tool).

Run by meson (native/ladder/meson.build) with the interpreter it builds for.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time

TOOLS = ("cython", "cython_untyped", "mypyc", "pyo3")
# Plain C for every C rung, as setuptools would compile an extension.
C_FLAGS = ["-O2", "-fPIC", "-shared", "-fwrapv", "-fno-strict-aliasing", "-w"]
CARGO = "/usr/bin/cargo"     # Debian's: a PATH may hold another toolchain
RUSTC = "/usr/bin/rustc"
CYTHON = "cython3"


def run_step(command, cwd, env=None, timings=None):
    """Run one build command, timed; its output is shown only if it fails."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.stderr.write(done.stdout)
        raise SystemExit(f"build_ladder: {' '.join(command)} failed ({done.returncode})")
    timings.append({"command": " ".join(command), "seconds": round(seconds, 3)})
    return done.stdout


def tool_version(command):
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return done.stdout.strip().splitlines()[0] if done.returncode == 0 and done.stdout else "?"


def build_cython(module, source, scratch, include, typed, timings):
    suffix = ".pyx" if typed else ".py"
    shutil.copy(source, os.path.join(scratch, module + suffix))
    command = [CYTHON, "-3"]
    if not typed:
        # The annotated .py of mypyc, with its annotations ignored: what
        # Cython makes of plain Python.
        command += ["-X", "annotation_typing=False"]
    run_step(command + [module + suffix, "-o", module + ".c"], scratch, timings=timings)
    run_step(["cc", *C_FLAGS, "-I" + include, module + ".c", "-o", module + ".so"],
             scratch, timings=timings)
    return os.path.join(scratch, module + ".so")


def build_mypyc(module, source, scratch, python, timings):
    shutil.copy(source, os.path.join(scratch, module + ".py"))
    env = dict(os.environ, MYPYC_OPT_LEVEL="2")
    run_step([python, "-m", "mypyc", module + ".py"], scratch, env=env, timings=timings)
    built = [name for name in os.listdir(scratch)
             if name.startswith(module + ".") and name.endswith(".so")]
    if len(built) != 1:
        raise SystemExit(f"build_ladder: mypyc made {built} for {module}, expected one .so")
    return os.path.join(scratch, built[0])


def cargo_env(outdir, python):
    """An offline cargo: Debian's crates (librust-*-dev) as the registry."""
    home = os.path.join(outdir, "cargo-home")
    os.makedirs(home, exist_ok=True)
    shutil.copy(os.path.join(os.path.dirname(os.path.abspath(__file__)), "cargo-offline.toml"),
                os.path.join(home, "config.toml"))
    return dict(os.environ, CARGO_HOME=home, RUSTC=RUSTC, PYO3_PYTHON=python,
                CARGO_TARGET_DIR=os.path.join(outdir, "cargo-target"))


def copy_crate(source, crate):
    """A crate's sources, without a build or lock file of its own."""
    shutil.copytree(source, crate, ignore=shutil.ignore_patterns("target", "Cargo.lock"))
    return crate


def build_pyo3(module, source, scratch, env, timings):
    crate = copy_crate(source, os.path.join(scratch, module))
    run_step([CARGO, "build", "--release", "--quiet"], crate, env=env, timings=timings)
    return os.path.join(env["CARGO_TARGET_DIR"], "release", "lib" + module + ".so")


def python_config(python, name):
    if os.path.realpath(python) == os.path.realpath(sys.executable):
        return sysconfig.get_config_var(name)
    return subprocess.run([python, "-c", f"import sysconfig; print(sysconfig.get_config_var({name!r}))"],
                          stdout=subprocess.PIPE, text=True, check=True).stdout.strip()


def source_text(path):
    """The source shown by `optdemo show`: the file, or a crate's .rs files."""
    if os.path.isdir(path):
        names = sorted(name for name in os.listdir(path) if name.endswith(".rs"))
        return "\n".join(open(os.path.join(path, name), encoding="utf-8").read() for name in names)
    with open(path, encoding="utf-8") as file:
        return file.read()


def build(arguments):
    arguments.outdir = os.path.abspath(arguments.outdir)
    os.makedirs(arguments.outdir, exist_ok=True)
    ext_suffix = python_config(arguments.python, "EXT_SUFFIX")
    # Once per tool, not per module: Debian's cython3 takes a second to start.
    version = tool_version({
        "cython": [CYTHON, "--version"], "cython_untyped": [CYTHON, "--version"],
        "mypyc": [arguments.python, "-m", "mypy", "--version"], "pyo3": [RUSTC, "--version"],
    }[arguments.tool])
    include = python_config(arguments.python, "INCLUDEPY")
    env = cargo_env(arguments.outdir, arguments.python) if arguments.tool == "pyo3" else None
    scratch_root = os.path.join(arguments.outdir, "scratch-" + arguments.tool)
    shutil.rmtree(scratch_root, ignore_errors=True)
    dependencies = []
    if arguments.tool == "pyo3":
        # pyo3 and its dependencies, once, timed on their own: every crate
        # then builds against the same compiled pyo3 in the shared target.
        first = os.path.join(arguments.root, arguments.modules[0].partition("=")[2])
        crate = copy_crate(first, os.path.join(scratch_root, "dependencies"))
        run_step([CARGO, "build", "--release", "--quiet", "-p", "pyo3"], crate, env=env,
                 timings=dependencies)
    for pair in arguments.modules:
        module, _, relative = pair.partition("=")
        source = os.path.join(arguments.root, relative)
        scratch = os.path.join(scratch_root, module)
        os.makedirs(scratch)
        timings = []
        if arguments.tool in ("cython", "cython_untyped"):
            built = build_cython(module, source, scratch, include,
                                 arguments.tool == "cython", timings)
        elif arguments.tool == "mypyc":
            built = build_mypyc(module, source, scratch, arguments.python, timings)
        else:
            built = build_pyo3(module, source, scratch, env, timings)
        target = os.path.join(arguments.outdir, module + ext_suffix)
        shutil.copy(built, target + ".part")
        os.replace(target + ".part", target)
        text = source_text(source)
        shown = relative if not os.path.isdir(source) else os.path.join(
            relative, *[name for name in sorted(os.listdir(source)) if name.endswith(".rs")][:1])
        record = {
            "module": module,
            "tool": arguments.tool,
            "tool_version": version,
            "python": arguments.python,
            "ext_suffix": ext_suffix,
            "source": os.path.join("native", "ladder", shown),
            "source_text": text,
            "build_seconds": round(sum(step["seconds"] for step in timings), 3),
            "steps": timings,
        }
        if dependencies:
            record["dependencies_seconds"] = dependencies[0]["seconds"]
        write_json(os.path.join(arguments.outdir, module + ".ladder.json"), record)
    shutil.rmtree(scratch_root, ignore_errors=True)


def write_json(path, value):
    with open(path + ".part", "w", encoding="utf-8") as file:
        json.dump(value, file, indent=1)
        file.write("\n")
    os.replace(path + ".part", path)


def status(arguments):
    tools = {}
    for pair in arguments.states:
        tool, _, state = pair.partition("=")
        tools[tool] = state
    write_json(arguments.out, {"python": arguments.python, "ext_suffix": arguments.ext_suffix,
                               "tools": tools})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for tool in TOOLS:
        one = sub.add_parser(tool)
        one.add_argument("--python", required=True)
        one.add_argument("--outdir", required=True)
        one.add_argument("--root", required=True)
        one.add_argument("modules", nargs="+", metavar="MODULE=SOURCE")
    one = sub.add_parser("status")
    one.add_argument("--out", required=True)
    one.add_argument("--python", required=True)
    one.add_argument("--ext-suffix", required=True)
    one.add_argument("states", nargs="*", metavar="TOOL=STATE")
    arguments = parser.parse_args()
    if arguments.command == "status":
        status(arguments)
    else:
        arguments.tool = arguments.command
        build(arguments)


if __name__ == "__main__":
    main()
