/* stats.c: order statistics, the summary, the seeded generator and the
 * log-log slope (see stats.h for the contract; comparing two variants, the
 * bootstrap and Mann-Whitney, is stats_compare.c).  Key choice: every formula
 * mirrors the reference implementation it stands for (numpy 1.24's
 * quantile/median) operation by operation, so the unit tests can hold the
 * results to 1e-9 of theirs. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats_internal.h"

/* ---- helpers ------------------------------------------------------------- */

/* A sorted private copy of x, or NULL (x not finite, n == 0, no memory).
 * *status tells which. */
static double *
sorted_copy(const double *x, size_t n, int *status)
{
    double *copy = NULL;

    if (n == 0 || !all_finite(x, n)) {
        *status = STATS_EINVAL;
        goto done;
    }
    copy = malloc(n * sizeof *copy);
    if (copy == NULL) {
        *status = STATS_ENOMEM;
        goto done;
    }
    memcpy(copy, x, n * sizeof *copy);
    qsort(copy, n, sizeof *copy, compare_double);
    *status = STATS_OK;
done:
    return copy;
}

/* ---- order statistics ---------------------------------------------------- */

void
stats_sort(double *x, size_t n)
{
    qsort(x, n, sizeof *x, compare_double);
}

double
stats_quantile_sorted(const double *sorted, size_t n, double q)
{
    double result = NAN;

    if (n == 0 || !(q >= 0.0 && q <= 1.0)) {
        goto done;
    }
    /* numpy: virtual index (n - 1) * q; at or past the last index both
     * neighbours are the last value. */
    double virtual_index = (double)(n - 1) * q;
    if (virtual_index >= (double)(n - 1)) {
        result = sorted[n - 1];
        goto done;
    }
    double previous_index = floor(virtual_index);
    size_t below = (size_t)previous_index;
    double gamma = virtual_index - previous_index;
    double a = sorted[below];
    double b = sorted[below + 1];
    double difference = b - a;
    /* numpy's _lerp: interpolate from the nearer end, which keeps the result
     * monotonic in t and exact at t == 1. */
    if (gamma >= 0.5) {
        result = b - difference * (1.0 - gamma);
    } else {
        result = a + difference * gamma;
    }
done:
    return result;
}

double
stats_quantile(const double *x, size_t n, double q)
{
    double result = NAN;
    int status;
    double *sorted = NULL;

    if (!(q >= 0.0 && q <= 1.0)) {
        goto done;
    }
    sorted = sorted_copy(x, n, &status);
    if (sorted == NULL) {
        goto done;
    }
    result = stats_quantile_sorted(sorted, n, q);
done:
    free(sorted);
    return result;
}

double
stats_median_sorted(const double *sorted, size_t n)
{
    double result = NAN;

    if (n == 0) {
        goto done;
    }
    if (n % 2 == 1) {
        result = sorted[n / 2];
    } else {
        /* numpy.median takes np.mean of the two middle values */
        result = (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }
done:
    return result;
}

double
stats_median(const double *x, size_t n)
{
    double result = NAN;
    int status;
    double *sorted = sorted_copy(x, n, &status);

    if (sorted == NULL) {
        goto done;
    }
    result = stats_median_sorted(sorted, n);
done:
    free(sorted);
    return result;
}

/* ---- summary ------------------------------------------------------------- */

int
stats_summarize(const double *x, size_t n, struct stats_summary *out)
{
    int status;
    double *sorted = sorted_copy(x, n, &status);
    struct stats_summary summary;

    if (sorted == NULL) {
        goto done;
    }
    summary.n = n;
    summary.min = sorted[0];
    summary.max = sorted[n - 1];

    /* Two passes (mean, then squared deviations): the one-pass formula loses
     * every digit when the spread is tiny next to the mean, as with times. */
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        sum += x[i];
    }
    summary.mean = sum / (double)n;
    double squares = 0.0;
    for (size_t i = 0; i < n; i++) {
        double deviation = x[i] - summary.mean;
        squares += deviation * deviation;
    }
    summary.sd = n > 1 ? sqrt(squares / (double)(n - 1)) : 0.0;

    summary.median = stats_median_sorted(sorted, n);
    summary.q1 = stats_quantile_sorted(sorted, n, 0.25);
    summary.q3 = stats_quantile_sorted(sorted, n, 0.75);
    summary.iqr = summary.q3 - summary.q1;

    /* The sorted copy is no longer needed: reuse it for the deviations. */
    for (size_t i = 0; i < n; i++) {
        sorted[i] = fabs(sorted[i] - summary.median);
    }
    qsort(sorted, n, sizeof *sorted, compare_double);
    summary.mad = stats_median_sorted(sorted, n);

    *out = summary;
done:
    free(sorted);
    return status;
}

/* ---- random numbers ------------------------------------------------------ */

static uint64_t
splitmix64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

void
stats_rng_seed(struct stats_rng *rng, uint64_t seed)
{
    for (int i = 0; i < 4; i++) {
        rng->s[i] = splitmix64(&seed);
    }
}

static uint64_t
rotate_left(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t
stats_rng_next(struct stats_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotate_left(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotate_left(s[3], 45);
    return result;
}

uint64_t
stats_rng_below(struct stats_rng *rng, uint64_t bound)
{
    /* Reject the lowest (2^64 mod bound) draws so that every residue is
     * equally likely; at most half the draws are rejected, usually none. */
    uint64_t threshold = (0 - bound) % bound;
    uint64_t draw;

    do {
        draw = stats_rng_next(rng);
    } while (draw < threshold);
    return draw % bound;
}

double
stats_rng_uniform(struct stats_rng *rng)
{
    return (double)(stats_rng_next(rng) >> 11) * 0x1.0p-53;
}

/* ---- log-log slope ------------------------------------------------------- */

int
stats_loglog_slope(const double *x, const double *y, size_t n, double *exponent)
{
    double mean_x = 0.0, mean_y = 0.0, sxx = 0.0, sxy = 0.0;
    if (n < 2) {
        return STATS_EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        if (!(x[i] > 0.0) || !(y[i] > 0.0) || !isfinite(x[i]) || !isfinite(y[i])) {
            return STATS_EINVAL;
        }
        mean_x += log(x[i]);
        mean_y += log(y[i]);
    }
    mean_x /= (double)n;
    mean_y /= (double)n;
    for (size_t i = 0; i < n; i++) {
        double dx = log(x[i]) - mean_x;
        sxx += dx * dx;
        sxy += dx * (log(y[i]) - mean_y);
    }
    if (!(sxx > 0.0)) {
        return STATS_EINVAL;
    }
    *exponent = sxy / sxx;
    return STATS_OK;
}
