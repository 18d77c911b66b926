/* The per-unit matmul interface: what a GEMV / GEMM on accelerator unit U
 * takes and returns, and the bit-exact contract every implementation of it
 * keeps (cpu kernels, the Verilated RTL, CUDA kernels, later hardware-exact
 * models). A backend that runs a unit's matmul implements rt_unit_mm for
 * that unit; the fp32 steps around it (norms, quantization, dequantization)
 * stay in one place per op type (bitlinear_offload.c for BitLinear), so the
 * op's result equals the cpu backend's bit for bit whatever runs the matmul.
 *
 * Units are named as in models/units.c. Contracts, per token t of n_tokens
 * (X and Y are row-major, one row per token):
 *
 *   "ternary"  W: rows x cols in {-1, 0, +1}, golden/ternary.h packed layout
 *              (rt_mm_weights.data, ternary_row_bytes(cols) bytes per row).
 *              X: int8 [n][cols]. Y: int32 [n][rows],
 *              Y[t][r] = sum_k W[r][k] * X[t][k], exact (integer sums; no
 *              overflow for cols < 2^24). Reference: golden ternary_gemv_i32.
 *   "lutgemv"  W: int16 [rows][cols] weights of rt_mm_weights.lut (w_kind,
 *              w_bits, g, qgroup; batch ignored), tables built with
 *              entry_bits. X: int8 [n][cols] within the configuration's a_bits.
 *              Y: int64 [n][lutgemv_acc_len of batch 1], = golden
 *              lutgemv_build_tables + lutgemv_gemv with batch 1, per token.
 *   "rmmec"    W: uint16 words [rows][cols] of rt_mm_weights.mode (4, 4, 2 or
 *              1 lanes per word: FP4, P4, P8, P16). X: uint16 words [n][cols].
 *              Y: uint32 [n][rows] in rt_mm_weights.out (posit or fp32 bits),
 *              = golden rmmec_gemv, per token (its quire, one rounding).
 *
 * A new number format with its own unit datapath adds a contract here; a
 * new implementation of an existing unit only implements rt_unit_mm and is
 * checked against the reference (tests/test_unit_matmul.c) before a backend
 * may place ops on it. */
#ifndef LPCS_RT_UNIT_MATMUL_H
#define LPCS_RT_UNIT_MATMUL_H

#include <stddef.h>
#include <stdint.h>

#include "lutgemv.h"
#include "rmmec.h"

/* One weight matrix, as the unit's contract above describes it. */
typedef struct {
    size_t rows, cols;
    const void *data;       /* ternary: packed bytes; lutgemv: int16; rmmec: uint16 words */
    const lutgemv_cfg *lut; /* lutgemv: rows, cols, g, w_kind, w_bits, a_bits, qgroup */
    int entry_bits;         /* lutgemv: table word width (0 = derived) */
    rmmec_mode mode;        /* rmmec */
    rmmec_out out;          /* rmmec */
} rt_mm_weights;

typedef struct rt_unit_mm {
    const char *unit; /* "ternary", "lutgemv", "rmmec" */
    const char *impl; /* who runs it: "golden", "cpu", "rtl", "cuda", ... */
    /* Prepares one matrix (unpack, upload, table build) once; *mat is the
     * implementation's handle. w->data must outlive the handle. */
    int (*prepare)(void *ctx, const rt_mm_weights *w, void **mat);
    /* Y = W X for n_tokens rows of X (types per the unit's contract). */
    int (*gemm)(void *ctx, void *mat, const void *x, int n_tokens, void *y);
    void (*release)(void *ctx, void *mat);
} rt_unit_mm;

/* prepare / release for implementations that need nothing but the
 * weights (the handle is a copy of *w). */
int rt_mm_keep_prepare(void *ctx, const rt_mm_weights *w, void **mat);
void rt_mm_keep_release(void *ctx, void *mat);

/* The golden implementations (ctx NULL): the reference every other one equals. */
extern const rt_unit_mm rt_unit_mm_golden_ternary, rt_unit_mm_golden_lutgemv, rt_unit_mm_golden_rmmec;
/* The cpu backend's fast ternary GEMM (ternary_fast.h; ctx NULL, or a kn_pool
 * whose threads split the rows). */
extern const rt_unit_mm rt_unit_mm_cpu_ternary;

#endif
