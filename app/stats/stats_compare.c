/* stats_compare.c: comparing two variants (see stats.h for the contract):
 * the seeded bootstrap CIs for a ratio of medians, flat or two-stage, the
 * two-sided Mann-Whitney U test and the verdict.  Key choice: Mann-Whitney
 * mirrors scipy 1.10's mannwhitneyu operation by operation, and its exact
 * distribution is a truncated q-binomial series computed in wrapping 64-bit
 * integers: exact whenever the total count fits in 64 bits. */
#include "stats.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "stats_internal.h"

/* ---- bootstrap ----------------------------------------------------------- */

static bool
all_positive(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!(x[i] > 0.0)) {
            return false;
        }
    }
    return true;
}

/* The checks every bootstrap shares: enough resamples, a confidence strictly
 * between 0 and 1, and values that are finite and > 0, so that every
 * resampled median is a positive finite number and so is every ratio (no
 * division by zero, no NaN to sort). */
static bool
bootstrap_arguments_valid(const double *a, size_t na,
                          const double *b, size_t nb,
                          unsigned resamples, double confidence)
{
    return resamples >= 1 && confidence > 0.0 && confidence < 1.0
           && all_finite(a, na) && all_finite(b, nb)
           && all_positive(a, na) && all_positive(b, nb);
}

/* median(a) / median(b) of one resample, sorting both buffers in place.
 * Sorting a few dozen values costs about what a selection would, and keeps
 * the median identical to stats_median's. */
static double
resampled_ratio(double *a, size_t na, double *b, size_t nb)
{
    qsort(a, na, sizeof *a, compare_double);
    qsort(b, nb, sizeof *b, compare_double);
    return stats_median_sorted(a, na) / stats_median_sorted(b, nb);
}

/* The percentile interval: the (1 -+ confidence) / 2 quantiles ('linear')
 * of the resampled ratios, which are sorted in place. */
static void
percentile_interval(double *ratios, unsigned resamples,
                    double confidence, double *low, double *high)
{
    qsort(ratios, resamples, sizeof *ratios, compare_double);
    double tail = (1.0 - confidence) / 2.0;
    *low = stats_quantile_sorted(ratios, resamples, tail);
    *high = stats_quantile_sorted(ratios, resamples, 1.0 - tail);
}

int
stats_bootstrap_ratio_ci(const double *a, size_t na,
                         const double *b, size_t nb,
                         bool paired, unsigned resamples,
                         double confidence, uint64_t seed,
                         double *low, double *high)
{
    int status = STATS_EINVAL;
    double *resample_a = NULL, *resample_b = NULL, *ratios = NULL;
    struct stats_rng rng;

    if (na == 0 || nb == 0 || (paired && na != nb)) {
        goto done;
    }
    if (paired) {
        /* The rounds are one group: the grouped bootstrap then skips the
         * group draw and draws round indices exactly as a paired bootstrap
         * does, so there is one implementation of the paired case and the
         * two functions agree to the bit by construction. */
        size_t one_group = na;
        status = stats_bootstrap_ratio_ci_grouped(a, b, &one_group, 1,
                                                  resamples, confidence, seed,
                                                  low, high);
        goto done;
    }
    if (!bootstrap_arguments_valid(a, na, b, nb, resamples, confidence)) {
        goto done;
    }

    status = STATS_ENOMEM;
    resample_a = malloc(na * sizeof *resample_a);
    resample_b = malloc(nb * sizeof *resample_b);
    ratios = malloc((size_t)resamples * sizeof *ratios);
    if (resample_a == NULL || resample_b == NULL || ratios == NULL) {
        goto done;
    }

    stats_rng_seed(&rng, seed);
    for (unsigned r = 0; r < resamples; r++) {
        for (size_t i = 0; i < na; i++) {
            resample_a[i] = a[stats_rng_below(&rng, na)];
        }
        for (size_t i = 0; i < nb; i++) {
            resample_b[i] = b[stats_rng_below(&rng, nb)];
        }
        ratios[r] = resampled_ratio(resample_a, na, resample_b, nb);
    }
    percentile_interval(ratios, resamples, confidence, low, high);
    status = STATS_OK;
done:
    free(resample_a);
    free(resample_b);
    free(ratios);
    return status;
}

