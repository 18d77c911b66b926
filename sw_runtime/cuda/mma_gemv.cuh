/* The tensor-core GEMV/GEMM kernel shared by the ternary and int4 paths
 * (formats: lpcs_ternary_fmt / lpcs_int4_fmt in gemv_device.cuh).
 *
 * One block = 8 warps on one 16-row tile; each warp takes chunks
 * c0+warp, c0+warp+8, ... of the tile (one coalesced 512-byte load per chunk,
 * U of them in flight, with their activations), unpacks each lane's 16 bytes into int8
 * A fragments and multiplies them with the activations (B: 8 tokens per mma,
 * NT tiles of 8 tokens) on the integer tensor cores (mma.m16n8k32 s8 -> s32).
 * Weights are stored with an offset (value + kOffset >= 0, unpacked with a
 * shift and a mask); each warp also sums its activations (dp4a with ones) and
 * the block subtracts kOffset x that sum: sum (w+o)x - o sum x = sum wx.
 * The 8 warps' sums meet once per block in shared memory; with a column split
 * (blockIdx.y) the blocks add into y with int32 atomics. All sums are integer:
 * any order gives the golden bits. Batch 1..8 costs the same as batch 1. */
#ifndef LPCS_MMA_GEMV_CUH
#define LPCS_MMA_GEMV_CUH

#include "gemv_device.cuh"

__device__ __forceinline__ uint32_t lpcs_u4_word(const uint4 &v, int k) {
    return k == 0 ? v.x : k == 1 ? v.y : k == 2 ? v.z : v.w;
}

/* One round of a warp: U chunks' weights and activations, loaded together. */
template <class F, int NT, int U> struct lpcs_mma_round {
    uint4 w[U];
    uint4 x[U][NT][F::kXVecs];
};

template <class F, int NT, int U>
__device__ __forceinline__ void lpcs_mma_load(lpcs_mma_round<F, NT, U> &rd, const uint4 *wp, const int8_t *const *xr,
                                              const bool *xok, int c, int c1, int lane) {
#pragma unroll
    for (int u = 0; u < U; u++) {
        const int cc = c + u * LPCS_GEMV_WARPS;
        rd.w[u] = cc < c1 ? __ldcs(wp + (size_t)cc * 32) : make_uint4(0, 0, 0, 0);
    }
#pragma unroll
    for (int u = 0; u < U; u++) {
        const int cc = c + u * LPCS_GEMV_WARPS;
#pragma unroll
        for (int nt = 0; nt < NT; nt++)
#pragma unroll
            for (int h = 0; h < F::kXVecs; h++)
                rd.x[u][nt][h] = cc < c1 && xok[nt] ? __ldg((const uint4 *)(xr[nt] + F::xoff(cc, lane)) + h)
                                                    : make_uint4(0, 0, 0, 0);
    }
}

template <class F, int NT, int U>
__device__ __forceinline__ void lpcs_mma_compute(const lpcs_mma_round<F, NT, U> &rd, int c, int c1, int acc[NT][4],
                                                 int xsum[NT]) {
#pragma unroll
    for (int u = 0; u < U; u++) {
        if (c + u * LPCS_GEMV_WARPS >= c1) break; /* warp-uniform */
#pragma unroll
        for (int nt = 0; nt < NT; nt++)
#pragma unroll
            for (int k = 0; k < 4 * F::kXVecs; k++)
                xsum[nt] = __dp4a((int)lpcs_u4_word(rd.x[u][nt][k >> 2], k & 3), 0x01010101, xsum[nt]);
#pragma unroll
        for (int m = 0; m < F::kSteps; m++) {
            int a[4];
            F::afrag(rd.w[u], m, a);
#pragma unroll
            for (int nt = 0; nt < NT; nt++)
                lpcs_mma_s8(acc[nt], a, (int)lpcs_u4_word(rd.x[u][nt][(2 * m) >> 2], (2 * m) & 3),
                            (int)lpcs_u4_word(rd.x[u][nt][(2 * m + 1) >> 2], (2 * m + 1) & 3));
        }
    }
}

