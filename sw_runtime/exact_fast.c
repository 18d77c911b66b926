/* Fast exact kernels equal to golden (exact_fast.h). */
#include "exact_fast.h"

#include <immintrin.h>
#include <math.h>
#include <string.h>

#include "posit.h"
#include "status.h"
#include <stdlib.h>

/* Codes c such that every boundary below it is < a (binary search). */
static uint32_t ptab_count_below(const xf_ptab *t, float a) {
    uint32_t lo = 1, hi = t->maxpos; /* the answer c lies in [1, maxpos]: thr[1..c-1] < a <= thr[c] */
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (t->thr[mid] < a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static uint32_t ptab_encode_raw(const xf_ptab *t, float x);

uint32_t xf_ptab_encode(const xf_ptab *t, float x) {
    if (!t->ok || x != x || x - x != 0.0f) return posit_from_float(posit_cfg_make(t->n, t->es), x); /* NaN, Inf: golden */
    return ptab_encode_raw(t, x);
}

/* The tables' encoding of a finite x. */
static uint32_t ptab_encode_raw(const xf_ptab *t, float x) {
    if (x == 0.0f) return 0;
    float a = x < 0 ? -x : x;
    uint32_t b, k;
    memcpy(&b, &a, 4);
    int f = t->bf[b >> 23];
    if (f >= 0) { /* uniform binade: round the mantissa to f bits, ties to the even code */
        uint32_t m = b & 0x7FFFFFu, sh = 23u - (uint32_t)f, rem = m & ((1u << sh) - 1u), half = 1u << (sh - 1);
        k = t->bk0[b >> 23] + (m >> sh);
        if (rem > half || (rem == half && (k & 1))) k++;
    } else {
        k = ptab_count_below(t, a);
        if (k < t->maxpos && a == t->thr[k] && (k & 1)) k++; /* on the boundary: the even code */
    }
    uint32_t mask = (t->n == 32 ? 0u : (1u << t->n)) - 1u;
    return x < 0 ? (0u - k) & mask : k;
}

static int ptab_verify(const xf_ptab *t) {
    posit_cfg c = posit_cfg_make(t->n, t->es);
    uint32_t mask = (1u << t->n) - 1u;
    for (uint32_t k = 1; k < t->maxpos; k++) {
        float b = t->thr[k], below = nextafterf(b, 0.0f), above = nextafterf(b, INFINITY);
        uint32_t even = (k & 1) ? k + 1 : k;
        if (!(t->thr[k - 1 ? k - 1 : 1] <= b) || posit_from_float(c, b) != even || posit_from_float(c, below) != k ||
            posit_from_float(c, above) != k + 1 || posit_from_float(c, -b) != ((0u - even) & mask) ||
            posit_from_float(c, -below) != ((0u - k) & mask))
            return 0;
        /* and the encoder itself (binade rule or search) on the same points */
        if (ptab_encode_raw(t, b) != even || ptab_encode_raw(t, below) != k || ptab_encode_raw(t, above) != k + 1 ||
            ptab_encode_raw(t, -below) != ((0u - k) & mask) || ptab_encode_raw(t, t->val[k]) != k)
            return 0;
    }
    return posit_from_float(c, 0x1p-149f) == 1 && posit_from_float(c, 3.0e38f) == t->maxpos;
}

int xf_ptab_init(xf_ptab *t, int n, int es) {
    memset(t, 0, sizeof *t);
    if (n < 3 || n > 16) return LPCS_EINVAL;
    t->n = n, t->es = es, t->maxpos = (1u << (n - 1)) - 1u;
    t->val = malloc(sizeof(float) << n);
    t->thr = malloc(sizeof(float) * t->maxpos);
    if (!t->val || !t->thr) {
        xf_ptab_free(t);
        return LPCS_ENOMEM;
    }
    posit_cfg c = posit_cfg_make(n, es), c1 = posit_cfg_make(n + 1, es);
    for (uint32_t k = 0; k < (1u << n); k++) t->val[k] = posit_to_float(c, k);
    t->thr[0] = 0.0f;
    for (uint32_t k = 1; k < t->maxpos; k++) t->thr[k] = posit_to_float(c1, 2 * k + 1);
    for (int E = 0; E < 256; E++) { /* uniform binades (the verification below covers them) */
        t->bf[E] = -1;
        if (E == 0 || E == 255) continue;
        float lo = ldexpf(1.0f, E - 127);
        uint32_t k0 = ptab_count_below(t, lo);
        if (k0 >= t->maxpos || t->val[k0] != lo) continue;
        uint32_t k1 = k0;
        while (k1 < t->maxpos && t->val[k1 + 1] < 2.0f * lo) k1++;
        uint32_t cnt = k1 - k0 + 1;
        if (k1 >= t->maxpos || t->val[k1 + 1] != 2.0f * lo || (cnt & (cnt - 1))) continue;
        int f = __builtin_ctz(cnt);
        float step = ldexpf(lo, -f);
        int uniform = f <= 22;
        for (uint32_t k = k0; k <= k1 && uniform; k++)
            uniform = t->val[k] == lo + step * (float)(k - k0) && t->thr[k] == t->val[k] + 0.5f * step;
        if (uniform) t->bf[E] = (int8_t)f, t->bk0[E] = k0;
    }
    t->ok = ptab_verify(t);
    return LPCS_OK;
}

void xf_ptab_free(xf_ptab *t) {
    free(t->val), free(t->thr);
    t->val = t->thr = NULL, t->ok = 0;
}

int xf_p16_split(float v, int16_t *m, uint8_t *s) {
    uint32_t b;
    memcpy(&b, &v, 4);
    if ((b & 0x7FFFFFFFu) == 0) {
        *m = 0, *s = 0;
        return 1;
    }
    int e = (int)((b >> 23) & 0xFF);
    if (e == 0 || e == 0xFF) return 0; /* not a p16e1 value */
    int32_t t = (int32_t)((b & 0x7FFFFFu) | 0x800000u);
    int sh = e - 127 - 23 + 28; /* v * 2^28 = t * 2^sh */
    int z = __builtin_ctz((unsigned)t);
    t >>= z, sh += z;
    if (sh < 0 || sh > 56 || t >= (1 << 14)) return 0;
    *m = (int16_t)((b >> 31) ? -t : t), *s = (uint8_t)sh;
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

static uint32_t i16_readout(int32_t acc, int lsb_exp) {
    float f = ldexpf((float)acc, lsb_exp); /* int -> fp32 is RNE; the scaling is exact */
    uint32_t bits;
    memcpy(&bits, &f, 4);
    return bits;
}

__attribute__((target("avx2"))) static int32_t hsum_epi32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

/* Lane sums of products are subsets of sum |w x| < 2^31: no int32 overflow. */
__attribute__((target("avx2"))) static int32_t i16_sum_avx2(const int16_t *w, const int16_t *x, size_t n) {
    __m256i acc = _mm256_setzero_si256();
    size_t k = 0;
    for (; k + 16 <= n; k += 16)
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(w + k)),
                                                      _mm256_loadu_si256((const __m256i *)(x + k))));
    int32_t a = hsum_epi32(acc);
    for (; k < n; k++) a += (int32_t)w[k] * (int32_t)x[k];
    return a;
}

