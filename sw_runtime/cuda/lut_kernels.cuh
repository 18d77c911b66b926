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
 * Bytes = rows_pad * cols_pad * P / 8.
 *
 * Two paths over this layout (same int32 results, integer sums):
 *   tables  -- the lookups above. Each weight group costs ceil(batch / 8)
 *              128-bit shared-memory loads per plane, so the time grows with
 *              the batch (shared-memory bound: ~48 us at 11008x4096, 4 planes,
 *              batch 16, above cuBLAS fp16's ~37 us).
 *   mma     -- the planes of each 4-column group recombined into int8 weights
 *              in registers (lpcs_lut_frag) and multiplied on the integer
 *              tensor cores (mma.m16n8k32 s8, 8 tokens per mma): the weight
 *              bytes read are the same, the arithmetic no longer grows with
 *              the batch up to 8 (16: two token tiles).
 * lut_dev.path picks one (0: automatic, tables for batch <= LPCS_LUT_TABLE_MAX_BATCH). */
#ifndef LPCS_LUT_KERNELS_CUH
#define LPCS_LUT_KERNELS_CUH

#include <cuda_runtime.h>
#include <stddef.h>
#include <stdint.h>

#define LPCS_LUT_MAX_BATCH 16
#define LPCS_LUT_MAX_BITS 4

/* The automatic choice: tables up to this batch, the mma path above. */
#define LPCS_LUT_TABLE_MAX_BATCH 2

typedef struct {
    const void *w;      /* device, bit-plane layout */
    int rows, cols, bits, is_signed;
    int tiles, nchunks; /* ceil(rows/32), ceil(cols/128) */
    int path;           /* 0 automatic, 1 tables, 2 mma (benchmarks and tests) */
} lut_dev;

#if defined(__CUDACC__)
#define LPCS_LUT_HD static __host__ __device__ __forceinline__
#else
#define LPCS_LUT_HD static inline
#endif

/* mma path: one A-fragment register (4 int8 weights, columns s/4 .. s/4+3 of
 * a 32-column word, byte i = column i) from the P plane words w[p] of one row
 * (bit k = column k): the bits of each plane spread to one bit per byte
 * (nibble * 0x00204081, no overlapping terms, so no carries), weighted 2^p;
 * signed weights subtract 2^P where the sign plane is set, bytewise without
 * borrows between bytes (SWAR: bytes stay below 2^7 before the subtraction). */
LPCS_LUT_HD int lpcs_lut_frag(const uint32_t *w, int P, int is_signed, int s) {
    uint32_t u = 0;
    for (int p = 0; p < P; p++) u += ((((w[p] >> s) & 15u) * 0x00204081u) & 0x01010101u) << p;
    if (is_signed) {
        const uint32_t top = u & (0x01010101u << (P - 1));
        u = ((u | 0x80808080u) - 2u * top) ^ 0x80808080u;
    }
    return (int)u;
}

/* mma path: B-fragment register = activations x[tok][k .. k+3] (int8, one
 * byte each, 0 past the batch or the columns; x rows are cols bytes). */
LPCS_LUT_HD int lpcs_lut_xword(const int8_t *x, int cols, int batch, int tok, int k) {
    if (tok >= batch || k >= cols) return 0;
    const int8_t *p = x + (size_t)tok * cols + k;
    if (!(cols & 3)) return *(const int *)p; /* k % 4 == 0: aligned */
    uint32_t v = 0;
    for (int i = 0; i < 4 && k + i < cols; i++) v |= (uint32_t)(uint8_t)p[i] << (8 * i);
    return (int)v;
}

size_t lut_planes_bytes(size_t rows, size_t cols, int bits);
/* Host-side: weights w[rows][cols] (each within the bits/signedness range)
 * into the bit-plane layout. */
void lut_planes_host(const int8_t *w, size_t rows, size_t cols, int bits, uint8_t *planes);
/* y[b][r] (device int32) for device x[batch][cols], batch <= 16. Async. */
cudaError_t lut_gemm_launch(const lut_dev *w, const int8_t *x, int batch, int32_t *y,
                            cudaStream_t stream);

#endif
