/* Ternary packing, quantizers and exact integer GEMV (see ternary.h). */
#include "ternary.h"

#include <math.h>
#include <string.h>

size_t ternary_row_bytes(size_t cols) { return cols / 4 + (cols % 4 != 0); }

/* 2-bit code of a weight in {-1, 0, 1}. */
static uint8_t encode(int8_t w) { return w == 0 ? 0u : (w > 0 ? 1u : 3u); }

/* Nonzero if any of the 2-bit fields selected by mask (0x55-style, one bit
 * per field) holds the invalid code 0b10. */
static int has_invalid(uint8_t b, uint8_t mask) { return ((b >> 1) & ~b & mask) != 0; }

/* Code -> weight for a valid code: 0 -> 0, 1 -> +1, 3 -> -1. */
static int decode(unsigned c) { return (int)(c & 1u) * (1 - (int)(c & 2u)); }

/* Field mask covering the first `left` (1..4) weights of a byte. */
static uint8_t field_mask(size_t left) { return left >= 4 ? 0x55u : (uint8_t)(0x55u & ((1u << (2 * left)) - 1u)); }

int ternary_pack(const int8_t *w, size_t n, uint8_t *packed) {
    if ((!w || !packed) && n) return LPCS_EINVAL;
    for (size_t k = 0; k < n; k++)
        if (w[k] < -1 || w[k] > 1) return LPCS_ERANGE;
    size_t nb = ternary_row_bytes(n);
    for (size_t i = 0; i < nb; i++) {
        uint8_t b = 0;
        for (size_t j = 0; j < 4 && 4 * i + j < n; j++) b |= (uint8_t)(encode(w[4 * i + j]) << (2 * j));
        packed[i] = b;
    }
    return LPCS_OK;
}

int ternary_unpack(const uint8_t *packed, size_t n, int8_t *w) {
    if ((!w || !packed) && n) return LPCS_EINVAL;
    for (size_t i = 0; i < ternary_row_bytes(n); i++)
        if (has_invalid(packed[i], field_mask(n - 4 * i))) return LPCS_EFORMAT;
    for (size_t k = 0; k < n; k++) w[k] = (int8_t)decode((packed[k / 4] >> (2 * (k % 4))) & 3u);
    return LPCS_OK;
}

int ternary_pack_matrix(const int8_t *w, size_t rows, size_t cols, uint8_t *packed) {
    if ((!w || !packed) && rows && cols) return LPCS_EINVAL;
    size_t rb = ternary_row_bytes(cols);
    for (size_t r = 0; r < rows; r++) {
        int st = ternary_pack(w + r * cols, cols, packed + r * rb);
        if (st) return st;
    }
    return LPCS_OK;
}

float ternary_round_half_even(float v) {
    if (!(fabsf(v) < 8388608.0f)) return v; /* |v| >= 2^23 is an integer (or NaN) */
    float f = floorf(v);
    float d = v - f; /* exact: the fraction of a float below 2^23 is representable */
    if (d > 0.5f) return f + 1.0f;
    if (d < 0.5f) return f;
    return fmodf(f, 2.0f) == 0.0f ? f : f + 1.0f;
}

static double sum32(const float *x, size_t n, int square) {
    double lane[32] = {0};
    for (size_t k = 0; k < n; k++) {
        double v = (double)x[k];
        lane[k % 32] += square ? v * v : fabs(v);
    }
    double s = 0.0;
    for (int j = 0; j < 32; j++) s += lane[j];
    return s;
}
double ternary_sum32_abs_f32(const float *x, size_t n) { return x ? sum32(x, n, 0) : 0.0; }
double ternary_sum32_sq_f32(const float *x, size_t n) { return x ? sum32(x, n, 1) : 0.0; }

static int all_finite(const float *x, size_t n) {
    for (size_t k = 0; k < n; k++)
        if (!isfinite(x[k])) return 0;
    return 1;
}

int ternary_absmean_quantize(const float *w, size_t n, int8_t *q, float *beta) {
    if (!w || !q || !beta || n == 0) return LPCS_EINVAL;
    if (!all_finite(w, n)) {
        memset(q, 0, n);
        *beta = 0.0f;
        return LPCS_ERANGE;
    }
    float mean = (float)(ternary_sum32_abs_f32(w, n) / (double)n);
    float b = mean > 1e-5f ? mean : 1e-5f;
    float inv = 1.0f / b;
    for (size_t k = 0; k < n; k++) {
        float r = ternary_round_half_even(w[k] * inv);
        q[k] = (int8_t)(r > 1.0f ? 1 : (r < -1.0f ? -1 : (int)r));
    }
    *beta = b;
    return LPCS_OK;
}

