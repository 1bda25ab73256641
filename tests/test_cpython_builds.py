"""bench/cpython_builds.py without building CPython and without the network:
the command line, the cache logic (stamps, --force), the source-fetch plan
with apt-cache's output injected, and the whole build pipeline run against
a fake source whose `configure` writes a tiny Makefile."""

import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap
import types

import pytest

SOURCE_ROOT = os.environ.get(
    "OPTDEMO_SOURCE_ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(SOURCE_ROOT, "bench", "cpython_builds.py")
# The scripts as modules, for the tests that inject apt's output.
sys.path.insert(0, os.path.dirname(SCRIPT))
import cpython_builds  # noqa: E402  (found through the line above)
import cpython_source  # noqa: E402
CONFIGS_311 = ["plain", "lto", "pgo-lto", "pgo-lto-o3", "pgo-debian", "debug"]
CONFIGS_313 = ["3.13", "3.13t"]
ALL_CONFIGS = CONFIGS_311 + CONFIGS_313
SOURCE_VERSION = "3.11.2-6+deb12u8"

# What `apt-cache madison python3.11` printed here, deb-src entries included.
MADISON = """\
python3.11 | 3.11.2-6+deb12u9 | http://deb.debian.org/debian-security bookworm-security/main amd64 Packages
python3.11 | 3.11.2-6+deb12u8 | http://deb.debian.org/debian bookworm/main amd64 Packages
python3.11 | 3.11.2-6+deb12u8 | http://deb.debian.org/debian bookworm/main Sources
python3.11 | 3.11.2-6+deb12u9 | http://deb.debian.org/debian-security bookworm-security/main Sources
"""
DEBIAN_SOURCES = """\
Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""


def run_script(*args, env=None):
    environment = dict(os.environ)
    environment.update(env or {})
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True,
                          timeout=120, env=environment)


def fake_source(cache, configure_body="exit 0", folder="python3.11-3.11.2",
                changelog_version=SOURCE_VERSION):
    """<cache>/src/<folder> with a debian/changelog and a configure."""
    source = cache / "src" / folder
    (source / "debian").mkdir(parents=True)
    (source / "debian" / "changelog").write_text(
        f"python3 ({changelog_version}) bookworm; urgency=medium\n\n  * A test.\n")
    configure = source / "configure"
    configure.write_text("#!/bin/sh\n" + configure_body + "\n")
    configure.chmod(configure.stat().st_mode | stat.S_IXUSR)
    return source


def write_stamp(cache, name, **changes):
    stamp = {"config": name, "configure_arguments": cpython_builds.configure_arguments(name, cache),
             "source_version": SOURCE_VERSION, "started": "2026-12-02T03:00:00+00:00",
             "finished": "2026-12-02T03:05:00+00:00",
             "durations": {"configure": 81.0, "build": 111.0, "install": 9.0, "check": 0.1},
             "missing_modules": [], "setup_local": cpython_builds.setup_local(name),
             "profile_task": cpython_builds.profile_options(name)}
    stamp.update(changes)
    (cache / name).mkdir(parents=True)
    (cache / name / "optdemo-build.json").write_text(json.dumps(stamp))


# --- the command line ---

def test_unknown_config_is_a_usage_error_listing_the_valid_ones(tmp_path):
    result = run_script("--cache", str(tmp_path), "plain", "fast")
    assert result.returncode == 2
    assert "unknown configuration 'fast'" in result.stderr
    assert "valid: " + ", ".join(ALL_CONFIGS) in result.stderr
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("args", [[], ["--jobs", "0", "plain"], ["--jobs", "two", "plain"],
                                  ["--no-such-option", "plain"]])
def test_bad_command_lines_exit_2(tmp_path, args):
    result = run_script("--cache", str(tmp_path), *args)
    assert result.returncode == 2
    assert "usage:" in result.stderr


def test_help_names_every_config_its_flags_and_the_exit_codes():
    result = run_script("--help")
    assert result.returncode == 0
    for text in ALL_CONFIGS + ["--with-lto", "--enable-optimizations", "--with-pydebug",
                               "--without-ensurepip", "-no-pie", "python-3.11-embed.pc",
                               "0 ok, 1 a build failed", "2 usage"]:
        assert text in result.stdout


def test_list_shows_each_config_and_its_arguments(tmp_path):
    result = run_script("--cache", str(tmp_path), "--list")
    assert result.returncode == 0, result.stderr
    for name in ALL_CONFIGS:
        assert f"{name}: not built" in result.stdout
        assert f"--prefix={tmp_path / name}" in result.stdout
    assert "--enable-optimizations --with-lto CFLAGS=-O2" in result.stdout
    assert "missing: fetch it with --fetch-source" in result.stdout


def test_list_shows_a_built_config_with_its_durations(tmp_path):
    fake_source(tmp_path)
    write_stamp(tmp_path, "plain")
    write_stamp(tmp_path, "debug", configure_arguments=["--prefix=/elsewhere"])
    result = run_script("--cache", str(tmp_path), "--list", "plain", "debug")
    assert result.returncode == 0, result.stderr
    assert f"plain: built 2026-12-02T03:05:00+00:00 from {SOURCE_VERSION}" in result.stdout
    assert "configure 81 s, build 111 s, install 9 s" in result.stdout
    assert f"python: {tmp_path / 'plain' / 'bin' / 'python3.11'} (also python3.11-plain)" in (
        result.stdout)
    assert "debug: outdated: configure arguments changed" in result.stdout
    assert "lto" not in result.stdout


def test_the_cache_defaults_to_the_environment_variable(tmp_path):
    result = run_script("--list", env={"OPTDEMO_CPYTHON_CACHE": str(tmp_path)})
    assert f"cache: {tmp_path}" in result.stdout


# --- --dry-run: the commands, and the cache logic ---

def dry_run_lines(cache, *args):
    result = run_script("--cache", str(cache), "--jobs", "3", "--dry-run", *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_dry_run_prints_configure_make_and_install_per_config(tmp_path):
    source = fake_source(tmp_path)
    fake_source(tmp_path, folder="python3.13-3.13.5", changelog_version="3.13.5-2+deb13u5")
    output = dry_run_lines(tmp_path, *ALL_CONFIGS)
    expected_flags = {
        "plain": "--without-ensurepip --with-system-expat CFLAGS=-O2",
        "lto": "--without-ensurepip --with-system-expat --with-lto CFLAGS=-O2",
        "pgo-lto": ("--without-ensurepip --with-system-expat --enable-optimizations --with-lto "
                    "CFLAGS=-O2"),
        "pgo-lto-o3": ("--without-ensurepip --with-system-expat --enable-optimizations "
                       "--with-lto"),
        "debug": "--without-ensurepip --with-system-expat --with-pydebug",
    }
    for name, flags in expected_flags.items():
        build = tmp_path / f"build-{name}"
        assert f"{name}: would build: not built" in output
        assert f"cd {build} && {source}/configure --prefix={tmp_path / name} {flags}\n" in output
        assert f"cd {build} && make -j3\n" in output
        assert f"cd {build} && make altinstall\n" in output
        assert f"cat > {build}/Modules/Setup.local <<'EOF'" in output
        assert f"ln -s python3.11 {tmp_path / name}/bin/python3.11-{name}\n" in output
        assert (f"echo /usr/lib/python3/dist-packages > {tmp_path / name}/lib/python3.11/"
                "dist-packages/optdemo-debian-dist-packages.pth") in output
        assert f"logs/{name}.log" in output
    # pyexpat is built in (Debian's pyexpat.c does not build as a shared module).
    assert output.count("    pyexpat pyexpat.c -lexpat\n") == len(CONFIGS_311)
    # PGO's three makes are separate steps, in the PGO configs and no other.
    assert output.count("make -j3 profile-gen-stamp") == 2 + len(CONFIGS_313)
    assert output.count("profile-gen-stamp") == 3 + len(CONFIGS_313)     # pgo-debian's too
    assert output.count("make -j3 profile-run-stamp") == 2 + len(CONFIGS_313)
    # A dry run changes nothing.
    assert sorted(path.name for path in tmp_path.iterdir()) == ["src"]


def test_a_matching_stamp_is_up_to_date(tmp_path):
    fake_source(tmp_path)
    write_stamp(tmp_path, "lto")
    output = dry_run_lines(tmp_path, "lto")
    assert f"lto: up to date ({SOURCE_VERSION}" in output
    assert "configure" not in output


def test_a_stamp_with_other_arguments_is_rebuilt_and_says_why(tmp_path):
    fake_source(tmp_path)
    write_stamp(tmp_path, "lto", configure_arguments=[f"--prefix={tmp_path / 'lto'}", "--with-lto"])
    output = dry_run_lines(tmp_path, "lto")
    assert "lto: would build: configure arguments changed: was " in output
    assert (f"now --prefix={tmp_path / 'lto'} --without-ensurepip --with-system-expat "
            "--with-lto CFLAGS=-O2") in output
    assert "make altinstall" in output


def test_a_stamp_from_another_source_version_is_rebuilt(tmp_path):
    fake_source(tmp_path)
    write_stamp(tmp_path, "plain", source_version="3.11.2-6+deb12u6")
    output = dry_run_lines(tmp_path, "plain")
    assert f"source version changed: was 3.11.2-6+deb12u6, now {SOURCE_VERSION}" in output


def test_a_stamp_with_another_setup_local_is_rebuilt(tmp_path):
    fake_source(tmp_path)
    write_stamp(tmp_path, "plain", setup_local="# nothing\n")
    output = dry_run_lines(tmp_path, "plain")
    assert "plain: would build: Modules/Setup.local changed" in output


def test_force_rebuilds_an_up_to_date_config(tmp_path):
    fake_source(tmp_path)
    write_stamp(tmp_path, "plain")
    output = dry_run_lines(tmp_path, "--force", "plain")
    assert "plain: would build: --force" in output


# --- the source: the version pinned from apt-cache's output ---

def test_the_pinned_version_is_the_release_suites_newest():
    pinned_source_version = cpython_source.pinned_source_version
    assert pinned_source_version(MADISON, "bookworm", "python3.11") == (SOURCE_VERSION, True)
    two_versions = MADISON + ("python3.11 | 3.11.2-6+deb12u10 | "
                              "http://deb.debian.org/debian bookworm/main Sources\n")
    assert pinned_source_version(two_versions, "bookworm", "python3.11") == (
        "3.11.2-6+deb12u10", True)
    assert pinned_source_version(MADISON, "trixie", "python3.11") == (None, False)
    assert pinned_source_version(MADISON, "bookworm", "python3.13") == (None, False)


def test_without_deb_src_the_binary_version_is_pinned():
    binaries_only = "".join(line + "\n" for line in MADISON.splitlines()
                            if line.endswith("Packages"))
    assert cpython_source.pinned_source_version(binaries_only, "bookworm", "python3.11") == (
        SOURCE_VERSION, False)


def test_the_deb_src_entry_copies_the_archive_of_debian_sources():
    assert cpython_source.deb_src_entry(DEBIAN_SOURCES) == textwrap.dedent("""\
        Types: deb-src
        URIs: http://deb.debian.org/debian
        Suites: bookworm bookworm-updates
        Components: main
        Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

        Types: deb-src
        URIs: http://deb.debian.org/debian-security
        Suites: bookworm-security
        Components: main
        Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
        """)


@pytest.fixture
def apt(tmp_path, monkeypatch):
    """apt-cache's output and debian.sources replaced for cpython_builds.main;
    set `madison` on the returned object to change the output."""
    injected = types.SimpleNamespace(madison=MADISON)
    sources = tmp_path / "debian.sources"
    sources.write_text(DEBIAN_SOURCES)
    monkeypatch.setattr(cpython_source, "DEBIAN_SOURCES", sources)
    monkeypatch.setattr(cpython_source, "debian_codename", lambda: "bookworm")
    monkeypatch.setattr(cpython_source, "run_apt_cache_madison",
                        lambda package: injected.madison)
    return injected


def test_dry_run_without_the_source_prints_apt_get_source_pinned(tmp_path, apt, capsys):
    cache = tmp_path / "cache"
    assert cpython_builds.main(["--cache", str(cache), "--dry-run", "plain"]) == 0
    output = capsys.readouterr().out
    assert "python3.11 pinned to 3.11.2-6+deb12u8" in output
    assert f"cd {cache / 'src'} && apt-get source python3.11=3.11.2-6+deb12u8" in output
    assert "deb12u9" not in output
    assert "apt-get update" not in output          # apt already has deb-src entries
    assert "plain: would build" in output
    assert not cache.exists()


def test_dry_run_without_deb_src_prints_the_entry_and_apt_get_update(
        tmp_path, apt, capsys):
    apt.madison = "".join(line + "\n" for line in MADISON.splitlines()
                                   if line.endswith("Packages"))
    assert cpython_builds.main(["--cache", str(tmp_path), "--dry-run", "plain"]) == 0
    output = capsys.readouterr().out
    assert "cat > /etc/apt/sources.list.d/optdemo-deb-src.sources <<'EOF'" in output
    assert "Types: deb-src" in output
    assert "URIs: http://deb.debian.org/debian-security" in output
    assert "apt-get update" in output
    assert "apt-get source python3.11=3.11.2-6+deb12u8" in output


def test_a_missing_source_without_fetch_source_fails_and_says_what_to_run(
        tmp_path, apt, capsys):
    assert cpython_builds.main(["--cache", str(tmp_path), "plain"]) == 1
    output = capsys.readouterr().out
    assert "fetch it with --fetch-source, or run:" in output
    assert "apt-get source python3.11=3.11.2-6+deb12u8" in output
    assert not (tmp_path / "src").exists()


def test_no_release_version_is_an_error(tmp_path, apt, capsys):
    apt.madison = ""
    assert cpython_builds.main(["--cache", str(tmp_path), "--dry-run", "plain"]) == 1
    assert "apt knows no python3.11 in bookworm" in capsys.readouterr().out


def test_the_trixie_entry_names_only_the_release_archive():
    """3.13 comes from trixie: a deb-src entry for the release archive's
    trixie suite, not for bookworm-security's archive."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cpython_source, "debian_codename", lambda: "bookworm")
        entry = cpython_source.deb_src_entry(DEBIAN_SOURCES, "trixie")
    assert entry == textwrap.dedent("""\
        Types: deb-src
        URIs: http://deb.debian.org/debian
        Suites: trixie
        Components: main
        Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
        """)


def test_dry_run_for_313_prints_the_trixie_entry_and_apt_get_source(tmp_path, apt, capsys):
    apt.madison = MADISON            # no python3.13 in any suite apt knows yet
    cache = tmp_path / "cache"
    assert cpython_builds.main(["--cache", str(cache), "--dry-run", "3.13t"]) == 0
    output = capsys.readouterr().out
    assert "apt lists no python3.13 in trixie until" in output
    assert "cat > /etc/apt/sources.list.d/optdemo-deb-src-trixie.sources <<'EOF'" in output
    assert "Suites: trixie" in output
    assert "apt-get source python3.13=VERSION" in output
    assert "3.13t: would build" in output


def test_313_configs_name_their_interpreter_and_skip_311_only_steps(tmp_path):
    fake_source(tmp_path)
    fake_source(tmp_path, folder="python3.13-3.13.5", changelog_version="3.13.5-2+deb13u5")
    output = dry_run_lines(tmp_path, "3.13", "3.13t", "pgo-debian")
    free_threaded = output[output.index("3.13t: would build"):output.index("pgo-debian:")]
    assert "--disable-gil --enable-optimizations --with-lto" in free_threaded
    assert "src/python3.13-3.13.5/configure" in free_threaded
    assert "bin/python3.13t -c ..." in free_threaded
    # No Setup.local (3.13 builds pyexpat itself), no numpy .pth (Debian's
    # numpy is for 3.11), no link: python3.13t already says which build.
    for only_311 in ("Setup.local", "dist-packages", "ln -s"):
        assert only_311 not in free_threaded
    assert "--disable-gil" not in output[:output.index("3.13t: would build")]
    assert cpython_builds.core_modules("3.13")[-1] == "_sha2"
    assert cpython_builds.core_modules("plain")[-1] == "_sha256"
    assert "numpy" not in [module for module, _ in cpython_builds.optional_modules("3.13t").values()]


def test_pgo_debian_trains_on_the_whole_suite_as_debian_does(tmp_path):
    fake_source(tmp_path)
    output = dry_run_lines(tmp_path, "pgo-debian")
    regrtest = tmp_path / "src" / "python3.11-3.11.2" / "Lib" / "test" / "regrtest.py"
    task = f"'PROFILE_TASK={regrtest} -s -j 1 -unone,decimal -x test_asyncio "
    assert output.count(task) == 3                 # every make of the PGO build
    assert "test_ssl" in output and "test_ttk_guionly" in output
    assert "pgo-lto-o3" not in output
    plain = dry_run_lines(tmp_path, "pgo-lto-o3")
    assert "PROFILE_TASK" not in plain
    # A stamp from another training is rebuilt.
    write_stamp(tmp_path, "pgo-debian", profile_task=["-m", "test", "--pgo"])
    assert "the PGO training (PROFILE_TASK) changed" in dry_run_lines(tmp_path, "pgo-debian")


# --- the pipeline, with a fake source instead of CPython's ---

# Stands in for CPython's configure: writes a Makefile whose install links
# /usr/bin/python3.11 as the "built" interpreter, and records its arguments.
FAKE_CONFIGURE = """\
prefix=
for argument in "$@"; do
  case "$argument" in --prefix=*) prefix="${argument#--prefix=}";; esac
done
echo "$@" > configure-arguments
printf 'all:\\n\\techo built\\naltinstall:\\n\\tmkdir -p %s/bin\\n\\tln -s %s %s/bin/python3.11\\n' \\
  "$prefix" "$FAKE_PYTHON" "$prefix" > Makefile
"""
needs_make = pytest.mark.skipif(shutil.which("make") is None or shutil.which("gcc") is None,
                                reason="needs make and gcc")


@needs_make
def test_a_build_writes_a_stamp_and_is_then_up_to_date(tmp_path):
    fake_source(tmp_path, FAKE_CONFIGURE)
    environment = {"FAKE_PYTHON": "/usr/bin/python3.11"}
    result = run_script("--cache", str(tmp_path), "--jobs", "2", "plain", env=environment)
    assert result.returncode == 0, result.stdout + result.stderr
    for step in ("configure", "build", "install"):
        assert f"plain: {step} ... " in result.stdout
    assert (tmp_path / "build-plain" / "configure-arguments").read_text() == (
        f"--prefix={tmp_path / 'plain'} --without-ensurepip --with-system-expat CFLAGS=-O2\n")
    assert "pyexpat pyexpat.c -lexpat" in (
        tmp_path / "build-plain" / "Modules" / "Setup.local").read_text()
    stamp = json.loads((tmp_path / "plain" / "optdemo-build.json").read_text())
    assert stamp["config"] == "plain"
    assert stamp["source_version"] == SOURCE_VERSION
    assert list(stamp["durations"]) == ["configure", "build", "install", "check"]
    # Only optional modules may be missing (Debian's python3.11 has no _gdbm).
    optional = {module for module, _cost in cpython_builds.MODULE_PACKAGES.values()}
    assert set(stamp["missing_modules"]) <= optional
    assert stamp["compiler"]
    assert "echo built" in (tmp_path / "logs" / "plain.log").read_text()
    # The measuring aids: a link named for the config (optdemo's label), and
    # Debian's dist-packages (numpy) through a .pth file.
    link = tmp_path / "plain" / "bin" / "python3.11-plain"
    assert os.readlink(link) == "python3.11"
    pth = tmp_path / "plain" / "lib" / "python3.11" / "dist-packages" / "optdemo-debian-dist-packages.pth"
    assert pth.read_text() == "/usr/lib/python3/dist-packages\n"

    link.unlink()
    again = run_script("--cache", str(tmp_path), "plain", env=environment)
    assert again.returncode == 0
    assert "plain: up to date" in again.stdout
    assert f"plain: adding {link} -> python3.11" in again.stdout
    assert "pth" not in again.stdout                  # still there: not rewritten
    forced = run_script("--cache", str(tmp_path), "--force", "plain", env=environment)
    assert forced.returncode == 0, forced.stdout
    assert "plain: building: --force" in forced.stdout


@needs_make
def test_a_failed_build_leaves_no_stamp_and_names_the_log(tmp_path):
    fake_source(tmp_path, "echo 'configure: error: no compiler found' >&2; exit 1")
    result = run_script("--cache", str(tmp_path), "plain", "debug")
    assert result.returncode == 1
    log = tmp_path / "logs" / "plain.log"
    assert "plain: configure ... FAILED after" in result.stdout
    assert f"no stamp written; the log is {log}" in result.stdout
    assert "configure: error: no compiler found" in log.read_text()
    assert not (tmp_path / "plain" / "optdemo-build.json").exists()
    # The other configuration is still tried; the summary names both.
    assert "failed: plain, debug" in result.stdout


def python_missing(tmp_path, modules):
    """A stand-in interpreter whose import check reports these modules missing."""
    fake_python = tmp_path / "python-without-modules"
    fake_python.write_text(f"#!/bin/sh\necho '{json.dumps(modules)}'\n")
    fake_python.chmod(0o755)
    return {"FAKE_PYTHON": str(fake_python)}


@needs_make
def test_an_interpreter_without_a_core_module_is_a_failed_build(tmp_path):
    fake_source(tmp_path, FAKE_CONFIGURE)
    result = run_script("--cache", str(tmp_path), "plain", env=python_missing(tmp_path, ["_json"]))
    assert result.returncode == 1
    assert "the build lacks _json" in result.stdout
    assert not (tmp_path / "plain" / "optdemo-build.json").exists()


@needs_make
def test_a_missing_optional_module_is_built_and_says_what_it_costs(tmp_path):
    fake_source(tmp_path, FAKE_CONFIGURE)
    environment = python_missing(tmp_path, ["_ctypes"])
    result = run_script("--cache", str(tmp_path), "plain", env=environment)
    assert result.returncode == 0, result.stdout
    assert ("plain: built without _ctypes (libffi-dev missing): no ctypes: optdemo's crash "
            "fixture") in result.stdout
    again = run_script("--cache", str(tmp_path), "plain", env=environment)
    assert "; built without _ctypes" in again.stdout
    listing = run_script("--cache", str(tmp_path), "--list", "plain")
    assert "built without: _ctypes" in listing.stdout
