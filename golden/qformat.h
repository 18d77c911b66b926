/* qformat: the one format registry (names -> formats) and the one entry
 * point the runtime uses for quantization plans; `lpcs num` parses its
 * element formats here too.
 * Parse a format name, then quantize-dequantize a tensor laid out as rows of
 * row_len values (per-row scales for intN/ternary, blocks along each row for
 * MX/NVFP4; the NVFP4 tensor scale covers the whole tensor).
 *
 * Names (lowercase):
 *   fp32                       identity
 *   bf16 fp16 fp8e4m3 fp8e5m2 fp6e2m3 fp6e3m2 fp4e2m1
 *                              element-wise cast, RNE; fp8 overflow -> NaN/Inf;
 *                              fp6/fp4 (no Inf/NaN) saturate (sat = MF_SATFINITE)
 *   fp8e4m3sat fp8e5m2sat bf16sat fp16sat    ... saturating (MF_SATFINITE)
 *   mxfp8 (= mxfp8e4m3) mxfp8e5m2 mxfp6 (= mxfp6e2m3) mxfp6e3m2 mxfp4 mxint8
 *                              OCP MX, RNE; suffix "-ta" rounds ties away
 *   nvfp4                      NVFP4 (see mx.h)
 *   int2 .. int8               symmetric, per-row absmax scale (intq.h)
 *   ternary                    {-1,0,1}, per-row BitNet absmean scale
 *                              (ternary_absmean_quantize of golden/ternary.h;
 *                              dequantized value q / (1/beta))
 *   pNeE (p8e0, p16e1, ...)    posit(N, E), 2 <= N <= 32, 0 <= E <= 3:
 *                              posit_to_float(posit_from_float(x)), RNE, saturating
 */
#ifndef LPCS_GOLDEN_QFORMAT_H
#define LPCS_GOLDEN_QFORMAT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { QF_FP32, QF_MINIFLOAT, QF_MX, QF_NVFP4, QF_INT, QF_TERNARY, QF_POSIT } qformat_kind;

typedef struct qformat {
    qformat_kind kind;
    char name[24];        /* canonical name */
    int mf, sat;          /* QF_MINIFLOAT: mf_format, mf_sat */
    int mx_elem, mx_round;/* QF_MX: mx_elem, mx_round */
    int bits;             /* QF_INT: 2..8 */
    int posit_n, posit_es;/* QF_POSIT */
} qformat;

/* LPCS_OK; LPCS_EINVAL for NULL; LPCS_EUNSUPPORTED for an unknown name (out
 * is then zeroed). */
int qformat_parse(const char *name, qformat *out);

/* Quantize then dequantize n values (rows of row_len; n % row_len == 0).
 * in and out may alias. n == 0 is a no-op. LPCS_EINVAL for NULL pointers,
 * row_len == 0 with n > 0, or n not a multiple of row_len; LPCS_ENOMEM if
 * the ternary row buffer cannot be allocated (the only allocation);
 * LPCS_ERANGE for ternary when a row holds NaN/Inf (as ternary.h). Other
 * formats map NaN/Inf as their own rules say (mx.h, intq.h, minifloat.h). */
int qformat_roundtrip(const qformat *f, const float *in, float *out, size_t n, size_t row_len);

/* Storage bits per value including block scales (MX: 8/32, NVFP4: 8/16),
 * excluding per-row / per-tensor fp32 scales (see qformat_storage_bits). */
double qformat_bits_per_value(const qformat *f);
/* Total storage bits of n values in rows of row_len, all scales included. */
double qformat_storage_bits(const qformat *f, size_t n, size_t row_len);

#ifdef __cplusplus
}
#endif
#endif
