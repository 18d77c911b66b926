/* Sweeps over shape-only workloads (models/workload.h): the cartesian
 * product of a grid's design-point fields and run parameters (workload,
 * prompt, gen, batch, w_bits, kv_bits), costed by the analytical model or by
 * the SystemC platform (sim/platform), one CSV row per point with an
 * accuracy proxy (models/nll_proxy.csv). Used by `lpcs sweep` (a grid with a
 * "workload") and `lpcs workload --sweep`. Resumes after the last complete
 * row of OUT when its header and mode match. */
#ifndef LPCS_CLI_WORKLOAD_SWEEP_H
#define LPCS_CLI_WORKLOAD_SWEEP_H

#include <stddef.h>

#include "workload.h"

typedef struct {
    int platform;          /* 1: the SystemC platform times every op */
    int quiet;
    const char *nll_proxy; /* CSV of models/nll_proxy.sh; NULL: models/nll_proxy.csv beside the grid's models/ */
    const char *prog;      /* "lpcs sweep" or "lpcs workload" (messages) */
    int shard_k, shard_n;  /* only the points i with i % shard_n == shard_k (shard_n <= 1: all) */
    int list;              /* print the shard's point ids (index,id), evaluate nothing */
    int plot;              /* then plot OUT (cli/sweep_plot.h sweep_plot_workload; OUT minus .csv as prefix) */
} wl_sweep_opts;

/* 1 if the grid file names a "workload" in its base or grid, 0 if not, -1 if unreadable. */
int wl_grid_has_workload(const char *grid_path);
/* Runs (or resumes) the sweep, or lists its points; 0, or 1 with a message on
 * stderr. A shard's CSV holds its points in grid order, so resuming skips
 * as many of the shard's points as OUT has complete rows. */
int wl_sweep_run(const char *grid_path, const char *out, const wl_sweep_opts *o);

/* wl_op_timer of the SystemC platform: the op (op->tokens tokens, weights
 * streamed when dram > 0) through platform_time_op; attention ops of several
 * sequences run once per sequence (each reads its own KV cache). ctx: a
 * wl_platform_memo (platform results of equal ops on one design point are
 * reused: the platform is idle between ops, so an op's timing depends only
 * on the op and the point). */
typedef struct {
    struct wl_plat_memo_e *e;
    int n, cap;
} wl_platform_memo;
int wl_platform_timer(void *ctx, const dp_config *d, const arch_op *op, double dram, wl_inst_cost *out);
void wl_platform_memo_free(wl_platform_memo *m);

#endif
