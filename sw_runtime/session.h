/* Shared by the lpcs run / ppl / bench subcommands: common options, opening
 * a model with its tokenizer, progress output and the JSON report. */
#ifndef LPCS_RT_SESSION_H
#define LPCS_RT_SESSION_H

#include <jansson.h>
#include <stdio.h>

#include "engine.h"
#include "model.h"
#include "plan.h"
#include "tokenizer.h"

typedef struct {
    const char *model_path, *config_path, *tokenizer_path, *report_path, *plan_spec;
    rt_sched_opts sched;
    int threads;
    int quiet;
    int no_spin; /* --no-spin: the thread pool's idle threads always sleep (kn_pool_set_spin) */
    int strict; /* --strict: an op that cannot run on its requested backend is an error */
    const char *design_point_path; /* --design-point FILE (loaded by the CLI into the sim backend's point) */
    int print_design_point;        /* --print-design-point: print the point in use and exit */
    const char *vcd_path;          /* --vcd FILE: rtl waveform (the CLI configures the rtl backend) */
    unsigned long long vcd_window[2]; /* --vcd-window A:B ({0, 0}: all cycles) */
} rt_common_opts;

void rt_common_init(rt_common_opts *o);
/* Consumes argv[*i] (and its value) if it is a common option; returns 1 if
 * consumed, 0 if not, -1 on a bad value (message printed). */
int rt_common_arg(rt_common_opts *o, int argc, char **argv, int *i, const char *cmd);
/* Help text for the common options. */
void rt_common_help(FILE *out);

typedef struct {
    rt_model model;
    rt_tokenizer tok;
    rt_plan plan;
    rt_engine eng;
    char tok_path[1024];
} rt_session;

/* Loads model, tokenizer and plan, and builds the engine. Prints the error
 * (prefixed with cmd) and returns non-zero on failure. */
int rt_session_open(rt_session *s, const rt_common_opts *o, const char *cmd);
void rt_session_close(rt_session *s);

/* The run report: model, plan, and every op with its placement and costs. */
json_t *rt_report_new(const rt_session *s, const rt_common_opts *o, const char *cmd);
/* Writes report to path (jansson); prints an error and returns 1 on failure. */
int rt_report_write(json_t *report, const char *path, const char *cmd);
/* A human-readable op table (placement, time share, bytes) to out. */
void rt_print_ops(const rt_engine *eng, FILE *out, int with_time);

void rt_progress_stderr(void *ctx, size_t done, size_t total);

#endif
