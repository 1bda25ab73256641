/* test_stats_compare.c: unit tests of app/stats/stats_compare.c.  Mann-Whitney is
 * compared with scipy values written at build time by
 * tests/stats_reference.py into stats_reference.h (relative tolerance 1e-9);
 * the bootstrap, whose random draws are our own, is tested for the
 * properties a CI must have. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stats.h"
#include "stats_reference.h"
#include "stats_checks.h"

/* ---- inputs are read-only, invalid ones refused -------------------------- */

/* The other half of test_stats.c's test_inputs_are_not_modified: a and b
 * are read, never sorted in place. */
static void
test_comparisons_do_not_modify_inputs(void **state)
{
    (void)state;
    const double original[] = {5.0, 1.0, 4.0, 2.0, 3.0, 9.0, 0.5};
    double a[COUNT(original)], b[COUNT(original)];
    double u, p, low, high;

    memcpy(a, original, sizeof a);
    memcpy(b, original, sizeof b);
    for (size_t i = 0; i < COUNT(b); i++) {
        b[i] = b[i] * 2.0;
    }
    assert_int_equal(stats_mann_whitney(a, COUNT(a), b, COUNT(b), &u, &p),
                     STATS_OK);
    assert_int_equal(stats_bootstrap_ratio_ci(a, COUNT(a), b, COUNT(b), true,
                                              200, 0.95, 1, &low, &high),
                     STATS_OK);
    const size_t groups[] = {3, 1, 3};
    assert_int_equal(stats_bootstrap_ratio_ci_grouped(a, b, groups, COUNT(groups),
                                                      200, 0.95, 1, &low, &high),
                     STATS_OK);
    assert_memory_equal(a, original, sizeof a);
    for (size_t i = 0; i < COUNT(b); i++) {
        assert_true(b[i] == original[i] * 2.0);
    }
}

static void
test_comparisons_refuse_invalid_inputs(void **state)
{
    (void)state;
    const double good[] = {1.0, 2.0, 3.0};
    const double with_nan[] = {1.0, NAN, 3.0};
    const double with_inf[] = {1.0, INFINITY, 3.0};
    const double with_zero[] = {1.0, 0.0, 3.0};
    double u = -1.0, p = -1.0, low = -1.0, high = -1.0;

    assert_int_equal(stats_mann_whitney(good, 0, good, 3, &u, &p), STATS_EINVAL);
    assert_int_equal(stats_mann_whitney(good, 3, good, 0, &u, &p), STATS_EINVAL);
    assert_int_equal(stats_mann_whitney(with_nan, 3, good, 3, &u, &p),
                     STATS_EINVAL);
    assert_true(u == -1.0 && p == -1.0);

    /* paired needs equal sizes; resamples >= 1; 0 < confidence < 1; times
     * are finite and positive */
    assert_int_equal(stats_bootstrap_ratio_ci(good, 3, good, 2, true, 100, 0.95,
                                              1, &low, &high), STATS_EINVAL);
    assert_int_equal(stats_bootstrap_ratio_ci(good, 3, good, 3, false, 0, 0.95,
                                              1, &low, &high), STATS_EINVAL);
    assert_int_equal(stats_bootstrap_ratio_ci(good, 3, good, 3, false, 100, 1.0,
                                              1, &low, &high), STATS_EINVAL);
    assert_int_equal(stats_bootstrap_ratio_ci(good, 3, good, 3, false, 100, 0.0,
                                              1, &low, &high), STATS_EINVAL);
    assert_int_equal(stats_bootstrap_ratio_ci(good, 3, with_zero, 3, false, 100,
                                              0.95, 1, &low, &high),
                     STATS_EINVAL);
    assert_int_equal(stats_bootstrap_ratio_ci(with_inf, 3, good, 3, false, 100,
                                              0.95, 1, &low, &high),
                     STATS_EINVAL);
    assert_int_equal(stats_bootstrap_ratio_ci(good, 0, good, 0, false, 100,
                                              0.95, 1, &low, &high),
                     STATS_EINVAL);
    assert_true(low == -1.0 && high == -1.0);
}

/* ---- Mann-Whitney U against scipy ---------------------------------------- */

static void
test_mann_whitney_matches_scipy(void **state)
{
    (void)state;
    for (size_t c = 0; c < COUNT(ref_mwu_cases); c++) {
        const struct ref_mwu *test = &ref_mwu_cases[c];
        double u, p;
        assert_int_equal(stats_mann_whitney(test->a, test->na, test->b,
                                            test->nb, &u, &p), STATS_OK);
        check_close("U", test->name, u, test->u, 0.0);
        check_close("p", test->name, p, test->p, 0.0);
        assert_true(p >= 0.0 && p <= 1.0);
    }
}

