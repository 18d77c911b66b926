/* OCP MX v1.0 block formats and NVFP4; see mx.h and docs/formats.md. */
#include "mx.h"

#include <math.h>
#include <string.h>

#include "status.h"

static const mx_elem_info k_elem[MX_ELEM_COUNT] = {
    [MX_FP8_E4M3] = {"fp8e4m3", 8, 8, 448.0},
    [MX_FP8_E5M2] = {"fp8e5m2", 8, 15, 57344.0},
    [MX_FP6_E2M3] = {"fp6e2m3", 6, 2, 7.5},
    [MX_FP6_E3M2] = {"fp6e3m2", 6, 4, 28.0},
    [MX_FP4_E2M1] = {"fp4e2m1", 4, 2, 6.0},
    [MX_INT8] = {"int8", 8, 0, 127.0 / 64.0},
};

static const mf_format k_mf[MX_ELEM_COUNT] = {MF_FP8_E4M3, MF_FP8_E5M2, MF_FP6_E2M3,
                                              MF_FP6_E3M2, MF_FP4_E2M1, MF_FORMAT_COUNT};

const mx_elem_info *mx_get_elem_info(mx_elem e) {
    return (unsigned)e < MX_ELEM_COUNT ? &k_elem[e] : NULL;
}

size_t mx_num_blocks(size_t n) { return n / MX_BLOCK + (n % MX_BLOCK != 0); }
size_t nvfp4_num_blocks(size_t n) { return n / NVFP4_BLOCK + (n % NVFP4_BLOCK != 0); }

/* Integer rounding of t (|t| < 2^52), ties to even or away from zero. */
static double round_int(double t, mx_round r) {
    if (r == MX_ROUND_TIES_AWAY) return copysign(floor(fabs(t) + 0.5), t);
    double f = floor(t), d = t - f;   /* exact */
    if (d > 0.5) return f + 1;
    if (d < 0.5) return f;
    return fmod(f, 2.0) == 0.0 ? f : f + 1;
}

uint8_t mx_elem_from_f64(mx_elem e, mx_round r, double v) {
    if ((unsigned)e >= MX_ELEM_COUNT || isnan(v)) return 0;
    if (e == MX_INT8) {
        double q = isinf(v) ? copysign(127.0, v) : round_int(v * 64.0, r);
        if (q > 127) q = 127;
        if (q < -127) q = -127;
        return (uint8_t)(int8_t)q;
    }
    mf_format f = k_mf[e];
    if (r == MX_ROUND_RNE || isinf(v)) return (uint8_t)mf_from_f64(f, v, MF_SATFINITE);
    /* Ties away: round |v| on the element's grid (ulp 2^qexp), saturate,
     * then encode the now exactly representable value. */
    const mf_info *in = mf_get_info(f);
    double a = fabs(v);
    if (a == 0.0) return (uint8_t)mf_from_f64(f, v, MF_SATFINITE);
    int ex;
    frexp(a, &ex);                     /* a in [2^(ex-1), 2^ex) */
    int emin = 1 - in->bias;
    int qexp = (ex - 1 > emin ? ex - 1 : emin) - in->mbits;
    double m = ldexp(floor(ldexp(a, -qexp) + 0.5), qexp);
    if (m > in->max_finite) m = in->max_finite;
    return (uint8_t)mf_from_f64(f, copysign(m, v), MF_SATFINITE);
}

double mx_elem_to_f64(mx_elem e, uint8_t code) {
    if ((unsigned)e >= MX_ELEM_COUNT) return NAN;
    if (e == MX_INT8) return (double)(int8_t)code / 64.0;
    return mf_to_f64(k_mf[e], code);
}

double mx_e8m0_to_f64(uint8_t code) {
    return code == MX_SCALE_NAN ? NAN : ldexp(1.0, (int)code - 127);
}

/* floor(log2(a)) for a positive finite float, exactly (from its bits). */
static int floor_log2f(float a) {
    uint32_t u;
    memcpy(&u, &a, sizeof u);
    int ef = (int)(u >> 23);
    if (ef) return ef - 127;
    return 31 - __builtin_clz(u & 0x7fffffu) - 149;
}

/* Largest |x| of a block's finite values into *amax; 1 if the block holds a
 * NaN or Inf (the whole block is then encoded as NaN). */
static int block_absmax(const float *x, size_t len, float *amax) {
    float m = 0.0f;
    int nonfinite = 0;
    for (size_t i = 0; i < len; i++) {
        if (!isfinite(x[i])) nonfinite = 1;
        else if (fabsf(x[i]) > m) m = fabsf(x[i]);
    }
    *amax = m;
    return nonfinite;
}

