/* The device-resident engine of llm_engine.h: kernels and the op replay.
 * All state lives in the lpcs_cuda_llm object (no statics). Built with
 * -fmad=false: every fused multiply-add below is an explicit fmaf. */
#include <cuda_runtime.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atomic>
#include <thread>
#include <vector>

#include "block_device.cuh"
#include "packed_device.cuh"
#include "rmmec_device.cuh"
#include "fmath.h"
#include "llm_engine.h"
#include "status.h"


struct dev_op {
    lpcs_cuda_op o;
    float *w;     /* device fp32 (norm, embedding, or chunked matrix) */
    uint16_t *wh; /* device bf16 chunked matrix */
    int8_t *wt;   /* bitlinear: ternary [rows][kp] (zero padded) */
    int kp;       /* bitlinear: cols rounded up to 64 */
    uint16_t *ww; /* exact rmmec matmul: words column-major [words][rows] */
    int8_t *wc;   /* exact LUT-GEMV matmul: weight codes [rows][kp] (zero padded) */
    float *wsc;   /* its per-row scales (shift-MAC: alpha * 2^-7) */
    uint8_t *wsh; /* exact shift-MAC matmul: packed 4-bit codes [rows][kp / 2] (zero padded) */
    uint4 *wq;    /* packed low-bit matmul (o.w_qbits): codes in the q_at layout */
    float *wqs;   /* its per-row scales */
};

struct lpcs_cuda_llm {
    lpcs_cuda_llm_cfg c;
    int hs, kv;
    int n_ops;
    dev_op *ops;
    float *buf[LPCS_CUDA_LLM_NBUF];
    float *kc, *vc, *rope;
    float *state;          /* hgrn: recurrent state [layer][slot][dim] */
    int8_t *xq;            /* hgrn / LUT-GEMV: int8 activations [max_rows][kp_max] */
    float *xs;             /* hgrn / LUT-GEMV: their scales [max_rows] */
    int32_t *acc;          /* hgrn / LUT-GEMV: exact GEMM results [max_rows][n_max] */
    int kp_max, n_max;
    uint16_t *xw;          /* exact rmmec: activations as words [max_rows][xw_max] */
    size_t xw_max;
    float *scr;            /* attention scores of many-row forwards [seq][head][position][row] (optional) */
    size_t scr_n;          /* its floats */
    int *tok, *tgt, *amax;
    double *nll;
    int rows; /* rows of the last forward */
    int profile;
    cudaEvent_t *pev; /* 2 per op when profiling */
    double prof_ms[LPCS_CUDA_OP_COUNT];
    int mode;
    int sms, smem_sm;      /* the device's SM count and shared memory per SM (persistent GEMV grid) */
    int gemv1_regs_fit[2]; /* gemv1_xs_k<float / bf16> blocks per SM by registers */
    int pipe_regs_fit[5][8]; /* gemv1_pipe_k blocks per SM by registers ([ring geometry][kernel index]) */
    int pipem_regs_fit[2][4][3]; /* the same for 2..8 rows of x (pipem_fns) */
    int ring;                /* gemv1_pipe_k's ring geometry, -1 by kind (lpcs_cuda_llm_set_ring) */
    int pipe_rows;           /* most rows of x a copy-ring launch takes (0: what fits; lpcs_cuda_llm_set_pipe_rows) */
    float *wdq;            /* packed matmuls with more than one row: the weights decoded (lane-grouped fp32) */
    size_t wdq_n;          /* its floats */
    int n_packed;          /* matmuls held as packed codes */
    int fuse;              /* one-row RMSNorm folded into the next GEMV's x staging (default 1) */
    int q_rows;            /* gemv1q_k rows per thread: 0 auto, 1 or 2 (lpcs_cuda_llm_set_qrows) */
    int gemv1;             /* one-row GEMV: 0 gemv1_pipe_k, 1 gemv1_xs_k / gemv1q_k (lpcs_cuda_llm_set_gemv1) */
    int pdl;               /* gemv1_pipe_k as a programmatic dependent launch (lpcs_cuda_llm_set_pdl) */
    int *dpos;             /* the forward's first position (kernels read it: graphs replay any step) */
    int hpos;              /* the same on the host, for the forward being enqueued (launch sizes) */
    int attn_smem;         /* attn_smem_k may take up to ATTN_SMEM_MAX of shared memory */
    int attn;              /* many-row attention (lpcs_cuda_llm_set_attn): 0 auto (= 5), 1 attn_smem_k in one
                            * launch, 2 attn_rows_k with the score buffer in one launch, 3 attn_rows_k recomputing,
                            * 4 attn_smem_k per query block, 5 the score buffer in two launches */
    int rope_attn;         /* rope_attn_k has the shared memory for its scores (decode folds RoPE into attention) */
    int graphs;            /* decode steps through a CUDA graph (lpcs_cuda_llm_set_graphs) */
    cudaGraphExec_t gexec; /* the captured decode step, for g_nseq sequences from slot g_slot0 */
    int g_nseq, g_slot0, g_mode, g_fuse, g_qrows, g_gemv1, g_pdl, g_ring, g_prows;
    cudaStream_t st;
    cudaEvent_t e0, e1;
};

#include "llm_kernels_rows.cuh"
#include "llm_kernels_gemm.cuh"
#include "llm_kernels_gemv.cuh"
#include "llm_kernels_attn.cuh"
#include "llm_kernels_units.cuh"

typedef void (*pipe_fn)(float *, const float *, const void *, const float *, int, int, const float *, float, float *,
                        float *, const rowjobs, int, int, int, int);
/* [ring geometry][kernel index: fp32, bf16, 4-bit, 2-bit, then the w1 / w3 + SwiGLU pair: 4-bit, 2-bit, fp32,
 * bf16] */
#define PIPE_ROW(G)                                                                                                 \
    {gemv1_pipe_k<0, 1, G, 1>, gemv1_pipe_k<1, 1, G, 1>, gemv1_pipe_k<4, 1, G, 1>, gemv1_pipe_k<2, 1, G, 1>,        \
     gemv1_pipe_k<4, 2, G, 1>, gemv1_pipe_k<2, 2, G, 1>, gemv1_pipe_k<0, 2, G, 1>, gemv1_pipe_k<1, 2, G, 1>}
static const pipe_fn pipe_fns[PIPE_NG][8] = {PIPE_ROW(0), PIPE_ROW(1), PIPE_ROW(2), PIPE_ROW(3), PIPE_ROW(4)};
#undef PIPE_ROW
/* 2..8 rows of x (decode of several sequences): [threads: 0 1024, 1 512][kind: fp32, bf16, 4-bit, 2-bit][MB: 2, 4,
 * 8], ring geometry 3 (1 x 4 through L1). x of all rows stays in shared memory, so one block fits an SM: 4 (or 2)
 * sub-blocks of 256 threads share it (ncu, session 7: 256 threads, one block, 12% occupancy, DRAM 19-30%). */
#define PIPEM_KIND(NT, KD) {gemv1_pipe_k<KD, 1, 3, 2, NT>, gemv1_pipe_k<KD, 1, 3, 4, NT>, gemv1_pipe_k<KD, 1, 3, 8, NT>}
#define PIPEM_G(NT) {PIPEM_KIND(NT, 0), PIPEM_KIND(NT, 1), PIPEM_KIND(NT, 4), PIPEM_KIND(NT, 2)}
static const pipe_fn pipem_fns[2][4][3] = {PIPEM_G(1024), PIPEM_G(512)};
#undef PIPEM_G
#undef PIPEM_KIND
#define PIPE_SMEM_LIMIT (227 * 1024 - 256) /* the most dynamic shared memory a block may have (sm_90), less room for the static (stage_xm) */
static bool pipe_smem_set() {
    for (int g = 0; g < PIPE_NG; g++)
        for (int k = 0; k < 8; k++)
            if (cudaFuncSetAttribute(pipe_fns[g][k], cudaFuncAttributeMaxDynamicSharedMemorySize, PIPE_SMEM_MAX) !=
                cudaSuccess)
                return false;
    for (int g = 0; g < 2; g++)
        for (int k = 0; k < 4; k++)
            for (int b = 0; b < 3; b++)
                if (cudaFuncSetAttribute(pipem_fns[g][k][b], cudaFuncAttributeMaxDynamicSharedMemorySize,
                                         PIPE_SMEM_LIMIT) != cudaSuccess)
                    return false;
    return true;
}


static int fail(char *err, size_t len, int st, const char *msg, const char *detail) {
    if (err && len) snprintf(err, len, "%s%s%s", msg, detail ? ": " : "", detail ? detail : "");
    return st;
}

static size_t chunked_elems(const lpcs_cuda_op *o) { return (size_t)lane_kc((int)o->cols) * o->rows * 16; }

static size_t op_weight_bytes(const lpcs_cuda_op *o) {
    switch (o->type) {
    case LPCS_CUDA_OP_EMBED: return o->rows * o->cols * 4;
    case LPCS_CUDA_OP_RMSNORM: return o->n * 4;
    case LPCS_CUDA_OP_MATMUL:
        if (o->exact_lut_abits) return o->rows * ((o->cols + 63) / 64 * 64 + 4);
        if (o->w_shift) return o->rows * ((o->cols + 63) / 64 * 32 + 4);
        if (o->w_qbits) return o->rows * ((size_t)q_nsb((int)o->cols, o->w_qbits) * 256 + 4);
        return o->exact_rmmec ? o->rows * o->words * 2 : chunked_elems(o) * (o->w_bf16 ? 2 : 4);
    case LPCS_CUDA_OP_BL_RMSNORM: case LPCS_CUDA_OP_GATED_NORM: return o->n * 4;
    case LPCS_CUDA_OP_MLGRU: return o->w ? o->n * 4 : 0;
    case LPCS_CUDA_OP_BITLINEAR: return o->rows * ((o->cols + 63) / 64 * 64) + o->cols * 4;
    default: return 0;
    }
}

extern "C" size_t lpcs_cuda_llm_bytes(const lpcs_cuda_llm_cfg *c, const lpcs_cuda_op *ops, int n_ops) {
    size_t b = 0, hs = (size_t)(c->dim / c->n_heads), kv = hs * (size_t)c->n_kv_heads;
    for (int i = 0; i < n_ops; i++) b += op_weight_bytes(&ops[i]);
    b += 2 * (size_t)c->n_layers * c->max_slots * c->max_pos * kv * 4;
    for (int i = 0; i < LPCS_CUDA_LLM_NBUF; i++) b += (size_t)c->max_rows * (size_t)c->buf_size[i] * 4;
    b += (size_t)c->max_pos * hs * 4 + (size_t)c->max_rows * 24;
    size_t xw = 0;
    for (int i = 0; i < n_ops; i++)
        if (ops[i].type == LPCS_CUDA_OP_MATMUL && ops[i].exact_rmmec && ops[i].words > xw) xw = ops[i].words;
    b += (size_t)c->max_rows * xw * 2;
    if (c->arch == 1) b += (size_t)c->n_layers * c->max_slots * c->dim * 4; /* state cache */
    size_t dq = 0; /* packed matmuls: the decoded scratch of the largest one */
    for (int i = 0; i < n_ops; i++)
        if (ops[i].type == LPCS_CUDA_OP_MATMUL && ops[i].w_qbits && chunked_elems(&ops[i]) > dq) dq = chunked_elems(&ops[i]);
    b += dq * 4;
    size_t kp = 0, nm = 0; /* BitLinear / LUT-GEMV: int8 activations, int32 results */
    for (int i = 0; i < n_ops; i++)
        if (ops[i].type == LPCS_CUDA_OP_BITLINEAR ||
            (ops[i].type == LPCS_CUDA_OP_MATMUL && (ops[i].exact_lut_abits || ops[i].w_shift))) {
            kp = ops[i].cols > kp ? ops[i].cols : kp;
            nm = ops[i].rows > nm ? ops[i].rows : nm;
        }
    if (kp) b += (size_t)c->max_rows * ((kp + 63) / 64 * 64 + 4 * nm + 4);
    return b;
}