int
stats_bootstrap_ratio_ci_grouped(const double *a, const double *b,
                                 const size_t *group_sizes, size_t n_groups,
                                 unsigned resamples, double confidence,
                                 uint64_t seed, double *low, double *high)
{
    int status = STATS_EINVAL;
    size_t *group_start = NULL;
    double *resample_a = NULL, *resample_b = NULL, *ratios = NULL;
    struct stats_rng rng;

    if (n_groups == 0) {
        goto done;
    }
    /* n: all pairs; largest: the biggest group.  A resample that draws the
     * biggest group every time holds n_groups * largest pairs, more than n
     * when the sizes differ, so that is what the buffers must hold. */
    size_t n = 0, largest = 0;
    for (size_t g = 0; g < n_groups; g++) {
        if (group_sizes[g] == 0 || group_sizes[g] > SIZE_MAX - n) {
            goto done;
        }
        n += group_sizes[g];
        if (group_sizes[g] > largest) {
            largest = group_sizes[g];
        }
    }
    if (!bootstrap_arguments_valid(a, n, b, n, resamples, confidence)) {
        goto done;
    }

    status = STATS_ENOMEM;
    if (largest > SIZE_MAX / sizeof(double) / n_groups) {
        goto done;
    }
    size_t capacity = n_groups * largest;
    group_start = malloc(n_groups * sizeof *group_start);
    resample_a = malloc(capacity * sizeof *resample_a);
    resample_b = malloc(capacity * sizeof *resample_b);
    ratios = malloc((size_t)resamples * sizeof *ratios);
    if (group_start == NULL || resample_a == NULL || resample_b == NULL
        || ratios == NULL) {
        goto done;
    }
    group_start[0] = 0;
    for (size_t g = 1; g < n_groups; g++) {
        group_start[g] = group_start[g - 1] + group_sizes[g - 1];
    }

    stats_rng_seed(&rng, seed);
    for (unsigned r = 0; r < resamples; r++) {
        size_t count = 0;
        for (size_t draw = 0; draw < n_groups; draw++) {
            /* With one group the draw could only pick it, yet it would still
             * advance the generator; skipping it keeps the sequence, and so
             * the bounds, of the paired bootstrap. */
            size_t g = n_groups == 1
                       ? 0 : (size_t)stats_rng_below(&rng, n_groups);
            for (size_t i = 0; i < group_sizes[g]; i++) {
                size_t pair = group_start[g]
                              + (size_t)stats_rng_below(&rng, group_sizes[g]);
                resample_a[count] = a[pair];
                resample_b[count] = b[pair];
                count++;
            }
        }
        ratios[r] = resampled_ratio(resample_a, count, resample_b, count);
    }
    percentile_interval(ratios, resamples, confidence, low, high);
    status = STATS_OK;
done:
    free(group_start);
    free(resample_a);
    free(resample_b);
    free(ratios);
    return status;
}

/* ---- Mann-Whitney U ------------------------------------------------------ */

/* One value of the pooled sample and the sample it came from. */
struct pooled_value {
    double value;
    bool from_a;
};

static int
compare_pooled(const void *left, const void *right)
{
    double a = ((const struct pooled_value *)left)->value;
    double b = ((const struct pooled_value *)right)->value;
    return (a > b) - (a < b);
}

/* binom(m + n, m) in *count; false when it does not fit in 64 bits.  Each
 * partial product binom(n + i, i) is an integer, so the division is exact;
 * the overflow test is conservative by at most a factor i. */