static void
test_mann_whitney_is_symmetric(void **state)
{
    (void)state;
    for (size_t c = 0; c < COUNT(ref_mwu_cases); c++) {
        const struct ref_mwu *test = &ref_mwu_cases[c];
        double u_ab, p_ab, u_ba, p_ba;
        assert_int_equal(stats_mann_whitney(test->a, test->na, test->b,
                                            test->nb, &u_ab, &p_ab), STATS_OK);
        assert_int_equal(stats_mann_whitney(test->b, test->nb, test->a,
                                            test->na, &u_ba, &p_ba), STATS_OK);
        /* U1 + U2 == na nb, and a two-sided p cannot depend on the order */
        assert_true(u_ab + u_ba == (double)test->na * (double)test->nb);
        check_close("p swapped", test->name, p_ba, p_ab, 0.0);
    }
}

static void
test_mann_whitney_all_equal_gives_p_one(void **state)
{
    (void)state;
    const double a[] = {0.5, 0.5, 0.5};
    const double b[] = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
    double u, p;

    for (size_t na = 1; na <= COUNT(a); na++) {
        for (size_t nb = 1; nb <= COUNT(b); nb++) {
            assert_int_equal(stats_mann_whitney(a, na, b, nb, &u, &p), STATS_OK);
            assert_true(p == 1.0);
            assert_true(u == (double)(na * nb) / 2.0);
        }
    }
}

/* n consecutive integers from first: no ties, and two runs that do not
 * overlap are completely separated samples. */
static void
consecutive(double first, double *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        out[i] = first + (double)i;
    }
}

static void
test_mann_whitney_min_p_matches_scipy(void **state)
{
    (void)state;
    double low[40], high[40];
    char name[32];

    for (size_t c = 0; c < COUNT(ref_min_p_cases); c++) {
        const struct ref_min_p *test = &ref_min_p_cases[c];
        double min_p = stats_mann_whitney_min_p(test->na, test->nb);
        snprintf(name, sizeof name, "separated_%zux%zu", test->na, test->nb);
        check_close("min p", name, min_p, test->p, 0.0);

        /* and to the bit what stats_mann_whitney says about such samples,
         * whichever side lies above */
        double u, p;
        assert_true(test->na <= COUNT(high) && test->nb <= COUNT(low));
        consecutive(1.0, low, test->nb);
        consecutive(1.0 + (double)test->nb, high, test->na);
        assert_int_equal(stats_mann_whitney(high, test->na, low, test->nb, &u,
                                            &p), STATS_OK);
        assert_memory_equal(&p, &min_p, sizeof p);
        consecutive(1.0, low, test->na);
        consecutive(1.0 + (double)test->na, high, test->nb);
        assert_int_equal(stats_mann_whitney(low, test->na, high, test->nb, &u,
                                            &p), STATS_OK);
        assert_memory_equal(&p, &min_p, sizeof p);
    }
}

static void
test_mann_whitney_min_p_says_when_alpha_is_out_of_reach(void **state)
{
    (void)state;
    /* exact regime: 2 / binom(na + nb, na), clipped to 1 */
    assert_true(stats_mann_whitney_min_p(1, 1) == 1.0);
    assert_true(fabs(stats_mann_whitney_min_p(4, 4) - 2.0 / 70.0) < 1e-15);
    assert_true(fabs(stats_mann_whitney_min_p(5, 5) - 2.0 / 252.0) < 1e-15);
    assert_true(fabs(stats_mann_whitney_min_p(3, 7) - 2.0 / 120.0) < 1e-15);
    /* the harness's question at alpha = 0.01: 4 against 4 cannot get there,
     * 5 against 5 can */
    assert_true(stats_mann_whitney_min_p(4, 4) >= 0.01);
    assert_true(stats_mann_whitney_min_p(5, 5) < 0.01);
    /* Within a regime more values can only help.  Not across the border:
     * the normal approximation is more cautious than the exact count, so 9
     * against 9 (approximate) can do less than 8 against 9 (exact), in
     * scipy as here (both sizes are in the scipy grid above). */
    for (size_t na = 1; na <= 12; na++) {
        for (size_t nb = 1; nb < 12; nb++) {
            bool crosses_border = na > 8 && nb == 8;
            if (!crosses_border) {
                assert_true(stats_mann_whitney_min_p(na, nb + 1)
                            <= stats_mann_whitney_min_p(na, nb));
            }
            assert_true(stats_mann_whitney_min_p(na, nb)
                        == stats_mann_whitney_min_p(nb, na));
        }
    }
    assert_true(stats_mann_whitney_min_p(9, 9) > stats_mann_whitney_min_p(8, 9));
    assert_true(isnan(stats_mann_whitney_min_p(0, 5)));
    assert_true(isnan(stats_mann_whitney_min_p(5, 0)));
}

/* ---- bootstrap ----------------------------------------------------------- */

