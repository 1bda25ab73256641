"""The article's claims, checked against what was measured in one run.

`optdemo claims` runs two measurements -- a growth sweep of the workloads
whose claim is an order of growth, and one size of the others -- on every
interpreter named, then calls report() with the two results files. Each
claim below reads those results and says, per interpreter, whether it holds
*here*, with the figure that decides. Nothing is taken from the article but
the claim itself.

Verdicts: "holds", "does not hold", "partly" (some of it holds),
"undecided" (the measurement could not tell: a speedup the statistics call
unclear, an order of growth whose CI reaches both n^1.3 and n^1.7), or "not
measured" with the reason (numpy missing on PyPy, say).  A verdict depends
only on the figures and their statistical verdicts, never on which
interpreter measured them: the same figure gets the same verdict on every
build.
"""

import json
import math
import shlex
from collections import namedtuple

HOLDS, FAILS, PARTLY, UNDECIDED, NOT_MEASURED = (
    "holds", "does not hold", "partly", "undecided", "not measured")

# A comparison's verdicts (optdemo run) that decide nothing.
UNDECIDED_SPEEDUPS = ("unclear", "too few values")

# Orders of growth, from the fitted exponent of time over n.
QUADRATIC_FROM = 1.7    # n^1.7 and above: quadratic for our purposes
LINEAR_UP_TO = 1.3      # up to n^1.3: linear

# A fitted exponent with its 95% CI (low and high are None when the sweep
# had too few sizes to resample).
Growth = namedtuple("Growth", "exponent low high")


def quadratic(growth):
    """At least n^1.7, or decidedly superlinear (its CI above n^1.3) with
    n^1.7 inside its CI: a noisy sweep does not turn n^2 into "linear"."""
    if growth.exponent >= QUADRATIC_FROM:
        return True
    return growth.low is not None and growth.low > LINEAR_UP_TO and growth.high >= QUADRATIC_FROM


def linear(growth):
    """At most n^1.3, or n^1.3 inside its CI and n^1.7 above it."""
    if growth.exponent <= LINEAR_UP_TO:
        return True
    return growth.low is not None and growth.low <= LINEAR_UP_TO and growth.high < QUADRATIC_FROM


def undecided(growth):
    """Neither quadratic nor linear: between them, or a CI reaching both."""
    return not quadratic(growth) and not linear(growth)


class Results:
    """The two results files of one `optdemo claims` run, and lookups."""

    def __init__(self, sweep, point):
        self.sweep = sweep
        self.point = point
        self.interpreters = [item["label"] for item in point["optdemo"]["interpreters"]]
        self.facts = {item["label"]: item.get("metadata") or {}
                      for item in point["optdemo"]["interpreters"]}

    def growth(self, interpreter, workload, variant):
        """The fitted exponent of variant's time over n with its CI (a
        Growth), or None."""
        for entry in self.sweep["optdemo"]["growth"]:
            if (entry["workload"], entry["variant"], entry.get("interpreter")) == (
                    workload, variant, interpreter) and entry.get("exponent") is not None:
                return Growth(entry["exponent"], entry.get("exponent_ci_low"),
                              entry.get("exponent_ci_high"))
        return None

    def variant(self, interpreter, workload, variant):
        """The summary of one variant in the single-size run, or None."""
        for summary in self.point["optdemo"]["workloads"]:
            if (summary["workload"], summary.get("interpreter")) == (workload, interpreter):
                for item in summary["variants"]:
                    if item["variant"] == variant:
                        return item
        return None

    def memory(self, interpreter, workload, variant):
        """The variant's tracemalloc peak in the single-size run, or None."""
        for bench in self.point["benchmarks"]:
            meta = bench["metadata"]
            if (meta["workload"], meta["variant"], meta.get("interpreter")) == (
                    workload, variant, interpreter):
                return meta.get("memory_peak")
        return None

    def implementation(self, interpreter):
        return self.facts[interpreter].get("python_implementation", "unknown")


def why_missing(item):
    """Why a variant has no figure: its status and detail."""
    if item is None:
        return "not run"
    return item.get("detail") or item["status"]


def speedup_of(results, interpreter, workload, variant):
    """(speedup, verdict) of a variant over before, or (None, why)."""
    item = results.variant(interpreter, workload, variant)
    if item is None or item["status"] != "ok" or "speedup" not in item:
        return None, why_missing(item)
    return item["speedup"], item["verdict"]


