/* LUT-GEMV kernels (layout, contract and the two paths: lut_kernels.cuh).
 *
 * Tables: one block = 8 warps = 8 row tiles (256 rows) over a range of 128-column
 * chunks. Per chunk the block builds the activation tables of its 32 groups
 * in shared memory; every lane of a warp looks up the same group's 16-entry
 * table (16 banks, no conflicts). The next chunk's weight planes are loaded
 * before the current chunk is processed. Sums are int32 (exact); a column
 * split adds partial rows with integer atomics (order-independent). */
#include "lut_kernels.cuh"
#include "cuda_util.cuh"
#include "gemv_device.cuh"

#include <string.h>

namespace {

constexpr int kWarps = LPCS_GEMV_WARPS;

template <int BMAX>
__global__ void __launch_bounds__(kWarps * 32)
lut_gemm_kernel(const uint4 *__restrict__ W, const int8_t *__restrict__ x, int32_t *y,
                int rows, int cols, int tiles, int nchunks, int chunks_per_split,
                int P, int batch, int is_signed, int atomic_out) {
    constexpr int NP = lpcs_lut_np<BMAX>::value;
    __shared__ __align__(16) uint32_t T2[512 * NP];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int tile = blockIdx.x * kWarps + warp;
    const bool tile_ok = tile < tiles;
    const int c0 = blockIdx.y * chunks_per_split;
    const int c1 = min(c0 + chunks_per_split, nchunks);
    const int wt = tile_ok ? tile : 0;

    int acc[BMAX];
#pragma unroll
    for (int b = 0; b < BMAX; b++) acc[b] = 0;

    uint4 cur[LPCS_LUT_PMAX];
#pragma unroll
    for (int p = 0; p < LPCS_LUT_PMAX; p++)
        cur[p] = (p < P && tile_ok && c0 < c1) ? __ldcs(lpcs_lut_word(W, nchunks, P, wt, c0, p, lane))
                                               : make_uint4(0, 0, 0, 0);
    for (int c = c0; c < c1; c++) {
        __syncthreads(); /* the previous chunk's lookups are done */
        for (int e = threadIdx.x; e < 512 * NP; e += blockDim.x) T2[e] = lpcs_lut_entry2<BMAX>(x, cols, c, batch, e);
        __syncthreads();
        uint4 nxt[LPCS_LUT_PMAX]; /* prefetch the next chunk's planes */
#pragma unroll
        for (int p = 0; p < LPCS_LUT_PMAX; p++)
            nxt[p] = (p < P && tile_ok && c + 1 < c1) ? __ldcs(lpcs_lut_word(W, nchunks, P, wt, c + 1, p, lane))
                                                      : make_uint4(0, 0, 0, 0);
        if (tile_ok) lpcs_lut_lane_chunk<BMAX>(T2, cur, P, is_signed, acc);
#pragma unroll
        for (int p = 0; p < LPCS_LUT_PMAX; p++) cur[p] = nxt[p];
    }
    if (!tile_ok) return;
    const int row = tile * 32 + lane;
    if (row >= rows) return;
#pragma unroll
    for (int b = 0; b < BMAX; b++) {
        if (b >= batch) break;
        int32_t *dst = y + (size_t)b * rows + row;
        if (atomic_out) atomicAdd(dst, acc[b]);
        else *dst = acc[b];
    }
}

/* The mma path (lut_kernels.cuh): one warp per 32-row tile (lane l streams
 * row l's planes, as the table kernel), per chunk 4 column steps x 2 row
 * halves of mma.m16n8k32; a lane gets the plane words of the two rows its A
 * fragment needs from their owners by shuffles. No shared memory, no block
 * reduction: each warp owns its rows; a column split adds with atomics. */
template <int NT, int P>
__global__ void __launch_bounds__(kWarps * 32)
lut_mma_kernel(const uint4 *__restrict__ W, const int8_t *__restrict__ x, int32_t *y, int rows, int cols,
               int tiles, int nchunks, int chunks_per_split, int batch, int is_signed, int atomic_out) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int tile = blockIdx.x * kWarps + warp;
    if (tile >= tiles) return; /* whole warps only: the shuffles below see full warps */
    const int c0 = blockIdx.y * chunks_per_split;
    const int c1 = min(c0 + chunks_per_split, nchunks);
    const int g = lane >> 2, t = lane & 3;
    int acc[2][NT][4];
#pragma unroll
    for (int mt = 0; mt < 2; mt++)
#pragma unroll
        for (int nt = 0; nt < NT; nt++)
#pragma unroll
            for (int r = 0; r < 4; r++) acc[mt][nt][r] = 0;
    uint4 cur[P];
#pragma unroll
    for (int p = 0; p < P; p++)
        cur[p] = c0 < c1 ? __ldcs(lpcs_lut_word(W, nchunks, P, tile, c0, p, lane)) : make_uint4(0, 0, 0, 0);
    for (int c = c0; c < c1; c++) {
        uint4 nxt[P];
#pragma unroll
        for (int p = 0; p < P; p++)
            nxt[p] = c + 1 < c1 ? __ldcs(lpcs_lut_word(W, nchunks, P, tile, c + 1, p, lane)) : make_uint4(0, 0, 0, 0);
#pragma unroll
        for (int q = 0; q < 4; q++) {
            const int k = c * 128 + 32 * q + 4 * t;
            int b[NT][2];
#pragma unroll
            for (int nt = 0; nt < NT; nt++) {
                b[nt][0] = lpcs_lut_xword(x, cols, batch, nt * 8 + g, k);
                b[nt][1] = lpcs_lut_xword(x, cols, batch, nt * 8 + g, k + 16);
            }
            uint32_t wq[P];
#pragma unroll
            for (int p = 0; p < P; p++) wq[p] = q == 0 ? cur[p].x : q == 1 ? cur[p].y : q == 2 ? cur[p].z : cur[p].w;
#pragma unroll
            for (int mt = 0; mt < 2; mt++) {
                uint32_t lo[P], hi[P];
#pragma unroll
                for (int p = 0; p < P; p++) {
                    lo[p] = __shfl_sync(0xffffffffu, wq[p], 16 * mt + g);
                    hi[p] = __shfl_sync(0xffffffffu, wq[p], 16 * mt + g + 8);
                }
                const int a[4] = {lpcs_lut_frag(lo, P, is_signed, 4 * t), lpcs_lut_frag(hi, P, is_signed, 4 * t),
                                  lpcs_lut_frag(lo, P, is_signed, 4 * t + 16),
                                  lpcs_lut_frag(hi, P, is_signed, 4 * t + 16)};
#pragma unroll
                for (int nt = 0; nt < NT; nt++) lpcs_mma_s8(acc[mt][nt], a, b[nt][0], b[nt][1]);
            }
        }
#pragma unroll
        for (int p = 0; p < P; p++) cur[p] = nxt[p];
    }
#pragma unroll
    for (int mt = 0; mt < 2; mt++)
#pragma unroll
        for (int nt = 0; nt < NT; nt++)
#pragma unroll
            for (int r = 0; r < 4; r++) {
                const int row = tile * 32 + 16 * mt + lpcs_mma_c_row(lane, r), tok = nt * 8 + lpcs_mma_c_tok(lane, r);
                if (row >= rows || tok >= batch) continue;
                int32_t *dst = y + (size_t)tok * rows + row;
                if (atomic_out) atomicAdd(dst, acc[mt][nt][r]);
                else *dst = acc[mt][nt][r];
            }
}

