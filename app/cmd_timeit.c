/* cmd_timeit.c: placeholder, to be written. */
#include <stdio.h>

#include "optdemo.h"

int
cmd_timeit(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "optdemo timeit: not implemented yet\n");
    return EXIT_FAILED;
}
