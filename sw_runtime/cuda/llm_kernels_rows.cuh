/* Row-wise kernels of the device-resident engine (llm_engine.cu): embedding,
 * RMSNorm, SwiGLU, residual add, NLL, argmax, and the 16-lane tree they share.
 * Each output is the cpu backend's operation chain (docs/numerics.md). */
#ifndef LPCS_LLM_KERNELS_ROWS_CUH
#define LPCS_LLM_KERNELS_ROWS_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#include "fmath.h"

#define FULL 0xffffffffu

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

#endif
