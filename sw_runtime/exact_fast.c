/* Fast exact kernels equal to golden (exact_fast.h). */
#include "exact_fast.h"

#include <math.h>
#include <string.h>

#include "posit.h"

int16_t xf_p8_value(uint8_t code) {
    posit_cfg c = posit_cfg_make(8, 0);
    if (posit_is_nar(c, code)) return XF_P8_NAR;
    return (int16_t)(posit_to_double(c, code) * 64.0); /* exact: multiples of 2^-6, |v| <= 64 */
}

int xf_p16_decode(uint16_t code, int16_t *m, uint8_t *s) {
    posit_cfg c = posit_cfg_make(16, 1);
    if (posit_is_nar(c, code)) return 0;
    int64_t t = (int64_t)ldexp(posit_to_double(c, code), 28); /* exact: multiples of 2^-28, |v| <= 2^28 */
    int e = 0;
    while (t && !(t & 1)) t /= 2, e++;
    *m = (int16_t)t, *s = (uint8_t)(t ? e : 0);
    return 1;
}

uint32_t xf_i128_to_f32(__int128 v, int lsb_exp) {
    if (!v) return 0; /* +0 */
    int neg = v < 0;
    unsigned __int128 u = neg ? -(unsigned __int128)v : (unsigned __int128)v;
    uint64_t hi = (uint64_t)(u >> 64);
    int top = hi ? 127 - __builtin_clzll(hi) : 63 - __builtin_clzll((uint64_t)u);
    int sh = top > 23 ? top - 23 : 0;
    if (sh) { /* keep 24 bits, round to nearest, ties to even */
        unsigned __int128 rem = u & (((unsigned __int128)1 << sh) - 1), half = (unsigned __int128)1 << (sh - 1);
        u >>= sh;
        if (rem > half || (rem == half && (u & 1))) u++; /* may carry to 2^24: still exact in fp32 */
    }
    float f = ldexpf((float)(uint32_t)u, sh + lsb_exp); /* power-of-two scaling of a normal value: exact */
    if (neg) f = -f;
    uint32_t bits;
    memcpy(&bits, &f, 4);
    return bits;
}

uint32_t xf_p8_dot(const int16_t *w, const int16_t *x, size_t n) {
    int32_t acc = 0; /* no overflow: the caller checked the bound */
    for (size_t k = 0; k < n; k++) acc += (int32_t)w[k] * (int32_t)x[k];
    float f = (float)acc * 0x1p-12f; /* int -> fp32 is RNE; the scaling is exact */
    uint32_t bits;
    memcpy(&bits, &f, 4);
    return bits;
}

uint32_t xf_p16_dot(const int16_t *wm, const uint8_t *ws, const int16_t *xm, const uint8_t *xs, size_t n) {
    int64_t bin[8] = {0}, bin2[8] = {0}; /* two sets: independent add chains */
    size_t k = 0;
    for (; k + 1 < n; k += 2) {
        unsigned s0 = (unsigned)ws[k] + xs[k], s1 = (unsigned)ws[k + 1] + xs[k + 1];
        bin[s0 >> 4] += (int64_t)((int32_t)wm[k] * xm[k]) * ((int64_t)1 << (s0 & 15));
        bin2[s1 >> 4] += (int64_t)((int32_t)wm[k + 1] * xm[k + 1]) * ((int64_t)1 << (s1 & 15));
    }
    if (k < n) {
        unsigned s0 = (unsigned)ws[k] + xs[k];
        bin[s0 >> 4] += (int64_t)((int32_t)wm[k] * xm[k]) * ((int64_t)1 << (s0 & 15));
    }
    __int128 total = 0;
    for (int b = 0; b < 8; b++) total += (__int128)(bin[b] + bin2[b]) * ((__int128)1 << (16 * b));
    return xf_i128_to_f32(total, -56);
}

int64_t xf_i8_dot(const int8_t *w, const int8_t *x, size_t n) {
    int64_t acc = 0;
    size_t k = 0;
    while (k < n) { /* int32 blocks: 2^16 products of |.| <= 2^14 cannot overflow */
        size_t e = n - k > 65536 ? k + 65536 : n;
        int32_t a = 0;
        for (; k < e; k++) a += (int32_t)w[k] * (int32_t)x[k];
        acc += a;
    }
    return acc;
}
