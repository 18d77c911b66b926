/* lpcs num — placeholder until its issue lands. */
#include <stdio.h>

#include "cli/commands.h"

int cmd_num(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "lpcs num: not implemented yet\n");
    return 1;
}
