"""What a measurement describes: the interpreter build and the machine.

metadata() gathers the facts Python can see (version, build flags, numpy and
its BLAS, CPU, governor, load, ASLR, date) as a flat dict; the C host adds
what only it knows (how libpython is linked into it, its compiler, PGO
evidence) and `optdemo run` stores the lot with its results.  Values follow
pyperf's metadata rules so pyperf reads optdemo's JSON files: str (one line,
never empty), int, float or bool -- an unknown fact is a string that says why.

interpreter_gap() measures, in the same run, how fast the interpreter this
code runs in is compared with another one (by default /usr/bin/python3.11):
the embedded interpreter is a different build from the one users run.
"""

import datetime
import math
import os
import platform
import re
import subprocess
import sys
import sysconfig
import timeit

from optdemo.calibration import autorange

REFERENCE_PYTHON = "/usr/bin/python3.11"

# (statement, setup): small pure-Python statements, the same for the
# interpreter gap in `optdemo info` and for the bench/ scripts that compare
# timeit runs (bench_timeit_agreement, bench_interpreter_link).
TIMEIT_STATEMENTS = [
    ("sum(range(1000))", ""),
    ("[i for i in range(1000)]", ""),
    ("'-'.join(map(str, range(100)))", ""),
    ("d[500]", "d = {i: i for i in range(1000)}"),
    ("500 in s", "s = set(range(1000))"),
]

# Groups and order for the human-readable listing; keys not named here are
# printed last under "other".
GROUPS = [
    ("optdemo", ["optdemo_version", "optdemo_commit", "host_compiler",
                 "python_executable"]),
    ("interpreter", ["python_version", "python_implementation", "python_build",
                     "python_debug", "python_compiler", "python_cc",
                     "python_cflags", "python_cflags_nodist", "python_config_args",
                     "lto_in_build_flags", "pgo_in_build_flags", "free_threaded",
                     "gil_enabled"]),
    ("libpython", ["libpython_link", "python_embed", "libpython_file",
                   "libpython_pgo", "libpython_pgo_evidence"]),
    ("numpy", ["numpy_version", "numpy_blas", "numpy_blas_kind", "numpy_blas_loaded"]),
    ("machine", ["cpu_model_name", "cpu_count", "cpu_affinity", "cpu_governor",
                 "load_avg_1min", "load_avg", "aslr", "platform", "date"]),
]


def _one_line(text, empty="none"):
    """Collapse whitespace: pyperf refuses newlines and empty values."""
    text = " ".join(str(text).split())
    return text if text else empty


def _read(path):
    """A small /proc or /sys file's stripped text, or None."""
    try:
        with open(path, encoding="utf-8") as file:
            return file.read().strip()
    except OSError:
        return None


def free_threaded():
    """Whether this is a free-threaded build (CPython 3.13t: configured
    with --disable-gil), whatever the GIL's state now."""
    return sysconfig.get_config_var("Py_GIL_DISABLED") == 1


def gil_enabled():
    """Whether the GIL is on in this process now.  A free-threaded build
    turns it back on when it imports an extension module that does not
    declare itself safe without it (or under -X gil=1 / PYTHON_GIL=1), so
    the host asks again after the workloads ran.  Interpreters without
    sys._is_gil_enabled (CPython before 3.13, PyPy) always have a GIL."""
    is_enabled = getattr(sys, "_is_gil_enabled", None)
    return True if is_enabled is None else bool(is_enabled())


