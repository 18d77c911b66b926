/* What run / ppl / bench share beyond session.h: the design point, taken
 * from the command line here in the CLI (libraries never read the
 * environment). */
#ifndef LPCS_CLI_COMMON_H
#define LPCS_CLI_COMMON_H

#include "session.h"

/* Fills o->sched.point from --design-point FILE (or, deprecated, from
 * $LPCS_DESIGN_POINT, with a note on stderr) on top of the defaults, and
 * reconciles its "plan" with --plan: the point's plan is used when --plan is
 * absent, a different --plan is an error, a point without a plan records
 * the --plan in use. Handles --print-design-point. Also takes the waveform
 * file from the deprecated $LPCS_RTL_VCD when --vcd is absent. Returns -1 to go on, else
 * the exit status (0 after printing, 2 on a bad point). */
int cli_design_point(rt_common_opts *o, const char *cmd);

/* --check: says on stderr how many op calls were compared (or that none
 * ran outside cpu: nothing was checked, which is not a pass). */
void cli_check_summary(const rt_engine *eng, const char *cmd);

/* Adds what a reader needs to reproduce a report: lpcs version and git hash. */
void cli_report_stamp(json_t *report);

#endif
