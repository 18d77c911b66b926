/* The numerics contract v2 (docs/numerics.md) as the CUDA engine needs it:
 * LPCS_HD, lpcs_expf and lpcs_dot_f32. They come from golden/fmath.h (and
 * golden/fdot.h) once golden has them, so that nvcc and gcc compile the very
 * same code; until then this header carries a provisional version written
 * with the same rules (only + - * / fmaf and bit casts), so the CUDA engine
 * and its host oracle already agree bit for bit. */
#ifndef LPCS_CUDA_FMATH_SHIM_H
#define LPCS_CUDA_FMATH_SHIM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <math.h>

#if __has_include("fmath.h")
#include "fmath.h"
#define LPCS_FMATH_GOLDEN 1
#else
#define LPCS_FMATH_GOLDEN 0
/* (not LPCS_HD: formats.cuh already defines that name with `static` in it) */
#ifdef __CUDACC__
#define LPCS_SHIM_HD static __host__ __device__ inline
#else
#define LPCS_SHIM_HD static inline
#endif

LPCS_SHIM_HD float lpcs_shim_f(uint32_t u) {
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* exp(x): k = round(x / ln 2), r = x - k ln 2 (Cody-Waite, two fmaf), a
 * degree-7 polynomial for e^r on |r| <= ln2/2, then 2^k in two steps (so
 * subnormal results round once). Provisional: golden/fmath.h replaces it. */
LPCS_SHIM_HD float lpcs_expf(float x) {
    if (x != x) return x + x;
    if (x > 88.72283935546875f) return lpcs_shim_f(0x7f800000u);
    if (x < -103.972084045410156f) return 0.0f;
    const float shift = 12582912.0f; /* 1.5 * 2^23: rounds to an integer */
    float t = fmaf(x, 1.44269502162933349609f, shift);
    float kf = t - shift;
    float r = fmaf(-kf, 0.693145751953125f, x);
    r = fmaf(-kf, 1.42860682030941723212e-6f, r);
    float p = 1.98412698e-4f;
    p = fmaf(p, r, 1.38888889e-3f);
    p = fmaf(p, r, 8.33333333e-3f);
    p = fmaf(p, r, 4.16666667e-2f);
    p = fmaf(p, r, 1.66666667e-1f);
    p = fmaf(p, r, 0.5f);
    p = fmaf(p, r * r, r);
    float e = 1.0f + p;
    int k = (int)kf;
    if (k > 127) { e = e * 2.0f; k -= 1; }
    if (k < -126) {
        e = e * lpcs_shim_f((uint32_t)(k + 126 + 127) << 23);
        return e * lpcs_shim_f(1u << 23); /* 2^-126 */
    }
    return e * lpcs_shim_f((uint32_t)(k + 127) << 23);
}
#endif

#if __has_include("fdot.h")
#include "fdot.h"
#elif !defined(LPCS_DOT_LANES)
#define LPCS_DOT_LANES 16
/* 16 partial sums, element i into lane i % 16 by fmaf, then the tree 8,4,2,1. */
LPCS_SHIM_HD float lpcs_dot_f32(const float *a, const float *b, size_t n) {
    float p[16];
    for (int j = 0; j < 16; j++) p[j] = 0.0f;
    for (size_t i = 0; i < n; i++) p[i % 16] = fmaf(a[i], b[i], p[i % 16]);
    for (int h = 8; h >= 1; h >>= 1)
        for (int j = 0; j < h; j++) p[j] = p[j] + p[j + h];
    return p[0];
}
#endif

#endif
