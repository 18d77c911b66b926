/* lpcs bench — placeholder until its issue lands. */
#include <stdio.h>

#include "cli/commands.h"

int cmd_bench(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "lpcs bench: not implemented yet\n");
    return 1;
}
