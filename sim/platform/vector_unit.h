/* The platform's vector / fp32 unit: the ops no accelerator unit implements
 * (norms, RoPE, attention, softmax, element-wise, the fp32 GEMV), computed on
 * the operands the vector unit received, in the fixed order of
 * docs/numerics.md (golden/fmath.h: lpcs_dot_f32, lpcs_expf) and golden's
 * HGRN / BitLinear steps. It is the platform's own datapath model: it uses
 * golden only (layer sim), never the runtime's kernels, and its results must
 * equal the cpu backend's bit for bit (tests/platform_token_check.c,
 * `lpcs ppl --backend sim`). */
#ifndef LPCS_SIM_VECTOR_UNIT_H
#define LPCS_SIM_VECTOR_UNIT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* o = w * (ss * x), ss = 1 / sqrtf(lpcs_dot_f32(x, x, n) / n + eps) (llama2.c order). */
void pv_rmsnorm(float *o, const float *x, const float *w, size_t n, float eps);
/* y[r] = lpcs_dot_f32(W[r], x, cols) for r < rows; W fp32 (bf16 = 0) or bf16 words (bf16 = 1). */
void pv_gemv_f32(float *y, const void *W, int bf16, const float *x, size_t rows, size_t cols);
/* Rotates adjacent pairs of q[0..n) and k[0..nk) by the cos/sin pairs cs[i % hs], cs[i % hs + 1]. */
void pv_rope(float *q, size_t n, float *k, size_t nk, const float *cs, size_t hs);
/* Causal GQA attention of one token over T cache rows (row t of K / V at t * kv_dim):
 * per head h: s_t = lpcs_dot_f32(k_t, q_h, hs) / sqrtf(hs), softmax (max,
 * lpcs_expf(s - max), ascending sum, divide), out_h = sum_t s_t v_t with fmaf
 * in ascending t. att: T floats of scratch. */
void pv_attention(float *out, const float *q, const float *K, const float *V, size_t T, size_t kv_dim,
                  size_t n_heads, size_t kv_mul, size_t hs, float *att);
/* out = a * (1 / (1 + lpcs_expf(-a))) * b. */
void pv_swiglu(float *out, const float *a, const float *b, size_t n);
/* out += in. */
void pv_add(float *out, const float *in, size_t n);

#ifdef __cplusplus
}
#endif
#endif
