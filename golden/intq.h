/* Symmetric integer quantization, INT2..INT8, and a generic ternary helper.
 *
 * Scale rule (per tensor or per row): qmax = 2^(bits-1) - 1 (the code
 * -2^(bits-1) is never produced, so the grid is symmetric),
 *   scale = absmax / qmax            (fp32 division; absmax over finite values)
 *   q     = clamp(RNE(x / scale), -qmax, qmax)   (fp32 division, ties to even)
 *   x'    = q * scale                (fp32)
 * scale = 0 (all-zero input) gives q = 0. NaN quantizes to 0, +-Inf to +-qmax.
 * The ternary helper is the same rule with qmax = 1 and a caller-chosen scale
 * (the BitNet absmean rule and 2-bit packing live in golden/ternary.h). */
#ifndef LPCS_GOLDEN_INTQ_H
#define LPCS_GOLDEN_INTQ_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* LPCS_OK if 2 <= bits <= 8, else LPCS_ERANGE. */
int intq_check_bits(int bits);
int intq_qmax(int bits);                       /* 2^(bits-1)-1, 0 if bits invalid */
float intq_scale_for_absmax(int bits, float absmax);   /* absmax / qmax */
float intq_absmax(const float *x, size_t n);   /* max |x| over finite entries (0 if none) */

/* One value with a given scale (scale <= 0 or NaN gives 0). */
int8_t intq_quantize_one(int bits, float x, float scale);

/* With a given scale. */
int intq_quantize(int bits, const float *x, size_t n, float scale, int8_t *q);
int intq_dequantize(const int8_t *q, size_t n, float scale, float *y);

/* Per-tensor absmax scale: *scale = intq_scale_for_absmax(bits, absmax(x)). */
int intq_quantize_tensor(int bits, const float *x, size_t n, int8_t *q, float *scale);
/* Per-row absmax scales: scales[rows]. */
int intq_quantize_rows(int bits, const float *x, size_t rows, size_t row_len, int8_t *q,
                       float *scales);
int intq_dequantize_rows(const int8_t *q, size_t rows, size_t row_len, const float *scales,
                         float *y);

/* Generic ternary: q = clamp(RNE(x / scale), -1, 1), values in {-1, 0, 1}. */
int intq_ternary_quantize(const float *x, size_t n, float scale, int8_t *q);

#ifdef __cplusplus
}
#endif
#endif
