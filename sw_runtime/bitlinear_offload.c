#include "bitlinear_offload.h"

#include <stdint.h>
#include <stdlib.h>

#include "ternary_fast.h"

static void free_buffers(rt_bl_scratch *s) {
    free(s->xh), free(s->xq), free(s->acc), free(s->sc);
    s->xh = NULL, s->xq = NULL, s->acc = NULL, s->sc = NULL;
    s->cap_in = s->cap_out = s->cap_t = 0;
}

/* Buffers for T tokens of in -> out (xh holds one token: it is consumed at once). */
static int reserve(rt_bl_scratch *s, size_t in, size_t out, size_t T) {
    if (in <= s->cap_in && out <= s->cap_out && T <= s->cap_t) return LPCS_OK;
    size_t ci = in > s->cap_in ? in : s->cap_in, co = out > s->cap_out ? out : s->cap_out;
    size_t ct = T > s->cap_t ? T : s->cap_t;
    free_buffers(s);
    s->cap_in = ci, s->cap_out = co, s->cap_t = ct;
    s->xh = malloc(ci * sizeof *s->xh);
    s->xq = malloc(ci * ct);
    s->acc = malloc(co * ct * sizeof *s->acc);
    s->sc = malloc(ct * sizeof *s->sc);
    if (s->xh && s->xq && s->acc && s->sc) return LPCS_OK;
    free_buffers(s);
    return LPCS_ENOMEM;
}

void rt_bl_scratch_free(rt_bl_scratch *s) {
    for (int i = 0; i < s->n_mats; i++)
        if (s->mats[i]) s->mm->release(s->ctx, s->mats[i]);
    free(s->mats);
    s->mats = NULL, s->n_mats = 0;
    free_buffers(s);
}

/* The op's matrix on s->mm, prepared on first use. */
static int matrix(rt_engine *eng, const rt_op *op, rt_bl_scratch *s, void **mat) {
    int i = (int)(op - eng->ops);
    if (i < 0 || i >= eng->n_ops) return LPCS_EINVAL;
    if (!s->mats) {
        s->mats = calloc((size_t)eng->n_ops, sizeof *s->mats);
        if (!s->mats) return LPCS_ENOMEM;
        s->n_mats = eng->n_ops;
    }
    if (i >= s->n_mats) return LPCS_EINVAL;
    if (!s->mats[i]) {
        const bitlinear *B = op->aux;
        rt_mm_weights w = {.rows = B->out, .cols = B->in, .data = B->packed};
        int st = s->mm->prepare(s->ctx, &w, &s->mats[i]);
        if (st) return st;
    }
    *mat = s->mats[i];
    return LPCS_OK;
}

int rt_bl_prepare(rt_engine *eng, const rt_op *op, rt_bl_scratch *s) {
    void *mat;
    return op->aux && s->mm ? matrix(eng, op, s, &mat) : LPCS_EINVAL;
}

int rt_bitlinear_offload(rt_engine *eng, const rt_op *op, rt_bl_scratch *s) {
    const float *in = rt_engine_buf(eng, op->in, op->layer);
    float *out = rt_engine_buf(eng, op->out, op->layer);
    return rt_bitlinear_offload_batch(eng, op, s, in, 0, out, 0, 1);
}

int rt_bitlinear_offload_batch(rt_engine *eng, const rt_op *op, rt_bl_scratch *s, const float *X, size_t ldx, float *Y,
                               size_t ldy, size_t T) {
    const bitlinear *B = op->aux;
    if (!B || !s->mm || !T || T > INT32_MAX) return LPCS_EINVAL;
    void *mat = NULL;
    int st = reserve(s, B->in, B->out, T);
    if (!st) st = matrix(eng, op, s, &mat);
    /* per token: golden's RMSNorm and absmax; then one GEMM over the T tokens */
    kn_isa isa = (kn_isa)s->isa;
    for (size_t t = 0; t < T && !st; t++)
        st = rt_tern_act_quant(isa, X + t * ldx, B->norm_weight, B->in, BITLINEAR_NORM_EPS, s->xh, s->xq + t * B->in, &s->sc[t]);
    if (!st) st = s->mm->gemm(s->ctx, mat, s->xq, (int)T, s->acc);
    for (size_t t = 0; t < T && !st; t++) st = rt_tern_dequant(isa, s->acc + t * B->out, B->out, s->sc[t], B->inv_beta, Y + t * ldy);
    return st;
}
