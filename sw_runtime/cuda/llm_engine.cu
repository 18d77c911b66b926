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

#define FULL 0xffffffffu

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

/* ---------------------------------------------------------------- kernels */

/* 16-lane tree (8, 4, 2, 1) of lpcs_dot_f32 over the lanes of a half-warp:
 * every lane of the 16 ends with p[0] + ... in the contract's pairing
 * (IEEE addition is commutative, so xor partners give the same bits). */
__device__ __forceinline__ float tree16(float p) {
    p = p + __shfl_xor_sync(FULL, p, 8, 16);
    p = p + __shfl_xor_sync(FULL, p, 4, 16);
    p = p + __shfl_xor_sync(FULL, p, 2, 16);
    p = p + __shfl_xor_sync(FULL, p, 1, 16);
    return p;
}

__device__ __forceinline__ float silu_f(float v) { return v * (1.0f / (1.0f + lpcs_expf(-v))); }

__global__ void embed_k(float *out, int ld, const float *E, const int *tok, int rows, int D) {
    int r = blockIdx.x;
    if (r >= rows) return;
    const float *src = E + (size_t)tok[r] * D;
    for (int i = threadIdx.x; i < D; i += blockDim.x) out[(size_t)r * ld + i] = src[i];
}

/* 16 rows per block, one half-warp per row: sum of squares as
 * lpcs_dot_f32(x, x, n), then llama2.c's formula ss / n + eps, 1 / sqrtf,
 * and the outputs w * (ss * x) written by the whole block. When the block's
 * rows fit RMS_STAGE floats (decode: one 4096-wide row) the whole block
 * first copies them into shared memory (every load in flight at once; a
 * half-warp alone would wait for 8 rounds of 32 loads per lane), and the
 * chains and outputs read them there. Same chain either way. */
#define RMS_STAGE 8192
__global__ void rmsnorm_k(float *out, int ldo, const float *in, int ldi, const float *__restrict__ w, int rows, int n,
                          float eps, int rpb) {
    /* rpb rows per block (16, or 1 for a few rows: one block per row spreads them over SMs), a half-warp each */
    __shared__ float ssh[16];
    extern __shared__ __align__(16) float rms_x[];
    const int hw = threadIdx.x >> 4, j = threadIdx.x & 15, r0 = blockIdx.x * rpb, r = r0 + hw;
    const int nr = min(rpb, rows - r0);
    const bool staged = nr * n <= RMS_STAGE; /* the host passed RMS_STAGE floats of shared memory */
    /* rows of whole float4 (n, the strides and the pointers): the copies in and out a float4 a thread, a quarter of
     * the divisions and instructions of the element loops (the full split: 9 norms of 111,616 rows) */
    const bool v4 = ((n | ldi | ldo) & 3) == 0 && (((uintptr_t)in | (uintptr_t)out | (uintptr_t)w) & 15) == 0;
    const int n4 = n >> 2;
    if (staged) {
        if (v4) {
#pragma unroll 4
            for (int e = threadIdx.x; e < nr * n4; e += blockDim.x) {
                const int rr = e / n4;
                ((float4 *)rms_x)[e] = *(const float4 *)(in + (size_t)(r0 + rr) * ldi + 4 * (e - rr * n4));
            }
        } else {
#pragma unroll 4
            for (int e = threadIdx.x; e < nr * n; e += blockDim.x) rms_x[e] = in[(size_t)(r0 + e / n) * ldi + e % n];
        }
        __syncthreads();
    }
    const bool ok = hw < nr;
    const float *x = staged ? rms_x + (size_t)(ok ? hw : 0) * n : in + (size_t)(ok ? r : 0) * ldi;
    float p = 0.0f;
    int i = j;
    if (ok) {
        for (; i + 16 * 31 < n; i += 512) {
            float v[32];
#pragma unroll
            for (int e = 0; e < 32; e++) v[e] = x[i + 16 * e];
#pragma unroll
            for (int e = 0; e < 32; e++) p = fmaf(v[e], v[e], p);
        }
        for (; i < n; i += 16) p = fmaf(x[i], x[i], p);
    }
    float ss = tree16(p);
    if (ok && j == 0) {
        ss /= (float)n;
        ss += eps;
        ssh[hw] = 1.0f / sqrtf(ss);
    }
    __syncthreads(); /* every read of x above precedes the writes (in place is safe) */
    if (staged && v4) {
#pragma unroll 4
        for (int e = threadIdx.x; e < nr * n4; e += blockDim.x) {
            const int rr = e / n4, c = e - rr * n4;
            const float4 x4 = ((const float4 *)rms_x)[e], w4 = ((const float4 *)w)[c];
            const float sc = ssh[rr];
            *(float4 *)(out + (size_t)(r0 + rr) * ldo + 4 * c) =
                make_float4(w4.x * (sc * x4.x), w4.y * (sc * x4.y), w4.z * (sc * x4.z), w4.w * (sc * x4.w));
        }
        return;
    }
    if (staged) {
#pragma unroll 4
        for (int e = threadIdx.x; e < nr * n; e += blockDim.x) {
            const int rr = e / n, c = e - rr * n;
            out[(size_t)(r0 + rr) * ldo + c] = w[c] * (ssh[rr] * rms_x[e]);
        }
        return;
    }
    for (int e = threadIdx.x; e < nr * n; e += blockDim.x) {
        const int rr = e / n, c = e - rr * n;
        const size_t row = (size_t)(r0 + rr);
        out[row * ldo + c] = w[c] * (ssh[rr] * in[row * ldi + c]);
    }
}

/* Matrix layout on the device ("lane-grouped"): chain step i of lane j of
 * the contract is column k = 16 i + j; the steps are taken in groups of 8,
 * Wl[row][i / 8][j][i % 8] for i < kc (kc = ceil(cols / 16) rounded up to
 * 8, zero padded). A thread that owns lane j of a row reads 8 steps of its
 * chain with one or two 16-byte loads, and the 16 lanes of a row read one
 * contiguous piece (coalesced). */
__host__ __device__ __forceinline__ int lane_kc(int K) { return ((K + 15) / 16 + 7) / 8 * 8; }
/* Index of chain step i of lane j of row n (kc steps per lane). */
__host__ __device__ __forceinline__ size_t lane_at(size_t n, int j, int i, int kc) {
    return ((n * (size_t)(kc / 8) + (size_t)(i / 8)) * 16 + (size_t)j) * 8 + (size_t)(i % 8);
}

__device__ __forceinline__ void wload4(const float *W, float *v) { /* 4 consecutive weights */
    float4 q = __ldg((const float4 *)W);
    v[0] = q.x, v[1] = q.y, v[2] = q.z, v[3] = q.w;
}
__device__ __forceinline__ void wload4(const uint16_t *W, float *v) {
    uint2 q = __ldg((const uint2 *)W);
    v[0] = __uint_as_float(q.x << 16), v[1] = __uint_as_float(q.x & 0xffff0000u);
    v[2] = __uint_as_float(q.y << 16), v[3] = __uint_as_float(q.y & 0xffff0000u);
}
/* Raw 8-step groups, loaded before they are converted (loads in flight). */
template <typename WT> struct wraw;
template <> struct wraw<float> { float4 a, b; };
template <> struct wraw<uint16_t> { uint4 a; };
__device__ __forceinline__ void rawload(wraw<float> &r, const float *p) {
    r.a = __ldg((const float4 *)p), r.b = __ldg((const float4 *)(p + 4));
}
__device__ __forceinline__ void rawload(wraw<uint16_t> &r, const uint16_t *p) { r.a = __ldg((const uint4 *)p); }
__device__ __forceinline__ void rawcvt(const wraw<float> &r, float *v) {
    v[0] = r.a.x, v[1] = r.a.y, v[2] = r.a.z, v[3] = r.a.w, v[4] = r.b.x, v[5] = r.b.y, v[6] = r.b.z, v[7] = r.b.w;
}
__device__ __forceinline__ void rawcvt(const wraw<uint16_t> &r, float *v) {
    const uint32_t u[4] = {r.a.x, r.a.y, r.a.z, r.a.w};
#pragma unroll
    for (int e = 0; e < 4; e++) v[2 * e] = __uint_as_float(u[e] << 16), v[2 * e + 1] = __uint_as_float(u[e] & 0xffff0000u);
}
__device__ __forceinline__ float wload1(const float *W) { return __ldg(W); }
__device__ __forceinline__ float wload1(const uint16_t *W) { return __uint_as_float((uint32_t)__ldg(W) << 16); }

/* Reduction of 64 per-lane accumulators over the 16 lanes of a half-warp,
 * transposed: at each level a lane keeps half of the outputs, so lane j
 * ends with outputs 4j .. 4j+3, each the contract's tree over the lanes. */
template <int C, int H>
__device__ __forceinline__ void tr_step(float *acc, int j) {
    bool up = (j & H) != 0;
#pragma unroll
    for (int i = 0; i < C / 2; i++) {
        float send = up ? acc[i] : acc[i + C / 2];
        float keep = up ? acc[i + C / 2] : acc[i];
        acc[i] = keep + __shfl_xor_sync(FULL, send, H);
    }
}

/* Y[m][n] = dot(W[n], X[m]) for many rows m: 32 x 4TN output tile per block
 * of 256 threads = 16 groups of 16 lanes; group (gm, gn) owns an 8 x TN
 * sub-tile (TN = 8, the default; TN = 16, matmul mode 8: 1.5 operand bytes
 * read from shared memory per 2 fmaf instead of 2, twice the registers), lane j of the group the partial sum of lane j of the contract
 * (columns k = j mod 16, in ascending k, fmaf). Stages of 64 columns,
 * loaded into registers one stage ahead (global latency under compute). */
/* What a many-row GEMM also does with its outputs (the op after it, folded):
 * EPI 1: R[m][n] += Y[m][n] (add_k's residual add); EPI 2: a second matrix
 * W3 of the same shape, its outputs in H3, and S = silu(Y) * H3 (swiglu_k's
 * operation). Every op's own output is still stored. */
struct gemm_epi {
    float *R;
    int ldr;
    const void *W3;
    float *H3;
    int ldh3;
    float *S;
    int lds;
};
/* VS (the default since session 11; matmul mode 11 keeps the scalar form): the epilogue stores a lane's adjacent
 * outputs as one float4 (float2 for EPI 2's pairs) where aligned: a quarter of the store instructions and L1
 * requests of the scalar form (H100, full split: 50.3 -> 49.9 ms; with it the residual fold gains 0.25 ms, where
 * it lost 0.35 ms with scalar stores) */
/* INSIDE (launch_gemm8): every tile of the launch lies inside the matrices (all rows and columns real, K a multiple
 * of 64, X rows 16-byte aligned), so the staging loads and the chain steps drop their bounds checks (the SASS of
 * session 11 spent about 100 instructions a stage on the checked loads); the same operations in the same order.
 * Without checks the compiler keeps more addresses live (145-171 registers): minBlocks 2 holds it at 128 (2 blocks
 * an SM; the folded epilogues spill 44-88 bytes). minBlocks 0 leaves the checked forms as before (an explicit 1
 * raised their registers to 131-135, one block an SM, 20% slower: H100, session 11 call 4). */
/* CS (the default since session 12; matmul mode 17 keeps session 11's staging): a warp stages X as 4 rows x 8 float4 (not 2 rows x 16) and W
 * as 4 tile columns x 8 lanes (not 2 x 16), so its transposing shared-memory stores meet 32 different banks: half
 * the store wavefronts of the default (a bank model of one block-stage: 128 instead of 256; the global loads touch
 * the same 128-byte lines). The operand reads are unchanged. */
