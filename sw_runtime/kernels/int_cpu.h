/* Integer matmul kernels for the cpu backend: intN weight codes (per-row
 * scale) times int8 activation codes (per-token scale), int32 accumulation,
 * fp32 rescale, in golden/intdot.h's contract. The sum is exact integer
 * arithmetic, so every variant gives golden's bits (tests/test_int_cpu.c):
 *   avx512vnni: vpdpbusd on 64 bytes (int8 weights: activations offset by
 *               +128 to unsigned, the offset removed with the row's code sum;
 *               2- and 4-bit weights: codes stored +1 / +8 as unsigned
 *               crumbs / nibbles, the offset removed with the token's code
 *               sum);
 *   avx2:       vpmaddubsw + vpmaddwd (int8: |a| times sign-moved w, which
 *               cannot saturate because codes stay within +-127);
 *   portable:   C int32 sums.
 * Weights are packed once (ki_matrix_init) in 64-byte blocks of 64 / 128 /
 * 256 columns (8 / 4 / 2-bit codes). */
#ifndef LPCS_SW_RUNTIME_INT_CPU_H
#define LPCS_SW_RUNTIME_INT_CPU_H

#include <stddef.h>
#include <stdint.h>

#include "fp_cpu.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { KI_PORTABLE = 0, KI_AVX2 = 1, KI_AVX512VNNI = 2, KI_COUNT } ki_variant;

int ki_supported(ki_variant v);
const char *ki_name(ki_variant v);
/* The integer variant that goes with an fp ISA choice (--isa): avx512 ->
 * avx512vnni if this CPU has AVX-512 VNNI+BW, else avx2; avx2 -> avx2. */
ki_variant ki_for_isa(kn_isa isa);

/* Packed weights: each row a run of 64-byte blocks (one cache line, one
 * aligned load), column i of a block in byte i % 64, field i / 64: bits
 * 5..8: 64 columns, one code per byte; bits 3..4: 128 columns as code + 8
 * nibbles (low nibble: columns 0-63); bits 2 (ternary): 256 columns as
 * code + 1 crumbs (bits 2f..2f+1 of byte i: column 64f + i). Rows are
 * padded with zero codes to kpad columns (a multiple of the block) and
 * interleaved in groups of KI_ROW_GROUP rows: block j of row 4g + i is at
 * byte 4g * row_bytes + (4j + i) * 64, so the kernels, which take 4 rows at
 * a time, read the matrix as one sequential stream. */
#define KI_ROW_GROUP 4
typedef struct {
    int bits;
    size_t rows, cols, kpad, row_bytes;
    uint8_t *w;
    float *scale;   /* per row */
    int32_t *wsum;  /* per row: sum of the codes */
} ki_matrix;

/* codes[rows][cols] in [-(2^(bits-1)-1), 2^(bits-1)-1], 2 <= bits <= 8;
 * scales[rows] (NULL: 0, for ki_gemm_i32 only). LPCS_EINVAL on a code out of
 * range or cols > INT32_MAX / (128 qmax) (2^17 for int8, 2^24 for ternary). */
/* The padded columns and bytes per row of a bits-bit matrix of cols columns
 * (LPCS_EINVAL for bits outside 2..8). */
int ki_layout(int bits, size_t cols, size_t *kpad, size_t *row_bytes);
int ki_matrix_init(ki_matrix *m, int bits, const int8_t *codes, const float *scales, size_t rows, size_t cols);
void ki_matrix_free(ki_matrix *m);

/* One token for ki_gemm: golden intdot's activation rule on x[cols] (every
 * variant gives golden intq's codes and scale); q gets kpad codes (zero
 * padded), *sa the scale, *qsum the sum of the codes. */
void ki_quantize_act(ki_variant v, const float *x, size_t cols, size_t kpad, int8_t *q, float *sa, int32_t *qsum);

/* Any int8 activations x[cols] (-128 included) for ki_gemm_i32: q gets kpad
 * codes (zero padded), *qsum their sum. */
void ki_pad_act(const int8_t *x, size_t cols, size_t kpad, int8_t *q, int32_t *qsum);

/* Y[t][r] = intdot_scale(sum_k W[r][k] * A[t][k], sa[t], scale[r]) for rows
 * r in [r0, r1) and tokens t < T (A: T rows of kpad codes; Y rows ldy apart). */
void ki_gemm(ki_variant v, const ki_matrix *m, float *Y, size_t ldy, const int8_t *A, const float *sa, const int32_t *qsum,
             size_t T, size_t r0, size_t r1);
/* The exact sums only: Y[t][r] = sum_k W[r][k] * A[t][k] (int32). */
void ki_gemm_i32(ki_variant v, const ki_matrix *m, int32_t *Y, size_t ldy, const int8_t *A, const int32_t *qsum, size_t T,
                 size_t r0, size_t r1);

#ifdef __cplusplus
}
#endif
#endif
