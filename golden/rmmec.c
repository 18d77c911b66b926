/* RMMEC functional model: see rmmec.h for the contract. */
#include "rmmec.h"

#include <math.h>

#include "posit.h"

enum { FP4_FRAC_BITS = 2, P4_FRAC_BITS = 8, Q8_FRAC_BITS = 12, Q16_FRAC_BITS = 56 };

static int mode_ok(rmmec_mode m) { return (int)m >= 0 && m < RMMEC_MODE_COUNT; }

int rmmec_lanes(rmmec_mode mode) {
    static const int lanes[RMMEC_MODE_COUNT] = {4, 4, 2, 1};
    return mode_ok(mode) ? lanes[mode] : 0;
}

const char *rmmec_mode_name(rmmec_mode mode) {
    static const char *const names[RMMEC_MODE_COUNT] = {"fp4", "p4", "p8", "p16"};
    return mode_ok(mode) ? names[mode] : "?";
}

const char *rmmec_out_name(rmmec_out f) {
    static const char *const names[RMMEC_OUT_COUNT] = {"posit", "p16e1", "fp32", "bf16"};
    return ((int)f >= 0 && f < RMMEC_OUT_COUNT) ? names[f] : "?";
}

int rmmec_out_valid(rmmec_mode mode, rmmec_out f) {
    if (!mode_ok(mode) || (int)f < 0 || f >= RMMEC_OUT_COUNT) return 0;
    return mode != RMMEC_FP4 || f == RMMEC_OUT_FP32 || f == RMMEC_OUT_BF16;
}

void rmmec_clear(rmmec_state *s) {
    if (!s) return;
    s->nar = 0;
    s->fx = 0;
    s->q8 = quire8_clear();
    s->q16 = quire16_clear();
}

int rmmec_init(rmmec_state *s, rmmec_mode mode) {
    if (!s || !mode_ok(mode)) return LPCS_EINVAL;
    s->mode = mode;
    rmmec_clear(s);
    return LPCS_OK;
}

/* FP4 E2M1 magnitude codes 0..7 in units of 1/2: 0, .5, 1, 1.5, 2, 3, 4, 6. */
static int32_t fp4_halves(unsigned code) {
    static const int8_t halves[8] = {0, 1, 2, 3, 4, 6, 8, 12};
    int32_t v = halves[code & 7];
    return (code & 8) ? -v : v;
}

/* One p4e1 product a*b in units of 2^-8 (exact: scales are -4..4). */
static int32_t p4_product(unsigned a, unsigned b) {
    posit_parts pa = posit_decode(POSIT_P4E1, a), pb = posit_decode(POSIT_P4E1, b);
    if (pa.is_zero || pb.is_zero) return 0;
    int shift = pa.scale - pa.frac_bits + pb.scale - pb.frac_bits + P4_FRAC_BITS;
    int64_t m = (int64_t)pa.sig * (int64_t)pb.sig;
    m = shift >= 0 ? m << shift : m >> -shift;   /* >> never drops a set bit here */
    return (int32_t)((pa.sign ^ pb.sign) ? -m : m);
}

int rmmec_accumulate(rmmec_state *s, uint16_t a, uint16_t b) {
    if (!s || !mode_ok(s->mode)) return LPCS_EINVAL;
    switch (s->mode) {
    case RMMEC_FP4: {
        uint32_t sum = 0;
        for (int k = 0; k < 4; k++) {
            /* (ha/2)*(hb/2) in quarters = ha*hb */
            int32_t p = fp4_halves((a >> (4 * k)) & 15u) * fp4_halves((b >> (4 * k)) & 15u);
            sum += (uint32_t)p;
        }
        s->fx += sum;   /* wraps modulo 2^32 */
        break;
    }
    case RMMEC_P4: {
        uint32_t sum = 0;
        for (int k = 0; k < 4; k++) {
            unsigned la = (a >> (4 * k)) & 15u, lb = (b >> (4 * k)) & 15u;
            if (la == 8u || lb == 8u) s->nar = 1;
            else sum += (uint32_t)p4_product(la, lb);
        }
        if (!s->nar) s->fx += sum;
        break;
    }
    case RMMEC_P8:
        s->q8 = quire8_fdp_add(s->q8, a & 0xFFu, b & 0xFFu);
        s->q8 = quire8_fdp_add(s->q8, a >> 8, b >> 8);
        break;
    default:
        s->q16 = quire16_fdp_add(s->q16, a, b);
        break;
    }
    return LPCS_OK;
}

