/* Backend "cuda": BitLinear ops with the ternary GEMV on the GPU through
 * sw_runtime/cuda/lpcs_cuda.h (owned by the CUDA work). The fp32 steps
 * around the exact int32 GEMV are golden/bitlinear.h's, so results equal the
 * cpu backend bit for bit. In the default build the library is the stub
 * (lpcs_cuda_available() == 0): the backend is registered but supports no op.
 * Weights are uploaded once per op, on first use. Not yet run on a GPU from
 * this runtime (see the runtime notes). */
#include <stdlib.h>

#include "bitlinear.h"
#include "cuda/lpcs_cuda.h"
#include "engine.h"
#include "ternary.h"

typedef struct {
    lpcs_cuda_ternary **w; /* per op */
    float *xh;
    int8_t *xq;
    int32_t *acc;
    size_t cap_in, cap_out;
} cuda_state;

static void cuda_release(rt_engine *eng) {
    cuda_state *s = eng->backend_state[RT_BACKEND_CUDA];
    if (!s) return;
    for (int i = 0; s->w && i < eng->n_ops; i++)
        if (s->w[i]) lpcs_cuda_ternary_free(s->w[i]);
    free(s->w), free(s->xh), free(s->xq), free(s->acc), free(s);
    eng->backend_state[RT_BACKEND_CUDA] = NULL;
}

static int cuda_supports(const rt_engine *eng, const rt_op *op) {
    (void)eng;
    return op->type == OP_BITLINEAR && lpcs_cuda_available();
}

static int cuda_exec(rt_engine *eng, rt_op *op) {
    cuda_state *s = eng->backend_state[RT_BACKEND_CUDA];
    const bitlinear *B = op->aux;
    int idx = (int)(op - eng->ops);
    if (!B || idx < 0 || idx >= eng->n_ops) return LPCS_EINVAL;
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s) return LPCS_ENOMEM;
        eng->backend_state[RT_BACKEND_CUDA] = s;
        s->w = calloc((size_t)eng->n_ops, sizeof *s->w);
        if (!s->w) return LPCS_ENOMEM;
    }
    if (B->in > s->cap_in || B->out > s->cap_out) {
        free(s->xh), free(s->xq), free(s->acc);
        s->cap_in = B->in > s->cap_in ? B->in : s->cap_in;
        s->cap_out = B->out > s->cap_out ? B->out : s->cap_out;
        s->xh = malloc(s->cap_in * sizeof *s->xh);
        s->xq = malloc(s->cap_in);
        s->acc = malloc(s->cap_out * sizeof *s->acc);
        if (!s->xh || !s->xq || !s->acc) return LPCS_ENOMEM;
    }
    int st = LPCS_OK;
    if (!s->w[idx]) st = lpcs_cuda_ternary_upload(B->packed, B->out, B->in, &s->w[idx]);
    const float *in = rt_engine_buf(eng, op->in, op->layer);
    float *out = rt_engine_buf(eng, op->out, op->layer), sc = 0.0f;
    if (!st) st = bitlinear_rmsnorm_f32(in, B->norm_weight, B->in, BITLINEAR_NORM_EPS, s->xh);
    if (!st) st = act_quant_absmax_i8(s->xh, B->in, s->xq, &sc);
    if (!st) st = lpcs_cuda_ternary_gemm_i32(s->w[idx], s->xq, 1, s->acc);
    if (!st) st = bitlinear_dequant(s->acc, B->out, sc, B->inv_beta, out);
    return st;
}

const rt_backend rt_backend_cuda = {"cuda", cuda_supports, cuda_exec, cuda_release};
