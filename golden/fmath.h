/* The numerics contract (docs/numerics.md): the scalar math and the one fp32
 * dot-product order that every backend and kernel (portable C, AVX2,
 * AVX-512, CUDA) reproduces bit for bit.
 *
 * Everything here is `static inline LPCS_HD` and written only with +, -, *,
 * /, fmaf, sqrtf and bit casts (no libm transcendental call), so gcc and nvcc
 * compile the very same code. Build with -ffp-contract=off (C) or
 * -fmad=false (nvcc): an unasked-for contraction changes the bits. */
#ifndef LPCS_GOLDEN_FMATH_H
#define LPCS_GOLDEN_FMATH_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __CUDACC__
#define LPCS_HD __host__ __device__
#else
#define LPCS_HD
#endif

/* Number of interleaved partial sums of lpcs_dot_f32 (one zmm of floats). */
#define LPCS_DOT_LANES 16

static inline LPCS_HD uint32_t lpcs_f2u(float f) {
#ifdef __CUDA_ARCH__
    return __float_as_uint(f);
#else
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
#endif
}

static inline LPCS_HD float lpcs_u2f(uint32_t u) {
#ifdef __CUDA_ARCH__
    return __uint_as_float(u);
#else
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
#endif
}

/* The fixed fp32 dot product:
 *   p[0..15] = +0.0f; for i = 0..n-1 ascending: p[i % 16] = fmaf(a[i], b[i], p[i % 16]);
 *   for h = 8, 4, 2, 1: for j < h: p[j] = p[j] + p[j + h];   result p[0].
 * Element i always goes to lane i % 16, the tail included. */
static inline LPCS_HD float lpcs_dot_f32(const float *a, const float *b, size_t n) {
    float p[LPCS_DOT_LANES];
    for (int l = 0; l < LPCS_DOT_LANES; l++) p[l] = 0.0f;
    for (size_t i = 0; i < n; i++) p[i % LPCS_DOT_LANES] = fmaf(a[i], b[i], p[i % LPCS_DOT_LANES]);
    for (int h = LPCS_DOT_LANES / 2; h >= 1; h /= 2)
        for (int j = 0; j < h; j++) p[j] = p[j] + p[j + h];
    return p[0];
}

/* The tree step of lpcs_dot_f32 on 16 partial sums (kernels that keep the
 * partials in registers end with this). p is overwritten. */
static inline LPCS_HD float lpcs_dot_tree16(float *p) {
    for (int h = LPCS_DOT_LANES / 2; h >= 1; h /= 2)
        for (int j = 0; j < h; j++) p[j] = p[j] + p[j + h];
    return p[0];
}

/* exp(x) in fp32, at most 1 ulp from the correctly rounded value over every
 * float (tested exhaustively in make test-long). Overflow gives +inf (x >
 * 88.7228...), underflow 0 or a subnormal, NaN stays NaN.
 *   k = rint(x / ln2) (via the 1.5*2^23 shifter), r = x - k*ln2 in two fma
 *   steps (Cody-Waite; the first one is exact), exp(r) = 1 + (r + r^2 q(r))
 *   with q the degree-5 Taylor polynomial of (e^r - 1 - r) / r^2 on
 *   |r| <= ln2/2, then the exact scaling by 2^k (two steps near the ends of
 *   the exponent range so that a subnormal result is rounded once). */
static inline LPCS_HD float lpcs_expf(float x) {
    if (x != x) return x + x;                           /* NaN */
    if (x > 88.72283172607421875f) return lpcs_u2f(0x7f800000u); /* e^x >= FLT_MAX + ulp/2 */
    if (x < -103.972076416015625f) return 0.0f;         /* e^x < 2^-150: rounds to 0 */
    const float shifter = 12582912.0f;                  /* 1.5 * 2^23 */
    float t = fmaf(x, 1.44269502162933349609375f, shifter);
    float kf = t - shifter;
    int k = (int)(lpcs_f2u(t) - lpcs_f2u(shifter));     /* kf as an int, |k| <= 150 */
    float r = fmaf(-kf, 0.693147182464599609375f, x);   /* ln2 rounded to fp32: exact step */
    r = fmaf(-kf, -1.90465421212593e-09f, r);          /* ln2 - the fp32 ln2 */
    float q = 1.98412701e-4f;                           /* 1/5040 */
    q = fmaf(q, r, 1.38888892e-3f);                     /* 1/720 */
    q = fmaf(q, r, 8.33333377e-3f);                     /* 1/120 */
    q = fmaf(q, r, 4.16666679e-2f);                     /* 1/24 */
    q = fmaf(q, r, 1.66666672e-1f);                     /* 1/6 */
    q = fmaf(q, r, 0.5f);
    float er = 1.0f + fmaf(r * r, q, r);                /* e^r in [0.70, 1.42] */
    if (k > 127) return (er * 2.0f) * lpcs_u2f((uint32_t)(k - 1 + 127) << 23);
    if (k < -126) return (er * lpcs_u2f((uint32_t)(k + 64 + 127) << 23)) * lpcs_u2f((uint32_t)(-64 + 127) << 23);
    return er * lpcs_u2f((uint32_t)(k + 127) << 23);
}

/* sigmoid and silu in the forms the models use (division, not reciprocal). */
static inline LPCS_HD float lpcs_sigmoidf(float z) { return 1.0f / (1.0f + lpcs_expf(-z)); }

#endif
