/* llama.cpp's ternary block formats TQ1_0 and TQ2_0 as load/store formats
 * (layouts learned from ggml's ggml-common.h / ggml-quants.c; this is an
 * independent implementation). Blocks of 256 weights, serialized exactly as
 * the C structs (no padding, little-endian fp16 scale d last):
 *
 *   TQ2_0, 66 bytes: qs[64] @0, d @64. Field value = trit + 1 (0 -> -1,
 *     1 -> 0, 2 -> +1; 3 is invalid here). Weight i of the block lives in
 *     qs[32*(i/128) + i%32], bits [2*((i%128)/32)+1 : 2*((i%128)/32)].
 *   TQ1_0, 54 bytes: qs[48] @0, qh[4] @48, d @52. Five base-3 digits per
 *     byte, stored "pre-scaled": for digits t0..t4 (each trit + 1, t0 most
 *     significant) c = t0*81 + t1*27 + t2*9 + t3*3 + t4, byte = ceil(c*256/243).
 *     Digit n of a byte b is read back as ((uint8_t)(b * 3^n) * 3) >> 8.
 *       weights   0..159: qs[i%32],            digit n = i/32
 *       weights 160..239: qs[32 + (i-160)%16], digit n = (i-160)/16
 *       weights 240..255: qh[(i-240)%4],       digit n = (i-240)/4 (digit 4 is 0)
 *
 * Store (quantize) follows llama.cpp's reference quantizer: d = max|x| over
 * the block (fp32), id = d ? 1.0f/d : 0, trit = lroundf(x * id) (ties away
 * from zero), d stored as fp16 (round to nearest even). Load (dequantize):
 * y = (float)trit * fp16_to_fp32(d). n must be a multiple of 256. */
#ifndef LPCS_GOLDEN_TERNARY_GGUF_H
#define LPCS_GOLDEN_TERNARY_GGUF_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TQ_BLOCK 256
#define TQ1_0_BLOCK_BYTES 54
#define TQ2_0_BLOCK_BYTES 66

/* IEEE binary16 <-> binary32 (RNE, overflow -> Inf, NaN kept quiet). */
uint16_t tq_fp16_from_f32(float x);
float tq_f32_from_fp16(uint16_t h);

/* Lossless: n trits (in {-1,0,1}) and one fp16 scale per block <-> blocks.
 * pack: LPCS_ERANGE on a weight outside {-1,0,1}; unpack TQ2_0: LPCS_EFORMAT
 * on field value 3. LPCS_EINVAL on NULL or n % 256 != 0. */
int tq1_0_pack(const int8_t *w, const uint16_t *d, size_t n, uint8_t *blocks);
int tq1_0_unpack(const uint8_t *blocks, size_t n, int8_t *w, uint16_t *d);
int tq2_0_pack(const int8_t *w, const uint16_t *d, size_t n, uint8_t *blocks);
int tq2_0_unpack(const uint8_t *blocks, size_t n, int8_t *w, uint16_t *d);

/* Store fp32 weights as blocks (llama.cpp's reference quantizer, above);
 * LPCS_ERANGE on non-finite input. */
int tq1_0_quantize(const float *x, size_t n, uint8_t *blocks);
int tq2_0_quantize(const float *x, size_t n, uint8_t *blocks);
/* Load blocks as fp32 weights: trit * d. */
int tq1_0_dequantize(const uint8_t *blocks, size_t n, float *y);
int tq2_0_dequantize(const uint8_t *blocks, size_t n, float *y);

#ifdef __cplusplus
}
#endif
#endif
