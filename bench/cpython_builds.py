"""Build named CPython configurations from Debian's source, to measure them
with `optdemo run --interpreter <cache>/<name>/bin/python3.11` (python3.13,
python3.13t for the 3.13 configurations).

Each configuration is ./configure run from its own folder (an out-of-tree
build), `make`, `make altinstall` into <cache>/<name>, and a check that the
modules optdemo imports are there.  A stamp, <cache>/<name>/optdemo-build.json,
records the configure arguments, the source version, the compiler and how long
each step took; a configuration whose stamp matches is not built again.

The sources are Debian's python3.11 (upstream 3.11.2 plus Debian's patches,
the same source as /usr/bin/python3.11) and trixie's python3.13 (3.13.5 plus
Debian's patches), fetched with `apt-get source` into <cache>/src.  Run it
with /usr/bin/python3.11 (stdlib only).
"""

import argparse
import datetime
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

from cpython_source import SOURCES, ensure_source, read_source_version, run_logged, source_folder

EXIT_OK = 0
EXIT_FAILED = 1          # a build failed, or the source is missing
EXIT_USAGE = 2           # unknown configuration, bad option
EXIT_INTERRUPTED = 130

STAMP_NAME = "optdemo-build.json"

# Every configuration gets these.  --without-ensurepip is not optional here:
# Debian's ensurepip-disabled.diff makes `python -m ensurepip` exit 1 outside
# a virtual environment, which would fail `make altinstall`.
# --with-system-expat: pyexpat is built in against the system's libexpat
# (see SETUP_LOCAL), so _elementtree must use the same expat.h.
COMMON_ARGUMENTS = ["--without-ensurepip", "--with-system-expat"]

# Written to <build>/Modules/Setup.local before configure (configure keeps an
# existing one), for the 3.11 configurations.  Debian's backport of the CVE-2026-4224 fix (3.11.2-6+deb12u8)
# makes Modules/pyexpat.c include pycore_ceval.h, an internal header that
# compiles only with Py_BUILD_CORE_*.  setup.py, which builds pyexpat as a
# shared module, does not define it, so pyexpat (and _elementtree) would be
# missing.  Debian itself builds pyexpat into the interpreter with -lexpat;
# makesetup does the same from this line, with Py_BUILD_CORE_BUILTIN.
SETUP_LOCAL = """\
# Written by optdemo's bench/cpython_builds.py: pyexpat built in, as Debian
# builds it (Debian's pyexpat.c includes an internal header that setup.py's
# shared-module build cannot compile).
pyexpat pyexpat.c -lexpat
"""

# CFLAGS=-O2 for plain, lto and pgo-lto: configure's own OPT has -O3, and
# our -O2 comes later on the command line, so it wins; the three differ from
# each other only by PGO and LTO.  Debian's static /usr/bin/python3.11 keeps
# configure's -O3 (debian/rules filters -O out of dpkg's flags; the -O2 that
# sysconfig reports is rewritten there for extension builds) and trains its
# PGO on the whole regrtest suite: `pgo-lto-o3` is the first half of that
# (upstream's --pgo training set).  The debug build keeps --with-pydebug's
# -Og.
CONFIGS = {
    "plain": {
        "arguments": ["CFLAGS=-O2"],
        "help": "-O2, no PGO, no LTO (the baseline)",
    },
    "lto": {
        "arguments": ["--with-lto", "CFLAGS=-O2"],
        "help": "-O2 with link-time optimisation",
    },
    "pgo-lto": {
        "arguments": ["--enable-optimizations", "--with-lto", "CFLAGS=-O2"],
        "help": "-O2 with PGO and LTO (slow: see below)",
    },
    "pgo-lto-o3": {
        "arguments": ["--enable-optimizations", "--with-lto"],
        "help": "configure's -O3 with PGO and LTO, as Debian's static python3.11 (slow)",
    },
    "pgo-debian": {
        "arguments": ["--enable-optimizations", "--with-lto"],
        "profile_task": "debian",
        "help": "pgo-lto-o3 trained as Debian trains its python3.11: the whole "
                "regrtest suite, one test per process (slowest: see below)",
    },
    "debug": {
        "arguments": ["--with-pydebug"],
        "help": "--with-pydebug: -Og, assertions, sys.gettotalrefcount",
    },
    "3.13": {
        "version": "3.13",
        "arguments": ["--enable-optimizations", "--with-lto"],
        "help": "CPython 3.13 (trixie's source), as pgo-lto-o3: -O3, PGO, LTO (slow)",
    },
    "3.13t": {
        "version": "3.13",
        "arguments": ["--disable-gil", "--enable-optimizations", "--with-lto"],
        "help": "the same, free-threaded (--disable-gil): python3.13t (slow)",
    },
}
VERSION_DEFAULT = "3.11"

