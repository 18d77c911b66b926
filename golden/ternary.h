/* Ternary weights (MatMul-free LM / BitNet b1.58): packing, the absmean
 * ternarizer, the per-token absmax int8 activation quantizer and exact
 * int8 x ternary -> int32 GEMV / GEMM.
 *
 * Packing (the project's contract, SPEC.md "Ternary units"):
 *   code 0b00 = 0, 0b01 = +1, 0b11 = -1; 0b10 is invalid (rejected on read).
 *   4 weights per byte; weight k lives in bits [2(k%4)+1 : 2(k%4)] of byte k/4
 *   (first weight in the least significant bits). A matrix [rows][cols] is
 *   packed row by row, each row padded to a whole byte with code 0b00:
 *   row r starts at byte r * ternary_row_bytes(cols).
 *   Example: weights {+1, -1, 0, +1} -> byte 0b01_00_11_01 = 0x4D.
 *
 * Rounding: round half to even, computed exactly and independent of the
 * floating-point environment's rounding mode.
 *
 * Non-finite input (NaN or +-Inf) in the quantizers is rejected with
 * LPCS_ERANGE; the outputs are then all zero codes and the scale is 0 (the
 * reference would propagate NaN into the int8 cast, which is undefined). */
#ifndef LPCS_GOLDEN_TERNARY_H
#define LPCS_GOLDEN_TERNARY_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest GEMV row: 128 * 2^24 = 2^31 still fits the int32 accumulator
 * (|acc| <= 128 * cols), so the integer result is exact by construction. */
#define TERNARY_MAX_COLS ((size_t)1 << 24)

/* Bytes of one packed row of cols weights: ceil(cols / 4). */
size_t ternary_row_bytes(size_t cols);

/* Pack n weights in {-1, 0, +1} into ceil(n/4) bytes (padding codes 0).
 * LPCS_ERANGE if a weight is outside {-1, 0, 1}; LPCS_EINVAL on NULL. */
int ternary_pack(const int8_t *w, size_t n, uint8_t *packed);
/* Unpack n weights; LPCS_EFORMAT if a code is 0b10. */
int ternary_unpack(const uint8_t *packed, size_t n, int8_t *w);
/* Pack a row-major [rows][cols] matrix, each row padded to a byte
 * (rows * ternary_row_bytes(cols) bytes). */
int ternary_pack_matrix(const int8_t *w, size_t rows, size_t cols, uint8_t *packed);

/* Round half to even of a finite float (exact, rounding-mode independent). */
float ternary_round_half_even(float v);

/* Sum of n doubles in the fixed "32-lane" order every implementation
 * (golden, CUDA) follows: lane j (0..31) sums terms j, j+32, j+64, ... in
 * increasing index order (double), then lanes are added in order 0..31
 * (double). Used by the absmean and RMSNorm reductions. */
double ternary_sum32_abs_f32(const float *x, size_t n);   /* sum |x_k|   */
double ternary_sum32_sq_f32(const float *x, size_t n);    /* sum x_k^2 (each square exact in double) */

/* absmean ternarizer (per tensor), as train.py's w_quant:
 *   mean  = (float)(ternary_sum32_abs_f32(w, n) / (double)n)   one rounding to fp32
 *   beta  = max(mean, 1e-5f)
 *   inv   = 1.0f / beta                                         fp32 division
 *   q_k   = clamp(round_half_even(w_k * inv), -1, 1)            fp32 product
 * Writes beta (the dequantized weight is q / inv, see bitlinear.h).
 * PyTorch's own reduction order is unknown; the mean here is as accurate as
 * a double sum allows, so it can differ from PyTorch's fp32 mean by an ulp. */
int ternary_absmean_quantize(const float *w, size_t n, int8_t *q, float *beta);

/* Per-token absmax int8 activation quantizer, as train.py's act_quant:
 *   amax  = max_k |x_k|            (exact)
 *   scale = 127.0f / max(amax, 1e-5f)                           fp32 division
 *   q_k   = clamp(round_half_even(x_k * scale), -128, 127)      fp32 product
 * An all-zero vector gives scale = 127 / 1e-5f and all-zero codes. */
int act_quant_absmax_i8(const float *x, size_t n, int8_t *q, float *scale);

/* Fixed-point absmax int8 quantizer (the integer analogue of the above, and
 * the golden model of rtl/ternary_act_quant.v): x are fixed-point integers,
 *   amax = max_k |x_k| (exact, |INT32_MIN| = 2^31 included)
 *   q_k  = sign(x_k) * rne(127 * |x_k| / amax)   exact rational rounding, ties to even
 * so q_k is in [-127, 127]; amax = 0 gives all-zero codes. Writes amax. */
int act_quant_absmax_fixed_i8(const int32_t *x, size_t n, int8_t *q, uint32_t *amax);

/* y[r] = sum_c W[r][c] * x[c], exact in int32. packed holds rows packed rows
 * (see above). LPCS_EFORMAT on an invalid code, LPCS_ERANGE if cols is 0 or
 * exceeds TERNARY_MAX_COLS. */
int ternary_gemv_i32(const uint8_t *packed, size_t rows, size_t cols, const int8_t *x, int32_t *y);
/* GEMM over ntok tokens: x is [ntok][cols] (row-major), y is [ntok][rows]. */
int ternary_gemm_i32(const uint8_t *packed, size_t rows, size_t cols, const int8_t *x, size_t ntok,
                     int32_t *y);

#ifdef __cplusplus
}
#endif
#endif