template <typename WT, int TN, int EPI = 0, bool VS = false, bool INSIDE = false, bool CS = false>
__global__ void __launch_bounds__(256, INSIDE ? 2 : 0) gemm_k(float *__restrict__ Y, int ldy, const float *__restrict__ X, int ldx,
                                              const WT *__restrict__ Wl, int M, int N, int K, gemm_epi E = {}) {
    static_assert(!CS || TN == 8, "the CS staging maps 32 tile columns");
    __shared__ __align__(16) float Xs[64][36];
    __shared__ __align__(16) float Ws[64][4 * TN + 4];
    const int tid = threadIdx.x, j = tid & 15, g = tid >> 4, gm = g >> 2, gn = g & 3;
    const int m0 = blockIdx.y * 32, n0 = blockIdx.x * 4 * TN, kc = lane_kc(K);
    const bool xvec = (ldx & 3) == 0;
    /* XC: the X tile read 2 rows of 256 bytes a warp request (4 L1 lines; a warp over 32 rows needs 32), row r of
     * stage column k stored at r ^ xsw(k) (bits 2..4 only, so an aligned float4 of rows stays one): the stores
     * meet at most 2 to a bank, the operand reads stay conflict-free (H100, session 9: the full split's matmuls
     * 41.5 -> 36.8 ms in the fp32 8 x 8 form). X is fp32 in every form, so the bf16 and 8 x 16 forms stage it
     * the same way (session 10; bit-exact on an H100 in session 11) */
    constexpr bool XC = true;
    auto xsw = [](int k) { return XC ? 4 * ((k >> 3) & 7) : 0; };
    float acc[8 * TN];
#pragma unroll
    for (int i = 0; i < 8 * TN; i++) acc[i] = 0.0f;
    /* this thread's outputs after the tree: row mo, columns nb .. nb + TN / 2 - 1 */
    const int mo = m0 + gm * 8 + (j >> 1), nb = n0 + gn * TN + (j & 1) * (TN / 2);
    float rres[EPI == 1 ? TN / 2 : 1]; /* EPI 1: the residual, requested now (its latency under the main loop) */
    if constexpr (EPI == 1) {
#pragma unroll
        for (int i = 0; i < TN / 2; i++) rres[i] = INSIDE || (mo < M && nb + i < N) ? E.R[(size_t)mo * E.ldr + nb + i] : 0.0f;
    }
    float xr[8], wr[TN]; /* this thread's share of the next stage */
    auto load = [&](int k0) {
#pragma unroll
        for (int h = 0; h < 2; h++) { /* X: 32 rows x 64 cols, 2 x 4 per thread; a warp = 2 rows of 256 bytes (XC)
                                      * or 32 rows */
            int e = tid + 256 * h, r = CS ? 4 * ((tid >> 5) & 7) + ((tid >> 3) & 3) : XC ? e >> 4 : e & 31,
                c = CS ? 4 * ((tid & 7) + 8 * h) : XC ? (e & 15) * 4 : (e >> 5) * 4, m = m0 + r, k = k0 + c;
            if (INSIDE || (m < M && xvec && k + 3 < K)) {
                float4 q = __ldg((const float4 *)(X + (size_t)m * ldx + k));
                xr[4 * h] = q.x, xr[4 * h + 1] = q.y, xr[4 * h + 2] = q.z, xr[4 * h + 3] = q.w;
            } else {
#pragma unroll
                for (int q = 0; q < 4; q++) xr[4 * h + q] = (m < M && k + q < K) ? X[(size_t)m * ldx + k + q] : 0.0f;
            }
        }
#pragma unroll
        for (int h = 0; h < TN / 4; h++) { /* W: 4TN rows x 16 lanes x 4 chain steps */
            int e = tid + 256 * h, rr = CS ? 4 * ((tid >> 5) & 7) + (tid & 3) : e >> 4,
                kk = CS ? ((tid >> 2) & 7) + 8 * h : e & 15, n = n0 + rr;
            /* EPI 2: tile rows alternate W (even) and W3 (odd) of output column n / 2 */
            const WT *src = EPI == 2 && (n & 1) ? (const WT *)E.W3 : Wl;
            if (EPI == 2) n >>= 1;
            if (INSIDE || n < N) wload4(src + lane_at((size_t)n, kk, k0 >> 4, kc), &wr[4 * h]);
            else wr[4 * h] = wr[4 * h + 1] = wr[4 * h + 2] = wr[4 * h + 3] = 0.0f;
        }
    };
    auto store = [&]() {
#pragma unroll
        for (int h = 0; h < 2; h++) {
            int e = tid + 256 * h, r = CS ? 4 * ((tid >> 5) & 7) + ((tid >> 3) & 3) : XC ? e >> 4 : e & 31,
                c = CS ? 4 * ((tid & 7) + 8 * h) : XC ? (e & 15) * 4 : (e >> 5) * 4;
#pragma unroll
            for (int q = 0; q < 4; q++) Xs[c + q][r ^ xsw(c + q)] = xr[4 * h + q];
        }
#pragma unroll
        for (int h = 0; h < TN / 4; h++) {
            int e = tid + 256 * h, rr = CS ? 4 * ((tid >> 5) & 7) + (tid & 3) : e >> 4,
                kk = CS ? ((tid >> 2) & 7) + 8 * h : e & 15;
#pragma unroll
            for (int q = 0; q < 4; q++) Ws[q * 16 + kk][rr] = wr[4 * h + q];
        }
    };
    load(0);
    store();
    __syncthreads();
    for (int k0 = 0; k0 < K; k0 += 64) {
        const bool more = k0 + 64 < K;
        if (more) load(k0 + 64);
        const int kmax = K - k0;
#pragma unroll
        for (int cc = 0; cc < 4; cc++) {
            int kk = cc * 16 + j;
            if (INSIDE || kk < kmax) { /* only real columns enter a lane's chain */
                float a[8], b[TN];
                float4 t;
                t = *(const float4 *)&Xs[kk][(gm * 8) ^ xsw(kk)], a[0] = t.x, a[1] = t.y, a[2] = t.z, a[3] = t.w;
                t = *(const float4 *)&Xs[kk][(gm * 8 + 4) ^ xsw(kk)], a[4] = t.x, a[5] = t.y, a[6] = t.z, a[7] = t.w;
#pragma unroll
                for (int v = 0; v < TN; v += 4)
                    t = *(const float4 *)&Ws[kk][gn * TN + v], b[v] = t.x, b[v + 1] = t.y, b[v + 2] = t.z, b[v + 3] = t.w;
#pragma unroll
                for (int m = 0; m < 8; m++)
#pragma unroll
                    for (int n = 0; n < TN; n++) acc[m * TN + n] = fmaf(b[n], a[m], acc[m * TN + n]);
            }
        }
        __syncthreads();
        if (more) {
            store();
            __syncthreads();
        }
    }
    /* the contract's tree (8, 4, 2, 1): each step halves the sums a lane keeps (row bits 2..0 of the sub-tile,
     * then the column half), so lane j ends with row j >> 1, columns (j & 1) * TN / 2 + i */
    tr_step<8 * TN, 8>(acc, j);
    tr_step<4 * TN, 4>(acc, j);
    tr_step<2 * TN, 2>(acc, j);
    tr_step<TN, 1>(acc, j);
    const int m = mo;
    if (m >= M) return;
    if constexpr (EPI == 2) { /* acc[i], acc[i + 1]: W's and W3's output at column (nb + i) / 2 (nb is even) */
        const bool sy = E.S == Y; /* the SwiGLU in place over W's output (Y is __restrict__: one store only) */
        if constexpr (VS) { /* nb is a multiple of 4: columns c, c + 1 (c even) as one float2 per array */
            const bool al = ((ldy | E.ldh3 | E.lds) & 1) == 0 && (((uintptr_t)Y | (uintptr_t)E.H3 | (uintptr_t)E.S) & 7) == 0;
            if (al && (nb + TN / 2) / 2 <= N) {
#pragma unroll
                for (int i = 0; i < TN / 2; i += 4) {
                    const int c = (nb + i) >> 1;
                    if (!sy) *(float2 *)&Y[(size_t)m * ldy + c] = make_float2(acc[i], acc[i + 2]);
                    *(float2 *)&E.H3[(size_t)m * E.ldh3 + c] = make_float2(acc[i + 1], acc[i + 3]);
                    *(float2 *)&E.S[(size_t)m * E.lds + c] =
                        make_float2(silu_f(acc[i]) * acc[i + 1], silu_f(acc[i + 2]) * acc[i + 3]);
                }
                return;
            }
        }
#pragma unroll
        for (int i = 0; i < TN / 2; i += 2) {
            const int c = (nb + i) >> 1;
            if (c < N) {
                if (!sy) Y[(size_t)m * ldy + c] = acc[i];
                E.H3[(size_t)m * E.ldh3 + c] = acc[i + 1];
                E.S[(size_t)m * E.lds + c] = silu_f(acc[i]) * acc[i + 1];
            }
        }
    } else {
        if constexpr (VS) { /* nb is a multiple of 4 */
            const bool al = (ldy & 3) == 0 && ((uintptr_t)Y & 15) == 0 &&
                            (EPI != 1 || ((E.ldr & 3) == 0 && ((uintptr_t)E.R & 15) == 0));
            if (al && nb + TN / 2 <= N) {
#pragma unroll
                for (int i = 0; i < TN / 2; i += 4) {
                    *(float4 *)&Y[(size_t)m * ldy + nb + i] = make_float4(acc[i], acc[i + 1], acc[i + 2], acc[i + 3]);
                    if constexpr (EPI == 1)
                        *(float4 *)&E.R[(size_t)m * E.ldr + nb + i] = make_float4(
                            rres[i] + acc[i], rres[i + 1] + acc[i + 1], rres[i + 2] + acc[i + 2], rres[i + 3] + acc[i + 3]);
                }
                return;
            }
        }
#pragma unroll
        for (int i = 0; i < TN / 2; i++)
            if (nb + i < N) {
                Y[(size_t)m * ldy + nb + i] = acc[i];
                if constexpr (EPI == 1) E.R[(size_t)m * E.ldr + nb + i] = rres[i] + acc[i]; /* add_k's out += in */
            }
    }
}

/* Many rows, one contract lane per warp: 512 threads = 16 warps; warp j
 * owns lane j (columns k = j mod 16, ascending, fmaf) of every output of a
 * 32 x TN tile, its 32 threads 8 x (TN / 8) sub-tiles (4 x 8 threads; rows
 * tm*4+a and 16+tm*4+a, columns tn*4+b and, for TN = 64, 32+tn*4+b). All
 * threads of a warp read the same shared row, so an operand read is a
 * broadcast of at most 128 bytes (one wavefront) where gemm_k's 16 lanes
 * per half-warp read 16 rows. The lane sums meet in shared memory in the
 * contract's tree (lane j + lane j+8, then +4, +2, +1), so every output gets
 * the same bits as gemm_k / gemv_k. TN = 32 keeps 32 sums per thread (two
 * blocks per SM, one block's prologue / tree overlaps the other's loop);
 * TN = 64 keeps 64 (one block per SM). */
template <typename WT, int TN>
__global__ void __launch_bounds__(512, TN == 32 ? 2 : 1)
    gemm_wl_k(float *__restrict__ Y, int ldy, const float *__restrict__ X, int ldx, const WT *__restrict__ Wl, int M,
              int N, int K) {
    constexpr int TM = 32, KS = 64, NV = TN / 8, NA = 8 * NV, RB = 8192; /* RB: 8 warps x 32 x 32 floats */
    __shared__ __align__(16) float sm[RB];                               /* stage (Xs, Ws) or reduction buffer */
    float(*Xs)[TM] = (float(*)[TM])sm;                                   /* [KS][TM] */
    float(*Ws)[TN] = (float(*)[TN])(sm + KS * TM);                       /* [KS][TN] */
    const int tid = threadIdx.x, j = tid >> 5, t = tid & 31, tm = t >> 3, tn = t & 7;
    const int m0 = blockIdx.y * TM, n0 = blockIdx.x * TN, kc = lane_kc(K);
    const bool xvec = (ldx & 3) == 0;
    float acc[NA];
#pragma unroll
    for (int i = 0; i < NA; i++) acc[i] = 0.0f;
    float xr[4], wr[NV]; /* this thread's share of the next stage */
    auto load = [&](int k0) {
        { /* X: 32 rows x 64 columns, 4 per thread; a warp = 32 rows of one column quad */
            int r = tid & 31, c = (tid >> 5) * 4, m = m0 + r, k = k0 + c;
            if (m < M && xvec && k + 3 < K) {
                float4 q = __ldg((const float4 *)(X + (size_t)m * ldx + k));
                xr[0] = q.x, xr[1] = q.y, xr[2] = q.z, xr[3] = q.w;
            } else {
#pragma unroll
                for (int q = 0; q < 4; q++) xr[q] = (m < M && k + q < K) ? X[(size_t)m * ldx + k + q] : 0.0f;
            }
        }
#pragma unroll
        for (int h = 0; h < NV / 4; h++) { /* W: TN rows x 16 lanes x 4 chain steps; a warp = 32 rows of one lane */
            int rr = tid % TN, kk = tid / TN + (512 / TN) * h, n = n0 + rr;
            if (n < N) wload4(Wl + lane_at((size_t)n, kk, k0 >> 4, kc), &wr[4 * h]);
            else wr[4 * h] = wr[4 * h + 1] = wr[4 * h + 2] = wr[4 * h + 3] = 0.0f;
        }
    };
    auto store = [&]() {
        int r = tid & 31, c = (tid >> 5) * 4;
#pragma unroll
        for (int q = 0; q < 4; q++) Xs[c + q][r] = xr[q];
#pragma unroll
        for (int h = 0; h < NV / 4; h++) {
            int rr = tid % TN, kk = tid / TN + (512 / TN) * h;
#pragma unroll
            for (int q = 0; q < 4; q++) Ws[q * 16 + kk][rr] = wr[4 * h + q];
        }
    };
    load(0);
    store();
    __syncthreads();
    for (int k0 = 0; k0 < K; k0 += KS) {
        const bool more = k0 + KS < K;
        if (more) load(k0 + KS);
        const int kmax = K - k0;
#pragma unroll
        for (int cc = 0; cc < 4; cc++) {
            const int kk = cc * 16 + j;
            if (kk < kmax) { /* only real columns enter a lane's chain (warp-uniform) */
                const float4 a0 = *(const float4 *)&Xs[kk][tm * 4], a1 = *(const float4 *)&Xs[kk][16 + tm * 4];
                float b[NV];
#pragma unroll
                for (int v = 0; v < NV; v += 4) {
                    const float4 b4 = *(const float4 *)&Ws[kk][8 * v + tn * 4];
                    b[v] = b4.x, b[v + 1] = b4.y, b[v + 2] = b4.z, b[v + 3] = b4.w;
                }
                const float a[8] = {a0.x, a0.y, a0.z, a0.w, a1.x, a1.y, a1.z, a1.w};
#pragma unroll
                for (int u = 0; u < 8; u++)
#pragma unroll
                    for (int v = 0; v < NV; v++) acc[u * NV + v] = fmaf(b[v], a[u], acc[u * NV + v]);
            }
        }
        __syncthreads();
        if (more) {
            store();
            __syncthreads();
        }
    }
    /* the contract's tree over the 16 lane sums: at level h, warp j < h adds warp j + h's sums */
#pragma unroll
    for (int h = 8; h >= 1; h >>= 1) {
#pragma unroll
        for (int part = 0; part < NA / 32; part++) {
            if (j >= h && j < 2 * h)
#pragma unroll
                for (int i = 0; i < 32; i++) sm[((j - h) * 32 + i) * 32 + t] = acc[part * 32 + i];
            __syncthreads();
            if (j < h)
#pragma unroll
                for (int i = 0; i < 32; i++) acc[part * 32 + i] = acc[part * 32 + i] + sm[(j * 32 + i) * 32 + t];
            __syncthreads();
        }
    }
    if (j == 0)
#pragma unroll
        for (int u = 0; u < 8; u++) {
            const int m = m0 + (u < 4 ? tm * 4 + u : 16 + tm * 4 + u - 4);
            if (m < M)
#pragma unroll
                for (int v = 0; v < NV; v++) {
                    const int n = n0 + 8 * (v & ~3) + tn * 4 + (v & 3);
                    if (n < N) Y[(size_t)m * ldy + n] = acc[u * NV + v];
                }
        }
}

/* Many rows, K up to GEMM_ST_KMAX: the contract's 16 lane chains taken one
 * lane after the other, so that a whole block works on one lane at a time
 * and every shared-memory operand read is a broadcast (a standard SGEMM
 * micro-tile of 4 x 4 outputs per thread, 64 x 64 per block of 256). The
 * lanes go in the post-order of the tree (0, 8, 4, 12, 2, 10, ...), so each
 * finished chain is added to its tree partner at once and at most four
 * partial results per output wait on a stack in registers: the adds are
 * the contract's (p[j] + p[j+8], then + 4, + 2, + 1), the bits those of
 * gemm_k. The block's 64 rows of X (all K columns, lane-major) sit in shared
 * memory for the 16 passes of every column tile the block walks; the
 * current lane's W slice is double buffered and the next lane's is in flight
 * during the chain. */
#define GEMM_ST_KMAX 768
__host__ __device__ __forceinline__ int gemm_st_steps(int K) { return (K + 15) / 16; }       /* chain steps S */
__host__ __device__ __forceinline__ int gemm_st_s4(int K) { return (gemm_st_steps(K) + 3) / 4 * 4; } /* S in quads */
__host__ __device__ __forceinline__ size_t gemm_st_smem(int K, int BM = 64) { /* X tile of BM rows, 2 W slices */
    return (size_t)4 * (16 * (size_t)BM + 2 * 64) * (size_t)gemm_st_s4(K);
}
/* WPF: W items per thread and lane, ceil(S4 / 16); past 1 the X tile leaves room for one block an SM. TM: rows per
 * thread, 4 (64 x 64 per block) or 8 (128 x 64: 0.375 operand floats per FMA instead of 0.5, one block an SM) */
