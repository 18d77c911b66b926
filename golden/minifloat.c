/* Minifloat formats: conversions (CUDA-host compatible) and correctly rounded
 * arithmetic. See minifloat.h for the contract. */
#include "minifloat.h"

#include <math.h>
#include <string.h>

#include "status.h"

/* Per-format encoding facts beyond mf_info. */
typedef struct {
    mf_info info;
    uint32_t max_code;  /* largest finite positive code */
    uint32_t ovf_code;  /* non-saturating overflow: Inf, NaN (E4M3) or max */
    uint32_t nan_code;  /* canonical NaN (or what NaN becomes without NaN) */
    int nan_style;      /* how a NaN input converts, see nan_from_f64() */
} mf_desc;

enum { NAN_TO_MAX, NAN_SIGNED_7F, NAN_E5M2_PAYLOAD, NAN_CANON_7FFF };

static const mf_desc k_desc[MF_FORMAT_COUNT] = {
    [MF_FP4_E2M1] = {{"fp4e2m1", 4, 2, 1, 1, 0, 0, 6.0}, 0x7, 0x7, 0x7, NAN_TO_MAX},
    [MF_FP6_E2M3] = {{"fp6e2m3", 6, 2, 3, 1, 0, 0, 7.5}, 0x1f, 0x1f, 0x1f, NAN_TO_MAX},
    [MF_FP6_E3M2] = {{"fp6e3m2", 6, 3, 2, 3, 0, 0, 28.0}, 0x1f, 0x1f, 0x1f, NAN_TO_MAX},
    [MF_FP8_E4M3] = {{"fp8e4m3", 8, 4, 3, 7, 0, 1, 448.0}, 0x7e, 0x7f, 0x7f, NAN_SIGNED_7F},
    [MF_FP8_E5M2] = {{"fp8e5m2", 8, 5, 2, 15, 1, 1, 57344.0}, 0x7b, 0x7c, 0x7f, NAN_E5M2_PAYLOAD},
    [MF_BF16] = {{"bf16", 16, 8, 7, 127, 1, 1, 0x1.fep127}, 0x7f7f, 0x7f80, 0x7fff, NAN_CANON_7FFF},
    [MF_FP16] = {{"fp16", 16, 5, 10, 15, 1, 1, 65504.0}, 0x7bff, 0x7c00, 0x7fff, NAN_CANON_7FFF},
};

static const mf_desc *desc(mf_format f) {
    return ((unsigned)f < MF_FORMAT_COUNT) ? &k_desc[f] : NULL;
}

const mf_info *mf_get_info(mf_format f) {
    const mf_desc *d = desc(f);
    return d ? &d->info : NULL;
}

uint32_t mf_max_code(mf_format f) { const mf_desc *d = desc(f); return d ? d->max_code : 0; }
uint32_t mf_nan_code(mf_format f) { const mf_desc *d = desc(f); return d ? d->nan_code : 0; }
uint32_t mf_code_count(mf_format f) { const mf_desc *d = desc(f); return d ? 1u << d->info.bits : 0; }

int mf_is_nan(mf_format f, uint32_t bits) {
    const mf_desc *d = desc(f);
    if (!d || !d->info.has_nan) return 0;
    uint32_t mag = bits & ((1u << (d->info.bits - 1)) - 1);
    if (!d->info.has_inf) return mag == d->ovf_code;      /* E4M3: S.1111.111 */
    return mag > d->ovf_code;                              /* IEEE-style */
}

int mf_is_inf(mf_format f, uint32_t bits) {
    const mf_desc *d = desc(f);
    if (!d || !d->info.has_inf) return 0;
    return (bits & ((1u << (d->info.bits - 1)) - 1)) == d->ovf_code;
}

static uint32_t overflow_code(const mf_desc *d, uint32_t sign, mf_sat s) {
    return sign | (s == MF_SATFINITE ? d->max_code : d->ovf_code);
}

/* NaN input of fp64 bit pattern xb, as CUDA's double conversions do. */
static uint32_t nan_from_f64(const mf_desc *d, uint64_t xb) {
    uint32_t sign = (uint32_t)(xb >> 63) << (d->info.bits - 1);
    switch (d->nan_style) {
    case NAN_SIGNED_7F: return sign | 0x7f;
    case NAN_E5M2_PAYLOAD: return sign | 0x7e | (uint32_t)((xb >> 50) & 3);
    case NAN_CANON_7FFF: return 0x7fff;
    default: return d->max_code;   /* no NaN in the format: +max */
    }
}

