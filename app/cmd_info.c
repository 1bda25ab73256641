/* cmd_info.c: placeholder, to be written. */
#include <stdio.h>

#include "optdemo.h"

int
cmd_info(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "optdemo info: not implemented yet\n");
    return EXIT_FAILED;
}
