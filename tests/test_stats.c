/* test_stats.c: unit tests of app/stats/stats.c: order statistics and the summary
 * against numpy/scipy values written at build time by
 * tests/stats_reference.py into stats_reference.h (relative tolerance 1e-9),
 * the seeded generator and the log-log slope.  The comparisons of
 * app/stats/stats_compare.c are tested in test_stats_compare.c. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stats.h"
#include "stats_reference.h"
#include "stats_checks.h"

static double
largest_magnitude(const double *x, size_t n)
{
    double largest = 0.0;
    for (size_t i = 0; i < n; i++) {
        largest = fmax(largest, fabs(x[i]));
    }
    return largest;
}

/* ---- order statistics and summary against numpy/scipy -------------------- */

static void
test_quantiles_match_numpy(void **state)
{
    (void)state;
    for (size_t d = 0; d < COUNT(ref_datasets); d++) {
        const struct ref_dataset *set = &ref_datasets[d];
        double floor = 1e-12 * largest_magnitude(set->x, set->n);
        double *sorted = malloc(set->n * sizeof *sorted);
        assert_non_null(sorted);
        memcpy(sorted, set->x, set->n * sizeof *sorted);
        for (size_t i = 1; i < set->n; i++) {  /* insertion sort: tiny n */
            for (size_t j = i; j > 0 && sorted[j - 1] > sorted[j]; j--) {
                double swap = sorted[j];
                sorted[j] = sorted[j - 1];
                sorted[j - 1] = swap;
            }
        }
        for (size_t k = 0; k < REF_QUANTILE_COUNT; k++) {
            double q = ref_quantile_levels[k];
            check_close("quantile", set->name, stats_quantile(set->x, set->n, q),
                        set->quantile[k], floor);
            check_close("quantile_sorted", set->name,
                        stats_quantile_sorted(sorted, set->n, q),
                        set->quantile[k], floor);
        }
        /* q = 0 and q = 1 are the extremes exactly, not approximately. */
        assert_true(stats_quantile(set->x, set->n, 0.0) == set->min);
        assert_true(stats_quantile(set->x, set->n, 1.0) == set->max);
        check_close("median", set->name, stats_median(set->x, set->n),
                    set->median, floor);
        check_close("median_sorted", set->name,
                    stats_median_sorted(sorted, set->n), set->median, floor);
        free(sorted);
    }
}

static void
test_summary_matches_numpy_and_scipy(void **state)
{
    (void)state;
    for (size_t d = 0; d < COUNT(ref_datasets); d++) {
        const struct ref_dataset *set = &ref_datasets[d];
        double floor = 1e-12 * largest_magnitude(set->x, set->n);
        struct stats_summary s;
        assert_int_equal(stats_summarize(set->x, set->n, &s), STATS_OK);
        assert_int_equal(s.n, set->n);
        check_close("min", set->name, s.min, set->min, 0.0);
        check_close("max", set->name, s.max, set->max, 0.0);
        check_close("mean", set->name, s.mean, set->mean, floor);
        check_close("sd", set->name, s.sd, set->sd, floor);
        check_close("median", set->name, s.median, set->median, floor);
        check_close("q1", set->name, s.q1, set->q1, floor);
        check_close("q3", set->name, s.q3, set->q3, floor);
        check_close("iqr", set->name, s.iqr, set->iqr, floor);
        check_close("mad", set->name, s.mad, set->mad, floor);
        /* the invariants stats.h promises */
        assert_true(s.min <= s.q1 && s.q1 <= s.median && s.median <= s.q3
                    && s.q3 <= s.max);
        assert_true(s.iqr >= 0.0 && s.mad >= 0.0 && s.sd >= 0.0);
    }
}

static void
test_single_value_and_all_equal(void **state)
{
    (void)state;
    const double one[] = {0.125};
    const double same[] = {2.5, 2.5, 2.5, 2.5};
    struct stats_summary s;

    assert_int_equal(stats_summarize(one, 1, &s), STATS_OK);
    assert_true(s.n == 1 && s.sd == 0.0 && s.mad == 0.0 && s.iqr == 0.0);
    assert_true(s.min == 0.125 && s.max == 0.125 && s.median == 0.125
                && s.mean == 0.125);
    assert_int_equal(stats_summarize(same, COUNT(same), &s), STATS_OK);
    assert_true(s.sd == 0.0 && s.mad == 0.0 && s.iqr == 0.0 && s.median == 2.5);
}

static void
test_inputs_are_not_modified(void **state)
{
    (void)state;
    const double original[] = {5.0, 1.0, 4.0, 2.0, 3.0, 9.0, 0.5};
    double a[COUNT(original)];
    struct stats_summary s;

    memcpy(a, original, sizeof a);
    (void)stats_quantile(a, COUNT(a), 0.3);
    (void)stats_median(a, COUNT(a));
    assert_int_equal(stats_summarize(a, COUNT(a), &s), STATS_OK);
    assert_memory_equal(a, original, sizeof a);
}

