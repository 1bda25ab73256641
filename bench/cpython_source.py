"""Debian's python3.11 source for bench/cpython_builds.py: `apt-get source`
into the cache, pinned to the newest version of the release suite (bookworm,
not bookworm-security: the security suite's newest .dsc is not on the mirror),
after adding a deb-src entry for debian.sources' archive when apt has none.

Also run_logged, the one way both scripts run a step: output to a log file,
one progress line with the elapsed seconds."""

import os
import shlex
import shutil
import subprocess
import time
from pathlib import Path

SOURCE_PACKAGE = "python3.11"
SOURCE_FOLDER = "python3.11-3.11.2"      # what `apt-get source` unpacks
DEBIAN_SOURCES = Path("/etc/apt/sources.list.d/debian.sources")
DEB_SRC_FILE = Path("/etc/apt/sources.list.d/optdemo-deb-src.sources")


def source_folder(cache):
    return cache / "src" / SOURCE_FOLDER


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


def run_apt_cache_madison():
    """`apt-cache madison python3.11`: one line per version and suite, e.g.
    ` python3.11 | 3.11.2-6+deb12u8 | http://deb.debian.org/debian bookworm/main Sources`."""
    result = subprocess.run(["apt-cache", "madison", SOURCE_PACKAGE],
                            capture_output=True, text=True)
    return result.stdout


def debian_version_newer(version, other):
    return subprocess.run(["dpkg", "--compare-versions", version, "gt", other]).returncode == 0


def pinned_source_version(madison_output, codename):
    """The newest version the release suite (`bookworm`, not
    `bookworm-security` or `bookworm-updates`) lists.  Returns (version,
    from_sources): from_sources is False when apt knows no deb-src entry yet
    and the version is the binary package's, which is the same in a release
    suite.  (None, False) when the suite has no python3.11 at all."""
    versions = {"Sources": [], "Packages": []}
    for line in madison_output.splitlines():
        fields = [field.strip() for field in line.split("|")]
        if len(fields) != 3 or fields[0] != SOURCE_PACKAGE:
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


def deb_src_entry(sources_text):
    """A deb-src stanza for each deb stanza of a deb822 .sources file: the
    same URIs, Suites, Components and Signed-By."""
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
        lines = ["Types: deb-src"]
        lines += [f"{key}: {fields[key]}" for key in ("URIs", "Suites", "Components", "Signed-By")
                  if key in fields]
        stanzas.append("\n".join(lines))
    return "\n\n".join(stanzas) + "\n"


def source_fetch_commands(cache, version, needs_deb_src):
    """The shell commands that fetch the source, as text to print."""
    commands = []
    if needs_deb_src:
        entry = deb_src_entry(DEBIAN_SOURCES.read_text()) if DEBIAN_SOURCES.exists() else "..."
        commands += [f"# as root: a deb-src entry for {DEBIAN_SOURCES}'s archive",
                     f"cat > {DEB_SRC_FILE} <<'EOF'", *entry.splitlines(), "EOF",
                     "apt-get update"]
    commands += [f"mkdir -p {shlex.quote(str(cache / 'src'))}",
                 f"cd {shlex.quote(str(cache / 'src'))} && "
                 f"apt-get source {SOURCE_PACKAGE}={version}"]
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


def ensure_source(cache, fetch, dry_run):
    """Make sure the source is unpacked in the cache.  Returns its version
    (the version it would have in a dry run), or None when it is missing."""
    source = source_folder(cache)
    if (source / "configure").exists():
        return read_source_version(source) or "unknown"
    codename = debian_codename()
    version, from_sources = pinned_source_version(run_apt_cache_madison(), codename)
    if version is None:
        print(f"error: apt knows no {SOURCE_PACKAGE} in {codename}; is "
              f"{DEBIAN_SOURCES} there, and has `apt-get update` run?")
        return None
    needs_deb_src = not from_sources
    print(f"source: {source} is missing; {SOURCE_PACKAGE} pinned to {version} "
          f"({codename}'s newest; the -security suite's newest .dsc is not on the mirror)")
    if dry_run or not fetch:
        print("  to fetch it:" if dry_run else "  fetch it with --fetch-source, or run:")
        for line in source_fetch_commands(cache, version, needs_deb_src):
            print(f"    {line}")
        return version if dry_run else None
    if shutil.which("dpkg-source") is None:
        print("error: apt-get source needs dpkg-source: apt-get install dpkg-dev")
        return None
    logs = cache / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log_path = logs / "source.log"
    if needs_deb_src:
        if os.geteuid() != 0:
            print(f"error: apt has no deb-src entry; writing {DEB_SRC_FILE} needs root")
            return None
        DEB_SRC_FILE.write_text(deb_src_entry(DEBIAN_SOURCES.read_text()))
        print(f"source: wrote {DEB_SRC_FILE}")
        ok, _ = run_logged("source: apt-get update", ["apt-get", "update"], cache, log_path)
        if not ok:
            return None
        version, _ = pinned_source_version(run_apt_cache_madison(), codename)
    (cache / "src").mkdir(parents=True, exist_ok=True)
    command = ["apt-get", "source", f"{SOURCE_PACKAGE}={version}"]
    ok, _ = run_logged("source: apt-get source", command, cache / "src", log_path)
    if not ok or not (source / "configure").exists():
        print(f"error: no {source / 'configure'} after apt-get source; see {log_path}")
        return None
    return read_source_version(source) or version
