/* Mean toggle count of a Verilator --coverage-toggle file (issue 16's
 * switching-activity drivers): the sum of every signal bit's toggle counter
 * and their number, the clock and reset left out (they toggle by
 * construction, not by data). Returns 0, or -1 if the file has no toggle
 * points (the model was not built with --coverage-toggle). Header-only: each
 * driver is one translation unit. */
#ifndef LPCS_TESTS_TOGGLE_COV_H
#define LPCS_TESTS_TOGGLE_COV_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int toggle_cov_sum(const char *path, double *sum, double *points) {
    FILE *f = fopen(path, "r");
    char line[4096];
    *sum = *points = 0;
    while (f && fgets(line, sizeof line, f)) {
        char *t = strstr(line, "v_toggle/");
        if (strncmp(line, "C '", 3) || !t || !strncmp(t + 9, "toclk", 5) || !strncmp(t + 9, "torst_n", 7)) continue;
        *sum += atof(strrchr(line, ' ') + 1), *points += 1;
    }
    if (f) fclose(f);
    return *points > 0 ? 0 : -1;
}

#endif