static bool
binomial_fits(uint64_t m, uint64_t n, uint64_t *count)
{
    uint64_t c = 1;

    for (uint64_t i = 1; i <= m; i++) {
        if (c > UINT64_MAX / (n + i)) {
            return false;
        }
        c = c * (n + i) / i;
    }
    *count = c;
    return true;
}

/* P(U >= u_max) for the exact null distribution with sample sizes m <= n,
 * in *sf.  Returns STATS_OK, STATS_ENOMEM, or EXACT_TOO_LARGE when the
 * counts would not fit in 64 bits.
 * By symmetry P(U >= u) = P(U <= m n - u), which scipy sums from the left;
 * so do we.  The number of arrangements with U == k is the coefficient of
 * q^k in the Gaussian binomial [m + n choose m]_q
 *   = prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i),
 * built as a power series truncated at degree K = m n - u_max.  Unsigned
 * arithmetic wraps modulo 2^64, and the true coefficients are below
 * binom(m + n, m) < 2^64, so wrapped intermediate values still end exact. */
enum { EXACT_TOO_LARGE = 1 };

static int
exact_survival(uint64_t m, uint64_t n, uint64_t u_max, double *sf)
{
    int status = EXACT_TOO_LARGE;
    uint64_t total;
    uint64_t *coefficients = NULL;

    if (!binomial_fits(m, n, &total)) {
        goto done;
    }
    status = STATS_ENOMEM;
    uint64_t degree = m * n - u_max;
    coefficients = calloc((size_t)degree + 1, sizeof *coefficients);
    if (coefficients == NULL) {
        goto done;
    }
    coefficients[0] = 1;
    for (uint64_t i = 1; i <= m; i++) {
        /* times (1 - q^(n+i)): from the top down, so each term reads the
         * coefficient before this factor */
        for (uint64_t k = degree; k >= n + i; k--) {
            coefficients[k] -= coefficients[k - (n + i)];
        }
        /* divided by (1 - q^i), i.e. times 1 + q^i + q^2i + ...: bottom up */
        for (uint64_t k = i; k <= degree; k++) {
            coefficients[k] += coefficients[k - i];
        }
    }
    uint64_t cumulative = 0;
    for (uint64_t k = 0; k <= degree; k++) {
        cumulative += coefficients[k];
    }
    *sf = (double)cumulative / (double)total;
    status = STATS_OK;
done:
    free(coefficients);
    return status;
}

/* scipy.special.ndtr (cephes): the standard normal CDF, through erf near 0
 * and erfc in the tails where erf's 1 - ... would cancel. */
static double
normal_cdf(double a)
{
    const double sqrt_half = 0.70710678118654752440;
    double x = a * sqrt_half;
    double z = fabs(x);

    if (z < sqrt_half) {
        return 0.5 + 0.5 * erf(x);
    }
    double y = 0.5 * erfc(z);
    return x > 0 ? 1.0 - y : y;
}

/* The two-sided p-value of a U statistic, as scipy chooses and computes it:
 * u_max is max(U1, U2), tie_term sum(t^3 - t) over groups of t equal values,
 * ties whether any value occurs twice.  STATS_OK or STATS_ENOMEM.  Both
 * stats_mann_whitney and stats_mann_whitney_min_p come through here, so the
 * smallest p the latter reports is the one the former gives a completely
 * separated sample, not a second formula that could drift from it. */
