/* Analytical cycle, energy and area model of one accelerator design point
 * (models/design_point.h) running the runtime's op stream. The units are
 * modules with descriptors (models/unit.h, table in models/units.c): this
 * file picks the unit of an op (highest rank) and adds the memory system
 * around its compute cost; it names no unit.
 *
 * Unit mapping of the shipped units (one op runs on one unit class):
 *   BitLinear (ternary weights)     -> ternary GEMV engine (else PIM, else RMMEC)
 *   GEMV with intN weights          -> SRAM-PIM LUT-GEMV banks (else RMMEC)
 *   GEMV with any other weights     -> RMMEC array: 4 lanes/command for <= 4-bit
 *                                      weights (FP4/P4 modes), 2 for <= 8 (P8), 1 else (P16)
 *   attention (q.K and p.V)         -> RMMEC array with the KV format's lanes
 *   everything else (norms, rope,   -> vector unit, vector_lanes fp32 elements/cycle
 *   softmax, activations, quant)
 * Cycles of an op = compute when nothing is streamed, else the DMA tile pipeline
 * (arch_op_cost: n tiles through DMA_TILE_BUFFERS buffers, each paying the DRAM
 * latency). Compute cycles per unit come from the RTL pipelines (models/README.md):
 *   RMMEC   : ceil(rows/units) * (ceil(cols/lanes) + 1) + RMMEC_PIPE_FILL
 *   ternary : ceil(cols/ktile) + words * (2, or 1 with overlapped loads) + 3,
 *             words = ceil(rows/lanes) * ceil(cols/ktile)
 *   PIM     : models/lutgemv_model.h per pass of banks*rows_per_bank rows
 * Energy = unit events x calibrated per-event energies + SRAM bytes x
 * pJ/byte(sram size) + DRAM bytes x pJ/byte. Area = units x calibrated unit
 * area + SRAM + PIM arrays. Constants: arch_consts.h (each with its source). */
#ifndef LPCS_MODELS_ARCH_MODEL_H
#define LPCS_MODELS_ARCH_MODEL_H

#include <stddef.h>

#include "design_point.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { ARCH_OP_GEMV, ARCH_OP_BITLINEAR, ARCH_OP_ATTENTION, ARCH_OP_VECTOR, ARCH_OP_KIND_COUNT } arch_op_kind;
/* A unit: index in the table of models/units.c. The shipped units have
 * names here; a unit added later is found by name (arch_unit_find). */
typedef enum { ARCH_U_RMMEC, ARCH_U_TERNARY, ARCH_U_LUTGEMV, ARCH_U_VECTOR } arch_unit;
#define ARCH_U_PIM ARCH_U_LUTGEMV /* its old name */
#define ARCH_MAX_UNITS 8          /* capacity of per-unit arrays */
typedef enum { ARCH_FMT_FLOAT, ARCH_FMT_INT, ARCH_FMT_TERNARY, ARCH_FMT_SHIFTMAC } arch_fmt;

typedef struct {
    arch_op_kind kind;
    size_t rows, cols;   /* GEMV / BitLinear: W[rows][cols] */
    size_t n;            /* attention: positions*dim MACs per matrix (q.K, p.V); vector: elements */
    size_t kv_n;         /* attention: K (or V) values read per matrix, positions*kv_dim
                          * (GQA: fewer than n); 0 = n */
    double passes;       /* vector: element passes (e.g. rmsnorm 2); 0 = 1 */
    double w_bits;       /* storage bits per weight (incl. scales); attention: KV bits */
    double a_bits;       /* activation bits entering the unit */
    arch_fmt w_fmt;
    int weights_resident;/* 1: weights (or KV) already in on-chip SRAM */
    int tables_resident; /* PIM: LUT tables already built in the banks */
    double tokens;       /* tokens sharing one pass over the weights (prefill GEMM, batched
                          * decode): compute, unit events and SRAM reads x tokens, DRAM once; 0 = 1 */
    double kv_reuse;     /* attention with K/V streamed: query positions served by one DRAM read of a
                          * K/V row (the row stays staged in SRAM for them; arch_prefill_kv_rows);
                          * the unit still reads it from SRAM once per query. 0 = 1 (re-read per query) */
} arch_op;