/* n timing-like values: median * exp(sigma * N(0, 1)), by Box-Muller. */
static void
lognormal_times(struct stats_rng *rng, double median, double sigma,
                double *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double u1 = 1.0 - stats_rng_uniform(rng);  /* in (0, 1] */
        double u2 = stats_rng_uniform(rng);
        double normal = sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
        out[i] = median * exp(sigma * normal);
    }
}

static double
point_ratio(const double *a, size_t na, const double *b, size_t nb)
{
    return stats_median(a, na) / stats_median(b, nb);
}

static void
test_bootstrap_is_deterministic(void **state)
{
    (void)state;
    struct stats_rng rng;
    double a[30], b[30];
    double low1, high1, low2, high2;
    bool any_seed_differs = false;

    stats_rng_seed(&rng, 7);
    lognormal_times(&rng, 1.0, 0.2, a, COUNT(a));
    lognormal_times(&rng, 0.8, 0.2, b, COUNT(b));
    for (int paired = 0; paired <= 1; paired++) {
        assert_int_equal(stats_bootstrap_ratio_ci(a, 30, b, 30, paired, 1000,
                                                  0.95, 42, &low1, &high1), 0);
        assert_int_equal(stats_bootstrap_ratio_ci(a, 30, b, 30, paired, 1000,
                                                  0.95, 42, &low2, &high2), 0);
        assert_memory_equal(&low1, &low2, sizeof low1);
        assert_memory_equal(&high1, &high2, sizeof high1);
        for (uint64_t seed = 43; seed < 48; seed++) {
            assert_int_equal(stats_bootstrap_ratio_ci(a, 30, b, 30, paired,
                                                      1000, 0.95, seed, &low2,
                                                      &high2), 0);
            any_seed_differs = any_seed_differs || low2 != low1 || high2 != high1;
        }
    }
    /* the seed is used at all */
    assert_true(any_seed_differs);
}

static void
test_bootstrap_contains_point_estimate(void **state)
{
    (void)state;
    struct stats_rng rng;
    double a[40], b[40], low, high;
    const size_t sizes[] = {3, 5, 10, 20, 40};

    stats_rng_seed(&rng, 11);
    for (size_t s = 0; s < COUNT(sizes); s++) {
        size_t n = sizes[s];
        lognormal_times(&rng, 2.0, 0.3, a, n);
        lognormal_times(&rng, 1.0, 0.3, b, n);
        double point = point_ratio(a, n, b, n);
        for (int paired = 0; paired <= 1; paired++) {
            assert_int_equal(stats_bootstrap_ratio_ci(a, n, b, n, paired, 2000,
                                                      0.95, 5 + s, &low, &high),
                             STATS_OK);
            assert_true(low <= point && point <= high);
            assert_true(low < high);
        }
    }
}

static void
test_bootstrap_single_round_is_a_point(void **state)
{
    (void)state;
    const double a[] = {3.0}, b[] = {1.5};
    double low, high;

    /* one value per side: every resample is the data, the CI is the ratio */
    assert_int_equal(stats_bootstrap_ratio_ci(a, 1, b, 1, true, 100, 0.95, 3,
                                              &low, &high), STATS_OK);
    assert_true(low == 2.0 && high == 2.0);
    assert_int_equal(stats_bootstrap_ratio_ci(a, 1, b, 1, false, 1, 0.5, 3,
                                              &low, &high), STATS_OK);
    assert_true(low == 2.0 && high == 2.0);
}

static void
test_bootstrap_narrows_with_more_data(void **state)
{
    (void)state;
    struct stats_rng rng;
    enum { large = 80, small = 8 };
    double a[large], b[large];
    double low_small, high_small, low_large, high_large;

    stats_rng_seed(&rng, 2024);
    lognormal_times(&rng, 1.0, 0.25, a, large);
    lognormal_times(&rng, 0.9, 0.25, b, large);
    for (int paired = 0; paired <= 1; paired++) {
        assert_int_equal(stats_bootstrap_ratio_ci(a, small, b, small, paired,
                                                  2000, 0.95, 9, &low_small,
                                                  &high_small), STATS_OK);
        assert_int_equal(stats_bootstrap_ratio_ci(a, large, b, large, paired,
                                                  2000, 0.95, 9, &low_large,
                                                  &high_large), STATS_OK);
        /* 10x the data: the width should shrink by about sqrt(10) */
        assert_true(high_large - low_large < 0.6 * (high_small - low_small));
    }
    /* and a lower confidence gives a narrower interval on the same data */
    double low90, high90;
    assert_int_equal(stats_bootstrap_ratio_ci(a, large, b, large, false, 2000,
                                              0.90, 9, &low90, &high90), 0);
    assert_true(low90 >= low_large && high90 <= high_large);
}