int rmmec_is_nar(const rmmec_state *s) {
    if (!s) return 0;
    switch (s->mode) {
    case RMMEC_P4: return s->nar;
    case RMMEC_P8: return quire8_is_nar(s->q8);
    case RMMEC_P16: return quire16_is_nar(s->q16);
    default: return 0;
    }
}

int rmmec_acc_bits(const rmmec_state *s, uint64_t *lo, uint64_t *hi, int *frac_bits) {
    if (!s || !lo || !hi || !frac_bits || !mode_ok(s->mode)) return LPCS_EINVAL;
    int64_t v;
    switch (s->mode) {
    case RMMEC_FP4: v = (int32_t)s->fx; *frac_bits = FP4_FRAC_BITS; break;
    case RMMEC_P4: v = (int32_t)s->fx; *frac_bits = P4_FRAC_BITS; break;
    case RMMEC_P8: v = (int32_t)s->q8.bits; *frac_bits = Q8_FRAC_BITS; break;
    default:
        *lo = s->q16.lo;
        *hi = s->q16.hi;
        *frac_bits = Q16_FRAC_BITS;
        return LPCS_OK;
    }
    *lo = (uint64_t)v;
    *hi = v < 0 ? ~0ull : 0;
    return LPCS_OK;
}

/* Rounds the 128-bit two's complement value (hi:lo) * 2^-frac_bits to an
 * IEEE-style format with 8 exponent bits and `sig_bits` significand bits
 * (24: binary32, 8: bfloat16), RNE. The caller guarantees the value is zero
 * or normal (|v| in 2^-126 .. 2^127) and not -2^127. */
static uint32_t fixed128_to_e8(uint64_t lo, uint64_t hi, int frac_bits, int sig_bits) {
    uint32_t sign = (uint32_t)(hi >> 63);
    if (sign) {   /* magnitude = -v */
        lo = ~lo + 1;
        hi = ~hi + (lo == 0);
    }
    if (!lo && !hi) return 0;
    int msb = hi ? 127 - __builtin_clzll(hi) : 63 - __builtin_clzll(lo);
    int drop = msb - (sig_bits - 1);              /* bits below the kept significand */
    uint64_t keep, rem_hi = 0, rem_lo = 0;        /* rem: the dropped bits */
    if (drop <= 0) {
        keep = lo << -drop;                       /* msb < 64 here */
    } else {
        /* keep = v >> drop, rem = v mod 2^drop */
        if (drop >= 64) {
            keep = hi >> (drop - 64);
            rem_lo = lo;
            rem_hi = drop == 64 ? 0 : hi & ((1ull << (drop - 64)) - 1);
        } else {
            keep = (lo >> drop) | (hi << (64 - drop));
            rem_lo = lo & ((1ull << drop) - 1);
        }
        /* half = 2^(drop-1) */
        uint64_t half_lo = drop - 1 < 64 ? 1ull << (drop - 1) : 0;
        uint64_t half_hi = drop - 1 >= 64 ? 1ull << (drop - 65) : 0;
        int cmp = rem_hi != half_hi ? (rem_hi > half_hi ? 1 : -1)
                : rem_lo != half_lo ? (rem_lo > half_lo ? 1 : -1) : 0;
        if (cmp > 0 || (cmp == 0 && (keep & 1))) keep++;
    }
    int exp = msb - frac_bits;
    if (keep >> sig_bits) {   /* rounding carried into a new bit */
        keep >>= 1;
        exp++;
    }
    uint32_t man = (uint32_t)(keep & ((1ull << (sig_bits - 1)) - 1));
    uint32_t biased = (uint32_t)(exp + 127);
    return (sign << (8 + sig_bits - 1)) | (biased << (sig_bits - 1)) | man;
}

