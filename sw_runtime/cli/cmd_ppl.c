/* lpcs ppl — placeholder until its issue lands. */
#include <stdio.h>

#include "cli/commands.h"

int cmd_ppl(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "lpcs ppl: not implemented yet\n");
    return 1;
}