/* One 16-row tile (the column range of blockIdx.y) of the kernel below. */
template <class F, int NT, int U, bool PF>
__device__ __forceinline__ void lpcs_mma_tile(const uint4 *__restrict__ W, const int8_t *__restrict__ x,
                                              size_t xstride, int batch, int32_t *__restrict__ y, int rows, int tile,
                                              int nchunks, int chunks_per_split, int atomic_out) {
    constexpr int kW = LPCS_GEMV_WARPS;
    __shared__ int red[kW][NT][4][32];
    __shared__ int xred[kW][NT][8]; /* per warp: activation sums of the tokens */
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
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
    int acc[NT][4], xsum[NT];
#pragma unroll
    for (int nt = 0; nt < NT; nt++) {
        xsum[nt] = 0;
#pragma unroll
        for (int r = 0; r < 4; r++) acc[nt][r] = 0;
    }
    if (PF) {
        lpcs_mma_round<F, NT, U> next;
        lpcs_mma_load<F, NT, U>(next, wp, xr, xok, c0 + warp, c1, lane);
        for (int c = c0 + warp; c < c1; c += kW * U) {
            const lpcs_mma_round<F, NT, U> cur = next;
            if (c + kW * U < c1) lpcs_mma_load<F, NT, U>(next, wp, xr, xok, c + kW * U, c1, lane);
            lpcs_mma_compute<F, NT, U>(cur, c, c1, acc, xsum);
        }
    } else {
        for (int c = c0 + warp; c < c1; c += kW * U) {
            lpcs_mma_round<F, NT, U> cur;
            lpcs_mma_load<F, NT, U>(cur, wp, xr, xok, c, c1, lane);
            lpcs_mma_compute<F, NT, U>(cur, c, c1, acc, xsum);
        }
    }
#pragma unroll
    for (int nt = 0; nt < NT; nt++) {
#pragma unroll
        for (int r = 0; r < 4; r++) red[warp][nt][r][lane] = acc[nt][r];
        /* the 4 lanes of a group hold disjoint columns of the same token */
        int xs = xsum[nt] + __shfl_xor_sync(0xffffffffu, xsum[nt], 1);
        xs += __shfl_xor_sync(0xffffffffu, xs, 2);
        if ((lane & 3) == 0) xred[warp][nt][lane >> 2] = xs;
    }
    __syncthreads();
    for (int i = threadIdx.x; i < NT * 128; i += blockDim.x) {
        const int nt = i >> 7, r = (i >> 5) & 3, l = i & 31;
        int s = 0;
#pragma unroll
        for (int w = 0; w < kW; w++) s += red[w][nt][r][l] - F::kOffset * xred[w][nt][lpcs_mma_c_tok(l, r)];
        const int row = tile * F::kRows + lpcs_mma_c_row(l, r), tok = nt * 8 + lpcs_mma_c_tok(l, r);
        if (row < rows && tok < batch) {
            int32_t *dst = y + (size_t)tok * rows + row;
            if (atomic_out) atomicAdd(dst, s);
            else *dst = s;
        }
    }
}

/* U: chunks per warp and round (loads in flight); PF: prefetch the next
 * round's loads before computing the current one (twice the registers);
 * MINB: resident blocks an SM asked of the register allocator (0: none),
 * for more warps, so more loads, in flight (batch <= 8); PERS: a block
 * walks row tiles blockIdx.x, + gridDim.x, ... (a persistent grid of
 * resident blocks only: no block start-up and tail per tile), else it takes
 * tile blockIdx.x only (the loop costs registers). */
template <class F, int NT, int U, bool PF, int MINB, bool PERS>
__global__ void __launch_bounds__(LPCS_GEMV_WARPS * 32, MINB > 0 && NT == 1 ? MINB : 0)
lpcs_mma_gemm_kernel(const uint4 *__restrict__ W, const int8_t *__restrict__ x, size_t xstride, int batch,
                     int32_t *__restrict__ y, int rows, int tiles, int nchunks, int chunks_per_split, int atomic_out) {
    if constexpr (!PERS) {
        lpcs_mma_tile<F, NT, U, PF>(W, x, xstride, batch, y, rows, blockIdx.x, nchunks, chunks_per_split, atomic_out);
    } else {
        for (int tile = blockIdx.x; tile < tiles; tile += gridDim.x) {
            lpcs_mma_tile<F, NT, U, PF>(W, x, xstride, batch, y, rows, tile, nchunks, chunks_per_split, atomic_out);
            __syncthreads(); /* red / xred are the next tile's */
        }
    }
}

template <class F, int U, bool PF, int MINB>
void lpcs_mma_gemm_go(dim3 grid, bool pers, cudaStream_t s, const void *w, const int8_t *x, size_t xstride,
                      int batch, int32_t *y, int rows, int nchunks, int cps, int atomic_out) {
    const int tiles = (int)grid.x;
    auto go = [&](auto kernel) {
        dim3 g = grid;
        int per_sm = 0;
        if (pers && grid.y == 1 &&
            cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kernel, LPCS_GEMV_WARPS * 32, 0) == cudaSuccess &&
            per_sm > 0)
            g.x = (unsigned)min(tiles, per_sm * lpcs_sm_count());
        kernel<<<g, LPCS_GEMV_WARPS * 32, 0, s>>>((const uint4 *)w, x, xstride, batch, y, rows, tiles, nchunks, cps,
                                                  atomic_out);
    };
    if (pers) {
        if (batch <= 8) go(lpcs_mma_gemm_kernel<F, 1, U, PF, MINB, true>);
        else go(lpcs_mma_gemm_kernel<F, 2, U, PF, MINB, true>);
    } else if (batch <= 8) go(lpcs_mma_gemm_kernel<F, 1, U, PF, MINB, false>);
    else go(lpcs_mma_gemm_kernel<F, 2, U, PF, MINB, false>);
}