extern "C" int lpcs_cuda_llm_device(char *name, size_t len, size_t *free_b, size_t *total_b) {
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess || n < 1) return LPCS_EUNSUPPORTED;
    cudaDeviceProp p;
    if (cudaGetDeviceProperties(&p, 0) != cudaSuccess) return LPCS_EUNSUPPORTED;
    if (name && len) snprintf(name, len, "%s", p.name);
    size_t f = 0, t = 0;
    cudaMemGetInfo(&f, &t);
    if (free_b) *free_b = f;
    if (total_b) *total_b = t;
    return LPCS_OK;
}

extern "C" void lpcs_cuda_llm_free(lpcs_cuda_llm *m) {
    if (!m) return;
    for (int i = 0; m->ops && i < m->n_ops; i++)
        cudaFree(m->ops[i].w), cudaFree(m->ops[i].wh), cudaFree(m->ops[i].wt), cudaFree(m->ops[i].ww),
            cudaFree(m->ops[i].wc), cudaFree(m->ops[i].wsc), cudaFree(m->ops[i].wsh), cudaFree(m->ops[i].wq),
            cudaFree(m->ops[i].wqs);
    cudaFree(m->xw), cudaFree(m->scr), cudaFree(m->wdq);
    for (int i = 0; i < LPCS_CUDA_LLM_NBUF; i++) cudaFree(m->buf[i]);
    cudaFree(m->kc), cudaFree(m->vc), cudaFree(m->rope);
    cudaFree(m->state), cudaFree(m->xq), cudaFree(m->xs), cudaFree(m->acc);
    cudaFree(m->tok), cudaFree(m->tgt), cudaFree(m->amax), cudaFree(m->nll), cudaFree(m->dpos);
    if (m->gexec) cudaGraphExecDestroy(m->gexec);
    if (m->st) cudaStreamDestroy(m->st);
    if (m->e0) cudaEventDestroy(m->e0);
    if (m->e1) cudaEventDestroy(m->e1);
    for (int i = 0; m->pev && i < 2 * m->n_ops; i++) cudaEventDestroy(m->pev[i]);
    free(m->pev);
    free(m->ops);
    free(m);
}

template <typename T>
static int dalloc(T **p, size_t n) {
    if (!n) return 0;
    return cudaMalloc((void **)p, n * sizeof(T)) == cudaSuccess ? 0 : 1;
}

/* f(r0, r1) over row ranges on up to 16 host threads (large uploads: a 7B
 * model's relayout took ~20 s on one core); rows are independent. */
template <typename F>
static void par_rows(size_t rows, F f) {
    unsigned nt = std::thread::hardware_concurrency();
    nt = nt < 1 ? 1 : nt > 16 ? 16 : nt;
    if (rows < 4096 || nt == 1) return f((size_t)0, rows);
    std::vector<std::thread> th;
    const size_t per = (rows + nt - 1) / nt;
    for (unsigned t = 0; t < nt; t++) {
        const size_t r0 = t * per, r1 = r0 + per < rows ? r0 + per : rows;
        if (r0 < r1) th.emplace_back(f, r0, r1);
    }
    for (auto &t : th) t.join();
}

/* W[rows][cols] -> the lane-grouped layout: step i of lane j = W[row][16 i + j]. */
template <typename T>
static int upload_chunked(T **dst, const T *w, size_t rows, size_t cols) {
    size_t kc = (size_t)lane_kc((int)cols), n = kc * rows * 16;
    T *h = (T *)calloc(n, sizeof(T));
    if (!h) return 1;
    par_rows(rows, [&](size_t r0, size_t r1) {
        for (size_t r = r0; r < r1; r++)
            for (size_t c = 0; c < cols; c++) h[lane_at(r, (int)(c % 16), (int)(c / 16), (int)kc)] = w[r * cols + c];
    });
    int rc = dalloc(dst, n) || cudaMemcpy(*dst, h, n * sizeof(T), cudaMemcpyHostToDevice) != cudaSuccess;
    free(h);
    return rc;
}

/* codes[rows][cols] (-8..7 / -1..1) -> the packed layout of gemv1q_k; 1 on a code out of range. */
static int upload_packed(uint4 **dst, const int8_t *q, size_t rows, size_t cols, int bits) {
    const size_t nsb = (size_t)q_nsb((int)cols, bits), nw = rows * nsb * 64;
    uint32_t *h = (uint32_t *)calloc(nw, 4);
    if (!h) return 1;
    std::atomic<int> anybad(0);
    par_rows(rows, [&](size_t r0, size_t r1) {
        if (lpcs_q_pack_rows(h, q, r0, r1, cols, bits)) anybad = 1;
    });
    int bad = anybad.load();
    bad = bad || dalloc((uint32_t **)dst, nw) || cudaMemcpy(*dst, h, nw * 4, cudaMemcpyHostToDevice) != cudaSuccess;
    free(h);
    return bad;
}