# Debian's PGO training, from debian/rules of python3.11 3.11.2-6+deb12u8:
# PROFILE_TASK = ../Lib/test/regrtest.py -s -j 1 -unone,decimal
# -x $(sort $(TEST_EXCLUDES) $(PROFILE_EXCLUDES)), with the exclusions that
# apply on amd64 off Debian's build daemons (no /dev/dsp).  `-s` runs one
# test per process; Debian's profiled-build.diff (in the source we build)
# loops until regrtest's pynexttest file is gone, so the whole suite runs.
# Upstream's default, which pgo-lto-o3 uses, is `-m test --pgo`: 44 tests.
DEBIAN_PROFILE_OPTIONS = ["-s", "-j", "1", "-unone,decimal"]
DEBIAN_PROFILE_EXCLUDES = sorted({
    # PROFILE_EXCLUDES
    "test_compiler", "test_distutils", "test_subprocess", "test_multiprocessing",
    "test_socket", "test_socketserver", "test_thread", "test_threaded_import",
    "test_threadedtempfile", "test_threading", "test_threading_local",
    "test_threadsignals", "test_concurrent_futures", "test_ctypes", "test_dbm_dumb",
    "test_dbm_ndbm", "test_pydoc", "test_sundry", "test_signal", "test_ioctl", "test_gdb",
    "test_ensurepip", "test_venv", "test_asyncio", "test_ftplib", "test_httplib",
    "test_imaplib", "test_nntplib", "test_poplib", "test_ssl", "test_cmd_line_script",
    "test_zipimport_support", "test_multiprocessing_fork", "test_multiprocessing_forkserver",
    "test_multiprocessing_spawn", "test_cppext",
    # TEST_EXCLUDES on amd64
    "test_linuxaudiodev", "test_ossaudiodev", "test_ttk_guionly",
})


def profile_options(name):
    """The training's options as the stamp records them, or None."""
    if CONFIGS[name].get("profile_task") != "debian":
        return None
    return [*DEBIAN_PROFILE_OPTIONS, "-x", *DEBIAN_PROFILE_EXCLUDES]


def profile_task(name, source):
    """make's PROFILE_TASK for a configuration trained Debian's way, else
    None (configure's default)."""
    options = profile_options(name)
    if options is None:
        return None
    return shlex.join([str(source / "Lib" / "test" / "regrtest.py"), *options])


def config_version(name):
    return CONFIGS[name].get("version", VERSION_DEFAULT)


def python_name(name):
    """The interpreter `make altinstall` installs: python3.11, python3.13,
    python3.13t (a free-threaded build's name says so)."""
    suffix = "t" if "--disable-gil" in CONFIGS[name]["arguments"] else ""
    return f"python{config_version(name)}{suffix}"


def setup_local(name):
    """3.11 only: 3.13 builds pyexpat from Modules/Setup.stdlib with the
    core headers it needs."""
    return SETUP_LOCAL if config_version(name) == "3.11" else None

# The make targets of each step, after configure.  A PGO build is three
# makes in one: an instrumented build, the training run (Lib/test with
# --pgo), and a rebuild that uses the profile; running them as separate
# steps gives each its own duration.
BUILD_STEPS = [("build", [])]
PGO_BUILD_STEPS = [("profile-gen", ["profile-gen-stamp"]),
                   ("profile-run", ["profile-run-stamp"]),
                   ("build", [])]

