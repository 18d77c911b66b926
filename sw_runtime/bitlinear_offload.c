#include "bitlinear_offload.h"

#include <stdlib.h>

#include "ternary.h"

static int reserve(rt_bl_scratch *s, size_t in, size_t out) {
    if (in <= s->cap_in && out <= s->cap_out) return LPCS_OK;
    rt_bl_scratch_free(s);
    s->cap_in = in > s->cap_in ? in : s->cap_in;
    s->cap_out = out > s->cap_out ? out : s->cap_out;
    s->xh = malloc(s->cap_in * sizeof *s->xh);
    s->xq = malloc(s->cap_in);
    s->acc = malloc(s->cap_out * sizeof *s->acc);
    if (s->xh && s->xq && s->acc) return LPCS_OK;
    rt_bl_scratch_free(s);
    return LPCS_ENOMEM;
}

void rt_bl_scratch_free(rt_bl_scratch *s) {
    free(s->xh), free(s->xq), free(s->acc);
    s->xh = NULL, s->xq = NULL, s->acc = NULL;
    s->cap_in = s->cap_out = 0;
}

int rt_bitlinear_offload(rt_engine *eng, const rt_op *op, rt_bl_scratch *s, rt_bl_gemv_fn gemv, void *ctx) {
    const bitlinear *B = op->aux;
    if (!B) return LPCS_EINVAL;
    int st = reserve(s, B->in, B->out);
    if (st) return st;
    const float *in = rt_engine_buf(eng, op->in, op->layer);
    float *out = rt_engine_buf(eng, op->out, op->layer), sc = 0.0f;
    st = bitlinear_rmsnorm_f32(in, B->norm_weight, B->in, BITLINEAR_NORM_EPS, s->xh);
    if (!st) st = act_quant_absmax_i8(s->xh, B->in, s->xq, &sc);
    if (!st) st = gemv(ctx, B, s->xq, s->acc);
    if (!st) st = bitlinear_dequant(s->acc, B->out, sc, B->inv_beta, out);
    return st;
}