static void
test_invalid_inputs_are_refused(void **state)
{
    (void)state;
    const double good[] = {1.0, 2.0, 3.0};
    const double with_nan[] = {1.0, NAN, 3.0};
    const double with_inf[] = {1.0, INFINITY, 3.0};
    struct stats_summary s = {.n = 77};

    assert_true(isnan(stats_median(good, 0)));
    assert_true(isnan(stats_median(with_nan, 3)));
    assert_true(isnan(stats_quantile(good, 0, 0.5)));
    assert_true(isnan(stats_quantile(with_inf, 3, 0.5)));
    assert_true(isnan(stats_quantile(good, 3, -0.01)));
    assert_true(isnan(stats_quantile(good, 3, 1.01)));
    assert_true(isnan(stats_quantile(good, 3, NAN)));
    assert_true(isnan(stats_quantile_sorted(good, 0, 0.5)));
    assert_true(isnan(stats_median_sorted(good, 0)));

    assert_int_equal(stats_summarize(good, 0, &s), STATS_EINVAL);
    assert_int_equal(stats_summarize(with_nan, 3, &s), STATS_EINVAL);
    assert_int_equal(stats_summarize(with_inf, 3, &s), STATS_EINVAL);
    assert_int_equal(s.n, 77);  /* untouched on failure */
}

/* ---- random numbers ------------------------------------------------------ */

static void
test_rng_is_seeded_and_bounded(void **state)
{
    (void)state;
    struct stats_rng first, second;
    double sum = 0.0;
    size_t counts[7] = {0};
    enum { draws = 70000 };

    stats_rng_seed(&first, 123);
    stats_rng_seed(&second, 123);
    for (int i = 0; i < 100; i++) {
        assert_true(stats_rng_next(&first) == stats_rng_next(&second));
    }
    stats_rng_seed(&second, 124);
    assert_true(stats_rng_next(&first) != stats_rng_next(&second));

    for (int i = 0; i < 100; i++) {
        assert_true(stats_rng_below(&first, 1) == 0);
    }
    for (int i = 0; i < draws; i++) {
        uint64_t value = stats_rng_below(&first, 7);
        assert_true(value < 7);
        counts[value]++;
        double uniform = stats_rng_uniform(&first);
        assert_true(uniform >= 0.0 && uniform < 1.0);
        sum += uniform;
    }
    /* 10000 expected per value, sd 95: 600 is more than 6 sd away */
    for (size_t v = 0; v < COUNT(counts); v++) {
        assert_true(counts[v] > 9400 && counts[v] < 10600);
    }
    assert_true(fabs(sum / draws - 0.5) < 0.01);
}

/* ---- log-log slope ------------------------------------------------------- */

static void
test_loglog_slope_recovers_power_laws(void **state)
{
    (void)state;
    const double x[] = {1000, 3000, 10000, 30000, 100000};
    double linear[5], quadratic[5], constant[5], noisy[5], exponent = -1;
    for (int i = 0; i < 5; i++) {
        linear[i] = 3e-8 * x[i];
        quadratic[i] = 1e-10 * x[i] * x[i];
        constant[i] = 5e-6;
        noisy[i] = 2e-9 * pow(x[i], 1.5) * (i % 2 ? 1.1 : 0.9);
    }
    assert_int_equal(stats_loglog_slope(x, linear, 5, &exponent), STATS_OK);
    assert_true(fabs(exponent - 1.0) < 1e-12);
    assert_int_equal(stats_loglog_slope(x, quadratic, 5, &exponent), STATS_OK);
    assert_true(fabs(exponent - 2.0) < 1e-12);
    assert_int_equal(stats_loglog_slope(x, constant, 5, &exponent), STATS_OK);
    assert_true(fabs(exponent) < 1e-12);
    assert_int_equal(stats_loglog_slope(x, noisy, 5, &exponent), STATS_OK);
    assert_true(fabs(exponent - 1.5) < 0.1);
}

static void
test_loglog_slope_refuses_bad_input(void **state)
{
    (void)state;
    const double x[] = {10, 10, 100}, y[] = {1, 2, 3}, negative[] = {1, -2, 3};
    double exponent = 42;
    assert_int_equal(stats_loglog_slope(x, y, 1, &exponent), STATS_EINVAL);
    assert_int_equal(stats_loglog_slope(x, y, 2, &exponent), STATS_EINVAL); /* same x */
    assert_int_equal(stats_loglog_slope(x, negative, 3, &exponent), STATS_EINVAL);
    assert_true(exponent == 42);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantiles_match_numpy),
        cmocka_unit_test(test_summary_matches_numpy_and_scipy),
        cmocka_unit_test(test_single_value_and_all_equal),
        cmocka_unit_test(test_inputs_are_not_modified),
        cmocka_unit_test(test_invalid_inputs_are_refused),
        cmocka_unit_test(test_rng_is_seeded_and_bounded),
        cmocka_unit_test(test_loglog_slope_recovers_power_laws),
        cmocka_unit_test(test_loglog_slope_refuses_bad_input),
    };
    return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
