"""How long a class takes to grade: 100 submissions to the print_queue lab,
`optdemo lab check --jobs N` over the folder, as a teacher would run it.

The class is made up so that it looks like a real one: 60 correct
solutions (the reference rewritten six ways), 25 correct but slow ones
(the starter's list.pop(0)), 10 wrong ones, 3 that raise and 2 that loop
forever (each costs the --timeout, 10 s by default). Prints the wall time,
submissions per minute, each verdict's count and the slowest checks.

First, what the sandbox costs: --startup N single checks of one correct
solution with the bubblewrap sandbox and N with --no-sandbox, alternating:
the median time from starting the solution's worker to its first answer
(lab check's "worker_startup") and the median whole check, each way.

    /usr/bin/python3.11 bench/bench_grading.py [--jobs 2] [--quick] [--startup 10] [--keep DIR]
"""

import argparse
import collections
import json
import os
import shutil
import subprocess
import tempfile
import time

SOURCE_ROOT = os.environ.get(
    "OPTDEMO_SOURCE_ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OPTDEMO = os.environ.get("OPTDEMO", os.path.join(SOURCE_ROOT, "build", "app", "optdemo"))
LAB = "print_queue"

CORRECT = [
    """from collections import deque
def print_order(jobs, pages_per_turn):
    queue = deque((name, pages) for name, pages in jobs)
    done = []
    while queue:
        name, pages = queue.popleft()
        if pages > pages_per_turn:
            queue.append((name, pages - pages_per_turn))
        else:
            done.append(name)
    return done
""",
    """import collections
def print_order(jobs, pages_per_turn):
    waiting = collections.deque()
    for job in jobs:
        waiting.append(list(job))
    order = []
    while waiting:
        job = waiting.popleft()
        job[1] -= pages_per_turn
        if job[1] > 0:
            waiting.append(job)
        else:
            order.append(job[0])
    return order
""",
    """def print_order(jobs, pages_per_turn):
    queue = [[name, pages] for name, pages in jobs]
    head = 0
    finished = []
    while head < len(queue):
        name, pages = queue[head]
        head += 1
        if pages > pages_per_turn:
            queue.append([name, pages - pages_per_turn])
        else:
            finished.append(name)
    return finished
""",
]
# The lab's own starter: correct, and slow.
with open(os.path.join(SOURCE_ROOT, "pyscripts", "labs", LAB, "starter.py"), encoding="utf-8") as f:
    SLOW = f.read()
WRONG = """from collections import deque
def print_order(jobs, pages_per_turn):
    queue = deque((name, pages) for name, pages in jobs)
    done = []
    while queue:
        name, pages = queue.popleft()
        if pages >= pages_per_turn and pages != pages_per_turn + 0 * {seed}:
            queue.appendleft((name, pages - pages_per_turn))
        else:
            done.append(name)
    return done
"""
RAISES = """def print_order(jobs, pages_per_turn):
    return sorted(jobs)[{seed}][0]
"""
LOOPS = """def print_order(jobs, pages_per_turn):
    while True:
        pass
"""


def make_class(folder):
    """100 submissions, student_000.py to student_099.py, shuffled by kind:
    {path: the verdict its kind should get}."""
    # (source, the verdict its kind should get)
    sources = []
    for i in range(60):
        sources.append((f"# student variant {i}\n" + CORRECT[i % len(CORRECT)], "pass"))
    sources += [(f"# student {i}\n" + SLOW, "too slow") for i in range(25)]
    sources += [(WRONG.replace("{seed}", str(i)), "wrong") for i in range(10)]
    sources += [(RAISES.replace("{seed}", str(i + 10**6)), "error") for i in range(3)]
    sources += [(f"# student {i}\n" + LOOPS, "timed out") for i in range(2)]
    order = sorted(range(len(sources)), key=lambda i: (i * 37) % len(sources))
    expected = {}
    for number, index in enumerate(order):
        path = os.path.join(folder, f"student_{number:03d}.py")
        source, verdict = sources[index]
        with open(path, "w", encoding="utf-8") as stream:
            stream.write(source)
        expected[path] = verdict
    return expected


def median(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def sandbox_cost(folder, count, quick):
    """Single checks of one correct solution, sandboxed and not, in turn:
    {mode: ([worker start-up seconds], [check seconds])}."""
    solution = os.path.join(folder, "one_correct.py")
    with open(solution, "w", encoding="utf-8") as stream:
        stream.write(CORRECT[0])
    measured = {"sandbox": ([], []), "no sandbox": ([], [])}
    for _ in range(count):
        for mode, extra in (("sandbox", []), ("no sandbox", ["--no-sandbox"])):
            path = os.path.join(folder, "one.json")
            subprocess.run([OPTDEMO, "lab", "check", "--json", path] + extra
                           + (["--quick"] if quick else []) + [LAB, solution],
                           capture_output=True, check=False)
            with open(path, encoding="utf-8") as stream:
                (result,) = json.load(stream)["results"]
            measured[mode][0].append(result["worker_startup"])
            measured[mode][1].append(result["duration"])
    return measured


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--quick", action="store_true", help="lab check --quick")
    parser.add_argument("--keep", help="write the class and its results here")
    parser.add_argument("--startup", type=int, default=10, metavar="N",
                        help="single checks with and without the sandbox first (0: none)")
    args = parser.parse_args()
    folder = args.keep or tempfile.mkdtemp(prefix="optdemo-class.")
    os.makedirs(folder, exist_ok=True)
    try:
        if args.startup > 0:
            measured = sandbox_cost(folder, args.startup, args.quick)
            for mode, (startups, durations) in measured.items():
                print(f"{mode:>10}: worker start-up median {1000 * median(startups):.0f} ms "
                      f"[{1000 * min(startups):.0f}-{1000 * max(startups):.0f}], one check "
                      f"median {median(durations):.2f} s "
                      f"[{min(durations):.2f}-{max(durations):.2f}] ({args.startup} checks)")
            difference = (median(measured["sandbox"][0])
                          - median(measured["no sandbox"][0]))
            print(f"  the sandbox adds {1000 * difference:.0f} ms to a worker's start "
                  "(median against median)")
        expected = make_class(folder)
        paths = list(expected)
        results_path = os.path.join(folder, "grades.json")
        command = [OPTDEMO, "lab", "check", "--jobs", str(args.jobs), "--json", results_path,
                   "--csv", os.path.join(folder, "grades.csv")]
        command += ["--quick"] if args.quick else []
        started = time.monotonic()
        done = subprocess.run(command + [LAB] + paths, capture_output=True, text=True)
        seconds = time.monotonic() - started
        with open(results_path, encoding="utf-8") as stream:
            results = json.load(stream)["results"]
        verdicts = collections.Counter(result["verdict"] for result in results)
        durations = sorted(result.get("duration", 0) for result in results)
        print(f"{len(results)} submissions to {LAB}, --jobs {args.jobs}"
              f"{' --quick' if args.quick else ''}, on {os.cpu_count()} CPUs: "
              f"{seconds:.0f} s ({60 * len(results) / seconds:.1f} submissions per minute); "
              f"exit {done.returncode}")
        print("  verdicts: " + ", ".join(f"{count} {verdict}"
                                         for verdict, count in verdicts.most_common()))
        misjudged = [result for result in results
                     if result["verdict"] != expected[result["solution"]]]
        print(f"  the verdict of its kind: {len(results) - len(misjudged)} of {len(results)}")
        for result in misjudged:
            print(f"    {os.path.basename(result['solution'])}: {result['verdict']}, "
                  f"not {expected[result['solution']]} ({result.get('detail') or 'no detail'})")
        retimed = sum(1 for result in results if result.get("timing", {}).get("retimed"))
        print(f"  timed twice (a near miss of a speed target): {retimed}")
        print(f"  one check: median {durations[len(durations) // 2]:.1f} s, "
              f"slowest {durations[-1]:.1f} s (a loop forever costs the 10 s timeout)")
        print(f"  load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print("reproduce: /usr/bin/python3.11 bench/bench_grading.py --jobs "
              f"{args.jobs}{' --quick' if args.quick else ''}")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
