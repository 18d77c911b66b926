/* Bridge from the runtime's op list (sw_runtime/engine.h) to the analytical
 * architecture model (arch_model.h): which unit each op uses, its cost on a
 * design point, and the sum over one token. Weight residency: weights are
 * placed in on-chip SRAM greedily in op order until sram_kib is full (the
 * rest streams from DRAM every token); LUT-GEMV tables likewise fill the PIM
 * banks (banks x pim_kib); the KV cache / recurrent state stays on chip if
 * it fits in what SRAM is left. */
#ifndef LPCS_RT_ARCH_H
#define LPCS_RT_ARCH_H

#include "arch_model.h"
#include "engine.h"

typedef struct {
    double cycles, energy_pj, dram_bytes, sram_bytes;
    double e_compute_pj, e_sram_pj, e_dram_pj;
    double unit_cycles[ARCH_MAX_UNITS], unit_energy_pj[ARCH_MAX_UNITS]; /* per arch_unit */
    double weight_bytes, resident_weight_bytes;
} rt_arch_token;

/* Fills out for op at position pos (attention length pos+1). 0, or -1 if the
 * op has no cost model (never: unknown types count as vector ops). */
int rt_arch_from_op(const rt_engine *eng, const rt_op *op, int pos, arch_op *out);
/* The design point a backend was registered with (cfg: a dp_config), or the
 * default point when it has none. */
void rt_arch_point(const void *cfg, dp_config *d);
/* Storage format family of a format name ("int4", "mxint8" -> INT, "ternary" -> TERNARY). */
arch_fmt rt_arch_fmt(const char *name);
/* Cost of one token at position pos; per_op (may be NULL) gets eng->n_ops entries. */
int rt_arch_token_cost(const rt_engine *eng, const dp_config *d, int pos, arch_cost *per_op, rt_arch_token *tot);
/* Adds one op's cost c to the token totals. */
void rt_arch_token_add(rt_arch_token *tot, const arch_op *op, const arch_cost *c);
/* Sets op->weights_resident / tables_resident for op i given the fill so far. */
void rt_arch_residency(const rt_engine *eng, const dp_config *d, arch_op *ops, int n);

#endif
