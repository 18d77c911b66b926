/* Direct int4 GEMV/GEMM: int8 activations x signed 4-bit weights (-8..7) ->
 * exact int32 -- the bandwidth-oriented 4-bit path beside the LUT-GEMV
 * (same integer result; golden: lutgemv with LUTGEMV_W_SIGNED, w_bits 4).
 *
 * Device layout (for the integer tensor cores): rows in tiles of 16, columns
 * in chunks of 64; the 16-byte piece (tile t, chunk c, lane l) at uint4 index
 * (t*nchunks + c)*32 + l (one warp load = 512 contiguous bytes). uint32 word
 * 2m + h, byte i, nibble n (0 low, 1 high) holds the weight + 8
 * (offset binary, 0..15; padding: 8) of row 16t + l/4 + 8n, column 64c + 16(l%4) + 8m + 4h + i:
 * the masked nibbles are the A registers of mma step m
 * (gemv_device.cuh, lpcs_int4_piece_pos).
 * Activations: int8 rows of stride int4_x_stride() = cols_pad bytes. */
#ifndef LPCS_INT4_KERNELS_CUH
#define LPCS_INT4_KERNELS_CUH

#include <cuda_runtime.h>
#include <stddef.h>
#include <stdint.h>

#define LPCS_INT4_MAX_BATCH 16

typedef struct {
    const void *w;      /* device, row-tiled layout */
    int rows, cols;
    int tiles, nchunks; /* ceil(rows/16), ceil(cols/64) */
    int split_hint;     /* 0: automatic launch plan; n > 0: column split for ~n blocks/SM */
    int variant;        /* 0: default kernel; benchmark variants: mma_gemv.cuh */
} int4_dev;

size_t int4_tiled_bytes(size_t rows, size_t cols);
/* Host-side: weights w[rows][cols] in -8..7 into the tiled layout. */
void int4_tile_host(const int8_t *w, size_t rows, size_t cols, uint8_t *tiled);
size_t int4_x_stride(const int4_dev *w);
cudaError_t int4_gemm_launch(const int4_dev *w, const int8_t *x, int batch, int32_t *y,
                             cudaStream_t stream);

#endif
