/* profile_pid.h: `optdemo profile --pid PID`, another running CPython 3.11
 * process sampled from outside by reading its memory (profile_pid.c,
 * app/measure/remote_sampler.c), reached from cmd_profile.c when its command
 * line has --pid. */
#ifndef OPTDEMO_PROFILE_PID_H
#define OPTDEMO_PROFILE_PID_H

#include <stdbool.h>

/* Whether argv (the command's, argv[0] "profile") asks for --pid. */
bool profile_pid_requested(int argc, char **argv);

/* The whole command: an exit code (0, 1 failed, 2 usage). */
int profile_pid_main(int argc, char **argv);

#endif