int mx_quantize(mx_elem e, mx_round r, const float *x, size_t n, uint8_t *scales, uint8_t *codes) {
    if ((unsigned)e >= MX_ELEM_COUNT || (r != MX_ROUND_RNE && r != MX_ROUND_TIES_AWAY))
        return LPCS_EINVAL;
    if (n == 0) return LPCS_OK;
    if (!x || !scales || !codes) return LPCS_EINVAL;
    for (size_t b = 0, start = 0; start < n; b++, start += MX_BLOCK) {
        size_t len = n - start < MX_BLOCK ? n - start : MX_BLOCK;
        float amax;
        if (block_absmax(x + start, len, &amax)) {
            scales[b] = MX_SCALE_NAN;
            memset(codes + start, 0, len);
            continue;
        }
        int se = (amax == 0.0f ? -126 : floor_log2f(amax)) - k_elem[e].emax;
        if (se < -127) se = -127;
        if (se > 127) se = 127;   /* unreachable for finite fp32 inputs */
        scales[b] = (uint8_t)(se + 127);
        for (size_t i = 0; i < len; i++)   /* V_i / X is exact in fp64 */
            codes[start + i] = mx_elem_from_f64(e, r, ldexp((double)x[start + i], -se));
    }
    return LPCS_OK;
}

int mx_dequantize(mx_elem e, const uint8_t *scales, const uint8_t *codes, size_t n, float *y) {
    if ((unsigned)e >= MX_ELEM_COUNT) return LPCS_EINVAL;
    if (n == 0) return LPCS_OK;
    if (!scales || !codes || !y) return LPCS_EINVAL;
    for (size_t i = 0; i < n; i++) {
        double s = mx_e8m0_to_f64(scales[i / MX_BLOCK]);
        /* exact: element * power of two stays inside fp32 for valid blocks */
        y[i] = (float)(mx_elem_to_f64(e, codes[i]) * s);
    }
    return LPCS_OK;
}

float nvfp4_tensor_scale(const float *x, size_t n) {
    float amax = 0.0f;
    for (size_t i = 0; x && i < n; i++)
        if (isfinite(x[i]) && fabsf(x[i]) > amax) amax = fabsf(x[i]);
    return amax > 0.0f ? amax / (6.0f * 448.0f) : 1.0f;
}

int nvfp4_quantize_with_scale(const float *x, size_t n, float ts, uint8_t *block_scales,
                              uint8_t *codes) {
    if (n == 0) return LPCS_OK;
    if (!x || !block_scales || !codes) return LPCS_EINVAL;
    for (size_t b = 0, start = 0; start < n; b++, start += NVFP4_BLOCK) {
        size_t len = n - start < NVFP4_BLOCK ? n - start : NVFP4_BLOCK;
        float bamax;
        if (block_absmax(x + start, len, &bamax)) {
            block_scales[b] = 0x7f;   /* E4M3 NaN */
            memset(codes + start, 0, len);
            continue;
        }
        uint8_t bs = (uint8_t)mf_from_f32(MF_FP8_E4M3, (bamax / 6.0f) / ts, MF_SATFINITE);
        block_scales[b] = bs;
        const float d = mf_to_f32(MF_FP8_E4M3, bs) * ts;
        for (size_t i = 0; i < len; i++)
            codes[start + i] =
                d == 0.0f ? 0 : (uint8_t)mf_from_f32(MF_FP4_E2M1, x[start + i] / d, MF_SATFINITE);
    }
    return LPCS_OK;
}

int nvfp4_quantize(const float *x, size_t n, float *tensor_scale, uint8_t *block_scales,
                   uint8_t *codes) {
    if (n == 0) {
        if (tensor_scale) *tensor_scale = 1.0f;
        return LPCS_OK;
    }
    if (!x || !tensor_scale || !block_scales || !codes) return LPCS_EINVAL;
    *tensor_scale = nvfp4_tensor_scale(x, n);
    return nvfp4_quantize_with_scale(x, n, *tensor_scale, block_scales, codes);
}

int nvfp4_dequantize(float tensor_scale, const uint8_t *block_scales, const uint8_t *codes,
                     size_t n, float *y) {
    if (n == 0) return LPCS_OK;
    if (!block_scales || !codes || !y) return LPCS_EINVAL;
    for (size_t i = 0; i < n; i++) {
        const float d = mf_to_f32(MF_FP8_E4M3, block_scales[i / NVFP4_BLOCK]) * tensor_scale;
        y[i] = mf_to_f32(MF_FP4_E2M1, codes[i]) * d;
    }
    return LPCS_OK;
}

int qerr_compute(const float *ref, const float *approx, size_t n, qerr_report *out) {
    if (!out || (n && (!ref || !approx))) return LPCS_EINVAL;
    memset(out, 0, sizeof *out);
    double sig = 0.0, err = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(ref[i]) || !isfinite(approx[i])) {
            out->n_skipped++;
            continue;
        }
        double d = (double)approx[i] - (double)ref[i];
        sig += (double)ref[i] * ref[i];
        err += d * d;
        if (fabs(d) > out->max_abs_err) out->max_abs_err = fabs(d);
        out->n++;
    }
    out->mse = out->n ? err / (double)out->n : 0.0;
    out->sqnr_db = err == 0.0 ? INFINITY : sig == 0.0 ? -INFINITY : 10.0 * log10(sig / err);
    return LPCS_OK;
}
