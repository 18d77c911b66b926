/* A BitLinear op whose exact int32 GEMV runs elsewhere (the rtl and cuda
 * backends): the fp32 steps around it are golden/bitlinear.h's, in its order,
 * so the result equals the cpu backend bit for bit whatever runs the GEMV. */
#ifndef LPCS_RT_BITLINEAR_OFFLOAD_H
#define LPCS_RT_BITLINEAR_OFFLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "bitlinear.h"
#include "engine.h"

/* Scratch buffers, grown to the largest op seen; zero-initialize before use. */
typedef struct {
    float *xh;
    int8_t *xq;
    int32_t *acc;
    size_t cap_in, cap_out;
} rt_bl_scratch;

/* acc[B->out] = exact int32 GEMV of B's ternary weights with xq[B->in]. */
typedef int (*rt_bl_gemv_fn)(void *ctx, const bitlinear *B, const int8_t *xq, int32_t *acc);

/* RMSNorm -> int8 absmax -> gemv(ctx) -> dequantize, for op (its aux is the bitlinear). */
int rt_bitlinear_offload(rt_engine *eng, const rt_op *op, rt_bl_scratch *s, rt_bl_gemv_fn gemv, void *ctx);
void rt_bl_scratch_free(rt_bl_scratch *s);

#endif
