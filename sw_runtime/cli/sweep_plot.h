/* Plots of `lpcs sweep --plot` (gnuplot): the Pareto front of a sweep's CSV
 * with a throughput objective, and a per-op roofline of one design point. */
#ifndef LPCS_CLI_SWEEP_PLOT_H
#define LPCS_CLI_SWEEP_PLOT_H

#include <stddef.h>

/* Field k (0-based) of a CSV line (quotes honoured, "" = "), into out;
 * 0, or -1 when the line has fewer fields. */
int sweep_csv_field(const char *line, int k, char *out, size_t len);

/* Reads the sweep CSV csv (rows with an nll), writes prefix.front.csv (the
 * points no other point beats on all of nll, energy_per_token_uJ,
 * area_active_mm2 and tokens_per_s) and prefix.pareto.{png,svg}: NLL vs
 * tokens/s per mm^2, colour = energy per token, front points labelled with
 * id, plan and hardware. best_id gets the front point with the most tokens/s
 * per mm^2 ("" if none). 0, or -1 with a message in err. */
int sweep_plot_front(const char *csv, const char *prefix, char *best_id, size_t best_len, char *err, size_t len);

typedef struct {
    char name[40], unit[12];
    double macs, dram_bytes, cycles, compute_cycles;
} roof_op;

/* prefix.roofline.{png,svg}: every op of one token as (MACs per DRAM byte,
 * MACs per cycle), the DRAM roof (dram_bytes_per_cycle x intensity) and each
 * unit's compute roof (the best MACs/compute-cycle of its ops). */
int sweep_plot_roofline(const char *prefix, const char *title, const roof_op *ops, int n, double dram_bytes_per_cycle,
                        char *err, size_t len);

/* Plots of a shape-only workload sweep's CSV (cli/workload_sweep.h), per
 * phase (decode, prefill): prefix_PHASE.{png,svg} (tokens/s per mm^2 vs
 * energy per token, colour = nll_proxy_shipped; rows without a proxy left
 * out) with the 3-objective Pareto front (min energy, max tokens/s/mm^2, min
 * NLL proxy) circled, and prefix_PHASE_front.csv; *_front gets the fronts'
 * sizes. 0, or -1 with a message in err. */
int sweep_plot_workload(const char *csv, const char *prefix, int *decode_front, int *prefill_front, char *err,
                        size_t len);

#endif
