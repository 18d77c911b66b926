/* Subcommands of build/lpcs. Each lives in its own cmd_<name>.c and returns
 * the process exit status (0 success, 1 runtime error, 2 usage error). */
#ifndef LPCS_CLI_COMMANDS_H
#define LPCS_CLI_COMMANDS_H

#include "backend_rtl.h"
#include "design_point.h"
#include "engine.h"

/* What the CLI configures its backends with (it reads the command line and
 * the environment, the libraries never do): the platform sim backend's
 * design point (--design-point FILE; defaults otherwise) and the rtl
 * backend's waveform (--vcd, --vcd-window). Must outlive the engines. */
typedef struct {
    dp_config point;
    rt_rtl_config rtl;
} cli_backend_cfg;

/* Registers the SystemC platform as "sim" and rtl on so, with cfg (default
 * point, no waveform until cli_design_point fills it in); 1 with a message
 * on stderr on failure. */
int cli_register_backends(rt_sched_opts *so, cli_backend_cfg *cfg, const char *cmd);

int cmd_num(int argc, char **argv);   /* number formats: lpcs num FORMAT OP ARGS */
int cmd_run(int argc, char **argv);   /* generate text with a model */
int cmd_ppl(int argc, char **argv);   /* NLL / perplexity of a model on a text file */
int cmd_bench(int argc, char **argv); /* tokens/s and per-op costs */
int cmd_sweep(int argc, char **argv); /* design-space exploration sweep */
int cmd_convert(int argc, char **argv); /* write a model as GGUF */
int cmd_tokenize(int argc, char **argv); /* token ids of a text with a GGUF's tokenizer */
int cmd_gen_model(int argc, char **argv); /* random-weight checkpoints with public models' shapes */
int cmd_workload(int argc, char **argv); /* shape-only workloads of real models */
int cmd_cosim(int argc, char **argv); /* the units' Verilated co-simulations */

#endif