static void
test_bootstrap_separates_different_distributions(void **state)
{
    (void)state;
    struct stats_rng rng;
    double a[25], b[25], low, high;

    /* b twice as fast as a: the speedup CI lies well above 1, around 2 */
    stats_rng_seed(&rng, 99);
    lognormal_times(&rng, 2.0, 0.1, a, COUNT(a));
    lognormal_times(&rng, 1.0, 0.1, b, COUNT(b));
    for (int paired = 0; paired <= 1; paired++) {
        assert_int_equal(stats_bootstrap_ratio_ci(a, 25, b, 25, paired, 2000,
                                                  0.95, 1, &low, &high), 0);
        assert_true(low > 1.0);
        assert_true(low < 2.0 && 2.0 < high);
    }
    /* and the reverse comparison lies below 1 */
    assert_int_equal(stats_bootstrap_ratio_ci(b, 25, a, 25, false, 2000, 0.95,
                                              1, &low, &high), 0);
    assert_true(high < 1.0);
}

static void
test_bootstrap_identical_samples_contain_one(void **state)
{
    (void)state;
    struct stats_rng rng;
    double a[25], b[25], low, high;

    stats_rng_seed(&rng, 5);
    lognormal_times(&rng, 1.0, 0.2, a, COUNT(a));
    /* the very same values, resampled independently */
    assert_int_equal(stats_bootstrap_ratio_ci(a, 25, a, 25, false, 2000, 0.95,
                                              8, &low, &high), 0);
    assert_true(low < 1.0 && 1.0 < high);
    /* paired on the same values: every resampled ratio is exactly 1 */
    assert_int_equal(stats_bootstrap_ratio_ci(a, 25, a, 25, true, 500, 0.95, 8,
                                              &low, &high), 0);
    assert_true(low == 1.0 && high == 1.0);
    /* two draws from one distribution */
    lognormal_times(&rng, 1.0, 0.2, b, COUNT(b));
    assert_int_equal(stats_bootstrap_ratio_ci(a, 25, b, 25, false, 2000, 0.95,
                                              8, &low, &high), 0);
    assert_true(low < 1.0 && 1.0 < high);
}

static void
test_bootstrap_pairing_cancels_shared_drift(void **state)
{
    (void)state;
    struct stats_rng rng;
    enum { rounds = 30 };
    double drift[rounds], noise_a[rounds], noise_b[rounds];
    double a[rounds], b[rounds];
    double low_paired, high_paired, low_unpaired, high_unpaired;

    /* Each round's machine state scales both variants alike (spread 50%);
     * the variants' own noise is 2%.  Pairing should see through the drift. */
    stats_rng_seed(&rng, 31);
    lognormal_times(&rng, 1.0, 0.5, drift, rounds);
    lognormal_times(&rng, 1.0, 0.02, noise_a, rounds);
    lognormal_times(&rng, 1.0, 0.02, noise_b, rounds);
    for (size_t i = 0; i < rounds; i++) {
        a[i] = 1.5 * drift[i] * noise_a[i];
        b[i] = 1.0 * drift[i] * noise_b[i];
    }
    assert_int_equal(stats_bootstrap_ratio_ci(a, rounds, b, rounds, true, 2000,
                                              0.95, 4, &low_paired,
                                              &high_paired), 0);
    assert_int_equal(stats_bootstrap_ratio_ci(a, rounds, b, rounds, false, 2000,
                                              0.95, 4, &low_unpaired,
                                              &high_unpaired), 0);
    assert_true(high_paired - low_paired < high_unpaired - low_unpaired);
}

/* ---- grouped (two-stage) bootstrap --------------------------------------- */

static void
test_grouped_bootstrap_with_one_group_is_the_paired_one(void **state)
{
    (void)state;
    struct stats_rng rng;
    double a[30], b[30];
    const size_t sizes[] = {1, 2, 3, 10, 30};

    stats_rng_seed(&rng, 17);
    lognormal_times(&rng, 1.2, 0.2, a, COUNT(a));
    lognormal_times(&rng, 1.0, 0.2, b, COUNT(b));
    for (size_t s = 0; s < COUNT(sizes); s++) {
        for (uint64_t seed = 1; seed <= 4; seed++) {
            size_t n = sizes[s];
            double low_paired, high_paired, low_grouped, high_grouped;
            assert_int_equal(stats_bootstrap_ratio_ci(a, n, b, n, true, 999,
                                                      0.9, seed, &low_paired,
                                                      &high_paired), STATS_OK);
            assert_int_equal(stats_bootstrap_ratio_ci_grouped(a, b, &n, 1, 999,
                                                              0.9, seed,
                                                              &low_grouped,
                                                              &high_grouped),
                             STATS_OK);
            /* bit-identical, as stats.h promises */
            assert_memory_equal(&low_paired, &low_grouped, sizeof low_paired);
            assert_memory_equal(&high_paired, &high_grouped, sizeof high_paired);
        }
    }
}