extern "C" int lpcs_cuda_llm_create(const lpcs_cuda_llm_cfg *c, const lpcs_cuda_op *ops, int n_ops,
                                    lpcs_cuda_llm **out, char *err, size_t errlen) {
    *out = NULL;
    char dev[256], msg[600];
    size_t fr = 0, tot = 0;
    if (lpcs_cuda_llm_device(dev, sizeof dev, &fr, &tot)) return fail(err, errlen, LPCS_EUNSUPPORTED, "no CUDA device", NULL);
    if (c->arch == 0 &&
        (c->dim % c->n_heads || c->n_heads % c->n_kv_heads || (c->dim / c->n_heads) % 2 || c->dim / c->n_heads > 256))
        return fail(err, errlen, LPCS_EUNSUPPORTED, "cuda engine: head size must be even and <= 256", NULL);
    size_t need = lpcs_cuda_llm_bytes(c, ops, n_ops);
    if (need + (256u << 20) > fr) {
        snprintf(msg, sizeof msg, "needs %.2f GiB of device memory, %s has %.2f GiB free of %.2f GiB",
                 need / 1073741824.0, dev, fr / 1073741824.0, tot / 1073741824.0);
        return fail(err, errlen, LPCS_ENOMEM, "model does not fit on the GPU", msg);
    }
    lpcs_cuda_llm *m = (lpcs_cuda_llm *)calloc(1, sizeof *m);
    if (!m) return fail(err, errlen, LPCS_ENOMEM, "out of memory", NULL);
    m->c = *c;
    m->hs = c->dim / c->n_heads;
    m->kv = m->hs * c->n_kv_heads;
    m->n_ops = n_ops;
    m->graphs = 1;
    m->ring = -1;
    m->fuse = 1;
    if (cudaDeviceGetAttribute(&m->sms, cudaDevAttrMultiProcessorCount, 0) != cudaSuccess || m->sms < 1) m->sms = 1;
    if (cudaDeviceGetAttribute(&m->smem_sm, cudaDevAttrMaxSharedMemoryPerMultiprocessor, 0) != cudaSuccess) m->smem_sm = 0;
    if (cudaOccupancyMaxActiveBlocksPerMultiprocessor(&m->gemv1_regs_fit[0], gemv1_xs_k<float>, 256, 0) != cudaSuccess ||
        cudaOccupancyMaxActiveBlocksPerMultiprocessor(&m->gemv1_regs_fit[1], gemv1_xs_k<uint16_t>, 256, 0) != cudaSuccess)
        m->gemv1_regs_fit[0] = m->gemv1_regs_fit[1] = 0; /* 0: one block per row group */
    cudaGetLastError();
    {
        for (int g = 0; g < PIPE_NG; g++)
            for (int k = 0; k < 8; k++) {
                if (cudaOccupancyMaxActiveBlocksPerMultiprocessor(&m->pipe_regs_fit[g][k], pipe_fns[g][k], 256, 0) !=
                    cudaSuccess)
                    m->pipe_regs_fit[g][k] = 1;
                /* all of L1 as shared memory: the launch plan counts on the blocks that fit by shared memory
                 * (x and the ring) */
                cudaFuncSetAttribute(pipe_fns[g][k], cudaFuncAttributePreferredSharedMemoryCarveout, 100);
            }
        for (int g = 0; g < 2; g++)
            for (int k = 0; k < 4; k++)
                for (int b = 0; b < 3; b++) {
                    if (cudaOccupancyMaxActiveBlocksPerMultiprocessor(&m->pipem_regs_fit[g][k][b], pipem_fns[g][k][b],
                                                                      g == 0 ? 1024 : 512, 0) != cudaSuccess)
                        m->pipem_regs_fit[g][k][b] = 1;
                    cudaFuncSetAttribute(pipem_fns[g][k][b], cudaFuncAttributePreferredSharedMemoryCarveout, 100);
                }
        cudaGetLastError();
    }
    m->ops = (dev_op *)calloc((size_t)n_ops, sizeof *m->ops);
    int bad = !m->ops || cudaStreamCreate(&m->st) != cudaSuccess || cudaEventCreate(&m->e0) != cudaSuccess ||
              cudaEventCreate(&m->e1) != cudaSuccess;
    for (int i = 0; !bad && i < n_ops; i++) {
        const lpcs_cuda_op *o = &ops[i];
        dev_op *d = &m->ops[i];
        d->o = *o;
        switch (o->type) {
        case LPCS_CUDA_OP_EMBED:
            bad = dalloc(&d->w, o->rows * o->cols) ||
                  cudaMemcpy(d->w, o->w, o->rows * o->cols * 4, cudaMemcpyHostToDevice) != cudaSuccess;
            break;
        case LPCS_CUDA_OP_RMSNORM:
            bad = dalloc(&d->w, o->n) || cudaMemcpy(d->w, o->w, o->n * 4, cudaMemcpyHostToDevice) != cudaSuccess;
            break;
        case LPCS_CUDA_OP_MATMUL:
            if (o->w_shift) { /* packed codes, rows padded to 64 columns (code 0 x activation 0 = 0) */
                if (!o->w_scale || !o->cols) {
                    bad = 1;
                    break;
                }
                d->kp = (int)((o->cols + 63) / 64 * 64);
                if (d->kp > m->kp_max) m->kp_max = d->kp;
                if ((int)o->rows > m->n_max) m->n_max = (int)o->rows;
                const size_t rb = (o->cols + 1) / 2, db = (size_t)d->kp / 2;
                uint8_t *h = (uint8_t *)calloc(o->rows * db, 1);
                bad = !h;
                for (size_t r = 0; h && r < o->rows; r++) {
                    memcpy(h + r * db, o->w_shift + r * rb, rb);
                    if (o->cols % 2) h[r * db + rb - 1] &= 0x0F; /* the padding nibble is ignored */
                }
                bad = bad || dalloc(&d->wsh, o->rows * db) ||
                      cudaMemcpy(d->wsh, h, o->rows * db, cudaMemcpyHostToDevice) != cudaSuccess ||
                      dalloc(&d->wsc, o->rows) ||
                      cudaMemcpy(d->wsc, o->w_scale, o->rows * 4, cudaMemcpyHostToDevice) != cudaSuccess;
                free(h);
                break;
            }
            if (o->exact_lut_abits) { /* codes padded to the int GEMM's 64-column steps */
                if (o->exact_lut_abits < 2 || o->exact_lut_abits > 8 || !o->w_codes || !o->w_scale) {
                    bad = 1;
                    break;
                }
                d->kp = (int)((o->cols + 63) / 64 * 64);
                if (d->kp > m->kp_max) m->kp_max = d->kp;
                if ((int)o->rows > m->n_max) m->n_max = (int)o->rows;
                int8_t *h = (int8_t *)calloc(o->rows * (size_t)d->kp, 1);
                bad = !h;
                for (size_t r = 0; h && r < o->rows; r++) memcpy(h + r * d->kp, o->w_codes + r * o->cols, o->cols);
                bad = bad || dalloc(&d->wc, o->rows * (size_t)d->kp) ||
                      cudaMemcpy(d->wc, h, o->rows * (size_t)d->kp, cudaMemcpyHostToDevice) != cudaSuccess ||
                      dalloc(&d->wsc, o->rows) ||
                      cudaMemcpy(d->wsc, o->w_scale, o->rows * 4, cudaMemcpyHostToDevice) != cudaSuccess;
                free(h);
                break;
            }
            if (o->exact_rmmec) { /* words column-major: one thread per output walks k, coalesced over rows */
                if (o->exact_rmmec > 4 || !o->w_words || !o->words) {
                    bad = 1;
                    break;
                }
                uint16_t *h = (uint16_t *)malloc(o->rows * o->words * 2);
                bad = !h;
                for (size_t r = 0; h && r < o->rows; r++)
                    for (size_t k = 0; k < o->words; k++) h[k * o->rows + r] = o->w_words[r * o->words + k];
                bad = bad || dalloc(&d->ww, o->rows * o->words) ||
                      cudaMemcpy(d->ww, h, o->rows * o->words * 2, cudaMemcpyHostToDevice) != cudaSuccess;
                free(h);
                if (o->words > m->xw_max) m->xw_max = o->words;
                break;
            }
            if (o->w_qbits) { /* packed codes and row scales; the decoded scratch serves many-row forwards */
                if ((o->w_qbits != 4 && o->w_qbits != 2) || !o->w_q || !o->w_qscale) {
                    bad = 1;
                    break;
                }
                bad = upload_packed(&d->wq, o->w_q, o->rows, o->cols, o->w_qbits) || dalloc(&d->wqs, o->rows) ||
                      cudaMemcpy(d->wqs, o->w_qscale, o->rows * 4, cudaMemcpyHostToDevice) != cudaSuccess;
                if (chunked_elems(o) > m->wdq_n) m->wdq_n = chunked_elems(o);
                m->n_packed++;
                break;
            }
            bad = o->w_bf16 ? upload_chunked(&d->wh, o->w_bf16, o->rows, o->cols)
                            : upload_chunked(&d->w, o->w, o->rows, o->cols);
            break;
        case LPCS_CUDA_OP_BL_RMSNORM: case LPCS_CUDA_OP_GATED_NORM:
            bad = dalloc(&d->w, o->n) || cudaMemcpy(d->w, o->w, o->n * 4, cudaMemcpyHostToDevice) != cudaSuccess;
            break;
        case LPCS_CUDA_OP_MLGRU:
            if (o->w)
                bad = dalloc(&d->w, o->n) || cudaMemcpy(d->w, o->w, o->n * 4, cudaMemcpyHostToDevice) != cudaSuccess;
            break;
        case LPCS_CUDA_OP_BITLINEAR: {
            d->kp = (int)((o->cols + 63) / 64 * 64);
            if (d->kp > m->kp_max) m->kp_max = d->kp;
            if ((int)o->rows > m->n_max) m->n_max = (int)o->rows;
            int8_t *h = (int8_t *)calloc(o->rows * (size_t)d->kp, 1);
            bad = !h;
            for (size_t r = 0; h && r < o->rows; r++) memcpy(h + r * d->kp, o->w_tern + r * o->cols, o->cols);
            bad = bad || dalloc(&d->wt, o->rows * (size_t)d->kp) ||
                  cudaMemcpy(d->wt, h, o->rows * (size_t)d->kp, cudaMemcpyHostToDevice) != cudaSuccess ||
                  dalloc(&d->w, o->cols) || cudaMemcpy(d->w, o->w, o->cols * 4, cudaMemcpyHostToDevice) != cudaSuccess;
            free(h);
            break;
        }
        case LPCS_CUDA_OP_ROPE: case LPCS_CUDA_OP_ATTENTION: case LPCS_CUDA_OP_SWIGLU: case LPCS_CUDA_OP_ADD:
        case LPCS_CUDA_OP_GLU:
            break;
        case LPCS_CUDA_OP_QUANT:
            if (o->q.kind == QF_FP32) break;
            if (o->q.kind > QF_POSIT || !o->cols || o->n % o->cols) {
                lpcs_cuda_llm_free(m);
                return fail(err, errlen, LPCS_EUNSUPPORTED, "cuda engine: quantization format not supported", NULL);
            }
            break;
        default:
            lpcs_cuda_llm_free(m);
            return fail(err, errlen, LPCS_EUNSUPPORTED, "cuda engine: unsupported op type", NULL);
        }
    }
    for (int b = 0; !bad && b < LPCS_CUDA_LLM_NBUF; b++)
        bad = dalloc(&m->buf[b], (size_t)c->max_rows * (size_t)c->buf_size[b]);
    if (!bad) bad = dalloc(&m->xw, (size_t)c->max_rows * m->xw_max);
    if (!bad) bad = dalloc(&m->wdq, m->wdq_n);
    if (!bad && c->arch == 1) bad = dalloc(&m->state, (size_t)c->n_layers * c->max_slots * c->dim);
    if (!bad && m->kp_max) /* BitLinear or LUT-GEMV ops: int8 activations and integer sums */
        bad = dalloc(&m->xq, (size_t)c->max_rows * m->kp_max) || dalloc(&m->xs, (size_t)c->max_rows) ||
              dalloc(&m->acc, (size_t)c->max_rows * m->n_max);
    size_t cache = c->arch == 0 ? (size_t)c->n_layers * c->max_slots * c->max_pos * m->kv : 0;
    bad = bad || dalloc(&m->kc, cache) || dalloc(&m->vc, cache) ||
          dalloc(&m->rope, c->arch == 0 ? (size_t)c->max_pos * m->hs : 0) ||
          dalloc(&m->tok, (size_t)c->max_rows) || dalloc(&m->dpos, 1) || dalloc(&m->tgt, (size_t)c->max_rows) ||
          dalloc(&m->amax, (size_t)c->max_rows) || dalloc(&m->nll, (size_t)c->max_rows);
    if (c->arch == 0)
        bad = bad || cudaMemcpy(m->rope, c->rope_cs, (size_t)c->max_pos * m->hs * 4, cudaMemcpyHostToDevice) != cudaSuccess;
    if (bad) {
        const char *why = cudaGetErrorString(cudaGetLastError());
        lpcs_cuda_llm_free(m);
        return fail(err, errlen, LPCS_ENOMEM, "cuda engine: device allocation or upload failed", why);
    }
    if (c->arch == 0 && c->max_rows >= 32) { /* score scratch if it fits beside the model (else: scores recomputed) */
        const size_t n = (size_t)c->max_rows * c->n_heads * c->max_pos;
        size_t f = 0, t = 0;
        cudaMemGetInfo(&f, &t);
        const size_t ns = (size_t)c->max_rows * c->n_heads; /* and the rows' sums of exps (attn_rows_k PH 1 -> 2) */
        if ((n + ns) * 4 + (512u << 20) < f && cudaMalloc((void **)&m->scr, (n + ns) * 4) == cudaSuccess) m->scr_n = n;
        else m->scr = NULL, cudaGetLastError();
    }
    /* Packed matmuls also keep their fp32 matrix where it fits with 1 GiB to spare, after everything the
     * engine needs is allocated: many-row forwards (ppl, batched decode) then read it instead of decoding
     * the codes into the scratch every step (same values: the host checked (float)code * scale == w; one
     * 7B int4 step at batch 8 took 63 ms with the decode vs 36 ms on fp32 storage, device run 8). */
    for (int i = 0; i < n_ops; i++) {
        dev_op *d = &m->ops[i];
        const lpcs_cuda_op *o = &d->o;
        size_t f = 0, t = 0;
        if (!d->wq || !o->w || d->w || cudaMemGetInfo(&f, &t) != cudaSuccess) continue;
        if ((size_t)chunked_elems(o) * 4 + ((size_t)1 << 30) < f && upload_chunked(&d->w, o->w, o->rows, o->cols)) {
            cudaFree(d->w), d->w = NULL; /* no room after all: the decoded scratch serves */
            cudaGetLastError();
        }
    }
    if (cudaFuncSetAttribute(gemv1_xs_k<float>, cudaFuncAttributeMaxDynamicSharedMemorySize, GEMV1_XS_MAX) !=
            cudaSuccess ||
        cudaFuncSetAttribute(gemv1_xs_k<uint16_t>, cudaFuncAttributeMaxDynamicSharedMemorySize, GEMV1_XS_MAX) !=
            cudaSuccess ||
        cudaFuncSetAttribute(gemv1q_k<4, 1>, cudaFuncAttributeMaxDynamicSharedMemorySize, GEMV1_XS_MAX) != cudaSuccess ||
        cudaFuncSetAttribute(gemv1q_k<2, 1>, cudaFuncAttributeMaxDynamicSharedMemorySize, GEMV1_XS_MAX) != cudaSuccess ||
        cudaFuncSetAttribute(gemv1q_k<4, 2>, cudaFuncAttributeMaxDynamicSharedMemorySize, GEMV1_XS_MAX) != cudaSuccess ||
        cudaFuncSetAttribute(gemv1q_k<2, 2>, cudaFuncAttributeMaxDynamicSharedMemorySize, GEMV1_XS_MAX) != cudaSuccess ||
        !pipe_smem_set()) {
        lpcs_cuda_llm_free(m);
        return fail(err, errlen, LPCS_EUNSUPPORTED, "cuda engine: no shared memory for the GEMV kernel", NULL);
    }
    const int st_smem = (int)gemm_st_smem(GEMM_ST_KMAX);
    if (cudaFuncSetAttribute(gemm_st_k<float, 1>, cudaFuncAttributeMaxDynamicSharedMemorySize, st_smem) != cudaSuccess ||
        cudaFuncSetAttribute(gemm_st_k<float, 2>, cudaFuncAttributeMaxDynamicSharedMemorySize, st_smem) != cudaSuccess ||
        cudaFuncSetAttribute(gemm_st_k<float, 3>, cudaFuncAttributeMaxDynamicSharedMemorySize, st_smem) != cudaSuccess ||
        cudaFuncSetAttribute(gemm_st_k<uint16_t, 1>, cudaFuncAttributeMaxDynamicSharedMemorySize, st_smem) != cudaSuccess ||
        cudaFuncSetAttribute(gemm_st_k<uint16_t, 2>, cudaFuncAttributeMaxDynamicSharedMemorySize, st_smem) != cudaSuccess ||
        cudaFuncSetAttribute(gemm_st_k<uint16_t, 3>, cudaFuncAttributeMaxDynamicSharedMemorySize, st_smem) != cudaSuccess ||
        cudaFuncSetAttribute(gemm_st_k<float, 1, 8>, cudaFuncAttributeMaxDynamicSharedMemorySize, st_smem) != cudaSuccess ||
        cudaFuncSetAttribute(gemm_st_k<float, 2, 8>, cudaFuncAttributeMaxDynamicSharedMemorySize, st_smem) != cudaSuccess ||
        cudaFuncSetAttribute(gemm_st_k<uint16_t, 1, 8>, cudaFuncAttributeMaxDynamicSharedMemorySize, st_smem) != cudaSuccess ||
        cudaFuncSetAttribute(gemm_st_k<uint16_t, 2, 8>, cudaFuncAttributeMaxDynamicSharedMemorySize, st_smem) != cudaSuccess) {
        lpcs_cuda_llm_free(m);
        return fail(err, errlen, LPCS_EUNSUPPORTED, "cuda engine: no shared memory for the GEMM kernel", NULL);
    }
    if (c->arch == 0 &&
        cudaFuncSetAttribute(attention_k, cudaFuncAttributeMaxDynamicSharedMemorySize, 4 * c->max_pos * 4) !=
            cudaSuccess) {
        lpcs_cuda_llm_free(m);
        return fail(err, errlen, LPCS_EUNSUPPORTED, "cuda engine: context too long for the attention kernel", NULL);
    }
    /* rope_attn_k: a warp's scores per q head of a kv group; where they do not fit, rope_kv_k + attention_k */
    if (c->arch == 0 && c->n_kv_heads > 0) {
        const size_t rb = (size_t)(c->n_heads / c->n_kv_heads) * c->max_pos * 4;
        m->rope_attn = c->n_heads / c->n_kv_heads <= 32 && rb <= 200 * 1024 &&
                       cudaFuncSetAttribute(rope_attn_k, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)rb) == cudaSuccess;
    }
    /* attn_smem_k above 48 KB (long windows); where the device refuses, the recomputing kernel runs */
    m->attn_smem = cudaFuncSetAttribute(attn_smem_k<32, ATTN_SMEM_R, ATTN_SMEM_P>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                        ATTN_SMEM_MAX) == cudaSuccess &&
                   cudaFuncSetAttribute(attn_smem_k<64, ATTN_SMEM_R, ATTN_SMEM_P>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                        ATTN_SMEM_MAX) == cudaSuccess;
    cudaGetLastError();
    *out = m;
    return LPCS_OK;
}

