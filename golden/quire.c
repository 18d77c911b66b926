/* Quires: SoftPosit-compatible quire8 / quire16 and a generic multiword
 * exact accumulator. Products of two posits are exact in 64 bits
 * (32-bit significands), and every posit product is a whole multiple of
 * minpos^2, the quire lsb, so placing a product never loses bits. */
#include "quire.h"

#include <string.h>

#include "posit_impl.h"

typedef unsigned __int128 u128;

/* |a*b| as P * 2^(scale - 62) with P in [2^62, 2^64); a, b nonzero, not NaR. */
PI_INLINE uint64_t product(int n, int es, uint32_t a, uint32_t b, int *scale, int *sign) {
    pi_dec x = pi_decode(n, es, a), y = pi_decode(n, es, b);
    *scale = x.scale + y.scale;
    *sign = x.sign ^ y.sign;
    return (uint64_t)x.sig * y.sig;
}

/* Rounds the magnitude m (wide, given as top 64 bits + sticky) to posit. */
static uint32_t round_mag(int n, int es, int sign, int exp2, uint64_t top, int sticky) {
    int lz = __builtin_clzll(top);
    return pi_encode(n, es, sign, exp2 + 63 - lz, top << lz, sticky);
}

/* ---- quire8 (p8e0, 32 bits, lsb 2^-12) ------------------------------------ */

#define Q8_NAR 0x80000000u

quire8_t quire8_clear(void) {
    quire8_t q = {0};
    return q;
}
int quire8_is_nar(quire8_t q) { return q.bits == Q8_NAR; }

static quire8_t q8_fdp(quire8_t q, uint32_t a, uint32_t b, int negate) {
    a &= 0xFFu;
    b &= 0xFFu;
    if (q.bits == Q8_NAR || a == 0x80u || b == 0x80u) {
        q.bits = Q8_NAR;
        return q;
    }
    if (a == 0 || b == 0) return q;
    int scale, sign;
    uint64_t p = product(8, 0, a, b, &scale, &sign);
    uint32_t v = (uint32_t)(p >> (50 - scale)); /* scale in [-12, 12]: exact */
    if (sign ^ negate) v = 0u - v;
    q.bits += v;
    if (q.bits == Q8_NAR) q.bits = 0; /* SoftPosit: a sum landing on NaR reads as 0 */
    return q;
}
quire8_t quire8_fdp_add(quire8_t q, uint32_t a, uint32_t b) { return q8_fdp(q, a, b, 0); }
quire8_t quire8_fdp_sub(quire8_t q, uint32_t a, uint32_t b) { return q8_fdp(q, a, b, 1); }

uint32_t quire8_to_posit(quire8_t q) {
    if (q.bits == 0) return 0;
    if (q.bits == Q8_NAR) return 0x80u;
    int sign = (int)(q.bits >> 31);
    uint32_t mag = sign ? 0u - q.bits : q.bits;
    return round_mag(8, 0, sign, -12, mag, 0);
}

/* ---- quire16 (p16e1, 128 bits, lsb 2^-56) --------------------------------- */

static u128 q16_get(quire16_t q) { return (u128)q.hi << 64 | q.lo; }
static quire16_t q16_put(u128 v) {
    quire16_t q;
    q.hi = (uint64_t)(v >> 64);
    q.lo = (uint64_t)v;
    return q;
}
static const u128 Q16_NAR = (u128)1 << 127;

quire16_t quire16_clear(void) {
    quire16_t q = {0, 0};
    return q;
}
int quire16_is_nar(quire16_t q) { return q.hi == 0x8000000000000000ull && q.lo == 0; }

static quire16_t q16_fdp(quire16_t q, uint32_t a, uint32_t b, int negate) {
    a &= 0xFFFFu;
    b &= 0xFFFFu;
    if (quire16_is_nar(q) || a == 0x8000u || b == 0x8000u) return q16_put(Q16_NAR);
    if (a == 0 || b == 0) return q;
    int scale, sign;
    uint64_t p = product(16, 1, a, b, &scale, &sign);
    int shift = scale - 6; /* p * 2^(scale-62) in units of 2^-56; scale in [-56, 56] */
    u128 v = shift < 0 ? (u128)(p >> -shift) : (u128)p << shift;
    if (sign ^ negate) v = (u128)0 - v;
    u128 s = q16_get(q) + v;
    if (s == Q16_NAR) s = 0; /* as SoftPosit */
    return q16_put(s);
}
quire16_t quire16_fdp_add(quire16_t q, uint32_t a, uint32_t b) { return q16_fdp(q, a, b, 0); }
quire16_t quire16_fdp_sub(quire16_t q, uint32_t a, uint32_t b) { return q16_fdp(q, a, b, 1); }

uint32_t quire16_to_posit(quire16_t q) {
    u128 v = q16_get(q);
    if (v == 0) return 0;
    if (v == Q16_NAR) return 0x8000u;
    int sign = (int)(v >> 127);
    if (sign) v = (u128)0 - v;
    uint64_t hi = (uint64_t)(v >> 64), lo = (uint64_t)v;
    if (hi == 0) return round_mag(16, 1, sign, -56, lo, 0);
    int lz = __builtin_clzll(hi);
    uint64_t top = lz ? (hi << lz) | (lo >> (64 - lz)) : hi;
    int sticky = lz ? (lo << lz) != 0 : lo != 0;
    return round_mag(16, 1, sign, -56 + 64 - lz, top, sticky);
}

/* ---- generic quire --------------------------------------------------------- */