def growth_words(growth):
    if growth is None:
        return "not measured"
    if growth.low is None or growth.high is None:
        return f"n^{growth.exponent:.2f}"
    return f"n^{growth.exponent:.2f} [{growth.low:.2f}, {growth.high:.2f}]"


# --- the claims, one function each: (measured, verdict) ------------------------

def string_concat_quadratic(results, interpreter):
    before = results.growth(interpreter, "string_concat", "before")
    aliased = results.growth(interpreter, "string_concat", "before_aliased")
    if before is None:
        return "the sweep did not measure before", NOT_MEASURED
    measured = (f"s += piece grows as {growth_words(before)}; with a second reference "
                f"to s, {growth_words(aliased)}")
    if quadratic(before):
        return measured, HOLDS
    if undecided(before):
        return measured, UNDECIDED
    if aliased is not None and quadratic(aliased):
        return measured + ": in place while s has one reference, quadratic once aliased", PARTLY
    return measured, FAILS


def membership_linear_vs_constant(results, interpreter):
    # n lookups: O(n) each in a list is n^2 in all, O(1) in a set is n^1.
    before = results.growth(interpreter, "list_membership", "before")
    after = results.growth(interpreter, "list_membership", "after")
    if before is None or after is None:
        return "the sweep did not measure both", NOT_MEASURED
    measured = (f"n lookups grow as {growth_words(before)} in a list, "
                f"{growth_words(after)} with a set (n^2 and n^1 if the claim holds)")
    list_linear = quadratic(before)
    set_constant = linear(after)
    if list_linear and set_constant:
        return measured, HOLDS
    if undecided(before) or undecided(after):
        return measured, UNDECIDED
    return measured, PARTLY if list_linear or set_constant else FAILS


def pop_front_linear(results, interpreter):
    before = results.growth(interpreter, "queue_popleft", "before")
    after = results.growth(interpreter, "queue_popleft", "after")
    if before is None:
        return "the sweep did not measure before", NOT_MEASURED
    measured = (f"n pops grow as {growth_words(before)} with list.pop(0), "
                f"{growth_words(after)} with deque.popleft() (n^2 and n^1 if it holds)")
    if quadratic(before):
        return measured, HOLDS
    return measured, UNDECIDED if undecided(before) else FAILS


def numpy_100_to_1000(results, interpreter):
    speedup, verdict = speedup_of(results, interpreter, "numpy_vectorize", "after")
    if speedup is None:
        return f"NumPy not measured: {verdict}", NOT_MEASURED
    measured = f"NumPy {speedup:.0f}x faster than the loop ({verdict})"
    if verdict in UNDECIDED_SPEEDUPS:
        return measured, UNDECIDED
    if verdict != "faster":
        return measured, FAILS
    return measured, HOLDS if 100 <= speedup <= 1000 else PARTLY


def cache_helps(results, interpreter):
    speedup, verdict = speedup_of(results, interpreter, "caching", "after")
    if speedup is None:
        return f"not measured: {verdict}", NOT_MEASURED
    measured = f"functools.cache {speedup:.2f}x faster ({verdict})"
    if verdict in UNDECIDED_SPEEDUPS:
        return measured, UNDECIDED
    return measured, HOLDS if verdict == "faster" else FAILS


def slots_save_memory(results, interpreter):
    plain = results.memory(interpreter, "slots_memory", "before")
    slotted = results.memory(interpreter, "slots_memory", "after")
    if not plain or slotted is None:
        return "no memory figures (tracemalloc missing, or --no-memory)", NOT_MEASURED
    saving = 1 - slotted / plain
    measured = f"__slots__ saves {100 * saving:.0f}% of the peak memory"
    if 0.40 <= saving <= 0.50:
        return measured, HOLDS
    return measured, PARTLY if saving > 0.2 else FAILS


def slots_faster_access(results, interpreter):
    speedup, verdict = speedup_of(results, interpreter, "slots_access", "after")
    if speedup is None:
        return f"not measured: {verdict}", NOT_MEASURED
    measured = f"reading slotted attributes {speedup:.2f}x as fast ({verdict})"
    if verdict == "faster" and 1.10 <= speedup <= 1.25:
        return measured, HOLDS
    if verdict == "faster":
        return measured + (": more than claimed" if speedup > 1.25 else ": less"), PARTLY
    return measured, UNDECIDED if verdict in UNDECIDED_SPEEDUPS else FAILS


