/* Ternary GEMV/GEMM kernels: int8 activations x 2-bit ternary weights ->
 * exact int32 (golden: ternary_gemv_i32).
 *
 * Device weight layout ("mma-tiled", for the integer tensor cores): rows in
 * tiles of 16, columns in chunks of 128 weights; the 16-byte piece (tile t,
 * chunk c, lane l) sits at uint4 index (t*nchunks + c)*32 + l, so one warp
 * load reads 512 contiguous bytes (16 rows x 128 columns). Inside a piece,
 * uint32 word m, byte i, 2-bit field j holds the weight of row 16t + l/4 +
 * 8(j&1), column 128c + 32(l%4) + 8m + 4(j>>1) + i (codes as golden: 00 0,
 * 01 +1, 11 -1) -- stored as weight + 1 (0..2; padding: 1) -- so that
 * field j of word m, shifted and masked, is A register j of mma step m
 * (gemv_device.cuh, lpcs_ternary_piece_pos; the kernel subtracts the
 * activation sum). Invalid codes 0b10 are rejected at upload.
 * Bytes = rows_pad*cols_pad/4.
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
    int tiles, nchunks; /* ceil(rows/16), ceil(cols/128) */
    int split_hint;     /* 0: automatic launch plan; n > 0: column split for ~n blocks/SM */
    int variant;        /* 0: default kernel; benchmark variants: mma_gemv.cuh */
} ternary_dev;

/* Bytes of the row-tiled layout for rows x cols. */
size_t ternary_tiled_bytes(size_t rows, size_t cols);
/* 0 if a code is the invalid 0b10 (golden rejects it: LPCS_EFORMAT). */
int ternary_packed_valid(const uint8_t *packed, size_t rows, size_t cols);
/* Host-side re-layout of golden-packed rows into the row-tiled layout. */
void ternary_tile_host(const uint8_t *packed, size_t rows, size_t cols, uint8_t *tiled);
/* Row stride in bytes of the device activations: ceil(cols/128)*128. */
size_t ternary_x_stride(const ternary_dev *w);
/* y[b][r] (device, int32, batch <= 16) = W x[b] for device int8 activations
 * x + b*ternary_x_stride(w) (16-byte aligned). Asynchronous on `stream`. */
cudaError_t ternary_gemm_launch(const ternary_dev *w, const int8_t *x, int batch,
                                int32_t *y, cudaStream_t stream);

#endif