static int
two_sided_p_value(size_t na, size_t nb, double u_max,
                  double tie_term, bool ties, double *p)
{
    int status = STATS_OK;
    double n1 = (double)na, n2 = (double)nb;
    double p_value = NAN;
    int exact = EXACT_TOO_LARGE;
    double sf;

    if (!(na > 8 && nb > 8) && !ties) {
        exact = exact_survival(na < nb ? na : nb, na < nb ? nb : na,
                               (uint64_t)u_max, &sf);
        if (exact == STATS_ENOMEM) {
            status = STATS_ENOMEM;
            goto done;
        }
    }
    if (exact == STATS_OK) {
        p_value = 2.0 * sf;
    } else {
        double mu = n1 * n2 / 2.0;
        double total = (double)(na + nb);
        double variance = n1 * n2 / 12.0
                          * ((total + 1.0) - tie_term / (total * (total - 1.0)));
        if (variance > 0.0) {
            double z = (u_max - mu - 0.5) / sqrt(variance);
            p_value = 2.0 * normal_cdf(-z);
        } else {
            /* Every value equal: scipy divides -0.5 by 0, gets z = -inf and
             * p = 2 before clipping.  Same answer without the division. */
            p_value = 1.0;
        }
    }
    if (p_value > 1.0) {
        p_value = 1.0;
    }
    if (p_value < 0.0) {
        p_value = 0.0;
    }
    *p = p_value;
done:
    return status;
}

int
stats_mann_whitney(const double *a, size_t na,
                   const double *b, size_t nb,
                   double *u, double *p)
{
    int status = STATS_EINVAL;
    size_t n = na + nb;
    struct pooled_value *pooled = NULL;

    if (na == 0 || nb == 0 || !all_finite(a, na) || !all_finite(b, nb)) {
        goto done;
    }
    status = STATS_ENOMEM;
    pooled = malloc(n * sizeof *pooled);
    if (pooled == NULL) {
        goto done;
    }
    for (size_t i = 0; i < na; i++) {
        pooled[i] = (struct pooled_value){a[i], true};
    }
    for (size_t i = 0; i < nb; i++) {
        pooled[na + i] = (struct pooled_value){b[i], false};
    }
    qsort(pooled, n, sizeof *pooled, compare_pooled);

    /* Average ranks (scipy.stats.rankdata's default), the rank sum of a,
     * and the tie term sum(t^3 - t) over groups of t equal values. */
    double rank_sum_a = 0.0, tie_term = 0.0;
    bool ties = false;
    for (size_t start = 0; start < n;) {
        size_t end = start + 1;
        size_t count_a = pooled[start].from_a;
        while (end < n && pooled[end].value == pooled[start].value) {
            count_a += pooled[end].from_a;
            end++;
        }
        double t = (double)(end - start);
        double average_rank = ((double)start + 1.0 + (double)end) / 2.0;
        rank_sum_a += (double)count_a * average_rank;
        tie_term += t * t * t - t;
        ties = ties || end - start > 1;
        start = end;
    }
    double n1 = (double)na, n2 = (double)nb;
    double u1 = rank_sum_a - n1 * (n1 + 1.0) / 2.0;
    double u2 = n1 * n2 - u1;
    double u_max = u1 > u2 ? u1 : u2;

    double p_value;
    status = two_sided_p_value(na, nb, u_max, tie_term, ties, &p_value);
    if (status != STATS_OK) {
        goto done;
    }
    *u = u1;
    *p = p_value;
done:
    free(pooled);
    return status;
}

double
stats_mann_whitney_min_p(size_t na, size_t nb)
{
    double p = NAN;

    if (na == 0 || nb == 0) {
        goto done;
    }
    /* Completely separated samples: every pair is won by the same side, so
     * max(U1, U2) == na nb, and no value ties (tie term 0).  While
     * na + nb < 2^26 stats_mann_whitney's rank sums are integers below 2^53,
     * exact in double, so it reaches this very u_max and the same call. */
    if (two_sided_p_value(na, nb, (double)na * (double)nb, 0.0, false, &p)
        != STATS_OK) {
        p = NAN;
    }
done:
    return p;
}

/* ---- verdict ------------------------------------------------------------- */

bool
stats_significant(double p, double ratio, double alpha, double min_effect)
{
    return p < alpha && fabs(ratio - 1.0) >= min_effect;
}

