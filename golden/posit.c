/* posit(n, es) arithmetic: decode to (sign, scale, significand), operate
 * exactly or with a sticky bit, encode once (see posit_impl.h). The core
 * operations are inlined with constant (n, es) for the common presets. */
#include "posit.h"

#include <math.h>
#include <string.h>

#include "posit_impl.h"

int posit_cfg_check(posit_cfg c) { return pi_cfg_ok(c.n, c.es) ? LPCS_OK : LPCS_ERANGE; }

uint32_t posit_nar(posit_cfg c) { return pi_cfg_ok(c.n, c.es) ? 1u << (c.n - 1) : 0; }
uint32_t posit_maxpos(posit_cfg c) { return pi_cfg_ok(c.n, c.es) ? pi_mask(c.n - 1) : 0; }
uint32_t posit_minpos(posit_cfg c) { return pi_cfg_ok(c.n, c.es) ? 1u : 0; }
uint32_t posit_one(posit_cfg c) { return pi_cfg_ok(c.n, c.es) ? 1u << (c.n - 2) : 0; }
int posit_max_scale(posit_cfg c) { return pi_cfg_ok(c.n, c.es) ? (c.n - 2) * (1 << c.es) : 0; }
int posit_is_nar(posit_cfg c, uint32_t p) {
    return pi_cfg_ok(c.n, c.es) && (p & pi_mask(c.n)) == 1u << (c.n - 1);
}

/* ---- core operations (n, es constant after inlining) ---------------------- */

PI_INLINE uint32_t core_add(int n, int es, uint32_t a, uint32_t b) {
    const uint32_t mask = pi_mask(n), nar = 1u << (n - 1);
    a &= mask;
    b &= mask;
    if (a == nar || b == nar) return nar;
    if (a == 0) return b;
    if (b == 0) return a;
    /* Order by magnitude: magnitudes compare like their patterns. */
    uint32_t ma = (a & nar) ? (0u - a) & mask : a;
    uint32_t mb = (b & nar) ? (0u - b) & mask : b;
    if (ma < mb) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    pi_dec x = pi_decode(n, es, a), y = pi_decode(n, es, b);
    uint64_t sx = (uint64_t)x.sig << 31, sy = (uint64_t)y.sig << 31; /* hidden at 62 */
    int d = x.scale - y.scale;
    if (d >= 63)
        sy = 1; /* only a sticky bit remains */
    else if (d > 0)
        sy = (sy >> d) | ((sy << (64 - d)) != 0);
    uint64_t s;
    if (x.sign == y.sign) {
        s = sx + sy;
    } else {
        s = sx - sy;
        if (s == 0) return 0;
    }
    int lz = __builtin_clzll(s);
    return pi_encode(n, es, x.sign, x.scale + 1 - lz, s << lz, 0);
}

PI_INLINE uint32_t core_mul(int n, int es, uint32_t a, uint32_t b) {
    const uint32_t mask = pi_mask(n), nar = 1u << (n - 1);
    a &= mask;
    b &= mask;
    if (a == nar || b == nar) return nar;
    if (a == 0 || b == 0) return 0;
    pi_dec x = pi_decode(n, es, a), y = pi_decode(n, es, b);
    uint64_t p = (uint64_t)x.sig * y.sig; /* [2^62, 2^64) */
    int scale = x.scale + y.scale;
    if (p >> 63)
        scale++;
    else
        p <<= 1;
    return pi_encode(n, es, x.sign ^ y.sign, scale, p, 0);
}

