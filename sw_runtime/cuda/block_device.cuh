/* Per-element / per-block steps of the MX, NVFP4 and BitLinear kernels as
 * __host__ __device__ code, so the CPU emulation build (lpcs_cuda_emul.cu)
 * runs exactly the code the kernels run. Contracts: golden/mx.h and
 * golden/bitlinear.h (fixed fp32 operation order, no FMA: -fmad=false). */
#ifndef LPCS_BLOCK_DEVICE_CUH
#define LPCS_BLOCK_DEVICE_CUH

#include <math.h>

#include "formats.cuh"

LPCS_CUDA_HD int lpcs_isfinite_f32(float x) { return ((lpcs_f32_bits(x) >> 23) & 0xFF) != 0xFF; }
LPCS_CUDA_HD float lpcs_fabs_f32(float x) { return lpcs_bits_f32(lpcs_f32_bits(x) & 0x7FFFFFFFu); }

LPCS_CUDA_HD double lpcs_pow2d(int e) { /* 2^e, |e| <= 1022 */
    const uint64_t u = (uint64_t)(e + 1023) << 52;
    double d;
    memcpy(&d, &u, 8);
    return d;
}
LPCS_CUDA_HD float lpcs_f64_to_f32(double d) {
#if defined(__CUDA_ARCH__)
    return __double2float_rn(d);
#else
    return (float)d;
#endif
}

/* floor(log2(a)) of a positive finite float, from its bits. */
LPCS_CUDA_HD int lpcs_floor_log2f(float a) {
    const uint32_t u = lpcs_f32_bits(a);
    const int ef = (int)(u >> 23);
    if (ef) return ef - 127;
    int top = 22;
    while (!((u >> top) & 1)) top--;
    return top - 149;
}

/* ---- MX (golden mx.c) ---- */

LPCS_CUDA_HD int lpcs_mx_fmt(int e) { /* mx_elem -> mf id; -1 for MXINT8 */
    return e == 0 ? LPCS_MF_FP8_E4M3 : e == 1 ? LPCS_MF_FP8_E5M2 : e == 2 ? LPCS_MF_FP6_E2M3
         : e == 3 ? LPCS_MF_FP6_E3M2 : e == 4 ? LPCS_MF_FP4_E2M1 : -1;
}
LPCS_CUDA_HD int lpcs_mx_emax(int e) { return e == 0 ? 8 : e == 1 ? 15 : e == 2 ? 2 : e == 3 ? 4 : e == 4 ? 2 : 0; }

/* One element: x / 2^se exactly (double), then the element's rounding. */
LPCS_CUDA_HD uint8_t lpcs_mx_elem_code(int e, int ties_away, float x, int se) {
    const double v = (double)x * lpcs_pow2d(-se); /* exact */
    if (e == 5) { /* MXINT8: int8 * 2^-6, clamped to +-127 */
        const double t = v * 64.0;
        double q = ties_away ? round(t) : rint(t);
        if (q > 127) q = 127;
        if (q < -127) q = -127;
        return (uint8_t)(int8_t)q;
    }
    /* |v| < 2^-100 rounds to a signed zero in every element format; above it
     * v is exact in fp32 (24-bit significand, |v| <= 2^(emax+1)). */
    const float vf = fabs(v) < 7.888609052210118e-31 ? (v < 0 ? -0.0f : 0.0f) : (float)v;
    return (uint8_t)lpcs_mf_from_f32_rm(lpcs_mx_fmt(e), vf, 1, ties_away);
}

/* One block of len <= 32 values: its E8M0 scale and element codes. */
LPCS_CUDA_HD void lpcs_mx_quantize_block(int e, int ties_away, const float *x, size_t len, uint8_t *scale,
                                    uint8_t *codes) {
    float amax = 0.0f;
    int nonfinite = 0;
    for (size_t i = 0; i < len; i++) {
        const float v = x[i];
        if (!lpcs_isfinite_f32(v)) nonfinite = 1;
        else if (lpcs_fabs_f32(v) > amax) amax = lpcs_fabs_f32(v);
    }
    if (nonfinite) {
        *scale = 0xFF;
        for (size_t i = 0; i < len; i++) codes[i] = 0;
        return;
    }
    int se = (amax == 0.0f ? -126 : lpcs_floor_log2f(amax)) - lpcs_mx_emax(e);
    se = se < -127 ? -127 : se > 127 ? 127 : se;
    *scale = (uint8_t)(se + 127);
    for (size_t i = 0; i < len; i++) codes[i] = lpcs_mx_elem_code(e, ties_away, x[i], se);
}

