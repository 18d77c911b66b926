/* Independent oracles for test_rmmec (see rmmec_oracle.h). */
#include "rmmec_oracle.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

double orc_posit_value(int n, int es, uint32_t p) {
    uint32_t mask = (n == 32) ? 0xFFFFFFFFu : ((1u << n) - 1);
    p &= mask;
    if (p == 0) return 0.0;
    if (p == 1u << (n - 1)) return NAN;
    int neg = (p >> (n - 1)) & 1;
    if (neg) p = (0u - p) & mask;
    /* Walk the bits after the sign: regime run, terminator, exponent, fraction. */
    int i = n - 2;
    int first = (p >> i) & 1, run = 0;
    while (i >= 0 && (int)((p >> i) & 1) == first) {
        run++;
        i--;
    }
    i--;   /* skip the terminator (may run off the end) */
    int k = first ? run - 1 : -run;
    int e = 0;
    for (int j = 0; j < es; j++) {
        e <<= 1;
        if (i >= 0) e |= (p >> i) & 1;
        i--;
    }
    double f = 1.0, w = 0.5;
    for (; i >= 0; i--, w /= 2)
        if ((p >> i) & 1) f += w;
    double v = ldexp(f, k * (1 << es) + e);
    return neg ? -v : v;
}

static u128 to_units(double v) {   /* exact: v is a multiple of 2^-ORC_U, |v| < 2^60 */
    double m = ldexp(fabs(v), ORC_U);
    u128 u = (u128)m;
    return v < 0 ? (u128)0 - u : u;
}

static double fp4_value(uint32_t c) {
    static const double mag[8] = {0, 0.5, 1, 1.5, 2, 3, 4, 6};
    return (c & 8) ? -mag[c & 7] : mag[c & 7];
}

u128 orc_product(const orc_tables *t, int mode, uint32_t a, uint32_t b, int *nar) {
    double x, y;
    switch (mode) {
    case 0: x = fp4_value(a); y = fp4_value(b); break;
    case 1: x = orc_posit_value(4, 1, a); y = orc_posit_value(4, 1, b); break;
    case 2: x = t->p8[a & 255]; y = t->p8[b & 255]; break;
    default: x = t->p16[a & 0xFFFF]; y = t->p16[b & 0xFFFF]; break;
    }
    if (isnan(x) || isnan(y)) {
        *nar = 1;
        return 0;
    }
    return to_units(x * y);   /* exact: at most 13x13 significand bits */
}

static void build(int n, int es, const double *decoded, u128 *pos, u128 *mid) {
    int count = 1 << (n - 1);
    for (int p = 1; p < count; p++) {
        double v = decoded ? decoded[p] : orc_posit_value(n, es, (uint32_t)p);
        pos[p - 1] = to_units(v);
        /* the bit-string midpoint of p and p+1 is pattern 2p+1 of posit(n+1, es) */
        mid[p - 1] = to_units(orc_posit_value(n + 1, es, 2u * (uint32_t)p + 1u));
    }
}

int orc_load(orc_tables *t) {
    memset(t, 0, sizeof *t);
    char path[1024];
    size_t len = 0;
    unsigned char *b8 = test_read_file(test_shared_path(path, sizeof path, "vectors/posit/p8_to_f64.bin"), &len);
    if (!b8 || len != sizeof t->p8) {
        free(b8);
        return -1;
    }
    memcpy(t->p8, b8, sizeof t->p8);   /* little-endian host */
    free(b8);
    unsigned char *b16 = test_read_file(test_shared_path(path, sizeof path, "vectors/posit/p16_to_f64.bin"), &len);
    if (!b16 || len != 65536 * sizeof(double)) {
        free(b16);
        return -1;
    }
    t->p16 = (double *)b16;
    t->pos16 = malloc(32768 * sizeof(u128));
    t->mid16 = malloc(32768 * sizeof(u128));
    if (!t->pos16 || !t->mid16) return -1;
    build(4, 1, NULL, t->pos4, t->mid4);
    build(8, 0, t->p8, t->pos8, t->mid8);
    build(16, 1, t->p16, t->pos16, t->mid16);
    return 0;
}

void orc_free(orc_tables *t) {
    free(t->p16);
    free(t->pos16);
    free(t->mid16);
    memset(t, 0, sizeof *t);
}

uint32_t orc_round_posit(const orc_tables *t, int n, u128 v) {
    if (v == 0) return 0;
    int neg = (int)(v >> 127);
    u128 m = neg ? (u128)0 - v : v;
    const u128 *pos = n == 4 ? t->pos4 : n == 8 ? t->pos8 : t->pos16;
    const u128 *mid = n == 4 ? t->mid4 : n == 8 ? t->mid8 : t->mid16;
    int count = (1 << (n - 1)) - 1;   /* positive patterns 1..count at index p-1 */
    uint32_t r;
    if (m <= pos[0]) {
        r = 1;                        /* never rounds to zero */
    } else if (m >= pos[count - 1]) {
        r = (uint32_t)count;          /* saturate at maxpos */
    } else {
        int lo = 0, hi = count - 1;   /* pos[lo] <= m < pos[hi] */
        while (hi - lo > 1) {
            int md = (lo + hi) / 2;
            if (pos[md] <= m) lo = md;
            else hi = md;
        }
        uint32_t p = (uint32_t)lo + 1;
        if (m == pos[lo] || m < mid[lo]) r = p;
        else if (m > mid[lo]) r = p + 1;
        else r = (p & 1) ? p + 1 : p;   /* tie: even pattern */
    }
    return neg ? ((0u - r) & ((1u << n) - 1)) : r;
}

uint32_t orc_round_e8(u128 v, int sig_bits) {
    if (v == 0) return 0;
    uint32_t sign = (uint32_t)(v >> 127);
    u128 m = sign ? (u128)0 - v : v;
    int len = 0;
    for (u128 x = m; x; x >>= 1) len++;
    int e = len - 1 - ORC_U;          /* m * 2^-U = 1.xxx * 2^e */
    u128 q = m;
    if (len > sig_bits) {
        int sh = len - sig_bits;
        u128 r = m & (((u128)1 << sh) - 1), half = (u128)1 << (sh - 1);
        q = m >> sh;
        if (r > half || (r == half && (q & 1))) q++;
        if (q >> sig_bits) {
            q >>= 1;
            e++;
        }
    } else {
        q = m << (sig_bits - len);
    }
    uint32_t man = (uint32_t)q & ((1u << (sig_bits - 1)) - 1);
    return (sign << (sig_bits + 7)) | ((uint32_t)(e + 127) << (sig_bits - 1)) | man;
}