PI_INLINE uint32_t core_div(int n, int es, uint32_t a, uint32_t b) {
    const uint32_t mask = pi_mask(n), nar = 1u << (n - 1);
    a &= mask;
    b &= mask;
    if (a == nar || b == nar || b == 0) return nar;
    if (a == 0) return 0;
    pi_dec x = pi_decode(n, es, a), y = pi_decode(n, es, b);
    int scale = x.scale - y.scale;
    uint64_t sig;
    int sticky;
    if (n <= 16) {
        /* At most 13 fraction bits: a 32/16-bit quotient keeps 2+ guard bits. */
        uint32_t num = x.sig & 0xFFFF0000u, den = y.sig >> 16;
        uint32_t q = num / den;
        sticky = num % den != 0;
        if (q >> 16)
            sig = (uint64_t)q << 47;
        else {
            sig = (uint64_t)q << 48;
            scale--;
        }
    } else {
        uint64_t num = (uint64_t)x.sig << 32;
        uint64_t q = num / y.sig;
        sticky = num % y.sig != 0;
        if (q >> 32)
            sig = q << 31;
        else {
            sig = q << 32;
            scale--;
        }
    }
    return pi_encode(n, es, x.sign ^ y.sign, scale, sig, sticky);
}

/* floor(sqrt(r)) for 64-bit r, and whether it is inexact. */
static uint64_t isqrt64(uint64_t r, int *inexact) {
    uint64_t s = (uint64_t)sqrt((double)r);
    if (s > 0xFFFFFFFFull) s = 0xFFFFFFFFull;
    while (s * s > r) s--;
    while (s < 0xFFFFFFFFull && (s + 1) * (s + 1) <= r) s++;
    *inexact = s * s != r;
    return s;
}

static uint32_t core_sqrt(int n, int es, uint32_t a) {
    const uint32_t mask = pi_mask(n), nar = 1u << (n - 1);
    a &= mask;
    if (a & nar) return nar; /* NaR or negative */
    if (a == 0) return 0;
    pi_dec x = pi_decode(n, es, a);
    /* sig * 2^(scale-31) = R * 2^(2*half - 62) with R = sig << (31 + odd). */
    int odd = x.scale & 1, half = (x.scale - odd) / 2;
    int inexact;
    uint64_t root = isqrt64((uint64_t)x.sig << (31 + odd), &inexact); /* [2^31, 2^32) */
    return pi_encode(n, es, 0, half, root << 32, inexact);
}

typedef unsigned __int128 u128;

static int clz128(u128 v) {
    uint64_t hi = (uint64_t)(v >> 64);
    return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)v);
}

static uint32_t core_fma(int n, int es, uint32_t a, uint32_t b, uint32_t d) {
    const uint32_t mask = pi_mask(n), nar = 1u << (n - 1);
    a &= mask;
    b &= mask;
    d &= mask;
    if (a == nar || b == nar || d == nar) return nar;
    if (a == 0 || b == 0) return d;
    pi_dec x = pi_decode(n, es, a), y = pi_decode(n, es, b);
    uint64_t p = (uint64_t)x.sig * y.sig;
    int ps = x.scale + y.scale, psign = x.sign ^ y.sign;
    if (p >> 63)
        ps++;
    else
        p <<= 1; /* p * 2^(ps - 63) */
    if (d == 0) return pi_encode(n, es, psign, ps, p, 0);
    pi_dec z = pi_decode(n, es, d);
    /* Both terms as 128-bit values with the hidden bit at 125. */
    u128 big = (u128)p << 62, small = (u128)z.sig << 94;
    int bs = ps, ss = z.scale, bsign = psign, ssign = z.sign;
    if (ss > bs || (ss == bs && small > big)) {
        u128 t = big;
        big = small;
        small = t;
        int ti = bs;
        bs = ss;
        ss = ti;
        ti = bsign;
        bsign = ssign;
        ssign = ti;
    }
    int dd = bs - ss;
    if (dd >= 126)
        small = 1;
    else if (dd > 0)
        small = (small >> dd) | ((small << (128 - dd)) != 0);
    u128 s = bsign == ssign ? big + small : big - small;
    if (s == 0) return 0;
    int lz = clz128(s);
    s <<= lz;
    int scale = bs + 2 - lz; /* bit 127 after the shift */
    return pi_encode(n, es, bsign, scale, (uint64_t)(s >> 64), (uint64_t)s != 0);
}

/* ---- public generic entry points ------------------------------------------ */

