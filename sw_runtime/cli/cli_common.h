/* What run / ppl / bench share beyond session.h: the design point, taken
 * from the command line here in the CLI (libraries never read the
 * environment). */
#ifndef LPCS_CLI_COMMON_H
#define LPCS_CLI_COMMON_H

#include "cli/commands.h"
#include "session.h"
#include <stdio.h>

/* Fills bcfg->point (the design point of the sim backend) from --design-point FILE (or, deprecated, from
 * $LPCS_DESIGN_POINT, with a note on stderr) on top of the defaults, and
 * reconciles its "plan" with --plan: the point's plan is used when --plan is
 * absent, a different --plan is an error, a point without a plan records
 * the --plan in use. Handles --print-design-point. Also takes the waveform
 * file (bcfg->rtl) from --vcd / --vcd-window or the deprecated
 * $LPCS_RTL_VCD. Returns -1 to go on, else
 * the exit status (0 after printing, 2 on a bad point). */
int cli_design_point(rt_common_opts *o, cli_backend_cfg *bcfg, const char *cmd);

/* --check: says on stderr how many op calls were compared (or that none
 * ran outside cpu: nothing was checked, which is not a pass). */
void cli_check_summary(const rt_engine *eng, const char *cmd);

/* The closing summary of run / bench / ppl (like llama.cpp's timing lines):
 * host tokens/s; with ops on a backend with a cost model (sim) also the
 * simulated tokens/s at the design point's clock, energy per token, DRAM
 * GB/s and the bounding resource with its share of the simulated cycles.
 * Also returns the simulated numbers as a JSON object for the report (NULL
 * when nothing was simulated). */
json_t *cli_summary(FILE *out, const rt_engine *eng, const dp_config *d, double host_s, const char *cmd);

/* Adds what a reader needs to reproduce a report: the design point (and
 * its file), lpcs version and git hash. */
void cli_report_stamp(json_t *report, const rt_common_opts *o, const cli_backend_cfg *bcfg);

/* "CMD: MSG[ARG]" on stderr; returns 1 (the runtime-error exit status).
 * Inline: cmd_sweep.c is linked without cli_common.c by the fuzz_grid
 * harness (tests/fuzz.mk), which must not pull in the backends. */
static inline int cli_fail(const char *cmd, const char *msg, const char *arg) {
    fprintf(stderr, "%s: %s%s\n", cmd, msg, arg ? arg : "");
    return 1;
}

#endif