static void
test_grouped_bootstrap_is_deterministic(void **state)
{
    (void)state;
    struct stats_rng rng;
    double a[24], b[24];
    const size_t groups[] = {6, 2, 9, 7};  /* unequal on purpose */
    double low1, high1, low2, high2;
    bool any_seed_differs = false;

    stats_rng_seed(&rng, 8);
    lognormal_times(&rng, 1.0, 0.2, a, COUNT(a));
    lognormal_times(&rng, 0.8, 0.2, b, COUNT(b));
    assert_int_equal(stats_bootstrap_ratio_ci_grouped(a, b, groups,
                                                      COUNT(groups), 1000, 0.95,
                                                      42, &low1, &high1), 0);
    assert_int_equal(stats_bootstrap_ratio_ci_grouped(a, b, groups,
                                                      COUNT(groups), 1000, 0.95,
                                                      42, &low2, &high2), 0);
    assert_memory_equal(&low1, &low2, sizeof low1);
    assert_memory_equal(&high1, &high2, sizeof high1);
    for (uint64_t seed = 43; seed < 48; seed++) {
        assert_int_equal(stats_bootstrap_ratio_ci_grouped(a, b, groups,
                                                          COUNT(groups), 1000,
                                                          0.95, seed, &low2,
                                                          &high2), 0);
        any_seed_differs = any_seed_differs || low2 != low1 || high2 != high1;
    }
    assert_true(any_seed_differs);
    double point = point_ratio(a, COUNT(a), b, COUNT(b));
    assert_true(low1 <= point && point <= high1 && low1 < high1);
}

static void
test_grouped_bootstrap_refuses_invalid_inputs(void **state)
{
    (void)state;
    const double good[] = {1.0, 2.0, 3.0, 4.0};
    const double with_zero[] = {1.0, 2.0, 0.0, 4.0};
    const double with_negative[] = {1.0, -2.0, 3.0, 4.0};
    const double with_nan[] = {1.0, 2.0, 3.0, NAN};
    const size_t groups[] = {2, 2};
    const size_t empty_group[] = {2, 0, 2};
    double low = -1.0, high = -1.0;

    /* no groups; a group with no pairs */
    assert_int_equal(stats_bootstrap_ratio_ci_grouped(good, good, groups, 0, 100,
                                                      0.95, 1, &low, &high),
                     STATS_EINVAL);
    assert_int_equal(stats_bootstrap_ratio_ci_grouped(good, good, empty_group,
                                                      COUNT(empty_group), 100,
                                                      0.95, 1, &low, &high),
                     STATS_EINVAL);
    /* times are finite and > 0, in a and in b */
    assert_int_equal(stats_bootstrap_ratio_ci_grouped(good, with_zero, groups, 2,
                                                      100, 0.95, 1, &low, &high),
                     STATS_EINVAL);
    assert_int_equal(stats_bootstrap_ratio_ci_grouped(with_negative, good, groups,
                                                      2, 100, 0.95, 1, &low,
                                                      &high), STATS_EINVAL);
    assert_int_equal(stats_bootstrap_ratio_ci_grouped(with_nan, good, groups, 2,
                                                      100, 0.95, 1, &low, &high),
                     STATS_EINVAL);
    /* 0 < confidence < 1, resamples >= 1 */
    const double bad_confidence[] = {0.0, 1.0, -0.5, 1.5, NAN};
    for (size_t c = 0; c < COUNT(bad_confidence); c++) {
        assert_int_equal(stats_bootstrap_ratio_ci_grouped(good, good, groups, 2,
                                                          100, bad_confidence[c],
                                                          1, &low, &high),
                         STATS_EINVAL);
    }
    assert_int_equal(stats_bootstrap_ratio_ci_grouped(good, good, groups, 2, 0,
                                                      0.95, 1, &low, &high),
                     STATS_EINVAL);
    assert_true(low == -1.0 && high == -1.0);  /* untouched on failure */
    /* and the same arguments with valid values do succeed */
    assert_int_equal(stats_bootstrap_ratio_ci_grouped(good, good, groups, 2, 100,
                                                      0.95, 1, &low, &high),
                     STATS_OK);
    assert_true(low == 1.0 && high == 1.0);  /* a == b, pair by pair */
}

enum { group_count = 5, per_group = 5, grouped_pairs = group_count * per_group };

/* Pairs from group_count worker processes of per_group rounds each: a is
 * 1.5 times b, times group_shift[g] in process g, and each value carries its
 * own 1% noise. */