extern "C" void lpcs_cuda_llm_set_matmul(lpcs_cuda_llm *m, int mode) { m->mode = mode; }

/* Read-modify-write of the first 16 bytes of a device array: xor mask, or
 * (add) one step up (127: down) as int8 codes. */
static int poke16(void *dev, uint8_t mask, int add) {
    uint8_t b[16];
    if (cudaMemcpy(b, dev, 16, cudaMemcpyDeviceToHost) != cudaSuccess) return LPCS_EINVAL;
    for (int i = 0; i < 16; i++) b[i] = add ? (uint8_t)(b[i] == 0x7F ? 0x7E : b[i] + 1) : (uint8_t)(b[i] ^ mask);
    return cudaMemcpy(dev, b, 16, cudaMemcpyHostToDevice) == cudaSuccess ? LPCS_OK : LPCS_EINVAL;
}

/* Rows 0..15 of an exact RMMEC matrix (words column-major [words][rows]),
 * every word: bit 2 of every byte flipped, i.e. the exponent MSB of every FP4
 * / P4 lane (a zero code becomes 2.0) and a middle bit of every P8 / P16 lane.
 * A 16-byte poke of columns 0..3 alone could meet activations that the unit's
 * FP4 encoding rounds to zero in every token and change nothing. */
static int poke_rmmec_tile(uint16_t *ww, size_t rows, size_t words) {
    const size_t tile = rows < 16 ? rows : 16, pitch = rows * 2;
    uint8_t *h = (uint8_t *)malloc(tile * 2 * words);
    int rc = LPCS_EINVAL;
    if (h && cudaMemcpy2D(h, tile * 2, ww, pitch, tile * 2, words, cudaMemcpyDeviceToHost) == cudaSuccess) {
        for (size_t i = 0; i < tile * 2 * words; i++) h[i] ^= 0x44;
        if (cudaMemcpy2D(ww, pitch, h, tile * 2, tile * 2, words, cudaMemcpyHostToDevice) == cudaSuccess) rc = LPCS_OK;
    }
    free(h);
    return rc;
}

extern "C" int lpcs_cuda_llm_fault(lpcs_cuda_llm *m) {
    for (int i = 0; m && i < m->n_ops; i++) {
        const dev_op *d = &m->ops[i];
        if (d->wsh) return poke16(d->wsh, 0x08, 0); /* sign of row 0's codes 0, 2, 4, ... */
        if (d->wc) return poke16(d->wc, 0, 1);      /* row 0's first 16 codes one step */
        if (d->ww) { /* every RMMEC matmul's first row tile: in the FP4 plan (nearly) every weight is 0 and a corrupted
                      * wq alone changed no logit (H100, session 6) */
            int rc = LPCS_OK;
            for (int k = i; k < m->n_ops; k++)
                if (m->ops[k].ww && poke_rmmec_tile(m->ops[k].ww, m->ops[k].o.rows, m->ops[k].o.words)) rc = LPCS_EINVAL;
            return rc;
        }
    }
    for (int i = 0; m && i < m->n_ops; i++) /* no exact unit: the first packed matrix, row 0's first superblock */
        if (m->ops[i].wq) { /* the codes (the design's storage); the fp32 companion goes, so every path reads them */
            cudaFree(m->ops[i].w), m->ops[i].w = NULL;
            uint8_t b[256];
            if (cudaMemcpy(b, m->ops[i].wq, 256, cudaMemcpyDeviceToHost) != cudaSuccess) return LPCS_EINVAL;
            for (int k = 0; k < 256; k++) b[k] ^= m->ops[i].o.w_qbits == 4 ? 0x11 : 0x55;
            return cudaMemcpy(m->ops[i].wq, b, 256, cudaMemcpyHostToDevice) == cudaSuccess ? LPCS_OK : LPCS_EINVAL;
        }
    return LPCS_EINVAL;
}
extern "C" int lpcs_cuda_llm_packed(const lpcs_cuda_llm *m) { return m ? m->n_packed : 0; }
extern "C" void lpcs_cuda_llm_set_fuse(lpcs_cuda_llm *m, int on) { m->fuse = on & 1 ? on & 7 : 0; }
extern "C" void lpcs_cuda_llm_set_qrows(lpcs_cuda_llm *m, int r) { m->q_rows = r == 1 || r == 2 ? r : 0; }
extern "C" void lpcs_cuda_llm_set_gemv1(lpcs_cuda_llm *m, int k) { m->gemv1 = k == 1; }
extern "C" void lpcs_cuda_llm_set_pdl(lpcs_cuda_llm *m, int on) { m->pdl = on != 0; }
extern "C" void lpcs_cuda_llm_set_pipe_rows(lpcs_cuda_llm *m, int r) { m->pipe_rows = r == 2 || r == 4 || r == 8 ? r : 0; }
extern "C" void lpcs_cuda_llm_set_ring(lpcs_cuda_llm *m, int g) { m->ring = g >= 0 && g < PIPE_NG ? g : -1; }
extern "C" void lpcs_cuda_llm_set_attn(lpcs_cuda_llm *m, int v) {
    if (m) m->attn = v >= 0 && v <= 5 ? v : 0;
}
extern "C" void lpcs_cuda_llm_set_graphs(lpcs_cuda_llm *m, int on) { m->graphs = on; }

extern "C" void lpcs_cuda_llm_set_profile(lpcs_cuda_llm *m, int on) {
    if (on && !m->pev) {
        m->pev = (cudaEvent_t *)calloc(2 * (size_t)m->n_ops, sizeof *m->pev);
        for (int i = 0; m->pev && i < 2 * m->n_ops; i++) cudaEventCreate(&m->pev[i]);
    }
    m->profile = on && m->pev;
    memset(m->prof_ms, 0, sizeof m->prof_ms);
}

extern "C" void lpcs_cuda_llm_profile(lpcs_cuda_llm *m, double *ms) {
    memcpy(ms, m->prof_ms, sizeof m->prof_ms);
}

/* Ops folded into a one-row GEMV (enqueue_ops): the RMSNorm before it (its
 * input row, weights, eps and output buffer; w NULL: none) and the residual
 * add after it (res: the row the GEMV's output is added to; NULL: none). */
struct fnorm {
    const float *x, *w;
    float eps;
    float *out;
    float *res;
    int ldx, ldo; /* row strides of x and out (several rows: the copy ring with 2..8 rows of x) */
};

/* Does a matmul of M rows and K columns take a one-row kernel (gemv1_xs_k /
 * gemv1q_k), i.e. one that can take a folded RMSNorm? */
static bool one_row(const lpcs_cuda_llm *m, const dev_op *d, int M, int K) {
    if (M != 1 || m->mode < 0 || m->mode > 8 || m->mode == 2 || m->mode == 3 || m->mode == 4 || d->wc || d->wsh || d->ww) return false;
    if (d->wq) return (size_t)16 * (q_nsb(K, d->o.w_qbits) * (128 / d->o.w_qbits) + 4) * 4 <= GEMV1_XS_MAX;
    return (size_t)gemv1_xs_floats(K) * 4 <= GEMV1_XS_MAX;
}

/* gemv1_pipe_k: KIND 0 fp32, 1 bf16, 4 / 2 packed bits; NR 2 the w1 / w3 + SwiGLU pair. The grid is what
 * fits the device at once (registers, asked at create; shared memory), at most one block per row group
 * (mode 7: 2 blocks, each walking many row groups). */
static size_t pipe_x_bytes(int kind, int K) { /* one staged x row (16 lanes, padded) */
    const int nch = kind >= 2 ? q_nsb(K, kind) : lane_kc(K) / (kind == 0 ? 4 : 8);
    const int spc = kind == 0 ? 4 : kind == 1 ? 8 : 128 / kind;
    return (size_t)16 * (nch * spc + 4) * 4;
}
/* rows of x one launch of gemv1_pipe_k can take (8, 4, 2 or 1: the shared memory for x and the small ring) */
static int pipe_rows_fit(const lpcs_cuda_llm *m, int kind, int K) {
    for (int mb = m->pipe_rows ? m->pipe_rows : 8; mb > 1; mb /= 2)
        if ((size_t)mb * pipe_x_bytes(kind, K) + 2 * (size_t)pipe_ring(3) <= PIPE_SMEM_LIMIT) return mb;
    return 1;
}
static void launch_pipe(lpcs_cuda_llm *m, int kind, int nr, float *Y, const float *X, const void *W, const float *S,
                        int N, int K, const fnorm *fn, const rowjobs *J, int mb = 1, int ldx = 0, int ldy = 0,
                        int ldo = 0) {
    const int ki = nr == 2 ? (kind == 4 ? 4 : kind == 2 ? 5 : kind == 0 ? 6 : 7)
                           : kind == 0 ? 0 : kind == 1 ? 1 : kind == 4 ? 2 : 3;
    const int MB = mb <= 1 ? 1 : mb <= 2 ? 2 : mb <= 4 ? 4 : 8;
    /* one row, by kind (H100, session 7): 1 x 4 through L1 for fp32 / bf16, 1 x 3 through L1 for packed codes;
     * several rows: 1 x 4, 1024 threads a block where x and the ring fit and the row groups fill every SM with
     * such blocks, else 512 (one block an SM either way: the most warps on the most SMs; ncu, session 7: a
     * 4096-row matrix in 1024-thread blocks ran on 64 SMs) */
    const size_t xb = (size_t)MB * pipe_x_bytes(kind, K);
    const int T = J->nj > 1 ? J->gend[J->nj - 1] : (N + 15) / 16;
    int nt = 256;
    if (MB > 1) {
        const long s512 = (long)((T + 1) / 2 < m->sms ? (T + 1) / 2 : m->sms) * 512;
        const long s1024 = (long)((T + 3) / 4 < m->sms ? (T + 3) / 4 : m->sms) * 1024;
        nt = xb + 4 * (size_t)pipe_ring(3) <= PIPE_SMEM_LIMIT && s1024 > s512 ? 1024 : 512;
    }
    /* (session 8 measured the deep ring for matrices with few row groups: no gain for bf16, 2-4% slower for
     * packed codes, so one geometry per kind) */
    const int rg = MB > 1 ? 3 : m->ring >= 0 ? m->ring : kind <= 1 ? 3 : 4;
    const size_t smem = xb + (size_t)pipe_ring(rg) * (nt / 256);
    const int mbi = MB == 2 ? 0 : MB == 4 ? 1 : 2;
    const int by_smem = m->smem_sm / (int)(smem + 1024),
              by_regs = MB == 1 ? m->pipe_regs_fit[rg][ki] : m->pipem_regs_fit[nt == 1024 ? 0 : 1][ki][mbi];
    int fit = (by_regs < by_smem ? by_regs : by_smem) * m->sms;
    if (fit < 1) fit = 1;
    if (m->mode == 7) fit = 2;
    const int tb = (T + nt / 256 - 1) / (nt / 256);
    const unsigned g = (unsigned)(tb < fit ? tb : fit);
    const bool nf = fn && fn->w;
    const float *x = nf ? fn->x : X, *nw = nf ? fn->w : NULL;
    const float eps = nf ? fn->eps : 0.0f;
    float *xo = nf ? fn->out : NULL, *res = fn ? fn->res : NULL;
    cudaLaunchConfig_t lc = {};
    cudaLaunchAttribute la[1];
    lc.gridDim = dim3(g), lc.blockDim = dim3((unsigned)nt), lc.dynamicSmemBytes = smem, lc.stream = m->st;
    if (m->pdl) { /* may start before the previous kernel ends (the kernel waits for it before reading x) */
        la[0].id = cudaLaunchAttributeProgrammaticStreamSerialization;
        la[0].val.programmaticStreamSerializationAllowed = 1;
        lc.attrs = la, lc.numAttrs = 1;
    }
    const pipe_fn kf = MB == 1 ? pipe_fns[rg][ki] : pipem_fns[nt == 1024 ? 0 : 1][ki][mbi];
    if (m->pdl) cudaLaunchKernelEx(&lc, kf, Y, x, W, S, N, K, nw, eps, xo, res, *J, mb, ldx, ldy, ldo);
    else kf<<<g, (unsigned)nt, smem, m->st>>>(Y, x, W, S, N, K, nw, eps, xo, res, *J, mb, ldx, ldy, ldo);
}

