/* C API of the SystemC TLM-2.0 accelerator platform (sim/platform/).
 *
 * One platform per process (SystemC elaborates once; platform.cpp keeps it in
 * one documented object, `kern`, behind a lock): host command queue,
 * bus, DMA engine, DRAM (bandwidth + latency, pipelined bursts), on-chip
 * SRAM, and the units (RMMEC array, ternary engine, PIM banks, vector unit).
 * Each call runs one op to completion in simulated time and returns its
 * cycles, energy and bytes. Functional results are computed by the
 * platform's own unit modules on the operands they received
 * (platform_exec_op): the DMA copies each weight tile, in the unit's storage
 * format, into one of the unit's two tile buffers and the unit computes that
 * tile's rows from its buffer with the unit's arithmetic (golden's unit
 * functions on the received words: rmmec_gemv, ternary_gemv_i32; the PIM
 * bank and shift-MAC engine of pim_bank.h); the ops no
 * unit implements run on the vector unit (vector_unit.h). The API takes data
 * only, no callback: nothing outside sim/ can supply a result. Timing comes from
 * the unit models (models/arch_model.h) per tile plus the memory system:
 * weights stream from DRAM tile by tile (dma_burst_bytes per tile, two tile
 * buffers: the DMA runs at most two tiles ahead of the unit).
 *
 * Link: build/platform/libplatform.a build/libmodels.a build/libgolden.a
 *       -lsystemc -lstdc++ -ljansson -lm. */
#ifndef LPCS_SIM_PLATFORM_API_H
#define LPCS_SIM_PLATFORM_API_H

#include <stddef.h>
#include <stdint.h>

#include "arch_model.h"
#include "design_point.h"
#include "lutgemv.h"
#include "qformat.h"
#include "rmmec.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    arch_unit unit;
    double cycles;         /* host command issue to completion */
    double compute_cycles; /* cycles the unit was busy */
    double dram_bytes, sram_bytes;
    double energy_pj;
    int tiles;             /* DMA tiles (0: weights on chip) */
} plat_result;

/* Every call carries its design point d: calls are serialized inside (any
 * thread may call) and each one runs on its own point, so callers with
 * different points never see each other's configuration. */

/* 0 if d is a valid design point, else -1. */
int platform_check_point(const dp_config *d);
/* Times op through the platform on design point d (no data). */
int platform_time_op(const dp_config *d, const arch_op *op, plat_result *r);

/* What a unit computes for one op, and the operands it receives. */
typedef enum {
    PD_GEMV_RMMEC,  /* y[rows] = W x on the RMMEC: w = [rows][cols/lanes] words of rmmec mode `mode`
                     * (the unit's storage format); x fp32 [cols], converted to the mode's format at
                     * the unit input (RNE, saturating); quire / accumulator, one RNE readout to fp32 */
    PD_BITLINEAR,   /* ternary engine: w = packed ternary rows (golden/ternary.h), v = norm weight [cols],
                     * inv_beta; RMSNorm + int8 absmax on the vector unit, int32 GEMV on the engine,
                     * dequantize on the vector unit (golden/bitlinear.h steps 5-11) */
    PD_GEMV_LUT,    /* PIM LUT-GEMV bank (sim/platform/pim_bank.h): w = rows of pim_row_bytes(&lut) bytes,
                     * each the row's fp32 scale then its w_bits codes (LSB first, two's complement;
                     * ternary 01 = +1, 11 = -1); x fp32 [cols], a_bits codes at the unit input;
                     * bit-serial table lookups, golden lutgemv_convert readout */
    PD_GEMV_SHIFTMAC, /* shift-MAC engine: w = rows of the fp32 alpha then the packed codes (golden/shiftmac.h);
                       * int8 absmax activations, exact int32 shifts, golden step-4 readout */
    PD_GEMV_F32,    /* vector unit fp32 GEMV: w fp32 rows (mode 1: bf16 rows), lpcs_dot_f32 order */
    PD_EMBED,       /* out[n] = the weight row w (the token's row) */
    PD_RMSNORM,     /* out = rmsnorm(in) * v, llama2.c order */
    PD_RMSNORM_BL,  /* out = golden bitlinear_rmsnorm_f32(in, v, eps) */
    PD_QUANT,       /* in[n] and in2[n] (if set) rounded in place to qf (rows of row_len) */
    PD_ROPE,        /* in = q [n], in2 = k [cols], v = this position's cos/sin row [head_size] */
    PD_ATTENTION,   /* out = attention(in = q) over k_cache / v_cache rows 0..T-1 */
    PD_SWIGLU,      /* out = silu(in) * in2 */
    PD_ADD,         /* out += in */
    PD_MLGRU,       /* out = state, updated by golden hgrn_mlgru_recur(in = i, in2 = f, v = lb row) */
    PD_GATED_NORM,  /* out = golden hgrn_gate_out(in, v, in2 = state) */
    PD_GLU,         /* out[n] = golden hgrn_glu(in) */
    PD_KIND_COUNT
} plat_dkind;

