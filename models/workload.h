/* Workloads of real models without their weights: a model's shape (from its
 * published config, one models/workloads/ file) and the run's parameters
 * (prompt, generated tokens, batch, formats), costed phase by phase on a
 * design point with the per-op model of arch_model.h.
 *
 * Phases:
 *   prefill : batch*prompt tokens as one GEMM per matrix: the weights stream
 *             from DRAM once for the whole batch of tokens (unless on chip),
 *             compute is tokens x the unit's per-token cycles.
 *   decode  : one step makes one token for each of the batch sequences: the
 *             weights stream once per step (shared by the batch), each
 *             sequence reads its KV cache at the mean context
 *             prompt + gen/2 (from DRAM when the caches do not fit on chip).
 * Per op: cycles = arch_op_cost's tile pipeline (streamed weights or K/V through
 * the DMA's tile buffers, each tile paying the DRAM latency; attention once per
 * sequence), or the SRAM transfer + latency when that is longer; the op's bound
 * is the largest of compute, SRAM transfer and DRAM transfer. SRAM
 * transfer = the bytes the unit reads from SRAM (its weights or KV rows and
 * activations, once per token: arch_op_cost) + the DMA's staging writes, at
 * d->sram_bytes_per_cycle (0: SRAM bandwidth is not a bound).
 * wl_evaluate_with takes another timer for the same op stream: the SystemC
 * platform (sw_runtime/cli/workload_platform.c) for the model-vs-platform table.
 * Residency: weights fill sram_kib greedily in op order (as sw_runtime/rt_arch.c),
 * then the KV caches of all batch sequences if the whole of them fits. When
 * they do not, prefill attention stages K/V in the SRAM the weights leave:
 * once per sequence and layer if it fits, else per query block
 * (arch_prefill_kv_rows; the op's kv_reuse tells the timer). */
#ifndef LPCS_MODELS_WORKLOAD_H
#define LPCS_MODELS_WORKLOAD_H

#include <stddef.h>

#include "arch_model.h"
#include "design_point.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { WL_LLAMA, WL_BITNET, WL_MMFREE } wl_arch;

typedef struct {
    char name[64];
    wl_arch arch;
    long dim, layers, heads, kv_heads, hidden, vocab;
    int tied;                 /* classifier shares the embedding (counted once) */
    double params_published;  /* from the source, for the consistency check */
} wl_shape;

typedef struct {
    long prompt, gen, batch;
    double w_bits;            /* weight storage bits (ternary archs: 2) */
    arch_fmt w_fmt;
    double a_bits, kv_bits;
} wl_params;

typedef enum { WL_BOUND_COMPUTE, WL_BOUND_SRAM, WL_BOUND_DRAM } wl_bound;
const char *wl_bound_name(wl_bound b);

#define WL_MAX_OPS 16
typedef struct {
    const char *name;         /* "wq", "w1", "attention", ... */
    arch_op_kind kind;
    arch_unit unit;
    double count;             /* times per layer (or 1 for the head) */
    double cycles, compute_cycles, mem_cycles, sram_cycles, dram_bytes, energy_pj;
    int dram_bound;           /* 1: DRAM transfer is the largest of compute, SRAM, DRAM */
    wl_bound bound;
} wl_op_cost;

/* Cost of one op instance: `tokens` tokens through op (op->tokens is set),
 * its weights (or KV rows) streamed from DRAM once: `dram` bytes (0: on chip). */
typedef struct {
    double cycles, compute_cycles, mem_cycles, sram_cycles, dram_bytes, energy_pj;
} wl_inst_cost;
typedef int (*wl_op_timer)(void *ctx, const dp_config *d, const arch_op *op, double dram, wl_inst_cost *out);
/* The analytical timer (the default of wl_evaluate). */
int wl_analytical_timer(void *ctx, const dp_config *d, const arch_op *op, double dram, wl_inst_cost *out);

typedef struct {
    double cycles, energy_pj, dram_bytes;
    int n_ops;
    wl_op_cost ops[WL_MAX_OPS];
} wl_phase;

typedef struct {
    double params, weight_bytes, kv_bytes;     /* whole model / all sequences at the final context */
    int weights_on_chip, kv_on_chip;           /* 1 if all of it fits in SRAM */
    double prefill_kv_rows;                    /* K/V rows read from DRAM per sequence and layer in
                                                * prefill when off chip (arch_prefill_kv_rows) */
    wl_phase prefill, decode_step;
    double ttft_s, tpot_s, tokens_per_s, energy_per_token_j; /* decode tokens/s over the batch */
    double prefill_energy_per_token_j, area_mm2;
} wl_result;

/* Reads a workload shape JSON (unknown keys other than "_comment",
 * "source", "params_published" are an error). 0, or -1 with err. */
int wl_shape_parse(const char *text, wl_shape *s, char *err, size_t errlen);
int wl_shape_load(const char *path, wl_shape *s, char *err, size_t errlen);
/* Defaults: prompt 512, gen 128, batch 1, a 8 bits, kv 16 bits, weights int4
 * (ternary archs: ternary, 2 bits). */
void wl_params_default(const wl_shape *s, wl_params *p);
/* Parameter count from the shape (matrices + embedding [+ classifier]; norms left out). */
double wl_param_count(const wl_shape *s);
/* Cost of the workload on d. 0, or -1 with err on bad arguments. */
int wl_evaluate(const wl_shape *s, const wl_params *p, const dp_config *d, wl_result *r, char *err, size_t errlen);
/* The same op stream costed by `timer` (ctx passed through). */
int wl_evaluate_with(const wl_shape *s, const wl_params *p, const dp_config *d, wl_op_timer timer, void *ctx,
                     wl_result *r, char *err, size_t errlen);
const char *wl_arch_name(wl_arch a);

#ifdef __cplusplus
}
#endif
#endif
