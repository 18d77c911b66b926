/* Symmetric integer quantization; see intq.h for the rule. */
#include "intq.h"

#include <math.h>

#include "status.h"

int intq_check_bits(int bits) { return bits >= 2 && bits <= 8 ? LPCS_OK : LPCS_ERANGE; }

int intq_qmax(int bits) { return intq_check_bits(bits) == LPCS_OK ? (1 << (bits - 1)) - 1 : 0; }

float intq_scale_for_absmax(int bits, float absmax) {
    int qmax = intq_qmax(bits);
    return qmax ? absmax / (float)qmax : 0.0f;
}

float intq_absmax(const float *x, size_t n) {
    float m = 0.0f;
    for (size_t i = 0; x && i < n; i++)
        if (isfinite(x[i]) && fabsf(x[i]) > m) m = fabsf(x[i]);
    return m;
}

/* Round to nearest integer, ties to even, independent of the FP environment. */
static float round_half_even(float t) {
    if (!(fabsf(t) < 0x1p23f)) return t;   /* already an integer (or Inf) */
    float f = floorf(t), d = t - f;       /* exact */
    if (d > 0.5f) return f + 1.0f;
    if (d < 0.5f) return f;
    return fmodf(f, 2.0f) == 0.0f ? f : f + 1.0f;
}

static int8_t quant(int qmax, float x, float scale) {
    if (isnan(x) || !(scale > 0.0f)) return 0;
    float t = round_half_even(x / scale);
    if (t > (float)qmax) return (int8_t)qmax;
    if (t < -(float)qmax) return (int8_t)-qmax;
    return (int8_t)t;
}

int8_t intq_quantize_one(int bits, float x, float scale) {
    int qmax = intq_qmax(bits);
    return qmax ? quant(qmax, x, scale) : 0;
}

int intq_quantize(int bits, const float *x, size_t n, float scale, int8_t *q) {
    int qmax = intq_qmax(bits);
    if (!qmax) return LPCS_ERANGE;
    if (n && (!x || !q)) return LPCS_EINVAL;
    for (size_t i = 0; i < n; i++) q[i] = quant(qmax, x[i], scale);
    return LPCS_OK;
}

int intq_dequantize(const int8_t *q, size_t n, float scale, float *y) {
    if (n && (!q || !y)) return LPCS_EINVAL;
    for (size_t i = 0; i < n; i++) y[i] = (float)q[i] * scale;
    return LPCS_OK;
}

int intq_quantize_tensor(int bits, const float *x, size_t n, int8_t *q, float *scale) {
    if (intq_check_bits(bits) != LPCS_OK) return LPCS_ERANGE;
    if (!scale || (n && (!x || !q))) return LPCS_EINVAL;
    *scale = intq_scale_for_absmax(bits, intq_absmax(x, n));
    return intq_quantize(bits, x, n, *scale, q);
}

int intq_quantize_rows(int bits, const float *x, size_t rows, size_t row_len, int8_t *q,
                       float *scales) {
    if (intq_check_bits(bits) != LPCS_OK) return LPCS_ERANGE;
    if (rows && row_len && rows > SIZE_MAX / row_len) return LPCS_ERANGE;
    if (rows && (!scales || (row_len && (!x || !q)))) return LPCS_EINVAL;
    if (row_len == 0) {   /* empty rows: scale 0, nothing to quantize */
        for (size_t r = 0; r < rows; r++) scales[r] = 0.0f;
        return LPCS_OK;
    }
    for (size_t r = 0; r < rows; r++) {
        int rc = intq_quantize_tensor(bits, x + r * row_len, row_len, q + r * row_len, &scales[r]);
        if (rc) return rc;
    }
    return LPCS_OK;
}

int intq_dequantize_rows(const int8_t *q, size_t rows, size_t row_len, const float *scales,
                         float *y) {
    if (rows && row_len && rows > SIZE_MAX / row_len) return LPCS_ERANGE;
    if (rows && row_len && (!q || !scales || !y)) return LPCS_EINVAL;
    for (size_t r = 0; r < rows && row_len; r++)
        intq_dequantize(q + r * row_len, row_len, scales[r], y + r * row_len);
    return LPCS_OK;
}

int intq_ternary_quantize(const float *x, size_t n, float scale, int8_t *q) {
    if (n && (!x || !q)) return LPCS_EINVAL;
    for (size_t i = 0; i < n; i++) q[i] = quant(1, x[i], scale);
    return LPCS_OK;
}
