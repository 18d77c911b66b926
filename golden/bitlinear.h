/* BitLinear (MatMul-free LM / BitNet b1.58), one token:
 *   RMSNorm(x; its own weight, eps 1e-6) -> per-token absmax int8
 *   -> exact ternary GEMV (int32) -> dequantize.
 *
 * THE FIXED fp32 OPERATION ORDER (every backend — CUDA, RTL host code —
 * must follow it to match golden bit for bit). All float ops are IEEE-754
 * binary32 round-to-nearest-even, no FMA contraction (CUDA: __fmul_rn,
 * __fadd_rn, __fdiv_rn, __fsqrt_rn or compile with -fmad=false), no
 * approximate rsqrt / division.
 *
 *  Load time (ternary.h, ternary_absmean_quantize):
 *   1. mean  = (float)( S_abs / (double)(in*out) )   S_abs: ternary_sum32_abs_f32
 *                                                     (32 strided double lanes, lanes
 *                                                     added in order), one fp32 rounding
 *   2. beta  = max(mean, 1e-5f)
 *   3. inv_beta = 1.0f / beta                         fp32 division
 *   4. Wq    = clamp(rne(W * inv_beta), -1, 1)        fp32 product, exact rounding
 *
 *  Per token (bitlinear_forward), n = in:
 *   5. ms    = (float)( S_sq / (double)n )            S_sq: ternary_sum32_sq_f32 over x,
 *                                                     each x_k*x_k exact in double
 *   6. r     = 1.0f / sqrtf(ms + 1e-6f)               fp32 add, correctly rounded sqrt,
 *                                                     fp32 division (= torch.rsqrt, exactly rounded)
 *   7. xh_k  = (x_k * r) * g_k                        two fp32 products, in this order
 *                                                     (train.py: x * rsqrt(...) * w)
 *   8. amax  = max_k |xh_k|;  s = 127.0f / max(amax, 1e-5f)
 *   9. xq_k  = clamp(rne(xh_k * s), -128, 127)        fp32 product
 *  10. acc_j = sum_k xq_k * Wq[j][k]                  exact int32
 *  11. y_j   = ((float)acc_j / s) / inv_beta          int -> fp32 (exact for |acc| < 2^24),
 *                                                     then two fp32 divisions, in this order
 *                                                     (train.py divides each factor by its
 *                                                     scale: (xq/s) . (Wq/inv_beta))
 *
 * Steps 5-7 are bitlinear_rmsnorm_f32 (also the plain RMSNorm of the HGRN
 * layers), steps 8-9 act_quant_absmax_i8, step 10 ternary_gemv_i32, step 11
 * bitlinear_dequant. */
#ifndef LPCS_GOLDEN_BITLINEAR_H
#define LPCS_GOLDEN_BITLINEAR_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "ternary.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BITLINEAR_NORM_EPS 1e-6f

/* packed: [out][ternary_row_bytes(in)] (ternary.h layout); beta as computed at
 * load; inv_beta = 1.0f / beta (step 3); norm_weight: [in]. Owns its arrays. */
typedef struct {
    size_t in, out;
    uint8_t *packed;
    float beta;
    float inv_beta;
    float *norm_weight;
} bitlinear;

/* latent_w: row-major [out][in] (PyTorch nn.Linear layout), norm_w: [in].
 * Ternarizes with steps 1-4 and copies norm_w. On failure L is left empty. */
int bitlinear_init_from_latent(bitlinear *L, const float *latent_w, const float *norm_w, size_t in,
                               size_t out);
/* From already-ternarized weights ([out][in] in {-1,0,1}) and a given beta. */
int bitlinear_init_from_ternary(bitlinear *L, const int8_t *wq, float beta, const float *norm_w,
                                size_t in, size_t out);
void bitlinear_free(bitlinear *L);

/* Scratch needed by bitlinear_forward (floats, int32s and int8s; any alignment
 * of malloc is enough). */
size_t bitlinear_scratch_bytes(const bitlinear *L);
/* y[out] = BitLinear(x[in]); x and y must not overlap. */
int bitlinear_forward(const bitlinear *L, const float *x, float *y, void *scratch);

/* Steps 5-7: y = x * rsqrt(mean(x^2) + eps) * w (y may alias x). */
int bitlinear_rmsnorm_f32(const float *x, const float *w, size_t n, float eps, float *y);
/* Step 11: y_j = ((float)acc_j / s) / inv_beta. */
int bitlinear_dequant(const int32_t *acc, size_t n, float s, float inv_beta, float *y);

#ifdef __cplusplus
}
#endif
#endif
