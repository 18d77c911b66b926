/* Backend "cuda": BitLinear ops with the ternary GEMV on the GPU through
 * sw_runtime/cuda/lpcs_cuda.h (owned by the CUDA work). The fp32 steps
 * around the exact int32 GEMV are golden/bitlinear.h's, so results equal the
 * cpu backend bit for bit. In the default build the library is the stub
 * (lpcs_cuda_available() == 0): the backend is registered but supports no op.
 * Weights are uploaded once per op, on first use. Run on an H100: `lpcs ppl
 * --backend cuda` gives the cpu backend's digits (bench/RESULTS-cuda.md). */
#include <stdlib.h>

#include "bitlinear_offload.h"
#include "cuda/lpcs_cuda.h"
#include "engine.h"

typedef struct {
    lpcs_cuda_ternary **w; /* per op */
    int n;                 /* entries of w */
    rt_bl_scratch scratch;
} cuda_state;

static void cuda_release(rt_backend_inst *be) {
    cuda_state *s = be->state;
    if (!s) return;
    for (int i = 0; s->w && i < s->n; i++)
        if (s->w[i]) lpcs_cuda_ternary_free(s->w[i]);
    rt_bl_scratch_free(&s->scratch);
    free(s->w), free(s);
    be->state = NULL;
}

static int cuda_supports(const rt_backend_inst *be, const rt_engine *eng, const rt_op *op) {
    (void)be, (void)eng;
    return op->type == OP_BITLINEAR && lpcs_cuda_available();
}

static int cuda_gemv(void *ctx, const bitlinear *B, const int8_t *xq, int32_t *acc) {
    (void)B;
    return lpcs_cuda_ternary_gemm_i32(ctx, xq, 1, acc);
}

static int cuda_exec(rt_backend_inst *be, rt_engine *eng, rt_op *op, int n_tokens) {
    if (n_tokens != 1) return LPCS_EUNSUPPORTED;
    cuda_state *s = be->state;
    const bitlinear *B = op->aux;
    int idx = (int)(op - eng->ops);
    if (!B || idx < 0 || idx >= eng->n_ops) return LPCS_EINVAL;
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s) return LPCS_ENOMEM;
        be->state = s;
        s->w = calloc((size_t)eng->n_ops, sizeof *s->w);
        if (!s->w) return LPCS_ENOMEM;
        s->n = eng->n_ops;
    }
    if (!s->w[idx]) { /* weights go to the GPU once, on first use */
        int st = lpcs_cuda_ternary_upload(B->packed, B->out, B->in, &s->w[idx]);
        if (st) return st;
    }
    return rt_bitlinear_offload(eng, op, &s->scratch, cuda_gemv, s->w[idx]);
}

const rt_backend_iface rt_backend_cuda = {
    .name = "cuda", .supports = cuda_supports, .exec = cuda_exec, .release = cuda_release};