# Debian packages whose headers decide whether an optional module is built:
# package -> (module, what an interpreter built without it cannot do).
MODULE_PACKAGES = {
    "libffi-dev": ("_ctypes", "no ctypes: optdemo's crash fixture "
                   "(tests/workloads/crash.py) cannot crash a worker"),
    "zlib1g-dev": ("zlib", "no zlib, gzip or compressed zip files (optdemo does not need them)"),
    "libssl-dev": ("_ssl", "no ssl or OpenSSL hashes; hashlib.sha256, which optdemo's "
                   "runner uses, has a built-in fallback"),
    "libbz2-dev": ("_bz2", "no bz2 (optdemo does not use it)"),
    "liblzma-dev": ("_lzma", "no lzma (optdemo does not use it)"),
    "libgdbm-dev": ("_gdbm", "no dbm.gnu (optdemo does not use it)"),
    # Not a build dependency: Debian's numpy, found through DEBIAN_PACKAGES_PTH.
    "python3-numpy": ("numpy", "no numpy: optdemo's numpy workloads and every native "
                      "variant (optnative needs numpy) report unavailable"),
}
# Debian's numpy is built for 3.11's ABI only: a 3.13 build has none (see
# docs/builds.md for what building one would take).
NUMPY_VERSIONS = {"3.11"}
# Modules optdemo's runner imports that need no extra package: an
# interpreter without one of them is a broken build.
CORE_MODULES = ["_json", "_pickle", "_posixsubprocess", "select", "math", "_statistics",
                "_datetime", "_heapq", "_bisect", "pyexpat", "faulthandler", "_tracemalloc"]
# 3.12 merged _sha256 and _sha512 into _sha2.
SHA_MODULE = {"3.11": "_sha256", "3.13": "_sha2"}
# What the build itself needs: Debian package -> why.
REQUIRED_PACKAGES = {
    "gcc": "the compiler",
    "make": "make",
    "libc6-dev": "the C library's headers",
    "libexpat1-dev": "pyexpat is built in against the system's expat (see SETUP_LOCAL)",
}

# After the install, a .pth file in the interpreter's own dist-packages (which
# Debian's site.py puts on sys.path, -E or not) appends Debian's
# dist-packages: numpy 1.24 there is built for CPython 3.11's ABI, which these
# builds share (the debug build loads release extensions too).  optdemo runs
# a worker as `python -E -s`, so PYTHONPATH cannot do this.
DEBIAN_DIST_PACKAGES = "/usr/lib/python3/dist-packages"
DEBIAN_PACKAGES_PTH = "lib/python3.11/dist-packages/optdemo-debian-dist-packages.pth"

# Run by the installed interpreter: prints the modules it cannot import.
IMPORT_CHECK = ("import importlib, json, sys\n"
                "missing = []\n"
                "for name in sys.argv[1:]:\n"
                "    try:\n"
                "        importlib.import_module(name)\n"
                "    except ImportError:\n"
                "        missing.append(name)\n"
                "print(json.dumps(missing))")

HELP_EPILOG = """\
configurations:
{configs}

  All: --prefix=<cache>/<name> {common}, and a static
  libpython3.11.a (libpython3.13.a, libpython3.13t.a; configure's default).  Its objects are PIE (Debian's gcc
  default), not PIC: they link into any executable, the optdemo host's
  -no-pie link included, but not into a shared library, which optdemo does
  not need.  On 3.11, pyexpat is built in through Modules/Setup.local, as
  Debian builds it (Debian's pyexpat.c does not compile as setup.py's shared
  module); 3.13 builds it from Modules/Setup.stdlib with the headers it needs.

  `make altinstall` installs bin/python3.11 (a debug build: python3.11d and
  python3.11 a hard link to it), lib/libpython3.11.a (libpython3.11d.a) and
  lib/pkgconfig/python-3.11-embed.pc; `make install` would add python3,
  python3-config, python3.pc... links, which nothing here needs.  Then
  bin/python3.11-<name>, a link that optdemo's tables show as the
  interpreter's name, and a .pth file that puts {dist_packages}
  (Debian's numpy) on sys.path: optdemo's numpy workloads and native variants
  need numpy, and its workers run `python -E -s`, so PYTHONPATH cannot do it.
  The 3.13 builds get neither: python3.13 and python3.13t name themselves,
  and Debian's numpy is built for 3.11 only (their numpy variants read
  unavailable; docs/builds.md says what a numpy for 3.13 would take).

  Measured here (2 cores, --jobs 2, other work running): plain 4.6 min,
  lto 5.4 min, debug 2.2 min, pgo-lto 20 min: an instrumented build with
  LTO (11.5 min), the training run (2.5 min: Lib/test --pgo runs twice,
  Debian's profiled-build.diff adds a second run) and the optimised
  rebuild (5.3 min).  pgo-debian (--jobs 1): 100 min, 33 of them in the
  training run (the whole suite, one process per test).  3.13t (--jobs 2):
  43 min alone (instrumented build 26 min, training 3 min, rebuild 12 min);
  3.13 and 3.13t built at the same time, --jobs 2 each: 80 and 81 min.
  `--list` shows each build's own durations.

files:
  <cache>/src/{source}   the 3.11 source (apt-get source {package}=VERSION)
  <cache>/src/{source313}   the 3.13 source (apt-get source {package313}=VERSION)
  <cache>/build-<name>          the build folder (configure runs there)
  <cache>/<name>                the installed interpreter and its {stamp}
  <cache>/logs/<name>.log       everything the build printed

the source, when it is missing:
  --fetch-source adds a deb-src entry for debian.sources' archive if apt has
  none (as root), runs apt-get update, and `apt-get source` pinned to the
  newest version of the release suite (bookworm, not bookworm-security: the
  security suite's newest .dsc is not on the mirror).  Without --fetch-source
  the commands are printed.  Needs dpkg-dev (dpkg-source).

exit status: 0 ok, 1 a build failed (or the source is missing), 2 usage,
130 interrupted.

examples:
  /usr/bin/python3.11 bench/cpython_builds.py --list
  /usr/bin/python3.11 bench/cpython_builds.py --fetch-source --jobs 2 plain lto debug
  optdemo run --interpreter ~/.cache/optdemo/cpython/lto/bin/python3.11 pitfalls
"""