/* The matmul modes that change only the many-row kernels: up to 8 rows they take the GEMVs, as mode 0 does */
static bool gemv_up_to_8_rows(int mode) { return mode == 0 || mode == 6 || mode == 8 || (mode >= 10 && mode <= 18); }
/* Does a matmul of M = 2.. rows take the copy ring with several rows of x (and can it take a folded RMSNorm)? */
static bool multi_row_kind(const lpcs_cuda_llm *m, int kind, int M, int K) { /* kind: as launch_pipe's */
    const bool gemv = m->mode == 1 || m->mode == 7 || (gemv_up_to_8_rows(m->mode) && M <= 8);
    return gemv && M > 1 && m->gemv1 == 0 && !(kind >= 2 && m->q_rows) && pipe_rows_fit(m, kind, K) > 1;
}
/* launch_matmul's choices: the one-row / few-row kernels, and the tiled gemm_k (the folds of gemm_epi) */
static bool matmul_gemv(const lpcs_cuda_llm *m, int M) {
    return m->mode == 1 || m->mode == 7 || ((gemv_up_to_8_rows(m->mode) || m->mode == 5) && M <= 8);
}
static bool gemm_k_path(const lpcs_cuda_llm *m, int kind, int M, int K) {
    return !(M > 1 && multi_row_kind(m, kind, M, K)) && !matmul_gemv(m, M) && m->mode != 3 && m->mode != 4 &&
           !((m->mode == 5 || m->mode == 9 || m->mode == 10) && K <= GEMM_ST_KMAX);
}
static bool multi_row(const lpcs_cuda_llm *m, const dev_op *d, int M, int K) {
    return !d->wc && !d->wsh && !d->ww && multi_row_kind(m, d->wq ? d->o.w_qbits : d->wh ? 1 : 0, M, K);
}
/* M rows through the copy ring, up to pipe_rows_fit of them a launch (a folded RMSNorm: x = its input) */
static void launch_pipe_rows(lpcs_cuda_llm *m, int kind, float *Y, int ldy, const float *X, int ldx, const void *W,
                             const float *S, int M, int N, int K, const fnorm *fn, const rowjobs *J) {
    const int prows = pipe_rows_fit(m, kind, K);
    const bool nf = fn && fn->w;
    for (int r0 = 0; r0 < M; r0 += prows) {
        const int mb = M - r0 < prows ? M - r0 : prows;
        fnorm f = {};
        if (nf) f = *fn, f.x = fn->x + (size_t)r0 * fn->ldx, f.out = fn->out + (size_t)r0 * fn->ldo, f.res = NULL;
        launch_pipe(m, kind, 1, Y + (size_t)r0 * ldy, nf ? f.x : X + (size_t)r0 * ldx, W, S, N, K, nf ? &f : NULL,
                    J, mb, nf ? fn->ldx : ldx, ldy, nf ? fn->ldo : 0);
    }
}

/* gemm_k's staging stores by matmul mode: session 11's (mode 17), or the conflict-free ones (CS; the default since
 * session 12: H100, full split 47.3 -> 45.6 ms, bit-exact) */
static bool gemm8_cs(int mode) { return mode != 17; }
/* gemm_k's default form (8 x 8, float4 / float2 stores): the rows whose tiles lie inside the matrices through the
 * form without bounds checks (matmul mode 12: all through the checked form; 13: only the plain GEMMs unchecked, the
 * folded epilogues need more registers), the last M % 32 rows checked in a second launch (mode 18: all rows
 * checked in one launch where M % 32 != 0, session 11's default) */
template <typename WT, int EPI, bool CS>
static void launch_gemm8_cs(lpcs_cuda_llm *m, float *Y, int ldy, const float *X, int ldx, const WT *W, int M, int N,
                            int K, const gemm_epi &e) {
    const int cols = EPI == 2 ? 2 * N : N;
    const bool inside = m->mode != 12 && !(m->mode == 13 && EPI != 0) && cols % 32 == 0 && K % 64 == 0 &&
                        (ldx & 3) == 0 && ((uintptr_t)X & 15) == 0;
    /* M % 32 != 0: the unchecked interior rows + a checked tail launch (test_llm's 300-row check, bit-exact on an
     * H100 in session 12) */
    const int mi = inside && (M % 32 == 0 || m->mode != 18) ? M / 32 * 32 : 0;
    if (mi > 0)
        gemm_k<WT, 8, EPI, true, true, CS><<<dim3((unsigned)(cols / 32), (unsigned)(mi / 32)), 256, 0, m->st>>>(
            Y, ldy, X, ldx, W, mi, N, K, e);
    if (mi < M) {
        gemm_epi t = e; /* the tail rows: every pointer moved by mi rows */
        if (t.R) t.R += (size_t)mi * t.ldr;
        if (t.H3) t.H3 += (size_t)mi * t.ldh3;
        if (t.S) t.S += (size_t)mi * t.lds;
        gemm_k<WT, 8, EPI, true, false, CS><<<dim3((unsigned)((cols + 31) / 32), (unsigned)((M - mi + 31) / 32)), 256, 0,
                                                 m->st>>>(Y + (size_t)mi * ldy, ldy, X + (size_t)mi * ldx, ldx, W, M - mi, N, K, t);
    }
}
template <typename WT, int EPI>
static void launch_gemm8(lpcs_cuda_llm *m, float *Y, int ldy, const float *X, int ldx, const WT *W, int M, int N, int K,
                         const gemm_epi &e) {
    if (gemm8_cs(m->mode)) launch_gemm8_cs<WT, EPI, true>(m, Y, ldy, X, ldx, W, M, N, K, e);
    else launch_gemm8_cs<WT, EPI, false>(m, Y, ldy, X, ldx, W, M, N, K, e);
}

/* gemm_k with one float a store and every tile checked, epilogue epi (matmul modes 8 and 11: measurements) */
template <typename WT, int TN>
static void launch_gemm_scalar(lpcs_cuda_llm *m, dim3 grid, int epi, float *Y, int ldy, const float *X, int ldx, const WT *W,
                               int M, int N, int K, const gemm_epi &e) {
    if (epi == 1) gemm_k<WT, TN, 1><<<grid, 256, 0, m->st>>>(Y, ldy, X, ldx, W, M, N, K, e);
    else if (epi == 2) gemm_k<WT, TN, 2><<<grid, 256, 0, m->st>>>(Y, ldy, X, ldx, W, M, N, K, e);
    else gemm_k<WT, TN><<<grid, 256, 0, m->st>>>(Y, ldy, X, ldx, W, M, N, K);
}

template <typename WT>
static void launch_matmul(lpcs_cuda_llm *m, float *Y, int ldy, const float *X, int ldx, const WT *W, int M, int N,
                          int K, const fnorm *fn = NULL, const rowjobs *J = NULL, int epi = 0, const gemm_epi *E = NULL) {
    static const rowjobs none = {};
    if (!J) J = &none;
    const bool gemv = matmul_gemv(m, M);
    const int kind = sizeof(WT) == 2 ? 1 : 0;
    if (M > 1 && multi_row_kind(m, kind, M, K)) {
        /* several rows through the copy ring: each launch reads the weights once for up to 8 rows of x */
        launch_pipe_rows(m, kind, Y, ldy, X, ldx, W, NULL, M, N, K, fn, J);
    } else if (gemv) {
        for (int r0 = 0; r0 < M; r0 += 8) { /* up to 8 rows share the weight loads */
            int mb = M - r0 < 8 ? M - r0 : 8;
            dim3 grid((unsigned)((N + 15) / 16));
            float *y = Y + (size_t)r0 * ldy;
            const float *x = X + (size_t)r0 * ldx;
            const size_t xsb = (size_t)gemv1_xs_floats(K) * 4;
            if (mb == 1 && xsb <= GEMV1_XS_MAX && m->gemv1 == 0 && m->mode != 5) {
                launch_pipe(m, kind, J->nj < 0 ? 2 : 1, y, x, W, NULL, N, K, fn, J);
            } else if (mb == 1 && xsb <= GEMV1_XS_MAX) {
                /* blocks that fit an SM at once: the register limit (asked at create), the shared memory limit */
                const int by_regs = m->gemv1_regs_fit[sizeof(WT) == 2], by_smem = m->smem_sm / (int)(xsb + 1024);
                const int per_sm = by_regs < by_smem ? by_regs : by_smem;
                int ng = (N + 15) / 16, gs = m->mode == 7 ? 2 : m->mode == 5 && per_sm > 0 ? per_sm * m->sms : ng;
                if (J->nj > 1) ng = gs = J->gend[J->nj - 1]; /* several matrices: one block per row group */
                const bool nf = fn && fn->w;
                gemv1_xs_k<WT><<<(unsigned)(gs < ng ? gs : ng), 256, xsb, m->st>>>(
                    y, nf ? fn->x : x, W, N, K, nf ? fn->w : NULL, nf ? fn->eps : 0.0f, nf ? fn->out : NULL,
                    fn ? fn->res : NULL, *J);
            }
            else if (mb == 1) gemv_k<WT, 1><<<grid, 256, 0, m->st>>>(y, ldy, x, ldx, W, mb, N, K);
            else if (mb == 2) gemv_xs_k<WT, 2><<<grid, 256, 0, m->st>>>(y, ldy, x, ldx, W, mb, N, K);
            else if (mb <= 4) gemv_xs_k<WT, 4><<<grid, 256, 0, m->st>>>(y, ldy, x, ldx, W, mb, N, K);
            else gemv_xs_k<WT, 8><<<grid, 256, 0, m->st>>>(y, ldy, x, ldx, W, mb, N, K);
        }
    } else if (m->mode == 3) { /* lane-per-warp GEMMs: same bits, measured slower (bench/RESULTS-cuda-runtime.md) */
        dim3 grid((unsigned)((N + 63) / 64), (unsigned)((M + 31) / 32));
        gemm_wl_k<WT, 64><<<grid, 512, 0, m->st>>>(Y, ldy, X, ldx, W, M, N, K);
    } else if (m->mode == 4) {
        dim3 grid((unsigned)((N + 31) / 32), (unsigned)((M + 31) / 32));
        gemm_wl_k<WT, 32><<<grid, 512, 0, m->st>>>(Y, ldy, X, ldx, W, M, N, K);
    } else if ((m->mode == 5 || m->mode == 9 || m->mode == 10) && K <= GEMM_ST_KMAX) { /* lanes one after the other */
        /* a block per 64 rows walks column tiles of 64 with its X tile kept; N is split only where the row
         * tiles alone would not give every SM about 4 blocks (few rows, e.g. a short prefill) */
        /* mode 10: 8 rows a thread (128 x 64 a block) where its X tile fits */
        const bool t8 = m->mode == 10 && gemm_st_smem(K, 128) <= gemm_st_smem(GEMM_ST_KMAX);
        const int bm = t8 ? 128 : 64;
        const int mt = (M + bm - 1) / bm, ntl = (N + 63) / 64;
        int nch = m->mode == 9 ? 1 : (4 * m->sms + mt - 1) / mt;
        nch = nch < 1 ? 1 : nch > ntl ? ntl : nch;
        const int tpb = (ntl + nch - 1) / nch;
        dim3 grid((unsigned)mt, (unsigned)((ntl + tpb - 1) / tpb));
        const int wpf = (gemm_st_s4(K) + 15) / 16;
        if (t8 && wpf == 1) gemm_st_k<WT, 1, 8><<<grid, 256, gemm_st_smem(K, 128), m->st>>>(Y, ldy, X, ldx, W, M, N, K, tpb);
        else if (t8) gemm_st_k<WT, 2, 8><<<grid, 256, gemm_st_smem(K, 128), m->st>>>(Y, ldy, X, ldx, W, M, N, K, tpb);
        else if (wpf == 1) gemm_st_k<WT, 1><<<grid, 256, gemm_st_smem(K), m->st>>>(Y, ldy, X, ldx, W, M, N, K, tpb);
        else if (wpf == 2) gemm_st_k<WT, 2><<<grid, 256, gemm_st_smem(K), m->st>>>(Y, ldy, X, ldx, W, M, N, K, tpb);
        else gemm_st_k<WT, 3><<<grid, 256, gemm_st_smem(K), m->st>>>(Y, ldy, X, ldx, W, M, N, K, tpb);
    } else { /* gemm_k_path */
        const int tn = m->mode == 8 ? 16 : 8, cols = epi == 2 ? 2 * N : N;
        dim3 grid((unsigned)((cols + 4 * tn - 1) / (4 * tn)), (unsigned)((M + 31) / 32));
        const gemm_epi e = E ? *E : gemm_epi{};
        if (tn == 16) launch_gemm_scalar<WT, 16>(m, grid, epi, Y, ldy, X, ldx, W, M, N, K, e);
        else if (m->mode == 11) launch_gemm_scalar<WT, 8>(m, grid, epi, Y, ldy, X, ldx, W, M, N, K, e); /* session 10's epilogue */
        else if (epi == 1) launch_gemm8<WT, 1>(m, Y, ldy, X, ldx, W, M, N, K, e);
        else if (epi == 2) launch_gemm8<WT, 2>(m, Y, ldy, X, ldx, W, M, N, K, e);
        else launch_gemm8<WT, 0>(m, Y, ldy, X, ldx, W, M, N, K, e);
    }
}