def local_binding_small(results, interpreter):
    speedup, verdict = speedup_of(results, interpreter, "global_lookup", "after")
    if speedup is None:
        return f"not measured: {verdict}", NOT_MEASURED
    measured = f"binding math.sqrt to a local: {speedup:.2f}x ({verdict})"
    if verdict == "faster":
        return measured, HOLDS if speedup <= 1.3 else FAILS
    if verdict in UNDECIDED_SPEEDUPS:
        return measured, UNDECIDED
    # the same within the margin: no gain this run can show, small or not
    return measured, PARTLY if verdict == "same" else FAILS


HOT_SPOT_SHARE = 0.8   # "most of the gain": at least 80% of the time compiling saves


def hot_spot_is_enough(results, interpreter):
    """The article's rule for the last weapons, "target only the hot spots":
    caching's pure function compiled alone by mypyc (mypyc_hot: the loop that
    calls it stays interpreted) against the loop compiled with it (mypyc).
    The gain is the time saved over before; the claim holds when the hot
    function alone saves at least HOT_SPOT_SHARE of what the whole saves."""
    whole, whole_verdict = speedup_of(results, interpreter, "caching", "mypyc")
    hot, hot_verdict = speedup_of(results, interpreter, "caching", "mypyc_hot")
    if whole is None or hot is None:
        return (f"not measured: mypyc {whole_verdict if whole is None else 'ok'}, "
                f"mypyc_hot {hot_verdict if hot is None else 'ok'}"), NOT_MEASURED
    measured = (f"collatz_steps compiled alone: {hot:.2f}x ({hot_verdict}); with the loop "
                f"that calls it: {whole:.2f}x ({whole_verdict})")
    if whole_verdict in UNDECIDED_SPEEDUPS or hot_verdict in UNDECIDED_SPEEDUPS:
        return measured, UNDECIDED
    if whole_verdict != "faster":
        return measured + ": compiling gained nothing here to share", FAILS
    share = (1 - 1 / hot) / (1 - 1 / whole)
    measured += f"; the hot function alone saves {100 * share:.0f}% of the time the whole saves"
    if share >= HOT_SPOT_SHARE:
        return measured, HOLDS
    return measured, PARTLY if share >= 0.5 else FAILS


PURE_PYTHON_BEFORES = ["caching", "global_lookup", "numpy_vectorize", "slots_access",
                       "slots_memory"]


def pypy_5_to_10(results, interpreter):
    """Relative: PyPy against the first CPython of the run, on the plain
    Python loops (every workload's before)."""
    if results.implementation(interpreter) != "pypy":
        return "only for a PyPy interpreter", NOT_MEASURED
    cpythons = [label for label in results.interpreters
                if results.implementation(label) == "cpython"]
    if not cpythons:
        return "no CPython in this run to compare with", NOT_MEASURED
    ratios = []
    for workload in PURE_PYTHON_BEFORES:
        there = results.variant(cpythons[0], workload, "before")
        here = results.variant(interpreter, workload, "before")
        if there and here and "median" in there and "median" in here:
            ratios.append(there["median"] / here["median"])
    if not ratios:
        return "no before measured on both", NOT_MEASURED
    mean = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
    measured = (f"{mean:.1f}x faster than {cpythons[0]} on {len(ratios)} plain Python "
                f"loops (geometric mean; {min(ratios):.1f}x to {max(ratios):.1f}x)")
    if 5 <= mean <= 10:
        return measured, HOLDS
    return measured, PARTLY if mean > 1 else FAILS


# --- free-threading: a free-threaded build against its GIL twin ----------------

SINGLE_THREAD_LOSS = (0.05, 0.10)   # the article: "5~10% loss on single-thread"
BIG_WIN = 1.5                        # N >= 2 threads at least 1.5x as fast as one


def configure_options(facts):
    """The build's configure options without those a free-threaded twin
    differs by (--disable-gil) or that only say where it is installed
    (--prefix=...), as a list; None when the metadata does not say."""
    text = facts.get("python_config_args")
    if not isinstance(text, str):
        return None
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    options, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif word == "--prefix":
            skip = True
        elif word != "--disable-gil" and not word.startswith("--prefix="):
            options.append(word)
    return options


def free_threaded(facts):
    return facts.get("free_threaded") is True