# --- command line ---

def default_cache():
    return os.environ.get("OPTDEMO_CPYTHON_CACHE") or os.path.expanduser("~/.cache/optdemo/cpython")


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, not {text!r}")
    return value


def parse_arguments(argv):
    configs = "\n".join(f"  {name:8} {' '.join(spec['arguments']):45} {spec['help']}"
                        for name, spec in CONFIGS.items())
    parser = argparse.ArgumentParser(
        prog="cpython_builds.py",
        description="Build named CPython 3.11 and 3.13 configurations from Debian's source "
                    "into a cache folder, for `optdemo run --interpreter`.",
        epilog=HELP_EPILOG.format(configs=configs, common=" ".join(COMMON_ARGUMENTS),
                                  dist_packages=DEBIAN_DIST_PACKAGES,
                                  source=SOURCES["3.11"].folder,
                                  package=SOURCES["3.11"].package,
                                  source313=SOURCES["3.13"].folder,
                                  package313=SOURCES["3.13"].package,
                                  stamp=STAMP_NAME),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("configs", nargs="*", metavar="CONFIG",
                        help="configurations to build: " + ", ".join(CONFIGS))
    parser.add_argument("--cache", default=default_cache(), metavar="DIR",
                        help="cache folder (default: $OPTDEMO_CPYTHON_CACHE or "
                             "~/.cache/optdemo/cpython; now %(default)s)")
    parser.add_argument("--jobs", type=positive_int, default=os.cpu_count() or 1, metavar="N",
                        help="make -j N (default: the number of CPUs, %(default)s)")
    parser.add_argument("--list", action="store_true",
                        help="show each configuration, its arguments and whether it is built")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the commands without running them")
    parser.add_argument("--force", action="store_true",
                        help="rebuild even when the stamp says up to date")
    parser.add_argument("--fetch-source", action="store_true",
                        help="fetch the source with apt if it is missing (as root when apt "
                             "needs a deb-src entry)")
    args = parser.parse_args(argv)
    # argparse's choices= does not work with nargs="*" in 3.11 (an empty
    # list is rejected), so the names are checked here.
    unknown = [name for name in args.configs if name not in CONFIGS]
    if unknown:
        parser.error(f"unknown configuration {unknown[0]!r}; valid: {', '.join(CONFIGS)}")
    if not args.configs and not args.list:
        parser.error(f"name at least one configuration ({', '.join(CONFIGS)}), or use --list")
    args.configs = list(dict.fromkeys(args.configs or CONFIGS))   # in order, no repeats
    args.cache = Path(args.cache).expanduser().absolute()
    return args


# --- configurations, stamps ---

def configure_arguments(name, cache):
    return [f"--prefix={cache / name}", *COMMON_ARGUMENTS, *CONFIGS[name]["arguments"]]


def read_stamp(cache, name):
    try:
        with open(cache / name / STAMP_NAME) as file:
            return json.load(file)
    except (OSError, ValueError):
        return None


def why_rebuild(name, stamp, arguments, source_version):
    """None when the stamp says the build is up to date, else the reason."""
    if stamp is None:
        return "not built (no stamp: never built, or the last build failed)"
    if stamp.get("configure_arguments") != arguments:
        before = shlex.join(stamp.get("configure_arguments") or [])
        return f"configure arguments changed: was {before}, now {shlex.join(arguments)}"
    if source_version is not None and stamp.get("source_version") != source_version:
        return f"source version changed: was {stamp.get('source_version')}, now {source_version}"
    if stamp.get("setup_local") != setup_local(name):
        return "Modules/Setup.local changed (the script's SETUP_LOCAL)"
    if stamp.get("profile_task") != profile_options(name):
        return "the PGO training (PROFILE_TASK) changed"
    return None


def format_durations(durations):
    return ", ".join(f"{step} {seconds:.0f} s" for step, seconds in durations.items())


def interpreter_path(cache, name):
    return cache / name / "bin" / python_name(name)


def link_name(name):
    """bin/<python>-<name>, the link optdemo's tables show, unless the
    interpreter's own name already says which build it is (python3.13t)."""
    if python_name(name) in (f"python{name}", f"python{config_version(name)}{name}"):
        return None
    return f"{python_name(name)}-{name}"


def core_modules(name):
    return CORE_MODULES + [SHA_MODULE[config_version(name)]]


def optional_modules(name):
    """MODULE_PACKAGES without numpy where Debian has none for the version."""
    return {package: entry for package, entry in MODULE_PACKAGES.items()
            if package != "python3-numpy" or config_version(name) in NUMPY_VERSIONS}


def list_configs(cache, names):
    print(f"cache: {cache}")
    source_versions = {}
    for version in dict.fromkeys(config_version(name) for name in names):
        folder = source_folder(cache, SOURCES[version])
        source_versions[version] = read_source_version(folder)
        print(f"source {version}: {folder} "
              f"({source_versions[version] or 'missing: fetch it with --fetch-source'})")
    for name in names:
        arguments = configure_arguments(name, cache)
        stamp = read_stamp(cache, name)
        reason = why_rebuild(name, stamp, arguments, source_versions[config_version(name)])
        print()
        if reason is None:
            total = sum(stamp["durations"].values())
            print(f"{name}: built {stamp['finished']} from {stamp['source_version']}, "
                  f"{total:.0f} s ({format_durations(stamp['durations'])})")
            also = f" (also {link_name(name)})" if link_name(name) else ""
            print(f"  python: {interpreter_path(cache, name)}{also}")
            if stamp.get("missing_modules"):
                print(f"  built without: {', '.join(stamp['missing_modules'])}")
        elif stamp is None:
            print(f"{name}: not built")
        else:
            print(f"{name}: outdated: {reason}")
        print(f"  configure {shlex.join(arguments)}")
    return EXIT_OK


# --- build dependencies ---

def installed_packages(packages):
    """The subset of Debian packages dpkg says are installed."""
    found = set()
    for package in packages:
        result = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package],
                                capture_output=True, text=True)
        if result.returncode == 0 and result.stdout.endswith("install ok installed"):
            found.add(package)
    return found