/* Round the finite or infinite fp64 bit pattern xb to the format (RNE). */
static uint32_t round_f64_bits(const mf_desc *d, uint64_t xb, mf_sat s) {
    const int M = d->info.mbits, bias = d->info.bias;
    uint32_t sign = (uint32_t)(xb >> 63) << (d->info.bits - 1);
    uint64_t ax = xb & 0x7fffffffffffffffull;
    if (ax > 0x7ff0000000000000ull) return nan_from_f64(d, xb);
    if (ax == 0x7ff0000000000000ull) return overflow_code(d, sign, s);
    int ebits = (int)(ax >> 52);
    /* Zero, and fp64 subnormals: far below half the smallest subnormal of
     * every format here, so they round to (signed) zero. */
    if (ebits == 0) return sign;
    int e = ebits - 1023;
    int emin = 1 - bias;
    int emax = (int)(d->max_code >> M) - bias;
    if (e > emax + 1) return overflow_code(d, sign, s);
    uint64_t sig = (ax & 0x000fffffffffffffull) | (1ull << 52);
    int q = (e >= emin ? e : emin) - M;    /* exponent of the result's ulp */
    int shift = 52 + q - e;                /* >= 52 - M */
    if (shift > 62) return sign;           /* below a quarter ulp: zero */
    uint64_t r = sig >> shift;
    uint64_t rem = sig & ((1ull << shift) - 1), half = 1ull << (shift - 1);
    if (rem > half || (rem == half && (r & 1))) r++;
    /* Normal: r in [2^M, 2^(M+1)], and a carry into the exponent field is the
     * correct encoding. Subnormal: r <= 2^M is the code itself. */
    uint32_t code = e >= emin ? ((uint32_t)(e + bias - 1) << M) + (uint32_t)r : (uint32_t)r;
    if (code > d->max_code) return overflow_code(d, sign, s);
    return sign | code;
}

/* The same rounding straight from fp32 bits (the hot path of quantizers):
 * integer RNE on the bit pattern. fp32 subnormals only matter for BF16
 * (every other format rounds them to zero); they take the fp64 path. */
static inline uint32_t round_f32_bits(const mf_desc *d, uint32_t xb, mf_sat s) {
    const int M = d->info.mbits, bias = d->info.bias;
    uint32_t sign = (xb >> 31) << (d->info.bits - 1);
    uint32_t ax = xb & 0x7fffffffu;
    if (ax > 0x7f800000u) return nan_from_f64(d, 0x7fffffffe0000000ull);   /* CUDA: canonical NaN */
    if (ax < 0x00800000u && d->info.ebits == 8) {   /* fp32 subnormal -> BF16 */
        double dx = ldexp((double)ax, -149);          /* exact */
        uint64_t db;
        memcpy(&db, &dx, sizeof db);
        return sign | round_f64_bits(d, db, s);
    }
    /* One branch-free path for normal and subnormal results: shift the
     * significand to the result's ulp, round to nearest even; a carry out of
     * the significand correctly bumps the exponent field. */
    const int e = (int)(ax >> 23) - 127, emin = 1 - bias;
    int extra = emin - e;                 /* > 0: subnormal in the format */
    extra = extra < 0 ? 0 : extra > 40 ? 40 : extra;
    const int shift = 23 - M + extra;     /* <= 63 */
    uint64_t sig = (ax & 0x7fffffu) | 0x800000u;
    uint64_t q = (sig + ((1ull << (shift - 1)) - 1) + ((sig >> shift) & 1)) >> shift;
    uint32_t code = ((uint32_t)(e > emin ? e - emin : 0) << M) + (uint32_t)q;
    if (code > d->max_code) return overflow_code(d, sign, s);
    return sign | code;
}

uint32_t mf_from_f64(mf_format f, double x, mf_sat s) {
    const mf_desc *d = desc(f);
    if (!d) return 0;
    uint64_t xb;
    memcpy(&xb, &x, sizeof xb);
    return round_f64_bits(d, xb, s);
}

uint32_t mf_from_f32(mf_format f, float x, mf_sat s) {
    const mf_desc *d = desc(f);
    if (!d) return 0;
    uint32_t xb;
    memcpy(&xb, &x, sizeof xb);
    return round_f32_bits(d, xb, s);
}

int mf_from_f32_array(mf_format f, mf_sat s, const float *x, size_t n, uint8_t *out) {
    const mf_desc *d = desc(f);
    if (!d || d->info.bits > 8 || (n && (!x || !out))) return LPCS_EINVAL;
    for (size_t i = 0; i < n; i++) {
        uint32_t xb;
        memcpy(&xb, &x[i], sizeof xb);
        out[i] = (uint8_t)round_f32_bits(d, xb, s);
    }
    return LPCS_OK;
}

