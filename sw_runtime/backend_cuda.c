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

/* The ternary unit's matmul (unit_matmul.h) on the GPU: weights uploaded
 * once per matrix, on first use. */
static int cuda_mm_prepare(void *ctx, const rt_mm_weights *w, void **mat) {
    (void)ctx;
    return lpcs_cuda_ternary_upload(w->data, w->rows, w->cols, (lpcs_cuda_ternary **)mat);
}

static int cuda_mm_gemm(void *ctx, void *mat, const void *x, int n, void *y) {
    (void)ctx;
    return lpcs_cuda_ternary_gemm_i32(mat, x, n, y);
}

static void cuda_mm_release(void *ctx, void *mat) {
    (void)ctx;
    lpcs_cuda_ternary_free(mat);
}

static const rt_unit_mm cuda_mm = {"ternary", "cuda", cuda_mm_prepare, cuda_mm_gemm, cuda_mm_release};

static void cuda_release(rt_backend_inst *be) {
    rt_bl_scratch *s = be->state;
    if (!s) return;
    rt_bl_scratch_free(s);
    free(s);
    be->state = NULL;
}

static int cuda_supports(const rt_backend_inst *be, const rt_engine *eng, const rt_op *op) {
    (void)be, (void)eng;
    return op->type == OP_BITLINEAR && lpcs_cuda_available();
}

static int cuda_exec(rt_backend_inst *be, rt_engine *eng, rt_op *op, int n_tokens) {
    if (n_tokens != 1) return LPCS_EUNSUPPORTED;
    rt_bl_scratch *s = be->state;
    if (!s) {
        if (!(s = calloc(1, sizeof *s))) return LPCS_ENOMEM;
        s->mm = &cuda_mm;
        be->state = s;
    }
    return rt_bitlinear_offload(eng, op, s);
}

const rt_backend_iface rt_backend_cuda = {
    .name = "cuda", .supports = cuda_supports, .exec = cuda_exec, .release = cuda_release};
