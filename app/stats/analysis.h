/* analysis.h: from values to what a row says -- each variant's summary,
 * whether its values are stable enough to read, and its verdict against
 * before.  Pure C on the harness's results (no Python, no I/O). */
#ifndef OPTDEMO_ANALYSIS_H
#define OPTDEMO_ANALYSIS_H

#include "workload_result.h"

/* Fill every variant's values, summary, unstable note and, for the rows
 * workload_result_has_speedup admits, speedup, CI, p-value and verdict. */
void analysis_workload(struct workload_result *w, const struct harness_options *options);

#endif