template <int NT, int P>
cudaError_t launch_mma_p(const lut_dev *w, const int8_t *x, int batch, int32_t *y, cudaStream_t s, dim3 grid, int cps) {
    lut_mma_kernel<NT, P><<<grid, kWarps * 32, 0, s>>>((const uint4 *)w->w, x, y, w->rows, w->cols, w->tiles,
                                                       w->nchunks, cps, batch, w->is_signed, grid.y > 1);
    return cudaGetLastError();
}

/* Both paths' launch plan (lpcs_lut_plan) and, with a column split, the
 * zeroed output the blocks add into. */
cudaError_t lut_prepare(const lut_dev *w, int batch, int32_t *y, cudaStream_t s, dim3 *grid, int *cps) {
    int groups, ksplit;
    lpcs_lut_plan(w->tiles, w->nchunks, lpcs_sm_count(), &groups, &ksplit, cps);
    *grid = dim3((unsigned)groups, (unsigned)ksplit);
    return ksplit > 1 ? cudaMemsetAsync(y, 0, sizeof(int32_t) * (size_t)batch * w->rows, s) : cudaSuccess;
}

template <int NT>
cudaError_t launch_mma(const lut_dev *w, const int8_t *x, int batch, int32_t *y, cudaStream_t s, dim3 grid, int cps) {
    switch (w->bits) {
    case 1: return launch_mma_p<NT, 1>(w, x, batch, y, s, grid, cps);
    case 2: return launch_mma_p<NT, 2>(w, x, batch, y, s, grid, cps);
    case 3: return launch_mma_p<NT, 3>(w, x, batch, y, s, grid, cps);
    default: return launch_mma_p<NT, 4>(w, x, batch, y, s, grid, cps);
    }
}