template <typename WT, int WPF, int TM = 4>
__global__ void __launch_bounds__(256, WPF == 1 && TM == 4 ? 2 : 1) gemm_st_k(float *__restrict__ Y, int ldy, const float *__restrict__ X, int ldx,
                                                    const WT *__restrict__ Wl, int M, int N, int K, int tpb) {
    extern __shared__ __align__(16) float st_sm[];
    const int S4 = gemm_st_s4(K), kc = lane_kc(K);
    constexpr int BM = 16 * TM;      /* rows per block */
    float *Xl = st_sm;               /* [lane j][step i < S4][BM rows]: column 16 i + j */
    float *Ws = st_sm + 16 * S4 * BM; /* [2][S4][64 rows of W] */
    const int tid = threadIdx.x, m0 = blockIdx.x * BM;
    /* this block's column tiles of 64: X stays in shared memory for all of them (read from L2 once a matmul
     * where one block walks all of N) */
    const int nt0 = blockIdx.y * tpb, nt1 = min(nt0 + tpb, (N + 63) / 64);
    if (nt0 >= nt1) return;
    /* warp = 4 x 8 threads: an operand read touches 4 (X) / 8 (W) distinct 16-byte pieces, one wavefront each */
    const int tx = (tid & 7) + 8 * ((tid >> 5) & 1), ty = ((tid >> 3) & 3) + 4 * (tid >> 6);
    /* X tile: BM rows x K columns, 4 columns per item; a warp = 32 rows of one column quad (conflict-free
     * stores). 8 items a thread are requested before any is stored: their L2 trips overlap. */
    const bool xvec = (ldx & 3) == 0 && (K & 3) == 0;
    const int xitems = BM * 4 * S4; /* BM rows x 4 S4 quads */
    for (int e0 = tid; e0 < xitems; e0 += 256 * 8) {
        float v[8][4];
#pragma unroll
        for (int b = 0; b < 8; b++) {
            const int e = e0 + 256 * b, r = e % BM, k = e / BM * 4, m = m0 + r;
            if (e < xitems && m < M && xvec && k + 3 < K) {
                const float4 q = __ldg((const float4 *)(X + (size_t)m * ldx + k));
                v[b][0] = q.x, v[b][1] = q.y, v[b][2] = q.z, v[b][3] = q.w;
            } else {
#pragma unroll
                for (int q = 0; q < 4; q++) v[b][q] = (e < xitems && m < M && k + q < K) ? X[(size_t)m * ldx + k + q] : 0.0f;
            }
        }
#pragma unroll
        for (int b = 0; b < 8; b++) {
            const int e = e0 + 256 * b, r = e % BM, k = e / BM * 4;
            if (e < xitems)
#pragma unroll
                for (int q = 0; q < 4; q++) Xl[(((k + q) & 15) * S4 + ((k + q) >> 4)) * BM + r] = v[b][q];
        }
    }
    /* W slice of one lane: 64 rows x S4 steps, 4 steps per item (zero padded in the layout up to kc >= S4) */
    const int witems = 64 * (S4 / 4);
    float wr[WPF][4];
    auto wload = [&](int n0, int lane) {
#pragma unroll
        for (int h = 0; h < WPF; h++) {
            const int e = tid + 256 * h, rr = e & 63, i = (e >> 6) * 4, n = n0 + rr;
            if (e < witems && n < N) wload4(Wl + lane_at((size_t)n, lane, i, kc), wr[h]);
            else wr[h][0] = wr[h][1] = wr[h][2] = wr[h][3] = 0.0f;
        }
    };
    auto wstore = [&](int buf) {
#pragma unroll
        for (int h = 0; h < WPF; h++) {
            const int e = tid + 256 * h, rr = e & 63, i = (e >> 6) * 4;
            if (e < witems)
#pragma unroll
                for (int q = 0; q < 4; q++) Ws[((size_t)buf * S4 + i + q) * 64 + rr] = wr[h][q];
        }
    };
    auto bitrev4 = [](int t) { return ((t & 1) << 3) | ((t & 2) << 1) | ((t & 4) >> 1) | ((t & 8) >> 3); };
    wload(nt0 * 64, 0);
    wstore(0);
    __syncthreads();
    for (int nt = nt0; nt < nt1; nt++) {
        const int n0 = nt * 64;
        float cur[4 * TM], st0[4 * TM], st1[4 * TM], st2[4 * TM], st3[4 * TM];
#pragma unroll
        for (int t = 0; t < 16; t++) {
            const int lane = bitrev4(t); /* the tree's post-order */
            /* the next lane's W slice (after lane 15: lane 0 of the next column tile) is in flight during this chain */
            const bool pre = t < 15 || nt + 1 < nt1;
            if (pre) wload(t < 15 ? n0 : n0 + 64, bitrev4((t + 1) & 15));
#pragma unroll
            for (int i = 0; i < 4 * TM; i++) cur[i] = 0.0f;
            const int cnt = K > lane ? (K - lane + 15) / 16 : 0; /* columns lane, lane + 16, ... below K */
            const float *xa = Xl + (size_t)lane * S4 * BM + ty * TM, *wb = Ws + (size_t)(t & 1) * S4 * 64 + tx * 4;
#pragma unroll 4
            for (int i = 0; i < cnt; i++) {
                float av[TM];
#pragma unroll
                for (int u = 0; u < TM; u += 4) {
                    const float4 a = *(const float4 *)(xa + i * BM + u);
                    av[u] = a.x, av[u + 1] = a.y, av[u + 2] = a.z, av[u + 3] = a.w;
                }
                const float4 b = *(const float4 *)(wb + i * 64);
                const float bv[4] = {b.x, b.y, b.z, b.w};
#pragma unroll
                for (int u = 0; u < TM; u++)
#pragma unroll
                    for (int v = 0; v < 4; v++) cur[u * 4 + v] = fmaf(bv[v], av[u], cur[u * 4 + v]);
            }
            /* the tree: t even waits for its partner; t odd closes 1 + (trailing ones of t) levels */
#pragma unroll
            for (int o = 0; o < 4 * TM; o++) {
                if ((t & 1) == 0) st0[o] = cur[o];
                else {
                    float c = st0[o] + cur[o];
                    if ((t & 3) == 1) st1[o] = c;
                    else {
                        c = st1[o] + c;
                        if ((t & 7) == 3) st2[o] = c;
                        else {
                            c = st2[o] + c;
                            if (t == 7) st3[o] = c;
                            else cur[o] = st3[o] + c; /* t == 15: the dot product */
                        }
                    }
                }
            }
            if (pre) wstore((t + 1) & 1);
            __syncthreads();
        }
#pragma unroll
        for (int u = 0; u < TM; u++) {
            const int m = m0 + ty * TM + u;
            if (m < M)
#pragma unroll
                for (int v = 0; v < 4; v++)
                    if (n0 + tx * 4 + v < N) Y[(size_t)m * ldy + n0 + tx * 4 + v] = cur[u * 4 + v];
        }
    }
}

/* Few rows (decode): 16 threads per output row, thread j owning lane j of
 * the contract and reading its chain contiguously (8 weights per 16-byte
 * load for bf16); a block = 16 rows. The MB rows of X share every weight
 * load; the lanes finish with the contract's tree over xor shuffles. */
template <typename WT, int MB>
__global__ void __launch_bounds__(256) gemv_k(float *__restrict__ Y, int ldy, const float *__restrict__ X, int ldx,
                                              const WT *__restrict__ Wl, int M, int N, int K) {
    const int n = blockIdx.x * 16 + (threadIdx.x >> 4), j = threadIdx.x & 15, kc = lane_kc(K);
    const int cnt = K > j ? (K - j + 15) / 16 : 0; /* columns j, j+16, ... below K */
    float p[MB];
#pragma unroll
    for (int b = 0; b < MB; b++) p[b] = 0.0f;
    if (n < N) {
        const WT *w = Wl + lane_at((size_t)n, j, 0, kc); /* group g at w + g * 128 */
        const float *x = X + j;
        const int G = cnt / 8; /* full groups of 8 steps of this lane */
        constexpr int U = 4;   /* groups per stage; the next stage is loaded before this one is used */
        wraw<WT> cur[U], nxt[U];
#pragma unroll
        for (int u = 0; u < U; u++)
            if (u < G) rawload(cur[u], w + (size_t)u * 128);
        for (int g = 0; g < G; g += U) {
#pragma unroll
            for (int u = 0; u < U; u++)
                if (g + U + u < G) rawload(nxt[u], w + (size_t)(g + U + u) * 128);
#pragma unroll
            for (int u = 0; u < U; u++) {
                if (g + u < G) {
                    float wv[8];
                    rawcvt(cur[u], wv);
                    const int i0 = 8 * (g + u);
#pragma unroll
                    for (int e = 0; e < 8; e++)
#pragma unroll
                        for (int b = 0; b < MB; b++)
                            if (b < M) p[b] = fmaf(wv[e], __ldg(x + (size_t)b * ldx + 16 * (i0 + e)), p[b]);
                }
            }
#pragma unroll
            for (int u = 0; u < U; u++) cur[u] = nxt[u];
        }
        for (int i = 8 * G; i < cnt; i++) {
            float wv = wload1(w + (size_t)(i / 8) * 128 + i % 8);
#pragma unroll
            for (int b = 0; b < MB; b++)
                if (b < M) p[b] = fmaf(wv, x[(size_t)b * ldx + 16 * i], p[b]);
        }
    }
#pragma unroll
    for (int b = 0; b < MB; b++) {
        float q = tree16(p[b]);
        if (n < N && j == 0 && b < M) Y[(size_t)b * ldy + n] = q;
    }
}

/* One row of X (decode at batch 1): gemv_k, but X is first copied into
 * shared memory lane-major (xs[j][i] = x[16 i + j], row stride kc + 4 so
 * a half-warp's 16-byte reads fall in distinct banks), and a thread reads 8
 * steps of x with two 16-byte loads instead of eight 4-byte global loads
 * per weight group (gemv_k moved twice the weight bytes in x through L1).
 * U groups of weights in flight per thread (64 or 128 bytes). The grid is
 * what fits the device at once and a block walks row groups (x staged once,
 * the next group's first weights requested during the last stage of the
 * current one: no wave tail). Same chain per lane, same tree: same bits as
 * gemv_k. */
#define GEMV1_XS_MAX (96 * 1024) /* bytes of x in shared memory (K up to ~24k); longer rows take gemv_k */
__host__ __device__ __forceinline__ int gemv1_xs_floats(int K) { return 16 * (lane_kc(K) + 4); }

/* Up to 3 one-row GEMVs of the same x in one launch (q / k / v, w1 / w3):
 * (nj = -2, packed w1 / w3 + SwiGLU: see gemv1q_k's pair mode; Y[0] the
 * SwiGLU output, Y[1] w3's, Y[2] w1's)
 * blocks [gend[i - 1], gend[i]) work on matrix i. nj <= 1: the kernel's own
 * arguments alone. */
struct rowjobs {
    const void *W[3];
    const float *S[3];
    float *Y[3];
    int N[3], gend[3], nj;
};

/* Asynchronous copies (cp.async): 16 bytes through L1 (CA) or past it; 4 bytes (x staging) */
template <bool CA> __device__ __forceinline__ void cp16(uint32_t sdst, const void *gsrc) {
    if constexpr (CA) asm volatile("cp.async.ca.shared.global [%0], [%1], 16;\n" ::"r"(sdst), "l"(gsrc));
    else asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(sdst), "l"(gsrc));
}
__device__ __forceinline__ void cp_commit() { asm volatile("cp.async.commit_group;\n" ::); }
template <int N> __device__ __forceinline__ void cp_wait() { asm volatile("cp.async.wait_group %0;\n" ::"n"(N)); }
__device__ __forceinline__ void cp4(float *sdst, const float *gsrc) {
    asm volatile("cp.async.ca.shared.global [%0], [%1], 4;\n" ::"r"((uint32_t)__cvta_generic_to_shared(sdst)),
                 "l"(gsrc));
}
/* x[0..K) of one row into the lane-major layout (lane e % 16, step e / 16; zeros past K), as asynchronous
 * copies: all of a thread's elements are in flight at once (a load and a store one after the other put an
 * L2 round trip per element on every block's start). The caller commits and waits. */
__device__ __forceinline__ void stage_row(float *xs, int cs, int kx, const float *__restrict__ X, int K) {
    for (int e = threadIdx.x; e < 16 * kx; e += blockDim.x) {
        float *d = xs + (e & 15) * cs + (e >> 4);
        if (e < K) cp4(d, X + e);
        else *d = 0.0f;
    }
}
/* One row of x into shared memory, lane-major: xs[j * cs + i] = x[16 i + j]
 * for i < kx (zeros past K). With a norm (nw != NULL) X is the input of a
 * one-row RMSNorm that was not launched (enqueue_ops folds it into the GEMV
 * that follows it) and xs gets that RMSNorm's output, computed as rmsnorm_k
 * does: lane j of warp 0 walks its chain x[j], x[j + 16], ... by fmaf in
 * ascending order (the staged rows hold exactly these), the contract's tree,
 * ss / K + eps, 1 / sqrtf, then w[c] * (inv * x[c]); block 0 also writes
 * it to xout (the RMSNorm's output buffer, for later readers). Every thread
 * of the block calls it. */
#define STAGE_U 16 /* norm weights a thread holds in registers at a time */
__device__ __forceinline__ void stage_x(float *xs, int cs, int kx, const float *__restrict__ X, int K,
                                        const float *__restrict__ nw, float eps, float *__restrict__ xout) {
    __shared__ float inv_sh;
    stage_row(xs, cs, kx, X, K);
    cp_commit();
    float w[STAGE_U]; /* the first norm weights, requested while x lands and the sum of squares runs */
#pragma unroll
    for (int u = 0; u < STAGE_U; u++) {
        const int e = (int)threadIdx.x + u * (int)blockDim.x;
        w[u] = nw && e < K ? __ldg(nw + e) : 0.0f;
    }
    cp_wait<0>();
    __syncthreads();
    if (!nw) return;
    if (threadIdx.x < 32) { /* both half-warps form the same sum (the shuffles want the whole warp) */
        const int j = threadIdx.x & 15, cnt = K > j ? (K - j + 15) / 16 : 0;
        const float *x = xs + j * cs;
        float p = 0.0f;
#pragma unroll 8
        for (int i = 0; i < cnt; i++) p = fmaf(x[i], x[i], p);
        float ss = tree16(p);
        if (threadIdx.x == 0) {
            ss /= (float)K;
            ss += eps;
            inv_sh = 1.0f / sqrtf(ss);
        }
    }
    __syncthreads();
    const float inv = inv_sh;
    for (int e0 = threadIdx.x; e0 < K; e0 += blockDim.x * STAGE_U) {
        if (e0 != (int)threadIdx.x) { /* K past STAGE_U elements a thread: the next batch, loads first */
#pragma unroll
            for (int u = 0; u < STAGE_U; u++) {
                const int e = e0 + u * (int)blockDim.x;
                w[u] = e < K ? __ldg(nw + e) : 0.0f;
            }
        }
#pragma unroll
        for (int u = 0; u < STAGE_U; u++) {
            const int e = e0 + u * (int)blockDim.x;
            if (e < K) {
                const int at = (e & 15) * cs + (e >> 4);
                const float v = w[u] * (inv * xs[at]);
                xs[at] = v;
                if (blockIdx.x == 0) xout[e] = v;
            }
        }
    }
    __syncthreads();
}
/* x of nmb rows (row stride ldx) into the lane-major layout of stage_x, row b at xs + b * 16 * cs; with nw, each
 * row through its RMSNorm as stage_x does it (warp b forms row b's sum of squares; block 0 writes the norm's
 * output rows, stride ldo) */
__device__ __forceinline__ void stage_xm(float *xs, int cs, int kx, const float *__restrict__ X, int K, int ldx,
                                         int nmb, const float *__restrict__ nw, float eps, float *__restrict__ xout,
                                         int ldo) {
    __shared__ float inv_m[8];
    for (int b = 0; b < nmb; b++) stage_row(xs + (size_t)b * 16 * cs, cs, kx, X + (size_t)b * ldx, K);
    cp_commit();
    cp_wait<0>();
    __syncthreads();
    if (!nw) return;
    const int wp = (int)(threadIdx.x >> 5);
    if (wp < nmb) { /* blockDim >= 256: 8 warps for at most 8 rows */
        const int j = threadIdx.x & 15, cnt = K > j ? (K - j + 15) / 16 : 0;
        const float *x = xs + (size_t)wp * 16 * cs + j * cs;
        float p = 0.0f;
#pragma unroll 8
        for (int i = 0; i < cnt; i++) p = fmaf(x[i], x[i], p);
        float ss = tree16(p);
        if ((threadIdx.x & 31) == 0) {
            ss /= (float)K;
            ss += eps;
            inv_m[wp] = 1.0f / sqrtf(ss);
        }
    }
    __syncthreads();
    for (int b = 0; b < nmb; b++) {
        const float inv = inv_m[b];
        float *xb = xs + (size_t)b * 16 * cs;
        for (int e = threadIdx.x; e < K; e += blockDim.x) {
            const int at = (e & 15) * cs + (e >> 4);
            const float v = __ldg(nw + e) * (inv * xb[at]);
            xb[at] = v;
            if (blockIdx.x == 0) xout[(size_t)b * ldo + e] = v;
        }
    }
    __syncthreads();
}
template <typename WT>
__global__ void __launch_bounds__(256) gemv1_xs_k(float *__restrict__ Y, const float *__restrict__ X,
                                                  const WT *__restrict__ Wl, int N, int K, const float *__restrict__ nw,
                                                  float eps, float *__restrict__ xout, float *__restrict__ xres,
                                                  const rowjobs J) {
    extern __shared__ __align__(16) float xs[];
    int bx = blockIdx.x, stride = gridDim.x;
    if (J.nj > 1) { /* one of several matrices (grid = all their row groups: each block one group) */
        int ji = 0;
        while (ji < J.nj - 1 && bx >= J.gend[ji]) ji++;
        bx -= ji ? J.gend[ji - 1] : 0;
        Y = J.Y[ji], Wl = (const WT *)J.W[ji], N = J.N[ji], stride = 1 << 30;
    }
    const int kc = lane_kc(K), cs = kc + 4, hr = threadIdx.x >> 4, j = threadIdx.x & 15;
    const int cnt = K > j ? (K - j + 15) / 16 : 0; /* columns j, j+16, ... below K */
    const int G = cnt / 8, ng = (N + 15) / 16;     /* full groups of 8 steps of this lane; row groups of 16 */
    constexpr int U = sizeof(WT) == 2 ? 8 : 4; /* groups per stage; the next stage loads while this one is used */
    auto row_w = [&](int rg) { /* row hr of row group rg (rows past N read row N - 1 and are not written) */
        const int n = min(rg * 16 + hr, N - 1);
        return Wl + lane_at((size_t)n, j, 0, kc); /* group g at + g * 128 */
    };
    /* a block walks row groups blockIdx.x, + gridDim.x, ... (grid = what fits on the device at once):
     * x is staged once per block, and the last stage of a row group loads the next one's first stage */
    wraw<WT> cur[U], nxt[U];
    int rg = bx;
    const WT *w = row_w(rg < ng ? rg : 0);
#pragma unroll
    for (int u = 0; u < U; u++) /* the first weights are in flight while x is staged */
        if (u < G) rawload(cur[u], w + (size_t)u * 128);
    stage_x(xs, cs, kc, X, K, nw, eps, xout);
    const float *x = xs + j * cs;
    for (; rg < ng; rg += stride) {
        const bool more = rg + stride < ng;
        const WT *wn = row_w(more ? rg + stride : rg);
        float p = 0.0f;
        for (int g = 0; g < G; g += U) {
            const bool last = g + U >= G;
#pragma unroll
            for (int u = 0; u < U; u++) {
                if (g + U + u < G) rawload(nxt[u], w + (size_t)(g + U + u) * 128);
                else if (last && more && u < G) rawload(nxt[u], wn + (size_t)u * 128); /* the next row group */
            }
#pragma unroll
            for (int u = 0; u < U; u++) {
                if (g + u < G) {
                    float wv[8];
                    rawcvt(cur[u], wv);
                    const float4 x0 = *(const float4 *)(x + 8 * (g + u)), x1 = *(const float4 *)(x + 8 * (g + u) + 4);
                    const float xv[8] = {x0.x, x0.y, x0.z, x0.w, x1.x, x1.y, x1.z, x1.w};
#pragma unroll
                    for (int e = 0; e < 8; e++) p = fmaf(wv[e], xv[e], p);
                }
            }
#pragma unroll
            for (int u = 0; u < U; u++) cur[u] = nxt[u];
        }
        for (int i = 8 * G; i < cnt; i++) p = fmaf(wload1(w + (size_t)(i / 8) * 128 + i % 8), x[i], p);
        const float q = tree16(p);
        const int n = rg * 16 + hr;
        if (n < N && j == 0) {
            Y[n] = q;
            if (xres) xres[n] += q; /* a folded residual add (add_k's operation) */
        }
        w = wn;
    }
}

