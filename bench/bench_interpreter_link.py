"""How much slower is the embedded interpreter than /usr/bin/python3.11,
for a host linked to the static libpython3.11.a (PGO) and to the shared
libpython3.11.so (no PGO)?

The same statements, the same loop counts, `HOST python -m timeit` for each
host against `/usr/bin/python3.11 -m timeit`, interleaved round by round
(the order rotates every round).  Prints each statement's ratio to
python3.11 and the geometric mean per host, and the command to reproduce.

    /usr/bin/python3.11 bench/bench_interpreter_link.py \\
        --host static=build-cmds/app/optdemo --host shared=build-cmds-shared/app/optdemo
    # or let it build a missing host (meson setup + ninja in the folder given):
    /usr/bin/python3.11 bench/bench_interpreter_link.py \\
        --host static=build/app/optdemo --build shared=/tmp/optdemo-shared
"""

import argparse
import math
import os
import subprocess

from timeit_runs import SOURCE_ROOT, TIMEIT_STATEMENTS, best_per_loop, calibrate, timeit_command



def named_path(text):
    name, _, path = text.partition("=")
    if not name or not path:
        raise argparse.ArgumentTypeError("expected NAME=PATH, e.g. shared=build-shared/app/optdemo")
    return name, path


def build_host(link, folder):
    """Configure and build optdemo with -Dlibpython=LINK in `folder`."""
    if not os.path.exists(os.path.join(folder, "build.ninja")):
        subprocess.run(["meson", "setup", folder, SOURCE_ROOT, f"-Dlibpython={link}",
                        "-Dtests=disabled"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["ninja", "-C", folder, "app/optdemo"], check=True, stdout=subprocess.DEVNULL)
    return os.path.join(folder, "app", "optdemo")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", action="append", type=named_path, default=[],
                        metavar="NAME=PATH", help="an optdemo executable to measure")
    parser.add_argument("--build", action="append", type=named_path, default=[],
                        metavar="LINK=FOLDER", help="build a host with -Dlibpython=LINK there")
    parser.add_argument("--python", default="/usr/bin/python3.11")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--value-seconds", type=float, default=0.05)
    options = parser.parse_args()

    hosts = list(options.host)
    for link, folder in options.build:
        print(f"building the {link} host in {folder} ...", flush=True)
        hosts.append((link, build_host(link, folder)))
    if not hosts:
        parser.error("give at least one --host NAME=PATH or --build LINK=FOLDER")

    runners = [("python3.11", [options.python, "-m", "timeit"])] + [
        (name, [path, "python", "-m", "timeit"]) for name, path in hosts]
    print(f"HOST python -m timeit vs {options.python} -m timeit; {options.rounds} rounds, "
          f"order rotating; best of {options.repeat} values of ~{options.value_seconds * 1000:.0f}"
          f" ms; load average {os.getloadavg()[0]:.2f}")
    rows = []
    for stmt, setup in TIMEIT_STATEMENTS:
        loops = calibrate([options.python, "-m", "timeit"], setup, stmt, options.value_seconds)
        best = {name: math.inf for name, _ in runners}
        for round_number in range(options.rounds):
            shift = round_number % len(runners)
            for name, prefix in runners[shift:] + runners[:shift]:
                value = best_per_loop(timeit_command(prefix, setup, stmt, loops, options.repeat))
                best[name] = min(best[name], value)
        rows.append((stmt, best))

    names = [name for name, _ in hosts]
    width = max(len(stmt) for stmt, _ in rows)
    header = f"{'statement':<{width}}  {'python3.11':>10}" + "".join(
        f"  {name:>10}  {'ratio':>6}" for name in names)
    print("\n" + header)
    for stmt, best in rows:
        line = f"{stmt:<{width}}  {best['python3.11'] * 1e9:>7.1f} ns"
        for name in names:
            line += f"  {best[name] * 1e9:>7.1f} ns  {best[name] / best['python3.11']:>5.2f}x"
        print(line)
    line = f"{'geometric mean':<{width}}  {'':>10}"
    for name in names:
        ratios = [best[name] / best["python3.11"] for _, best in rows]
        mean = math.exp(sum(map(math.log, ratios)) / len(ratios))
        line += f"  {'':>10}  {mean:>5.2f}x"
    print(line)
    print("\nratio = host's best / python3.11's best (above 1: the host is slower)")
    host_args = " ".join(f"--host {name}={path}" for name, path in hosts)
    print(f"reproduce: /usr/bin/python3.11 bench/bench_interpreter_link.py {host_args} "
          f"--rounds {options.rounds}")


if __name__ == "__main__":
    main()