LPCS_CUDA_HD float lpcs_mx_dequant_elem(int e, uint8_t scale, uint8_t code) {
    if (scale == 0xFF) return lpcs_bits_f32(0x7FC00000u); /* (float)(v * NAN) */
    const double el = e == 5 ? (double)(int8_t)code / 64.0 : (double)lpcs_mf_to_f32(lpcs_mx_fmt(e), code);
    return lpcs_f64_to_f32(el * lpcs_pow2d((int)scale - 127));
}

/* ---- NVFP4 (golden mx.c) ---- */

LPCS_CUDA_HD float lpcs_nvfp4_tensor_scale(float amax) { return amax > 0.0f ? amax / (6.0f * 448.0f) : 1.0f; }

LPCS_CUDA_HD void lpcs_nvfp4_quantize_block(const float *x, size_t len, float ts, uint8_t *bs, uint8_t *codes) {
    float bamax = 0.0f;
    int nonfinite = 0;
    for (size_t i = 0; i < len; i++) {
        const float v = x[i];
        if (!lpcs_isfinite_f32(v)) nonfinite = 1;
        else if (lpcs_fabs_f32(v) > bamax) bamax = lpcs_fabs_f32(v);
    }
    if (nonfinite) {
        *bs = 0x7F;
        for (size_t i = 0; i < len; i++) codes[i] = 0;
        return;
    }
    const uint8_t s = (uint8_t)lpcs_mf_from_f32(LPCS_MF_FP8_E4M3, (bamax / 6.0f) / ts, 1);
    *bs = s;
    const float d = lpcs_mf_to_f32(LPCS_MF_FP8_E4M3, s) * ts;
    for (size_t i = 0; i < len; i++)
        codes[i] = d == 0.0f ? 0 : (uint8_t)lpcs_mf_from_f32(LPCS_MF_FP4_E2M1, x[i] / d, 1);
}

LPCS_CUDA_HD float lpcs_nvfp4_dequant_elem(float ts, uint8_t bs, uint8_t code) {
    const float d = lpcs_mf_to_f32(LPCS_MF_FP8_E4M3, bs) * ts;
    return lpcs_mf_to_f32(LPCS_MF_FP4_E2M1, code) * d;
}

/* ---- BitLinear (golden bitlinear.h steps 5-11) ---- */

/* Step 5, lane j of 32: sum of x_k^2 for k = j, j+32, ... in order (double). */
LPCS_CUDA_HD double lpcs_bl_lane_sum(const float *x, int n, int j) {
    double acc = 0.0;
    for (int k = j; k < n; k += 32) {
        const double v = (double)x[k];
        acc = acc + v * v;
    }
    return acc;
}
/* Steps 5-6 from the 32 lane sums: r = 1 / sqrtf(ms + 1e-6f). */
LPCS_CUDA_HD float lpcs_bl_rms_r(const double *lanes, int n) {
    double S = 0.0;
    for (int j = 0; j < 32; j++) S = S + lanes[j];
    const float ms = lpcs_f64_to_f32(S / (double)n);
    return 1.0f / sqrtf(ms + 1e-6f);
}
LPCS_CUDA_HD float lpcs_bl_xh(float x, float r, float g) { return (x * r) * g; }            /* step 7 */
LPCS_CUDA_HD float lpcs_bl_scale(float amax) { return 127.0f / (amax > 1e-5f ? amax : 1e-5f); } /* step 8 */
LPCS_CUDA_HD int8_t lpcs_bl_quant(float xh, float s) {                                       /* step 9 */
    const float q = rintf(xh * s);
    return (int8_t)(q > 127.0f ? 127 : (q < -128.0f ? -128 : (int)q));
}
LPCS_CUDA_HD float lpcs_bl_dequant(int32_t acc, float s, float inv_beta) {                     /* step 11 */
    const float a = (float)acc / s;
    return a / inv_beta;
}

#endif