/* A packed matmul: one row through gemv1q_k (codes decoded in registers),
 * more rows through the fp32 kernels on the decoded matrix (same values). */
static void launch_packed(lpcs_cuda_llm *m, const dev_op *d, float *Y, int ldy, const float *X, int ldx, int M,
                          const fnorm *fn, const rowjobs *J) {
    const int N = (int)d->o.rows, K = (int)d->o.cols, bits = d->o.w_qbits;
    if (one_row(m, d, M, K) && m->gemv1 == 0 && !m->q_rows) {
        launch_pipe(m, bits, J->nj < 0 ? 2 : 1, Y, fn && fn->w ? fn->x : X, d->wq, d->wqs, N, K, fn, J);
        return;
    }
    if (one_row(m, d, M, K)) {
        const size_t xsb = (size_t)16 * (q_nsb(K, bits) * (128 / bits) + 4) * 4;
        /* 2 rows per thread when that still leaves 2 blocks per SM (gemv1q_rows: 0 auto, 1 or 2 forced) */
        int groups = 0;
        if (J->nj > 1)
            for (int k = 0; k < J->nj; k++) groups += (J->N[k] + 31) / 32;
        else groups = (N + 31) / 32;
        /* auto (H100, session 5 run 1): ternary always 2 rows per thread (4.09 vs 4.60 ms per 7B step with 1);
         * int4 2 where the grid keeps 2 blocks per SM (4.29 ms; all 2: 4.40, all 1: 4.57) */
        const int R = J->nj < 0 ? 2 : m->q_rows ? m->q_rows : bits == 2 || groups >= 2 * m->sms ? 2 : 1;
        rowjobs J2 = *J;
        if (R == 2 && J->nj > 1) /* block ends in units of 32 rows */
            for (int k = 0; k < J->nj; k++) J2.gend[k] = (k ? J2.gend[k - 1] : 0) + (J->N[k] + 31) / 32;
        J = &J2;
        const unsigned g = (unsigned)(J->nj > 1 ? J->gend[J->nj - 1] : J->nj < 0 ? (N + 15) / 16 : (N + 16 * R - 1) / (16 * R));
        const bool nf = fn && fn->w;
        const float *x = nf ? fn->x : X, *nw = nf ? fn->w : NULL;
        const float eps = nf ? fn->eps : 0.0f;
        float *xo = nf ? fn->out : NULL, *res = fn ? fn->res : NULL;
        if (bits == 4 && R == 2) gemv1q_k<4, 2><<<g, 256, xsb, m->st>>>(Y, x, d->wq, d->wqs, N, K, nw, eps, xo, res, *J);
        else if (bits == 4) gemv1q_k<4, 1><<<g, 256, xsb, m->st>>>(Y, x, d->wq, d->wqs, N, K, nw, eps, xo, res, *J);
        else if (R == 2) gemv1q_k<2, 2><<<g, 256, xsb, m->st>>>(Y, x, d->wq, d->wqs, N, K, nw, eps, xo, res, *J);
        else gemv1q_k<2, 1><<<g, 256, xsb, m->st>>>(Y, x, d->wq, d->wqs, N, K, nw, eps, xo, res, *J);
        return;
    }
    if (M > 1 && multi_row(m, d, M, K)) { /* several rows through the copy ring, codes decoded once for all */
        launch_pipe_rows(m, bits, Y, ldy, X, ldx, d->wq, d->wqs, M, N, K, fn, J);
        return;
    }
    if (d->w) { /* the fp32 companion (create): no decode */
        launch_matmul(m, Y, ldy, X, ldx, (const float *)d->w, M, N, K);
        return;
    }
    const size_t tot = (size_t)N * 16 * lane_kc(K);
    const unsigned g = (unsigned)((tot + 255) / 256 < 4096 ? (tot + 255) / 256 : 4096);
    if (bits == 4) qdequant_k<4><<<g, 256, 0, m->st>>>(m->wdq, (const uint32_t *)d->wq, d->wqs, N, K);
    else qdequant_k<2><<<g, 256, 0, m->st>>>(m->wdq, (const uint32_t *)d->wq, d->wqs, N, K);
    launch_matmul(m, Y, ldy, X, ldx, (const float *)m->wdq, M, N, K);
}

static int enqueue_ops(lpcs_cuda_llm *m, int nseq, int ntok, int slot0);
static int check_launch();

extern "C" int lpcs_cuda_llm_forward(lpcs_cuda_llm *m, const int *tokens, int nseq, int ntok, int pos0, int slot0) {
    const lpcs_cuda_llm_cfg *c = &m->c;
    int rows = nseq * ntok;
    if (nseq < 1 || ntok < 1 || rows > c->max_rows || pos0 < 0 || (c->arch == 0 && pos0 + ntok > c->max_pos) || slot0 < 0 ||
        slot0 + nseq > c->max_slots)
        return LPCS_ERANGE;
    for (int i = 0; i < rows; i++)
        if (tokens[i] < 0 || tokens[i] >= c->vocab) return LPCS_EINVAL;
    m->rows = rows;
    cudaEventRecord(m->e0, m->st);
    cudaMemcpyAsync(m->tok, tokens, (size_t)rows * sizeof(int), cudaMemcpyHostToDevice, m->st);
    cudaMemcpyAsync(m->dpos, &pos0, sizeof(int), cudaMemcpyHostToDevice, m->st);
    m->hpos = pos0;
    int rc = LPCS_OK;
    /* decode steps (one token per sequence) replay a CUDA graph of the op
     * list: one launch per step instead of ~14 per layer. The kernels read
     * the position from device memory, so one graph serves every step of
     * a batch shape; it is captured again when the shape changes. */
    if (ntok == 1 && !m->profile && m->graphs) {
        if (!m->gexec || m->g_nseq != nseq || m->g_slot0 != slot0 || m->g_mode != m->mode || m->g_fuse != m->fuse ||
            m->g_qrows != m->q_rows || m->g_gemv1 != m->gemv1 || m->g_pdl != m->pdl || m->g_ring != m->ring ||
            m->g_prows != m->pipe_rows) {
            if (m->gexec) cudaGraphExecDestroy(m->gexec);
            m->gexec = NULL;
            cudaGraph_t g = NULL;
            if (cudaStreamBeginCapture(m->st, cudaStreamCaptureModeThreadLocal) == cudaSuccess) {
                rc = enqueue_ops(m, nseq, ntok, slot0);
                if (cudaStreamEndCapture(m->st, &g) != cudaSuccess || rc ||
                    cudaGraphInstantiate(&m->gexec, g, 0) != cudaSuccess)
                    m->gexec = NULL;
                if (g) cudaGraphDestroy(g);
            }
            cudaGetLastError(); /* a failed capture falls back to launches below */
            m->g_nseq = nseq, m->g_slot0 = slot0, m->g_mode = m->mode, m->g_fuse = m->fuse, m->g_qrows = m->q_rows;
            m->g_gemv1 = m->gemv1, m->g_pdl = m->pdl, m->g_ring = m->ring, m->g_prows = m->pipe_rows;
        }
        if (m->gexec && cudaGraphLaunch(m->gexec, m->st) == cudaSuccess) {
            cudaEventRecord(m->e1, m->st);
            return check_launch();
        }
    }
    rc = enqueue_ops(m, nseq, ntok, slot0);
    if (rc) return rc;
    cudaEventRecord(m->e1, m->st);
    if (m->profile) {
        cudaEventSynchronize(m->e1);
        for (int i = 0; i < m->n_ops; i++) {
            float ms = 0;
            cudaEventElapsedTime(&ms, m->pev[2 * i], m->pev[2 * i + 1]);
            m->prof_ms[m->ops[i].o.type] += ms;
        }
    }
    return check_launch();
}

static int check_launch() {
    cudaError_t e = cudaGetLastError();
    if (e != cudaSuccess) {
        fprintf(stderr, "cuda engine: %s\n", cudaGetErrorString(e));
        return LPCS_EINVAL;
    }
    return LPCS_OK;
}