#define DISPATCH2(core, c, a, b)                                             \
    do {                                                                     \
        if (c.n == 16 && c.es == 1) return core(16, 1, a, b);                \
        if (c.n == 8 && c.es == 0) return core(8, 0, a, b);                  \
        if (c.n == 32 && c.es == 2) return core(32, 2, a, b);                \
        if (!pi_cfg_ok(c.n, c.es)) return 0;                                 \
        return core(c.n, c.es, a, b);                                        \
    } while (0)

uint32_t posit_add(posit_cfg c, uint32_t a, uint32_t b) { DISPATCH2(core_add, c, a, b); }
uint32_t posit_mul(posit_cfg c, uint32_t a, uint32_t b) { DISPATCH2(core_mul, c, a, b); }
uint32_t posit_div(posit_cfg c, uint32_t a, uint32_t b) { DISPATCH2(core_div, c, a, b); }
uint32_t posit_sub(posit_cfg c, uint32_t a, uint32_t b) {
    if (!pi_cfg_ok(c.n, c.es)) return 0;
    return posit_add(c, a, (0u - b) & pi_mask(c.n));
}
uint32_t posit_sqrt(posit_cfg c, uint32_t a) {
    if (!pi_cfg_ok(c.n, c.es)) return 0;
    return core_sqrt(c.n, c.es, a);
}
uint32_t posit_fma(posit_cfg c, uint32_t a, uint32_t b, uint32_t d) {
    if (!pi_cfg_ok(c.n, c.es)) return 0;
    return core_fma(c.n, c.es, a, b, d);
}
uint32_t posit_neg(posit_cfg c, uint32_t a) {
    if (!pi_cfg_ok(c.n, c.es)) return 0;
    return (0u - a) & pi_mask(c.n);
}
uint32_t posit_abs(posit_cfg c, uint32_t a) {
    if (!pi_cfg_ok(c.n, c.es)) return 0;
    a &= pi_mask(c.n);
    return (a >> (c.n - 1)) ? (0u - a) & pi_mask(c.n) : a; /* NaR stays NaR */
}

/* Sign-extended pattern: posits order like 2's complement integers. */
static int32_t as_int(posit_cfg c, uint32_t p) {
    return (int32_t)((p & pi_mask(c.n)) << (32 - c.n)) >> (32 - c.n);
}
int posit_cmp(posit_cfg c, uint32_t a, uint32_t b) {
    if (!pi_cfg_ok(c.n, c.es)) return 0;
    int32_t x = as_int(c, a), y = as_int(c, b);
    return (x > y) - (x < y);
}
int posit_eq(posit_cfg c, uint32_t a, uint32_t b) { return pi_cfg_ok(c.n, c.es) && posit_cmp(c, a, b) == 0; }
int posit_lt(posit_cfg c, uint32_t a, uint32_t b) { return posit_cmp(c, a, b) < 0; }
int posit_le(posit_cfg c, uint32_t a, uint32_t b) { return pi_cfg_ok(c.n, c.es) && posit_cmp(c, a, b) <= 0; }

posit_parts posit_decode(posit_cfg c, uint32_t p) {
    posit_parts r;
    memset(&r, 0, sizeof r);
    if (!pi_cfg_ok(c.n, c.es)) {
        r.is_nar = 1;
        return r;
    }
    p &= pi_mask(c.n);
    if (p == 0) {
        r.is_zero = 1;
        return r;
    }
    if (p == 1u << (c.n - 1)) {
        r.is_nar = 1;
        return r;
    }
    pi_dec d = pi_decode(c.n, c.es, p);
    /* Fraction bits present: n - 1 - (regime incl. terminator) - es, if positive. */
    uint32_t m = d.sign ? (0u - p) & pi_mask(c.n) : p;
    uint32_t x = m << (33 - c.n);
    int run = (int32_t)x < 0 ? __builtin_clz(~x) : __builtin_clz(x);
    int fb = c.n - 1 - (run + 1) - c.es;
    if (fb < 0) fb = 0;
    r.sign = d.sign;
    r.scale = d.scale;
    r.frac_bits = fb;
    r.sig = d.sig >> (31 - fb);
    return r;
}

