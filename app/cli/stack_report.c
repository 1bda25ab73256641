/* stack_report.c: the sampled profile's two tables, shared by `profile
 * SCRIPT.py` (profile_script.c) and `profile --pid` (profile_pid.c). */
#include "stack_report.h"

#include <string.h>

/* Frames of a stack the top-stacks table shows (the innermost). */
enum { SHOWN_FRAMES = 4 };

void
stack_report_print_tables(FILE *out, const struct stack_profile *profile, long top)
{
    double all = (double)profile->samples;
    if (profile->samples == 0) {
        return;
    }
    fprintf(out, "\n  functions by samples (self: the innermost frame; total: anywhere on "
            "the stack), top %ld\n", top);
    fprintf(out, "  %8s %6s %8s %6s  %s\n", "self", "%", "total", "%", "function");
    for (size_t i = 0; i < profile->n_functions && (long)i < top; i++) {
        const struct function_count *f = &profile->functions[i];
        fprintf(out, "  %8llu %5.1f%% %8llu %5.1f%%  %s\n", (unsigned long long)f->self,
                100 * (double)f->self / all, (unsigned long long)f->total,
                100 * (double)f->total / all, f->function);
    }
    fprintf(out, "\n  heaviest stacks (innermost first, %d frames at most), top %ld\n",
            SHOWN_FRAMES, top < 5 ? top : 5);
    for (size_t i = 0; i < profile->n_stacks && i < 5 && (long)i < top; i++) {
        const char *stack = profile->stacks[i].stack, *end = stack + strlen(stack);
        fprintf(out, "  %8llu %5.1f%%  ", (unsigned long long)profile->stacks[i].count,
                100 * (double)profile->stacks[i].count / all);
        /* innermost first: walk the ';'-separated frames backwards */
        int shown = 0;
        while (end > stack && shown < SHOWN_FRAMES) {
            const char *start = end;
            while (start > stack && start[-1] != ';') {
                start--;
            }
            fprintf(out, "%s%.*s", shown == 0 ? "" : "\n                    <- ",
                    (int)(end - start), start);
            shown++;
            end = start > stack ? start - 1 : start;
        }
        fprintf(out, "%s\n", end > stack ? "\n                    <- ..." : "");
    }
}
