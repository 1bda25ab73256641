/* cmd_python.c: `optdemo python ARGS...` hands the rest of the command line
 * to the embedded interpreter, as if it were python3.11 itself: the same
 * build the measurements use, with optnative importable. */
#include "interp.h"
#include "optdemo.h"

int
cmd_python(int argc, char **argv)
{
    /* argv[0] is "python": it becomes sys.argv[0]'s stand-in, as in
     * `python3.11 ARGS...`. */
    return interp_python_main(argc, argv);
}
