/* fp32 <-> format conversions shared by the CUDA kernels and their host-side
 * check (__host__ __device__, no libm, integer bit manipulation only).
 *
 * They are this backend's own implementations of the golden contracts
 * (golden/minifloat.h, golden/posit.h), checked against golden bit for bit:
 * host-side in CI (tests/cuda/test_cuda_host.cu) and inside kernels on the
 * GPU (tests/cuda/test_cuda.cu).
 *
 * Minifloats (OCP MX / CUDA cuda_fp8.h, cuda_fp6.h, cuda_fp4.h semantics):
 * round to nearest even; overflow and +-Inf -> +-max finite (satfinite) or
 * Inf/NaN (non-saturating; FP4/FP6 have neither and saturate); any NaN ->
 * 0x7F (FP8), 0x7FFF (BF16/FP16), +max (FP4/FP6); signed zeros kept. Decoding
 * is exact; NaN codes decode to 0x7FFFFFFF (BF16: bits << 16). Format ids
 * follow mf_format. */
#ifndef LPCS_CUDA_FORMATS_CUH
#define LPCS_CUDA_FORMATS_CUH

#include <stdint.h>
#include <string.h>

#if defined(__CUDACC__)
#define LPCS_CUDA_HD static __host__ __device__ __forceinline__
#else
#define LPCS_CUDA_HD static inline
#endif

enum { LPCS_MF_FP4_E2M1, LPCS_MF_FP6_E2M3, LPCS_MF_FP6_E3M2, LPCS_MF_FP8_E4M3,
       LPCS_MF_FP8_E5M2, LPCS_MF_BF16, LPCS_MF_FP16, LPCS_MF_COUNT };

typedef struct {
    int ebits, mbits, bias;
    int ieee;          /* top exponent reserved for Inf/NaN (E5M2, BF16, FP16) */
    int e4m3;          /* only S.1111.111 is NaN, no Inf */
    uint32_t maxcode;  /* magnitude code of the largest finite value */
} lpcs_mf_desc;

LPCS_CUDA_HD lpcs_mf_desc lpcs_mf_describe(int f) {
    lpcs_mf_desc d;
    switch (f) {
    case LPCS_MF_FP4_E2M1: d = {2, 1, 1, 0, 0, 0x7u}; break;
    case LPCS_MF_FP6_E2M3: d = {2, 3, 1, 0, 0, 0x1Fu}; break;
    case LPCS_MF_FP6_E3M2: d = {3, 2, 3, 0, 0, 0x1Fu}; break;
    case LPCS_MF_FP8_E4M3: d = {4, 3, 7, 0, 1, 0x7Eu}; break;
    case LPCS_MF_FP8_E5M2: d = {5, 2, 15, 1, 0, 0x7Bu}; break;
    case LPCS_MF_BF16: d = {8, 7, 127, 1, 0, 0x7F7Fu}; break;
    default: d = {5, 10, 15, 1, 0, 0x7BFFu}; break; /* FP16 */
    }
    return d;
}

LPCS_CUDA_HD uint32_t lpcs_f32_bits(float x) {
    uint32_t u;
    memcpy(&u, &x, 4);
    return u;
}
LPCS_CUDA_HD float lpcs_bits_f32(uint32_t u) {
    float x;
    memcpy(&x, &u, 4);
    return x;
}

/* fp32 -> minifloat code (low bits), sat = 1 for satfinite; ties_away = 1
 * rounds ties away from zero (the MX emulation's option) instead of to even. */