enum stats_verdict
stats_verdict(double ratio, double low, double high, double p, size_t na, size_t nb,
              double alpha, double min_effect)
{
    if (!(stats_mann_whitney_min_p(na, nb) < alpha)) {
        return STATS_TOO_FEW;
    }
    if (stats_significant(p, ratio, alpha, min_effect) && (low > 1.0 || high < 1.0)) {
        return ratio > 1.0 ? STATS_FASTER : STATS_SLOWER;
    }
    if (low >= 1.0 / (1.0 + min_effect) && high <= 1.0 + min_effect) {
        return STATS_SAME;
    }
    return STATS_UNCLEAR;
}

/* ---- samples grouped by worker process ----------------------------------- */

/* Where each group starts, the total and the largest group: 0, or -1 when a
 * group is empty or the sizes overflow. */
static int
group_layout(const struct stats_groups *g, size_t *total, size_t *largest)
{
    *total = *largest = 0;
    if (g->n_groups == 0) {
        return -1;
    }
    for (size_t i = 0; i < g->n_groups; i++) {
        if (g->sizes[i] == 0 || g->sizes[i] > SIZE_MAX - *total) {
            return -1;
        }
        *total += g->sizes[i];
        *largest = g->sizes[i] > *largest ? g->sizes[i] : *largest;
    }
    return *largest > SIZE_MAX / sizeof(double) / g->n_groups ? -1 : 0;
}

size_t
stats_resample_groups(const struct stats_groups *g, struct stats_rng *rng, double *out)
{
    size_t count = 0;
    for (size_t draw = 0; draw < g->n_groups; draw++) {
        /* One group: no draw, so the sequence is the flat bootstrap's. */
        size_t chosen = g->n_groups == 1 ? 0 : (size_t)stats_rng_below(rng, g->n_groups);
        size_t start = 0;
        for (size_t i = 0; i < chosen; i++) {
            start += g->sizes[i];
        }
        for (size_t i = 0; i < g->sizes[chosen]; i++) {
            out[count++] = g->values[start + (size_t)stats_rng_below(rng, g->sizes[chosen])];
        }
    }
    return count;
}

int
stats_bootstrap_ratio_ci_apart(const struct stats_groups *a, const struct stats_groups *b,
                               unsigned resamples, double confidence, uint64_t seed,
                               double *low, double *high)
{
    int status = STATS_EINVAL;
    double *resample_a = NULL, *resample_b = NULL, *ratios = NULL;
    size_t na = 0, nb = 0, largest_a = 0, largest_b = 0;
    struct stats_rng rng;

    if (group_layout(a, &na, &largest_a) < 0 || group_layout(b, &nb, &largest_b) < 0
        || !bootstrap_arguments_valid(a->values, na, b->values, nb, resamples, confidence)) {
        goto done;
    }
    status = STATS_ENOMEM;
    resample_a = malloc(a->n_groups * largest_a * sizeof *resample_a);
    resample_b = malloc(b->n_groups * largest_b * sizeof *resample_b);
    ratios = malloc((size_t)resamples * sizeof *ratios);
    if (resample_a == NULL || resample_b == NULL || ratios == NULL) {
        goto done;
    }
    stats_rng_seed(&rng, seed);
    for (unsigned r = 0; r < resamples; r++) {
        size_t count_a = stats_resample_groups(a, &rng, resample_a);
        size_t count_b = stats_resample_groups(b, &rng, resample_b);
        ratios[r] = resampled_ratio(resample_a, count_a, resample_b, count_b);
    }
    percentile_interval(ratios, resamples, confidence, low, high);
    status = STATS_OK;
done:
    free(resample_a);
    free(resample_b);
    free(ratios);
    return status;
}

const char *
stats_verdict_name(enum stats_verdict verdict)
{
    switch (verdict) {
    case STATS_FASTER: return "faster";
    case STATS_SLOWER: return "slower";
    case STATS_SAME: return "same";
    case STATS_UNCLEAR: return "unclear";
    case STATS_TOO_FEW: return "too few values";
    case STATS_VERDICT_NONE: break;
    }
    return "none";
}
