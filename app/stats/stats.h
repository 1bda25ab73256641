/* Statistics for the measurement harness: order statistics (numpy's
 * 'linear' quantiles), a one-pass summary, seeded bootstrap CIs for a ratio
 * of medians (flat, or two-stage over worker processes) and the two-sided
 * Mann-Whitney U test (scipy 1.10's p-values).
 * Pure C, no Python.h; no global state: every random draw goes through a
 * caller-owned struct stats_rng, so a seed reproduces a result exactly.
 *
 * Conventions shared by every function below:
 * - input arrays are never modified; functions that need sorted data copy it
 *   (one malloc per call, freed before returning) unless their name ends in
 *   _sorted, in which case the caller passes ascending data and nothing is
 *   allocated;
 * - input values must be finite: NaN or +-inf makes a double-returning
 *   function return NaN and an int-returning one return STATS_EINVAL;
 * - int-returning functions return STATS_OK (0) or a negative STATS_E* code
 *   and leave their outputs untouched on failure.
 */
#ifndef OPTDEMO_STATS_H
#define OPTDEMO_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum stats_status {
    STATS_OK = 0,
    STATS_EINVAL = -1, /* n == 0, a non-finite value, a parameter out of range */
    STATS_ENOMEM = -2, /* a scratch buffer could not be allocated */
};

/* ---- order statistics ------------------------------------------------ */

/* The q-quantile (0 <= q <= 1) by linear interpolation between order
 * statistics: numpy.quantile's default method 'linear', R's type 7.  With
 * h = (n - 1) * q, the result lies between x(floor h) and x(floor h + 1) of
 * the sorted data, computed as numpy computes it (a + (b - a) * t, or
 * b - (b - a) * (1 - t) when t >= 0.5), so results agree to the last bit in
 * practice.  Returns NaN when n == 0, q is outside [0, 1] or NaN, a value is
 * not finite, or the scratch copy cannot be allocated. */
double stats_quantile(const double *x, size_t n, double q);

/* The same for data the caller already sorted ascending: no allocation, no
 * finiteness check. */
double stats_quantile_sorted(const double *sorted, size_t n, double q);

/* Sort x ascending in place (qsort; x holds no NaN). */
void stats_sort(double *x, size_t n);

/* The median, as numpy.median computes it: the middle order statistic, or
 * the mean (a + b) / 2 of the two middle ones.  NaN as stats_quantile. */
double stats_median(const double *x, size_t n);
double stats_median_sorted(const double *sorted, size_t n);

/* ---- summary --------------------------------------------------------- */

/* Invariants after a successful stats_summarize:
 * min <= q1 <= median <= q3 <= max, iqr == q3 - q1 >= 0, mad >= 0, sd >= 0.
 * sd is the sample standard deviation (divisor n - 1), so "mean +- sd" means
 * one sample sd either side of the mean; with n == 1 there is no spread to
 * estimate and sd is 0 (not NaN, so it survives JSON): check n to tell. */
struct stats_summary {
    size_t n;        /* number of values summarised, >= 1 */
    double min, max;
    double mean;     /* arithmetic mean */
    double sd;       /* sample standard deviation (n - 1); 0 when n == 1 */
    double median;   /* numpy.median */
    double q1, q3;   /* numpy.quantile(x, 0.25) and (x, 0.75), 'linear' */
    double iqr;      /* q3 - q1 */
    double mad;      /* median(|x - median|), unscaled (scipy's
                        median_abs_deviation with scale=1) */
};

/* Fills *out for x[0..n).  STATS_EINVAL when n == 0 or a value is not
 * finite, STATS_ENOMEM when the scratch copy cannot be allocated. */
int stats_summarize(const double *x, size_t n, struct stats_summary *out);

/* ---- random numbers ---------------------------------------------------- */

/* xoshiro256** seeded through splitmix64: fast, statistically sound, and the
 * same sequence on every platform (unlike rand()).  Not cryptographic.  The
 * state is never all zero (splitmix64 cannot produce four zero words from
 * one seed in a row). */
struct stats_rng {
    uint64_t s[4];
};

void stats_rng_seed(struct stats_rng *rng, uint64_t seed);
uint64_t stats_rng_next(struct stats_rng *rng);
/* Uniform in [0, bound), without modulo bias; bound must be >= 1. */
uint64_t stats_rng_below(struct stats_rng *rng, uint64_t bound);
/* Uniform in [0, 1) with 53 random bits. */
double stats_rng_uniform(struct stats_rng *rng);

/* ---- comparing two variants -------------------------------------------- */

