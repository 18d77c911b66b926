/* Subcommands of build/lpcs. Each lives in its own cmd_<name>.c and returns
 * the process exit status (0 success, 1 runtime error, 2 usage error). */
#ifndef LPCS_CLI_COMMANDS_H
#define LPCS_CLI_COMMANDS_H

int cmd_num(int argc, char **argv);   /* number formats: lpcs num FORMAT OP ARGS */
int cmd_run(int argc, char **argv);   /* generate text with a model */
int cmd_ppl(int argc, char **argv);   /* NLL / perplexity of a model on a text file */
int cmd_bench(int argc, char **argv); /* tokens/s and per-op costs */
int cmd_sweep(int argc, char **argv); /* design-space exploration sweep */
int cmd_gen_model(int argc, char **argv); /* random-weight checkpoints with public models' shapes */

#endif
