/* Ternary GEMV/GEMM kernels: int8 activations x 2-bit ternary weights ->
 * exact int32 (golden: ternary_gemv_i32).
 *
 * Device weight layout ("row-tiled"): rows are grouped in tiles of 32 (one
 * row per lane of a warp) and columns in chunks of 64 weights (16 bytes).
 * The 16-byte piece (tile t, chunk c, lane l) of row r = 32t+l is stored at
 * uint4 index (t*nchunks + c)*32 + l, so one warp load reads 512 contiguous
 * bytes. Inside a piece, uint32 word q covers columns 16m.. with m = 4c+q, and
 * the weight of column 16m + 4j + i sits in byte i, 2-bit field j (same codes
 * as golden: 00 0, 01 +1, 11 -1). Extracting field j of all 4 bytes gives the
 * weights of columns 16m+4j .. 16m+4j+3, i.e. the 4 activations of one
 * little-endian int8 word, so one dp4a multiplies them with no activation
 * shuffle. Padding rows/columns hold code 0. Bytes = rows_pad*cols_pad/4.
 *
 * Activations: int8 rows of stride ternary_x_stride() = cols_pad bytes
 * (16-byte aligned; the padding columns meet zero weights). */
#ifndef LPCS_TERNARY_KERNELS_CUH
#define LPCS_TERNARY_KERNELS_CUH

#include <cuda_runtime.h>
#include <stddef.h>
#include <stdint.h>

#define LPCS_TERNARY_MAX_BATCH 16

typedef struct {
    const void *w;      /* device, row-tiled layout */
    int rows, cols;     /* logical shape */
    int tiles, nchunks; /* ceil(rows/32), ceil(cols/64) */
    int split_hint;     /* 0: automatic launch plan; n > 0: column split for ~n blocks/SM */
} ternary_dev;

/* Bytes of the row-tiled layout for rows x cols. */
size_t ternary_tiled_bytes(size_t rows, size_t cols);
/* Host-side re-layout of golden-packed rows into the row-tiled layout. */
void ternary_tile_host(const uint8_t *packed, size_t rows, size_t cols, uint8_t *tiled);
/* Row stride in bytes of the device activations: ceil(cols/64)*64. */
size_t ternary_x_stride(const ternary_dev *w);
/* y[b][r] (device, int32, batch <= 16) = W x[b] for device int8 activations
 * x + b*ternary_x_stride(w) (16-byte aligned). Asynchronous on `stream`. */
cudaError_t ternary_gemm_launch(const ternary_dev *w, const int8_t *x, int batch,
                                int32_t *y, cudaStream_t stream);

#endif