/* Percentile bootstrap confidence interval for median(a) / median(b) — the
 * speedup of b over a when a is the baseline's time per loop.
 * - paired: the values were measured round by round (a[i] and b[i] in the
 *   same interleaved round, so na == nb is required); a resample draws round
 *   indices and takes both values of each drawn round, keeping whatever the
 *   rounds share (machine drift).  Unpaired: a and b are resampled
 *   independently.  Paired is stats_bootstrap_ratio_ci_grouped with one
 *   group of na rounds, which it calls.
 * - resamples >= 1 (1000-10000 is usual); 0 < confidence < 1 (0.95 usual).
 *   *low and *high are the (1 - confidence) / 2 and (1 + confidence) / 2
 *   quantiles ('linear') of the resampled ratios.
 * - deterministic: the same arguments and seed give bit-identical bounds.
 * All values must be finite and > 0 (they are times), so every resampled
 * ratio is finite and positive.  Returns STATS_OK, STATS_EINVAL (bad sizes
 * or parameters, a value <= 0 or non-finite) or STATS_ENOMEM.  The point
 * estimate itself is stats_median(a, na) / stats_median(b, nb). */
int stats_bootstrap_ratio_ci(const double *a, size_t na,
                             const double *b, size_t nb,
                             bool paired, unsigned resamples,
                             double confidence, uint64_t seed,
                             double *low, double *high);

/* The same interval when the pairs come from several worker processes:
 * a hierarchical (two-stage) bootstrap.  Why: values measured in one process
 * are not independent of each other.  They share that process's memory
 * layout, hash seed, allocator state and CPU placement, so one process runs
 * consistently a little fast or slow and its values move together.  Pairing
 * cancels what a round shares, not what a whole process shares; resampling
 * all pairs as independent treats 5 processes x 5 values as 25 independent
 * observations when there is closer to 5, and the interval comes out too
 * narrow.  pyperf's lesson: it spawns 20 worker processes and takes only a
 * few values in each, because between-process variance dominates and a
 * benchmark run in one process can look precise and still be off.
 * - a[i] and b[i] are paired (same interleaved round), concatenated group by
 *   group: group g (one worker process) is the next group_sizes[g] pairs.
 *   n_groups >= 1, every group size >= 1; a and b hold sum(group_sizes).
 * - one resample draws n_groups groups with replacement, then from each
 *   drawn group g draws group_sizes[g] pairs with replacement, within g; the
 *   statistic is median(a*) / median(b*) over all pairs drawn.  So a
 *   resample holds sum(group_sizes) pairs on average, exactly that when the
 *   groups are the same size.
 * - the interval, the parameters, the determinism and the return codes are
 *   stats_bootstrap_ratio_ci's.
 * - with n_groups == 1 no group is drawn (there is nothing to choose) and
 *   the pairs are drawn as the paired bootstrap draws rounds, so the bounds
 *   are bit-identical to stats_bootstrap_ratio_ci(a, n, b, n, true, ...)
 *   with the same seed.
 * When the processes really do not differ, the interval is still somewhat
 * wider than the paired one, since within-process noise is sampled at both
 * stages (1.1 to 1.7 times for 5 processes of 5 values in the unit test's
 * trials): the price of not assuming that they do not.  The point estimate is still the
 * ratio of the pooled medians. */
int stats_bootstrap_ratio_ci_grouped(const double *a, const double *b,
                                     const size_t *group_sizes, size_t n_groups,
                                     unsigned resamples, double confidence,
                                     uint64_t seed, double *low, double *high);

/* Two-sided Mann-Whitney U test, as scipy.stats.mannwhitneyu(a, b) computes
 * it in scipy 1.10 (method='auto', use_continuity=True):
 * - *u is U1, the statistic of a: the number of pairs (a_i, b_j) with
 *   a_i > b_j, ties counting one half (na * nb - U1 is b's statistic);
 * - *p comes from the exact null distribution of U when min(na, nb) <= 8
 *   and no value occurs twice in a and b together (scipy's code chooses
 *   exact unless *both* sizes exceed 8; its docstring says "less than 8"),
 *   else from the normal approximation with the tie correction and the 1/2
 *   continuity correction.  Exact counts are kept in 64-bit integers, which
 *   covers na + nb up to about 1000 when the smaller sample has 8 values;
 *   beyond that the normal approximation is used (scipy would still be
 *   exact there: the only known difference, at sizes the harness never uses).
 * - p is clipped to [0, 1]; when every value is equal, p == 1.
 * Returns STATS_OK, STATS_EINVAL (na or nb == 0, a non-finite value) or
 * STATS_ENOMEM. */
int stats_mann_whitney(const double *a, size_t na,
                       const double *b, size_t nb,
                       double *u, double *p);

