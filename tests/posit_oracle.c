/* Exact posit oracle: naive bit-walking decode, wide-integer sign of a sum of
 * dyadic terms, rounding by bisection over the sorted posit patterns.
 * Written separately from golden/posit.c on purpose: slow and plain. */
#include "posit_oracle.h"

#include <string.h>

static int bit_at(uint64_t p, int i) { return (int)((p >> i) & 1u); }

int orc_decode(int n, int es, uint64_t p, orc_dy *out) {
    uint64_t mask = (n == 64) ? ~0ull : ((1ull << n) - 1);
    p &= mask;
    out->sign = 0;
    out->m = 0;
    out->e = 0;
    if (p == 0) return 1;
    if (p == 1ull << (n - 1)) return 0;
    if (bit_at(p, n - 1)) {
        out->sign = 1;
        p = (~p + 1) & mask;
    }
    int i = n - 2;
    int first = bit_at(p, i), run = 0;
    while (i >= 0 && bit_at(p, i) == first) {
        run++;
        i--;
    }
    if (i >= 0) i--; /* the terminating bit */
    int k = first ? run - 1 : -run;
    int expo = 0;
    for (int j = 0; j < es; j++) {
        expo = expo * 2 + (i >= 0 ? bit_at(p, i) : 0);
        if (i >= 0) i--;
    }
    uint64_t m = 1;
    int fbits = 0;
    while (i >= 0) {
        m = m * 2 + (uint64_t)bit_at(p, i);
        fbits++;
        i--;
    }
    int useed_log = 1;
    for (int j = 0; j < es; j++) useed_log *= 2;
    out->m = m;
    out->e = k * useed_log + expo - fbits;
    return 1;
}

/* ---- wide integers: little-endian 32-bit limbs --------------------------- */

#define LIMBS 160 /* 5120 bits: covers exponent spans of +-2000 plus 64 */

static void wide_add_shifted(uint32_t *w, int nl, uint64_t m, int shift) {
    int li = shift / 32, bi = shift % 32;
    /* m << bi spans up to 3 limbs */
    uint32_t part[3];
    part[0] = (uint32_t)(m << bi);
    part[1] = (uint32_t)((bi ? (m >> (32 - bi)) : (m >> 32)) & 0xFFFFFFFFu);
    part[2] = bi ? (uint32_t)(m >> (64 - bi)) : 0;
    uint64_t carry = 0;
    for (int j = li; j < nl; j++) {
        uint64_t add = j - li < 3 ? part[j - li] : 0;
        if (j - li >= 3 && carry == 0) break;
        uint64_t s = (uint64_t)w[j] + add + carry;
        w[j] = (uint32_t)s;
        carry = s >> 32;
    }
}

static int wide_cmp(const uint32_t *a, const uint32_t *b, int nl) {
    for (int j = nl - 1; j >= 0; j--)
        if (a[j] != b[j]) return a[j] > b[j] ? 1 : -1;
    return 0;
}

int orc_sign_of_sum(const orc_dy *t, int k) {
    int emin = 0, emax = 0, any = 0;
    for (int i = 0; i < k; i++) {
        if (t[i].m == 0) continue;
        if (!any || t[i].e < emin) emin = t[i].e;
        if (!any || t[i].e > emax) emax = t[i].e;
        any = 1;
    }
    if (!any) return 0;
    if (emax - emin <= 48) { /* fast path: each term < 2^112, 72 of them < 2^119 */
        __int128 acc = 0;
        for (int i = 0; i < k; i++) {
            if (t[i].m == 0) continue; /* its exponent may lie outside [emin, emax] */
            __int128 v = (__int128)t[i].m << (t[i].e - emin);
            acc += t[i].sign ? -v : v;
        }
        return (acc > 0) - (acc < 0);
    }
    int span = emax - emin + 64 + 8; /* + carries of up to 72 terms */
    int nl = span / 32 + 2;
    if (nl > LIMBS) nl = LIMBS; /* not reached with the documented limits */
    uint32_t pos[LIMBS], neg[LIMBS];
    memset(pos, 0, sizeof(uint32_t) * (size_t)nl);
    memset(neg, 0, sizeof(uint32_t) * (size_t)nl);
    for (int i = 0; i < k; i++) {
        if (t[i].m == 0) continue;
        wide_add_shifted(t[i].sign ? neg : pos, nl, t[i].m, t[i].e - emin);
    }
    return wide_cmp(pos, neg, nl);
}

