/* Shift MAC golden model: codes, packing, quantizer, exact GEMV (see shiftmac.h). */
#include "shiftmac.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ternary.h" /* act_quant_absmax_i8 */

uint8_t shiftmac_code(int s, int e) {
    if ((s != 0 && s != 1) || e < 0 || e >= SHIFTMAC_EXP_LEVELS) return 0xFF;
    return (uint8_t)((s << 3) | e);
}

int shiftmac_weight_int(uint8_t code) {
    int mag = 1 << (SHIFTMAC_FRAC_BITS - (code & 7));
    return (code & 8) ? -mag : mag;
}

size_t shiftmac_row_bytes(size_t cols) { return cols / 2 + (cols & 1); }

int shiftmac_pack(const uint8_t *codes, size_t n, uint8_t *packed) {
    if ((!codes || !packed) && n) return LPCS_EINVAL;
    for (size_t k = 0; k < n; k++)
        if (codes[k] > 15) return LPCS_ERANGE;
    for (size_t i = 0; i < n / 2; i++) packed[i] = (uint8_t)(codes[2 * i] | (codes[2 * i + 1] << 4));
    if (n & 1) packed[n / 2] = codes[n - 1];
    return LPCS_OK;
}

int shiftmac_unpack(const uint8_t *packed, size_t n, uint8_t *codes) {
    if ((!codes || !packed) && n) return LPCS_EINVAL;
    for (size_t k = 0; k < n; k++) codes[k] = (uint8_t)((packed[k / 2] >> (4 * (k & 1))) & 15u);
    return LPCS_OK;
}

int shiftmac_pack_matrix(const uint8_t *codes, size_t rows, size_t cols, uint8_t *packed) {
    if ((!codes || !packed) && rows && cols) return LPCS_EINVAL;
    size_t rb = shiftmac_row_bytes(cols);
    for (size_t r = 0; r < rows; r++) {
        int st = shiftmac_pack(codes + r * cols, cols, packed + r * rb);
        if (st) return st;
    }
    return LPCS_OK;
}

/* Exponent of |w| against alpha: the first e whose lower log-domain boundary
 * alpha * 2^-(e+1/2) lies below |w|. Both squares are exact in double
 * (24-bit significands), and so is the power-of-two factor. */
static int nearest_exp(float w, float alpha) {
    const double a2 = (double)w * (double)w, al2 = (double)alpha * (double)alpha;
    double f = 2.0; /* 2 * 4^e */
    for (int e = 0; e < SHIFTMAC_EXP_LEVELS - 1; e++, f *= 4.0)
        if (a2 * f > al2) return e;
    return SHIFTMAC_EXP_LEVELS - 1;
}

int shiftmac_quantize_one(float w, float alpha, uint8_t *code) {
    if (!code) return LPCS_EINVAL;
    if (!isfinite(w) || !isfinite(alpha) || alpha < 0.0f || fabsf(w) > alpha) return LPCS_ERANGE;
    *code = (uint8_t)(((w < 0.0f) << 3) | nearest_exp(w, alpha));
    return LPCS_OK;
}

static float absmax(const float *w, size_t n, int *finite) {
    float m = 0.0f;
    for (size_t k = 0; k < n; k++) {
        if (!isfinite(w[k])) *finite = 0;
        else if (fabsf(w[k]) > m) m = fabsf(w[k]);
    }
    return m;
}

int shiftmac_quantize(const float *w, size_t rows, size_t cols, int per_row, uint8_t *codes,
                      float *alpha) {
    if (!w || !codes || !alpha || rows == 0 || cols == 0) return LPCS_EINVAL;
    int finite = 1;
    float tensor_max = per_row ? 0.0f : absmax(w, rows * cols, &finite);
    for (size_t r = 0; r < rows && finite; r++) {
        alpha[r] = per_row ? absmax(w + r * cols, cols, &finite) : tensor_max;
        for (size_t c = 0; c < cols && finite; c++)
            if (shiftmac_quantize_one(w[r * cols + c], alpha[r], &codes[r * cols + c]) != LPCS_OK) finite = 0;
    }
    if (!finite) {
        memset(codes, 0, rows * cols);
        for (size_t r = 0; r < rows; r++) alpha[r] = 0.0f;
        return LPCS_ERANGE;
    }
    return LPCS_OK;
}

