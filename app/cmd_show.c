/* cmd_show.c: placeholder, to be written. */
#include <stdio.h>

#include "optdemo.h"

int
cmd_show(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "optdemo show: not implemented yet\n");
    return EXIT_FAILED;
}