/* ---- rounding by bisection -------------------------------------------------- */

typedef int (*cmp_fn)(const void *ctx, const orc_dy *t); /* sign(x - t) */

typedef struct {
    cmp_fn cmp;
    const void *ctx;
    int flip; /* compare -x instead of x */
} abs_cmp;

static int cmp_abs(const abs_cmp *c, orc_dy t) {
    if (!c->flip) return c->cmp(c->ctx, &t);
    t.sign ^= 1; /* sign(-x - t) = -sign(x - (-t)) */
    return -c->cmp(c->ctx, &t);
}

static orc_dy value_of(int n, int es, uint64_t p) {
    orc_dy d;
    orc_decode(n, es, p, &d);
    return d;
}

static uint32_t round_with(int n, int es, cmp_fn cmp, const void *ctx, orc_tie tie) {
    orc_dy zero = {0, 0, 0};
    int s0 = cmp(ctx, &zero);
    if (s0 == 0) return 0;
    abs_cmp c = {cmp, ctx, s0 < 0};
    uint64_t maxp = (1ull << (n - 1)) - 1, r;
    if (cmp_abs(&c, value_of(n, es, maxp)) >= 0)
        r = maxp;
    else if (cmp_abs(&c, value_of(n, es, 1)) <= 0)
        r = 1;
    else {
        uint64_t lo = 1, hi = maxp; /* value(lo) < |x| < value(hi) */
        r = 0;
        while (hi - lo > 1) {
            uint64_t mid = lo + (hi - lo) / 2;
            int s = cmp_abs(&c, value_of(n, es, mid));
            if (s == 0) {
                r = mid;
                break;
            }
            if (s > 0)
                lo = mid;
            else
                hi = mid;
        }
        if (!r) {
            orc_dy t;
            if (tie == ORC_TIE_BITSTRING) {
                t = value_of(n + 1, es, 2 * lo + 1);
            } else { /* (v_lo + v_hi) / 2 */
                orc_dy a = value_of(n, es, lo), b = value_of(n, es, hi);
                int e = a.e < b.e ? a.e : b.e;
                t.sign = 0;
                t.m = (a.m << (a.e - e)) + (b.m << (b.e - e)); /* small n only */
                t.e = e - 1;
            }
            int s = cmp_abs(&c, t);
            r = s < 0 ? lo : s > 0 ? hi : ((lo & 1) ? hi : lo);
        }
    }
    uint64_t mask = (1ull << n) - 1;
    return (uint32_t)(s0 < 0 ? (~r + 1) & mask : r);
}

/* x = sum of terms */
typedef struct {
    const orc_dy *terms;
    int k;
} sum_ctx;

static int cmp_sum(const void *vctx, const orc_dy *t) {
    const sum_ctx *s = vctx;
    orc_dy all[ORC_MAX_TERMS + 1];
    memcpy(all, s->terms, sizeof(orc_dy) * (size_t)s->k);
    all[s->k] = *t;
    all[s->k].sign ^= 1;
    return orc_sign_of_sum(all, s->k + 1);
}

uint32_t orc_round_sum(int n, int es, const orc_dy *terms, int k, orc_tie tie) {
    sum_ctx s = {terms, k};
    return round_with(n, es, cmp_sum, &s, tie);
}

static orc_dy dy_mul(orc_dy a, orc_dy b) {
    orc_dy r = {a.sign ^ b.sign, a.m * b.m, a.e + b.e}; /* m < 2^32 each */
    return r;
}

#define NAR(n) (1u << ((n) - 1))

uint32_t orc_add(int n, int es, uint32_t a, uint32_t b) {
    orc_dy t[2];
    if (!orc_decode(n, es, a, &t[0]) || !orc_decode(n, es, b, &t[1])) return NAR(n);
    return orc_round_sum(n, es, t, 2, ORC_TIE_BITSTRING);
}

uint32_t orc_sub(int n, int es, uint32_t a, uint32_t b) {
    orc_dy t[2];
    if (!orc_decode(n, es, a, &t[0]) || !orc_decode(n, es, b, &t[1])) return NAR(n);
    t[1].sign ^= 1;
    return orc_round_sum(n, es, t, 2, ORC_TIE_BITSTRING);
}