uint32_t xf_i16_dot(const int16_t *w, const int16_t *x, size_t n, int lsb_exp, int avx2) {
    if (avx2) return i16_readout(i16_sum_avx2(w, x, n), lsb_exp);
    int32_t acc = 0; /* no overflow: the caller checked the bound */
    for (size_t k = 0; k < n; k++) acc += (int32_t)w[k] * (int32_t)x[k];
    return i16_readout(acc, lsb_exp);
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

/* int32 blocks of 2^16 products of |.| <= 2^14 (lanes: fewer) cannot overflow. */
__attribute__((target("avx2"))) static int32_t i8_block_avx2(const int8_t *w, const int8_t *x, size_t n) {
    __m256i acc = _mm256_setzero_si256();
    size_t k = 0;
    for (; k + 16 <= n; k += 16) {
        __m256i a = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w + k)));
        __m256i b = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(x + k)));
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(a, b));
    }
    int32_t a = hsum_epi32(acc);
    for (; k < n; k++) a += (int32_t)w[k] * (int32_t)x[k];
    return a;
}

int64_t xf_i8_dot(const int8_t *w, const int8_t *x, size_t n, int avx2) {
    int64_t acc = 0;
    for (size_t k = 0; k < n;) {
        size_t e = n - k > 65536 ? k + 65536 : n;
        if (avx2) {
            acc += i8_block_avx2(w + k, x + k, e - k);
            k = e;
            continue;
        }
        int32_t a = 0;
        for (; k < e; k++) a += (int32_t)w[k] * (int32_t)x[k];
        acc += a;
    }
    return acc;
}