/* Default variant, from the H100 benchmark (bench/RESULTS-cuda.md): with
 * many blocks (>= 4 per SM) 2 chunks in flight per warp keep the registers
 * low enough for more resident blocks; with fewer, 4 chunks in flight plus a
 * register prefetch of the next 4 keep enough bytes in flight. Batch 9..16
 * (two token tiles, twice the activation registers): 4 chunks, no prefetch
 * for ternary, 2 with prefetch for int4. */
static inline int lpcs_mma_auto_variant(bool int4, int blocks, int sms, int batch) {
    if (batch > 8) return int4 ? 21 : 40;
    /* large ternary matrices: a persistent grid of 4 resident blocks an SM with 4 chunks in flight, where each
     * block walks 3 or more row tiles (fewer leave a tail of blocks with one tile more than the rest). H100,
     * session 11: 28672x8192 (13.6 tiles an SM) 24.1 -> 22.8 us at batch 1 (80 -> 85% of the copy bandwidth);
     * 11008x4096 (5.2 tiles an SM) 6.3 -> 7.2 us, so it keeps v20; int4 gained nothing */
    if (!int4 && blocks >= 12 * sms) return 142;
    return blocks >= 4 * sms ? 20 : 41;
}

/* Launches the kernel for batch 1..16 (plan: lpcs_rowtile_plan). variant:
 * 0 automatic (lpcs_mma_auto_variant), else 100*P + 10*U + V (benchmark
 * variants: U in {2,4,8} chunks in flight; V 1: register prefetch, V 2: 8
 * (U = 2) / 4 (U = 4) resident blocks an SM asked of the register
 * allocator; P 1: a persistent grid, resident blocks only). */
template <class F>
cudaError_t lpcs_mma_gemm_launch(const void *w, int rows, int tiles, int nchunks, int split_hint, int variant,
                                 const int8_t *x, size_t xstride, int batch, int32_t *y, cudaStream_t s) {
    int ksplit, cps;
    lpcs_rowtile_plan(tiles, nchunks, lpcs_sm_count(), split_hint, &ksplit, &cps);
    if (ksplit > 1) {
        cudaError_t e = cudaMemsetAsync(y, 0, sizeof(int32_t) * (size_t)batch * rows, s);
        if (e != cudaSuccess) return e;
    }
    const dim3 grid((unsigned)tiles, (unsigned)ksplit);
    const int at = ksplit > 1;
    if (variant == 0) variant = lpcs_mma_auto_variant(F::kOffset == 8, tiles * ksplit, lpcs_sm_count(), batch);
    const bool pers = variant >= 100;
    switch (variant % 100) {
    case 20: lpcs_mma_gemm_go<F, 2, false, 0>(grid, pers, s, w, x, xstride, batch, y, rows, nchunks, cps, at); break;
    case 21: lpcs_mma_gemm_go<F, 2, true, 0>(grid, pers, s, w, x, xstride, batch, y, rows, nchunks, cps, at); break;
    case 22: lpcs_mma_gemm_go<F, 2, false, 8>(grid, pers, s, w, x, xstride, batch, y, rows, nchunks, cps, at); break;
    case 41: lpcs_mma_gemm_go<F, 4, true, 0>(grid, pers, s, w, x, xstride, batch, y, rows, nchunks, cps, at); break;
    case 42: lpcs_mma_gemm_go<F, 4, false, 4>(grid, pers, s, w, x, xstride, batch, y, rows, nchunks, cps, at); break;
    case 80: lpcs_mma_gemm_go<F, 8, false, 0>(grid, pers, s, w, x, xstride, batch, y, rows, nchunks, cps, at); break;
    case 81: lpcs_mma_gemm_go<F, 8, true, 0>(grid, pers, s, w, x, xstride, batch, y, rows, nchunks, cps, at); break;
    case 40:
    default: lpcs_mma_gemm_go<F, 4, false, 0>(grid, pers, s, w, x, xstride, batch, y, rows, nchunks, cps, at); break;
    }
    return cudaGetLastError();
}

#endif