int rmmec_readout(const rmmec_state *s, rmmec_out f, uint32_t *out) {
    if (!s || !out || !mode_ok(s->mode) || (int)f < 0 || f >= RMMEC_OUT_COUNT) return LPCS_EINVAL;
    if (!rmmec_out_valid(s->mode, f)) return LPCS_EUNSUPPORTED;
    if (rmmec_is_nar(s)) {
        switch (f) {
        case RMMEC_OUT_POSIT:
            *out = s->mode == RMMEC_P4 ? posit_nar(POSIT_P4E1)
                 : s->mode == RMMEC_P8 ? posit_nar(POSIT_P8E0) : posit_nar(POSIT_P16E1);
            break;
        case RMMEC_OUT_P16E1: *out = posit_nar(POSIT_P16E1); break;
        case RMMEC_OUT_FP32: *out = 0x7FC00000u; break;
        default: *out = 0x7FC0u; break;
        }
        return LPCS_OK;
    }
    uint64_t lo, hi;
    int fb;
    rmmec_acc_bits(s, &lo, &hi, &fb);
    if (f == RMMEC_OUT_FP32) {
        *out = fixed128_to_e8(lo, hi, fb, 24);
        return LPCS_OK;
    }
    if (f == RMMEC_OUT_BF16) {
        *out = fixed128_to_e8(lo, hi, fb, 8);
        return LPCS_OK;
    }
    if (s->mode == RMMEC_P16) {   /* posit of the mode is p16e1 */
        *out = quire16_to_posit(s->q16);
        return LPCS_OK;
    }
    if (s->mode == RMMEC_P8 && f == RMMEC_OUT_POSIT) {
        *out = quire8_to_posit(s->q8);
        return LPCS_OK;
    }
    /* 32-bit accumulators are exact in a double: one rounding to the posit. */
    double v = ldexp((double)(int64_t)lo, -fb);
    posit_cfg c = (f == RMMEC_OUT_P16E1) ? POSIT_P16E1 : POSIT_P4E1;
    *out = posit_from_double(c, v);
    return LPCS_OK;
}

int rmmec_dot(rmmec_mode mode, const uint16_t *a, const uint16_t *b, size_t n,
              rmmec_out f, uint32_t *out) {
    if ((n && (!a || !b)) || !out) return LPCS_EINVAL;
    rmmec_state s;
    int rc = rmmec_init(&s, mode);
    if (rc) return rc;
    if (!rmmec_out_valid(mode, f)) return LPCS_EUNSUPPORTED;
    for (size_t i = 0; i < n; i++) rmmec_accumulate(&s, a[i], b[i]);
    return rmmec_readout(&s, f, out);
}

int rmmec_gemv(rmmec_mode mode, const uint16_t *w, size_t rows, size_t cols,
               const uint16_t *x, rmmec_out f, uint32_t *y) {
    if ((rows && !y) || (rows && cols && (!w || !x))) return LPCS_EINVAL;
    if (cols && rows > SIZE_MAX / cols) return LPCS_ERANGE;
    if (!mode_ok(mode)) return LPCS_EINVAL;
    if (!rmmec_out_valid(mode, f)) return LPCS_EUNSUPPORTED;
    for (size_t r = 0; r < rows; r++) {
        int rc = rmmec_dot(mode, w + r * cols, x, cols, f, &y[r]);
        if (rc) return rc;
    }
    return LPCS_OK;
}