float shiftmac_dequant_one(uint8_t code, float alpha) {
    float v = alpha * ldexpf(1.0f, -(int)(code & 7));
    return (code & 8) ? -v : v;
}

/* One row: each term is x shifted left by 7 - e, negated for s = 1. */
static int32_t dot_row(const uint8_t *row, size_t cols, const int8_t *x) {
    int32_t acc = 0;
    for (size_t k = 0; k < cols; k++) {
        unsigned c = (row[k / 2] >> (4 * (k & 1))) & 15u;
        int32_t t = (int32_t)x[k] * (int32_t)(1u << (SHIFTMAC_FRAC_BITS - (c & 7u)));
        acc += (c & 8u) ? -t : t;
    }
    return acc;
}

int shiftmac_gemv_i32(const uint8_t *packed, size_t rows, size_t cols, const int8_t *x, int32_t *y) {
    return shiftmac_gemm_i32(packed, rows, cols, x, 1, y);
}

int shiftmac_gemm_i32(const uint8_t *packed, size_t rows, size_t cols, const int8_t *x, size_t ntok,
                      int32_t *y) {
    if (!packed || !x || !y || rows == 0 || ntok == 0) return LPCS_EINVAL;
    if (cols == 0 || cols > SHIFTMAC_MAX_COLS) return LPCS_ERANGE;
    const size_t rb = shiftmac_row_bytes(cols);
    for (size_t t = 0; t < ntok; t++)
        for (size_t r = 0; r < rows; r++) y[t * rows + r] = dot_row(packed + r * rb, cols, x + t * cols);
    return LPCS_OK;
}

int shiftmac_linear_init(shiftmac_linear *L, const float *w, size_t in, size_t out, int per_row) {
    if (!L) return LPCS_EINVAL;
    memset(L, 0, sizeof *L);
    if (!w || in == 0 || out == 0) return LPCS_EINVAL;
    if (in > SHIFTMAC_MAX_COLS || out > SIZE_MAX / in / sizeof(float)) return LPCS_ERANGE;
    uint8_t *codes = malloc(in * out);
    L->packed = malloc(out * shiftmac_row_bytes(in));
    L->alpha = malloc(out * sizeof(float));
    L->wscale = malloc(out * sizeof(float));
    int st = (!codes || !L->packed || !L->alpha || !L->wscale) ? LPCS_ENOMEM : LPCS_OK;
    if (st == LPCS_OK) st = shiftmac_quantize(w, out, in, per_row, codes, L->alpha);
    if (st == LPCS_OK) st = shiftmac_pack_matrix(codes, out, in, L->packed);
    free(codes);
    if (st != LPCS_OK) {
        shiftmac_linear_free(L);
        return st;
    }
    for (size_t j = 0; j < out; j++) L->wscale[j] = L->alpha[j] * 0x1p-7f;
    L->in = in, L->out = out;
    return LPCS_OK;
}

void shiftmac_linear_free(shiftmac_linear *L) {
    if (!L) return;
    free(L->packed);
    free(L->alpha);
    free(L->wscale);
    memset(L, 0, sizeof *L);
}

size_t shiftmac_linear_scratch_bytes(const shiftmac_linear *L) {
    return L ? L->out * sizeof(int32_t) + L->in : 0;
}

int shiftmac_dequant(const int32_t *acc, size_t n, float s, const float *wscale, float *y) {
    if ((!acc || !wscale || !y) && n) return LPCS_EINVAL;
    for (size_t j = 0; j < n; j++) {
        float q = (float)acc[j] / s;
        y[j] = q * wscale[j];
    }
    return LPCS_OK;
}

int shiftmac_linear_forward(const shiftmac_linear *L, const float *x, float *y, void *scratch) {
    if (!L || !L->packed || !x || !y || !scratch) return LPCS_EINVAL;
    int32_t *acc = scratch;
    int8_t *xq = (int8_t *)(acc + L->out);
    float s;
    int st = act_quant_absmax_i8(x, L->in, xq, &s);
    if (st == LPCS_OK) st = shiftmac_gemv_i32(L->packed, L->out, L->in, xq, acc);
    if (st == LPCS_OK) st = shiftmac_dequant(acc, L->out, s, L->wscale, y);
    return st;
}