def twins(results, interpreter):
    """The interpreters of the run that are `interpreter`'s twin: CPython of
    the same major.minor and configure options (--disable-gil and --prefix
    aside), one free-threaded and the other not."""
    mine = results.facts[interpreter]
    found = []
    for label in results.interpreters:
        other = results.facts[label]
        if (label != interpreter and results.implementation(label) == "cpython"
                and free_threaded(other) != free_threaded(mine)
                and minor_version(other) == minor_version(mine)
                and configure_options(other) is not None
                and configure_options(other) == configure_options(mine)):
            found.append(label)
    return found


def minor_version(facts):
    return ".".join(str(facts.get("python_version", "?")).split(".")[:2])


def twin_pair(results, interpreter):
    """(free-threaded, GIL twin) labels, or (None, why the run has no pair)."""
    facts = results.facts[interpreter]
    if results.implementation(interpreter) != "cpython":
        return None, "only CPython has free-threaded builds"
    version = minor_version(facts)
    found = twins(results, interpreter)
    if free_threaded(facts):
        if found:
            return (interpreter, found[0]), None
        return None, (f"no GIL build of CPython {version} configured like {interpreter} in "
                      f"this run to compare with (measure both, e.g. --interpreter "
                      f"python{version} --interpreter python{version}t)")
    if found:
        return (found[0], interpreter), None
    return None, (f"{interpreter} has a GIL and this run has no free-threaded CPython {version} "
                  f"configured like it (measure both, e.g. --interpreter python{version} "
                  f"--interpreter python{version}t)")


def gil_reenabled(results, interpreter):
    facts = results.facts[interpreter]
    return free_threaded(facts) and facts.get("gil_enabled") is True


THREADS_NOT_MEASURED = ("threads not measured (`optdemo claims` measures it when two or more "
                        "interpreters are named)")


def quartile_ratio(here, there):
    """here's median over there's, and the range the quartiles allow."""
    ratio = here["median"] / there["median"]
    low = here.get("q1", here["median"]) / there.get("q3", there["median"])
    high = here.get("q3", here["median"]) / there.get("q1", there["median"])
    return ratio, low, high


def free_threading_single_thread_loss(results, interpreter):
    """One thread (threads' before) on the free-threaded build against its
    GIL twin: the claim is a 5-10% loss.  Two interpreters' medians, so the
    noise is judged from their quartiles: a ratio outside the band whose
    quartile range still reaches it is undecided."""
    pair, missing = twin_pair(results, interpreter)
    if pair is None:
        return missing, NOT_MEASURED
    free, gil = pair
    here = results.variant(free, "threads", "before")
    there = results.variant(gil, "threads", "before")
    if here is None and there is None:
        return THREADS_NOT_MEASURED, NOT_MEASURED
    if not here or not there or "median" not in here or "median" not in there:
        return (f"threads' before not measured on both: {why_missing(here)} on {free}, "
                f"{why_missing(there)} on {gil}"), NOT_MEASURED
    ratio, low, high = quartile_ratio(here, there)
    change = ratio - 1
    measured = (f"one thread {100 * abs(change):.0f}% {'slower' if change >= 0 else 'faster'} "
                f"on {free} than on its GIL twin {gil} (quartiles allow {low:.2f}x to "
                f"{high:.2f}x)")
    if gil_reenabled(results, free):
        measured += f"; {free}'s GIL was re-enabled at run time"
    smallest, largest = SINGLE_THREAD_LOSS
    if 1 + smallest <= ratio <= 1 + largest:
        return measured, HOLDS
    if low <= 1 + largest and high >= 1 + smallest:
        return measured, UNDECIDED
    if ratio > 1 + largest:
        return measured + ": a larger loss than claimed", PARTLY
    if low > 1:
        return measured + ": a smaller loss than claimed", PARTLY
    return measured, FAILS


def thread_count(item):
    """N from the threads variant's note ("2 threads: ..."), or "N"."""
    note = (item or {}).get("note") or ""
    first = note.split(" ", 1)[0]
    return first if first.isdigit() else "N"