static void
grouped_times(struct stats_rng *rng, const double *group_shift,
              double *a, double *b)
{
    double noise_a[grouped_pairs], noise_b[grouped_pairs];

    lognormal_times(rng, 1.0, 0.01, noise_a, grouped_pairs);
    lognormal_times(rng, 1.0, 0.01, noise_b, grouped_pairs);
    for (size_t i = 0; i < grouped_pairs; i++) {
        a[i] = 1.5 * group_shift[i / per_group] * noise_a[i];
        b[i] = noise_b[i];
    }
}

static void
test_grouped_bootstrap_widens_with_between_process_shift(void **state)
{
    (void)state;
    const double shift[group_count] = {0.9, 1.1, 1.0, 0.95, 1.05};
    const size_t groups[group_count] = {per_group, per_group, per_group,
                                        per_group, per_group};
    struct stats_rng rng;
    double a[grouped_pairs], b[grouped_pairs];
    double low_grouped, high_grouped, low_paired, high_paired;

    /* Each process moves the ratio by up to 10%, the values within it by 1%:
     * the 25 pairs are really 5 observations of the process effect.  The
     * paired bootstrap takes them as 25 independent rounds; the grouped one
     * resamples the processes too and should be clearly wider (1.6 to 2.3
     * times over 20 seeds when this test was written). */
    stats_rng_seed(&rng, 3);
    grouped_times(&rng, shift, a, b);
    assert_int_equal(stats_bootstrap_ratio_ci_grouped(a, b, groups, group_count,
                                                      4000, 0.95, 12,
                                                      &low_grouped,
                                                      &high_grouped), 0);
    assert_int_equal(stats_bootstrap_ratio_ci(a, grouped_pairs, b,
                                              grouped_pairs, true, 4000, 0.95,
                                              12, &low_paired, &high_paired), 0);
    assert_true(high_grouped - low_grouped > 1.4 * (high_paired - low_paired));
    double point = point_ratio(a, grouped_pairs, b, grouped_pairs);
    assert_true(low_grouped <= point && point <= high_grouped);
    assert_true(low_paired <= point && point <= high_paired);
}

static void
test_grouped_bootstrap_identical_groups_match_paired(void **state)
{
    (void)state;
    const double no_shift[group_count] = {1.0, 1.0, 1.0, 1.0, 1.0};
    const size_t groups[group_count] = {per_group, per_group, per_group,
                                        per_group, per_group};
    struct stats_rng rng;
    double a[grouped_pairs], b[grouped_pairs];
    double low_grouped, high_grouped, low_paired, high_paired;

    /* Every process measured the very same pairs: drawing a process and then
     * per_group pairs within it is drawing per_group of those pairs, so both
     * bootstraps draw grouped_pairs pairs uniformly from the same per_group
     * pairs and differ only by their random draws. */
    stats_rng_seed(&rng, 21);
    grouped_times(&rng, no_shift, a, b);
    for (size_t i = per_group; i < grouped_pairs; i++) {
        a[i] = a[i % per_group];
        b[i] = b[i % per_group];
    }
    assert_int_equal(stats_bootstrap_ratio_ci_grouped(a, b, groups, group_count,
                                                      4000, 0.95, 6,
                                                      &low_grouped,
                                                      &high_grouped), 0);
    assert_int_equal(stats_bootstrap_ratio_ci(a, grouped_pairs, b,
                                              grouped_pairs, true, 4000, 0.95, 6,
                                              &low_paired, &high_paired), 0);
    assert_true(fabs(low_grouped - low_paired) < 0.05 * (high_paired - low_paired));
    assert_true(fabs(high_grouped - high_paired)
                < 0.05 * (high_paired - low_paired));

    /* Processes that differ only by chance (independent values, no shift):
     * the grouped interval is no narrower and at most somewhat wider, since
     * within-process noise is sampled at both stages (1.06 to 1.7 times over
     * 20 seeds when this test was written). */
    grouped_times(&rng, no_shift, a, b);
    assert_int_equal(stats_bootstrap_ratio_ci_grouped(a, b, groups, group_count,
                                                      4000, 0.95, 6,
                                                      &low_grouped,
                                                      &high_grouped), 0);
    assert_int_equal(stats_bootstrap_ratio_ci(a, grouped_pairs, b,
                                              grouped_pairs, true, 4000, 0.95, 6,
                                              &low_paired, &high_paired), 0);
    double widening = (high_grouped - low_grouped) / (high_paired - low_paired);
    assert_true(widening > 0.9 && widening < 1.8);
    double point = point_ratio(a, grouped_pairs, b, grouped_pairs);
    assert_true(low_grouped <= point && point <= high_grouped);
}

