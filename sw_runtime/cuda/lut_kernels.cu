/* LUT-GEMV kernels (layout and contract: lut_kernels.cuh).
 *
 * One block = 8 warps = 8 row tiles (256 rows) over a range of 128-column
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

template <int BMAX>
cudaError_t launch_b(const lut_dev *w, const int8_t *x, int batch, int32_t *y, cudaStream_t s) {
    int dev = 0, sms = 132;
    if (cudaGetDevice(&dev) == cudaSuccess)
        cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev);
    int groups, ksplit, cps;
    lpcs_lut_plan(w->tiles, w->nchunks, sms, &groups, &ksplit, &cps);
    if (ksplit > 1) {
        cudaError_t e = cudaMemsetAsync(y, 0, sizeof(int32_t) * (size_t)batch * w->rows, s);
        if (e != cudaSuccess) return e;
    }
    dim3 grid((unsigned)groups, (unsigned)ksplit);
    lut_gemm_kernel<BMAX><<<grid, kWarps * 32, 0, s>>>(
        (const uint4 *)w->w, x, y, w->rows, w->cols, w->tiles, w->nchunks, cps, w->bits, batch,
        w->is_signed, ksplit > 1);
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
    if (batch == 1) return launch_b<1>(w, x, batch, y, s);
    if (batch == 2) return launch_b<2>(w, x, batch, y, s);
    if (batch <= 4) return launch_b<4>(w, x, batch, y, s);
    if (batch <= 8) return launch_b<8>(w, x, batch, y, s);
    return launch_b<16>(w, x, batch, y, s);
}