def interpreter_facts():
    """Version, implementation, debug or release, compiler and build flags."""
    config = sysconfig.get_config_vars()
    flags = " ".join(str(config.get(name) or "") for name in
                     ("CFLAGS", "PY_CFLAGS_NODIST", "LDFLAGS", "PY_LDFLAGS_NODIST",
                      "CONFIG_ARGS"))
    # A debug build (Py_DEBUG) keeps a total reference count.
    debug = hasattr(sys, "gettotalrefcount")
    return {
        "python_version": platform.python_version(),
        "python_implementation": sys.implementation.name,
        "python_executable": _one_line(sys.executable, "unknown"),
        "python_build": "debug (Py_DEBUG)" if debug else "release",
        "python_debug": debug,
        "python_compiler": _one_line(platform.python_compiler(), "unknown"),
        "python_cc": _one_line(config.get("CC") or ""),
        "python_cflags": _one_line(config.get("CFLAGS") or ""),
        "python_cflags_nodist": _one_line(config.get("PY_CFLAGS_NODIST") or ""),
        "python_config_args": _one_line(config.get("CONFIG_ARGS") or ""),
        # What the recorded flags say.  Debian passes its PGO/LTO flags to
        # make directly, so they are not recorded there: False means "not in
        # the flags", not "not done" (the host's libpython_pgo looks at the
        # code itself).
        "lto_in_build_flags": "-flto" in flags or "--with-lto" in flags,
        "pgo_in_build_flags": "-fprofile-use" in flags or "--enable-optimizations" in flags,
        "free_threaded": free_threaded(),
        "gil_enabled": gil_enabled(),
    }


def numpy_facts():
    """numpy's version, the BLAS it was built against and the one loaded."""
    try:
        import numpy
    except ImportError as error:
        # numpy's own message is a page long; its last line says what failed.
        lines = [line for line in str(error).splitlines() if line.strip()]
        reason = lines[-1].strip() if lines else type(error).__name__
        return {"numpy_version": _one_line(f"unavailable ({reason})")}
    facts = {"numpy_version": numpy.__version__}
    blas = "unknown"
    config = getattr(numpy, "__config__", None)
    if hasattr(config, "get_info"):
        # numpy < 1.25: numpy.distutils-style dicts; show_config() prints them.
        libraries = config.get_info("blas_opt").get("libraries", [])
        if libraries:
            blas = ", ".join(dict.fromkeys(libraries))
    else:
        try:
            # numpy >= 1.25 returns the same facts as a dict instead of printing.
            info = numpy.show_config(mode="dicts")
            blas = info["Build Dependencies"]["blas"]["name"]
        except (TypeError, KeyError):
            pass
    facts["numpy_blas"] = _one_line(blas, "unknown")
    # Which BLAS/LAPACK files are really mapped: Debian switches them with
    # update-alternatives (netlib reference, OpenBLAS, BLIS...).
    loaded = []
    for line in (_read("/proc/self/maps") or "").splitlines():
        path = line.split()[-1]
        name = os.path.basename(path)
        if path.startswith("/") and ("blas" in name or "lapack" in name) and path not in loaded:
            loaded.append(path)
    facts["numpy_blas_loaded"] = ", ".join(loaded) if loaded else "none mapped"
    facts["numpy_blas_kind"] = _blas_kind(loaded)
    return facts


def _blas_kind(paths):
    """Name the BLAS implementation from the mapped file's path (Debian's
    alternatives live in per-implementation folders)."""
    kinds = [("openblas", "OpenBLAS"), ("blis", "BLIS"), ("atlas", "ATLAS"),
             ("mkl", "Intel MKL"), ("/blas/", "reference BLAS (netlib)")]
    for path in paths:
        if "blas" not in os.path.basename(path):
            continue
        for marker, kind in kinds:
            if marker in path.lower():
                return kind
        return "unknown (" + os.path.basename(path) + ")"
    return "unknown"


def _cpu_model():
    for line in (_read("/proc/cpuinfo") or "").splitlines():
        if line.startswith("model name"):
            return _one_line(line.partition(":")[2], "unknown")
    return _one_line(platform.processor(), "unknown")