def check_build_dependencies(names):
    """Print what is missing and what it costs; False if the build cannot run."""
    if shutil.which("dpkg-query") is None:
        print("note: no dpkg-query; cannot check the Debian packages the build needs")
        return True
    wanted = {}
    for name in names:
        wanted.update(optional_modules(name))
    present = installed_packages([*REQUIRED_PACKAGES, *wanted])
    required_missing = [package for package in REQUIRED_PACKAGES if package not in present]
    for package in required_missing:
        print(f"error: {package} is not installed: {REQUIRED_PACKAGES[package]}")
    if required_missing:
        print(f"  (apt-get install {' '.join(required_missing)})")
    missing = [package for package in wanted if package not in present]
    for package in missing:
        module, cost = wanted[package]
        print(f"warning: {package} is not installed, so the builds will lack {module}: {cost}")
    if missing:
        print(f"  (apt-get install {' '.join(missing)}, then rebuild with --force)")
    return not required_missing


# --- building ---

def compiler_version():
    compiler = os.environ.get("CC", "gcc")
    try:
        output = subprocess.run([compiler, "--version"], capture_output=True, text=True).stdout
    except OSError:
        return "unknown"
    return output.split("\n", 1)[0]


def build_steps(name, cache, jobs):
    """[(step, command, folder)] for one configuration, configure first."""
    build = cache / f"build-{name}"
    source = source_folder(cache, SOURCES[config_version(name)])
    task = profile_task(name, source)
    make = ["make", f"-j{jobs}"] + ([f"PROFILE_TASK={task}"] if task else [])
    steps = [("configure", [str(source / "configure"),
                            *configure_arguments(name, cache)], build)]
    pgo = "--enable-optimizations" in CONFIGS[name]["arguments"]
    for step, targets in (PGO_BUILD_STEPS if pgo else BUILD_STEPS):
        steps.append((step, make + targets, build))
    # altinstall without -j: the install rules are not written for parallel make.
    steps.append(("install", ["make", "altinstall"], build))
    return steps