typedef struct {
    plat_dkind kind;
    int mode;               /* PD_GEMV_RMMEC: rmmec_mode; PD_GEMV_F32: 1 = bf16 weights */
    lutgemv_cfg lut;        /* PD_GEMV_LUT: rows, cols, g, w_bits, w_kind, a_bits (batch 1, qgroup 0) */
    size_t rows, cols, n;
    const void *w;          /* the weight image in DRAM, [rows][w_row_bytes] */
    size_t w_row_bytes;
    const float *v;         /* small vector operand (norm weight, lb row, cos/sin row) */
    float eps, inv_beta;
    const float *in, *in2;
    float *out;
    const qformat *qf;      /* PD_QUANT */
    size_t row_len;
    const float *k_cache, *v_cache; /* PD_ATTENTION: this layer's cache, rows kv_dim floats apart */
    size_t T, kv_dim, n_heads, kv_mul, head_size;
    /* Test hook (the design under test): flip one bit of one weight tile in
     * the unit's tile buffer after the DMA delivered it (GEMV kinds), or one
     * bit of the vector unit's result (other kinds). */
    int fault;
} plat_data;

/* Bytes of one weight row in the storage format of PD_GEMV_LUT (the fp32
 * scale, then cols codes of w_bits bits) and of PD_GEMV_SHIFTMAC (the fp32
 * alpha, then ceil(cols / 2) bytes of packed codes). */
static inline size_t plat_lut_row_bytes(const lutgemv_cfg *c) { return 4 + (c->cols * (size_t)c->w_bits + 7) / 8; }
static inline size_t plat_shift_row_bytes(size_t cols) { return 4 + (cols + 1) / 2; }

/* Runs op on design point d: timing as platform_time_op, and the unit
 * computes the result from the operands in pd (written to pd->out / in place). */
int platform_exec_op(const dp_config *d, const arch_op *op, const plat_data *pd, plat_result *r);

/* Unit ops with golden results (and platform timing; weights from DRAM). */
int platform_ternary_gemv(const dp_config *d, const uint8_t *packed, size_t rows, size_t cols, const int8_t *x,
                          int32_t *y, plat_result *r);
int platform_rmmec_gemv(const dp_config *d, rmmec_mode mode, const uint16_t *w, size_t rows, size_t cols,
                        const uint16_t *x, rmmec_out f, uint32_t *y, plat_result *r);
/* Tables built from w by the banks (not resident), batch 1, naive lookups. */
int platform_pim_gemv(const dp_config *d, const lutgemv_cfg *c, const int16_t *w, const int8_t *x, int64_t *acc,
                      plat_result *r);

/* Simulated time so far (ns), for reports. */
double platform_now_ns(void);

#ifdef __cplusplus
}
#endif
#endif
