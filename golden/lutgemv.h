/* SRAM-PIM LUT-GEMV (after SAIL): weight-stationary lookup tables, bit-serial
 * activations, batched lookups with pattern reuse, exact integer result and
 * in-memory type conversion to fp32.
 *
 * Definitions (K = cols, M = rows, N = batch, G = ceil(K/g) table groups):
 *
 * Weights. w[r*K + k] is an int16_t code; its effective integer value is
 *   LUTGEMV_W_SIGNED:      w itself, two's complement w_bits bits:
 *                          [-2^(w_bits-1), 2^(w_bits-1)-1]  (w_bits=1: {-1,0})
 *   LUTGEMV_W_TERNARY:     w itself, in {-1,0,+1} (w_bits must be 2)
 *   LUTGEMV_W_UNSIGNED_ZP: w - zp[r*Q + q], code in [0, 2^w_bits-1], zero point
 *                          zp in [0, 2^w_bits-1] per row and scale group q
 *                          (the zero point is folded into the tables at build).
 * Padding. K need not be a multiple of g: the last group is padded with
 *   weights 0 and activations 0, which add nothing (T entries for padded
 *   positions are built from weight 0).
 * Tables. T[(r*G + grp)*2^g + idx] = sum_{j<g} bit_j(idx) * weff[r][grp*g+j].
 *   Entry range is [g*min(wmin,0), g*max(wmax,0)] over the effective weight
 *   range [wmin,wmax]; lutgemv_entry_bits() is the smallest two's complement
 *   width holding it (tight: the all-wmin / all-wmax group reaches it).
 * Activations. x[n*K + k] is int8_t, two's complement a_bits bits (2..8),
 *   value range [-2^(a_bits-1), 2^(a_bits-1)-1]. Bit plane p of token n and
 *   group grp gives idx = sum_j bit_p(x[n][grp*g+j]) << j, and
 *   c_p = 2^p for p < a_bits-1, c_{a_bits-1} = -2^(a_bits-1) (sign plane).
 * Scale groups. qgroup weights per scale along K (a multiple of g), or 0 for
 *   one group per row; Q = ceil(K/qgroup). Result:
 *   acc[(n*M + r)*Q + q] = sum_{k in group q} weff[r][k] * x[n][k]
 *                        = sum_{grp in q} sum_p c_p * T[r][grp][idx(n,grp,p)]
 *   exactly (int64_t; lutgemv_acc_bits() is the width that always holds it).
 * Pattern-aware lookup. For each (r, grp, p) the N tokens' indices are looked
 *   up once per DISTINCT index (the value is broadcast to all tokens holding
 *   it). lookups_naive = M*G*a_bits*N, lookups_done = M * sum_{grp,p}
 *   (number of distinct idx over the batch); index 0 is looked up like any
 *   other (no zero skipping). Without pattern reuse lookups_done = naive.
 * Type conversion (in-memory, fixed op order, every op fp32 round-to-nearest-
 *   even, no fused multiply-add):
 *   s = +0.0f; for q = 0..Q-1: s = s + ((float)acc[n][r][q] * w_scale[r*Q+q]);
 *   y[n*M + r] = x_scale ? s * x_scale[n] : s;
 *   (float)acc is the C conversion int64 -> float (RNE).
 */
#ifndef LPCS_GOLDEN_LUTGEMV_H
#define LPCS_GOLDEN_LUTGEMV_H

#include <stddef.h>
#include <stdint.h>
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    LUTGEMV_W_SIGNED = 0,
    LUTGEMV_W_TERNARY = 1,
    LUTGEMV_W_UNSIGNED_ZP = 2
} lutgemv_wkind;

#define LUTGEMV_G_MIN 2
#define LUTGEMV_G_MAX 8
/* Largest M, K, N accepted: keeps every size product far from SIZE_MAX. */
#define LUTGEMV_DIM_MAX ((size_t)1 << 24)

typedef struct {
    size_t rows;          /* M, output rows */
    size_t cols;          /* K, reduction length */
    size_t batch;         /* N, tokens sharing the tables */
    int g;                /* table group size, 2..8 */
    int w_bits;           /* 1..8 (ternary: 2) */
    lutgemv_wkind w_kind;
    int a_bits;           /* activation bits, 2..8 */
    size_t qgroup;        /* weights per scale group (multiple of g), 0 = whole row */
} lutgemv_cfg;

typedef struct {
    uint64_t table_entries;   /* entries written by the table build: M*G*2^g */
    uint64_t lookups_naive;   /* M*G*a_bits*N */
    uint64_t lookups_done;    /* table reads actually performed */
    uint64_t lookups_saved;   /* naive - done */
    uint64_t accumulates;     /* shift-accumulate ops, M*G*a_bits*N */
    uint64_t conversions;     /* int -> fp32 conversions, N*M*Q */
} lutgemv_counts;

/* LPCS_OK, or LPCS_EINVAL (null / g, bits, kind, qgroup out of range),
 * LPCS_ERANGE (a zero or too large dimension). */
int lutgemv_cfg_check(const lutgemv_cfg *c);

size_t lutgemv_groups(const lutgemv_cfg *c);      /* G = ceil(K/g) */
size_t lutgemv_qgroups(const lutgemv_cfg *c);     /* Q */
size_t lutgemv_table_len(const lutgemv_cfg *c);   /* M*G*2^g */
size_t lutgemv_acc_len(const lutgemv_cfg *c);     /* N*M*Q */

/* Effective weight range [wmin, wmax] of the configuration. */
int lutgemv_weight_range(const lutgemv_cfg *c, int *wmin, int *wmax);
/* Bits (two's complement) a table entry needs; 0 if the cfg is invalid. */
int lutgemv_entry_bits(const lutgemv_cfg *c);
/* Bits (two's complement) that always hold one acc (over the largest scale
 * group); 0 if the cfg is invalid. */
int lutgemv_acc_bits(const lutgemv_cfg *c);
/* Two's complement width of the smallest signed range holding [lo, hi]. */
int lutgemv_signed_bits(int64_t lo, int64_t hi);

/* Builds T (lutgemv_table_len entries). zp: M*Q zero points, required for
 * LUTGEMV_W_UNSIGNED_ZP and ignored otherwise. entry_bits: the table word
 * width of the target (0 = derived); LPCS_ERANGE if it is narrower than
 * lutgemv_entry_bits. LPCS_EINVAL for a weight or zero point out of range. */
int lutgemv_build_tables(const lutgemv_cfg *c, const int16_t *w, const int16_t *zp,
                         int entry_bits, int16_t *tables);

/* Bit-serial lookup GEMV over the batch: acc (lutgemv_acc_len values).
 * pattern_aware != 0 looks each distinct index up once per (r, grp, p).
 * counts may be NULL. LPCS_EINVAL for an activation out of range. */
int lutgemv_gemv(const lutgemv_cfg *c, const int16_t *tables, const int8_t *x,
                 int pattern_aware, int64_t *acc, lutgemv_counts *counts);

/* Exact lookup count without running the GEMV (same definition as above). */
int lutgemv_count_lookups(const lutgemv_cfg *c, const int8_t *x, int pattern_aware,
                          lutgemv_counts *counts);

/* In-memory type conversion, y[n*M + r] (op order in the header comment).
 * w_scale: M*Q scales; x_scale: N per-token scales or NULL. */
int lutgemv_convert(const lutgemv_cfg *c, const int64_t *acc, const float *w_scale,
                    const float *x_scale, float *y);

#ifdef __cplusplus
}
#endif
#endif