float mf_to_f32(mf_format f, uint32_t bits) {
    const mf_desc *d = desc(f);
    if (!d) return 0.0f;
    const int B = d->info.bits, M = d->info.mbits;
    bits &= (1u << B) - 1;
    if (f == MF_BF16) {   /* a truncated fp32: keep the NaN payload, as CUDA does */
        uint32_t u = bits << 16;
        float r;
        memcpy(&r, &u, sizeof r);
        return r;
    }
    if (mf_is_nan(f, bits)) {
        uint32_t u = 0x7fffffffu;
        float r;
        memcpy(&r, &u, sizeof r);
        return r;
    }
    int neg = (int)(bits >> (B - 1));
    if (mf_is_inf(f, bits)) return neg ? -INFINITY : INFINITY;
    uint32_t e = (bits >> M) & ((1u << d->info.ebits) - 1);
    uint32_t m = bits & ((1u << M) - 1);
    float mag = e == 0 ? ldexpf((float)m, 1 - d->info.bias - M)
                       : ldexpf((float)(m | (1u << M)), (int)e - d->info.bias - M);
    return neg ? -mag : mag;
}

double mf_to_f64(mf_format f, uint32_t bits) {
    return (double)mf_to_f32(f, bits);   /* every value is exact in fp32 */
}

size_t mf_value_table(mf_format f, float *values, size_t cap) {
    uint32_t n = mf_code_count(f);
    if (!values || n == 0 || cap < n) return 0;
    for (uint32_t c = 0; c < n; c++) values[c] = mf_to_f32(f, c);
    return n;
}

/* ---- arithmetic: exact or round-to-odd in fp64, then one RNE rounding ----
 * Every format here has at most 11 significand bits, so rounding the fp64
 * round-to-odd value (53 >= 11 + 2 bits) to the format is the correctly
 * rounded result. s is RN(x); dir is the sign of x - s (exact). */
static double round_to_odd(double s, int dir) {
    if (dir == 0 || !isfinite(s) || s == 0.0) return s;
    uint64_t b;
    memcpy(&b, &s, sizeof b);
    if ((dir < 0) != (s < 0)) b -= 1;   /* |s| > |x|: truncate toward zero */
    b |= 1;
    memcpy(&s, &b, sizeof s);
    return s;
}

static int sgn(double v) { return (v > 0) - (v < 0); }

static uint32_t finish(const mf_desc *d, mf_format f, double v, mf_sat s) {
    if (isnan(v)) return d->nan_code;
    return mf_from_f64(f, v, s);
}

/* x = a + b as RN sum and the sign of its exact error (TwoSum). */
static double sum_odd(double a, double b) {
    double s = a + b;
    if (!isfinite(s)) return s;
    double bb = s - a;
    double err = (a - (s - bb)) + (b - bb);
    return round_to_odd(s, sgn(err));
}

uint32_t mf_add(mf_format f, mf_sat s, uint32_t a, uint32_t b) {
    const mf_desc *d = desc(f);
    if (!d) return 0;
    return finish(d, f, sum_odd(mf_to_f64(f, a), mf_to_f64(f, b)), s);
}

uint32_t mf_sub(mf_format f, mf_sat s, uint32_t a, uint32_t b) {
    const mf_desc *d = desc(f);
    if (!d) return 0;
    return finish(d, f, sum_odd(mf_to_f64(f, a), -mf_to_f64(f, b)), s);
}

uint32_t mf_mul(mf_format f, mf_sat s, uint32_t a, uint32_t b) {
    const mf_desc *d = desc(f);
    if (!d) return 0;
    /* Exact: at most 22 significand bits, exponents well inside fp64. */
    return finish(d, f, mf_to_f64(f, a) * mf_to_f64(f, b), s);
}

uint32_t mf_div(mf_format f, mf_sat s, uint32_t a, uint32_t b) {
    const mf_desc *d = desc(f);
    if (!d) return 0;
    double x = mf_to_f64(f, a), y = mf_to_f64(f, b);
    double q = x / y;
    if (isfinite(q) && q != 0.0) {
        double r = fma(-q, y, x);   /* exact remainder x - q*y */
        q = round_to_odd(q, sgn(r) * sgn(y));
    }
    return finish(d, f, q, s);
}

uint32_t mf_sqrt(mf_format f, mf_sat s, uint32_t a) {
    const mf_desc *d = desc(f);
    if (!d) return 0;
    double x = mf_to_f64(f, a);
    double r = sqrt(x);
    if (isfinite(r) && r > 0.0) r = round_to_odd(r, sgn(fma(-r, r, x)));
    return finish(d, f, r, s);
}

uint32_t mf_fma(mf_format f, mf_sat s, uint32_t a, uint32_t b, uint32_t c) {
    const mf_desc *d = desc(f);
    if (!d) return 0;
    double p = mf_to_f64(f, a) * mf_to_f64(f, b);   /* exact */
    return finish(d, f, sum_odd(p, mf_to_f64(f, c)), s);
}
