/* Tequila-style grouped ternary with a dead-zone bias (see tequila.h). */
#include "tequila.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ternary.h"

void tequila_free(tequila_matrix *M) {
    if (!M) return;
    free(M->packed), free(M->alpha), free(M->bias);
    memset(M, 0, sizeof *M);
}

int tequila_quantize(const float *w, size_t rows, size_t cols, size_t group, float lambda, tequila_matrix *M) {
    if (!M) return LPCS_EINVAL;
    memset(M, 0, sizeof *M);
    if (!w) return LPCS_EINVAL;
    if (!rows || !cols || !group || cols > TERNARY_MAX_COLS || rows > SIZE_MAX / cols / 4 || !isfinite(lambda))
        return LPCS_ERANGE;
    for (size_t i = 0; i < rows * cols; i++)
        if (!isfinite(w[i])) return LPCS_ERANGE;
    size_t groups = cols / group + (cols % group != 0), rb = ternary_row_bytes(cols);
    M->packed = malloc(rows * rb);
    M->alpha = malloc(rows * groups * sizeof(float));
    M->bias = malloc(rows * sizeof(float));
    int8_t *q = malloc(cols);
    if (!M->packed || !M->alpha || !M->bias || !q) {
        free(q);
        tequila_free(M);
        return LPCS_ENOMEM;
    }
    M->rows = rows, M->cols = cols, M->group = group, M->groups = groups, M->lambda = lambda;
    for (size_t r = 0; r < rows; r++) {
        const float *wr = w + r * cols;
        double dead = 0.0;
        for (size_t g = 0; g < groups; g++) {
            size_t k0 = g * group, k1 = k0 + group < cols ? k0 + group : cols;
            double sum = 0.0;
            for (size_t k = k0; k < k1; k++) sum += fabs((double)wr[k]);
            float mean = (float)(sum / (double)(k1 - k0));
            float alpha = mean > 1e-5f ? mean : 1e-5f, inv = 1.0f / alpha;
            M->alpha[r * groups + g] = alpha;
            for (size_t k = k0; k < k1; k++) {
                float v = ternary_round_half_even(wr[k] * inv);
                q[k] = (int8_t)(v > 1.0f ? 1 : (v < -1.0f ? -1 : (int)v));
            }
        }
        for (size_t k = 0; k < cols; k++)
            if (q[k] == 0) dead += (double)wr[k];
        M->bias[r] = lambda * (float)dead;
        ternary_pack(q, cols, M->packed + r * rb);
    }
    free(q);
    return LPCS_OK;
}

int tequila_dequantize(const tequila_matrix *M, float *w_hat) {
    if (!M || !M->packed || !w_hat) return LPCS_EINVAL;
    int8_t *q = malloc(M->cols);
    if (!q) return LPCS_ENOMEM;
    size_t rb = ternary_row_bytes(M->cols);
    for (size_t r = 0; r < M->rows; r++) {
        int st = ternary_unpack(M->packed + r * rb, M->cols, q);
        if (st) {
            free(q);
            return st;
        }
        for (size_t k = 0; k < M->cols; k++) w_hat[r * M->cols + k] = (float)q[k] * M->alpha[r * M->groups + k / M->group];
    }
    free(q);
    return LPCS_OK;
}

int tequila_gemv(const tequila_matrix *M, const int8_t *xq, float s, float *y) {
    if (!M || !M->packed || !xq || !y) return LPCS_EINVAL;
    size_t rb = ternary_row_bytes(M->cols);
    for (size_t r = 0; r < M->rows; r++) {
        float t = 0.0f;
        for (size_t g = 0; g < M->groups; g++) {
            size_t k0 = g * M->group, n = k0 + M->group < M->cols ? M->group : M->cols - k0;
            int64_t acc = 0; /* exact: |acc| <= 128 * cols < 2^31 */
            for (size_t k = k0; k < k0 + n; k++) {
                unsigned code = (M->packed[r * rb + k / 4] >> (2 * (k % 4))) & 3u;
                if (code == 2) return LPCS_EFORMAT;
                acc += (code == 1 ? 1 : (code == 3 ? -1 : 0)) * (int)xq[k];
            }
            float p = (float)(int32_t)acc * M->alpha[r * M->groups + g];
            t = t + p;
        }
        float u = t / s;
        y[r] = u + M->bias[r];
    }
    return LPCS_OK;
}
