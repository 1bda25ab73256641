/* count.h: `run --count instructions`: each variant's instructions per
 * call, counted by valgrind's callgrind around exactly the timed calls --
 * a number that repeats to ~0.1% where wall time moves 10% on a busy
 * machine.  It measures work, not time: memory-bound code can run fewer
 * instructions and still take longer (docs/measuring.md, "Instruction counts"). */
#ifndef OPTDEMO_COUNT_H
#define OPTDEMO_COUNT_H

#include "executor.h"
#include "harness.h"

/* A worker of the embedded interpreter under callgrind, its dumps written
 * into a private folder.  0, or -1 with *error. */
struct counter {
    struct executor executor;
    char folder[4096];
};

int counter_init(struct counter *counter, const char *self, const struct worker_limits *limits,
                 bool (*interrupted)(void), char **error);
void counter_free(struct counter *counter);

/* Count every OK variant of `result` (the workload at `path`, already
 * measured) in a fresh process: its instructions per call go into
 * variant->instructions.  Variants that fail here keep 0 and get a note.
 * EXEC_OK or EXEC_INTERRUPTED. */
enum exec_status count_instructions(struct counter *counter, const char *path,
                                    struct workload_result *result);

/* How many calls are counted, from one call's instructions: the largest
 * 1-2-5 number of calls within the target (1 to 1000), so that the same
 * variant is always counted over the same number of calls. */
long count_calls_for(double one_call);

#endif
