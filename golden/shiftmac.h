/* Shift MAC (after DenseShift): weights are signed powers of two, a product
 * is an arithmetic shift of the int8 activation plus a sign, no multiplier.
 *
 * Weight code (4 bits, all 16 codes valid, zero-free as in DenseShift):
 *   bit 3     sign s (1 = negative)
 *   bits 2:0  exponent e in 0..7
 *   real weight        w = (-1)^s * 2^-e * alpha       (alpha: row/tensor scale)
 *   integer weight     W = (-1)^s * 2^(7-e)            in +-{1, 2, 4, ..., 128}
 * so w = W * alpha * 2^-7 and a product is x << (7 - e), negated if s = 1:
 * exact, no bits shifted out.
 *   Example: code 0x0 = +128 (w = +alpha), 0x7 = +1, 0x8 = -128, 0xF = -1.
 *
 * Packing: 2 codes per byte, code k in bits [4(k%2)+3 : 4(k%2)] of byte k/2
 * (first code in the low nibble). A matrix [rows][cols] is packed row by row,
 * each row padded to a whole byte; row r starts at byte r * shiftmac_row_bytes(cols).
 * Readers ignore the padding nibble; writers set it to 0.
 *   Example: codes {0x3, 0xA, 0x7} -> bytes 0xA3 0x07.
 *
 * Accumulator: |x * W| <= 128 * 128 = 2^14, so K <= SHIFTMAC_MAX_COLS = 2^16
 * terms keep |acc| <= 2^30 < 2^31: the int32 accumulator is exact by
 * construction (the RTL uses the same 32-bit width; a tile of KTILE terms
 * needs 16 + log2(KTILE) bits).
 *
 * Quantizer fp32 -> code (nearest power of two in the log domain):
 *   alpha = max |w| over the row (per_row) or over the whole tensor.
 *   For |w| <= alpha, e is the smallest e in 0..6 with
 *       |w| > alpha * 2^-(e + 1/2)   (i.e. 2 * w^2 * 4^e > alpha^2, exact in double),
 *   else e = 7 (zero-free: tiny weights and 0 go to the smallest magnitude).
 *   The boundary alpha * 2^-(e+1/2) is irrational for alpha != 0, so no float
 *   lies on it: there are no ties. s = 1 iff w < 0 (so -0.0 and +0.0 give s = 0).
 *   alpha = 0 (an all-zero row) gives code 0x7 everywhere (dequantizes to 0).
 *   NaN or +-Inf in the input: LPCS_ERANGE, the codes of that call are all 0
 *   and every alpha 0.
 *
 * Linear op (fp32 steps around the exact GEMV, like BitLinear's, no FMA):
 *   1. xq, s  = act_quant_absmax_i8(x)                    (golden/ternary.h)
 *   2. acc_j  = sum_k xq_k * W[j][k]                      exact int32
 *   3. ws_j   = alpha_j * 0x1p-7f                         fp32 product (exact unless subnormal)
 *   4. y_j    = ((float)acc_j / s) * ws_j                 RNE int -> fp32, fp32 division,
 *                                                          fp32 product, in this order */
#ifndef LPCS_GOLDEN_SHIFTMAC_H
#define LPCS_GOLDEN_SHIFTMAC_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SHIFTMAC_CODE_BITS 4
#define SHIFTMAC_EXP_LEVELS 8    /* e in 0..7 */
#define SHIFTMAC_FRAC_BITS 7     /* W = w / (alpha * 2^-7) */
#define SHIFTMAC_ACC_BITS 32
#define SHIFTMAC_MAX_COLS ((size_t)1 << 16)

/* Code of sign s (0/1) and exponent e (0..7); 0xFF if out of range. */
uint8_t shiftmac_code(int s, int e);
/* Integer weight (-1)^s * 2^(7-e) of a code (only the low 4 bits are read). */
int shiftmac_weight_int(uint8_t code);

/* Bytes of one packed row of cols codes: ceil(cols / 2). */
size_t shiftmac_row_bytes(size_t cols);
/* Pack n codes (each < 16, else LPCS_ERANGE) into ceil(n/2) bytes. */
int shiftmac_pack(const uint8_t *codes, size_t n, uint8_t *packed);
/* Unpack n codes (never fails on data: all codes are valid). */
int shiftmac_unpack(const uint8_t *packed, size_t n, uint8_t *codes);
/* Pack a row-major [rows][cols] code matrix (rows * shiftmac_row_bytes(cols) bytes). */
int shiftmac_pack_matrix(const uint8_t *codes, size_t rows, size_t cols, uint8_t *packed);

/* Code of one weight w given the scale alpha >= |w| (rule above). */
int shiftmac_quantize_one(float w, float alpha, uint8_t *code);
/* Quantize a row-major [rows][cols] matrix to codes ([rows][cols], unpacked)
 * and scales alpha[rows] (per_row 0: one absmax over the tensor, repeated). */
int shiftmac_quantize(const float *w, size_t rows, size_t cols, int per_row, uint8_t *codes,
                      float *alpha);
/* Dequantized weight alpha * 2^-e * (-1)^s (fp32 product; exact unless subnormal). */
float shiftmac_dequant_one(uint8_t code, float alpha);

/* y[r] = sum_c W[r][c] * x[c], exact in int32. LPCS_ERANGE if cols is 0 or
 * exceeds SHIFTMAC_MAX_COLS; LPCS_EINVAL on NULL or rows 0. */
int shiftmac_gemv_i32(const uint8_t *packed, size_t rows, size_t cols, const int8_t *x, int32_t *y);
/* GEMM over ntok tokens: x is [ntok][cols] (row-major), y is [ntok][rows]. */
int shiftmac_gemm_i32(const uint8_t *packed, size_t rows, size_t cols, const int8_t *x, size_t ntok,
                      int32_t *y);

/* A linear layer with shift weights. Owns its arrays. */
typedef struct {
    size_t in, out;
    uint8_t *packed; /* [out][shiftmac_row_bytes(in)] */
    float *alpha;    /* [out] */
    float *wscale;   /* [out] = alpha * 2^-7 (step 3) */
} shiftmac_linear;

/* w: row-major [out][in] fp32 (nn.Linear layout). On failure L is left empty. */
int shiftmac_linear_init(shiftmac_linear *L, const float *w, size_t in, size_t out, int per_row);
void shiftmac_linear_free(shiftmac_linear *L);
size_t shiftmac_linear_scratch_bytes(const shiftmac_linear *L);
/* y[out] = L(x[in]) by steps 1-4; x and y must not overlap. */
int shiftmac_linear_forward(const shiftmac_linear *L, const float *x, float *y, void *scratch);
/* Step 4 alone: y_j = ((float)acc_j / s) * wscale_j. */
int shiftmac_dequant(const int32_t *acc, size_t n, float s, const float *wscale, float *y);

#ifdef __cplusplus
}
#endif
#endif
