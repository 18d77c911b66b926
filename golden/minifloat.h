/* Small and half-width floating-point formats: FP4 E2M1, FP6 E2M3/E3M2,
 * FP8 E4M3 (fn) / E5M2, BF16, FP16.
 *
 * A value is a uint32_t holding the format's bit pattern in its low `bits`
 * bits (sign in the top bit of the format). Conversions round to nearest,
 * ties to even, and reproduce CUDA's host conversions (cuda_fp4/6/8.h,
 * cuda_bf16.h, cuda_fp16.h) bit for bit, including NaN, -0, subnormals and
 * overflow (see docs/formats.md "Minifloats"):
 *   - FP4/FP6 have no Inf/NaN: overflow and +-Inf give +-max, NaN gives +max
 *     (both modes).
 *   - FP8 E4M3: overflow/Inf -> +-448 (MF_SATFINITE) or NaN 0x7f|sign
 *     (MF_NONSAT). E5M2: overflow/Inf -> +-57344 or +-Inf.
 *     NaN from f32 -> 0x7f; NaN from f64 keeps its sign (E5M2 also keeps the
 *     top two payload bits, as CUDA does).
 *   - BF16/FP16: NaN -> 0x7fff; overflow -> +-Inf, or +-max with MF_SATFINITE
 *     (then +-Inf inputs also give +-max, like CUDA's satfinite FP8).
 * Decoding is exact; NaN codes decode to the fp32 NaN 0x7fffffff (bf16 keeps
 * its payload: bits << 16), as CUDA does.
 *
 * Arithmetic is correctly rounded to the format (one rounding of the exact
 * result, then the same overflow/NaN rules as mf_from_f64). */
#ifndef LPCS_GOLDEN_MINIFLOAT_H
#define LPCS_GOLDEN_MINIFLOAT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { MF_FP4_E2M1, MF_FP6_E2M3, MF_FP6_E3M2, MF_FP8_E4M3, MF_FP8_E5M2,
               MF_BF16, MF_FP16, MF_FORMAT_COUNT } mf_format;

/* Overflow (and +-Inf input): Inf/NaN (NONSAT) or the largest finite value. */
typedef enum { MF_NONSAT = 0, MF_SATFINITE = 1 } mf_sat;

typedef struct {
    const char *name;      /* "fp4e2m1", "fp6e2m3", "fp6e3m2", "fp8e4m3", "fp8e5m2", "bf16", "fp16" */
    int bits, ebits, mbits, bias, has_inf, has_nan;
    double max_finite;
} mf_info;

/* NULL if f is not a valid format. */
const mf_info *mf_get_info(mf_format f);

/* Code of the largest finite positive value, canonical NaN code (or the code a
 * NaN converts to for formats without NaN), number of codes (2^bits). */
uint32_t mf_max_code(mf_format f);
uint32_t mf_nan_code(mf_format f);
uint32_t mf_code_count(mf_format f);
int mf_is_nan(mf_format f, uint32_t bits);
int mf_is_inf(mf_format f, uint32_t bits);

uint32_t mf_from_f32(mf_format f, float x, mf_sat s);    /* RNE */
uint32_t mf_from_f64(mf_format f, double x, mf_sat s);   /* RNE, one rounding */
float    mf_to_f32(mf_format f, uint32_t bits);          /* exact */
double   mf_to_f64(mf_format f, uint32_t bits);          /* exact */

/* The complete value table: values[c] = mf_to_f32(f, c) for every code c.
 * Returns the number of codes, or 0 (writing nothing) if values is NULL,
 * cap is too small or f is invalid. */
size_t mf_value_table(mf_format f, float *values, size_t cap);

/* Array conversion for formats of at most 8 bits (one code per byte).
 * LPCS_OK, or LPCS_EINVAL (NULL with n > 0, or a 16-bit / invalid format). */
int mf_from_f32_array(mf_format f, mf_sat s, const float *x, size_t n, uint8_t *out);

/* Correctly rounded arithmetic (RNE). NaN results are mf_nan_code(f). */
uint32_t mf_add(mf_format f, mf_sat s, uint32_t a, uint32_t b);
uint32_t mf_sub(mf_format f, mf_sat s, uint32_t a, uint32_t b);
uint32_t mf_mul(mf_format f, mf_sat s, uint32_t a, uint32_t b);
uint32_t mf_div(mf_format f, mf_sat s, uint32_t a, uint32_t b);
uint32_t mf_sqrt(mf_format f, mf_sat s, uint32_t a);
uint32_t mf_fma(mf_format f, mf_sat s, uint32_t a, uint32_t b, uint32_t c); /* a*b+c */

#ifdef __cplusplus
}
#endif
#endif
