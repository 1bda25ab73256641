/* stack_report.h: the tables both sampling commands print (`profile
 * SCRIPT.py` and `profile --pid`): functions by self and total samples, and
 * the heaviest stacks, innermost frame first. */
#ifndef OPTDEMO_STACK_REPORT_H
#define OPTDEMO_STACK_REPORT_H

#include <stdio.h>

#include "stack_profile.h"

/* Both tables, `top` rows at most (the stacks' table 5 at most); nothing
 * when the profile has no samples. */
void stack_report_print_tables(FILE *out, const struct stack_profile *profile, long top);

#endif
