/* Private to posit.c and quire.c: decode a posit into (sign, scale, 32-bit
 * significand) and encode (sign, scale, 64-bit significand, sticky) back with
 * round-to-nearest-even on the bit string. Inlined with constant (n, es) in
 * the fast paths so the compiler folds the shifts. */
#ifndef LPCS_GOLDEN_POSIT_IMPL_H
#define LPCS_GOLDEN_POSIT_IMPL_H

#include <stdint.h>

#define PI_INLINE static inline __attribute__((always_inline))

/* Mask of the low n bits, 1 <= n <= 32. */
PI_INLINE uint32_t pi_mask(int n) { return 0xFFFFFFFFu >> (32 - n); }

typedef struct {
    int sign;     /* 1 if negative */
    int scale;    /* value = sig * 2^(scale - 31) */
    uint32_t sig; /* hidden bit at bit 31 */
} pi_dec;

/* p must be masked to n bits, nonzero and not NaR. */
PI_INLINE pi_dec pi_decode(int n, int es, uint32_t p) {
    pi_dec d;
    d.sign = (int)((p >> (n - 1)) & 1u);
    uint32_t m = d.sign ? (0u - p) & pi_mask(n) : p;
    uint32_t x = m << (33 - n); /* drop the (zero) sign bit, left-align */
    int k, r;
    if ((int32_t)x < 0) {
        k = __builtin_clz(~x); /* run of ones; padding zeros stop it */
        r = k - 1;
    } else {
        k = __builtin_clz(x);
        r = -k;
    }
    x <<= k; /* k <= 31 */
    x <<= 1; /* the regime terminator */
    int e = 0;
    if (es) {
        e = (int)(x >> (32 - es));
        x <<= es;
    }
    d.scale = r * (1 << es) + e;
    d.sig = 0x80000000u | (x >> 1);
    return d;
}

/* Round (-1)^sign * sig * 2^(scale - 63) (+ sticky below) to posit(n, es).
 * sig must have its top bit (bit 63) set. */
PI_INLINE uint32_t pi_encode(int n, int es, int sign, int scale, uint64_t sig, int sticky) {
    int r = scale >> es; /* floor division (arithmetic shift) */
    uint32_t mag;
    if (r >= n - 2) {
        mag = pi_mask(n - 1); /* maxpos (or beyond) */
    } else if (r <= -(n - 1)) {
        mag = 1; /* minpos: never round to zero */
    } else {
        uint64_t frac = sig << 1, body = frac;
        if (es) {
            uint32_t e = (uint32_t)scale & ((1u << es) - 1);
            sticky |= (frac & ((1u << es) - 1)) != 0;
            body = ((uint64_t)e << (64 - es)) | (frac >> es);
        }
        int len;
        uint64_t reg;
        if (r >= 0) {
            len = r + 2;
            reg = ~0ull << (63 - r);
        } else {
            len = 1 - r;
            reg = 1ull << (63 + r);
        }
        sticky |= (body << (64 - len)) != 0;
        uint64_t bits = reg | (body >> len);
        mag = (uint32_t)(bits >> (65 - n));
        uint32_t round = (uint32_t)(bits >> (64 - n)) & 1u;
        int rest = sticky || (bits << n) != 0;
        if (round && (rest || (mag & 1u)))
            mag++;
    }
    return sign ? (0u - mag) & pi_mask(n) : mag;
}

PI_INLINE int pi_cfg_ok(int n, int es) { return n >= 2 && n <= 32 && es >= 0 && es <= 3; }

#endif