/* ---- packed low-bit weights (lpcs_cuda_op.w_qbits = 4 or 2): layout and
 * decode in packed_device.cuh ---- */
__host__ __device__ __forceinline__ int q_nsb(int K, int bits) { return lpcs_q_nsb(K, bits); }

/* One row of X with packed weights (decode at batch 1): 16 threads per
 * output row, thread j = lane j of the contract, x staged lane-major in
 * shared memory as gemv1_xs_k (optionally with the preceding RMSNorm
 * folded in); U superblocks (U x 16 bytes) of codes in flight per thread,
 * a superblock's slot refilled as soon as it is decoded. Each weight is
 * decoded in registers (qdec) and enters the lane's fmaf chain in
 * ascending k; the contract's tree: the chain of the fp32 GEMV on the
 * decoded matrix, same bits. */
template <int BITS, int R>
__global__ void __launch_bounds__(256) gemv1q_k(float *__restrict__ Y, const float *__restrict__ X,
                                                const uint4 *__restrict__ Wq, const float *__restrict__ S, int N, int K,
                                                const float *__restrict__ nw, float eps, float *__restrict__ xout,
                                                float *__restrict__ xres, const rowjobs J) {
    /* R rows per thread (rows bx * 16 R + 16 r + thread / 16): each x value read from shared memory serves
     * R weights, and a block stages x once for 16 R rows */
    constexpr int QSB = 128 / BITS, PW = 32 / BITS, U = 8 / R;
    extern __shared__ __align__(16) float xs[];
    int bx = blockIdx.x;
    const float *Sj = S; /* the row scales of this block's matrix */
    if (J.nj > 1) { /* one of several matrices */
        int ji = 0;
        while (ji < J.nj - 1 && bx >= J.gend[ji]) ji++;
        bx -= ji ? J.gend[ji - 1] : 0;
        Y = J.Y[ji], Wq = (const uint4 *)J.W[ji], Sj = J.S[ji], N = J.N[ji];
    }
    const int nsb = q_nsb(K, BITS), cs = nsb * QSB + 4, j = threadIdx.x & 15;
    const int cnt = K > j ? (K - j + 15) / 16 : 0, nfull = cnt / QSB, rem = cnt - nfull * QSB;
    constexpr int NS = LPCS_QDEC_NS(BITS);
    /* pair (J.nj < 0, R = 2): row n of matrix J.W[0] and of J.W[1] (w1, w3), the SwiGLU in the epilogue */
    const bool pair = R == 2 && J.nj < 0;
    const uint4 *w[R];
    float sk[R][NS]; /* s * 2^-(BITS k) for qdec_word */
#pragma unroll
    for (int r = 0; r < R; r++) {
        const int nn = pair ? min(bx * 16 + (int)(threadIdx.x >> 4), N - 1) /* rows past N: N - 1, not written */
                            : min(bx * 16 * R + 16 * r + (int)(threadIdx.x >> 4), N - 1);
        w[r] = (pair ? (const uint4 *)J.W[r] : Wq) + (size_t)nn * nsb * 16 + j; /* superblock b at w + 16 b */
        const float s = __ldg((pair ? J.S[r] : Sj) + nn);
#pragma unroll
        for (int k = 0; k < NS; k++) sk[r][k] = s * (1.0f / (float)(1u << (BITS * k))); /* lpcs_qdec_scales */
    }
    uint4 cur[U][R];
#pragma unroll
    for (int u = 0; u < U; u++) /* the first codes are in flight while x is staged */
#pragma unroll
        for (int r = 0; r < R; r++)
            if (u < nsb) cur[u][r] = __ldg(w[r] + (size_t)u * 16);
    stage_x(xs, cs, nsb * QSB, X, K, nw, eps, xout);
    const float *x = xs + j * cs;
    float p[R];
#pragma unroll
    for (int r = 0; r < R; r++) p[r] = 0.0f;
    for (int b0 = 0; b0 < nsb; b0 += U) {
#pragma unroll
        for (int u = 0; u < U; u++) {
            const int b = b0 + u;
            if (b < nsb) {
                uint32_t wd[R][4];
#pragma unroll
                for (int r = 0; r < R; r++) {
                    wd[r][0] = cur[u][r].x, wd[r][1] = cur[u][r].y, wd[r][2] = cur[u][r].z, wd[r][3] = cur[u][r].w;
                    if (b + U < nsb) cur[u][r] = __ldg(w[r] + (size_t)(b + U) * 16);
                }
                const float *xb = x + b * QSB;
                if (b < nfull) {
#pragma unroll
                    for (int e = 0; e < 4; e++) {
                        float wv[R][PW];
#pragma unroll
                        for (int r = 0; r < R; r++) lpcs_qdec_word<BITS>(wd[r][e], sk[r], wv[r]);
#pragma unroll
                        for (int v = 0; v < PW; v += 4) {
                            const float4 x4 = *(const float4 *)(xb + e * PW + v);
#pragma unroll
                            for (int r = 0; r < R; r++) {
                                p[r] = fmaf(wv[r][v], x4.x, p[r]);
                                p[r] = fmaf(wv[r][v + 1], x4.y, p[r]);
                                p[r] = fmaf(wv[r][v + 2], x4.z, p[r]);
                                p[r] = fmaf(wv[r][v + 3], x4.w, p[r]);
                            }
                        }
                    }
                } else { /* the lane's last, partial superblock */
#pragma unroll
                    for (int e = 0; e < 4; e++) {
#pragma unroll
                        for (int r = 0; r < R; r++) {
                            float wv[PW];
                            lpcs_qdec_word<BITS>(wd[r][e], sk[r], wv);
#pragma unroll
                            for (int t = 0; t < PW; t++)
                                if (e * PW + t < rem) p[r] = fmaf(wv[t], xb[e * PW + t], p[r]);
                        }
                    }
                }
            }
        }
    }
    if (pair) { /* swiglu_k's operation on the two outputs; w3's output (and w1's, if elsewhere) also stored */
        const float q0 = tree16(p[0]), q1 = tree16(p[R - 1]);
        const int n = bx * 16 + (int)(threadIdx.x >> 4);
        if (n < N && j == 0) {
            J.Y[1][n] = q1;
            if (J.Y[2] != J.Y[0]) J.Y[2][n] = q0;
            J.Y[0][n] = silu_f(q0) * q1;
        }
        return;
    }
#pragma unroll
    for (int r = 0; r < R; r++) {
        const float q = tree16(p[r]);
        const int n = bx * 16 * R + 16 * r + (int)(threadIdx.x >> 4);
        if (n < N && j == 0) {
            Y[n] = q;
            if (xres) xres[n] += q; /* a folded residual add (add_k's operation) */
        }
    }
}

/* ---- the one-row GEMV with an asynchronous copy pipeline (decode at batch 1, default) ----
 * gemv1_xs_k / gemv1q_k keep their weights in flight in registers (64-128
 * bytes a thread, one stage ahead) and a block works on one row group after
 * staging x (and the folded RMSNorm) for it: at 7B shapes a block spends
 * about as long staging as streaming, and the H100 measured 47-54% (bf16) /
 * 15-24% (packed) of DRAM bandwidth (ncu, session 5). Here each thread
 * copies its own 16-byte chunks straight into a private ring in shared
 * memory (cp.async: no registers held, NSTG - 1 stages of STG chunks in
 * flight), and a block of the grid that fits the device at once walks row
 * groups of all the launch's matrices (q / k / v, w1 / w3: one x for all),
 * staging x once; the copies run on across row groups. Chunk c of lane j of
 * a row: fp32 steps 4c..4c+3, bf16 8c..8c+7, packed 4-bit 32c.., 2-bit 64c..
 * of the lane's chain; every thread reads back only what it copied, so the
 * ring needs no block barrier. Same chain per lane in ascending k (steps
 * past the lane's end never enter it), same decode, same tree: the bits of
 * gemv1_xs_k / gemv1q_k. KIND: 0 fp32, 1 bf16, 4 / 2 packed bits;
 * NR = 2: the w1 / w3 pair + SwiGLU (J.nj < 0); G: the ring geometry; MB:
 * rows of x (2..8: decode of several sequences, nmb of them used, strides
 * ldx / ldy; no fold); NT: threads, NT / 256 sub-blocks sharing x. */
/* Ring geometries (lpcs_cuda_llm_set_ring): chunks per stage (a power of two), stages (NSTG - 1 in flight),
 * copies through L1 (cp.async.ca: the L1 merges a warp's 16-byte copies into whole sectors; .cg sends them to
 * L2 one by one: ncu, session 7, saw every sector requested twice, a 50% L2 hit rate). A smaller ring fits
 * more blocks per SM. Same chunks, same order: the bits do not depend on the geometry. */
#define PIPE_NG 5
__host__ __device__ constexpr int pipe_stg(int g) { return g == 0 || g == 1 ? 2 : 1; }
__host__ __device__ constexpr int pipe_nstg(int g) { return g == 0 || g == 1 ? 6 : g == 4 ? 3 : 4; }
__host__ __device__ constexpr bool pipe_ca(int g) { return g == 1 || g == 3 || g == 4; }
__host__ __device__ constexpr int pipe_ring(int g) { return 256 * pipe_stg(g) * pipe_nstg(g) * 16; } /* bytes per block */
#define PIPE_SMEM_MAX (GEMV1_XS_MAX + pipe_ring(0)) /* x and the largest ring (one row of x) */

template <int KIND> struct pipe_fmt {
    static constexpr int SPC = KIND == 0 ? 4 : KIND == 1 ? 8 : 128 / KIND; /* chain steps per 16-byte chunk */
    static constexpr int CPG = KIND == 0 ? 2 : 1;                          /* chunks per lane group (fp32: 32 bytes) */
    /* chunks per lane and bytes per row: lane-grouped fp32 / bf16 (kc steps), packed (nsb superblocks) */
    static __device__ __forceinline__ int nch(int K) { return KIND >= 2 ? q_nsb(K, KIND) : lane_kc(K) / SPC; }
    static __device__ __forceinline__ size_t row_bytes(int K) {
        return KIND >= 2 ? (size_t)q_nsb(K, KIND) * 256 : (size_t)lane_kc(K) * 16 * (KIND == 0 ? 4 : 2);
    }
};

