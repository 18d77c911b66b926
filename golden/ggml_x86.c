/* llama.cpp's x86 fp32 kernels, lane for lane (see ggml_x86.h). */
#include "ggml_x86.h"

#include <math.h>

float ggml_hsum8(const float l[8]) {
    float a[4];
    for (int i = 0; i < 4; i++) a[i] = l[4 + i] + l[i];
    return (a[0] + a[2]) + (a[1] + a[3]);
}

float ggml_hsum16(const float l[16]) {
    float a[8], b[4];
    for (int i = 0; i < 8; i++) a[i] = l[8 + i] + l[i];
    for (int i = 0; i < 4; i++) b[i] = a[4 + i] + a[i];
    return (b[0] + b[2]) + (b[1] + b[3]);
}

float ggml_x86_expf(float x) {
    const float r = 0x1.8p23f;
    float z = fmaf(x, 0x1.715476p+0f, r); /* n = round(x / ln 2) by the 1.5*2^23 trick */
    float n = z - r;
    float b = fmaf(-n, 0x1.7f7d1cp-20f, fmaf(-n, 0x1.62e4p-1f, x)); /* x - n ln2, ln2 in two parts */
    float u = b * b;
    float j = fmaf(fmaf(fmaf(0x1.0e4020p-7f, b, 0x1.573e2ep-5f), u, fmaf(0x1.555e66p-3f, b, 0x1.fffdb6p-2f)), u,
                   fmaf(0x1.ffffecp-1f, b, 1.0f));
    if (fabsf(n) > 192.0f) return n <= 0.0f ? 0.0f : INFINITY; /* vscalef's range, as ggml's blend */
    if (!(fabsf(n) <= 192.0f)) return x != x ? x : 0.0f;     /* NaN */
    return ldexpf(j, (int)n);
}

void ggml_x86_rms_norm(float *out, const float *x, const float *w, size_t n, float eps) {
    double sum = 0; /* ggml_float, squares rounded to float first */
    for (size_t i = 0; i < n; i++) sum += (double)(x[i] * x[i]);
    float mean = (float)(sum / (double)n);
    float scale = 1.0f / sqrtf(mean + eps);
    for (size_t i = 0; i < n; i++) out[i] = x[i] * scale * w[i];
}

float ggml_x86_silu(float x) {
    return x / (1.0f + ggml_x86_expf(0.0f - x));
}

void ggml_x86_swiglu(float *out, const float *g, const float *u, size_t n) {
    size_t i = 0, nv = n - n % 16;
    for (; i < nv; i++) out[i] = ggml_x86_silu(g[i]) * u[i];
    for (; i < n; i++) out[i] = g[i] / (1.0f + expf(-g[i])) * u[i];
}

void ggml_x86_attention_head(float *out, const float *q, const float *k, const float *v, size_t kv_stride,
                             size_t T, size_t hs, float scale, float *p, int batch) {
    float mx = -INFINITY;
    for (size_t t = 0; t < T; t++) {
        const float *kt = k + t * kv_stride;
        float s = 0.0f;
        for (size_t d = 0; d < hs; d++) s = s + kt[d] * q[d]; /* not fused (measured) */
        p[t] = s * scale;
        mx = p[t] > mx ? p[t] : mx;
    }
    double sum = 0; /* ggml_float; chunks past T hold exp(-inf) = 0 in llama.cpp */
    for (size_t t0 = 0; t0 < T; t0 += 16) {
        float l[16] = {0};
        for (size_t t = t0; t < T && t < t0 + 16; t++) l[t - t0] = p[t] = ggml_x86_expf(p[t] - mx);
        sum += (double)ggml_hsum16(l);
    }
    float inv = (float)(1.0 / sum);
    for (size_t t = 0; t < T; t++) p[t] *= inv;
    for (size_t d = 0; d < hs; d++) {
        float l[4][16] = {{0}};
        for (size_t t = 0; t < T; t++) {
            float *acc = &l[batch ? 0 : (t % 64) / 16][t % 16];
            *acc = fmaf(p[t], v[t * kv_stride + d], *acc);
        }
        if (!batch) /* ggml_vec_dot_f32: four 16-lane accumulators over 64-position steps */
            for (int i = 0; i < 16; i++) l[0][i] = (l[0][i] + l[2][i]) + (l[1][i] + l[3][i]);
        out[d] = ggml_hsum16(l[0]);
    }
}

void ggml_x86_rope(float *x, size_t n, size_t hs, int pos, float freq_base) {
    float theta_scale = powf(freq_base, -2.0f / (float)hs);
    for (size_t h = 0; h < n; h += hs) {
        float theta = (float)pos; /* advanced by repeated multiplication, as ggml's rope cache */
        for (size_t i = 0; i < hs; i += 2, theta *= theta_scale) {
            float c = cosf(theta), s = sinf(theta), x0 = x[h + i], x1 = x[h + i + 1];
            x[h + i] = fmaf(x0, c, -(x1 * s)); /* GCC contracts x0*c - x1*s so */
            x[h + i + 1] = fmaf(x0, s, x1 * c);
        }
    }
}