typedef struct {
    arch_unit unit;
    double compute_cycles, mem_cycles, cycles;
    double dram_bytes, sram_bytes;
    double energy_pj, e_compute_pj, e_sram_pj, e_dram_pj;
    double unit_events;  /* RMMEC commands / ternary words / PIM lookups / vector element-passes */
} arch_cost;

typedef struct {
    double unit[ARCH_MAX_UNITS]; /* mm^2 per unit (arch_unit index) */
    double sram, total;          /* mm^2 */
} arch_area;

const char *arch_unit_name(arch_unit u);
const char *arch_op_kind_name(arch_op_kind k);

/* Values of K (or V) an attention op reads: kv_n, or n when kv_n is 0. */
double arch_kv_values(const arch_op *op);
/* DRAM bytes of K and V an attention op streams when they are off chip:
 * 2 * kv values * bits / 8 / kv_reuse. */
double arch_kv_dram_bytes(const arch_op *op);
/* K/V rows (token positions) one sequence's causal prefill of P queries
 * reads from DRAM per layer when the caches are off chip, with stage_bytes
 * of SRAM free for it (what resident weights leave):
 *   P * kv_row_bytes <= stage_bytes: the sequence's K/V of the layer is
 *     staged once and every query reuses it: P rows;
 *   else FlashAttention-style query blocks: Qb = stage_bytes / q_row_bytes
 *     queries (q row + fp32 output accumulator) stay on chip, 1 <= Qb <= P,
 *     and the K/V rows each block attends to stream past them once:
 *     Qb * nb * (nb - 1) / 2 + P rows for nb = ceil(P / Qb) blocks
 *     (Qb = 1: P(P+1)/2, a re-read per query). */
double arch_prefill_kv_rows(double P, double kv_row_bytes, double q_row_bytes, double stage_bytes);
/* Which unit runs op on design point d. */
arch_unit arch_pick_unit(const dp_config *d, const arch_op *op);
/* RMMEC lanes per command for a weight storage width (4, 2 or 1). */
int arch_rmmec_lanes(double w_bits);
/* Compute-only cycles of the units (no memory), exposed for validation. */
double arch_rmmec_cycles(size_t rows, size_t cols, int lanes, int units);
double arch_ternary_cycles(size_t rows, size_t cols, int lanes, int ktile);
/* Whole ternary-engine op: activation load, weight-buffer load (unless
 * overlapped), start, run (arch_consts.h). */
double arch_ternary_op_cycles(size_t rows, size_t cols, int lanes, int ktile, int overlap_load);
/* PIM cycles per token for a rows x cols GEMV with w_bits weights (naive lookups). */
double arch_pim_cycles(const dp_config *d, size_t rows, size_t cols, int w_bits, int a_bits, int tables_resident);
/* DRAM bytes per cycle at d's clock. */
double arch_dram_bytes_per_cycle(const dp_config *d);
double arch_dram_latency_cycles(const dp_config *d);
/* SRAM energy per byte for an array of kib KiB (log-log interpolation of Horowitz). */
double arch_sram_pj_per_byte(double kib);
/* The same at d's size and technology node (tech_nm). */
double arch_sram_pj_per_byte_at(const dp_config *d);

/* DMA tiles an op's streamed data is cut into on unit u (whole groups of the
 * unit's parallel rows, about dma_burst_bytes each; LUT-GEMV: per pass). */
double arch_dma_tiles(const dp_config *d, const arch_op *op, arch_unit u);
/* Cost of one op on d; -1 on bad arguments. */
int arch_op_cost(const dp_config *d, const arch_op *op, arch_cost *out);
int arch_area_of(const dp_config *d, arch_area *out);

#ifdef __cplusplus
}
#endif
#endif