template <int KIND, int NR, int G, int MB, int NT = 256>
__global__ void __launch_bounds__(NT) gemv1_pipe_k(float *__restrict__ Y, const float *__restrict__ X,
                                                    const void *__restrict__ W, const float *__restrict__ S, int N,
                                                    int K, const float *__restrict__ nw, float eps,
                                                    float *__restrict__ xout, float *__restrict__ xres,
                                                    const rowjobs J, int nmb, int ldx, int ldy, int ldo) {
    typedef pipe_fmt<KIND> F;
    constexpr int SPC = F::SPC, PIPE_STG = pipe_stg(G), PIPE_NSTG = pipe_nstg(G), D = PIPE_STG * PIPE_NSTG;
    extern __shared__ __align__(16) float xs[];
    /* NT / 256 sub-blocks of 16 rows x 16 lanes share the staged x (several rows of x: one block fits an SM,
     * the sub-blocks give it more warps); sub-block sb walks row groups sb0, sb0 + nsb, ... */
    constexpr int NSB = NT / 256;
    const int j = threadIdx.x & 15, hr = (threadIdx.x >> 4) & 15, sb0 = blockIdx.x * NSB + (int)(threadIdx.x >> 8);
    const int nsb = gridDim.x * NSB;
    const int nch = F::nch(K), cnt = K > j ? (K - j + 15) / 16 : 0;
    const size_t rowb = F::row_bytes(K);
    const int cs = nch * SPC + 4; /* x row stride (floats): steps of all chunks + 4 against bank conflicts */
    const int T = J.nj > 2 ? J.gend[2] : J.nj == 2 ? J.gend[1] : (N + 15) / 16; /* row groups of all matrices */
    const int xst = 16 * cs; /* floats between the staged x rows (MB > 1) */
    unsigned char *ring = (unsigned char *)(xs + MB * xst);
    const uint32_t ring_s = (uint32_t)__cvta_generic_to_shared(ring) + threadIdx.x * 16; /* slot q: + q * NT * 16 */
    /* row group t -> its matrix (Y, W, S, N) */
    auto job = [&](int t, float *&y, const unsigned char *&w, const float *&s, int &n) {
        y = Y, w = (const unsigned char *)W, s = S, n = N;
        if (J.nj > 1) { /* selects, not an indexed J (which would go through local memory) */
            const int ji = t < J.gend[0] ? 0 : J.nj > 2 && t >= J.gend[1] ? 2 : 1;
            t -= ji == 0 ? 0 : ji == 1 ? J.gend[0] : J.gend[1];
            y = ji == 0 ? J.Y[0] : ji == 1 ? J.Y[1] : J.Y[2];
            w = (const unsigned char *)(ji == 0 ? J.W[0] : ji == 1 ? J.W[1] : J.W[2]);
            s = ji == 0 ? J.S[0] : ji == 1 ? J.S[1] : J.S[2];
            n = ji == 0 ? J.N[0] : ji == 1 ? J.N[1] : J.N[2];
        }
        return t;
    };
    /* the producer: chunk pc of row pr (of NR) of row group pt, source pointer pw */
    int pt = sb0, pc = 0, pr = 0, ps = 0; /* ps: the ring slot of the next copy */
    const unsigned char *pw = NULL;
    auto prow = [&]() { /* pw = this thread's lane of row pr of row group pt */
        float *y;
        const unsigned char *w;
        const float *s;
        int n;
        const int lt = job(pt, y, w, s, n);
        const int row = min(lt * 16 + hr, n - 1); /* rows past N read row N - 1 and are not written */
        if (NR == 2) w = (const unsigned char *)(pr ? J.W[1] : J.W[0]);
        pw = w + (size_t)row * rowb + (size_t)j * 16 * F::CPG;
    };
    if (pt < T) prow();
    auto issue_stage = [&]() {
#pragma unroll
        for (int u = 0; u < PIPE_STG; u++) {
            if (pt < T) {
                cp16<pipe_ca(G)>(ring_s + (uint32_t)ps * (NT * 16u),
                     pw + (size_t)(pc / F::CPG) * 256 * F::CPG + (size_t)(pc % F::CPG) * 16);
                if (++pc == nch) {
                    pc = 0;
                    if (++pr == NR) pr = 0, pt += nsb;
                    if (pt < T) prow();
                }
            }
            if (++ps == D) ps = 0;
        }
        cp_commit();
    };
#pragma unroll
    for (int s = 0; s < PIPE_NSTG - 1; s++) issue_stage(); /* in flight while x is staged */
    /* a dependent launched programmatically may start now: its blocks take the SM slots this grid frees at its
     * tail and start their weight copies there; it waits for all of this grid before it reads anything */
    asm volatile("griddepcontrol.launch_dependents;\n" ::: "memory");
    /* launched as a programmatic dependent (lpcs_cuda_llm_set_pdl), the kernel starts while the op before it
     * finishes: the weight copies above need nothing from it; x, the outputs and the residual wait for all of
     * it here (a no-op in an ordinary launch) */
    asm volatile("griddepcontrol.wait;\n" ::: "memory");
    if (MB == 1) stage_x(xs, cs, nch * SPC, X, K, nw, eps, xout);
    else stage_xm(xs, cs, nch * SPC, X, K, ldx, nmb, nw, eps, xout, ldo);
    const float *x = xs + j * cs;
    int q = 0, cslot = 0; /* chunks consumed, the ring slot of the next one */
    float snext[NR];
    {
        float *y;
        const unsigned char *w;
        const float *s;
        int n;
        const int lt = job(sb0 < T ? sb0 : 0, y, w, s, n);
        const int row = min(lt * 16 + hr, n - 1);
#pragma unroll
        for (int r = 0; r < NR; r++) snext[r] = KIND >= 2 ? __ldg((NR == 2 ? J.S[r] : s) + row) : 0.0f;
    }
    for (int t = sb0; t < T; t += nsb) {
        float *y;
        const unsigned char *w;
        const float *s;
        int n;
        const int lt = job(t, y, w, s, n), row = lt * 16 + hr;
        constexpr int NS = KIND >= 2 ? LPCS_QDEC_NS(KIND) : 1;
        float sk[NR][NS];
#pragma unroll
        for (int r = 0; r < NR; r++) {
#pragma unroll
            for (int k = 0; k < NS; k++) sk[r][k] = snext[r] * (1.0f / (float)(1u << (KIND * k))); /* lpcs_qdec_scales */
        }
        if (KIND >= 2 && t + nsb < T) { /* the next row group's scales, requested now */
            float *y2;
            const unsigned char *w2;
            const float *s2;
            int n2;
            const int lt2 = job(t + nsb, y2, w2, s2, n2), row2 = min(lt2 * 16 + hr, n2 - 1);
#pragma unroll
            for (int r = 0; r < NR; r++) snext[r] = __ldg((NR == 2 ? J.S[r] : s2) + row2);
        }
        float p[NR][MB];
#pragma unroll
        for (int r = 0; r < NR; r++) {
#pragma unroll
            for (int b = 0; b < MB; b++) p[r][b] = 0.0f;
            for (int c = 0; c < nch; c++, q++, cslot = cslot + 1 == D ? 0 : cslot + 1) {
                if ((q & (PIPE_STG - 1)) == 0) { /* stage q / STG has landed; its predecessor's slots are free */
                    cp_wait<PIPE_NSTG - 2>();
                    issue_stage();
                }
                const uint4 wd = *(const uint4 *)(ring + (size_t)cslot * (NT * 16) + threadIdx.x * 16);
                const float *xc = x + c * SPC;
                const bool full = (c + 1) * SPC <= cnt;
                if constexpr (KIND <= 1) {
                    float wv[SPC];
                    if constexpr (KIND == 0) wv[0] = __uint_as_float(wd.x), wv[1] = __uint_as_float(wd.y), wv[2] = __uint_as_float(wd.z), wv[3] = __uint_as_float(wd.w);
                    else {
                        const uint32_t u[4] = {wd.x, wd.y, wd.z, wd.w};
#pragma unroll
                        for (int e = 0; e < 4 && 2 * e + 1 < SPC; e++)
                            wv[2 * e] = __uint_as_float(u[e] << 16), wv[2 * e + 1] = __uint_as_float(u[e] & 0xffff0000u);
                    }
                    if (full) {
#pragma unroll
                        for (int bb = 0; bb < MB; bb++) /* batch row bb: its own chain, same weights */
                            if (MB == 1 || bb < nmb) {
#pragma unroll
                                for (int v = 0; v < SPC; v += 4) {
                                    const float4 x4 = *(const float4 *)(xc + bb * xst + v);
                                    p[r][bb] = fmaf(wv[v], x4.x, p[r][bb]);
                                    p[r][bb] = fmaf(wv[v + 1], x4.y, p[r][bb]);
                                    p[r][bb] = fmaf(wv[v + 2], x4.z, p[r][bb]);
                                    p[r][bb] = fmaf(wv[v + 3], x4.w, p[r][bb]);
                                }
                            }
                    } else {
#pragma unroll
                        for (int bb = 0; bb < MB; bb++)
                            if (MB == 1 || bb < nmb) {
#pragma unroll
                                for (int e = 0; e < SPC; e++)
                                    if (c * SPC + e < cnt) p[r][bb] = fmaf(wv[e], xc[bb * xst + e], p[r][bb]);
                            }
                    }
                } else {
                    constexpr int PW = 32 / KIND;
                    const uint32_t u[4] = {wd.x, wd.y, wd.z, wd.w};
                    if (full) {
#pragma unroll
                        for (int e = 0; e < 4; e++) {
                            float wv[PW];
                            lpcs_qdec_word<KIND>(u[e], sk[r], wv);
#pragma unroll
                            for (int bb = 0; bb < MB; bb++)
                                if (MB == 1 || bb < nmb) {
#pragma unroll
                                    for (int v = 0; v < PW; v += 4) {
                                        const float4 x4 = *(const float4 *)(xc + bb * xst + e * PW + v);
                                        p[r][bb] = fmaf(wv[v], x4.x, p[r][bb]);
                                        p[r][bb] = fmaf(wv[v + 1], x4.y, p[r][bb]);
                                        p[r][bb] = fmaf(wv[v + 2], x4.z, p[r][bb]);
                                        p[r][bb] = fmaf(wv[v + 3], x4.w, p[r][bb]);
                                    }
                                }
                        }
                    } else { /* the lane's last, partial superblock */
#pragma unroll
                        for (int e = 0; e < 4; e++) {
                            float wv[PW];
                            lpcs_qdec_word<KIND>(u[e], sk[r], wv);
#pragma unroll
                            for (int bb = 0; bb < MB; bb++)
                                if (MB == 1 || bb < nmb) {
#pragma unroll
                                    for (int v = 0; v < PW; v++)
                                        if (c * SPC + e * PW + v < cnt)
                                            p[r][bb] = fmaf(wv[v], xc[bb * xst + e * PW + v], p[r][bb]);
                                }
                        }
                    }
                }
            }
        }
        if (NR == 2) { /* swiglu_k's operation on the two outputs; w3's output (and w1's, if elsewhere) also stored */
            const float q0 = tree16(p[0][0]), q1 = tree16(p[NR - 1][0]);
            if (row < N && j == 0) {
                J.Y[1][row] = q1;
                if (J.Y[2] != J.Y[0]) J.Y[2][row] = q0;
                J.Y[0][row] = silu_f(q0) * q1;
            }
        } else {
#pragma unroll
            for (int bb = 0; bb < MB; bb++) { /* (bb < nmb is the same for the whole block: the shuffles see it) */
                if (MB > 1 && bb >= nmb) break;
                const float q0 = tree16(p[0][bb]);
                if (row < n && j == 0) {
                    y[(size_t)bb * ldy + row] = q0;
                    if (xres) xres[(size_t)bb * ldy + row] += q0; /* a folded residual add (add_k's operation); MB 1 */
                }
            }
        }
    }
    cp_wait<0>(); /* no copy outlives the block */
}

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

/* Packed weights -> the lane-grouped fp32 layout (zero padded), for the
 * many-row kernels: the decoded values are the cpu backend's weights. */
template <int BITS>
__global__ void qdequant_k(float *__restrict__ Wl, const uint32_t *__restrict__ Wq, const float *__restrict__ S, int N,
                           int K) {
    constexpr int PW = 32 / BITS;
    const int kc = lane_kc(K), nsb = q_nsb(K, BITS);
    const size_t tot = (size_t)N * 16 * kc;
    for (size_t e = (size_t)blockIdx.x * blockDim.x + threadIdx.x; e < tot; e += (size_t)gridDim.x * blockDim.x) {
        const int i8 = (int)(e & 7), j = (int)((e >> 3) & 15);
        const size_t ng = e >> 7; /* n * (kc / 8) + g */
        const int n = (int)(ng / (size_t)(kc / 8)), i = (int)(ng % (size_t)(kc / 8)) * 8 + i8;
        float v = 0.0f;
        if (16 * i + j < K) {
            const uint32_t wd = __ldg(Wq + lpcs_q_word((size_t)n, j, i, nsb, BITS));
            v = lpcs_qdec((wd >> (BITS * (i % PW))) & ((1u << BITS) - 1), BITS, __ldg(S + n));
        }
        Wl[e] = v;
    }
}

/* 2..8 rows of X (decode at batch 2..8): gemv_k, but the MB rows of X go
 * through shared memory lane-major in chunks of CG groups (128 CG columns),
 * so each 16-byte weight load meets its x values in two 16-byte shared
 * reads per row instead of eight 4-byte global reads (gemv_k<8> moves 16x
 * the weight bytes of x through L1). A chunk's weights are requested before
 * its x is staged. Same chain per lane (full groups in order, then the
 * tail), same tree: same bits as gemv_k. */
template <typename WT, int MB>
__global__ void __launch_bounds__(256) gemv_xs_k(float *__restrict__ Y, int ldy, const float *__restrict__ X, int ldx,
                                                 const WT *__restrict__ Wl, int M, int N, int K) {
    constexpr int CG = 8, CS = 8 * CG + 4; /* groups per chunk; floats per (row, lane) in shared memory */
    __shared__ __align__(16) float xs[MB][16][CS];
    const int n = blockIdx.x * 16 + (threadIdx.x >> 4), j = threadIdx.x & 15, kc = lane_kc(K);
    const int cnt = K > j ? (K - j + 15) / 16 : 0; /* columns j, j+16, ... below K */
    const WT *w = Wl + lane_at((size_t)(n < N ? n : 0), j, 0, kc); /* group g at w + g * 128 */
    const int G = n < N ? cnt / 8 : 0, GB = (K + 127) / 128; /* this lane's full groups; the block's chunks span GB */
    float p[MB];
#pragma unroll
    for (int b = 0; b < MB; b++) p[b] = 0.0f;
    for (int c0 = 0; c0 < GB; c0 += CG) {
        wraw<WT> cur[CG];
#pragma unroll
        for (int u = 0; u < CG; u++)
            if (c0 + u < G) rawload(cur[u], w + (size_t)(c0 + u) * 128);
        __syncthreads(); /* the previous chunk is consumed */
        for (int e = threadIdx.x; e < MB * 128 * CG; e += blockDim.x) {
            const int b = e / (128 * CG), k = 128 * c0 + e % (128 * CG);
            if (b < M) xs[b][k & 15][(k >> 4) - 8 * c0] = k < K ? X[(size_t)b * ldx + k] : 0.0f;
        }
        __syncthreads();
#pragma unroll
        for (int u = 0; u < CG; u++) {
            if (c0 + u < G) {
                float wv[8];
                rawcvt(cur[u], wv);
#pragma unroll
                for (int b = 0; b < MB; b++)
                    if (b < M) {
                        const float4 x0 = *(const float4 *)&xs[b][j][8 * u], x1 = *(const float4 *)&xs[b][j][8 * u + 4];
                        const float xv[8] = {x0.x, x0.y, x0.z, x0.w, x1.x, x1.y, x1.z, x1.w};
#pragma unroll
                        for (int e = 0; e < 8; e++) p[b] = fmaf(wv[e], xv[e], p[b]);
                    }
            }
        }
    }
    if (n < N)
        for (int i = 8 * G; i < cnt; i++) {
            float wv = wload1(w + (size_t)(i / 8) * 128 + i % 8);
#pragma unroll
            for (int b = 0; b < MB; b++)
                if (b < M) p[b] = fmaf(wv, X[(size_t)b * ldx + j + 16 * i], p[b]);
        }
#pragma unroll
    for (int b = 0; b < MB; b++) {
        float q = tree16(p[b]);
        if (n < N && j == 0 && b < M) Y[(size_t)b * ldy + n] = q;
    }
}

/* Adjacent-pair RoPE with the host's table, as the cpu backend. One block
 * per row and 128 columns (at decode a 4096-wide row would otherwise be 32
 * dependent steps of one block); kvstore_k likewise. */
/* One RoPE pair rotated by (cos, sin) = (fcr, fci), golden's two products and sum per element (no FMA: -fmad=false). */
__device__ __forceinline__ float2 rope_rot(float v0, float v1, float fcr, float fci) {
    return make_float2(v0 * fcr - v1 * fci, v0 * fci + v1 * fcr);
}

__global__ void rope_k(float *q, int ldq, float *k, int ldk, const float *cs, int rows, int ntok, const int *pos0p, int D,
                       int KVD, int hs) {
    int r = blockIdx.x;
    if (r >= rows) return;
    int pos = *pos0p + r % ntok;
    for (int i = 2 * (blockIdx.y * blockDim.x + threadIdx.x); i < D; i += 2 * blockDim.x * gridDim.y) {
        float fcr = cs[(size_t)pos * hs + i % hs], fci = cs[(size_t)pos * hs + i % hs + 1];
        float *qq = q + (size_t)r * ldq;
        const float2 qr = rope_rot(qq[i], qq[i + 1], fcr, fci);
        qq[i] = qr.x, qq[i + 1] = qr.y;
        if (i < KVD) {
            float *kk = k + (size_t)r * ldk;
            const float2 kr = rope_rot(kk[i], kk[i + 1], fcr, fci);
            kk[i] = kr.x, kk[i + 1] = kr.y;
        }
    }
}

__device__ __forceinline__ size_t cache_at(int layer, int slot, int pos, int max_slots, int max_pos, int kv) {
    return (((size_t)layer * max_slots + slot) * max_pos + pos) * kv;
}

__global__ void kvstore_k(float *kc, float *vc, const float *k, int ldk, const float *v, int ldv, int rows, int ntok,
                          const int *pos0p, int slot0, int layer, int max_slots, int max_pos, int kv) {
    int r = blockIdx.x;
    if (r >= rows) return;
    size_t o = cache_at(layer, slot0 + r / ntok, *pos0p + r % ntok, max_slots, max_pos, kv);
    for (int i = blockIdx.y * blockDim.x + threadIdx.x; i < kv; i += blockDim.x * gridDim.y) {
        kc[o + i] = k[(size_t)r * ldk + i];
        vc[o + i] = v[(size_t)r * ldv + i];
    }
}

/* One warp per (row, head): scores by 16-lane dots (two positions at a
 * time), max, lpcs_expf, ascending sum by one lane, divide, then the output
 * as an ascending fmaf chain per element. */
/* rope_k followed by kvstore_k in one launch (the ROPE op right before an
 * ATTENTION op): the rotated k pair goes to the k buffer and the cache, v is
 * copied; the same values as the two kernels. */
