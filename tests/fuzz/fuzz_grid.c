/* libFuzzer harness: sweep grid files (`lpcs sweep GRID --list`: the grid
 * parser of sw_runtime/cli/cmd_sweep.c, base/grid/points expansion and the
 * design-point checks, then the id listing; no model is loaded). The input
 * is written to a temporary file. The command must return 0 (listed), 1
 * (refused, with a message) or 2 (usage), never crash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "fuzz_file.h"
#include "platform_api.h"

/* The sweep's platform mode links the SystemC platform (C++); --list never
 * reaches it, so the fuzzer links these stand-ins, which must not be called. */
int platform_check_point(const dp_config *d) {
    (void)d;
    abort();
}
int platform_time_op(const dp_config *d, const arch_op *op, plat_result *r) {
    (void)d, (void)op, (void)r;
    abort();
}
int platform_exec_op(const dp_config *d, const arch_op *op, const plat_data *pd, plat_result *r) {
    (void)d, (void)op, (void)pd, (void)r;
    abort();
}

static char grid_path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 1 << 16) return 0;
    if (!grid_path[0]) {
        fuzz_tmp_path(grid_path, sizeof grid_path, "grid.json");
        if (!freopen("/dev/null", "w", stdout)) abort(); /* the id listing */
    }
    fuzz_write_file(grid_path, data, size);
    char a0[] = "sweep", a2[] = "--list";
    char *argv[] = {a0, grid_path, a2, NULL};
    int rc = cmd_sweep(3, argv);
    if (rc < 0 || rc > 2) abort();
    return 0;
}