/* The op list's kernels for rows = nseq * ntok (position in m->dpos). */
static int enqueue_ops(lpcs_cuda_llm *m, int nseq, int ntok, int slot0) {
    const lpcs_cuda_llm_cfg *c = &m->c;
    const int rows = nseq * ntok;
    const int *ld = c->buf_size;
    fnorm fn_pend;
    const fnorm *fn = NULL; /* an RMSNorm folded into this op (the matmul right after it) */
    int kv_stored = 0; /* the ROPE before an ATTENTION stored k / v in the cache */
    int skip = -1, skip0 = -1; /* ops skip0 .. skip folded into an op before them (an ADD, GEMVs of one launch) */
    for (int i = 0; i < m->n_ops; i++) {
        if (skip0 >= 0 && i >= skip0 && i <= skip) { /* folded into an op before it: no time of its own */
            if (i == skip) skip0 = -1, skip = -1;
            if (m->profile) cudaEventRecord(m->pev[2 * i], m->st), cudaEventRecord(m->pev[2 * i + 1], m->st);
            continue;
        }
        const dev_op *d = &m->ops[i];
        const lpcs_cuda_op *o = &d->o;
        float *in = o->in >= 0 ? m->buf[o->in] : NULL, *in2 = o->in2 >= 0 ? m->buf[o->in2] : NULL;
        float *out = o->out >= 0 ? m->buf[o->out] : NULL;
        int li = o->in >= 0 ? ld[o->in] : 0, li2 = o->in2 >= 0 ? ld[o->in2] : 0, lo = o->out >= 0 ? ld[o->out] : 0;
        int n = (int)o->n;
        if (m->profile) cudaEventRecord(m->pev[2 * i], m->st);
        switch (o->type) {
        case LPCS_CUDA_OP_EMBED:
            embed_k<<<rows, 128, 0, m->st>>>(out, lo, d->w, m->tok, rows, (int)o->cols);
            break;
        case LPCS_CUDA_OP_RMSNORM: {
            /* one row whose next op is a one-row GEMV of it: the GEMV stages x through the norm (block 0
             * writes this op's output), which saves a launch and a one-block kernel */
            const dev_op *nx = i + 1 < m->n_ops ? &m->ops[i + 1] : NULL;
            /* several rows (decode of 2..8 sequences) whose next op takes the copy ring with all of them: the same */
            if (m->fuse && o->in != o->out && nx && nx->o.type == LPCS_CUDA_OP_MATMUL && nx->o.in == o->out &&
                nx->o.cols == o->n &&
                (rows == 1 ? one_row(m, nx, rows, (int)nx->o.cols) : multi_row(m, nx, rows, (int)nx->o.cols))) {
                fn_pend.x = in, fn_pend.w = d->w, fn_pend.eps = o->eps, fn_pend.out = out, fn_pend.res = NULL;
                fn_pend.ldx = li, fn_pend.ldo = lo;
                fn = &fn_pend;
                break; /* fn is consumed by op i + 1 */
            }
            {
                const int rpb = rows <= 2 * m->sms ? 1 : 16; /* decode of a few sequences: one block a row */
                rmsnorm_k<<<(rows + rpb - 1) / rpb, 256, RMS_STAGE * 4, m->st>>>(out, lo, in, li, d->w, rows, n, o->eps,
                                                                                 rpb);
            }
            break;
        }
        case LPCS_CUDA_OP_MATMUL:
            if (d->wc) {
                const int N = (int)o->rows, K = (int)o->cols;
                lut_quant_k<<<rows, 256, 0, m->st>>>(m->xq, d->kp, m->xs, in, li, K, (1 << (o->exact_lut_abits - 1)) - 1);
                dim3 grid((unsigned)((N + 63) / 64), (unsigned)((rows + 63) / 64));
                igemm_k<<<grid, 256, 0, m->st>>>(m->acc, N, m->xq, d->wc, rows, N, d->kp);
                size_t tot = (size_t)rows * N;
                lut_convert_k<<<(unsigned)((tot + 255) / 256), 256, 0, m->st>>>(out, lo, m->acc, N, d->wsc, m->xs, rows, N);
            } else if (d->wsh) {
                const int N = (int)o->rows, K = (int)o->cols;
                sm_quant_k<<<(unsigned)((rows * 32 + 255) / 256), 256, 0, m->st>>>(m->xq, d->kp, m->xs, in, li, rows, K);
                dim3 grid((unsigned)((N + 63) / 64), (unsigned)((rows + 63) / 64));
                shiftmac_gemm_k<<<grid, 256, 0, m->st>>>(m->acc, N, m->xq, d->wsh, rows, N, d->kp);
                size_t tot = (size_t)rows * N;
                sm_dequant_k<<<(unsigned)((tot + 255) / 256), 256, 0, m->st>>>(out, lo, m->acc, N, d->wsc, m->xs, rows, N);
            } else if (d->ww) {
                const int mode = o->exact_rmmec - 1, words = (int)o->words, N = (int)o->rows;
                size_t tot = (size_t)rows * words;
                rmmec_pack_k<<<(unsigned)((tot + 255) / 256), 256, 0, m->st>>>(m->xw, words, in, li, rows,
                                                                             (int)o->cols, mode);
                rmmec_mm_k<<<dim3((unsigned)rows, (unsigned)((N + 127) / 128)), 128, 0, m->st>>>(out, lo, m->xw, words,
                                                                                             d->ww, N, mode);
            } else {
                const dev_op *nx = i + 1 < m->n_ops ? &m->ops[i + 1] : NULL;
                /* many rows through gemm_k: the residual ADD after it, or w3's matmul and the SwiGLU after
                 * w1's, in its epilogue (gemm_epi; every op's output still stored) */
                if (m->fuse && !fn && !d->wq && nx && gemm_k_path(m, d->wh ? 1 : 0, rows, (int)o->cols)) {
                    const dev_op *sw = i + 2 < m->n_ops ? &m->ops[i + 2] : NULL;
                    gemm_epi E = {};
                    int epi = 0;
                    if (!(m->fuse & 2) && nx->o.type == LPCS_CUDA_OP_ADD && nx->o.in == o->out && nx->o.n == o->rows && nx->o.out >= 0 &&
                        nx->o.out != o->in && nx->o.out != o->out) {
                        E.R = m->buf[nx->o.out], E.ldr = ld[nx->o.out], epi = 1;
                        skip = skip0 = i + 1;
                    } else if (!(m->fuse & 4) && nx->o.type == LPCS_CUDA_OP_MATMUL && nx->o.in == o->in && nx->o.cols == o->cols &&
                               nx->o.rows == o->rows && !nx->wq && !nx->wc && !nx->wsh && !nx->ww &&
                               (d->wh ? nx->wh != NULL : nx->w != NULL && !nx->wh) && nx->o.out >= 0 &&
                               nx->o.out != o->in && nx->o.out != o->out && sw && sw->o.type == LPCS_CUDA_OP_SWIGLU &&
                               sw->o.in == o->out && sw->o.in2 == nx->o.out && sw->o.n == o->rows && sw->o.out >= 0 &&
                               sw->o.out != o->in) {
                        E.W3 = d->wh ? (const void *)nx->wh : (const void *)nx->w;
                        E.H3 = m->buf[nx->o.out], E.ldh3 = ld[nx->o.out];
                        E.S = m->buf[sw->o.out], E.lds = ld[sw->o.out], epi = 2;
                        skip = i + 2, skip0 = i + 1;
                    }
                    if (epi) {
                        if (d->wh) launch_matmul(m, out, lo, in, li, d->wh, rows, (int)o->rows, (int)o->cols, NULL, NULL, epi, &E);
                        else launch_matmul(m, out, lo, in, li, d->w, rows, (int)o->rows, (int)o->cols, NULL, NULL, epi, &E);
                        break;
                    }
                }
                /* one row whose next op adds this output to another row (the residual): the GEMV does it */
                if (m->fuse && nx && nx->o.type == LPCS_CUDA_OP_ADD && nx->o.in == o->out &&
                    nx->o.n == o->rows && nx->o.out >= 0 && nx->o.out != o->in && nx->o.out != o->out &&
                    (!fn || fn->x != m->buf[nx->o.out]) && one_row(m, d, rows, (int)o->cols)) {
                    if (!fn) fn_pend.x = NULL, fn_pend.w = NULL, fn_pend.eps = 0.0f, fn_pend.out = NULL;
                    fn_pend.res = m->buf[nx->o.out];
                    fn = &fn_pend;
                    skip = skip0 = i + 1;
                }
                /* one row, and the next ops are one-row GEMVs of the same x with the same storage (q / k / v,
                 * w1 / w3): one launch for up to 3 (blocks split by matrix; not in the persistent-grid modes) */
                rowjobs J = {};
                if (m->fuse && skip < 0 && m->mode != 5 && m->mode != 7 && one_row(m, d, rows, (int)o->cols)) {
                    J.W[0] = d->wq ? (const void *)d->wq : d->wh ? (const void *)d->wh : (const void *)d->w;
                    J.S[0] = d->wqs, J.Y[0] = out, J.N[0] = (int)o->rows, J.gend[0] = ((int)o->rows + 15) / 16, J.nj = 1;
                    for (int k = i + 1; k < m->n_ops && k < i + 3; k++) {
                        const dev_op *e = &m->ops[k];
                        if (e->o.type != LPCS_CUDA_OP_MATMUL || e->o.in != o->in || e->o.cols != o->cols ||
                            e->o.out == o->in || !one_row(m, e, rows, (int)o->cols) || !e->wq != !d->wq ||
                            !e->wh != !d->wh || (d->wq && e->o.w_qbits != o->w_qbits) || (!e->wq && !e->wh && !e->w))
                            break;
                        const int jn = J.nj;
                        J.W[jn] = e->wq ? (const void *)e->wq : e->wh ? (const void *)e->wh : (const void *)e->w;
                        J.S[jn] = e->wqs, J.Y[jn] = m->buf[e->o.out], J.N[jn] = (int)e->o.rows;
                        J.gend[jn] = J.gend[jn - 1] + ((int)e->o.rows + 15) / 16, J.nj = jn + 1;
                    }
                    if (J.nj > 1) {
                        for (int k = i + 1; k < i + J.nj; k++) /* an output must not be the shared input */
                            if (m->ops[k].o.out == o->in) J.nj = 1;
                    }
                    /* w1 / w3 pair followed by the SwiGLU of their outputs: one launch for all three (packed
                     * codes in either one-row kernel; fp32 / bf16 in the copy ring only) */
                    const dev_op *sw = i + 2 < m->n_ops ? &m->ops[i + 2] : NULL;
                    if (J.nj == 2 && (d->wq || m->gemv1 == 0) && sw && sw->o.type == LPCS_CUDA_OP_SWIGLU && sw->o.in == o->out &&
                        sw->o.in2 == m->ops[i + 1].o.out && sw->o.n == o->rows && m->ops[i + 1].o.rows == o->rows &&
                        sw->o.out >= 0 && sw->o.out != o->in && (!fn || fn->x != m->buf[sw->o.out])) {
                        J.Y[2] = out;                  /* w1's output */
                        J.Y[0] = m->buf[sw->o.out];    /* the SwiGLU's */
                        J.nj = -2;
                        skip = i + 2, skip0 = i + 1;
                    } else if (J.nj > 1) skip = i + J.nj - 1, skip0 = i + 1;
                    else J.nj = 0;
                }
                if (d->wq) launch_packed(m, d, out, lo, in, li, rows, fn, &J);
                else if (d->wh) launch_matmul(m, out, lo, in, li, d->wh, rows, (int)o->rows, (int)o->cols, fn, &J);
                else launch_matmul(m, out, lo, in, li, d->w, rows, (int)o->rows, (int)o->cols, fn, &J);
            }
            fn = NULL;
            break;
        case LPCS_CUDA_OP_ROPE: {
            /* right before the attention that stores k / v in the cache: rotate and store in one launch */
            const dev_op *nx = i + 1 < m->n_ops ? &m->ops[i + 1] : NULL;
            const int kvm = c->n_heads / c->n_kv_heads;
            if (m->fuse && m->rope_attn && ntok == 1 && nx && nx->o.type == LPCS_CUDA_OP_ATTENTION && o->in2 == c->buf_kcur &&
                o->in != c->buf_vcur && nx->o.layer == o->layer && (int)o->cols == m->kv && nx->o.in == o->in &&
                nx->o.out >= 0 && n == c->n_heads * m->hs && m->kv == c->n_kv_heads * m->hs && m->hs % 2 == 0 &&
                kvm >= 1) {
                /* decode: RoPE, the k / v store and the attention in one launch (one new row per sequence) */
                rope_attn_k<<<(unsigned)(rows * c->n_kv_heads), 32 * kvm, (size_t)kvm * c->max_pos * 4, m->st>>>(
                    m->buf[nx->o.out], ld[nx->o.out], in, li, in2, li2, m->buf[c->buf_vcur], ld[c->buf_vcur], m->kc, m->vc,
                    m->rope, m->dpos, slot0, o->layer, c->max_slots, c->max_pos, m->kv, c->n_kv_heads, kvm, m->hs);
                kv_stored = 2;
                break;
            }
            if (m->fuse && nx && nx->o.type == LPCS_CUDA_OP_ATTENTION && o->in2 == c->buf_kcur && o->in != c->buf_vcur &&
                nx->o.layer == o->layer && (int)o->cols == m->kv) {
                const float *vb = m->buf[c->buf_vcur];
                const int lv = ld[c->buf_vcur];
                if (((n | m->kv | m->hs | li | li2 | lv) & 3) == 0 &&
                    (((uintptr_t)in | (uintptr_t)in2 | (uintptr_t)vb | (uintptr_t)m->kc | (uintptr_t)m->vc |
                      (uintptr_t)m->rope) & 15) == 0) {
                    const size_t tot = (size_t)rows * ((n > m->kv ? n : m->kv) / 4);
                    rope_kv4_k<<<(unsigned)((tot + 255) / 256), 256, 0, m->st>>>(
                        in, li, in2, li2, vb, lv, m->kc, m->vc, m->rope, rows, ntok, m->dpos, n, m->hs, slot0, o->layer,
                        c->max_slots, c->max_pos, m->kv);
                    kv_stored = 1;
                    break;
                }
                const int np = (n > m->kv ? n : m->kv) / 2;
                rope_kv_k<<<dim3((unsigned)rows, (unsigned)((np + 63) / 64)), 64, 0, m->st>>>(
                    in, li, in2, li2, m->buf[c->buf_vcur], ld[c->buf_vcur], m->kc, m->vc, m->rope, rows, ntok, m->dpos, n,
                    (int)o->cols, m->hs, slot0, o->layer, c->max_slots, c->max_pos, m->kv);
                kv_stored = 1;
                break;
            }
            rope_k<<<dim3((unsigned)rows, (unsigned)((n / 2 + 63) / 64)), 64, 0, m->st>>>(in, li, in2, li2, m->rope, rows, ntok, m->dpos, n, (int)o->cols, m->hs);
            break;
        }
        case LPCS_CUDA_OP_ATTENTION: {
            if (kv_stored == 2) { /* done by rope_attn_k with the ROPE */
                kv_stored = 0;
                break;
            }
            if (!kv_stored)
                kvstore_k<<<dim3((unsigned)rows, (unsigned)((m->kv + 127) / 128)), 128, 0, m->st>>>(m->kc, m->vc, m->buf[c->buf_kcur], ld[c->buf_kcur],
                                                    m->buf[c->buf_vcur], ld[c->buf_vcur], rows, ntok, m->dpos, slot0,
                                                    o->layer, c->max_slots, c->max_pos, m->kv);
            kv_stored = 0;
            int warps = rows * c->n_heads;
            const int kvm = c->n_heads / c->n_kv_heads;
            const int tcap = m->hpos + ntok; /* the forward's last position + 1 */
            /* (plan B: the shared-memory kernels only when asked, attn 1 / 4: their 4-thread form has not run on a
             * GPU; the default is the score buffer, run bit-exact on an H100 in session 8) */
            if (ntok >= 32 && m->kv % 4 == 0 && (m->hs == 32 || m->hs == 64) && m->mode != 1 && m->mode != 5 &&
                (m->attn == 1 || m->attn == 4) &&
                m->mode != 6 && m->attn_smem && attn_smem_bytes(m->hs, tcap) <= ATTN_SMEM_MAX) { /* scores in shared memory */
                const int nqb = (ntok + ATTN_SMEM_R - 1) / ATTN_SMEM_R, per = m->attn == 1 ? nqb : 1; /* attn 4: per query block */
                for (int qb = 0; qb < nqb; qb += per) { /* a launch per query block, or one for all (attn 1) */
                    const int tc = m->attn == 1 ? tcap : m->hpos + (ntok < (qb + 1) * ATTN_SMEM_R ? ntok : (qb + 1) * ATTN_SMEM_R);
                    const dim3 g((unsigned)per, (unsigned)c->n_heads, (unsigned)nseq);
                    const size_t sb = attn_smem_bytes(m->hs, tc);
                    if (m->hs == 32)
                        attn_smem_k<32, ATTN_SMEM_R, ATTN_SMEM_P><<<g, ATTN_SMEM_R * ATTN_SMEM_P, sb, m->st>>>(
                            out, lo, in, li, m->kc, m->vc, ntok, m->dpos, slot0, o->layer, c->max_slots, c->max_pos,
                            m->kv, kvm, tc, qb);
                    else
                        attn_smem_k<64, ATTN_SMEM_R, ATTN_SMEM_P><<<g, ATTN_SMEM_R * ATTN_SMEM_P, sb, m->st>>>(
                            out, lo, in, li, m->kc, m->vc, ntok, m->dpos, slot0, o->layer, c->max_slots, c->max_pos,
                            m->kv, kvm, tc, qb);
                }
                break;
            }
            if (ntok >= 32 && m->kv % 4 == 0 && (m->hs == 32 || m->hs == 64) && m->mode != 1) {
                dim3 g((unsigned)((ntok + 127) / 128), (unsigned)c->n_heads, (unsigned)nseq);
                float *scr = m->scr && (m->mode == 5 || (m->mode != 6 && m->attn != 3)) && (size_t)rows * c->n_heads * c->max_pos <= m->scr_n
                                 ? m->scr : NULL;
                float *ssum = scr ? scr + m->scr_n : NULL;
                if (scr && (m->attn == 5 || m->attn == 0)) { /* the score buffer in two launches (fewer registers each; the
                                                             * default since session 11: 11.0 -> 9.0 ms of the full split, H100) */
                    if (m->hs == 32) {
                        attn_rows_k<32, 1><<<g, 128, 0, m->st>>>(out, lo, in, li, m->kc, m->vc, ntok, m->dpos, slot0,
                                                                 o->layer, c->max_slots, c->max_pos, m->kv, kvm, scr, ssum);
                        attn_rows_k<32, 2><<<g, 128, 0, m->st>>>(out, lo, in, li, m->kc, m->vc, ntok, m->dpos, slot0,
                                                                 o->layer, c->max_slots, c->max_pos, m->kv, kvm, scr, ssum);
                    } else {
                        attn_rows_k<64, 1><<<g, 128, 0, m->st>>>(out, lo, in, li, m->kc, m->vc, ntok, m->dpos, slot0,
                                                                 o->layer, c->max_slots, c->max_pos, m->kv, kvm, scr, ssum);
                        attn_rows_k<64, 2><<<g, 128, 0, m->st>>>(out, lo, in, li, m->kc, m->vc, ntok, m->dpos, slot0,
                                                                 o->layer, c->max_slots, c->max_pos, m->kv, kvm, scr, ssum);
                    }
                    break;
                }
                if (m->hs == 32)
                    attn_rows_k<32><<<g, 128, 0, m->st>>>(out, lo, in, li, m->kc, m->vc, ntok, m->dpos, slot0, o->layer,
                                                          c->max_slots, c->max_pos, m->kv, kvm, scr, ssum);
                else
                    attn_rows_k<64><<<g, 128, 0, m->st>>>(out, lo, in, li, m->kc, m->vc, ntok, m->dpos, slot0, o->layer,
                                                          c->max_slots, c->max_pos, m->kv, kvm, scr, ssum);
                break;
            }
            attention_k<<<(warps + 3) / 4, 128, 4 * c->max_pos * 4, m->st>>>(
                out, lo, in, li, m->kc, m->vc, rows, ntok, m->dpos, slot0, o->layer, c->max_slots, c->max_pos, m->kv,
                c->n_heads, c->n_heads / c->n_kv_heads, m->hs);
            break;
        }
        case LPCS_CUDA_OP_SWIGLU: {
            size_t tot = (size_t)rows * n;
            swiglu_k<<<(unsigned)((tot + 255) / 256), 256, 0, m->st>>>(out, lo, in, li, in2, li2, rows, n);
            break;
        }
        case LPCS_CUDA_OP_ADD: {
            size_t tot = (size_t)rows * n;
            add_k<<<(unsigned)((tot + 255) / 256), 256, 0, m->st>>>(out, lo, in, li, rows, n);
            break;
        }
        case LPCS_CUDA_OP_BL_RMSNORM:
            bl_rmsnorm_k<<<(rows + 7) / 8, 256, 0, m->st>>>(out, lo, in, li, d->w, rows, n, o->eps);
            break;
        case LPCS_CUDA_OP_BITLINEAR: {
            int N = (int)o->rows, K = (int)o->cols;
            bl_quant_k<<<(rows + 7) / 8, 256, 0, m->st>>>(m->xq, d->kp, m->xs, in, li, d->w, rows, K, o->eps);
            dim3 grid((unsigned)((N + 63) / 64), (unsigned)((rows + 63) / 64));
            igemm_k<<<grid, 256, 0, m->st>>>(m->acc, N, m->xq, d->wt, rows, N, d->kp);
            size_t tot = (size_t)rows * N;
            bl_dequant_k<<<(unsigned)((tot + 255) / 256), 256, 0, m->st>>>(out, lo, m->acc, N, m->xs, o->inv_beta, rows, N);
            break;
        }
        case LPCS_CUDA_OP_MLGRU: {
            size_t tot = (size_t)nseq * n;
            mlgru_k<<<(unsigned)((tot + 127) / 128), 128, 0, m->st>>>(out, lo, in, li, in2, li2, d->w, m->state, nseq,
                                                                     ntok, m->dpos, slot0, o->layer, c->max_slots, n);
            break;
        }
        case LPCS_CUDA_OP_GATED_NORM:
            gated_norm_k<<<(rows + 7) / 8, 256, 0, m->st>>>(out, lo, in, li, in2, li2, d->w, rows, n, o->eps);
            break;
        case LPCS_CUDA_OP_GLU: {
            size_t tot = (size_t)rows * n;
            glu_k<<<(unsigned)((tot + 255) / 256), 256, 0, m->st>>>(out, lo, in, li, rows, n);
            break;
        }
        case LPCS_CUDA_OP_QUANT:
            if (o->q.kind == QF_FP32) break;
            quant_k<<<(rows + 7) / 8, 256, 0, m->st>>>(in, li, o->q, rows, n, (int)o->cols);
            if (in2) quant_k<<<(rows + 7) / 8, 256, 0, m->st>>>(in2, li2, o->q, rows, n, (int)o->cols);
            break;
        default:
            return LPCS_EUNSUPPORTED;
        }
        if (m->profile) cudaEventRecord(m->pev[2 * i + 1], m->st);
    }
    return LPCS_OK;
}