LPCS_CUDA_HD uint32_t lpcs_mf_from_f32_rm(int f, float x, int sat, int ties_away) {
    const lpcs_mf_desc d = lpcs_mf_describe(f);
    const uint32_t u = lpcs_f32_bits(x);
    const uint32_t sign = (u >> 31) << (d.ebits + d.mbits);
    const uint32_t exf = (u >> 23) & 0xFF, man = u & 0x7FFFFF;
    const uint32_t nan_like = d.ieee || d.e4m3;
    if (exf == 0xFF && man) { /* NaN: canonicalised to +NaN first, as CUDA's float paths */
        if (d.e4m3 || (d.ieee && d.mbits == 2)) return 0x7Fu; /* E4M3; E5M2 0x7E|payload 3 */
        if (d.ieee) return 0x7FFFu;                           /* BF16, FP16 canonical */
        return d.maxcode;                                     /* FP6/FP4: +max */
    }
    const uint32_t inf_code = d.ieee ? (((1u << d.ebits) - 1) << d.mbits) : 0x7Fu;
    if (exf == 0xFF) return sign | ((sat || !nan_like) ? d.maxcode : inf_code);
    if (exf == 0 && man == 0) return sign;
    /* |x| = sig * 2^(ex - 23), sig < 2^24 */
    const int ex = exf ? (int)exf - 127 : -126;
    const uint32_t sig = exf ? (man | 0x800000u) : man;
    int top = ex; /* exponent of the leading bit of |x| */
    if (!exf) {
        uint32_t s = sig;
        int lz = 0;
        while (!(s & 0x800000u)) { s <<= 1; lz++; }
        top = -126 - lz;
    }
    const int emin = 1 - d.bias;
    const int q = (top > emin ? top : emin) - d.mbits; /* weight of the result's lsb */
    const int shift = q - (ex - 23);                   /* >= 0 for these formats */
    uint32_t n;
    if (shift >= 26) {
        n = 0; /* below half the smallest step */
    } else if (shift <= 0) {
        n = sig << (-shift);
    } else {
        n = sig >> shift;
        const uint32_t rem = sig & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rem > half || (rem == half && (ties_away || (n & 1)))) n++;
    }
    const int ebias = top + d.bias > 1 ? top + d.bias : 1;
    const uint32_t code = ((uint32_t)(ebias - 1) << d.mbits) + n;
    if (code > d.maxcode) return sign | ((sat || !nan_like) ? d.maxcode : inf_code);
    return sign | code;
}

LPCS_CUDA_HD uint32_t lpcs_mf_from_f32(int f, float x, int sat) { return lpcs_mf_from_f32_rm(f, x, sat, 0); }

/* Minifloat code -> fp32 (exact; NaN codes give a quiet fp32 NaN with the sign). */
LPCS_CUDA_HD float lpcs_mf_to_f32(int f, uint32_t code) {
    const lpcs_mf_desc d = lpcs_mf_describe(f);
    const int w = d.ebits + d.mbits;
    const uint32_t s = ((code >> w) & 1u) << 31;
    const uint32_t mag = code & ((1u << w) - 1);
    const uint32_t e = mag >> d.mbits, m = mag & ((1u << d.mbits) - 1);
    if (f == LPCS_MF_BF16) return lpcs_bits_f32(code << 16); /* truncated fp32, payload kept */
    if ((d.ieee && e == (1u << d.ebits) - 1) || (d.e4m3 && mag == 0x7Fu)) {
        if (d.ieee && m == 0) return lpcs_bits_f32(s | 0x7F800000u);
        return lpcs_bits_f32(0x7FFFFFFFu);
    }
    if (mag == 0) return lpcs_bits_f32(s);
    if (e == 0) { /* subnormal: m * 2^(1 - bias - mbits), normal in fp32 */
        int top = 31;
        while (!((m >> top) & 1)) top--;
        const int ex = 1 - d.bias - d.mbits + top;
        const uint32_t frac = (m << (23 - top)) & 0x7FFFFFu;
        return lpcs_bits_f32(s | ((uint32_t)(ex + 127) << 23) | frac);
    }
    const int ex = (int)e - d.bias;
    return lpcs_bits_f32(s | ((uint32_t)(ex + 127) << 23) | (m << (23 - d.mbits)));
}

/* ---- posits: n = 2..32, es = 0..3, pattern in the low n bits ---- */

LPCS_CUDA_HD uint32_t lpcs_posit_mask(int nb) { return 0xFFFFFFFFu >> (32 - nb); }

/* Rounds (-1)^neg * sig * 2^(scale - 63) (plus a sticky remainder below sig)
 * to posit(nb, es): round to nearest even on the posit bit string, saturating
 * to maxpos / minpos (never 0 or NaR). sig must have bit 63 set. */
LPCS_CUDA_HD uint32_t lpcs_posit_encode(int nb, int es, int neg, int scale, uint64_t sig, int sticky) {
    const uint32_t maxpos = (1u << (nb - 1)) - 1;
    const int k = scale >= 0 ? (scale >> es) : -((-scale + (1 << es) - 1) >> es); /* floor */
    uint32_t body;
    if (k > nb - 2) {
        body = maxpos;
    } else if (k < -(nb - 1)) {
        body = 1; /* minpos */
    } else {
        const uint32_t e = (uint32_t)(scale - k * (1 << es));
        /* after the sign: regime, es exponent bits, 63 fraction bits; at most
         * 32 + 3 + 63 = 98 bits, left-aligned in 128 */
        unsigned __int128 bits;
        int len;
        if (k >= 0) {
            len = k + 2;
            bits = (((unsigned __int128)1 << (k + 1)) - 1) << 1; /* k+1 ones, a zero */
        } else {
            len = -k + 1;
            bits = 1; /* -k zeros, a one */
        }
        bits = (bits << es) | e;
        len += es;
        bits = (bits << 63) | (sig & 0x7FFFFFFFFFFFFFFFull);
        len += 63;
        bits <<= (128 - len);
        const int keep = nb - 1;
        body = (uint32_t)(bits >> (128 - keep));
        const unsigned __int128 rest = bits << keep;
        const int guard = (int)(rest >> 127);
        const int st = sticky || (rest << 1) != 0;
        if (guard && (st || (body & 1))) body++;
        if (body > maxpos) body = maxpos;
        if (body == 0) body = 1;
    }
    return neg ? ((~body + 1) & lpcs_posit_mask(nb)) : body;
}

