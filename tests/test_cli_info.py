"""`optdemo info`: the interpreter build and the machine, and the measured
gap to /usr/bin/python3.11; plus optdemo.machine's helpers on their own.

The facts are checked against independent sources where there is one: ldd
for the link, readelf for the '.cold' count, /proc for ASLR, the host's own
`python` command for the version and the debug flag.
"""

import datetime
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_helpers import OPTDEMO, SOURCE_ROOT, optdemo  # noqa: E402

sys.path.insert(0, os.path.join(SOURCE_ROOT, "pyscripts"))
from optdemo import machine  # noqa: E402

PYTHON = os.environ.get("OPTDEMO_PYTHON", "/usr/bin/python3.11")

EXPECTED_KEYS = [
    "optdemo_version", "optdemo_commit", "host_compiler", "python_executable",
    "python_version", "python_implementation", "python_build", "python_debug",
    "python_compiler", "python_cc", "python_cflags", "python_cflags_nodist",
    "python_config_args", "lto_in_build_flags", "pgo_in_build_flags",
    "libpython_link", "python_embed", "libpython_file", "libpython_pgo",
    "libpython_pgo_evidence", "numpy_version", "numpy_blas", "numpy_blas_kind",
    "numpy_blas_loaded", "cpu_model_name", "cpu_count", "cpu_governor",
    "load_avg_1min", "aslr", "platform", "date",
]
# Where the embedded interpreter cannot import numpy (a CPython 3.13 here),
# numpy_version says "unavailable (why)" and the BLAS keys are absent.
NUMPY_DETAIL_KEYS = {"numpy_blas", "numpy_blas_kind", "numpy_blas_loaded"}
HOST_HAS_NUMPY = importlib.util.find_spec("numpy") is not None   # the same interpreter


def expected_keys():
    return [key for key in EXPECTED_KEYS if HOST_HAS_NUMPY or key not in NUMPY_DETAIL_KEYS]


@pytest.fixture(scope="module")
def facts():
    done = optdemo("info", "--json", "--no-gap")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def host_python(code):
    done = optdemo("python", "-c", code)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_json_has_every_key_and_pyperf_compatible_values(facts):
    for key in expected_keys():
        assert key in facts, key
    assert "interpreter_gap" not in facts  # --no-gap
    for key, value in facts.items():
        assert isinstance(value, (str, int, float, bool)), key
        if isinstance(value, str):
            assert value.strip() and "\n" not in value, key


def test_text_lists_the_keys_grouped_and_aligned():
    done = optdemo("info", "--no-gap")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for header in ("optdemo:", "interpreter:", "libpython:", "numpy:", "machine:"):
        assert header in lines
    value_columns = set()
    for key in expected_keys():
        match = next((re.match(r"  (\S+) +\S", line) for line in lines
                      if line.startswith(f"  {key} ")), None)
        assert match is not None, key
        value_columns.add(match.end() - 1)
    assert len(value_columns) == 1, "values are not aligned"
    assert "interpreter gap" not in done.stdout


def test_versions_agree_with_the_host_itself(facts):
    version = optdemo("--version").stdout.split()
    assert version[1] == facts["optdemo_version"]
    assert version[2] == f"({facts['optdemo_commit']})"
    assert facts["python_version"] == host_python("import platform; print(platform.python_version())")
    debug = host_python("import sys; print(hasattr(sys, 'gettotalrefcount'))") == "True"
    assert facts["python_debug"] is debug
    assert facts["python_build"] == ("debug (Py_DEBUG)" if debug else "release")
    assert facts["python_implementation"] == "cpython"
    assert facts["python_executable"] == os.path.realpath(OPTDEMO)


