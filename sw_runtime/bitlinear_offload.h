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
    void **mats;          /* per op index */
    int n_mats;
    float *xh;
    int8_t *xq;
    int32_t *acc;
    size_t cap_in, cap_out;
} rt_bl_scratch;

/* Prepares op's matrix on s->mm now (else on first use). */
int rt_bl_prepare(rt_engine *eng, const rt_op *op, rt_bl_scratch *s);
/* Runs BitLinear op (its aux is the bitlinear) of eng through s->mm. */
int rt_bitlinear_offload(rt_engine *eng, const rt_op *op, rt_bl_scratch *s);
/* Releases the prepared matrices and the buffers (mm and ctx stay). */
void rt_bl_scratch_free(rt_bl_scratch *s);

#endif