uint32_t posit_round(posit_cfg c, int sign, int exp2, uint64_t mag, int sticky) {
    if (!pi_cfg_ok(c.n, c.es)) return 0;
    if (mag == 0) return 0;
    int lz = __builtin_clzll(mag);
    /* Clamp absurd exponents so the scale arithmetic cannot overflow. */
    long scale = (long)exp2 + 63 - lz;
    if (scale > 100000) scale = 100000;
    if (scale < -100000) scale = -100000;
    return pi_encode(c.n, c.es, sign != 0, (int)scale, mag << lz, sticky != 0);
}

uint32_t posit_from_double(posit_cfg c, double v) {
    if (!pi_cfg_ok(c.n, c.es)) return 0;
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    int sign = (int)(u >> 63);
    int ex = (int)((u >> 52) & 0x7FF);
    uint64_t man = u & 0xFFFFFFFFFFFFFull;
    if (ex == 0x7FF) return 1u << (c.n - 1); /* NaN, Inf -> NaR */
    if (ex == 0) {
        if (man == 0) return 0;
        return posit_round(c, sign, -1074, man, 0); /* subnormal */
    }
    return pi_encode(c.n, c.es, sign, ex - 1023, (man | 1ull << 52) << 11, 0);
}

uint32_t posit_from_float(posit_cfg c, float v) { return posit_from_double(c, (double)v); }

double posit_to_double(posit_cfg c, uint32_t p) {
    if (!pi_cfg_ok(c.n, c.es)) return 0.0;
    p &= pi_mask(c.n);
    if (p == 0) return 0.0;
    if (p == 1u << (c.n - 1)) return NAN;
    pi_dec d = pi_decode(c.n, c.es, p);
    /* |scale| <= 240: always a normal double. */
    uint64_t u = (uint64_t)d.sign << 63 | (uint64_t)(d.scale + 1023) << 52 |
                 (uint64_t)(d.sig & 0x7FFFFFFFu) << 21;
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

/* The double is exact, so one double->float conversion rounds once (RNE). */
float posit_to_float(posit_cfg c, uint32_t p) { return (float)posit_to_double(c, p); }

uint32_t posit_convert(posit_cfg from, uint32_t p, posit_cfg to) {
    if (!pi_cfg_ok(from.n, from.es) || !pi_cfg_ok(to.n, to.es)) return 0;
    p &= pi_mask(from.n);
    if (p == 0) return 0;
    if (p == 1u << (from.n - 1)) return 1u << (to.n - 1);
    pi_dec d = pi_decode(from.n, from.es, p);
    return pi_encode(to.n, to.es, d.sign, d.scale, (uint64_t)d.sig << 32, 0);
}

/* ---- fixed-configuration fast paths ---------------------------------------- */

uint32_t posit_p8e0_add(uint32_t a, uint32_t b) { return core_add(8, 0, a, b); }
uint32_t posit_p8e0_mul(uint32_t a, uint32_t b) { return core_mul(8, 0, a, b); }
uint32_t posit_p8e0_div(uint32_t a, uint32_t b) { return core_div(8, 0, a, b); }
uint32_t posit_p16e1_add(uint32_t a, uint32_t b) { return core_add(16, 1, a, b); }
uint32_t posit_p16e1_sub(uint32_t a, uint32_t b) { return core_add(16, 1, a, (0u - b) & 0xFFFFu); }
uint32_t posit_p16e1_mul(uint32_t a, uint32_t b) { return core_mul(16, 1, a, b); }
uint32_t posit_p16e1_div(uint32_t a, uint32_t b) { return core_div(16, 1, a, b); }
uint32_t posit_p32e2_add(uint32_t a, uint32_t b) { return core_add(32, 2, a, b); }
uint32_t posit_p32e2_mul(uint32_t a, uint32_t b) { return core_mul(32, 2, a, b); }
uint32_t posit_p32e2_div(uint32_t a, uint32_t b) { return core_div(32, 2, a, b); }
