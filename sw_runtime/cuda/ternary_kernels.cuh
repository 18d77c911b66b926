/* Ternary GEMV/GEMM kernels: int8 activations x 2-bit ternary weights ->
 * exact int32 (golden: ternary_gemv_i32).
 *
 * Device weight layout ("row-tiled"): rows are grouped in tiles of 32 (one
 * row per lane of a warp) and columns in chunks of 64 weights (16 bytes of the
 * golden packing). The 16-byte piece (tile t, chunk c, lane l) = bytes
 * 16c..16c+15 of golden row 32t+l, stored at uint4 index (t*nchunks + c)*32 + l,
 * so one warp load reads 512 contiguous bytes. Padding rows/columns hold code 0.
 * Total bytes = rows_pad*cols_pad/4 (no overhead when rows%32 == 0 and
 * cols%64 == 0).
 *
 * Activations are first permuted ("xperm"): for every 16 columns m and lane j
 * of a byte, the uint32 xp[b][4m + j] holds bytes x[b][16m + 4i + j], i = 0..3,
 * matching how a weight word's 2-bit field j of each byte is extracted, so a
 * dp4a multiplies 4 weights by their 4 activations. */
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
} ternary_dev;

/* Bytes of the row-tiled layout for rows x cols. */
size_t ternary_tiled_bytes(size_t rows, size_t cols);
/* Host-side re-layout of golden-packed rows into the row-tiled layout. */
void ternary_tile_host(const uint8_t *packed, size_t rows, size_t cols, uint8_t *tiled);
/* Bytes of the permuted-activation scratch for `batch` tokens. */
size_t ternary_xperm_bytes(const ternary_dev *w, int batch);
/* y[b][r] (device, int32, batch <= 16) = W x[b] for device int8 x[batch][cols].
 * xperm: device scratch of ternary_xperm_bytes. Asynchronous on `stream`. */
cudaError_t ternary_gemm_launch(const ternary_dev *w, const int8_t *x, int batch,
                                void *xperm, int32_t *y, cudaStream_t stream);

#endif
