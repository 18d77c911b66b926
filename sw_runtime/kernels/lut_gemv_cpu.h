/* LUT-based integer GEMV for the runtime's cpu backend: ternary, int2 and
 * int4 weights x int8 activations -> exact int32, y[r] = sum_k w[r][k]*x[k]
 * (bit-exact with golden/lutgemv.h's integer result).
 *
 * Method (the activation-table dual of the PIM bank's weight tables, as in
 * T-MAC): weights are split into bit planes (two's complement, c_p = 2^p,
 * top plane -2^(b-1); ternary is int2), 4 weights of one plane form a 4-bit
 * index into a 16-entry table of partial sums of 4 activations. To stay exact
 * with 8-bit table entries, each activation is offset to u = x + 128 and split
 * into nibbles u = 16*h + l, so every table entry is <= 60:
 *   sum_k w_k x_k = 16*S_h + S_l - 128 * sum_k w_k   (row sums precomputed).
 * The AVX2 path looks 32 indices up per vpshufb and folds two planes of a row
 * with vpmaddubsw into int16 (after adding 4 groups' lookups in u8, <= 240),
 * widening to int32 every 128 columns; the
 * portable path does the same lookups in scalar C on the same packed layout.
 */
#ifndef LPCS_SW_RUNTIME_LUT_GEMV_CPU_H
#define LPCS_SW_RUNTIME_LUT_GEMV_CPU_H

#include <stddef.h>
#include <stdint.h>
#include "kernels/pool.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* int3 ([-4, 3]) is stored in the int4 layout (4 planes): the layout pairs
 * planes, so a third plane costs as much as a fourth. */
typedef enum { LUTK_TERNARY = 0, LUTK_INT2 = 1, LUTK_INT4 = 2, LUTK_INT3 = 3 } lutk_wtype;
/* Rows per packed block: a row range given to lut_gemv_rows starts on one. */
#define LUT_GEMV_BLOCK_ROWS 16
typedef enum { LUTK_IMPL_AUTO = 0, LUTK_IMPL_PORTABLE = 1, LUTK_IMPL_AVX2 = 2 } lutk_impl;

/* Packed weights. Layout: row blocks of 16 rows; in a block, per pair of
 * 4-column groups (8 columns) and per pair of planes, 32 bytes: byte 2i+q
 * holds row i's plane (2*pair+q) index of the even group in its low nibble
 * and of the odd group in its high nibble. Rows padded to 16, columns to 128
 * with zero weights. */
typedef struct {
    size_t rows, cols;         /* M, K */
    size_t rows_pad, cols_pad;
    int planes;                /* 2 (ternary, int2) or 4 (int4) */
    uint8_t *packed;           /* rows_pad * cols_pad * planes / 8 bytes, 32-byte aligned */
    int32_t *row_sum;          /* sum_k w[r][k], rows_pad entries */
} lut_gemv_weights;

/* Packs w (rows x cols, row-major; ternary {-1,0,1}, int2 [-2,1], int3
 * [-4,3], int4 [-8,7]). LPCS_EINVAL for null / a weight out of range / unknown type,
 * LPCS_ERANGE for zero or huge sizes (cols beyond what int32 sums hold:
 * 128 * max|w| * cols < 2^31, i.e. 2^24 ternary, 2^21 int4), LPCS_ENOMEM. */
int lut_gemv_pack(const int8_t *w, size_t rows, size_t cols, lutk_wtype type, lut_gemv_weights *out);
void lut_gemv_free(lut_gemv_weights *p);
/* Bytes of scratch lut_gemv_run needs (activation tables). */
size_t lut_gemv_scratch_bytes(const lut_gemv_weights *p);
/* y[0..rows) = W x. scratch: lut_gemv_scratch_bytes, 16-byte aligned (as
 * malloc's) or NULL (then allocated). LPCS_EUNSUPPORTED if AVX2 is asked for but absent. */
int lut_gemv_run(const lut_gemv_weights *p, const int8_t *x, int32_t *y, lutk_impl impl, void *scratch);
/* The two halves of lut_gemv_run, for threads over rows: build one token's
 * tables once (tab: lut_gemv_scratch_bytes, 16-byte aligned), then any
 * number of callers run disjoint row ranges [r0, r1) against them (r0 a
 * multiple of LUT_GEMV_BLOCK_ROWS, r1 one too or rows); y is indexed by row.
 * Both take impl as lut_gemv_run does (the tables are the same bytes on
 * every path).
 * lut_gemv_rows: LPCS_EINVAL for a bad range, LPCS_EUNSUPPORTED as above. */
int lut_gemv_tables(const lut_gemv_weights *p, const int8_t *x, void *tab, lutk_impl impl);
int lut_gemv_rows(const lut_gemv_weights *p, const void *tab, int32_t *y, lutk_impl impl, size_t r0, size_t r1);
/* T tokens at once (a GEMM): token t's tables at tab + t * tab_stride
 * (tab_stride >= lut_gemv_scratch_bytes, a multiple of 16), its outputs at
 * y + t * ldy (ldy >= rows); each 16-row block of weights serves every token
 * while it is in cache. T = 1 is lut_gemv_rows. */
int lut_gemv_rows_batch(const lut_gemv_weights *p, const void *tab, size_t tab_stride, size_t T, int32_t *y, size_t ldy,
                        lutk_impl impl, size_t r0, size_t r1);
/* With threads: the tables of T tokens x + t * ldx into tabs (T *
 * lut_gemv_scratch_bytes bytes; on the calling thread), then the rows split
 * over pool's threads in whole 16-row blocks (pool NULL: this thread), into
 * y[t * ldy + r]. Same codes as lut_gemv_rows_batch. */
int lut_gemv_gemm_pool(const lut_gemv_weights *p, const int8_t *x, size_t ldx, size_t T, int32_t *y, size_t ldy,
                       lutk_impl impl, void *tabs, kn_pool *pool);
/* 1 if this CPU runs the AVX2 path. */
int lut_gemv_has_avx2(void);
/* Bytes of packed weight streamed per GEMV (what the benchmark reports). */
size_t lut_gemv_weight_bytes(const lut_gemv_weights *p);

#ifdef __cplusplus
}
#endif
#endif