__global__ void rope_kv_k(float *q, int ldq, float *k, int ldk, const float *v, int ldv, float *kc, float *vc,
                          const float *cs, int rows, int ntok, const int *pos0p, int D, int KVD, int hs, int slot0,
                          int layer, int max_slots, int max_pos, int kv) {
    const int r = blockIdx.x;
    if (r >= rows) return;
    const int pos = *pos0p + r % ntok;
    const size_t o = cache_at(layer, slot0 + r / ntok, pos, max_slots, max_pos, kv);
    for (int i = 2 * (blockIdx.y * blockDim.x + threadIdx.x); i < D || i < kv; i += 2 * blockDim.x * gridDim.y) {
        if (i < D) {
            const float fcr = cs[(size_t)pos * hs + i % hs], fci = cs[(size_t)pos * hs + i % hs + 1];
            float *qq = q + (size_t)r * ldq;
            const float2 qr = rope_rot(qq[i], qq[i + 1], fcr, fci);
            qq[i] = qr.x, qq[i + 1] = qr.y;
            if (i < KVD) {
                float *kk = k + (size_t)r * ldk;
                const float2 kr = rope_rot(kk[i], kk[i + 1], fcr, fci);
                const float k0 = kr.x, k1 = kr.y;
                kk[i] = k0, kk[i + 1] = k1;
                if (i < kv) kc[o + i] = k0;
                if (i + 1 < kv) kc[o + i + 1] = k1;
            }
        }
        for (int e = i; e < i + 2 && e < kv; e++) {
            if (e >= KVD) kc[o + e] = k[(size_t)r * ldk + e]; /* (KVD = kv in llama: never taken) */
            vc[o + e] = v[(size_t)r * ldv + e];
        }
    }
}

/* rope_kv_k a float4 a thread (2 pairs) over all rows at once, where every piece is whole float4 (D, kv, hs, the
 * strides, the pointers) and k has no columns past KVD to copy (KVD == kv, as in llama): the same operations.
 * rope_kv_k's grid of one 64-thread block per row and half row took 1.05 ms of the full split for about 0.8 GB. */
__global__ void __launch_bounds__(256) rope_kv4_k(float *q, int ldq, float *k, int ldk, const float *v, int ldv, float *kc,
                                                  float *vc, const float *cs, int rows, int ntok, const int *pos0p, int D,
                                                  int hs, int slot0, int layer, int max_slots, int max_pos, int kv) {
    const int n4 = (D > kv ? D : kv) >> 2;
    const size_t e = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (e >= (size_t)rows * n4) return;
    const int r = (int)(e / (size_t)n4), i = 4 * (int)(e - (size_t)r * n4);
    const int pos = *pos0p + r % ntok;
    const size_t o = cache_at(layer, slot0 + r / ntok, pos, max_slots, max_pos, kv);
    const float4 c4 = *(const float4 *)(cs + (size_t)pos * hs + i % hs); /* pairs i, i + 2 (hs % 4 == 0) */
    if (i < D) {
        float4 *qq = (float4 *)(q + (size_t)r * ldq + i);
        const float4 x = *qq;
        const float2 a = rope_rot(x.x, x.y, c4.x, c4.y), b = rope_rot(x.z, x.w, c4.z, c4.w);
        *qq = make_float4(a.x, a.y, b.x, b.y);
    }
    if (i < kv) {
        float4 *kk = (float4 *)(k + (size_t)r * ldk + i);
        const float4 x = *kk;
        const float2 a = rope_rot(x.x, x.y, c4.x, c4.y), b = rope_rot(x.z, x.w, c4.z, c4.w);
        const float4 kr = make_float4(a.x, a.y, b.x, b.y);
        *kk = kr;
        *(float4 *)(kc + o + i) = kr;
        *(float4 *)(vc + o + i) = *(const float4 *)(v + (size_t)r * ldv + i);
    }
}

/* One warp: query row r, head h, its scores in sc (max_pos floats). */
__device__ __forceinline__ void attend_warp(float *out, int ldo, const float *q, int ldq, const float *kc, const float *vc,
                                            int r, int h, int pos, int slot, int layer, int max_slots, int max_pos, int kv,
                                            int kv_mul, int hs, float *sc) {
    const int lane = threadIdx.x & 31, j = lane & 15, half = lane >> 4;
    const int T = pos + 1;
    const float *qh = q + (size_t)r * ldq + (size_t)h * hs;
    const size_t base = cache_at(layer, slot, 0, max_slots, max_pos, kv) + (size_t)(h / kv_mul) * hs;
    float qr[16];
#pragma unroll
    for (int i = 0; i < 16; i++) qr[i] = (j + 16 * i < hs) ? qh[j + 16 * i] : 0.0f;
    const float scale = sqrtf((float)hs);
    for (int tb = 0; tb < T; tb += 4) { /* 4 positions a trip (2 per half-warp): their k loads in flight together */
        float kr[2][16];
#pragma unroll
        for (int a = 0; a < 2; a++) {
            const int t = tb + 2 * a + half;
            const float *kt = kc + base + (size_t)t * kv;
#pragma unroll
            for (int i = 0; i < 16; i++) kr[a][i] = t < T && j + 16 * i < hs ? kt[j + 16 * i] : 0.0f;
        }
#pragma unroll
        for (int a = 0; a < 2; a++) {
            const int t = tb + 2 * a + half;
            float p = 0.0f;
            if (t < T) {
#pragma unroll
                for (int i = 0; i < 16; i++)
                    if (j + 16 * i < hs) p = fmaf(qr[i], kr[a][i], p);
            }
            p = tree16(p);
            if (t < T && j == 0) sc[t] = p / scale;
        }
    }
    __syncwarp();
    float mx = -INFINITY;
    for (int t = lane; t < T; t += 32) mx = fmaxf(mx, sc[t]);
    for (int o = 16; o >= 1; o >>= 1) mx = fmaxf(mx, __shfl_xor_sync(FULL, mx, o));
    for (int t = lane; t < T; t += 32) sc[t] = lpcs_expf(sc[t] - mx);
    __syncwarp();
    float sum = 0.0f;
    if (lane == 0)
        for (int t = 0; t < T; t++) sum += sc[t];
    sum = __shfl_sync(FULL, sum, 0);
    for (int t = lane; t < T; t += 32) sc[t] /= sum;
    __syncwarp();
    /* every output of the lane (i = lane + 32 o, hs <= 256) at once: its own chain in ascending t, the v loads of
     * all of them in flight together */
    float *oh = out + (size_t)r * ldo + (size_t)h * hs;
    float acc[8];
#pragma unroll
    for (int o = 0; o < 8; o++) acc[o] = 0.0f;
    const float *vt = vc + base + lane;
    for (int t = 0; t < T; t++) {
        const float pr = sc[t];
#pragma unroll
        for (int o = 0; o < 8; o++)
            if (lane + 32 * o < hs) acc[o] = fmaf(pr, vt[(size_t)t * kv + 32 * o], acc[o]);
    }
#pragma unroll
    for (int o = 0; o < 8; o++)
        if (lane + 32 * o < hs) oh[lane + 32 * o] = acc[o];
}


__global__ void attention_k(float *out, int ldo, const float *q, int ldq, const float *kc, const float *vc, int rows,
                            int ntok, const int *pos0p, int slot0, int layer, int max_slots, int max_pos, int kv, int n_heads,
                            int kv_mul, int hs) {
    extern __shared__ float sm[];
    const int warp = threadIdx.x >> 5;
    const int wid = blockIdx.x * (blockDim.x >> 5) + warp;
    if (wid >= rows * n_heads) return; /* whole warp leaves together */
    const int r = wid / n_heads, h = wid % n_heads;
    attend_warp(out, ldo, q, ldq, kc, vc, r, h, *pos0p + r % ntok, slot0 + r / ntok, layer, max_slots, max_pos, kv, kv_mul,
                hs, sm + (size_t)warp * max_pos);
}

/* Decode (one new row per sequence): RoPE of the row's q heads and its kv
 * head's k, the k / v store into the cache (rope_kv_k's operations) and the
 * attention of those q heads (attention_k's), in one launch: a block per
 * (row, kv head), a warp per q head of the group; the block barrier makes
 * the stored k / v visible to every warp. The same bits as rope_kv_k +
 * attention_k. */
__global__ void rope_attn_k(float *out, int ldo, float *q, int ldq, float *k, int ldk, const float *v, int ldv, float *kc,
                            float *vc, const float *cs, const int *pos0p, int slot0, int layer, int max_slots, int max_pos,
                            int kv, int n_kv, int kv_mul, int hs) {
    extern __shared__ float sm[];
    const int r = blockIdx.x / n_kv, g = blockIdx.x % n_kv, warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    const int h = g * kv_mul + warp, pos = *pos0p, slot = slot0 + r;
    const size_t o = cache_at(layer, slot, pos, max_slots, max_pos, kv);
    float *qq = q + (size_t)r * ldq;
    for (int i = h * hs + 2 * lane; i < (h + 1) * hs; i += 64) {
        const float fcr = cs[(size_t)pos * hs + i % hs], fci = cs[(size_t)pos * hs + i % hs + 1];
        const float2 qr = rope_rot(qq[i], qq[i + 1], fcr, fci);
        qq[i] = qr.x, qq[i + 1] = qr.y;
    }
    if (warp == 0) {
        float *kk = k + (size_t)r * ldk;
        const float *vv = v + (size_t)r * ldv;
        for (int i = g * hs + 2 * lane; i < (g + 1) * hs; i += 64) {
            const float fcr = cs[(size_t)pos * hs + i % hs], fci = cs[(size_t)pos * hs + i % hs + 1];
            const float2 kr = rope_rot(kk[i], kk[i + 1], fcr, fci);
            kk[i] = kr.x, kk[i + 1] = kr.y;
            kc[o + i] = kr.x, kc[o + i + 1] = kr.y;
            vc[o + i] = vv[i], vc[o + i + 1] = vv[i + 1];
        }
    }
    __syncthreads();
    attend_warp(out, ldo, q, ldq, kc, vc, r, h, pos, slot, layer, max_slots, max_pos, kv, kv_mul, hs,
                sm + (size_t)warp * max_pos);
}

/* The pieces of the many-row attention kernels (one thread per query row
 * and head): q of the row into registers, a score (the contract's 16-lane
 * dot, then / sqrtf(hs)), and one step of the output chains. */
template <int HS>
__device__ __forceinline__ void attn_q_regs(float *qr, float *o, const float *q, bool on) {
#pragma unroll
    for (int i = 0; i < HS; i++) qr[i] = on ? q[i] : 0.0f, o[i] = 0.0f;
}
template <int HS> __device__ __forceinline__ float attn_score(const float *qr, const float *kt, float scale) {
    float p[16];
#pragma unroll
    for (int l = 0; l < 16; l++) p[l] = 0.0f;
#pragma unroll
    for (int i = 0; i < HS; i += 4) {
        const float4 k4 = *(const float4 *)&kt[i];
        p[i % 16] = fmaf(qr[i], k4.x, p[i % 16]);
        p[(i + 1) % 16] = fmaf(qr[i + 1], k4.y, p[(i + 1) % 16]);
        p[(i + 2) % 16] = fmaf(qr[i + 2], k4.z, p[(i + 2) % 16]);
        p[(i + 3) % 16] = fmaf(qr[i + 3], k4.w, p[(i + 3) % 16]);
    }
    return lpcs_dot_tree16(p) / scale;
}
template <int HS> __device__ __forceinline__ void attn_pv(float pr, const float *vt, float *o) {
#pragma unroll
    for (int i = 0; i < HS; i += 4) {
        const float4 v4 = *(const float4 *)&vt[i];
        o[i] = fmaf(pr, v4.x, o[i]);
        o[i + 1] = fmaf(pr, v4.y, o[i + 1]);
        o[i + 2] = fmaf(pr, v4.z, o[i + 2]);
        o[i + 3] = fmaf(pr, v4.w, o[i + 3]);
    }
}

/* Many query rows per sequence (ppl windows, prefill): one thread per
 * (query row, head), K / V of the sequence streamed through shared memory
 * in tiles of 64 positions that every thread of the block reads in the
 * same order (broadcast). Three passes (max, ascending sum of exp,
 * output); the scores go to a scratch buffer in pass 0 when the engine has
 * one (else they are recomputed in every pass): either way the same bits,
 * the operation chain of attention_k exactly
 * (score = lpcs_dot_f32 order / sqrtf(hs), fmaxf, lpcs_expf, ascending sum,
 * divide, ascending fmaf chain per output element). */
template <int HS, int PH = 0> /* PH 0: the three passes; 1: passes 0 and 1; 2: pass 2 (both need scr) */
__global__ void __launch_bounds__(128) attn_rows_k(float *out, int ldo, const float *q, int ldq, const float *kc,
                                                   const float *vc, int ntok, const int *pos0p, int slot0, int layer,
                                                   int max_slots, int max_pos, int kv, int kv_mul, float *scr,
                                                   float *ssum) {
    constexpr int TT = 64;
    __shared__ __align__(16) float Ks[TT][HS];
    __shared__ __align__(16) float Vs[TT][HS];
    const int s = blockIdx.z, h = blockIdx.y, qi = blockIdx.x * blockDim.x + threadIdx.x;
    const bool on = qi < ntok;
    const int pos0 = *pos0p, r = s * ntok + qi, T = pos0 + qi + 1;
    const int qlast = min(ntok, (int)(blockIdx.x + 1) * (int)blockDim.x) - 1, Tmax = pos0 + qlast + 1;
    const size_t base = cache_at(layer, slot0 + s, 0, max_slots, max_pos, kv) + (size_t)(h / kv_mul) * HS;
    float qr[HS], o[HS];
    attn_q_regs<HS>(qr, o, q + (size_t)r * ldq + (size_t)h * HS, on && PH != 2);
    const float scale = sqrtf((float)HS);
    float mx = -INFINITY, sum = 0.0f;
    /* PH 1 / 2 (the score buffer in two launches): PH 1 keeps only q, PH 2 only the outputs in registers, so
     * each takes about half the registers of the three passes together and fits more warps an SM; the row's
     * sum of exps goes from one to the other through ssum[(sequence, head)][row] */
    const size_t si = (size_t)(s * gridDim.y + h) * ntok + (on ? qi : 0);
    if (PH == 2) sum = on ? ssum[si] : 1.0f;
    /* scr (when the engine has it): this (sequence, head)'s scores, [position][query row] (coalesced);
     * pass 0 stores the score, pass 1 replaces it by its exp, pass 2 reads that: the same values as
     * recomputing them, without two of the three score passes and one of the two exps */
    const bool use = scr != NULL; /* the same for the whole block (barriers below depend on it) */
    float *sr = use ? scr + (size_t)(s * gridDim.y + h) * max_pos * ntok + (on ? qi : 0) : NULL;
    auto score = [&](int tt) { return attn_score<HS>(qr, Ks[tt], scale); };
    for (int pass = PH == 2 ? 2 : 0; pass < (PH == 1 ? 2 : 3); pass++) {
        for (int t0 = 0; t0 < Tmax; t0 += TT) {
            const int nt = min(TT, Tmax - t0);
            if (use && pass == 1) { /* no tile needed: the stored scores */
                const int tn = on ? min(nt, T - t0) : 0;
                /* 8 scores requested at once (the stores below alias them for the compiler, so it would
                 * wait for each load in turn); the sum stays ascending */
                for (int tb = 0; tb < tn; tb += 8) {
                    float v[8];
#pragma unroll
                    for (int u = 0; u < 8; u++) v[u] = tb + u < tn ? sr[(size_t)(t0 + tb + u) * ntok] : 0.0f;
#pragma unroll
                    for (int u = 0; u < 8; u++)
                        if (tb + u < tn) {
                            const float e = lpcs_expf(v[u] - mx);
                            sum += e;
                            sr[(size_t)(t0 + tb + u) * ntok] = e;
                        }
                }
                continue;
            }
            __syncthreads(); /* the previous tile is consumed */
            for (int e = threadIdx.x; e < nt * (HS / 4); e += blockDim.x) {
                int tt = e / (HS / 4), c = (e % (HS / 4)) * 4;
                size_t at = base + (size_t)(t0 + tt) * kv + c;
                if (!use || pass == 0) *(float4 *)&Ks[tt][c] = *(const float4 *)(kc + at);
                if (pass == 2) *(float4 *)&Vs[tt][c] = *(const float4 *)(vc + at);
            }
            __syncthreads();
            const int tn = min(nt, T - t0); /* this row's positions in the tile */
            if (use && pass == 2) { /* the stored exps, 4 requested at once; the same chain as below */
                for (int tb = 0; tb < tn; tb += 4) {
                    float e4[4];
#pragma unroll
                    for (int u = 0; u < 4; u++) e4[u] = on && tb + u < tn ? sr[(size_t)(t0 + tb + u) * ntok] : 0.0f;
#pragma unroll
                    for (int u = 0; u < 4; u++)
                        if (tb + u < tn) attn_pv<HS>(e4[u] / sum, Vs[tb + u], o);
                }
                continue;
            }
            for (int tt = 0; tt < tn; tt++) {
                if (use && pass == 0) {
                    const float sc = score(tt);
                    if (on) sr[(size_t)(t0 + tt) * ntok] = sc;
                    mx = fmaxf(mx, sc);
                    continue;
                }
                float sc = use ? 0.0f : score(tt);
                if (pass == 0) {
                    mx = fmaxf(mx, sc);
                } else if (pass == 1) {
                    sum += lpcs_expf(sc - mx);
                } else {
                    attn_pv<HS>((use ? (on ? sr[(size_t)(t0 + tt) * ntok] : 0.0f) : lpcs_expf(sc - mx)) / sum, Vs[tt], o);
                }
            }
        }
    }
    if (PH == 1) {
        if (on) ssum[si] = sum;
        return;
    }
    if (on)
#pragma unroll
        for (int i = 0; i < HS; i++) out[(size_t)r * ldo + (size_t)h * HS + i] = o[i];
}

