/* BitLinear in the fixed fp32 order documented in bitlinear.h. */
#include "bitlinear.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int sizes_ok(size_t in, size_t out) {
    return in > 0 && out > 0 && in <= TERNARY_MAX_COLS && out <= SIZE_MAX / in / 4;
}

static int alloc_arrays(bitlinear *L, size_t in, size_t out, const float *norm_w) {
    memset(L, 0, sizeof *L);
    L->packed = malloc(out * ternary_row_bytes(in));
    L->norm_weight = malloc(in * sizeof(float));
    if (!L->packed || !L->norm_weight) {
        bitlinear_free(L);
        return LPCS_ENOMEM;
    }
    memcpy(L->norm_weight, norm_w, in * sizeof(float));
    L->in = in;
    L->out = out;
    return LPCS_OK;
}

int bitlinear_init_from_ternary(bitlinear *L, const int8_t *wq, float beta, const float *norm_w,
                                size_t in, size_t out) {
    if (!L) return LPCS_EINVAL;
    memset(L, 0, sizeof *L);
    if (!wq || !norm_w) return LPCS_EINVAL;
    if (!sizes_ok(in, out) || !(beta >= 1e-5f) || !isfinite(beta)) return LPCS_ERANGE;
    int st = alloc_arrays(L, in, out, norm_w);
    if (st) return st;
    st = ternary_pack_matrix(wq, out, in, L->packed);
    if (st) {
        bitlinear_free(L);
        return st;
    }
    L->beta = beta;
    L->inv_beta = 1.0f / beta;
    return LPCS_OK;
}

int bitlinear_init_from_latent(bitlinear *L, const float *latent_w, const float *norm_w, size_t in,
                               size_t out) {
    if (!L) return LPCS_EINVAL;
    memset(L, 0, sizeof *L);
    if (!latent_w || !norm_w) return LPCS_EINVAL;
    if (!sizes_ok(in, out)) return LPCS_ERANGE;
    int8_t *q = malloc(in * out);
    if (!q) return LPCS_ENOMEM;
    float beta = 0.0f;
    int st = ternary_absmean_quantize(latent_w, in * out, q, &beta);
    if (!st) st = bitlinear_init_from_ternary(L, q, beta, norm_w, in, out);
    free(q);
    return st;
}

void bitlinear_free(bitlinear *L) {
    if (!L) return;
    free(L->packed);
    free(L->norm_weight);
    memset(L, 0, sizeof *L);
}

size_t bitlinear_scratch_bytes(const bitlinear *L) {
    if (!L) return 0;
    return L->in * sizeof(float) + L->out * sizeof(int32_t) + L->in;
}

int bitlinear_rmsnorm_f32(const float *x, const float *w, size_t n, float eps, float *y) {
    if (!x || !w || !y || n == 0) return LPCS_EINVAL;
    float ms = (float)(ternary_sum32_sq_f32(x, n) / (double)n);
    float r = 1.0f / sqrtf(ms + eps);
    for (size_t k = 0; k < n; k++) {
        float t = x[k] * r;
        y[k] = t * w[k];
    }
    return LPCS_OK;
}

int bitlinear_dequant(const int32_t *acc, size_t n, float s, float inv_beta, float *y) {
    if (!acc || !y) return LPCS_EINVAL;
    for (size_t j = 0; j < n; j++) {
        float a = (float)acc[j] / s;
        y[j] = a / inv_beta;
    }
    return LPCS_OK;
}

int bitlinear_forward(const bitlinear *L, const float *x, float *y, void *scratch) {
    if (!L || !L->packed || !L->norm_weight || !x || !y || !scratch) return LPCS_EINVAL;
    float *xh = scratch;
    int32_t *acc = (int32_t *)(xh + L->in);
    int8_t *xq = (int8_t *)(acc + L->out);
    float s = 0.0f;
    int st = bitlinear_rmsnorm_f32(x, L->norm_weight, L->in, BITLINEAR_NORM_EPS, xh);
    if (!st) st = act_quant_absmax_i8(xh, L->in, xq, &s);
    if (!st) st = ternary_gemv_i32(L->packed, L->out, L->in, xq, acc);
    if (!st) st = bitlinear_dequant(acc, L->out, s, L->inv_beta, y);
    return st;
}
