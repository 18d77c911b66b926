/* Independent shift-MAC oracle (see shiftmac_oracle.h). */
#include "shiftmac_oracle.h"

#include <math.h>
#include <stdlib.h>

int64_t orc_shift_weight(unsigned code) {
    double mag = 128.0 / pow(2.0, (double)(code % 8));
    return (int64_t)((code / 8) % 2 ? -mag : mag);
}

unsigned orc_shift_code_at(const uint8_t *row, size_t k) {
    uint8_t b = row[k / 2];
    return k % 2 ? (unsigned)(b / 16) : (unsigned)(b % 16);
}

void orc_shift_gemv(const uint8_t *packed, size_t rows, size_t cols, const int8_t *x, int64_t *y) {
    const size_t rb = (cols + 1) / 2;
    for (size_t r = 0; r < rows; r++) {
        int64_t acc = 0;
        for (size_t k = 0; k < cols; k++) acc += orc_shift_weight(orc_shift_code_at(packed + r * rb, k)) * (int64_t)x[k];
        y[r] = acc;
    }
}

unsigned orc_shift_quant(float w, float alpha) {
    unsigned sign = w < 0.0f ? 8u : 0u;
    if (w == 0.0f || alpha == 0.0f) return sign | 7u;
    long double lw = log2l(fabsl((long double)w)), la = log2l((long double)alpha);
    unsigned best = 0;
    long double bestd = INFINITY;
    for (unsigned e = 0; e < 8; e++) {
        long double d = fabsl(lw - (la - (long double)e));
        if (d < bestd) bestd = d, best = e;
    }
    return sign | best;
}

int orc_shift_linear(const uint8_t *codes, const float *alpha, size_t in, size_t out, const float *x,
                     float *y) {
    float amax = 0.0f;
    for (size_t k = 0; k < in; k++) {
        if (isnan(x[k]) || isinf(x[k])) return -1;
        amax = fmaxf(amax, fabsf(x[k]));
    }
    const float s = 127.0f / fmaxf(amax, 1e-5f);
    int8_t *xq = malloc(in ? in : 1);
    if (!xq) abort();
    for (size_t k = 0; k < in; k++) {
        double r = rint((double)(x[k] * s));
        xq[k] = (int8_t)(r > 127 ? 127 : r < -128 ? -128 : r);
    }
    for (size_t j = 0; j < out; j++) {
        int64_t acc = 0;
        for (size_t k = 0; k < in; k++) acc += orc_shift_weight(codes[j * in + k]) * xq[k];
        float ws = alpha[j] / 128.0f;
        float q = (float)acc / s;
        y[j] = q * ws;
    }
    free(xq);
    return 0;
}
