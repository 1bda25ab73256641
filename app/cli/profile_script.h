/* profile_script.h: `optdemo profile SCRIPT.py [ARGS...]`, a program run
 * under the host's sampling profiler (profile_script.c), reached from
 * cmd_profile.c when its command line names a script, not a workload. */
#ifndef OPTDEMO_PROFILE_SCRIPT_H
#define OPTDEMO_PROFILE_SCRIPT_H

/* The index in argv of the script to run: the first argument that is not an
 * option, when it is a .py file declaring no VARIANTS (a workload declares
 * them) or --script came before it, or the argument after -m (a module);
 * argc for --script without a script; 0 when the command line names a
 * workload. */
int profile_script_target(int argc, char **argv);

/* Parse argv[1..script) as the profiler's options, run argv[script..argc)
 * as the program.  The program's exit code (2 for a usage error). */
int profile_script_main(int argc, char **argv, int script);

#endif