/* Each product of two p16e1 values (13-bit significands) is exact in
 * double, so the recursive double sum S_d of n products is within
 * gamma_n * sum|p| < n * 2^-52 * bound of the exact S; err below is twice
 * that, which also covers the roundings of err, lo and hi themselves. The
 * fp32 rounding is monotone, so lo <= S <= hi and float(lo) == float(hi)
 * give float(S). A zero S needs lo = hi = +0 (every product zero). */
static int p16_decide(double sd, double bound, size_t n, uint32_t *out) {
    double err = (double)(n + 1) * 0x1p-51 * bound;
    float lo = (float)(sd - err), hi = (float)(sd + err);
    uint32_t bl, bh;
    memcpy(&bl, &lo, 4);
    memcpy(&bh, &hi, 4);
    if (bl != bh) return 0;
    *out = bl;
    return 1;
}

__attribute__((target("avx2"))) static double p16_sum_avx2(const float *w, const float *x, size_t n) {
    __m256d a0 = _mm256_setzero_pd(), a1 = _mm256_setzero_pd();
    size_t k = 0;
    for (; k + 8 <= n; k += 8) {
        __m256d p0 = _mm256_mul_pd(_mm256_cvtps_pd(_mm_loadu_ps(w + k)), _mm256_cvtps_pd(_mm_loadu_ps(x + k)));
        __m256d p1 = _mm256_mul_pd(_mm256_cvtps_pd(_mm_loadu_ps(w + k + 4)), _mm256_cvtps_pd(_mm_loadu_ps(x + k + 4)));
        a0 = _mm256_add_pd(a0, p0), a1 = _mm256_add_pd(a1, p1);
    }
    a0 = _mm256_add_pd(a0, a1);
    __m128d h = _mm_add_pd(_mm256_castpd256_pd128(a0), _mm256_extractf128_pd(a0, 1));
    double s = _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
    for (; k < n; k++) s += (double)w[k] * (double)x[k];
    return s;
}

__attribute__((target("avx512f"))) static double p16_sum_avx512(const float *w, const float *x, size_t n) {
    __m512d a0 = _mm512_setzero_pd(), a1 = _mm512_setzero_pd();
    size_t k = 0;
    for (; k + 16 <= n; k += 16) {
        a0 = _mm512_add_pd(a0, _mm512_mul_pd(_mm512_cvtps_pd(_mm256_loadu_ps(w + k)), _mm512_cvtps_pd(_mm256_loadu_ps(x + k))));
        a1 = _mm512_add_pd(a1, _mm512_mul_pd(_mm512_cvtps_pd(_mm256_loadu_ps(w + k + 8)),
                                             _mm512_cvtps_pd(_mm256_loadu_ps(x + k + 8))));
    }
    double s = _mm512_reduce_add_pd(_mm512_add_pd(a0, a1));
    for (; k < n; k++) s += (double)w[k] * (double)x[k];
    return s;
}

int xf_p16_dot_f64(const float *w, const float *x, size_t n, double bound, int avx2, uint32_t *out) {
    double s = 0.0;
    if (avx2 > 1)
        s = p16_sum_avx512(w, x, n);
    else if (avx2)
        s = p16_sum_avx2(w, x, n);
    else
        for (size_t k = 0; k < n; k++) s += (double)w[k] * (double)x[k];
    return p16_decide(s, bound, n, out);
}