int pquire_init(posit_quire *q, posit_cfg c) {
    if (!q) return LPCS_EINVAL;
    memset(q, 0, sizeof *q);
    q->cfg = c;
    if (!pi_cfg_ok(c.n, c.es)) return LPCS_ERANGE;
    int ms = (c.n - 2) * (1 << c.es);
    /* products < 2^(2ms+2), lsb 2^-2ms: 4ms+2 bits, + sign + 31 carry guard */
    q->nwords = (4 * ms + 34 + 63) / 64;
    q->lsb_exp = -2 * ms;
    return LPCS_OK;
}

static int pq_ok(const posit_quire *q) { return q && q->nwords > 0 && q->nwords <= PQUIRE_MAX_WORDS; }

void pquire_clear(posit_quire *q) {
    if (!pq_ok(q)) return;
    q->nar = 0;
    memset(q->w, 0, sizeof q->w);
}

int pquire_is_nar(const posit_quire *q) { return pq_ok(q) && q->nar; }

/* Adds (or subtracts) m * 2^shift (in lsb units, shift >= 0) to the words. */
static void pq_accumulate(posit_quire *q, uint64_t m, int shift, int negate) {
    int wi = shift >> 6, bi = shift & 63;
    uint64_t part[2] = {m << bi, bi ? m >> (64 - bi) : 0};
    if (!negate) {
        unsigned carry = 0;
        for (int i = wi; i < q->nwords; i++) {
            uint64_t add = i - wi < 2 ? part[i - wi] : 0;
            if (i - wi >= 2 && !carry) break;
            uint64_t s = q->w[i] + add;
            unsigned c1 = s < add;
            uint64_t s2 = s + carry;
            unsigned c2 = s2 < s;
            q->w[i] = s2;
            carry = c1 | c2;
        }
    } else {
        unsigned borrow = 0;
        for (int i = wi; i < q->nwords; i++) {
            uint64_t sub = i - wi < 2 ? part[i - wi] : 0;
            if (i - wi >= 2 && !borrow) break;
            uint64_t w = q->w[i];
            uint64_t d = w - sub;
            unsigned b1 = w < sub;
            uint64_t d2 = d - borrow;
            unsigned b2 = d < borrow;
            q->w[i] = d2;
            borrow = b1 | b2;
        }
    }
}

static void pq_fdp(posit_quire *q, uint32_t a, uint32_t b, int negate) {
    if (!pq_ok(q) || q->nar) return;
    const int n = q->cfg.n, es = q->cfg.es;
    const uint32_t mask = pi_mask(n), nar = 1u << (n - 1);
    a &= mask;
    b &= mask;
    if (a == nar || b == nar) {
        q->nar = 1;
        return;
    }
    if (a == 0 || b == 0) return;
    int scale, sign;
    uint64_t p = product(n, es, a, b, &scale, &sign);
    int shift = scale - 62 - q->lsb_exp; /* >= -62 */
    if (shift < 0) {
        p >>= -shift; /* exact: products are multiples of the lsb */
        shift = 0;
    }
    pq_accumulate(q, p, shift, sign ^ negate);
}

void pquire_fdp_add(posit_quire *q, uint32_t a, uint32_t b) { pq_fdp(q, a, b, 0); }
void pquire_fdp_sub(posit_quire *q, uint32_t a, uint32_t b) { pq_fdp(q, a, b, 1); }
void pquire_add_posit(posit_quire *q, uint32_t a) {
    if (!pq_ok(q)) return;
    pq_fdp(q, a, 1u << (q->cfg.n - 2), 0); /* a * 1 */
}

uint32_t pquire_to_posit(const posit_quire *q) {
    if (!pq_ok(q)) return 0;
    const int n = q->cfg.n, es = q->cfg.es, nw = q->nwords;
    if (q->nar) return 1u << (n - 1);
    uint64_t w[PQUIRE_MAX_WORDS];
    memcpy(w, q->w, sizeof w);
    int sign = (int)(w[nw - 1] >> 63);
    if (sign) { /* two's complement negate */
        unsigned carry = 1;
        for (int i = 0; i < nw; i++) {
            w[i] = ~w[i] + carry;
            carry = carry && w[i] == 0;
        }
    }
    int top = nw - 1;
    while (top >= 0 && w[top] == 0) top--;
    if (top < 0) return 0;
    int lz = __builtin_clzll(w[top]);
    uint64_t hi = w[top] << lz;
    int sticky = 0;
    if (top > 0) {
        if (lz) hi |= w[top - 1] >> (64 - lz);
        sticky = lz ? (w[top - 1] << lz) != 0 : w[top - 1] != 0;
        for (int i = top - 2; i >= 0 && !sticky; i--) sticky = w[i] != 0;
    }
    /* bit 63 of hi has weight 2^(lsb_exp + 64*top + 63 - lz) */
    int exp2 = q->lsb_exp + 64 * top - lz;
    return round_mag(n, es, sign, exp2, hi, sticky);
}

int posit_fdp_checked(posit_cfg c, const uint32_t *a, const uint32_t *b, size_t n, uint32_t *out) {
    if (!out) return LPCS_EINVAL;
    *out = 0;
    if (!pi_cfg_ok(c.n, c.es)) return LPCS_ERANGE;
    if (n > 0 && (!a || !b)) {
        *out = 1u << (c.n - 1);
        return LPCS_EINVAL;
    }
    posit_quire q;
    pquire_init(&q, c);
    for (size_t i = 0; i < n; i++) pquire_fdp_add(&q, a[i], b[i]);
    *out = pquire_to_posit(&q);
    return LPCS_OK;
}

uint32_t posit_fdp(posit_cfg c, const uint32_t *a, const uint32_t *b, size_t n) {
    uint32_t r;
    posit_fdp_checked(c, a, b, n, &r);
    return r;
}