uint32_t orc_mul_tie(int n, int es, uint32_t a, uint32_t b, orc_tie tie) {
    orc_dy x, y;
    if (!orc_decode(n, es, a, &x) || !orc_decode(n, es, b, &y)) return NAR(n);
    orc_dy p = dy_mul(x, y);
    return orc_round_sum(n, es, &p, 1, tie);
}

uint32_t orc_mul(int n, int es, uint32_t a, uint32_t b) { return orc_mul_tie(n, es, a, b, ORC_TIE_BITSTRING); }

/* x = a / b: sign(a/b - t) = sign(a - b*t) * sign(b) */
typedef struct {
    orc_dy a, b;
} div_ctx;

static int cmp_div(const void *vctx, const orc_dy *t) {
    const div_ctx *d = vctx;
    orc_dy terms[2] = {d->a, dy_mul(d->b, *t)};
    terms[1].sign ^= 1;
    int s = orc_sign_of_sum(terms, 2);
    return d->b.sign ? -s : s;
}

uint32_t orc_div(int n, int es, uint32_t a, uint32_t b) {
    div_ctx d;
    if (!orc_decode(n, es, a, &d.a) || !orc_decode(n, es, b, &d.b) || d.b.m == 0) return NAR(n);
    return round_with(n, es, cmp_div, &d, ORC_TIE_BITSTRING);
}

/* x = sqrt(a), a >= 0: for t > 0, sign(sqrt(a) - t) = sign(a - t*t) */
static int cmp_sqrt(const void *vctx, const orc_dy *t) {
    const orc_dy *a = vctx;
    if (t->m == 0 || t->sign) return a->m == 0 && t->m == 0 ? 0 : 1;
    orc_dy terms[2] = {*a, dy_mul(*t, *t)};
    terms[1].sign = 1;
    return orc_sign_of_sum(terms, 2);
}

uint32_t orc_sqrt(int n, int es, uint32_t a) {
    orc_dy x;
    if (!orc_decode(n, es, a, &x) || (x.sign && x.m)) return NAR(n);
    return round_with(n, es, cmp_sqrt, &x, ORC_TIE_BITSTRING);
}

uint32_t orc_fma(int n, int es, uint32_t a, uint32_t b, uint32_t d) {
    orc_dy x, y, t[2];
    if (!orc_decode(n, es, a, &x) || !orc_decode(n, es, b, &y) || !orc_decode(n, es, d, &t[1])) return NAR(n);
    t[0] = dy_mul(x, y);
    return orc_round_sum(n, es, t, 2, ORC_TIE_BITSTRING);
}

uint32_t orc_from_double(int n, int es, double v) {
    if (v != v || v - v != 0) return NAR(n); /* NaN or Inf */
    if (v == 0) return 0;
    orc_dy x = {0, 0, 0};
    if (v < 0) {
        x.sign = 1;
        v = -v;
    }
    /* v = m * 2^e with integer m < 2^53, found by scaling (exact in binary) */
    int e = 0;
    while (v >= 9007199254740992.0) { /* 2^53 */
        v /= 2;
        e++;
    }
    while (v != (double)(uint64_t)v) {
        v *= 2;
        e--;
    }
    x.m = (uint64_t)v;
    x.e = e;
    return orc_round_sum(n, es, &x, 1, ORC_TIE_BITSTRING);
}

uint32_t orc_convert(int n1, int es1, uint32_t p, int n2, int es2) {
    orc_dy x;
    if (!orc_decode(n1, es1, p, &x)) return NAR(n2);
    return orc_round_sum(n2, es2, &x, 1, ORC_TIE_BITSTRING);
}

uint32_t orc_fdp(int n, int es, const uint32_t *a, const uint32_t *b, int k) {
    orc_dy terms[ORC_MAX_TERMS];
    for (int i = 0; i < k; i++) {
        orc_dy x, y;
        if (!orc_decode(n, es, a[i], &x) || !orc_decode(n, es, b[i], &y)) return NAR(n);
        terms[i] = dy_mul(x, y);
    }
    return orc_round_sum(n, es, terms, k, ORC_TIE_BITSTRING);
}