def free_threading_multi_thread_gain(results, interpreter):
    """N threads against one (threads' after over before) on the
    free-threaded build, beside the same ratio on its GIL twin: big wins
    when at least BIG_WIN x and decidedly faster, where the GIL twin's
    threads are not (that would be no GIL's doing)."""
    pair, missing = twin_pair(results, interpreter)
    alone = pair is None and free_threaded(results.facts[interpreter]) \
        and results.implementation(interpreter) == "cpython"
    if pair is None and not alone:
        return missing, NOT_MEASURED
    free, gil = pair if pair is not None else (interpreter, None)
    if gil_reenabled(results, free):
        return (f"{free}'s GIL was re-enabled at run time (by an import of a module not "
                f"declared free-threading safe, or -X gil=1): its threads took turns"), NOT_MEASURED
    item = results.variant(free, "threads", "after")
    speedup, verdict = speedup_of(results, free, "threads", "after")
    if speedup is None:
        reason = THREADS_NOT_MEASURED if item is None else f"not measured: {verdict}"
        return reason + (f"; {missing}" if missing else ""), NOT_MEASURED
    measured = (f"{thread_count(item)} threads {speedup:.2f}x as fast as one on {free} "
                f"({verdict})")
    twin_speedup = None
    if gil is not None:
        twin_speedup, twin_verdict = speedup_of(results, gil, "threads", "after")
        measured += (f"; {twin_speedup:.2f}x on its GIL twin {gil} ({twin_verdict})"
                     if twin_speedup is not None else f"; not measured on {gil}: {twin_verdict}")
    else:
        measured += f"; {missing}"
    if verdict in UNDECIDED_SPEEDUPS:
        return measured, UNDECIDED
    if verdict != "faster":
        return measured, FAILS
    if speedup < BIG_WIN:
        return measured + f": a gain, under {BIG_WIN}x", PARTLY
    if twin_speedup is not None and twin_speedup >= BIG_WIN:
        return measured + ": threads scale with the GIL too", PARTLY
    return measured, HOLDS


CLAIMS = [
    ("string_concat", "`s += t` in a loop is quadratic", string_concat_quadratic),
    ("list_membership", "`x in list` is O(n), `x in set` is O(1)", membership_linear_vs_constant),
    ("queue_popleft", "`list.pop(0)` is O(n)", pop_front_linear),
    ("numpy_vectorize", "NumPy is 100x to 1000x faster than a Python loop", numpy_100_to_1000),
    ("caching", "functools.cache removes the recomputation", cache_helps),
    ("slots_memory", "`__slots__` saves 40-50% of memory", slots_save_memory),
    ("slots_access", "`__slots__` makes attribute access 10-25% faster", slots_faster_access),
    ("global_lookup", "binding a global to a local is a small gain", local_binding_small),
    ("caching", "Compile only the hot spots: the hot function alone gets most of the gain",
     hot_spot_is_enough),
    ("pypy", "PyPy is 5-10x faster than CPython on pure Python", pypy_5_to_10),
    ("threads", "Free-threaded CPython loses 5-10% on a single thread",
     free_threading_single_thread_loss),
    ("threads", "Free-threaded CPython: big wins on multi-thread",
     free_threading_multi_thread_gain),
]


def evaluate(sweep, point):
    """[{interpreter, description, claims: [{workload, claim, measured, verdict}]}]"""
    results = Results(sweep, point)
    report = []
    for interpreter in results.interpreters:
        facts = results.facts[interpreter]
        rows = []
        for workload, claim, check in CLAIMS:
            measured, verdict = check(results, interpreter)
            rows.append({"workload": workload, "claim": claim, "measured": measured,
                         "verdict": verdict})
        report.append({
            "interpreter": interpreter,
            "description": " ".join(str(facts.get(key, "")) for key in
                                    ("python_implementation", "python_version", "python_build")
                                    ).strip(),
            "claims": rows,
        })
    return report


def format_text(report):
    lines = []
    for build in report:
        lines.append(f"\nthe article's claims on {build['interpreter']} ({build['description']}):")
        for row in build["claims"]:
            lines.append(f"  {row['verdict']:<13}  {row['claim']}")
            lines.append(f"  {'':<13}  measured: {row['measured']}")
    return "\n".join(lines)


def format_markdown(report):
    lines = ["# The article's claims, measured", ""]
    for build in report:
        lines += [f"## {build['interpreter']} ({build['description']})", "",
                  "| claim | measured here | verdict |", "|---|---|---|"]
        lines += [f"| {row['claim']} | {row['measured']} | {row['verdict']} |"
                  for row in build["claims"]]
        lines.append("")
    return "\n".join(lines)


def report(sweep_path, point_path):
    """(text, markdown, json text) from the two results files of a run."""
    with open(sweep_path, encoding="utf-8") as file:
        sweep = json.load(file)
    with open(point_path, encoding="utf-8") as file:
        point = json.load(file)
    evaluated = evaluate(sweep, point)
    return format_text(evaluated), format_markdown(evaluated), json.dumps(
        {"claims": evaluated}, indent=1)