template <int BMAX>
cudaError_t launch_b(const lut_dev *w, const int8_t *x, int batch, int32_t *y, cudaStream_t s, dim3 grid, int cps) {
    lut_gemm_kernel<BMAX><<<grid, kWarps * 32, 0, s>>>(
        (const uint4 *)w->w, x, y, w->rows, w->cols, w->tiles, w->nchunks, cps, w->bits, batch,
        w->is_signed, grid.y > 1);
    return cudaGetLastError();
}

} // namespace

size_t lut_planes_bytes(size_t rows, size_t cols, int bits) {
    return lpcs_ceil_div(rows, 32) * 32 * lpcs_ceil_div(cols, 128) * 16 * (size_t)bits;
}

void lut_planes_host(const int8_t *w, size_t rows, size_t cols, int bits, uint8_t *planes) {
    const size_t nchunks = lpcs_ceil_div(cols, 128);
    memset(planes, 0, lut_planes_bytes(rows, cols, bits));
    uint32_t *words = (uint32_t *)planes;
    for (size_t r = 0; r < rows; r++) {
        const size_t t = r / 32, l = r % 32;
        for (size_t k = 0; k < cols; k++) {
            const uint32_t v = (uint8_t)w[r * cols + k];
            const size_t c = k / 128, kk = k % 128;
            for (int p = 0; p < bits; p++) {
                if (!((v >> p) & 1)) continue;
                const size_t u4 = ((t * nchunks + c) * (size_t)bits + (size_t)p) * 32 + l;
                words[u4 * 4 + kk / 32] |= 1u << (kk % 32);
            }
        }
    }
}

cudaError_t lut_gemm_launch(const lut_dev *w, const int8_t *x, int batch, int32_t *y,
                            cudaStream_t s) {
    if (!w || !x || !y || batch < 1 || batch > LPCS_LUT_MAX_BATCH || w->bits < 1 ||
        w->bits > LPCS_LUT_MAX_BITS)
        return cudaErrorInvalidValue;
    dim3 grid;
    int cps;
    const cudaError_t e = lut_prepare(w, batch, y, s, &grid, &cps);
    if (e != cudaSuccess) return e;
    if (w->path == 2 || (w->path == 0 && batch > LPCS_LUT_TABLE_MAX_BATCH))
        return batch <= 8 ? launch_mma<1>(w, x, batch, y, s, grid, cps) : launch_mma<2>(w, x, batch, y, s, grid, cps);
    if (batch == 1) return launch_b<1>(w, x, batch, y, s, grid, cps);
    if (batch == 2) return launch_b<2>(w, x, batch, y, s, grid, cps);
    if (batch <= 4) return launch_b<4>(w, x, batch, y, s, grid, cps);
    if (batch <= 8) return launch_b<8>(w, x, batch, y, s, grid, cps);
    return launch_b<16>(w, x, batch, y, s, grid, cps);
}
