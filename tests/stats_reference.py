"""Reference values for tests/test_stats*.c, computed by numpy and scipy.

Run at build time by meson (tests/meson.build) with the interpreter the
project names (/usr/bin/python3.11): it writes a C header of data sets and
the values numpy/scipy give for them, which the cmocka test compares with
app/stats*.c.  The data are drawn from a seeded generator, so the header is
the same on every run with the same numpy.

Usage: stats_reference.py OUTPUT.h
"""
import sys

import numpy as np
import scipy
import scipy.stats

QUANTILE_LEVELS = [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0]


def times(rng, n, scale=1e-3, spread=0.2):
    """n positive values shaped like timings: log-normal around `scale`."""
    return scale * rng.lognormal(mean=0.0, sigma=spread, size=n)


def make_datasets(rng):
    """(name, values) pairs: every size 1..40 plus awkward shapes."""
    datasets = []
    for n in range(1, 41):
        values = times(rng, n)
        if n % 3 == 0:
            # Coarse clock: rounding to 4 significant digits makes ties.
            values = np.round(values, 4)
            datasets.append((f"rounded_{n}", values))
        else:
            datasets.append((f"lognormal_{n}", values))
    datasets.append(("all_equal_1", np.full(1, 0.25)))
    datasets.append(("all_equal_7", np.full(7, 3.5)))
    datasets.append(("all_equal_8", np.full(8, 0.1)))
    datasets.append(("two_values", np.array([2.0, 1.0])))
    datasets.append(("half_tied", np.array([1.0, 1.0, 1.0, 2.0, 3.0, 3.0])))
    datasets.append(("negative_and_positive", rng.normal(0.0, 5.0, 17)))
    # A large offset with tiny noise: the naive one-pass variance fails here.
    datasets.append(("large_offset", 1e6 + rng.normal(0.0, 1e-3, 12)))
    datasets.append(("outlier", np.array([1.0, 1.1, 0.9, 1.05, 0.95, 50.0])))
    return datasets


def summary(values):
    """The fields of struct stats_summary, as numpy/scipy compute them."""
    q1, q3 = np.quantile(values, [0.25, 0.75])
    return {
        "min": np.min(values),
        "max": np.max(values),
        "mean": np.mean(values),
        # stats.h: sd is 0, not NaN, for a single value.
        "sd": np.std(values, ddof=1) if len(values) > 1 else 0.0,
        "median": np.median(values),
        "q1": q1,
        "q3": q3,
        "iqr": q3 - q1,
        "mad": scipy.stats.median_abs_deviation(values, scale=1.0),
    }


def distinct(rng, n, shift=0.0):
    """n values that tie with nothing (continuous draws)."""
    return times(rng, n) * (1.0 + shift)


def make_mwu_cases(rng):
    """(name, a, b) pairs covering scipy's exact and asymptotic regimes."""
    cases = []
    # Exact regime: no ties and min(na, nb) <= 8.
    for na, nb in [(1, 1), (1, 5), (2, 3), (3, 3), (4, 7), (5, 5), (7, 7),
                   (8, 8), (8, 9), (9, 8), (3, 40), (8, 40), (40, 1), (6, 15),
                   (5, 200), (200, 8)]:
        cases.append((f"exact_{na}x{nb}", distinct(rng, na),
                      distinct(rng, nb, shift=0.1)))
    # Exact regime, completely separated samples: the smallest p possible.
    cases.append(("exact_separated_5x5", np.arange(1.0, 6.0),
                  np.arange(6.0, 11.0)))
    cases.append(("exact_separated_8x8_reversed", np.arange(9.0, 17.0),
                  np.arange(1.0, 9.0)))
    # Exact regime, identical interleaving: U == na nb / 2, p == 1 after clip.
    cases.append(("exact_middle_4x4", np.array([1.0, 4.0, 5.0, 8.0]),
                  np.array([2.0, 3.0, 6.0, 7.0])))
    # Asymptotic regime: both sizes above 8.
    for na, nb in [(9, 9), (10, 12), (20, 20), (40, 40), (15, 33)]:
        cases.append((f"normal_{na}x{nb}", distinct(rng, na),
                      distinct(rng, nb, shift=0.05)))
    cases.append(("normal_separated_30x30", distinct(rng, 30),
                  distinct(rng, 30, shift=3.0)))
    # Ties force the normal approximation even for small samples.
    for na, nb in [(2, 2), (3, 5), (7, 7), (8, 9), (12, 10), (40, 40)]:
        a = np.round(times(rng, na), 4)
        b = np.round(times(rng, nb), 4)
        b[0] = a[0]  # at least one tie between the samples
        cases.append((f"ties_{na}x{nb}", a, b))
    cases.append(("ties_within_a", np.array([1.0, 1.0, 2.0]),
                  np.array([3.0, 4.0, 5.0, 6.0])))
    # Every value equal: p is 1.
    cases.append(("all_equal_1x1", np.array([2.0]), np.array([2.0])))
    cases.append(("all_equal_5x7", np.full(5, 0.5), np.full(7, 0.5)))
    cases.append(("all_equal_20x20", np.full(20, 0.5), np.full(20, 0.5)))
    # Identical samples (many ties) and one sample repeated.
    same = distinct(rng, 12)
    cases.append(("identical_12x12", same, same.copy()))
    # Exact in scipy, but binom(2008, 8) exceeds 64 bits: stats.c falls back
    # to the normal approximation (documented in stats.h), checked as such.
    cases.append(("fallback_8x2000", distinct(rng, 8),
                  distinct(rng, 2000, shift=0.1)))
    return cases


