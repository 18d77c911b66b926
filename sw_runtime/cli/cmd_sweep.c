/* lpcs sweep — placeholder until its issue lands. */
#include <stdio.h>

#include "cli/commands.h"

int cmd_sweep(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "lpcs sweep: not implemented yet\n");
    return 1;
}