/* Many query rows, the scores kept in shared memory: attn_rows_k's
 * recomputing form spends three score passes and two exps per (row, head,
 * position), and its global score buffer (mode 5) waited on memory. Here a
 * block of R query rows keeps its rows' scores in shared memory (row-major,
 * a row stride of P mod 32 words: the P threads of a row and the rows of a
 * warp hit distinct banks), up to the launch's last position. P threads
 * share a (row, head), so that the scores' shared memory (T floats a row)
 * still leaves many warps per SM: thread u of a row takes positions
 * t = u mod P for the scores (pass 0, K tiles as in attn_rows_k), the exps
 * and the division, and outputs u HS / P .. of the output chains (pass 2,
 * V tiles); the sum of the exps runs in ascending t on thread 0 of the row.
 * The operation chain of attention_k exactly (attn_rows_k's score function,
 * fmaxf, lpcs_expf, ascending sum, divide, ascending fmaf chains), so the
 * same bits. Dynamic shared memory: attn_smem_bytes. Query blocks from qb0
 * (the engine launches each query block of a causal window on its own by
 * default, sized to the positions it needs: the early ones fit more blocks
 * per SM). */
#define ATTN_SMEM_R 32 /* query rows per block */
#define ATTN_SMEM_P 4  /* threads per (row, head) */
#define ATTN_SMEM_MAX (96 * 1024) /* above this the recomputing kernel (more blocks per SM) */
__host__ __device__ __forceinline__ int attn_smem_stride(int tcap) { return (tcap + 31) / 32 * 32 + ATTN_SMEM_P; }
static size_t attn_smem_bytes(int hs, int tcap) {
    return (size_t)4 * (64 * (size_t)hs + (size_t)attn_smem_stride(tcap) * ATTN_SMEM_R);
}
template <int HS, int R, int P>
__global__ void __launch_bounds__(R * P) attn_smem_k(float *out, int ldo, const float *q, int ldq, const float *kc,
                                                     const float *vc, int ntok, const int *pos0p, int slot0, int layer,
                                                     int max_slots, int max_pos, int kv, int kv_mul, int tcap, int qb0) {
    constexpr int TT = 64, HP = HS / P;
    extern __shared__ __align__(16) float asm_sm[];
    float(*Ts)[HS] = (float(*)[HS])asm_sm; /* the tile: K in pass 0, V in pass 2 */
    const int u = threadIdx.x % P, rr = threadIdx.x / P;
    float *scs = asm_sm + TT * HS + rr * attn_smem_stride(tcap); /* this row's scores / exps / weights */
    const int qb = blockIdx.x + qb0, s = blockIdx.z, h = blockIdx.y, qi = qb * R + rr;
    const bool on = qi < ntok;
    const int pos0 = *pos0p, r = s * ntok + qi, T = on ? pos0 + qi + 1 : 0;
    const int qlast = min(ntok, (qb + 1) * R) - 1, Tmax = min(pos0 + qlast + 1, tcap);
    const size_t base = cache_at(layer, slot0 + s, 0, max_slots, max_pos, kv) + (size_t)(h / kv_mul) * HS;
    float qr[HS], o[HS];
    attn_q_regs<HS>(qr, o, q + (size_t)r * ldq + (size_t)h * HS, on);
    const float scale = sqrtf((float)HS);
    float mx = -INFINITY, sum = 0.0f;
    for (int pass = 0; pass < 3; pass += 2) { /* the exps run between the two tile passes, on the stored scores */
        for (int t0 = 0; t0 < Tmax; t0 += TT) {
            const int nt = min(TT, Tmax - t0);
            __syncthreads(); /* the previous tile is consumed */
            const float *src = pass == 0 ? kc : vc;
            for (int e = threadIdx.x; e < nt * (HS / 4); e += R * P) {
                const int tt = e / (HS / 4), c = (e % (HS / 4)) * 4;
                *(float4 *)&Ts[tt][c] = *(const float4 *)(src + base + (size_t)(t0 + tt) * kv + c);
            }
            __syncthreads();
            const int tn = max(0, min(nt, T - t0)); /* this row's positions in the tile */
            if (pass == 0) {
                for (int tt = u; tt < tn; tt += P) {
                    const float sc = attn_score<HS>(qr, Ts[tt], scale);
                    scs[t0 + tt] = sc;
                    mx = fmaxf(mx, sc);
                }
            } else {
                for (int tt = 0; tt < tn; tt++) attn_pv<HP>(scs[t0 + tt], Ts[tt] + u * HP, o); /* outputs u HP.. */
            }
        }
        if (pass == 0) { /* the row's max (order-free), its exps, their ascending sum, the weights */
#pragma unroll
            for (int w = 1; w < P; w <<= 1) mx = fmaxf(mx, __shfl_xor_sync(FULL, mx, w));
            for (int t = u; t < T; t += P) scs[t] = lpcs_expf(scs[t] - mx);
            __syncwarp();
            if (u == 0)
                for (int t = 0; t < T; t++) sum += scs[t];
            sum = __shfl_sync(FULL, sum, (int)(threadIdx.x & 31) & ~(P - 1));
            for (int t = u; t < T; t += P) scs[t] = scs[t] / sum;
            __syncwarp();
        }
    }
    if (on)
#pragma unroll
        for (int i = 0; i < HP; i++) out[(size_t)r * ldo + (size_t)h * HS + u * HP + i] = o[i];
}

/* Exact RMMEC matmul (golden exact.c + rmmec_gemv): the activation row is
 * encoded in the weight's format (posit RNE saturating / FP4 RNE
 * saturating) into the unit's words, then each output = one thread that
 * accumulates the words in golden's order and reads out fp32 once. */
__device__ __forceinline__ uint32_t rmmec_encode(int mode, float v) {
    switch (mode) {
    case LPCS_RMMEC_FP4: return lpcs_mf_from_f32(LPCS_MF_FP4_E2M1, v, 1); /* saturating */
    case LPCS_RMMEC_P4: return lpcs_posit_from_f32(4, 1, v);
    case LPCS_RMMEC_P8: return lpcs_posit_from_f32(8, 0, v);
    default: return lpcs_posit_from_f32(16, 1, v);
    }
}
__global__ void rmmec_pack_k(uint16_t *xw, int words, const float *X, int ldx, int rows, int K, int mode) {
    const int lanes = mode == LPCS_RMMEC_P16 ? 1 : mode == LPCS_RMMEC_P8 ? 2 : 4, bits = 16 / lanes;
    const size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (size_t)rows * words) return;
    const int m = (int)(i / words), k = (int)(i % words);
    uint32_t w = 0;
    for (int l = 0; l < lanes && k * lanes + l < K; l++)
        w |= rmmec_encode(mode, X[(size_t)m * ldx + k * lanes + l]) << (bits * l);
    xw[i] = (uint16_t)w;
}
__global__ void rmmec_mm_k(float *Y, int ldy, const uint16_t *__restrict__ xw, int words, const uint16_t *__restrict__ w_cm,
                           int N, int mode) {
    const int n = blockIdx.y * blockDim.x + threadIdx.x, m = blockIdx.x; /* rows on x: more than 65535 */
    if (n >= N) return;
    lpcs_rmmec_acc s;
    s.acc = 0;
    s.nar = 0;
    const uint16_t *x = xw + (size_t)m * words;
    for (int k = 0; k < words; k++) lpcs_rmmec_step(mode, &s, w_cm[(size_t)k * N + n], __ldg(x + k));
    uint32_t out = 0;
    lpcs_rmmec_readout(mode, &s, LPCS_RMMEC_OUT_FP32, &out);
    Y[(size_t)m * ldy + n] = __uint_as_float(out);
}

/* i = r * n + c of an element-wise kernel, by 32-bit division where i fits
 * (a 64-bit division is a long software routine: it made these kernels
 * compute bound). */
__device__ __forceinline__ void row_col(size_t i, int n, size_t &r, size_t &c) {
    if (i <= 0xffffffffu) {
        const unsigned q = (unsigned)i / (unsigned)n;
        r = q, c = (unsigned)i - q * (unsigned)n;
    } else {
        r = i / n, c = i % n;
    }
}

/* llama2.c run.c's silu with the contract's exp. */

__global__ void swiglu_k(float *out, int ldo, const float *a, int lda, const float *b, int ldb, int rows, int n) {
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (size_t)rows * n) return;
    size_t r, c;
    row_col(i, n, r, c);
    out[r * ldo + c] = silu_f(a[r * lda + c]) * b[r * ldb + c];
}

__global__ void add_k(float *out, int ldo, const float *in, int ldi, int rows, int n) {
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (size_t)rows * n) return;
    size_t r, c;
    row_col(i, n, r, c);
    out[r * ldo + c] += in[r * ldi + c];
}

/* eval.c's rt_nll in double. */
__global__ void nll_k(double *nll, const float *lg, int ld, const int *tgt, int rows, int V) {
    int r = blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= rows) return;
    const float *l = lg + (size_t)r * ld;
    if (tgt[r] < 0) {
        nll[r] = 0;
        return;
    }
    double mx = l[0];
    for (int i = 1; i < V; i++)
        if (l[i] > mx) mx = l[i];
    double s = 0;
    for (int i = 0; i < V; i++) s += exp((double)l[i] - mx);
    nll[r] = log(s) + mx - (double)l[tgt[r]];
}

__global__ void argmax_k(int *out, const float *lg, int ld, int rows, int V) {
    int r = blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= rows) return;
    const float *l = lg + (size_t)r * ld;
    int best = 0;
    for (int i = 1; i < V; i++)
        if (l[i] > l[best]) best = i;
    out[r] = best;
}


/* ---------------------------------------------------------------- hgrn_bit */

/* golden hgrn.c: hgrn_exp_f32 = lpcs_expf, sigmoid and silu in its forms. */
__device__ __forceinline__ float hgrn_exp(float v) { return lpcs_expf(v); }
__device__ __forceinline__ float hgrn_sigmoid(float z) { return 1.0f / (1.0f + hgrn_exp(-z)); }
__device__ __forceinline__ float hgrn_silu(float z) { return z / (1.0f + hgrn_exp(-z)); }

/* bitlinear_rmsnorm_f32's 1 / rms for the row x, one warp: golden's 32-lane
 * double sum (lane j: terms j, j+32, ... in order; lanes added 0..31). */
__device__ __forceinline__ float bl_r(const float *x, int n, float eps, int lane) {
    double acc = 0.0;
    for (int k = lane; k < n; k += 32) {
        double v = (double)x[k];
        acc = acc + v * v;
    }
    double S = 0.0;
    for (int j = 0; j < 32; j++) S = S + __shfl_sync(FULL, acc, j);
    float ms = (float)(S / (double)n);
    return 1.0f / sqrtf(ms + eps);
}

__global__ void bl_rmsnorm_k(float *out, int ldo, const float *in, int ldi, const float *w, int rows, int n,
                             float eps) {
    int r = (int)((blockIdx.x * blockDim.x + threadIdx.x) >> 5), lane = threadIdx.x & 31;
    if (r >= rows) return;
    const float *x = in + (size_t)r * ldi;
    float rr = bl_r(x, n, eps, lane);
    for (int k = lane; k < n; k += 32) {
        float t = x[k] * rr;
        out[(size_t)r * ldo + k] = t * w[k];
    }
}

/* BitLinear steps 5-9 per row (one warp): RMSNorm, absmax scale, int8. */
__global__ void bl_quant_k(int8_t *xq, int kp, float *xs, const float *in, int ldi, const float *g, int rows, int n,
                           float eps) {
    int r = (int)((blockIdx.x * blockDim.x + threadIdx.x) >> 5), lane = threadIdx.x & 31;
    if (r >= rows) return;
    const float *x = in + (size_t)r * ldi;
    float rr = bl_r(x, n, eps, lane), amax = 0.0f;
    for (int k = lane; k < n; k += 32) {
        float t = x[k] * rr;
        amax = fmaxf(amax, fabsf(t * g[k]));
    }
    for (int o = 16; o >= 1; o >>= 1) amax = fmaxf(amax, __shfl_xor_sync(FULL, amax, o));
    float s = 127.0f / (amax > 1e-5f ? amax : 1e-5f);
    int8_t *q = xq + (size_t)r * kp;
    for (int k = lane; k < kp; k += 32) {
        if (k < n) {
            float t = x[k] * rr;
            float v = rintf((t * g[k]) * s);
            q[k] = (int8_t)(v > 127.0f ? 127 : (v < -128.0f ? -128 : (int)v));
        } else {
            q[k] = 0;
        }
    }
    if (lane == 0) xs[r] = s;
}

/* Exact int32 Y[m][n] = sum_k X[m][k] W[n][k] (int8, dp4a; integer sums do
 * not depend on order). 64 x 64 tile, 4 x 4 per thread. */
__global__ void __launch_bounds__(256) igemm_k(int32_t *Y, int ldy, const int8_t *X, const int8_t *W, int M, int N,
                                               int kp) {
    __shared__ int Xs[64][17], Ws[64][17];
    const int tid = threadIdx.x, tx = tid & 15, ty = tid >> 4, m0 = blockIdx.y * 64, n0 = blockIdx.x * 64;
    const int kw = kp / 4;
    const int *X4 = (const int *)X, *W4 = (const int *)W;
    int acc[4][4] = {{0}};
    for (int k0 = 0; k0 < kw; k0 += 16) {
        for (int e = tid; e < 1024; e += 256) {
            int r = e >> 4, c = e & 15, m = m0 + r, n = n0 + r;
            Xs[r][c] = m < M ? X4[(size_t)m * kw + k0 + c] : 0;
            Ws[r][c] = n < N ? W4[(size_t)n * kw + k0 + c] : 0;
        }
        __syncthreads();
#pragma unroll
        for (int c = 0; c < 16; c++) {
            int a[4], b[4];
#pragma unroll
            for (int i = 0; i < 4; i++) a[i] = Xs[ty * 4 + i][c], b[i] = Ws[tx * 4 + i][c];
#pragma unroll
            for (int i = 0; i < 4; i++)
#pragma unroll
                for (int j = 0; j < 4; j++) acc[i][j] = __dp4a(a[i], b[j], acc[i][j]);
        }
        __syncthreads();
    }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            int m = m0 + ty * 4 + i, n = n0 + tx * 4 + j;
            if (m < M && n < N) Y[(size_t)m * ldy + n] = acc[i][j];
        }
}

/* Step 11: y = ((float)acc / s) / inv_beta. */
__global__ void bl_dequant_k(float *out, int ldo, const int32_t *acc, int lda, const float *xs, float inv_beta,
                             int rows, int n) {
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (size_t)rows * n) return;
    size_t r, c;
    row_col(i, n, r, c);
    float a = (float)acc[r * lda + c] / xs[r];
    out[r * ldo + c] = a / inv_beta;
}

/* LUT-GEMV unit input (exact.c load_token = golden intq): per row, scale =
 * absmax over the finite entries / qmax, code = x / scale rounded to
 * nearest even and clamped to +-qmax (NaN or scale <= 0: 0); zero padded
 * to kp. One block per row; a maximum does not depend on the order. */
