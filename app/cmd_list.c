/* cmd_list.c: placeholder, to be written. */
#include <stdio.h>

#include "optdemo.h"

int
cmd_list(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "optdemo list: not implemented yet\n");
    return EXIT_FAILED;
}
