/* Fast exact ternary GEMV for the cpu backend: golden's packed ternary rows
 * repacked once as 2-bit codes for kernels/int_cpu (AVX-512 VNNI vpdpbusd /
 * AVX2 vpmaddubsw / portable, the best this CPU runs), int8 activations,
 * exact int32 sums. On a CPU with AVX2 but no AVX-512 VNNI the one-token
 * GEMV runs on the table-lookup kernel (kernels/lut_gemv_cpu.h) instead,
 * 1.5x faster there (bench/RESULTS-cpu.md); batched GEMMs (prefill) keep the
 * int_cpu codes, which read each weight block once for all tokens. Integer
 * sums are exact and order-independent, so y equals golden ternary_gemv_i32
 * bit for bit with either kernel (tests/test_runtime_model.c). */
#ifndef LPCS_RT_TERNARY_FAST_H
#define LPCS_RT_TERNARY_FAST_H

#include <stddef.h>
#include <stdint.h>

#include "kernels/int_cpu.h"
#include "kernels/lut_gemv_cpu.h"
#include "kernels/pool.h"

/* Which kernel runs the one-token GEMV: AUTO = LUT on AVX2 without AVX-512
 * VNNI, int_cpu otherwise. */
typedef enum { RT_TERN_AUTO = 0, RT_TERN_INT = 1, RT_TERN_LUT = 2 } rt_tern_kernel;

typedef struct {
    size_t rows, cols;
    ki_matrix k;
    ki_variant v;
    int lut;            /* 1: one-token GEMVs on l */
    lut_gemv_weights l;
} rt_tern_mat;

/* From golden's packed layout (ternary.h). LPCS_OK or an lpcs_status. */
int rt_tern_mat_init(rt_tern_mat *m, const uint8_t *packed, size_t rows, size_t cols);
int rt_tern_mat_init_kernel(rt_tern_mat *m, const uint8_t *packed, size_t rows, size_t cols, rt_tern_kernel kern);
void rt_tern_mat_free(rt_tern_mat *m);
/* Bytes of scratch rt_tern_gemv needs (the zero-padded activations, or the
 * LUT kernel's tables; malloc's alignment suffices). */
size_t rt_tern_scratch_bytes(const rt_tern_mat *m);
/* y[rows] = W . x (any int8 x, -128 included). */
void rt_tern_gemv(const rt_tern_mat *m, const int8_t *x, int8_t *scratch, int32_t *y);
/* y[t][rows] = W . x[t] for T tokens (x: T rows of cols codes), one pass
 * over the weights (each row block serves every token), rows split over
 * pool's threads (NULL: this thread). Integer sums: the bits depend neither
 * on T nor on the thread count. LPCS_OK or LPCS_ENOMEM. */
int rt_tern_gemm(const rt_tern_mat *m, const int8_t *x, size_t T, int32_t *y, kn_pool *pool);

/* BitLinear's fp32 steps on the host, golden/bitlinear.h's bits (every ISA;
 * AVX-512: 16 lanes in golden's operation order, golden itself otherwise and
 * for non-finite values):
 *   rt_tern_act_quant = bitlinear_rmsnorm_f32 (into y[n]) + act_quant_absmax_i8;
 *   rt_tern_dequant   = bitlinear_dequant.
 * Same return codes as golden. */
int rt_tern_act_quant(kn_isa isa, const float *x, const float *w, size_t n, float eps, float *y, int8_t *q, float *scale);
int rt_tern_dequant(kn_isa isa, const int32_t *acc, size_t n, float s, float inv_beta, float *y);

#endif
