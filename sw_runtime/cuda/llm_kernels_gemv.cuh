/* Few-row matmul kernels of the device-resident engine: gemv_k, the one-row
 * kernels (gemv1_xs_k, gemv1q_k), the copy ring (gemv1_pipe_k), the packed
 * decoder and gemv_xs_k. Every output is lpcs_dot_f32's chain. */
#ifndef LPCS_LLM_KERNELS_GEMV_CUH
#define LPCS_LLM_KERNELS_GEMV_CUH

#include "block_device.cuh"
#include "packed_device.cuh"
#include "llm_engine.h"
#include "llm_kernels_gemm.cuh"

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

#endif