/* The smallest two-sided p stats_mann_whitney can return for samples of na
 * and nb values: the p of two completely separated samples (every a above
 * every b, or below; no ties).  In the exact regime that is
 * 2 / binom(na + nb, na), clipped to 1; in the normal approximation, the
 * approximation's value at U == na nb.  Computed by the code
 * stats_mann_whitney uses, so the two agree to the bit.  The harness uses it
 * to say "too few values" rather than "same" when even a perfect separation
 * could not reach its alpha: 4 values against 4 give at best 2 / 70 = 0.029,
 * so a 0.01 test cannot succeed.  It falls as either size grows, except
 * where both sizes pass 8 and the (more cautious) normal approximation takes
 * over: 9 against 9 gives 4.1e-4, 8 against 9 gives 8.2e-5, as in scipy.
 * NaN when na or nb == 0 (or, in theory, when the exact count's scratch
 * buffer cannot be allocated). */
double stats_mann_whitney_min_p(size_t na, size_t nb);

/* The harness's verdict: true only when p < alpha and |ratio - 1| >=
 * min_effect.  A NaN p or ratio is never significant (the comparisons are
 * false for NaN), nor is a failed test's result. */
bool stats_significant(double p, double ratio, double alpha, double min_effect);

/* The verdict on a speedup `ratio` (time of the baseline over time of the
 * other: above 1 the other is faster) with its bootstrap CI [low, high] and
 * its Mann-Whitney p on na and nb values.  In order:
 * - STATS_TOO_FEW when even completely separated samples of na and nb
 *   values could not reach p < alpha (stats_mann_whitney_min_p): the test
 *   could not have told, whatever the data;
 * - STATS_FASTER / STATS_SLOWER when stats_significant() holds and the CI
 *   excludes 1 (so a verdict never contradicts its own interval);
 * - STATS_SAME when the CI lies within [1 / (1 + min_effect), 1 +
 *   min_effect]: an equivalence claim needs evidence too (as TOST reads it);
 * - STATS_UNCLEAR otherwise: not significant, not shown to be the same. */
enum stats_verdict {
    STATS_VERDICT_NONE = 0, /* no comparison was made (not returned) */
    STATS_FASTER,
    STATS_SLOWER,
    STATS_SAME,
    STATS_UNCLEAR,
    STATS_TOO_FEW,
};

/* The defaults every verdict in optdemo uses unless told otherwise (run,
 * compare, lab check): Mann-Whitney U below alpha, at least min_effect
 * apart, the CI from this many bootstrap resamples. */
#define STATS_DEFAULT_ALPHA 0.01
#define STATS_DEFAULT_MIN_EFFECT 0.05
#define STATS_DEFAULT_RESAMPLES 2000

enum stats_verdict stats_verdict(double ratio, double low, double high, double p,
                                 size_t na, size_t nb, double alpha, double min_effect);

/* The verdict's word in results and comparisons: "faster", "slower",
 * "same", "unclear", "too few values" or "none". */
const char *stats_verdict_name(enum stats_verdict verdict);

/* ---- samples grouped by worker process ----------------------------------- */

/* Values measured in several worker processes, process after process:
 * group g holds sizes[g] >= 1 values. */
struct stats_groups {
    const double *values;
    const size_t *sizes;
    size_t n_groups;
};

/* One two-stage resample of `g` into out[]: n_groups groups drawn with
 * replacement, then sizes[g] values with replacement within each drawn
 * group; returns how many values were drawn.  out must hold n_groups times
 * the largest group.  With one group no group is drawn, and the values are
 * drawn exactly as the flat bootstrap draws them. */
size_t stats_resample_groups(const struct stats_groups *g, struct stats_rng *rng, double *out);

/* The percentile bootstrap CI for median(a) / median(b) when a and b were
 * measured apart -- two runs, two files, two interpreters -- each grouped
 * by process and resampled on its own with stats_resample_groups (a first,
 * then b, every resample).  Validation, determinism and return codes as
 * stats_bootstrap_ratio_ci; with one group each it gives the unpaired
 * stats_bootstrap_ratio_ci's bounds bit for bit. */
int stats_bootstrap_ratio_ci_apart(const struct stats_groups *a, const struct stats_groups *b,
                                   unsigned resamples, double confidence, uint64_t seed,
                                   double *low, double *high);

/* The exponent k of a power law y ~ c * x^k fitted by least squares on
 * (log x, log y): how a cost grows with n (1: linear, 2: quadratic).  Needs
 * n >= 2 points with distinct x, all x and y > 0 and finite; otherwise
 * returns STATS_EINVAL and leaves *exponent untouched. */
int stats_loglog_slope(const double *x, const double *y, size_t n, double *exponent);

#endif /* OPTDEMO_STATS_H */