def import_check_command(cache, name):
    modules = [module for module, _cost in optional_modules(name).values()] + core_modules(name)
    return [str(interpreter_path(cache, name)), "-c", IMPORT_CHECK, *modules]


def now_text():
    return datetime.datetime.now().astimezone().isoformat(timespec="seconds")


def add_measuring_aids(name, cache, dry_run):
    """Two things that make a build easier to measure, added again if
    missing (so an up-to-date build gets them too):
    - bin/python3.11-<name>, a link to python3.11: optdemo labels an
      interpreter by its file name, so a comparison of builds reads
      python3.11-plain, python3.11-lto... rather than python3.11 (2);
    - for 3.11, DEBIAN_PACKAGES_PTH, so numpy imports (see above)."""
    prefix = cache / name
    pth = prefix / DEBIAN_PACKAGES_PTH
    if not dry_run and not interpreter_path(cache, name).exists():
        return                                  # a broken install: the check says so
    if link_name(name):
        link = prefix / "bin" / link_name(name)
        if not link.is_symlink():
            print(f"{name}: {'would add' if dry_run else 'adding'} {link} -> {python_name(name)}")
            if not dry_run:
                link.symlink_to(python_name(name))
    if config_version(name) not in NUMPY_VERSIONS:
        return
    if not pth.exists() or pth.read_text() != DEBIAN_DIST_PACKAGES + "\n":
        print(f"{name}: {'would add' if dry_run else 'adding'} {pth}: {DEBIAN_DIST_PACKAGES}")
        if not dry_run:
            pth.parent.mkdir(parents=True, exist_ok=True)
            pth.write_text(DEBIAN_DIST_PACKAGES + "\n")


