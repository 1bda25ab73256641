"""Debian's CPython sources for bench/cpython_builds.py: `apt-get source`
into the cache, pinned to the newest version of one suite, after adding a
deb-src entry for debian.sources' archive when apt has none.

- python3.11, the source of /usr/bin/python3.11: bookworm's newest (not
  bookworm-security: the security suite's newest .dsc is not on the mirror);
- python3.13, from trixie (Debian 13), which bookworm does not have: the
  deb-src entry names the trixie suite of the same archive.  3.13.5 is the
  version to use: the newer ones sid lists answered 404 on this mirror.

Also run_logged, the one way both scripts run a step: output to a log file,
one progress line with the elapsed seconds."""

import os
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

DEBIAN_SOURCES = Path("/etc/apt/sources.list.d/debian.sources")


@dataclass(frozen=True)
class Source:
    """One Debian source package of CPython."""
    package: str            # python3.11
    folder: str             # what `apt-get source` unpacks: python3.11-3.11.2
    suite: str | None       # the suite to pin to; None: this machine's release
    deb_src_file: Path      # where the deb-src entry for that suite goes


SOURCES = {
    "3.11": Source("python3.11", "python3.11-3.11.2", None,
                   Path("/etc/apt/sources.list.d/optdemo-deb-src.sources")),
    "3.13": Source("python3.13", "python3.13-3.13.5", "trixie",
                   Path("/etc/apt/sources.list.d/optdemo-deb-src-trixie.sources")),
}


def source_folder(cache, source):
    return cache / "src" / source.folder


def read_source_version(source):
    """Debian's version of the unpacked source, from the first line of
    debian/changelog: `python3.11 (3.11.2-6+deb12u8) bookworm; ...`."""
    try:
        first_line = (source / "debian" / "changelog").read_text().split("\n", 1)[0]
    except OSError:
        return None
    if "(" not in first_line or ")" not in first_line:
        return None
    return first_line.split("(", 1)[1].split(")", 1)[0]


def debian_codename():
    """bookworm, from /etc/os-release."""
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("VERSION_CODENAME="):
                return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return "bookworm"


def source_suite(source):
    return source.suite or debian_codename()


def run_apt_cache_madison(package):
    """`apt-cache madison python3.11`: one line per version and suite, e.g.
    ` python3.11 | 3.11.2-6+deb12u8 | http://deb.debian.org/debian bookworm/main Sources`."""
    result = subprocess.run(["apt-cache", "madison", package],
                            capture_output=True, text=True)
    return result.stdout


def debian_version_newer(version, other):
    return subprocess.run(["dpkg", "--compare-versions", version, "gt", other]).returncode == 0


def pinned_source_version(madison_output, codename, package):
    """The newest version the release suite (`bookworm`, not
    `bookworm-security` or `bookworm-updates`) lists.  Returns (version,
    from_sources): from_sources is False when apt knows no deb-src entry yet
    and the version is the binary package's, which is the same in a release
    suite.  (None, False) when the suite has no such package at all."""
    versions = {"Sources": [], "Packages": []}
    for line in madison_output.splitlines():
        fields = [field.strip() for field in line.split("|")]
        if len(fields) != 3 or fields[0] != package:
            continue
        where = fields[2].split()            # URI, suite/component, [arch], kind
        if len(where) < 3 or where[1].split("/")[0] != codename or where[-1] not in versions:
            continue
        versions[where[-1]].append(fields[1])
    for kind in ("Sources", "Packages"):
        if versions[kind]:
            newest = versions[kind][0]
            for version in versions[kind][1:]:
                if debian_version_newer(version, newest):
                    newest = version
            return newest, kind == "Sources"
    return None, False


def deb_src_entry(sources_text, suite=None):
    """A deb-src stanza for each deb stanza of a deb822 .sources file: the
    same URIs, Suites, Components and Signed-By; with a suite, only the
    stanzas of the release archive (the one that lists `bookworm`), for that
    suite instead."""
    stanzas = []
    for block in sources_text.split("\n\n"):
        fields = {}
        for line in block.splitlines():
            if line.startswith("#") or ":" not in line:
                continue
            key, value = line.split(":", 1)
            fields[key.strip()] = value.strip()
        if "deb" not in fields.get("Types", "").split():
            continue
        if suite is not None:
            if debian_codename() not in fields.get("Suites", "").split():
                continue
            fields["Suites"] = suite
        lines = ["Types: deb-src"]
        lines += [f"{key}: {fields[key]}" for key in ("URIs", "Suites", "Components", "Signed-By")
                  if key in fields]
        stanzas.append("\n".join(lines))
    return "\n\n".join(stanzas) + "\n"


