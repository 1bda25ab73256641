"""The line tracers' cost: optdemo's C tracer (_optdemo_host.line_profile,
what `optdemo profile` uses) against line_profiler (Debian's
python3-line-profiler), on the same functions: every pitfall's `before`
variant at its quick size.

Per workload the loop count is calibrated so the untraced calls last
MIN_SECONDS; then ROUNDS rounds, each timing the same loops untraced, under
optdemo's tracer, under line_profiler enabled once around the loop (its
cheapest use) and through its @profile wrapper (how kernprof users run
it), in an order that rotates from round to round.  Each traced time is
divided by the untraced time of its own round; the median of those ratios
is printed, with the smallest and largest.  The untraced loop is
_optdemo_host.time_calls, and every tracer's loop is that same C loop, so
the ratios differ only by the tracers.

It needs the optdemo host (the C tracer lives in it): run from
/usr/bin/python3.11, it re-runs itself under `$OPTDEMO python`.
    meson test -C build --benchmark line_tracer --verbose
"""

import math
import os
import statistics
import subprocess
import sys
import time
import types

MIN_SECONDS = 0.05   # untraced calls of one value last at least this long
ROUNDS = 5


def copy_of(function):
    """A second function object on the same code: line_profiler swaps the
    __code__ of a function it is given twice, and each of its modes gets
    a profiler of its own."""
    return types.FunctionType(function.__code__, function.__globals__, function.__name__,
                              function.__defaults__, function.__closure__)


def calibrate(host, function, data):
    loops = 1
    while host.time_calls(function, data, loops) < MIN_SECONDS:
        loops *= 2
    return loops


def measure(host, line_profiler, function, data, loops):
    """{mode: [traced / untraced, one per round]} for one function."""
    once_function, wrapped_function = copy_of(function), copy_of(function)
    once = line_profiler.LineProfiler()
    once.add_function(once_function)
    wrapper = line_profiler.LineProfiler()(wrapped_function)

    def untraced():
        return host.time_calls(function, data, loops)

    def optdemo():
        start = time.perf_counter()
        host.line_profile(function, data, loops)
        return time.perf_counter() - start

    def line_profiler_once():
        once.enable_by_count()
        try:
            return host.time_calls(once_function, data, loops)
        finally:
            once.disable_by_count()

    def line_profiler_wrapper():
        return host.time_calls(wrapper, data, loops)

    modes = {"untraced": untraced, "optdemo": optdemo, "line_profiler": line_profiler_once,
             "@profile": line_profiler_wrapper}
    names = list(modes)
    ratios = {name: [] for name in names[1:]}
    for round_index in range(ROUNDS):
        order = names[round_index % len(names):] + names[:round_index % len(names)]
        seconds = {name: modes[name]() for name in order}
        for name in ratios:
            ratios[name].append(seconds[name] / seconds["untraced"])
    if function.__code__ is not once_function.__code__:
        raise RuntimeError(f"{function.__name__}'s code object was replaced")
    return ratios


def describe(values):
    return f"{statistics.median(values):6.2f}x [{min(values):5.2f}-{max(values):5.2f}]"


def inside_the_host():
    import _optdemo_host as host
    import line_profiler
    from optdemo import workloads

    print(f"line tracers on the pitfalls' `before` at quick size; CPython "
          f"{sys.version.split()[0]}, line_profiler {line_profiler.__version__}")
    print(f"time traced / time untraced, the same loops (untraced >= {MIN_SECONDS * 1e3:.0f} ms),"
          f" median of {ROUNDS} interleaved rounds [min-max]\n")
    header = (f"{'workload':<16} {'loops':>7} {'untraced/call':>14}  {'optdemo C tracer':>23}  "
              f"{'line_profiler':>23}  {'line_profiler @profile':>23}  {'lp/optdemo':>10}")
    print(header)
    print("-" * len(header))
    medians = {"optdemo": [], "line_profiler": [], "@profile": []}
    for path in workloads.builtin_paths():
        module = workloads.load(path)
        if "before" in workloads.unavailable_variants(module):
            print(f"{module.ID:<16} unavailable here")
            continue
        data = module.setup(module.SIZES["quick"])
        loops = calibrate(host, module.before, data)
        per_call = host.time_calls(module.before, data, loops) / loops
        ratios = measure(host, line_profiler, module.before, data, loops)
        for name in medians:
            medians[name].append(statistics.median(ratios[name]))
        advantage = (statistics.median(ratios["line_profiler"])
                     / statistics.median(ratios["optdemo"]))
        print(f"{module.ID:<16} {loops:>7} {per_call * 1e6:>11.1f} us  "
              f"{describe(ratios['optdemo']):>23}  {describe(ratios['line_profiler']):>23}  "
              f"{describe(ratios['@profile']):>23}  {advantage:>9.2f}x", flush=True)
    print("-" * len(header))

    def geometric_mean(values):
        return math.exp(sum(math.log(value) for value in values) / len(values))

    print(f"{'geometric mean':<40}{geometric_mean(medians['optdemo']):>11.2f}x"
          f"{geometric_mean(medians['line_profiler']):>25.2f}x"
          f"{geometric_mean(medians['@profile']):>25.2f}x")
    print("\nA ratio of 1 is no overhead; lp/optdemo is line_profiler's ratio (enabled once) "
          "over optdemo's.")
    return 0


def main(argv):
    if "--inside" in argv:
        return inside_the_host()
    source_root = os.environ.get("OPTDEMO_SOURCE_ROOT",
                                 os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    optdemo = os.environ.get("OPTDEMO", os.path.join(source_root, "build", "app", "optdemo"))
    return subprocess.call([optdemo, "python", os.path.abspath(__file__), "--inside"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
