/* llama.cpp's fp32 CPU arithmetic as its x86 build runs it (ggml-cpu with
 * AVX2/AVX-512, compiled by GCC), lane for lane, so that lpcs's ggml
 * execution mode rounds every value as llama.cpp does: a single different
 * last bit upstream of an activation quantizer flips a rounding there, and
 * this small model amplifies one flip into ~1e-2 NLL on the token and on
 * every later token that attends to it (docs/gguf.md, "bit for bit").
 *
 * Written from the operation order of ggml's kernels (which lanes add which
 * products, in which order, fused or not) and the polynomial of ggml's
 * vector exp; scalar C with fmaf, no intrinsics. */
#ifndef LPCS_GOLDEN_GGML_X86_H
#define LPCS_GOLDEN_GGML_X86_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Horizontal sums of a vector register: 8 lanes as hsum_float_8 / tinyBLAS
 * (hi+lo halves, then pairs), 16 lanes as GCC's _mm512_reduce_add_ps. */
float ggml_hsum8(const float l[8]);
float ggml_hsum16(const float l[16]);

/* ggml_v_expf (AVX-512 / AVX2 / SSE share one formula): exp(x) from a
 * degree-5 polynomial on the reduced argument, scaled by 2^n; x - max <= 0
 * in softmax and -x in SiLU are its uses. */
float ggml_x86_expf(float x);
/* out = x * (1/sqrt(mean(x^2) + eps)) * w as ggml_compute_forward_rms_norm_f32
 * (squares summed in double, mean rounded to float) followed by the mul. */
void ggml_x86_rms_norm(float *out, const float *x, const float *w, size_t n, float eps);
/* ggml_v_silu: x / (1 + expf(-x)). */
float ggml_x86_silu(float x);

/* out[i] = silu(g[i]) * u[i] as ggml_vec_swiglu_f32 (n a multiple of 16
 * takes the vector path; a tail uses libm expf as ggml's scalar code). */
void ggml_x86_swiglu(float *out, const float *g, const float *u, size_t n);

/* One attention head of llama.cpp's non-flash path (F32 KV cache) for the
 * query at position T-1:
 *   kq[t] = q . k_t: ggml_vec_dot_f32 (hs < 64: its scalar tail loop, one
 *           rounded product and one rounded add per element, in order),
 *   softmax(kq * scale) as ggml_soft_max_f32: max, ggml_v_expf(x - max) in
 *           16-wide chunks each summed by reduce_add into a double, then
 *           every value times (float)(1 / sum),
 *   out[d] = sum_t p[t] v_t[d]: batch (several tokens): tinyBLAS F32 (16
 *           lanes, lane t mod 16, fused in t order, reduce_add); one token
 *           (decode; tinyBLAS needs n >= 2): ggml_vec_dot_f32 (four such
 *           accumulators over 64-position steps, (0+2)+(1+3), reduce_add).
 * k and v rows are kv_stride floats apart; scratch holds T floats. */
void ggml_x86_attention_head(float *out, const float *q, const float *k, const float *v, size_t kv_stride,
                             size_t T, size_t hs, float scale, float *scratch, int batch);

/* RoPE of n values (heads of hs, adjacent pairs: LLAMA_ROPE_TYPE_NORM) at
 * position pos as ggml_compute_forward_rope_f32: theta starts at pos and is
 * multiplied by freq_base^(-2/hs) pair after pair; cosf/sinf of it; the
 * rotation fused as GCC compiles ggml's x0*c - x1*s and x0*s + x1*c. */
void ggml_x86_rope(float *x, size_t n, size_t hs, int pos, float freq_base);

#ifdef __cplusplus
}
#endif

#endif