LPCS_CUDA_HD uint32_t lpcs_posit_from_f32(int nb, int es, float x) {
    const uint32_t u = lpcs_f32_bits(x);
    const uint32_t exf = (u >> 23) & 0xFF, man = u & 0x7FFFFF;
    if (exf == 0xFF) return 1u << (nb - 1); /* NaN, Inf -> NaR */
    if (exf == 0 && man == 0) return 0;
    int scale;
    uint32_t sig24;
    if (exf) {
        scale = (int)exf - 127;
        sig24 = man | 0x800000u;
    } else {
        int lz = 0;
        uint32_t s = man;
        while (!(s & 0x800000u)) { s <<= 1; lz++; }
        scale = -126 - lz;
        sig24 = s;
    }
    return lpcs_posit_encode(nb, es, (int)(u >> 31), scale, (uint64_t)sig24 << 40, 0);
}

/* Decoded nonzero, non-NaR posit: value = (-1)^neg * sig * 2^(scale - 31). */
typedef struct { int neg, scale; uint32_t sig; } lpcs_posit_dec;

LPCS_CUDA_HD lpcs_posit_dec lpcs_posit_decode(int nb, int es, uint32_t p) {
    const uint32_t mask = lpcs_posit_mask(nb);
    p &= mask;
    lpcs_posit_dec d;
    d.neg = (int)((p >> (nb - 1)) & 1u);
    const uint32_t body = d.neg ? ((~p + 1) & mask) : p;
    int i = nb - 2;
    const int first = (body >> i) & 1;
    int run = 0;
    while (i >= 0 && (int)((body >> i) & 1) == first) { run++; i--; }
    i--; /* the regime terminator (may lie past the end) */
    const int k = first ? run - 1 : -run;
    uint32_t e = 0;
    for (int j = 0; j < es; j++) {
        e <<= 1;
        if (i >= 0) { e |= (body >> i) & 1; i--; }
    }
    const int fb = i + 1 > 0 ? i + 1 : 0; /* fraction bits left, <= 29 */
    const uint32_t f = fb ? (body & ((1u << fb) - 1)) : 0;
    d.scale = k * (1 << es) + (int)e;
    d.sig = 0x80000000u | (fb ? f << (31 - fb) : 0);
    return d;
}

/* Posit -> double, exact (NaR -> NaN). */
LPCS_CUDA_HD double lpcs_posit_to_f64(int nb, int es, uint32_t p) {
    p &= lpcs_posit_mask(nb);
    if (p == 0) return 0.0;
    if (p == 1u << (nb - 1)) {
        const uint64_t qn = 0x7FF8000000000000ull;
        double d;
        memcpy(&d, &qn, 8);
        return d;
    }
    const lpcs_posit_dec d = lpcs_posit_decode(nb, es, p);
    /* sig * 2^(scale - 31): sig exact in a double, scaling by exponent bits */
    double v = (double)d.sig;
    uint64_t vb;
    memcpy(&vb, &v, 8);
    vb += (uint64_t)(int64_t)(d.scale - 31) << 52; /* stays normal: |scale| <= 240 */
    memcpy(&v, &vb, 8);
    return d.neg ? -v : v;
}

#if defined(__CUDACC__)
static __host__ __device__ __forceinline__ float lpcs_posit_to_f32(int nb, int es, uint32_t p) {
    if ((p & lpcs_posit_mask(nb)) == 1u << (nb - 1)) return lpcs_bits_f32(0x7FC00000u); /* NaR: (float)NAN */
#if defined(__CUDA_ARCH__)
    return __double2float_rn(lpcs_posit_to_f64(nb, es, p));
#else
    return (float)lpcs_posit_to_f64(nb, es, p);
#endif
}
#endif

#endif
