/* LUT-GEMV kernels: int8 activations x 1..4-bit integer weights -> exact
 * int32, by table lookup (golden: lutgemv; equal to the direct integer GEMV).
 *
 * Weights are stored as bit planes: value = sum_p c_p * bit_p(w), c_p = 2^p,
 * except c_{P-1} = -2^(P-1) for signed (two's complement) weights. For every
 * group of 4 columns and token b the block builds, in shared memory,
 * T[b][g][idx] = sum_{j<4} bit_j(idx) * x[b][4g + j] (16 entries; two tokens
 * per 32-bit word, biased into 16-bit halves, see gemv_device.cuh), and each
 * row adds c_p * T[b][g][nibble of plane p] -- the SPEC's LUT-GEMV with the
 * table over activations and the weight bits as the index (the GPU-friendly
 * transpose of SAIL's weight tables and bit-serial activations; both equal
 * the direct integer product).
 *
 * Device weight layout: rows in tiles of 32 (one per lane), columns in chunks
 * of 128; the uint4 ((t*nchunks + c)*P + p)*32 + l holds bit p of the weights
 * of row 32t+l, columns 128c..128c+127 (column 128c+k at bit k%32 of word k/32).
 * Bytes = rows_pad * cols_pad * P / 8. */
#ifndef LPCS_LUT_KERNELS_CUH
#define LPCS_LUT_KERNELS_CUH

#include <cuda_runtime.h>
#include <stddef.h>
#include <stdint.h>

#define LPCS_LUT_MAX_BATCH 16
#define LPCS_LUT_MAX_BITS 4

typedef struct {
    const void *w;      /* device, bit-plane layout */
    int rows, cols, bits, is_signed;
    int tiles, nchunks; /* ceil(rows/32), ceil(cols/128) */
} lut_dev;

size_t lut_planes_bytes(size_t rows, size_t cols, int bits);
/* Host-side: weights w[rows][cols] (each within the bits/signedness range)
 * into the bit-plane layout. */
void lut_planes_host(const int8_t *w, size_t rows, size_t cols, int bits, uint8_t *planes);
/* y[b][r] (device int32) for device x[batch][cols], batch <= 16. Async. */
cudaError_t lut_gemm_launch(const lut_dev *w, const int8_t *x, int batch, int32_t *y,
                            cudaStream_t stream);

#endif