int act_quant_absmax_i8(const float *x, size_t n, int8_t *q, float *scale) {
    if (!x || !q || !scale || n == 0) return LPCS_EINVAL;
    if (!all_finite(x, n)) {
        memset(q, 0, n);
        *scale = 0.0f;
        return LPCS_ERANGE;
    }
    float amax = 0.0f;
    for (size_t k = 0; k < n; k++)
        if (fabsf(x[k]) > amax) amax = fabsf(x[k]);
    float s = 127.0f / (amax > 1e-5f ? amax : 1e-5f);
    for (size_t k = 0; k < n; k++) {
        float r = ternary_round_half_even(x[k] * s);
        q[k] = (int8_t)(r > 127.0f ? 127 : (r < -128.0f ? -128 : (int)r));
    }
    *scale = s;
    return LPCS_OK;
}

int act_quant_absmax_fixed_i8(const int32_t *x, size_t n, int8_t *q, uint32_t *amax) {
    if (!x || !q || !amax || n == 0) return LPCS_EINVAL;
    uint32_t m = 0;
    for (size_t k = 0; k < n; k++) {
        uint32_t a = x[k] < 0 ? 0u - (uint32_t)x[k] : (uint32_t)x[k];
        if (a > m) m = a;
    }
    for (size_t k = 0; k < n; k++) {
        if (m == 0) {
            q[k] = 0;
            continue;
        }
        uint64_t a = x[k] < 0 ? 0u - (uint32_t)x[k] : (uint32_t)x[k];
        uint64_t num = 127 * a, quo = num / m, rem = num % m; /* quo <= 127 */
        if (2 * rem > m || (2 * rem == m && (quo & 1))) quo++;
        q[k] = (int8_t)(x[k] < 0 ? -(int)quo : (int)quo);
    }
    *amax = m;
    return LPCS_OK;
}

/* One row: exact dot product, or LPCS_EFORMAT on an invalid code. */
static int row_dot(const uint8_t *row, size_t cols, const int8_t *x, int32_t *out) {
    int64_t acc = 0; /* |acc| <= 128 * 2^24 fits int32; int64 keeps the sum obviously UB-free */
    size_t full = cols / 4;
    uint8_t bad = 0;
    for (size_t i = 0; i < full; i++) { /* whole bytes: 4 weights each */
        unsigned b = row[i];
        bad |= (uint8_t)((b >> 1) & ~b & 0x55u);
        const int8_t *xx = x + 4 * i;
        acc += decode(b & 3u) * xx[0] + decode((b >> 2) & 3u) * xx[1] + decode((b >> 4) & 3u) * xx[2] +
               decode(b >> 6) * xx[3];
    }
    if (bad) return LPCS_EFORMAT;
    if (cols % 4) { /* the last, partial byte: only its first cols % 4 fields count */
        uint8_t b = row[full];
        if (has_invalid(b, field_mask(cols % 4))) return LPCS_EFORMAT;
        for (size_t j = 0; j < cols % 4; j++) acc += decode((b >> (2 * j)) & 3u) * (int)x[4 * full + j];
    }
    *out = (int32_t)acc;
    return LPCS_OK;
}

int ternary_gemv_i32(const uint8_t *packed, size_t rows, size_t cols, const int8_t *x, int32_t *y) {
    return ternary_gemm_i32(packed, rows, cols, x, 1, y);
}

int ternary_gemm_i32(const uint8_t *packed, size_t rows, size_t cols, const int8_t *x, size_t ntok,
                     int32_t *y) {
    if (!packed || !x || !y) return LPCS_EINVAL;
    if (cols == 0 || cols > TERNARY_MAX_COLS || rows == 0 || ntok == 0) return LPCS_ERANGE;
    size_t rb = ternary_row_bytes(cols);
    if (rows > SIZE_MAX / rb || ntok > SIZE_MAX / cols || ntok > SIZE_MAX / rows) return LPCS_ERANGE;
    for (size_t t = 0; t < ntok; t++)
        for (size_t r = 0; r < rows; r++) {
            int st = row_dot(packed + r * rb, cols, x + t * cols, &y[t * rows + r]);
            if (st) return st;
        }
    return LPCS_OK;
}
