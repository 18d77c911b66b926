/* Ternary GEMV/GEMM (layout and contract: ternary_kernels.cuh): the shared
 * tensor-core kernel of mma_gemv.cuh on the 2-bit format lpcs_ternary_fmt. */
#include "ternary_kernels.cuh"
#include "cuda_util.cuh"
#include "mma_gemv.cuh"

#include <string.h>

size_t ternary_tiled_bytes(size_t rows, size_t cols) {
    return lpcs_ceil_div(rows, 16) * 16 * lpcs_ceil_div(cols, 128) * 32;
}

int ternary_packed_valid(const uint8_t *packed, size_t rows, size_t cols) {
    const size_t row_bytes = lpcs_ceil_div(cols, 4);
    for (size_t r = 0; r < rows; r++)
        for (size_t k = 0; k < cols; k++)
            if (((packed[r * row_bytes + k / 4] >> (2 * (k % 4))) & 3u) == 2u) return 0;
    return 1;
}

void ternary_tile_host(const uint8_t *packed, size_t rows, size_t cols, uint8_t *tiled) {
    const size_t row_bytes = lpcs_ceil_div(cols, 4);
    const size_t tiles = lpcs_ceil_div(rows, 16), nchunks = lpcs_ceil_div(cols, 128);
    memset(tiled, 0, ternary_tiled_bytes(rows, cols));
    for (size_t t = 0; t < tiles; t++)
        for (size_t c = 0; c < nchunks; c++)
            for (int lane = 0; lane < 32; lane++) {
                uint8_t *dst = tiled + ((t * nchunks + c) * 32 + lane) * 16;
                for (int m = 0; m < 4; m++) {
                    uint32_t word = 0;
                    for (int j = 0; j < 4; j++)
                        for (int i = 0; i < 4; i++) {
                            int rr, cc;
                            lpcs_ternary_piece_pos(lane, m, j, i, &rr, &cc);
                            const size_t r = t * 16 + rr, k = c * 128 + cc;
                            /* stored: weight + 1 (golden codes 00 0, 01 +1, 11 -1; padding 0) */
                            uint32_t code = 0;
                            if (r < rows && k < cols) code = (packed[r * row_bytes + k / 4] >> (2 * (k % 4))) & 3u;
                            const uint32_t stored = code == 1 ? 2u : code == 3 ? 0u : 1u;
                            word |= stored << (8 * i + 2 * j);
                        }
                    memcpy(dst + 4 * m, &word, 4); /* little-endian, as the device reads it */
                }
            }
}

size_t ternary_x_stride(const ternary_dev *w) { return (size_t)w->nchunks * 128; }

cudaError_t ternary_gemm_launch(const ternary_dev *w, const int8_t *x, int batch, int32_t *y,
                                cudaStream_t s) {
    if (!w || !x || !y || batch < 1 || batch > LPCS_TERNARY_MAX_BATCH)
        return cudaErrorInvalidValue;
    return lpcs_mma_gemm_launch<lpcs_ternary_fmt>(w->w, w->rows, w->tiles, w->nchunks, w->split_hint, w->variant, x,
                                                  ternary_x_stride(w), batch, y, s);
}