def source_fetch_commands(cache, source, version, needs_deb_src):
    """The shell commands that fetch the source, as text to print."""
    commands = []
    if needs_deb_src:
        entry = (deb_src_entry(DEBIAN_SOURCES.read_text(), source.suite)
                 if DEBIAN_SOURCES.exists() else "...")
        commands += [f"# as root: a deb-src entry for {DEBIAN_SOURCES}'s archive",
                     f"cat > {source.deb_src_file} <<'EOF'", *entry.splitlines(), "EOF",
                     "apt-get update"]
    commands += [f"mkdir -p {shlex.quote(str(cache / 'src'))}",
                 f"cd {shlex.quote(str(cache / 'src'))} && "
                 f"apt-get source {source.package}={version or 'VERSION'}"]
    return commands


def run_logged(step_label, command, cwd, log_path):
    """Run one command, its output appended to log_path; print one progress
    line with the elapsed seconds.  Returns (ok, seconds)."""
    print(f"{step_label} ...", end="", flush=True)
    started = time.monotonic()
    with open(log_path, "a") as log:
        log.write(f"\n$ cd {shlex.quote(str(cwd))} && {shlex.join(command)}\n")
        log.flush()
        try:
            returncode = subprocess.run(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL).returncode
        except OSError as error:
            log.write(f"{error}\n")
            returncode = 127
    seconds = time.monotonic() - started
    if returncode == 0:
        print(f" {seconds:.0f} s")
    else:
        print(f" FAILED after {seconds:.0f} s (exit {returncode}); see {log_path}")
    return returncode == 0, seconds


def ensure_source(cache, source, fetch, dry_run):
    """Make sure the source is unpacked in the cache.  Returns its version
    (the version it would have in a dry run), or None when it is missing."""
    folder = source_folder(cache, source)
    if (folder / "configure").exists():
        return read_source_version(folder) or "unknown"
    suite = source_suite(source)
    version, from_sources = pinned_source_version(run_apt_cache_madison(source.package),
                                                  suite, source.package)
    needs_deb_src = not from_sources
    if version is None and source.suite is None:
        print(f"error: apt knows no {source.package} in {suite}; is "
              f"{DEBIAN_SOURCES} there, and has `apt-get update` run?")
        return None
    if version is None:
        # Another release's suite: only its deb-src entry can tell the version.
        print(f"source: {folder} is missing; apt lists no {source.package} in {suite} "
              f"until {source.deb_src_file} is there")
        needs_deb_src = True
    else:
        print(f"source: {folder} is missing; {source.package} pinned to {version} "
              f"({suite}'s newest; a -security suite's newest .dsc is not on the mirror)")
    if dry_run or not fetch:
        print("  to fetch it:" if dry_run else "  fetch it with --fetch-source, or run:")
        for line in source_fetch_commands(cache, source, version, needs_deb_src):
            print(f"    {line}")
        return (version or "unknown") if dry_run else None
    if shutil.which("dpkg-source") is None:
        print("error: apt-get source needs dpkg-source: apt-get install dpkg-dev")
        return None
    logs = cache / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log_path = logs / "source.log"
    if needs_deb_src:
        if os.geteuid() != 0:
            print(f"error: apt has no deb-src entry; writing {source.deb_src_file} needs root")
            return None
        source.deb_src_file.write_text(deb_src_entry(DEBIAN_SOURCES.read_text(), source.suite))
        print(f"source: wrote {source.deb_src_file}")
        ok, _ = run_logged("source: apt-get update", ["apt-get", "update"], cache, log_path)
        if not ok:
            return None
        version, _ = pinned_source_version(run_apt_cache_madison(source.package), suite,
                                           source.package)
        if version is None:
            print(f"error: apt lists no {source.package} source in {suite}; see {log_path}")
            return None
    (cache / "src").mkdir(parents=True, exist_ok=True)
    command = ["apt-get", "source", f"{source.package}={version}"]
    ok, _ = run_logged("source: apt-get source", command, cache / "src", log_path)
    if not ok or not (folder / "configure").exists():
        print(f"error: no {folder / 'configure'} after apt-get source; see {log_path}")
        return None
    return read_source_version(folder) or version