extern "C" double lpcs_cuda_llm_last_ms(lpcs_cuda_llm *m) {
    float ms = 0;
    cudaEventSynchronize(m->e1);
    cudaEventElapsedTime(&ms, m->e0, m->e1);
    return ms;
}

static int sync_status(lpcs_cuda_llm *m) {
    cudaError_t e = cudaStreamSynchronize(m->st);
    if (e != cudaSuccess) {
        fprintf(stderr, "cuda engine: %s\n", cudaGetErrorString(e));
        return LPCS_EINVAL;
    }
    return LPCS_OK;
}

extern "C" int lpcs_cuda_llm_nll(lpcs_cuda_llm *m, const int *targets, double *nll) {
    int rows = m->rows, V = m->c.vocab;
    cudaMemcpyAsync(m->tgt, targets, (size_t)rows * sizeof(int), cudaMemcpyHostToDevice, m->st);
    for (int i = 0; i < rows; i++)
        if (targets[i] >= V) return LPCS_EINVAL;
    nll_k<<<(rows + 127) / 128, 128, 0, m->st>>>(m->nll, m->buf[m->c.buf_logits], m->c.buf_size[m->c.buf_logits],
                                                 m->tgt, rows, V);
    cudaMemcpyAsync(nll, m->nll, (size_t)rows * sizeof(double), cudaMemcpyDeviceToHost, m->st);
    return sync_status(m);
}

extern "C" int lpcs_cuda_llm_logits(lpcs_cuda_llm *m, int row0, int nrows, float *out) {
    int V = m->c.vocab, ld = m->c.buf_size[m->c.buf_logits];
    if (row0 < 0 || nrows < 0 || row0 + nrows > m->rows) return LPCS_ERANGE;
    cudaMemcpy2DAsync(out, (size_t)V * 4, m->buf[m->c.buf_logits] + (size_t)row0 * ld, (size_t)ld * 4, (size_t)V * 4,
                      (size_t)nrows, cudaMemcpyDeviceToHost, m->st);
    return sync_status(m);
}

extern "C" int lpcs_cuda_llm_argmax(lpcs_cuda_llm *m, int *out) {
    int rows = m->rows;
    argmax_k<<<(rows + 127) / 128, 128, 0, m->st>>>(m->amax, m->buf[m->c.buf_logits],
                                                    m->c.buf_size[m->c.buf_logits], rows, m->c.vocab);
    cudaMemcpyAsync(out, m->amax, (size_t)rows * sizeof(int), cudaMemcpyDeviceToHost, m->st);
    return sync_status(m);
}