def _governor():
    """The cpufreq scaling governor of every CPU, e.g. '0-1: performance'."""
    governors = {}
    cpu_dir = "/sys/devices/system/cpu"
    names = os.listdir(cpu_dir) if os.path.isdir(cpu_dir) else []
    for name in names:
        if re.fullmatch(r"cpu\d+", name):
            value = _read(f"{cpu_dir}/{name}/cpufreq/scaling_governor")
            if value:
                governors.setdefault(value, []).append(int(name[3:]))
    if not governors:
        return "unavailable (no cpufreq in /sys: the host or hypervisor decides)"
    return "; ".join(f"cpus {','.join(map(str, sorted(cpus)))}: {value}"
                     for value, cpus in sorted(governors.items()))


def _aslr():
    value = _read("/proc/sys/kernel/randomize_va_space")
    meaning = {"0": "disabled", "1": "partial (stack, mmap, vdso)",
               "2": "full (stack, mmap, vdso, heap)"}
    if value is None:
        return "unknown"
    return f"{meaning.get(value, 'unknown')} (randomize_va_space={value})"


def machine_facts():
    """CPU model and count, governor, load, ASLR, platform and date."""
    facts = {
        "cpu_model_name": _cpu_model(),
        "cpu_count": os.cpu_count() or 1,
        "cpu_governor": _governor(),
        "aslr": _aslr(),
        "platform": _one_line(platform.platform(), "unknown"),
        "date": datetime.datetime.now().isoformat(" ", "seconds"),
    }
    if hasattr(os, "sched_getaffinity"):
        facts["cpu_affinity"] = len(os.sched_getaffinity(0))
    load = _read("/proc/loadavg")
    if load:
        fields = load.split()
        facts["load_avg_1min"] = float(fields[0])
        facts["load_avg"] = " ".join(fields[:3]) + " (1, 5, 15 min)"
    return facts


def metadata():
    """The flat dict of facts: str, int, float or bool values (pyperf's
    rules: strings are one line and never empty)."""
    facts = {}
    facts.update(interpreter_facts())
    facts.update(numpy_facts())
    facts.update(machine_facts())
    return facts


def format_text(facts):
    """Aligned 'key: value' lines, grouped, as one string."""
    width = max(len(key) for key in facts) if facts else 0
    lines = []
    seen = set()
    groups = GROUPS + [("other", sorted(facts))]
    for title, keys in groups:
        present = [key for key in keys if key in facts and key not in seen]
        if not present:
            continue
        lines.append(f"{title}:")
        for key in present:
            seen.add(key)
            value = facts[key]
            if isinstance(value, bool):
                value = "yes" if value else "no"
            lines.append(f"  {key:<{width}}  {value}")
    return "\n".join(lines)


# --- the interpreter gap ---------------------------------------------------

_TIMEIT_LINE = re.compile(r"(\d+) loops?, best of (\d+): ([0-9.e+-]+) (nsec|usec|msec|sec) per loop")
_UNITS = {"nsec": 1e-9, "usec": 1e-6, "msec": 1e-3, "sec": 1.0}


def parse_timeit_output(text):
    """Seconds per loop from `python -m timeit`'s result line."""
    match = _TIMEIT_LINE.search(text)
    if match is None:
        raise ValueError(f"no timeit result line in {text!r}")
    return float(match.group(3)) * _UNITS[match.group(4)]


def _best_here(stmt, setup, loops, repeat):
    """Best seconds per loop in this interpreter, stdlib timeit (GC off)."""
    timer = timeit.Timer(stmt, setup)
    return min(timer.repeat(repeat, loops)) / loops


def _best_there(python, stmt, setup, loops, repeat):
    """Best seconds per loop from `python -m timeit` in a child process."""
    command = [python, "-m", "timeit", "-n", str(loops), "-r", str(repeat)]
    if setup:
        command += ["-s", setup]
    command.append(stmt)
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return parse_timeit_output(done.stdout)


def _calibrate(stmt, setup, value_seconds):
    """timeit's autorange (1, 2, 5, 10, 20, 50, ... loops) with a shorter
    target: the first loop count whose value lasts value_seconds."""
    timer = timeit.Timer(stmt, setup)
    loops, _, _ = autorange(lambda loops: (timer.timeit(loops), None), value_seconds)
    return loops