# Sizes for stats_mann_whitney_min_p: every pair of these, both regimes
# (exact while min(na, nb) <= 8, normal approximation beyond) and the
# boundary between them at 8 and 9.
MIN_P_SIZES = [1, 2, 3, 4, 5, 6, 8, 9, 10, 15, 40]


def separated_min_p(na, nb):
    """scipy's p for completely separated samples (every a above every b),
    the smallest p the test can give for these sizes."""
    b = np.arange(1.0, nb + 1.0)
    a = np.arange(nb + 1.0, nb + na + 1.0)
    return float(scipy.stats.mannwhitneyu(a, b).pvalue)


def has_ties(values):
    return len(np.unique(values)) != len(values)


def c_array(name, values):
    body = ", ".join(repr(float(v)) for v in values)
    return f"static const double {name}[] = {{ {body} }};\n"


def write_header(out):
    rng = np.random.default_rng(20240611)
    out.write("/* Generated by tests/stats_reference.py with numpy "
              f"{np.__version__} and scipy {scipy.__version__}: do not edit.\n"
              " * Reference values for tests/test_stats*.c. */\n")
    out.write("#include <stddef.h>\n\n")
    levels = ", ".join(repr(q) for q in QUANTILE_LEVELS)
    out.write(f"#define REF_QUANTILE_COUNT {len(QUANTILE_LEVELS)}\n")
    out.write(f"static const double ref_quantile_levels[] = {{ {levels} }};\n\n")
    out.write("struct ref_dataset {\n"
              "    const char *name;\n"
              "    const double *x;\n"
              "    size_t n;\n"
              "    double quantile[REF_QUANTILE_COUNT];\n"
              "    double min, max, mean, sd, median, q1, q3, iqr, mad;\n"
              "};\n\n")
    out.write("struct ref_mwu {\n"
              "    const char *name;\n"
              "    const double *a;\n"
              "    size_t na;\n"
              "    const double *b;\n"
              "    size_t nb;\n"
              "    double u, p;  /* scipy.stats.mannwhitneyu(a, b) */\n"
              "    int exact;    /* 1 when scipy used the exact distribution */\n"
              "};\n\n")
    out.write("struct ref_min_p {\n"
              "    size_t na, nb;\n"
              "    double p;  /* mannwhitneyu's p for separated samples */\n"
              "};\n\n")

    datasets = make_datasets(rng)
    rows = []
    for index, (name, values) in enumerate(datasets):
        array = f"ref_data_{index}"
        out.write(c_array(array, values))
        quantiles = ", ".join(repr(float(q))
                              for q in np.quantile(values, QUANTILE_LEVELS))
        fields = summary(values)
        named = ", ".join(f".{key} = {float(value)!r}"
                          for key, value in fields.items())
        rows.append(f'    {{ "{name}", {array}, {len(values)}, '
                    f"{{ {quantiles} }}, {named} }},\n")
    out.write("\nstatic const struct ref_dataset ref_datasets[] = {\n")
    out.writelines(rows)
    out.write("};\n\n")

    rows = []
    for index, (name, a, b) in enumerate(make_mwu_cases(rng)):
        out.write(c_array(f"ref_mwu_a_{index}", a))
        out.write(c_array(f"ref_mwu_b_{index}", b))
        both = np.concatenate([a, b])
        exact = int(not (len(a) > 8 and len(b) > 8) and not has_ties(both))
        # The regime each case claims must be the one scipy used.
        assert name.startswith(("exact", "fallback")) == bool(exact), name
        if name.startswith("fallback"):
            result = scipy.stats.mannwhitneyu(a, b, method="asymptotic")
            exact = 0
        else:
            result = scipy.stats.mannwhitneyu(a, b)
        rows.append(f'    {{ "{name}", ref_mwu_a_{index}, {len(a)}, '
                    f"ref_mwu_b_{index}, {len(b)}, "
                    f"{float(result.statistic)!r}, {float(result.pvalue)!r}, "
                    f"{exact} }},\n")
    out.write("\nstatic const struct ref_mwu ref_mwu_cases[] = {\n")
    out.writelines(rows)
    out.write("};\n")

    out.write("\nstatic const struct ref_min_p ref_min_p_cases[] = {\n")
    for na in MIN_P_SIZES:
        for nb in MIN_P_SIZES:
            out.write(f"    {{ {na}, {nb}, {separated_min_p(na, nb)!r} }},\n")
    out.write("};\n")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1], "w") as out:
        write_header(out)


if __name__ == "__main__":
    main()
