/* Block-scaled formats: OCP Microscaling (MX) v1.0 and NVIDIA NVFP4.
 * Elements are stored one code per byte (FP codes in the low bits, MXINT8 as
 * a two's complement byte). The exact rules are in docs/formats.md.
 *
 * MX: blocks of MX_BLOCK = 32 consecutive elements (the last block may be
 * shorter) share one E8M0 scale X = 2^(code - 127); code 0xFF is NaN.
 *   shared_exp = floor(log2(amax)) - emax_elem, clamped to [-127, 127]
 *   (amax = 0 is treated as 2^-126, as in the Microsoft MX emulation);
 *   P_i = element(V_i / X), rounded RNE (or ties away from zero) and
 *   saturated to the element's max normal. A block holding NaN or +-Inf gets
 *   scale 0xFF and element codes 0; it dequantizes to NaN.
 *   emax_elem: E4M3 8, E5M2 15, E2M3 2, E3M2 4, E2M1 2, INT8 0. MXINT8
 *   elements are int8 * 2^-6, clamped to +-127 (as the MX emulation does).
 *
 * NVFP4: blocks of NVFP4_BLOCK = 16 E2M1 elements, one E4M3 scale per block,
 * one fp32 tensor scale. All steps in fp32, RNE:
 *   ts  = amax / (6 * 448)            (amax over finite inputs; 1 if amax == 0)
 *   bs  = E4M3_satfinite((block_amax / 6) / ts)
 *   d   = f32(bs) * ts
 *   P_i = E2M1(V_i / d)               (0 when d == 0)
 *   dequantized V_i = f32(P_i) * d
 *   A block holding NaN or +-Inf gets block scale 0x7F (E4M3 NaN), codes 0. */
#ifndef LPCS_GOLDEN_MX_H
#define LPCS_GOLDEN_MX_H

#include <stddef.h>
#include <stdint.h>

#include "minifloat.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MX_BLOCK 32
#define NVFP4_BLOCK 16
#define MX_SCALE_NAN 0xFFu

typedef enum { MX_FP8_E4M3, MX_FP8_E5M2, MX_FP6_E2M3, MX_FP6_E3M2, MX_FP4_E2M1, MX_INT8,
               MX_ELEM_COUNT } mx_elem;
typedef enum { MX_ROUND_RNE, MX_ROUND_TIES_AWAY } mx_round;

/* Element facts: name ("fp8e4m3", ..., "int8"), bits, emax, max magnitude. */
typedef struct { const char *name; int bits, emax; double max_norm; } mx_elem_info;
const mx_elem_info *mx_get_elem_info(mx_elem e);   /* NULL if invalid */

/* Number of scales for n elements: ceil(n / MX_BLOCK). */
size_t mx_num_blocks(size_t n);
size_t nvfp4_num_blocks(size_t n);

/* Round one value (already divided by the scale) to element e, saturating. */
uint8_t mx_elem_from_f64(mx_elem e, mx_round r, double v);
double  mx_elem_to_f64(mx_elem e, uint8_t code);
/* E8M0: 2^(code-127); NaN for 0xFF. */
double  mx_e8m0_to_f64(uint8_t code);

/* scales[mx_num_blocks(n)], codes[n]. n == 0 is a no-op. Returns LPCS_OK,
 * LPCS_EINVAL (NULL pointer with n > 0, bad e or r). */
int mx_quantize(mx_elem e, mx_round r, const float *x, size_t n, uint8_t *scales, uint8_t *codes);
int mx_dequantize(mx_elem e, const uint8_t *scales, const uint8_t *codes, size_t n, float *y);

/* block_scales[nvfp4_num_blocks(n)], codes[n]. */
int nvfp4_quantize(const float *x, size_t n, float *tensor_scale, uint8_t *block_scales,
                   uint8_t *codes);
/* The same with a given tensor scale (e.g. one tensor quantized in pieces). */
int nvfp4_quantize_with_scale(const float *x, size_t n, float tensor_scale,
                              uint8_t *block_scales, uint8_t *codes);
/* The tensor scale nvfp4_quantize uses: amax / (6 * 448), or 1 if amax == 0. */
float nvfp4_tensor_scale(const float *x, size_t n);
int nvfp4_dequantize(float tensor_scale, const uint8_t *block_scales, const uint8_t *codes,
                     size_t n, float *y);

/* Quantization error of approx against ref over the entries where both are
 * finite: mean squared error, max absolute error, SQNR in dB
 * (10 log10(sum ref^2 / sum err^2); +Inf when the error is 0, -Inf when the
 * signal is 0 and the error is not). n_skipped counts the other entries. */
typedef struct { size_t n, n_skipped; double mse, max_abs_err, sqnr_db; } qerr_report;
int qerr_compute(const float *ref, const float *approx, size_t n, qerr_report *out);

#ifdef __cplusplus
}
#endif
#endif
