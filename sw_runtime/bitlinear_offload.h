/* The one BitLinear pipeline of the runtime: RMSNorm -> int8 absmax ->
 * ternary GEMM on some implementation of the "ternary" unit
 * (unit_matmul.h: cpu, rtl, cuda, ...) -> dequantize. The fp32 steps are
 * golden/bitlinear.h's, in its order, so the result equals golden
 * bitlinear_forward bit for bit whatever runs the GEMM. */
#ifndef LPCS_RT_BITLINEAR_OFFLOAD_H
#define LPCS_RT_BITLINEAR_OFFLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "bitlinear.h"
#include "engine.h"
#include "unit_matmul.h"

/* Per engine and implementation: the implementation, each op's prepared
 * matrix (prepared on first use) and scratch buffers grown to the largest
 * op seen. Zero-initialize, then set mm and ctx. */
typedef struct {
    const rt_unit_mm *mm; /* a "ternary" implementation */
    void *ctx;            /* its context (e.g. the RTL instance) */
    int isa;              /* kn_isa of the fp32 steps (ternary_fast.h: golden's bits on every
                           * ISA; 0 = portable, golden's own functions) */
    void **mats;          /* per op index */
    int n_mats;
    float *xh;
    int8_t *xq;
    int32_t *acc;
    float *sc;            /* per token: the activation scale */
    size_t cap_in, cap_out, cap_t;
} rt_bl_scratch;

/* Prepares op's matrix on s->mm now (else on first use). */
int rt_bl_prepare(rt_engine *eng, const rt_op *op, rt_bl_scratch *s);
/* Runs BitLinear op (its aux is the bitlinear) of eng through s->mm. */
int rt_bitlinear_offload(rt_engine *eng, const rt_op *op, rt_bl_scratch *s);
/* The same for T tokens: rows t of X (ldx floats apart) -> rows t of Y (ldy
 * apart), one GEMM call over the T tokens (each token's bits are those of
 * rt_bitlinear_offload). */
int rt_bitlinear_offload_batch(rt_engine *eng, const rt_op *op, rt_bl_scratch *s, const float *X, size_t ldx, float *Y,
                               size_t ldy, size_t T);
/* Releases the prepared matrices and the buffers (mm and ctx stay). */
void rt_bl_scratch_free(rt_bl_scratch *s);

#endif
