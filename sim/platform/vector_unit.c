/* The platform's vector / fp32 unit (vector_unit.h). */
#include "vector_unit.h"

#include <math.h>
#include <string.h>

#include "fmath.h"

void pv_rmsnorm(float *o, const float *x, const float *w, size_t n, float eps) {
    float ss = lpcs_dot_f32(x, x, n);
    ss /= (float)n;
    ss += eps;
    ss = 1.0f / sqrtf(ss);
    for (size_t j = 0; j < n; j++) o[j] = w[j] * (ss * x[j]);
}

void pv_gemv_f32(float *y, const void *W, int bf16, const float *x, size_t rows, size_t cols) {
    if (!bf16) {
        for (size_t r = 0; r < rows; r++) y[r] = lpcs_dot_f32((const float *)W + r * cols, x, cols);
        return;
    }
    float p[LPCS_DOT_LANES]; /* bf16 widened exactly, then the same order */
    const uint16_t *B = W;
    for (size_t r = 0; r < rows; r++) {
        for (int l = 0; l < LPCS_DOT_LANES; l++) p[l] = 0.0f;
        for (size_t i = 0; i < cols; i++)
            p[i % LPCS_DOT_LANES] = fmaf(lpcs_u2f((uint32_t)B[r * cols + i] << 16), x[i], p[i % LPCS_DOT_LANES]);
        y[r] = lpcs_dot_tree16(p);
    }
}

void pv_rope(float *q, size_t n, float *k, size_t nk, const float *cs, size_t hs) {
    for (size_t i = 0; i + 1 < n; i += 2) {
        float fcr = cs[i % hs], fci = cs[i % hs + 1];
        float v0 = q[i], v1 = q[i + 1];
        q[i] = v0 * fcr - v1 * fci;
        q[i + 1] = v0 * fci + v1 * fcr;
        if (i < nk) {
            v0 = k[i], v1 = k[i + 1];
            k[i] = v0 * fcr - v1 * fci;
            k[i + 1] = v0 * fci + v1 * fcr;
        }
    }
}

void pv_attention(float *out, const float *q, const float *K, const float *V, size_t T, size_t kv_dim,
                  size_t n_heads, size_t kv_mul, size_t hs, float *att) {
    float scale = sqrtf((float)hs);
    for (size_t h = 0; h < n_heads; h++) {
        const float *qh = q + h * hs;
        size_t hoff = (h / kv_mul) * hs;
        for (size_t t = 0; t < T; t++) att[t] = lpcs_dot_f32(K + t * kv_dim + hoff, qh, hs) / scale;
        float mx = att[0], sum = 0.0f;
        for (size_t t = 1; t < T; t++)
            if (att[t] > mx) mx = att[t];
        for (size_t t = 0; t < T; t++) {
            att[t] = lpcs_expf(att[t] - mx);
            sum += att[t];
        }
        for (size_t t = 0; t < T; t++) att[t] /= sum;
        for (size_t i = 0; i < hs; i++) {
            float a = 0.0f;
            for (size_t t = 0; t < T; t++) a = fmaf(att[t], V[t * kv_dim + hoff + i], a);
            out[h * hs + i] = a;
        }
    }
}

void pv_swiglu(float *out, const float *a, const float *b, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = a[i] * (1.0f / (1.0f + lpcs_expf(-a[i]))) * b[i];
}

void pv_add(float *out, const float *in, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] += in[i];
}
