/* The tensor-core GEMV/GEMM kernel shared by the ternary and int4 paths
 * (formats: lpcs_ternary_fmt / lpcs_int4_fmt in gemv_device.cuh).
 *
 * One block = 8 warps on one 16-row tile; each warp takes chunks
 * c0+warp, c0+warp+8, ... of the tile (one coalesced 512-byte load per chunk,
 * LPCS_MMA_UNROLL of them in flight), unpacks each lane's 16 bytes into int8
 * A fragments and multiplies them with the activations (B: 8 tokens per mma,
 * NT tiles of 8 tokens) on the integer tensor cores (mma.m16n8k32 s8 -> s32).
 * The 8 warps' sums meet once per block in shared memory; with a column split
 * (blockIdx.y) the blocks add into y with int32 atomics. All sums are integer:
 * any order gives the golden bits. Batch 1..8 costs the same as batch 1. */
#ifndef LPCS_MMA_GEMV_CUH
#define LPCS_MMA_GEMV_CUH

#include "gemv_device.cuh"

__device__ __forceinline__ uint32_t lpcs_u4_word(const uint4 &v, int k) {
    return k == 0 ? v.x : k == 1 ? v.y : k == 2 ? v.z : v.w;
}

template <class F, int NT>
__global__ void __launch_bounds__(LPCS_GEMV_WARPS * 32)
lpcs_mma_gemm_kernel(const uint4 *__restrict__ W, const int8_t *__restrict__ x, size_t xstride, int batch,
                     int32_t *__restrict__ y, int rows, int nchunks, int chunks_per_split, int atomic_out) {
    constexpr int kW = LPCS_GEMV_WARPS, U = LPCS_MMA_UNROLL;
    __shared__ int red[kW][NT][4][32];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int tile = blockIdx.x;
    const int c0 = blockIdx.y * chunks_per_split;
    const int c1 = min(c0 + chunks_per_split, nchunks);
    const uint4 *wp = W + (size_t)tile * nchunks * 32 + lane;
    const int8_t *xr[NT];
    bool xok[NT];
#pragma unroll
    for (int nt = 0; nt < NT; nt++) {
        const int tok = nt * 8 + (lane >> 2);
        xok[nt] = tok < batch;
        xr[nt] = x + (size_t)(xok[nt] ? tok : 0) * xstride;
    }
    int acc[NT][4];
#pragma unroll
    for (int nt = 0; nt < NT; nt++)
#pragma unroll
        for (int r = 0; r < 4; r++) acc[nt][r] = 0;
    for (int c = c0 + warp; c < c1; c += kW * U) {
        uint4 wv[U];
#pragma unroll
        for (int u = 0; u < U; u++) {
            const int cc = c + u * kW;
            wv[u] = cc < c1 ? __ldcs(wp + (size_t)cc * 32) : make_uint4(0, 0, 0, 0);
        }
#pragma unroll
        for (int u = 0; u < U; u++) {
            const int cc = c + u * kW; /* warp-uniform */
            if (cc >= c1) break;
            uint4 xv[NT][F::kXVecs];
#pragma unroll
            for (int nt = 0; nt < NT; nt++)
#pragma unroll
                for (int h = 0; h < F::kXVecs; h++)
                    xv[nt][h] = xok[nt] ? __ldg((const uint4 *)(xr[nt] + F::xoff(cc, lane)) + h)
                                        : make_uint4(0, 0, 0, 0);
#pragma unroll
            for (int m = 0; m < F::kSteps; m++) {
                int a[4];
                F::afrag(wv[u], m, a);
#pragma unroll
                for (int nt = 0; nt < NT; nt++)
                    lpcs_mma_s8(acc[nt], a, (int)lpcs_u4_word(xv[nt][(2 * m) >> 2], (2 * m) & 3),
                                (int)lpcs_u4_word(xv[nt][(2 * m + 1) >> 2], (2 * m + 1) & 3));
            }
        }
    }
#pragma unroll
    for (int nt = 0; nt < NT; nt++)
#pragma unroll
        for (int r = 0; r < 4; r++) red[warp][nt][r][lane] = acc[nt][r];
    __syncthreads();
    for (int i = threadIdx.x; i < NT * 128; i += blockDim.x) {
        const int nt = i >> 7, r = (i >> 5) & 3, l = i & 31;
        int s = 0;
#pragma unroll
        for (int w = 0; w < kW; w++) s += red[w][nt][r][l];
        const int row = tile * F::kRows + lpcs_mma_c_row(l, r), tok = nt * 8 + lpcs_mma_c_tok(l, r);
        if (row < rows && tok < batch) {
            int32_t *dst = y + (size_t)tok * rows + row;
            if (atomic_out) atomicAdd(dst, s);
            else *dst = s;
        }
    }
}

/* Launches the kernel for batch 1..16 (plan: lpcs_rowtile_plan). */
template <class F>
cudaError_t lpcs_mma_gemm_launch(const void *w, int rows, int tiles, int nchunks, int split_hint,
                                 const int8_t *x, size_t xstride, int batch, int32_t *y, cudaStream_t s) {
    int ksplit, cps;
    lpcs_rowtile_plan(tiles, nchunks, lpcs_sm_count(), split_hint, &ksplit, &cps);
    if (ksplit > 1) {
        cudaError_t e = cudaMemsetAsync(y, 0, sizeof(int32_t) * (size_t)batch * rows, s);
        if (e != cudaSuccess) return e;
    }
    dim3 grid((unsigned)tiles, (unsigned)ksplit);
    if (batch <= 8)
        lpcs_mma_gemm_kernel<F, 1><<<grid, LPCS_GEMV_WARPS * 32, 0, s>>>(
            (const uint4 *)w, x, xstride, batch, y, rows, nchunks, cps, ksplit > 1);
    else
        lpcs_mma_gemm_kernel<F, 2><<<grid, LPCS_GEMV_WARPS * 32, 0, s>>>(
            (const uint4 *)w, x, xstride, batch, y, rows, nchunks, cps, ksplit > 1);
    return cudaGetLastError();
}

#endif