def test_libpython_link_matches_what_the_executable_needs(facts):
    ldd = subprocess.run(["ldd", OPTDEMO], capture_output=True, text=True, check=True).stdout
    needs_shared_libpython = re.search(r"^\s*libpython", ldd, re.M) is not None
    assert facts["libpython_link"] == ("shared" if needs_shared_libpython else "static")
    if needs_shared_libpython:
        library = os.path.basename(facts["libpython_file"])
        assert library.startswith("libpython") and library in ldd
    else:
        assert facts["libpython_file"] == os.path.realpath(OPTDEMO)


def test_pgo_evidence_counts_the_cold_parts_readelf_sees(facts):
    readelf = shutil.which("readelf")
    if readelf is None:
        pytest.skip("readelf (binutils) is not installed")
    symbols = subprocess.run([readelf, "-sW", facts["libpython_file"]],
                             capture_output=True, text=True, check=True).stdout
    cold = sum(1 for line in symbols.splitlines()
               if " FUNC " in line and re.search(r"\.cold(\.\d+)?$", line))
    has_symtab = "'.symtab'" in symbols
    if not has_symtab:
        assert facts["libpython_pgo"].startswith("unknown")
        return
    assert facts["libpython_pgo_evidence"].startswith(f"{cold} '.cold' function parts")
    assert facts["libpython_pgo"] == ("yes" if cold >= 1000 else "no")


def hot_sections(readelf, archive):
    """How many of the archive's object files have a .text.hot section."""
    sections = subprocess.run([readelf, "-SW", archive], capture_output=True, text=True,
                              check=True).stdout
    return len(re.findall(r"\.text\.hot\b", sections))


# GCC puts the functions a profile found hot into .text.hot sections; without
# a profile only functions marked hot by hand go there (CPython 3.11 marks
# _PyEval_EvalFrameDefault _Py_HOT_FUNCTION).  Measured on these machines:
# Debian's libpython3.11.a (PGO) 267 object files with one, its
# libpython3.11-pic.a (the shared build's objects, no PGO) 6, libpython3.11d.a
# (-O0) none.
PGO_HOT_SECTIONS = 50


def test_the_pgo_verdict_agrees_with_the_archives_hot_sections(facts):
    """Not an assumption about Debian's packaging but a second witness: the
    verdict ('.cold' parts in the linked host) must agree with the hot
    sections of the archive the host was linked from.  A statically linked
    binary no longer shows them (the link merges them into .text)."""
    readelf = shutil.which("readelf")
    if readelf is None:
        pytest.skip("readelf (binutils) is not installed")
    if facts["libpython_link"] != "static" or facts["libpython_pgo"].startswith("unknown"):
        pytest.skip("only a static host is judged from the archive it was linked from")
    # The embed library's name carries the ABI flags: python-3.11d-embed's
    # archive is libpython3.11d.a, python-3.13t-embed's libpython3.13t.a.
    abi = facts["python_embed"].removeprefix("python-").removesuffix("-embed")
    archive = os.path.join(facts["libpython_dir"], f"libpython{abi}.a")
    if not os.path.exists(archive):
        pytest.skip(f"{archive} is not there to read")
    hot = hot_sections(readelf, archive)
    assert facts["libpython_pgo"] == ("yes" if hot >= PGO_HOT_SECTIONS else "no"), (hot, archive)
    # the witness tells a build without PGO from one with it
    unprofiled = os.path.join(os.path.dirname(os.path.realpath(archive)),
                              f"libpython{abi}-pic.a")
    if os.path.exists(unprofiled):
        assert hot_sections(readelf, unprofiled) < PGO_HOT_SECTIONS


def test_machine_facts_match_the_system(facts):
    assert facts["cpu_count"] == os.cpu_count()
    with open("/proc/sys/kernel/randomize_va_space") as file:
        assert facts["aslr"].endswith(f"(randomize_va_space={file.read().strip()})")
    assert datetime.datetime.fromisoformat(facts["date"])
    assert facts["load_avg_1min"] >= 0
    numpy_version = subprocess.run([PYTHON, "-c", "import numpy; print(numpy.__version__)"],
                                   capture_output=True, text=True).stdout.strip()
    if numpy_version:
        assert facts["numpy_version"] == numpy_version


