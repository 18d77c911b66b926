/* Direct int4 GEMV/GEMM: int8 activations x signed 4-bit weights (-8..7) ->
 * exact int32 -- the bandwidth-oriented 4-bit path beside the LUT-GEMV
 * (same integer result; golden: lutgemv with LUTGEMV_W_SIGNED, w_bits 4).
 *
 * Device layout: rows in tiles of 32 (one per lane), columns in chunks of 32
 * (16 bytes per row); piece (tile t, chunk c, lane l) at uint4 index
 * (t*nchunks + c)*32 + l. uint32 word q of a piece covers columns
 * 32c+8q .. 32c+8q+7: byte i holds column 32c+8q+i in its low nibble and
 * column 32c+8q+4+i in its high nibble (two's complement). Sign-extending the
 * low (high) nibbles of the 4 bytes gives 4 int8 weights that meet one
 * little-endian int8 activation word in a dp4a.
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
    int tiles, nchunks; /* ceil(rows/32), ceil(cols/32) */
    int split_hint;     /* 0: automatic launch plan; n > 0: column split for ~n blocks/SM */
} int4_dev;

size_t int4_tiled_bytes(size_t rows, size_t cols);
/* Host-side: weights w[rows][cols] in -8..7 into the tiled layout. */
void int4_tile_host(const int8_t *w, size_t rows, size_t cols, uint8_t *tiled);
size_t int4_x_stride(const int4_dev *w);
cudaError_t int4_gemm_launch(const int4_dev *w, const int8_t *x, int batch, int32_t *y,
                             cudaStream_t stream);

#endif
