/* Direct int4 GEMV/GEMM kernels (layout and contract: int4_kernels.cuh).
 * Same structure as the ternary kernel: one block = 8 warps on a 32-row
 * tile, lanes own rows, warps split the 32-column chunks, optional column
 * split with int32 atomics (exact, order-free); activation loads are
 * warp-uniform (broadcast). */
#include "int4_kernels.cuh"
#include "cuda_util.cuh"
#include "gemv_device.cuh"

#include <string.h>

namespace {

constexpr int kWarps = LPCS_GEMV_WARPS;

template <int B>
__global__ void __launch_bounds__(kWarps * 32)
int4_gemm_kernel(const uint4 *__restrict__ W, const uint2 *__restrict__ x, int32_t *y, int rows,
                 int nchunks, int chunks_per_split, int atomic_out) {
    __shared__ int red[kWarps][B][32];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int tile = blockIdx.x;
    const int c0 = blockIdx.y * chunks_per_split;
    const int c1 = min(c0 + chunks_per_split, nchunks);
    int acc[B];
    lpcs_int4_lane<B>(W, x, (size_t)nchunks * 4, nchunks, tile, lane, warp, c0, c1, acc);
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
cudaError_t launch_b(const int4_dev *w, const uint2 *x, int32_t *y, cudaStream_t s) {
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
    int4_gemm_kernel<B><<<grid, kWarps * 32, 0, s>>>((const uint4 *)w->w, x, y, w->rows, w->nchunks,
                                                    cps, ksplit > 1);
    return cudaGetLastError();
}

} // namespace

size_t int4_tiled_bytes(size_t rows, size_t cols) {
    return lpcs_ceil_div(rows, 32) * 32 * lpcs_ceil_div(cols, 32) * 16;
}

void int4_tile_host(const int8_t *w, size_t rows, size_t cols, uint8_t *tiled) {
    const size_t nchunks = lpcs_ceil_div(cols, 32);
    memset(tiled, 0, int4_tiled_bytes(rows, cols));
    for (size_t r = 0; r < rows; r++) {
        const size_t t = r / 32, l = r % 32;
        for (size_t c = 0; c < nchunks; c++) {
            uint8_t *dst = tiled + ((t * nchunks + c) * 32 + l) * 16;
            for (size_t q = 0; q < 4; q++)
                for (size_t i = 0; i < 4; i++) {
                    const size_t k0 = 32 * c + 8 * q + i, k1 = k0 + 4;
                    const uint8_t lo = k0 < cols ? (uint8_t)(w[r * cols + k0] & 15) : 0;
                    const uint8_t hi = k1 < cols ? (uint8_t)(w[r * cols + k1] & 15) : 0;
                    dst[4 * q + i] = (uint8_t)(lo | (hi << 4));
                }
        }
    }
}

size_t int4_x_stride(const int4_dev *w) { return (size_t)w->nchunks * 32; }

cudaError_t int4_gemm_launch(const int4_dev *w, const int8_t *x, int batch, int32_t *y, cudaStream_t s) {
    if (!w || !x || !y || batch < 1 || batch > LPCS_INT4_MAX_BATCH) return cudaErrorInvalidValue;
    const uint2 *xp = (const uint2 *)x;
    switch (batch) {
#define LPCS_CASE(B) case B: return launch_b<B>(w, xp, y, s);
        LPCS_CASE(1) LPCS_CASE(2) LPCS_CASE(3) LPCS_CASE(4) LPCS_CASE(5) LPCS_CASE(6)
        LPCS_CASE(7) LPCS_CASE(8) LPCS_CASE(9) LPCS_CASE(10) LPCS_CASE(11) LPCS_CASE(12)
        LPCS_CASE(13) LPCS_CASE(14) LPCS_CASE(15) LPCS_CASE(16)
#undef LPCS_CASE
    }
    return cudaErrorInvalidValue;
}
