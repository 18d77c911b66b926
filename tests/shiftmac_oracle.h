/* Independent oracle of the shift-MAC unit (golden/shiftmac.h), written from
 * the documented contract without calling golden/shiftmac.c: weights decoded
 * through pow() and multiplied (no shifts), int64 sums, a quantizer that
 * searches all exponents by log2 distance, and the linear op's fp32 steps with
 * its own activation quantizer (rint = round half to even). */
#ifndef LPCS_TESTS_SHIFTMAC_ORACLE_H
#define LPCS_TESTS_SHIFTMAC_ORACLE_H

#include <stddef.h>
#include <stdint.h>

/* Integer weight of a 4-bit code: (-1)^bit3 * 128 / 2^bits2:0. */
int64_t orc_shift_weight(unsigned code);
/* Code k of a packed row (low nibble first). */
unsigned orc_shift_code_at(const uint8_t *row, size_t k);
/* y[r] = sum_k W[r][k] * x[k] in int64 over a packed [rows][ceil(cols/2)] matrix. */
void orc_shift_gemv(const uint8_t *packed, size_t rows, size_t cols, const int8_t *x, int64_t *y);
/* Code of w for scale alpha (alpha >= |w|): the e in 0..7 nearest in log2
 * distance, e = 7 for w = 0 or alpha = 0; sign bit iff w < 0. */
unsigned orc_shift_quant(float w, float alpha);
/* The linear op of shiftmac.h (steps 1-4) on unpacked codes [out][in] and
 * alpha[out]: returns 0, or -1 if x holds NaN/Inf. */
int orc_shift_linear(const uint8_t *codes, const float *alpha, size_t in, size_t out, const float *x,
                     float *y);

#endif
