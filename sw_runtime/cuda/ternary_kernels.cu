/* Ternary GEMV/GEMM kernels (layout and contract: ternary_kernels.cuh).
 *
 * One block = 8 warps on one 32-row tile; lane l owns row 32t+l, the warps
 * split the tile's 64-column chunks, and blockIdx.y splits them further when
 * there are too few tiles to fill the GPU. Partial sums meet in shared memory
 * and (with a column split) in int32 atomics: integer addition is exact and
 * associative, so every order gives the golden bits. Activation words are
 * warp-uniform loads (one broadcast transaction per warp). A column split
 * (which needs a y memset and atomics) is used only when the row tiles alone
 * give fewer than half a block per SM. */
#include "ternary_kernels.cuh"
#include "cuda_util.cuh"
#include "gemv_device.cuh"

#include <string.h>

namespace {

constexpr int kWarps = LPCS_GEMV_WARPS;

template <int B>
__global__ void __launch_bounds__(kWarps * 32)
ternary_gemm_kernel(const uint4 *__restrict__ W, const uint4 *__restrict__ xp, int32_t *y,
                    int rows, int nchunks, int chunks_per_split, int atomic_out) {
    __shared__ int red[kWarps][B][32];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int tile = blockIdx.x;
    const int c0 = blockIdx.y * chunks_per_split;
    const int c1 = min(c0 + chunks_per_split, nchunks);
    int acc[B];
    lpcs_ternary_lane<B>(W, xp, (size_t)nchunks * 4, nchunks, tile, lane, warp, c0, c1, acc);
#pragma unroll
    for (int b = 0; b < B; b++) red[warp][b][lane] = acc[b];
    __syncthreads();
    for (int i = threadIdx.x; i < B * 32; i += blockDim.x) {
        const int b = i >> 5, l = i & 31;
        int s = 0;
#pragma unroll
        for (int w = 0; w < kWarps; w++) s += red[w][b][l];
        const int row = tile * 32 + l;
        if (row < rows) {
            int32_t *dst = y + (size_t)b * rows + row;
            if (atomic_out) atomicAdd(dst, s);
            else *dst = s;
        }
    }
}

template <int B>
cudaError_t launch_b(const ternary_dev *w, const uint4 *xp, int32_t *y, cudaStream_t s) {
    int dev = 0, sms = 132;
    if (cudaGetDevice(&dev) == cudaSuccess)
        cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev);
    int ksplit, cps;
    lpcs_rowtile_plan(w->tiles, w->nchunks, sms, w->split_hint, &ksplit, &cps);
    if (ksplit > 1) {
        cudaError_t e = cudaMemsetAsync(y, 0, sizeof(int32_t) * (size_t)B * w->rows, s);
        if (e != cudaSuccess) return e;
    }
    dim3 grid((unsigned)w->tiles, (unsigned)ksplit);
    ternary_gemm_kernel<B><<<grid, kWarps * 32, 0, s>>>((const uint4 *)w->w, xp, y, w->rows,
                                                       w->nchunks, cps, ksplit > 1);
    return cudaGetLastError();
}

} // namespace

size_t ternary_tiled_bytes(size_t rows, size_t cols) {
    return lpcs_ceil_div(rows, 32) * 32 * lpcs_ceil_div(cols, 64) * 16;
}

void ternary_tile_host(const uint8_t *packed, size_t rows, size_t cols, uint8_t *tiled) {
    const size_t row_bytes = lpcs_ceil_div(cols, 4);
    const size_t tiles = lpcs_ceil_div(rows, 32), nchunks = lpcs_ceil_div(cols, 64);
    memset(tiled, 0, ternary_tiled_bytes(rows, cols));
    for (size_t r = 0; r < rows; r++) {
        const size_t t = r / 32, l = r % 32;
        const uint8_t *row = packed + r * row_bytes;
        for (size_t c = 0; c < nchunks; c++) {
            uint8_t *dst = tiled + ((t * nchunks + c) * 32 + l) * 16;
            for (size_t q = 0; q < 4; q++) {
                uint32_t word = 0;
                for (int j = 0; j < 4; j++)
                    for (int i = 0; i < 4; i++) {
                        const size_t k = 64 * c + 16 * q + 4 * j + i; /* column */
                        if (k >= cols) continue;
                        const uint32_t code = (row[k / 4] >> (2 * (k % 4))) & 3u;
                        word |= code << (8 * i + 2 * j);
                    }
                memcpy(dst + 4 * q, &word, 4); /* little-endian, as the device reads it */
            }
        }
    }
    (void)tiles;
}

size_t ternary_x_stride(const ternary_dev *w) { return (size_t)w->nchunks * 64; }

cudaError_t ternary_gemm_launch(const ternary_dev *w, const int8_t *x, int batch, int32_t *y,
                                cudaStream_t s) {
    if (!w || !x || !y || batch < 1 || batch > LPCS_TERNARY_MAX_BATCH)
        return cudaErrorInvalidValue;
    const uint4 *xp = (const uint4 *)x;
    switch (batch) {
#define LPCS_CASE(B) case B: return launch_b<B>(w, xp, y, s);
        LPCS_CASE(1) LPCS_CASE(2) LPCS_CASE(3) LPCS_CASE(4) LPCS_CASE(5) LPCS_CASE(6)
        LPCS_CASE(7) LPCS_CASE(8) LPCS_CASE(9) LPCS_CASE(10) LPCS_CASE(11) LPCS_CASE(12)
        LPCS_CASE(13) LPCS_CASE(14) LPCS_CASE(15) LPCS_CASE(16)
#undef LPCS_CASE
    }
    return cudaErrorInvalidValue;
}