def test_gap_is_measured_and_explained():
    done = optdemo("info")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "interpreter gap (measured now, alternating with /usr/bin/python3.11 -m timeit):" in out
    assert re.search(r"^  geometric mean: \d+\.\d\dx$", out, re.M)
    assert "The numbers optdemo reports describe this build (" in out
    for stmt, _ in machine.TIMEIT_STATEMENTS:
        assert re.search(r"^  " + re.escape(stmt) + r" .* \d+\.\d\dx$", out, re.M), stmt


def test_json_gap_has_a_ratio_per_statement():
    done = optdemo("info", "--json")
    assert done.returncode == 0, done.stderr
    gap = json.loads(done.stdout)["interpreter_gap"]
    assert gap["reference"] == "/usr/bin/python3.11"
    assert [item["stmt"] for item in gap["statements"]] == [s for s, _ in machine.TIMEIT_STATEMENTS]
    for item in gap["statements"]:
        assert item["here"] > 0 and item["there"] > 0
        assert item["ratio"] == pytest.approx(item["here"] / item["there"])
    ratios = [item["ratio"] for item in gap["statements"]]
    product = 1.0
    for ratio in ratios:
        product *= ratio
    assert gap["geometric_mean"] == pytest.approx(product ** (1 / len(ratios)))


@pytest.mark.parametrize("args", [["--bogus"], ["extra"], ["--json", "-x"]])
def test_bad_arguments_exit_2_with_usage(args):
    done = optdemo("info", *args)
    assert done.returncode == 2
    assert "usage: optdemo info" in done.stderr
    assert done.stdout == ""


def test_help_exits_0():
    done = optdemo("info", "--help")
    assert done.returncode == 0
    assert done.stdout.startswith("usage: optdemo info [--json] [--no-gap]")


# --- optdemo.machine's helpers, under plain python3.11 ----------------------

@pytest.mark.parametrize("line, seconds", [
    ("50000 loops, best of 5: 6.47 usec per loop", 6.47e-6),
    ("1 loop, best of 1: 2.5 sec per loop", 2.5),
    ("10000000 loops, best of 5: 27.7 nsec per loop", 27.7e-9),
    (":0: UserWarning: ...\n200 loops, best of 3: 1.5 msec per loop\n", 1.5e-3),
])
def test_parse_timeit_output(line, seconds):
    assert machine.parse_timeit_output(line) == pytest.approx(seconds)


def test_parse_timeit_output_refuses_other_text():
    with pytest.raises(ValueError):
        machine.parse_timeit_output("Traceback (most recent call last):")


@pytest.mark.parametrize("paths, kind", [
    (["/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0"], "reference BLAS (netlib)"),
    (["/usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3",
      "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"], "OpenBLAS"),
    ([], "unknown"),
])
def test_blas_kind_from_the_mapped_path(paths, kind):
    assert machine._blas_kind(paths) == kind


def test_format_text_groups_known_keys_and_puts_the_rest_under_other():
    text = machine.format_text({"zeta": 1, "python_version": "3.11.2", "python_debug": False})
    assert text.splitlines() == [
        "interpreter:",
        "  python_version  3.11.2",
        "  python_debug    no",
        "other:",
        "  zeta            1",
    ]


def test_format_gap_says_slower_faster_or_about_the_same():
    def gap(ratio):
        return {"reference": "/usr/bin/python3.11", "geometric_mean": ratio,
                "statements": [{"stmt": "x", "here": ratio * 1e-6, "there": 1e-6, "ratio": ratio}]}
    assert "1.50x slower than /usr/bin/python3.11" in machine.format_gap(gap(1.5), "shared")
    assert "(shared libpython)" in machine.format_gap(gap(1.5), "shared")
    assert "2.00x faster than" in machine.format_gap(gap(0.5))
    assert "about as fast as" in machine.format_gap(gap(1.01))
    assert "not measured" in machine.format_gap(None)
