/* fp32-accumulating CPU kernels for the cpu backend: dot products, GEMV and
 * GEMM with fp32, bf16 or fp16 weights, and the attention value update, each
 * in the reduction order of golden/fmath.h's lpcs_dot_f32 (16 lanes, element
 * i in lane i % 16, fused multiply-add, fixed tree). Every ISA variant gives
 * golden's bits (tests/test_fp_cpu.c):
 *   AVX-512F: one zmm of 16 partial sums per row;
 *   AVX2+FMA: two ymm (lanes 0-7, 8-15);
 *   portable: C fmaf (slow without hardware FMA, but the same bits).
 * The ISA is chosen by the caller (kn_isa_best() at engine start), never by
 * hidden state, so a test can run every variant the machine has. */
#ifndef LPCS_SW_RUNTIME_FP_CPU_H
#define LPCS_SW_RUNTIME_FP_CPU_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { KN_ISA_PORTABLE = 0, KN_ISA_AVX2 = 1, KN_ISA_AVX512 = 2, KN_ISA_COUNT } kn_isa;

/* The best variant this CPU runs (AVX-512F > AVX2+FMA > portable). */
kn_isa kn_isa_best(void);
/* 1 if this CPU runs isa. */
int kn_isa_supported(kn_isa isa);
const char *kn_isa_name(kn_isa isa);
/* "auto", "avx512", "avx2", "portable" -> isa; -1 if unknown. */
int kn_isa_parse(const char *name);

/* Weight storage of kn_gemm. bf16 and fp16 widen to fp32 exactly. */
typedef enum { KN_W_F32 = 0, KN_W_BF16 = 1, KN_W_F16 = 2 } kn_wtype;

/* lpcs_dot_f32(a, b, n). */
float kn_dot_f32(kn_isa isa, const float *a, const float *b, size_t n);

/* Y[t][r] = lpcs_dot_f32(W[r], X[t], cols) for rows r in [r0, r1) and tokens
 * t < T (X: T rows ldx apart, Y: T rows ldy apart); W: rows of cols values, ldw apart, of wtype (fp32, or
 * uint16_t bf16 / fp16 bit patterns). T = 1 is a GEMV. A weight row is
 * reused across the tokens while it is in cache. Any split of the rows gives
 * the same bits (each row is one independent dot product). */
void kn_gemm(kn_isa isa, kn_wtype wtype, float *Y, size_t ldy, const void *W, size_t ldw, const float *X, size_t ldx, size_t T,
             size_t r0, size_t r1, size_t cols);

/* x[i] = x[i] / d for i < n (attention scale, softmax normalisation). */
void kn_div_scalar(kn_isa isa, float *x, size_t n, float d);

/* o[i] = fmaf(a, v[i], o[i]) for i < n (attention: out += att[t] * v_t). */
void kn_axpy_fma(kn_isa isa, float *o, float a, const float *v, size_t n);

/* Attention output of one head: out[i] = sum over ascending t < T of
 * fmaf(att[t], V[t * ldv + i], .) starting from +0, for i < n. */
void kn_attn_av(kn_isa isa, float *out, const float *att, const float *V, size_t ldv, size_t T, size_t n);

/* Softmax numerator: x[i] = lpcs_expf(x[i] - m); returns the sum of the new
 * x[i] added in ascending i (plain fp32 adds). */
float kn_exp_shift_sum(kn_isa isa, float *x, size_t n, float m);

/* SwiGLU: out[i] = (a[i] * (1 / (1 + lpcs_expf(-a[i])))) * b[i] (run.c's silu). */
void kn_swiglu(kn_isa isa, float *out, const float *a, const float *b, size_t n);

#ifdef __cplusplus
}
#endif
#endif