__global__ void lut_quant_k(int8_t *xq, int kp, float *xs, const float *in, int ldi, int n, int qmax) {
    __shared__ float red[8];
    const size_t r = blockIdx.x;
    const float *x = in + r * ldi;
    float m = 0.0f;
    for (int k = threadIdx.x; k < n; k += blockDim.x)
        if (isfinite(x[k])) m = fmaxf(m, fabsf(x[k]));
    for (int o = 16; o; o >>= 1) m = fmaxf(m, __shfl_xor_sync(FULL, m, o));
    if ((threadIdx.x & 31) == 0) red[threadIdx.x >> 5] = m;
    __syncthreads();
    m = 0.0f;
    for (int i = 0; i < (int)(blockDim.x >> 5); i++) m = fmaxf(m, red[i]);
    const float sc = __fdiv_rn(m, (float)qmax);
    if (threadIdx.x == 0) xs[r] = sc;
    for (int k = threadIdx.x; k < kp; k += blockDim.x) {
        int8_t q = 0;
        if (k < n && !isnan(x[k]) && sc > 0.0f) {
            const float t = rintf(__fdiv_rn(x[k], sc)); /* round half to even */
            q = (int8_t)(t > (float)qmax ? qmax : t < -(float)qmax ? -qmax : (int)t);
        }
        xq[r * kp + k] = q;
    }
}

/* golden lutgemv_convert with one scale group: y = (0 + (float)acc * w_scale[c]) * x_scale[r]. */
__global__ void lut_convert_k(float *out, int ldo, const int32_t *acc, int lda, const float *ws, const float *xs,
                              int rows, int n) {
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (size_t)rows * n) return;
    size_t r = i / n, c = i % n;
    float t = __int2float_rn(acc[r * lda + c]) * ws[c];
    float s = 0.0f + t;
    out[r * ldo + c] = s * xs[r];
}

/* Shift-MAC unit input (golden act_quant_absmax_i8), one warp per row:
 * s = 127 / max(absmax, 1e-5), q = rne(x * s) clamped to [-128, 127],
 * zero padded to kp. A non-finite input (golden: LPCS_ERANGE, the runtime
 * gives NaN outputs) sets the row's scale to NaN and its codes to 0. */
__global__ void sm_quant_k(int8_t *xq, int kp, float *xs, const float *in, int ldi, int rows, int n) {
    int r = (int)((blockIdx.x * blockDim.x + threadIdx.x) >> 5), lane = threadIdx.x & 31;
    if (r >= rows) return;
    const float *x = in + (size_t)r * ldi;
    float amax = 0.0f;
    int bad = 0;
    for (int k = lane; k < n; k += 32) {
        bad |= !isfinite(x[k]);
        amax = fmaxf(amax, fabsf(x[k]));
    }
    for (int o = 16; o >= 1; o >>= 1) {
        amax = fmaxf(amax, __shfl_xor_sync(FULL, amax, o));
        bad |= __shfl_xor_sync(FULL, bad, o);
    }
    const float s = __fdiv_rn(127.0f, amax > 1e-5f ? amax : 1e-5f);
    int8_t *q = xq + (size_t)r * kp;
    for (int k = lane; k < kp; k += 32) {
        int8_t c = 0;
        if (k < n && !bad) {
            const float v = rintf(__fmul_rn(x[k], s));
            c = (int8_t)(v > 127.0f ? 127 : (v < -128.0f ? -128 : (int)v));
        }
        q[k] = c;
    }
    if (lane == 0) xs[r] = bad ? __int_as_float(0x7fc00000) : s;
}

/* The shift-MAC unit's exact GEMM: Y[m][n] = sum_k X[m][k] * W(code[n][k]),
 * each term the activation shifted left by 7 - e and negated for a sign
 * bit (golden shiftmac.h: |term| <= 2^14, int32 exact; integer sums do not
 * depend on order). Codes packed two per byte, column k in nibble k % 2 of
 * byte k / 2 (golden packing), rows kp / 2 bytes. 64 x 64 tile, 4 x 4 per
 * thread, 64 columns per step. */
__global__ void __launch_bounds__(256) shiftmac_gemm_k(int32_t *Y, int ldy, const int8_t *X, const uint8_t *Wp,
                                                       int M, int N, int kp) {
    __shared__ int Xs[64][17], Ws[64][9];
    const int tid = threadIdx.x, tx = tid & 15, ty = tid >> 4, m0 = blockIdx.y * 64, n0 = blockIdx.x * 64;
    const int kw = kp / 4, kc = kp / 8;
    const int *X4 = (const int *)X, *W4 = (const int *)Wp;
    int acc[4][4] = {{0}};
    for (int k0 = 0; k0 < kw; k0 += 16) {
        for (int e = tid; e < 1024; e += 256) {
            int r = e >> 4, c = e & 15, m = m0 + r;
            Xs[r][c] = m < M ? X4[(size_t)m * kw + k0 + c] : 0;
        }
        for (int e = tid; e < 512; e += 256) {
            int r = e >> 3, c = e & 7, n = n0 + r;
            Ws[r][c] = n < N ? W4[(size_t)n * kc + k0 / 2 + c] : 0;
        }
        __syncthreads();
#pragma unroll 4
        for (int c = 0; c < 16; c++) {
            int xv[4][4], sh[4][4], ng[4][4];
#pragma unroll
            for (int i = 0; i < 4; i++) {
                const int a = Xs[ty * 4 + i][c];
#pragma unroll
                for (int q = 0; q < 4; q++) xv[i][q] = (int)(signed char)(a >> (8 * q));
            }
#pragma unroll
            for (int j = 0; j < 4; j++) {
                const unsigned b = (unsigned)Ws[tx * 4 + j][c >> 1] >> ((c & 1) * 16);
#pragma unroll
                for (int q = 0; q < 4; q++) {
                    const unsigned code = (b >> (4 * q)) & 15u;
                    sh[j][q] = 7 - (int)(code & 7u), ng[j][q] = (int)(code >> 3);
                }
            }
#pragma unroll
            for (int i = 0; i < 4; i++)
#pragma unroll
                for (int j = 0; j < 4; j++)
#pragma unroll
                    for (int q = 0; q < 4; q++) {
                        const int t = (int)((unsigned)xv[i][q] << sh[j][q]);
                        acc[i][j] += ng[j][q] ? -t : t;
                    }
        }
        __syncthreads();
    }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            int m = m0 + ty * 4 + i, n = n0 + tx * 4 + j;
            if (m < M && n < N) Y[(size_t)m * ldy + n] = acc[i][j];
        }
}

/* golden shiftmac_dequant: y = ((float)acc / s) * wscale[c]; NaN scale (a
 * non-finite input row): NaN, the runtime's pattern. */
__global__ void sm_dequant_k(float *out, int ldo, const int32_t *acc, int lda, const float *ws, const float *xs,
                             int rows, int n) {
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (size_t)rows * n) return;
    size_t r = i / n, c = i % n;
    const float s = xs[r];
    const float q = __fdiv_rn(__int2float_rn(acc[r * lda + c]), s);
    out[r * ldo + c] = isnan(s) ? __int_as_float(0x7fc00000) : __fmul_rn(q, ws[c]);
}

/* hgrn_mlgru_recur over the positions of each sequence: one thread per
 * (sequence, channel) walks t in order; the state persists per slot. */
__global__ void mlgru_k(float *out, int ldo, const float *ip, int ldi, const float *fp, int ldf, const float *lb,
                        float *state, int nseq, int ntok, const int *pos0p, int slot0, int layer, int max_slots, int D) {
    size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (size_t)nseq * D) return;
    int s = (int)(idx / D), k = (int)(idx % D);
    float *sc = state + ((size_t)layer * max_slots + slot0 + s) * D + k;
    float st = *pos0p == 0 ? 0.0f : *sc;
    for (int t = 0; t < ntok; t++) {
        size_t row = (size_t)s * ntok + t;
        float f = hgrn_sigmoid(fp[row * ldf + k]);
        if (lb) {
            float tt = (1.0f - lb[k]) * f;
            f = lb[k] + tt;
        }
        float i = hgrn_silu(ip[row * ldi + k]) * (1.0f - f);
        float fs = f * st;
        st = fs + i;
        out[row * ldo + k] = st;
    }
    *sc = st;
}

/* hgrn_gate_out: RMSNorm(g, w) * silu(state), one warp per row. */
__global__ void gated_norm_k(float *out, int ldo, const float *g, int ldg, const float *st, int lds, const float *w,
                             int rows, int n, float eps) {
    int r = (int)((blockIdx.x * blockDim.x + threadIdx.x) >> 5), lane = threadIdx.x & 31;
    if (r >= rows) return;
    const float *x = g + (size_t)r * ldg;
    float rr = bl_r(x, n, eps, lane);
    for (int k = lane; k < n; k += 32) {
        float t = x[k] * rr;
        float o = t * w[k];
        out[(size_t)r * ldo + k] = o * hgrn_silu(st[(size_t)r * lds + k]);
    }
}

/* hgrn_glu: silu(gate) * y, gate = in[0..n), y = in[n..2n). */
__global__ void glu_k(float *out, int ldo, const float *in, int ldi, int rows, int n) {
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (size_t)rows * n) return;
    size_t r, c;
    row_col(i, n, r, c);
    out[r * ldo + c] = hgrn_silu(in[r * ldi + c]) * in[r * ldi + n + c];
}


/* ---------------------------------------------------------------- quantization plans */

/* qformat_roundtrip (golden/qformat.c) of one token's tensor x[0..n) in rows
 * of rl, in place, by one warp: element-wise formats lane by lane, MX and
 * NVFP4 one block per lane, intN and ternary one row at a time with the
 * warp reducing (max: order-free; ternary's mean: golden's 32-lane double
 * sum). */
__device__ void quant_tensor(const qformat &q, float *x, int n, int rl, int lane) {
    switch (q.kind) {
    case QF_MINIFLOAT:
        for (int i = lane; i < n; i += 32) x[i] = lpcs_mf_to_f32(q.mf, lpcs_mf_from_f32(q.mf, x[i], q.sat));
        return;
    case QF_POSIT:
        for (int i = lane; i < n; i += 32)
            x[i] = lpcs_posit_to_f32(q.posit_n, q.posit_es, lpcs_posit_from_f32(q.posit_n, q.posit_es, x[i]));
        return;
    case QF_MX: {
        int bpr = (rl + 31) / 32, nb = n / rl * bpr;
        for (int b = lane; b < nb; b += 32) {
            int r = b / bpr, s0 = (b % bpr) * 32, len = rl - s0 < 32 ? rl - s0 : 32;
            float *v = x + (size_t)r * rl + s0;
            uint8_t sc, codes[32];
            lpcs_mx_quantize_block(q.mx_elem, q.mx_round, v, (size_t)len, &sc, codes);
            for (int i = 0; i < len; i++) v[i] = lpcs_mx_dequant_elem(q.mx_elem, sc, codes[i]);
        }
        return;
    }
    case QF_NVFP4: {
        float amax = 0.0f;
        for (int i = lane; i < n; i += 32)
            if (lpcs_isfinite_f32(x[i])) amax = fmaxf(amax, fabsf(x[i]));
        for (int o = 16; o >= 1; o >>= 1) amax = fmaxf(amax, __shfl_xor_sync(FULL, amax, o));
        __syncwarp();
        float ts = lpcs_nvfp4_tensor_scale(amax);
        int bpr = (rl + 15) / 16, nb = n / rl * bpr;
        for (int b = lane; b < nb; b += 32) {
            int r = b / bpr, s0 = (b % bpr) * 16, len = rl - s0 < 16 ? rl - s0 : 16;
            float *v = x + (size_t)r * rl + s0;
            uint8_t bs, codes[16];
            lpcs_nvfp4_quantize_block(v, (size_t)len, ts, &bs, codes);
            for (int i = 0; i < len; i++) v[i] = lpcs_nvfp4_dequant_elem(ts, bs, codes[i]);
        }
        return;
    }
    case QF_INT: {
        int qmax = (1 << (q.bits - 1)) - 1;
        for (int r0 = 0; r0 < n; r0 += rl) {
            float *v = x + r0, amax = 0.0f;
            for (int i = lane; i < rl; i += 32)
                if (lpcs_isfinite_f32(v[i])) amax = fmaxf(amax, fabsf(v[i]));
            for (int o = 16; o >= 1; o >>= 1) amax = fmaxf(amax, __shfl_xor_sync(FULL, amax, o));
            __syncwarp();
            float scale = amax / (float)qmax;
            for (int i = lane; i < rl; i += 32) {
                float t = v[i], qv;
                if (t != t || !(scale > 0.0f)) qv = 0.0f;
                else {
                    qv = rintf(t / scale);
                    qv = qv > (float)qmax ? (float)qmax : qv < -(float)qmax ? -(float)qmax : qv;
                }
                v[i] = (float)(int8_t)qv * scale;
            }
            __syncwarp();
        }
        return;
    }
    case QF_TERNARY: {
        for (int r0 = 0; r0 < n; r0 += rl) {
            float *v = x + r0;
            double acc = 0.0;
            for (int i = lane; i < rl; i += 32) acc = acc + fabs((double)v[i]);
            double S = 0.0;
            for (int j = 0; j < 32; j++) S = S + __shfl_sync(FULL, acc, j);
            __syncwarp();
            float mean = (float)(S / (double)rl), b = mean > 1e-5f ? mean : 1e-5f, inv = 1.0f / b;
            for (int i = lane; i < rl; i += 32) {
                float r = rintf(v[i] * inv);
                int qi = r > 1.0f ? 1 : (r < -1.0f ? -1 : (int)r);
                v[i] = (float)qi / (1.0f / b);
            }
            __syncwarp();
        }
        return;
    }
    default:
        return;
    }
}

__global__ void quant_k(float *buf, int ld, qformat q, int rows, int n, int rl) {
    int r = (int)((blockIdx.x * blockDim.x + threadIdx.x) >> 5), lane = threadIdx.x & 31;
    if (r >= rows) return;
    quant_tensor(q, buf + (size_t)r * ld, n, rl, lane);
}

/* ---------------------------------------------------------------- host */

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
template <typename WT, int EPI, int FORM = -1>
static void launch_gemm8(lpcs_cuda_llm *m, float *Y, int ldy, const float *X, int ldx, const WT *W, int M, int N, int K,
                         const gemm_epi &e) {
    if constexpr (FORM < 0) {
        if (gemm8_cs(m->mode)) launch_gemm8<WT, EPI, 1>(m, Y, ldy, X, ldx, W, M, N, K, e);
        else launch_gemm8<WT, EPI, 0>(m, Y, ldy, X, ldx, W, M, N, K, e);
    } else {
        constexpr bool CS = FORM == 1;
        const int cols = EPI == 2 ? 2 * N : N;
        const bool inside = m->mode != 12 && !(m->mode == 13 && EPI != 0) && cols % 32 == 0 && K % 64 == 0 &&
                            (ldx & 3) == 0 && ((uintptr_t)X & 15) == 0;
        /* M % 32 != 0: the unchecked interior rows + a checked tail launch (test_llm's 300-row check, bit-exact on
         * an H100 in session 12) */
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
        if (tn == 16) {
            if (epi == 1) gemm_k<WT, 16, 1><<<grid, 256, 0, m->st>>>(Y, ldy, X, ldx, W, M, N, K, e);
            else if (epi == 2) gemm_k<WT, 16, 2><<<grid, 256, 0, m->st>>>(Y, ldy, X, ldx, W, M, N, K, e);
            else gemm_k<WT, 16><<<grid, 256, 0, m->st>>>(Y, ldy, X, ldx, W, M, N, K);
        } else if (m->mode == 11) { /* the session-10 epilogue, one float a store (measurements) */
            if (epi == 1) gemm_k<WT, 8, 1><<<grid, 256, 0, m->st>>>(Y, ldy, X, ldx, W, M, N, K, e);
            else if (epi == 2) gemm_k<WT, 8, 2><<<grid, 256, 0, m->st>>>(Y, ldy, X, ldx, W, M, N, K, e);
            else gemm_k<WT, 8><<<grid, 256, 0, m->st>>>(Y, ldy, X, ldx, W, M, N, K);
        } else if (epi == 1) launch_gemm8<WT, 1>(m, Y, ldy, X, ldx, W, M, N, K, e);
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
                if (((n | m->kv | m->hs | li | li2 | lv) & 3) == 0 && (int)o->cols == m->kv &&
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