def interpreter_gap(python=REFERENCE_PYTHON, statements=None, rounds=2,
                    value_seconds=0.02, repeat=3):
    """How much slower this interpreter runs small statements than `python`.

    For each statement: calibrate a loop count here (one value ~value_seconds),
    then alternate rounds -- here, there; there, here -- with the same loop
    count and repeat on both sides, and keep each side's best.  Returns a dict
    (reference, geometric_mean, statements: [{stmt, here, there, ratio}]), or
    None when `python` does not exist.  ~1-2 s with the defaults.
    """
    if not os.access(python, os.X_OK):
        return None
    statements = TIMEIT_STATEMENTS if statements is None else statements
    results = []
    for stmt, setup in statements:
        loops = _calibrate(stmt, setup, value_seconds)
        here = there = math.inf
        for round_number in range(rounds):
            if round_number % 2 == 0:
                here = min(here, _best_here(stmt, setup, loops, repeat))
                there = min(there, _best_there(python, stmt, setup, loops, repeat))
            else:
                there = min(there, _best_there(python, stmt, setup, loops, repeat))
                here = min(here, _best_here(stmt, setup, loops, repeat))
        results.append({"stmt": stmt, "here": here, "there": there, "ratio": here / there})
    geometric_mean = math.exp(sum(math.log(item["ratio"]) for item in results) / len(results))
    return {"reference": python, "geometric_mean": geometric_mean, "statements": results}


def _format_seconds(seconds):
    for unit, scale in (("sec", 1.0), ("msec", 1e-3), ("usec", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} nsec"


def format_gap(gap, link="this"):
    """The gap as a small table and the sentence users need to read."""
    if gap is None:
        return f"interpreter gap: not measured ({REFERENCE_PYTHON} not found)"
    width = max(len(item["stmt"]) for item in gap["statements"])
    lines = [f"interpreter gap (measured now, alternating with {gap['reference']} -m timeit):",
             f"  {'statement':<{width}}  {'optdemo':>10}  {'python3.11':>10}  ratio"]
    for item in gap["statements"]:
        lines.append(f"  {item['stmt']:<{width}}  {_format_seconds(item['here']):>10}"
                     f"  {_format_seconds(item['there']):>10}  {item['ratio']:.2f}x")
    mean = gap["geometric_mean"]
    ratios = [item["ratio"] for item in gap["statements"]]
    lines.append(f"  geometric mean: {mean:.2f}x")
    # The mean hides what matters: one statement can run 2x slower here while
    # another runs faster, and a workload is made of particular statements.
    lines.append(f"  per statement: {min(ratios):.2f}x to {max(ratios):.2f}x")
    if abs(mean - 1) < 0.03:
        comparison = "about as fast as"
    elif mean > 1:
        comparison = f"{mean:.2f}x slower than"
    else:
        comparison = f"{1 / mean:.2f}x faster than"
    lines.append(
        f"The numbers optdemo reports describe this build ({link} libpython): it ran these "
        f"statements {comparison} {gap['reference']} on the geometric mean, from "
        f"{min(ratios):.2f}x to {max(ratios):.2f}x per statement, measured just now side by side.")
    if max(ratios) > 1.10:
        lines.append(
            f"To measure the interpreter you run rather than this build: "
            f"optdemo run --interpreter {gap['reference']} ...")
    return "\n".join(lines)


def quick_gap(python=REFERENCE_PYTHON):
    """The gap on the first statement alone (sum(range(1000)): where the
    builds differ most here), in ~0.3 s, for the header of `optdemo run`.
    A dict (stmt, here, there, ratio), or None when `python` is missing."""
    gap = interpreter_gap(python, statements=TIMEIT_STATEMENTS[:1], rounds=2,
                          value_seconds=0.01)
    return None if gap is None else gap["statements"][0]
