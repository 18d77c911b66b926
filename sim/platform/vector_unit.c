/* The platform's vector / fp32 unit (vector_unit.h). */
#include "vector_unit.h"

#include <math.h>
#include <string.h>

#include "fmath.h"

/* Each function below in GCC target clones: on a target with FMA, fmaf is one
 * instruction (and SIMD across independent chains) instead of a libm call;
 * fmaf is correctly rounded either way, so the bits do not depend on the clone. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define PV_CLONES __attribute__((target_clones("avx512f", "avx2,fma", "default")))
#else
#define PV_CLONES
#endif

PV_CLONES void pv_rmsnorm(float *o, const float *x, const float *w, size_t n, float eps) {
    float ss = lpcs_dot_f32(x, x, n);
    ss /= (float)n;
    ss += eps;
    ss = 1.0f / sqrtf(ss);
    for (size_t j = 0; j < n; j++) o[j] = w[j] * (ss * x[j]);
}

/* lpcs_dot_f32's order (docs/numerics.md) with the 16 lanes written as one
 * block, so that a target with FMA turns fmaf into one SIMD FMA per block
 * instead of a libm call per element; W rows are fp32 or bf16 (widened
 * exactly). Same bits on every target: each lane's fused chain is unchanged. */
static inline __attribute__((always_inline)) float pv_dot_row(const float *wf, const uint16_t *wb, const float *x, size_t n) {
    float p[LPCS_DOT_LANES] = {0};
    size_t i = 0;
    if (wf) {
        for (; i + LPCS_DOT_LANES <= n; i += LPCS_DOT_LANES)
            for (int l = 0; l < LPCS_DOT_LANES; l++) p[l] = fmaf(wf[i + l], x[i + l], p[l]);
        for (; i < n; i++) p[i % LPCS_DOT_LANES] = fmaf(wf[i], x[i], p[i % LPCS_DOT_LANES]);
    } else {
        for (; i + LPCS_DOT_LANES <= n; i += LPCS_DOT_LANES)
            for (int l = 0; l < LPCS_DOT_LANES; l++)
                p[l] = fmaf(lpcs_u2f((uint32_t)wb[i + l] << 16), x[i + l], p[l]);
        for (; i < n; i++) p[i % LPCS_DOT_LANES] = fmaf(lpcs_u2f((uint32_t)wb[i] << 16), x[i], p[i % LPCS_DOT_LANES]);
    }
    return lpcs_dot_tree16(p);
}

PV_CLONES void pv_gemv_f32(float *y, const void *W, int bf16, const float *x, size_t rows, size_t cols) {
    for (size_t r = 0; r < rows; r++)
        y[r] = bf16 ? pv_dot_row(NULL, (const uint16_t *)W + r * cols, x, cols)
                    : pv_dot_row((const float *)W + r * cols, NULL, x, cols);
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

PV_CLONES void pv_attention(float *out, const float *q, const float *K, const float *V, size_t T, size_t kv_dim,
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
        /* out[i] = fmaf chain over t for each i, the chains side by side
         * (each output's order unchanged, SIMD across i) */
        float *oh = out + h * hs;
        for (size_t i = 0; i < hs; i++) oh[i] = 0.0f;
        for (size_t t = 0; t < T; t++) {
            const float *vt = V + t * kv_dim + hoff;
            float a = att[t];
            for (size_t i = 0; i < hs; i++) oh[i] = fmaf(a, vt[i], oh[i]);
        }
    }
}

PV_CLONES void pv_swiglu(float *out, const float *a, const float *b, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = a[i] * (1.0f / (1.0f + lpcs_expf(-a[i]))) * b[i];
}

void pv_add(float *out, const float *in, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] += in[i];
}
