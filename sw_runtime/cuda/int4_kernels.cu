/* Direct int4 GEMV/GEMM (layout and contract: int4_kernels.cuh): the shared
 * tensor-core kernel of mma_gemv.cuh on the 4-bit format lpcs_int4_fmt. */
#include "int4_kernels.cuh"
#include "cuda_util.cuh"
#include "mma_gemv.cuh"

#include <string.h>

size_t int4_tiled_bytes(size_t rows, size_t cols) {
    return lpcs_ceil_div(rows, 16) * 16 * lpcs_ceil_div(cols, 64) * 32;
}

void int4_tile_host(const int8_t *w, size_t rows, size_t cols, uint8_t *tiled) {
    const size_t tiles = lpcs_ceil_div(rows, 16), nchunks = lpcs_ceil_div(cols, 64);
    memset(tiled, 0, int4_tiled_bytes(rows, cols));
    for (size_t t = 0; t < tiles; t++)
        for (size_t c = 0; c < nchunks; c++)
            for (int lane = 0; lane < 32; lane++) {
                uint8_t *dst = tiled + ((t * nchunks + c) * 32 + lane) * 16;
                for (int m = 0; m < 2; m++)
                    for (int j = 0; j < 4; j++)
                        for (int i = 0; i < 4; i++) {
                            int rr, cc;
                            lpcs_int4_piece_pos(lane, m, j, i, &rr, &cc);
                            const size_t r = t * 16 + rr, k = c * 64 + cc;
                            /* A register j of step m: word 2m + (j>>1), nibble j&1 of byte i;
                             * stored: weight + 8 (padding: 8, i.e. weight 0) */
                            const int v = r < rows && k < cols ? w[r * cols + k] : 0;
                            dst[4 * (2 * m + (j >> 1)) + i] |= (uint8_t)(((v + 8) & 15) << (4 * (j & 1)));
                        }
            }
}

size_t int4_x_stride(const int4_dev *w) { return (size_t)w->nchunks * 64; }

cudaError_t int4_gemm_launch(const int4_dev *w, const int8_t *x, int batch, int32_t *y, cudaStream_t s) {
    if (!w || !x || !y || batch < 1 || batch > LPCS_INT4_MAX_BATCH) return cudaErrorInvalidValue;
    return lpcs_mma_gemm_launch<lpcs_int4_fmt>(w->w, w->rows, w->tiles, w->nchunks, w->split_hint, w->variant, x,
                                               int4_x_stride(w), batch, y, s);
}
