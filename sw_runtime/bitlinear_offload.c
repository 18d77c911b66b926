#include "bitlinear_offload.h"

#include <stdlib.h>

static void free_buffers(rt_bl_scratch *s) {
    free(s->xh), free(s->xq), free(s->acc);
    s->xh = NULL, s->xq = NULL, s->acc = NULL;
    s->cap_in = s->cap_out = 0;
}

static int reserve(rt_bl_scratch *s, size_t in, size_t out) {
    if (in <= s->cap_in && out <= s->cap_out) return LPCS_OK;
    size_t ci = in > s->cap_in ? in : s->cap_in, co = out > s->cap_out ? out : s->cap_out;
    free_buffers(s);
    s->cap_in = ci, s->cap_out = co;
    s->xh = malloc(s->cap_in * sizeof *s->xh);
    s->xq = malloc(s->cap_in);
    s->acc = malloc(s->cap_out * sizeof *s->acc);
    if (s->xh && s->xq && s->acc) return LPCS_OK;
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
    const bitlinear *B = op->aux;
    if (!B || !s->mm) return LPCS_EINVAL;
    void *mat = NULL;
    int st = reserve(s, B->in, B->out);
    if (!st) st = matrix(eng, op, s, &mat);
    if (st) return st;
    const float *in = rt_engine_buf(eng, op->in, op->layer);
    float *out = rt_engine_buf(eng, op->out, op->layer), sc = 0.0f;
    st = bitlinear_rmsnorm_f32(in, B->norm_weight, B->in, BITLINEAR_NORM_EPS, s->xh);
    if (!st) st = act_quant_absmax_i8(s->xh, B->in, s->xq, &sc);
    if (!st) st = s->mm->gemm(s->ctx, mat, s->xq, 1, s->acc);
    if (!st) st = bitlinear_dequant(s->acc, B->out, sc, B->inv_beta, out);
    return st;
}
