/* cmd_run.c: placeholder, to be written. */
#include <stdio.h>

#include "optdemo.h"

int
cmd_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "optdemo run: not implemented yet\n");
    return EXIT_FAILED;
}