def build_config(name, cache, jobs, source_version, force, dry_run):
    """Build one configuration unless its stamp is up to date.  True if ok."""
    arguments = configure_arguments(name, cache)
    stamp = read_stamp(cache, name)
    reason = "--force" if force else why_rebuild(name, stamp, arguments, source_version)
    if reason is None:
        missing = stamp.get("missing_modules")
        print(f"{name}: up to date ({stamp['source_version']}, built {stamp['finished']})"
              + (f"; built without {', '.join(missing)}" if missing else ""))
        add_measuring_aids(name, cache, dry_run)
        return True
    build, prefix, log_path = cache / f"build-{name}", cache / name, cache / "logs" / f"{name}.log"
    steps = build_steps(name, cache, jobs)
    if dry_run:
        print(f"{name}: would build: {reason}")
        print(f"    rm -rf {shlex.quote(str(build))} {shlex.quote(str(prefix))}")
        print(f"    mkdir -p {shlex.quote(str(build / 'Modules'))}")
        if setup_local(name):
            print(f"    cat > {shlex.quote(str(build / 'Modules' / 'Setup.local'))} <<'EOF'")
            for line in setup_local(name).splitlines():
                print(f"    {line}")
            print("    EOF")
        for _step, command, folder in steps:
            print(f"    cd {shlex.quote(str(folder))} && {shlex.join(command)}")
        if link_name(name):
            link = shlex.quote(str(prefix / "bin" / link_name(name)))
            print(f"    ln -s {python_name(name)} {link}")
        if config_version(name) in NUMPY_VERSIONS:
            pth = shlex.quote(str(prefix / DEBIAN_PACKAGES_PTH))
            print(f"    echo {DEBIAN_DIST_PACKAGES} > {pth}")
        python = shlex.quote(str(interpreter_path(cache, name)))
        print(f"    {python} -c ...   # imports the modules optdemo needs")
        print(f"    # output to {log_path}; stamp {prefix / STAMP_NAME}")
        return True

    print(f"{name}: building: {reason}")
    # A fresh start: no half-built objects or stale files from other arguments.
    shutil.rmtree(build, ignore_errors=True)
    shutil.rmtree(prefix, ignore_errors=True)
    (build / "Modules").mkdir(parents=True)
    if setup_local(name):
        (build / "Modules" / "Setup.local").write_text(setup_local(name))
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log:
        log.write(f"cpython_builds.py: {name}, {now_text()}, {shlex.join(arguments)}\n")
    started = now_text()
    load_at_start = round(os.getloadavg()[0], 2)
    durations = {}
    for step, command, folder in steps:
        ok, seconds = run_logged(f"{name}: {step}", command, folder, log_path)
        durations[step] = round(seconds, 1)
        if not ok:
            print(f"{name}: build failed, no stamp written; the log is {log_path}")
            return False

    add_measuring_aids(name, cache, dry_run=False)
    # The check: the installed interpreter imports what optdemo needs.
    check_started = time.monotonic()
    result = subprocess.run(import_check_command(cache, name), capture_output=True, text=True)
    durations["check"] = round(time.monotonic() - check_started, 1)
    try:
        missing = json.loads(result.stdout)
    except ValueError:
        missing = None
    if result.returncode != 0 or missing is None:
        print(f"{name}: the installed {python_name(name)} does not run: "
              f"{result.stderr.strip()[-300:]}; "
              f"no stamp written; the log is {log_path}")
        return False
    broken = [module for module in missing if module in core_modules(name)]
    if broken:
        print(f"{name}: the build lacks {', '.join(broken)}, which every build has; "
              f"no stamp written; the log is {log_path}")
        return False
    for package, (module, cost) in optional_modules(name).items():
        if module in missing:
            print(f"{name}: built without {module} ({package} missing): {cost}")

    stamp = {
        "config": name,
        "configure_arguments": arguments,
        "source_version": source_version,
        "source": str(source_folder(cache, SOURCES[config_version(name)])),
        "setup_local": setup_local(name),
        "profile_task": profile_options(name),
        "python": str(interpreter_path(cache, name)),
        "started": started,
        "finished": now_text(),
        "durations": durations,
        "jobs": jobs,
        "compiler": compiler_version(),
        # Other work on the machine slows a build: the 1-minute load average.
        "load_average": {"start": load_at_start, "end": round(os.getloadavg()[0], 2)},
        "missing_modules": missing,
    }
    temporary = prefix / (STAMP_NAME + ".tmp")
    temporary.write_text(json.dumps(stamp, indent=2) + "\n")
    os.replace(temporary, prefix / STAMP_NAME)
    print(f"{name}: done in {sum(durations.values()):.0f} s: {interpreter_path(cache, name)}")
    return True


def main(argv=None):
    args = parse_arguments(argv)
    if args.list:
        return list_configs(args.cache, args.configs)
    try:
        if not check_build_dependencies(args.configs) and not args.dry_run:
            return EXIT_FAILED
        source_versions = {}
        for version in dict.fromkeys(config_version(name) for name in args.configs):
            source_versions[version] = ensure_source(args.cache, SOURCES[version],
                                                     args.fetch_source, args.dry_run)
            if source_versions[version] is None:
                return EXIT_FAILED
        failed = [name for name in args.configs
                  if not build_config(name, args.cache, args.jobs,
                                      source_versions[config_version(name)],
                                      args.force, args.dry_run)]
    except KeyboardInterrupt:
        print("\ninterrupted; the configuration being built has no stamp")
        return EXIT_INTERRUPTED
    if failed:
        print(f"failed: {', '.join(failed)} (logs in {args.cache / 'logs'})")
        return EXIT_FAILED
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
