"""The programs the script-profiler benches run under `optdemo profile`: the
ones tests/test_cli_profile_script.py profiles (a planted hot function, the
planted pitfall, json.tool on a generated document, difflib's ndiff on two
generated files, a numpy polyfit loop), their inputs written to a folder,
and one helper to run the command and read its JSON report."""

import json
import os
import random
import subprocess
import sys

OPTDEMO = os.environ.get("OPTDEMO", "build/app/optdemo")
SOURCE_ROOT = os.environ.get(
    "OPTDEMO_SOURCE_ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPTS = os.path.join(SOURCE_ROOT, "tests", "scripts")
JSON_TOOL = "/usr/lib/python3.11/json/tool.py"

def programs(folder, records=40_000, lines=40_000, numpy=False):
    """{name: argv after `optdemo profile [options]`}, inputs written to folder
    with the tests' seeds.  The tests' ndiff files have 1500 lines: 15 ms, too
    short to time; 40,000 lines run ~0.3 s."""
    rng = random.Random(17)
    document = [{"id": i, "name": f"item{i}", "tags": [rng.choice("abcdef") for _ in range(5)],
                 "scores": {"x": rng.random(), "y": rng.randint(0, 1000)}}
                for i in range(records)]
    source = os.path.join(folder, "in.json")
    with open(source, "w", encoding="utf-8") as file:
        json.dump(document, file)
    rng = random.Random(3)
    words = ["alpha", "beta", "gamma", "delta", "omega", "sigma", "kappa"]
    text = [" ".join(rng.choice(words) for _ in range(8)) + "\n" for _ in range(lines)]
    changed = [line if rng.random() > 0.05 else line.upper() for line in text]
    for name, content in (("a.txt", text), ("b.txt", changed)):
        with open(os.path.join(folder, name), "w", encoding="utf-8") as file:
            file.writelines(content)
    result = {
        "hot_cold": [os.path.join(SCRIPTS, "hot_cold.py"), "400000"],
        "planted_pitfall": [os.path.join(SCRIPTS, "planted_pitfall.py")],
        "json.tool": [JSON_TOOL, source, os.path.join(folder, "out.json")],
        "difflib ndiff": [os.path.join(SCRIPTS, "ndiff_files.py"), os.path.join(folder, "a.txt"),
                          os.path.join(folder, "b.txt")],
    }
    if numpy:
        result["numpy polyfit"] = [os.path.join(SCRIPTS, "polyfit_loop.py")]
    return result


def run_profile(options, argv, json_path):
    """(the JSON report of `optdemo profile OPTIONS --json JSON_PATH ARGV` or
    None, whether its worker was killed by a signal).  The report of a
    command stopped early by a killed worker holds the runs made before it.
    Any other failure ends the bench.  The program's output is discarded."""
    if os.path.exists(json_path):
        os.unlink(json_path)
    done = subprocess.run([OPTDEMO, "profile", *options, "--json", json_path, *argv],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True)
    killed = [line for line in done.stderr.splitlines() if "killed by signal" in line]
    if done.returncode != 0 and not killed:
        raise SystemExit(f"optdemo profile {' '.join(options + argv)} exited "
                         f"{done.returncode}:\n{done.stderr}")
    if killed:
        print(f"  ({killed[0].strip()})", file=sys.stderr, flush=True)
    report = None
    if os.path.exists(json_path):
        with open(json_path, encoding="utf-8") as file:
            report = json.load(file)
    return report, bool(killed)


def profile(options, argv, json_path, attempts=5):
    """(the JSON report of a command that exited 0, the attempts before it
    whose worker was killed by a signal).  A killed worker is a bug (the
    sampler's walk once met half-made frames and crashed json.tool's worker
    now and then, until it was guarded, 2026-12-03); it is retried, up to
    `attempts` in all, and counted, so a bench still ends and says so."""
    for crashes in range(attempts):
        report, killed = run_profile(options, argv, json_path)
        if not killed:
            return report, crashes
    raise SystemExit(f"optdemo profile {' '.join(options + argv)}: {attempts} workers killed")


def load_average():
    return "/".join(f"{value:.2f}" for value in os.getloadavg())