static void
test_grouped_bootstrap_handles_unequal_groups(void **state)
{
    (void)state;
    struct stats_rng rng;
    double a[12], b[12], low, high;
    /* one lone value and one big process: a resample that draws the big one
     * twice holds 22 pairs, more than the 12 there are */
    const size_t groups[] = {1, 11};

    stats_rng_seed(&rng, 40);
    lognormal_times(&rng, 2.0, 0.1, a, COUNT(a));
    lognormal_times(&rng, 1.0, 0.1, b, COUNT(b));
    assert_int_equal(stats_bootstrap_ratio_ci_grouped(a, b, groups, COUNT(groups),
                                                      2000, 0.95, 2, &low, &high),
                     STATS_OK);
    double point = point_ratio(a, COUNT(a), b, COUNT(b));
    assert_true(low <= point && point <= high);
    assert_true(low > 1.0 && low < high);
    /* n groups of one pair each: the process draw alone does the resampling */
    const size_t singles[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    assert_int_equal(stats_bootstrap_ratio_ci_grouped(a, b, singles,
                                                      COUNT(singles), 2000, 0.95,
                                                      2, &low, &high), STATS_OK);
    assert_true(low <= point && point <= high);
}

/* ---- verdict ------------------------------------------------------------- */

static void
test_significant_needs_both_p_and_effect(void **state)
{
    (void)state;
    assert_true(stats_significant(0.001, 1.5, 0.01, 0.05));
    assert_true(stats_significant(0.001, 0.5, 0.01, 0.05));   /* slowdown */
    assert_true(stats_significant(0.001, 1.05, 0.01, 0.05));  /* at the edge */
    assert_false(stats_significant(0.01, 1.5, 0.01, 0.05));   /* p == alpha */
    assert_false(stats_significant(0.2, 3.0, 0.01, 0.05));    /* noisy */
    assert_false(stats_significant(1e-9, 1.01, 0.01, 0.05));  /* too small */
    assert_false(stats_significant(1e-9, 0.97, 0.01, 0.05));
    assert_false(stats_significant(NAN, 2.0, 0.01, 0.05));
    assert_false(stats_significant(0.001, NAN, 0.01, 0.05));
}

/* ---- verdicts and samples measured apart --------------------------------- */

static void
test_verdict_words(void **state)
{
    (void)state;
    /* 4 against 4 values: even perfect separation gives p = 2/70 > 0.01. */
    assert_int_equal(stats_verdict(3.0, 2.5, 3.5, 0.029, 4, 4, 0.01, 0.05), STATS_TOO_FEW);
    assert_int_equal(stats_verdict(3.0, 2.5, 3.5, 0.001, 15, 15, 0.01, 0.05), STATS_FASTER);
    assert_int_equal(stats_verdict(0.5, 0.4, 0.6, 0.001, 15, 15, 0.01, 0.05), STATS_SLOWER);
    /* significant by p, but a CI that includes 1: never "faster" */
    assert_int_equal(stats_verdict(1.3, 0.9, 1.6, 0.001, 15, 15, 0.01, 0.05), STATS_UNCLEAR);
    /* a CI inside the 5% margin: the same */
    assert_int_equal(stats_verdict(1.01, 0.97, 1.04, 0.4, 15, 15, 0.01, 0.05), STATS_SAME);
    /* not significant, CI too wide to say "same" */
    assert_int_equal(stats_verdict(1.2, 0.9, 1.5, 0.2, 15, 15, 0.01, 0.05), STATS_UNCLEAR);
    /* significant p but an effect under 5% */
    assert_int_equal(stats_verdict(1.02, 1.01, 1.03, 0.001, 15, 15, 0.01, 0.05), STATS_SAME);
}

static void
test_apart_bootstrap_with_one_group_each_is_the_unpaired_one(void **state)
{
    double a[9], b[7], low = 0, high = 0, flat_low = 0, flat_high = 0;
    (void)state;
    for (size_t i = 0; i < 9; i++) {
        a[i] = 1.0 + 0.01 * (double)((i * 7) % 9);
    }
    for (size_t i = 0; i < 7; i++) {
        b[i] = 2.0 + 0.02 * (double)((i * 3) % 7);
    }
    size_t size_a = 9, size_b = 7;
    struct stats_groups ga = {a, &size_a, 1}, gb = {b, &size_b, 1};
    for (uint64_t seed = 1; seed < 5; seed++) {
        assert_int_equal(stats_bootstrap_ratio_ci_apart(&ga, &gb, 500, 0.95, seed, &low, &high),
                         STATS_OK);
        assert_int_equal(stats_bootstrap_ratio_ci(a, 9, b, 7, false, 500, 0.95, seed,
                                                  &flat_low, &flat_high), STATS_OK);
        assert_true(low == flat_low && high == flat_high);
    }
}

static void
test_apart_bootstrap_covers_between_process_shifts(void **state)
{
    /* Three processes of b, each shifted by a factor; a is steady. */
    double a[12], b[12], low = 0, high = 0;
    size_t sizes[3] = {4, 4, 4};
    static const double shift[3] = {0.9, 1.0, 1.1};
    (void)state;
    for (size_t i = 0; i < 12; i++) {
        a[i] = 1.0 + 0.001 * (double)i;
        b[i] = 2.0 * shift[i / 4] + 0.001 * (double)i;
    }
    struct stats_groups ga = {a, sizes, 3}, gb = {b, sizes, 3};
    assert_int_equal(stats_bootstrap_ratio_ci_apart(&ga, &gb, 2000, 0.95, 7, &low, &high),
                     STATS_OK);
    assert_true(low < 0.5 && high > 0.5);           /* the middle process's ratio */
    assert_true(low <= 1.0 / 2.2 + 1e-3 && high >= 1.0 / 1.8 - 1e-3);
    /* determinism */
    double low2 = 0, high2 = 0;
    stats_bootstrap_ratio_ci_apart(&ga, &gb, 2000, 0.95, 7, &low2, &high2);
    assert_true(low == low2 && high == high2);
}

static void
test_resample_groups_draws_whole_groups(void **state)
{
    /* group g holds values 10g .. 10g + 2: a resample's values come in runs
     * of one group's size, each run from a single group. */
    double values[9] = {0, 1, 2, 10, 11, 12, 20, 21, 22}, out[9];
    size_t sizes[3] = {3, 3, 3};
    struct stats_groups g = {values, sizes, 3};
    struct stats_rng rng;
    (void)state;
    stats_rng_seed(&rng, 42);
    for (int r = 0; r < 200; r++) {
        assert_int_equal(stats_resample_groups(&g, &rng, out), 9);
        for (size_t run = 0; run < 3; run++) {
            double group = floor(out[run * 3] / 10);
            for (size_t i = 0; i < 3; i++) {
                assert_true(floor(out[run * 3 + i] / 10) == group);
            }
        }
    }
}

static void
test_apart_bootstrap_refuses_invalid_groups(void **state)
{
    double a[2] = {1, 2}, b[2] = {1, 2}, low = -1, high = -1;
    size_t sizes[2] = {1, 0}, ok[1] = {2};
    struct stats_groups empty = {a, sizes, 0}, hollow = {a, sizes, 2}, good = {b, ok, 1};
    (void)state;
    assert_int_equal(stats_bootstrap_ratio_ci_apart(&empty, &good, 100, 0.95, 1, &low, &high),
                     STATS_EINVAL);
    assert_int_equal(stats_bootstrap_ratio_ci_apart(&hollow, &good, 100, 0.95, 1, &low, &high),
                     STATS_EINVAL);
    assert_int_equal(stats_bootstrap_ratio_ci_apart(&good, &good, 0, 0.95, 1, &low, &high),
                     STATS_EINVAL);
    assert_true(low == -1 && high == -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_comparisons_do_not_modify_inputs),
        cmocka_unit_test(test_comparisons_refuse_invalid_inputs),
        cmocka_unit_test(test_mann_whitney_matches_scipy),
        cmocka_unit_test(test_mann_whitney_is_symmetric),
        cmocka_unit_test(test_mann_whitney_all_equal_gives_p_one),
        cmocka_unit_test(test_mann_whitney_min_p_matches_scipy),
        cmocka_unit_test(test_mann_whitney_min_p_says_when_alpha_is_out_of_reach),
        cmocka_unit_test(test_bootstrap_is_deterministic),
        cmocka_unit_test(test_bootstrap_contains_point_estimate),
        cmocka_unit_test(test_bootstrap_single_round_is_a_point),
        cmocka_unit_test(test_bootstrap_narrows_with_more_data),
        cmocka_unit_test(test_bootstrap_separates_different_distributions),
        cmocka_unit_test(test_bootstrap_identical_samples_contain_one),
        cmocka_unit_test(test_bootstrap_pairing_cancels_shared_drift),
        cmocka_unit_test(test_grouped_bootstrap_with_one_group_is_the_paired_one),
        cmocka_unit_test(test_grouped_bootstrap_is_deterministic),
        cmocka_unit_test(test_grouped_bootstrap_refuses_invalid_inputs),
        cmocka_unit_test(test_grouped_bootstrap_widens_with_between_process_shift),
        cmocka_unit_test(test_grouped_bootstrap_identical_groups_match_paired),
        cmocka_unit_test(test_grouped_bootstrap_handles_unequal_groups),
        cmocka_unit_test(test_significant_needs_both_p_and_effect),
        cmocka_unit_test(test_verdict_words),
        cmocka_unit_test(test_apart_bootstrap_with_one_group_each_is_the_unpaired_one),
        cmocka_unit_test(test_apart_bootstrap_covers_between_process_shifts),
        cmocka_unit_test(test_resample_groups_draws_whole_groups),
        cmocka_unit_test(test_apart_bootstrap_refuses_invalid_groups),
    };
    return cmocka_run_group_tests_name("stats_compare", tests, NULL, NULL);
}
