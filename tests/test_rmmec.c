/* golden/rmmec against independent oracles (tests/rmmec_oracle.c):
 *  - SoftPosit quire vectors q8_dot32 / q16_dot32 through the vector API
 *  - every single lane-pair product of FP4 / P4 / P8 at every lane position
 *    (P16: the SoftPosit p16_mul records; all 2^32 pairs under LPCS_LONG=1),
 *    every readout format, plus the exact accumulator bits
 *  - long random dot products against an exact 128-bit oracle with the
 *    accumulators' wrap rules, with zero / maxpos / minpos / cancellation
 *  - NaR stickiness, quire wrap onto the NaR pattern, bad arguments. */
#include <math.h>

#include "minifloat.h"
#include "rmmec.h"
#include "rmmec_oracle.h"
#include "test_util.h"

static const int lane_bits[4] = {4, 4, 8, 16};
static const int frac_bits[4] = {2, 8, 12, 56};
static const int posit_n[4] = {0, 4, 8, 16};

/* ---- exact oracle accumulator, same wrap rules as the contract */
typedef struct {
    int mode, nar;
    u128 acc;   /* in the mode's accumulator units, two's complement */
} orc_acc;

static u128 sext32(uint32_t x) { return (u128)(__int128)(int32_t)x; }

static void orc_add_word(const orc_tables *t, orc_acc *o, uint16_t a, uint16_t b) {
    int lb = lane_bits[o->mode], lanes = 16 / lb, shift = ORC_U - frac_bits[o->mode];
    uint32_t mask = (1u << lb) - 1;
    u128 word_sum = 0;
    for (int l = 0; l < lanes; l++) {
        int nar = 0;
        u128 p = orc_product(t, o->mode, (a >> (lb * l)) & mask, (b >> (lb * l)) & mask, &nar);
        if (nar) o->nar = 1;
        /* to accumulator units (exact: arithmetic shift of a multiple) */
        p = (u128)((__int128)p >> shift);
        if (o->mode == RMMEC_P8) {   /* each lane is one quire8 fdp: wrap, NaR pattern -> 0 */
            uint32_t s = (uint32_t)(o->acc + p);
            o->acc = sext32(s == 0x80000000u ? 0 : s);
        } else {
            word_sum += p;
        }
    }
    if (o->mode == RMMEC_P16) {
        o->acc += word_sum;
        if (o->acc == (u128)1 << 127) o->acc = 0;
    } else if (o->mode != RMMEC_P8) {
        o->acc = sext32((uint32_t)(o->acc + word_sum));
    }
}

/* Expected readout of the oracle accumulator. */
static uint32_t orc_readout(const orc_tables *t, const orc_acc *o, rmmec_out f) {
    int nar = o->nar && o->mode != RMMEC_FP4;
    if (nar) {
        if (f == RMMEC_OUT_FP32) return 0x7FC00000u;
        if (f == RMMEC_OUT_BF16) return 0x7FC0u;
        int n = f == RMMEC_OUT_P16E1 ? 16 : posit_n[o->mode];
        return 1u << (n - 1);
    }
    u128 v = o->acc << (ORC_U - frac_bits[o->mode]);
    switch (f) {
    case RMMEC_OUT_POSIT: return orc_round_posit(t, posit_n[o->mode], v);
    case RMMEC_OUT_P16E1: return orc_round_posit(t, 16, v);
    case RMMEC_OUT_FP32: return orc_round_e8(v, 24);
    default: return orc_round_e8(v, 8);
    }
}

/* Golden state vs oracle: accumulator bits and every readout format. */
static int compare(const orc_tables *t, const rmmec_state *s, const orc_acc *o, const char *what) {
    uint64_t lo, hi;
    int fb;
    assert_int_equal(rmmec_acc_bits(s, &lo, &hi, &fb), LPCS_OK);
    assert_int_equal(fb, frac_bits[o->mode]);
    int nar = o->nar && o->mode != RMMEC_FP4;
    assert_int_equal(rmmec_is_nar(s), nar);
    if (!nar && (lo != (uint64_t)o->acc || hi != (uint64_t)(o->acc >> 64))) {
        printf("%s: accumulator %016llx%016llx, oracle %016llx%016llx\n", what, (unsigned long long)hi,
               (unsigned long long)lo, (unsigned long long)(o->acc >> 64), (unsigned long long)o->acc);
        return 1;
    }
    if (!nar && o->mode != RMMEC_P16) {
        /* 32-bit accumulators are exact in a double: a second, independent
         * float rounding from golden/minifloat (bf16) and the C cast (fp32) */
        double d = ldexp((double)(int32_t)(uint32_t)o->acc, -frac_bits[o->mode]);
        uint32_t g32 = 0, g16 = 0;
        float fl = (float)d;
        uint32_t want32;
        memcpy(&want32, &fl, sizeof want32);
        rmmec_readout(s, RMMEC_OUT_FP32, &g32);
        rmmec_readout(s, RMMEC_OUT_BF16, &g16);
        if (g32 != (want32 == 0x80000000u ? 0u : want32) || g16 != mf_from_f64(MF_BF16, d, MF_SATFINITE)) {
            printf("%s: float readouts 0x%x / 0x%x vs cast / minifloat\n", what, g32, g16);
            return 1;
        }
    }
    for (int f = 0; f < RMMEC_OUT_COUNT; f++) {
        if (!rmmec_out_valid((rmmec_mode)o->mode, (rmmec_out)f)) continue;
        uint32_t got = 0, want = orc_readout(t, o, (rmmec_out)f);
        assert_int_equal(rmmec_readout(s, (rmmec_out)f, &got), LPCS_OK);
        if (got != want) {
            printf("%s: readout %s golden 0x%x, oracle 0x%x\n", what, rmmec_out_name((rmmec_out)f), got, want);
            return 1;
        }
    }
    return 0;
}

static int setup(void **state) {
    orc_tables *t = malloc(sizeof *t);
    if (!t || orc_load(t) != 0) {
        fprintf(stderr, "cannot load the SoftPosit decode tables\n");
        free(t);
        return -1;
    }
    *state = t;
    return 0;
}

static int teardown(void **state) {
    orc_free(*state);
    free(*state);
    return 0;
}

static unsigned char *load(const char *name, size_t *len) {
    char rel[256], path[1024];
    snprintf(rel, sizeof rel, "vectors/posit/%s", name);
    unsigned char *p = test_read_file(test_shared_path(path, sizeof path, rel), len);
    if (!p) fail_msg("missing vector file %s", path);
    return p;
}

/* ---- SoftPosit quire dot products through rmmec_dot / rmmec_gemv */
static void test_q8_dot32(void **state) {
    (void)state;
    size_t len;
    unsigned char *v = load("q8_dot32.bin", &len);
    const size_t rec = 65, n = len / rec;
    assert_int_equal(len, 4096 * rec);
    size_t bad = 0;
    uint16_t a[16], b[16];
    for (size_t r = 0; r < n; r++) {
        const unsigned char *p = v + r * rec;
        for (int i = 0; i < 16; i++) {   /* element 2i -> lane 0, 2i+1 -> lane 1 */
            a[i] = (uint16_t)(p[2 * i] | p[2 * i + 1] << 8);
            b[i] = (uint16_t)(p[32 + 2 * i] | p[32 + 2 * i + 1] << 8);
        }
        uint32_t got = 0;
        assert_int_equal(rmmec_dot(RMMEC_P8, a, b, 16, RMMEC_OUT_POSIT, &got), LPCS_OK);
        if (got != p[64] && bad++ == 0) printf("q8_dot32 record %zu: expected 0x%02x got 0x%02x\n", r, p[64], got);
    }
    printf("  q8_dot32: %zu records (16 words, 2 lanes) checked, %zu mismatches\n", n, bad);
    free(v);
    assert_int_equal(bad, 0);
}

static void test_q16_dot32(void **state) {
    (void)state;
    size_t len;
    unsigned char *v = load("q16_dot32.bin", &len);
    const size_t rec = 130, n = len / rec;
    assert_int_equal(len, 4096 * rec);
    size_t bad = 0;
    /* GEMV over blocks of 8 records: rows = their a vectors, x = record 0's b;
     * the rows whose record shares that b are checked against the vector. */
    uint16_t a[32], b[32];
    for (size_t r = 0; r < n; r++) {
        const unsigned char *p = v + r * rec;
        for (int i = 0; i < 32; i++) {
            a[i] = (uint16_t)(p[2 * i] | p[2 * i + 1] << 8);
            b[i] = (uint16_t)(p[64 + 2 * i] | p[64 + 2 * i + 1] << 8);
        }
        uint32_t want = (uint32_t)(p[128] | p[129] << 8), got = 0, got_gemv = 0;
        assert_int_equal(rmmec_dot(RMMEC_P16, a, b, 32, RMMEC_OUT_POSIT, &got), LPCS_OK);
        assert_int_equal(rmmec_gemv(RMMEC_P16, a, 1, 32, b, RMMEC_OUT_POSIT, &got_gemv), LPCS_OK);
        if ((got != want || got_gemv != want) && bad++ == 0)
            printf("q16_dot32 record %zu: expected 0x%04x got 0x%04x (gemv 0x%04x)\n", r, want, got, got_gemv);
    }
    printf("  q16_dot32: %zu records (32 words) checked, %zu mismatches\n", n, bad);
    free(v);
    assert_int_equal(bad, 0);
}

/* ---- every single lane-pair product */
static size_t single_pairs(const orc_tables *t, int mode) {
    int lb = lane_bits[mode], lanes = 16 / lb;
    uint32_t n = 1u << lb;
    size_t checked = 0;
    for (int l = 0; l < lanes; l++)
        for (uint32_t x = 0; x < n; x++)
            for (uint32_t y = 0; y < n; y++) {
                rmmec_state s;
                rmmec_init(&s, (rmmec_mode)mode);
                uint16_t a = (uint16_t)(x << (lb * l)), b = (uint16_t)(y << (lb * l));
                rmmec_accumulate(&s, a, b);
                orc_acc o = {mode, 0, 0};
                orc_add_word(t, &o, a, b);
                char what[96];
                snprintf(what, sizeof what, "%s lane %d a=0x%x b=0x%x", rmmec_mode_name((rmmec_mode)mode), l, x, y);
                if (compare(t, &s, &o, what)) fail_msg("%s", what);
                checked++;
            }
    return checked;
}

static void test_pairs_fp4(void **state) {
    printf("  fp4: %zu lane pairs checked\n", single_pairs(*state, RMMEC_FP4));
}

/* Every single-lane product of mode (bits-wide posits, 16 / bits lanes) read
 * out as a posit equals SoftPosit's product table `file` (2^bits x 2^bits bytes). */
static void check_softposit_products(rmmec_mode mode, int bits, const char *file) {
    const uint32_t n = 1u << bits, mask = n - 1;
    size_t len;
    unsigned char *mul = load(file, &len);
    assert_int_equal(len, (size_t)n * n);
    for (int l = 0; l < 16 / bits; l++)
        for (uint32_t x = 0; x < n; x++)
            for (uint32_t y = 0; y < n; y++) {
                uint32_t got = 0;
                uint16_t a = (uint16_t)(x << (bits * l)), b = (uint16_t)(y << (bits * l));
                assert_int_equal(rmmec_dot(mode, &a, &b, 1, RMMEC_OUT_POSIT, &got), LPCS_OK);
                if (got != (mul[x * n + y] & mask))
                    fail_msg("%s %x*%x: golden %x SoftPosit %x", file, x, y, got, mul[x * n + y]);
            }
    free(mul);
}

static void test_pairs_p4(void **state) {
    /* posit readout of a single product is the SoftPosit product itself */
    check_softposit_products(RMMEC_P4, 4, "p4e1_mul.bin");
    printf("  p4: %zu lane pairs checked (+ SoftPosit p4e1_mul)\n", single_pairs(*state, RMMEC_P4));
}

static void test_pairs_p8(void **state) {
    check_softposit_products(RMMEC_P8, 8, "p8_mul.bin");
    printf("  p8: %zu lane pairs checked (+ SoftPosit p8_mul)\n", single_pairs(*state, RMMEC_P8));
}

static void test_pairs_p16(void **state) {
    const orc_tables *t = *state;
    size_t len;
    unsigned char *v = load("p16_mul.bin", &len);
    size_t n = len / 6, checked = 0;
    for (size_t r = 0; r < n; r++) {
        const unsigned char *p = v + 6 * r;
        uint16_t a = (uint16_t)(p[0] | p[1] << 8), b = (uint16_t)(p[2] | p[3] << 8);
        uint32_t want = (uint32_t)(p[4] | p[5] << 8);
        rmmec_state s;
        rmmec_init(&s, RMMEC_P16);
        rmmec_accumulate(&s, a, b);
        uint32_t got = 0;
        rmmec_readout(&s, RMMEC_OUT_POSIT, &got);
        if (got != want) fail_msg("p16 %04x*%04x: golden %04x SoftPosit %04x", a, b, got, want);
        orc_acc o = {RMMEC_P16, 0, 0};
        orc_add_word(t, &o, a, b);
        char what[64];
        snprintf(what, sizeof what, "p16 a=0x%04x b=0x%04x", a, b);
        if (compare(t, &s, &o, what)) fail_msg("%s", what);
        checked++;
    }
    free(v);
    printf("  p16: %zu SoftPosit p16_mul records checked (all readouts)\n", checked);
    if (!test_long_mode()) return;
    /* LPCS_LONG: all 2^32 pairs, posit and fp32 readouts against the oracle.
     * LPCS_RMMEC_SHARD=k/n checks only the k-th of n slices of the a range
     * (to spread the sweep over cores or machines). */
    unsigned k = 0, nsh = 1;
    const char *sh = getenv("LPCS_RMMEC_SHARD");
    if (sh && (sscanf(sh, "%u/%u", &k, &nsh) != 2 || nsh == 0 || nsh > 65536 || k >= nsh))
        fail_msg("LPCS_RMMEC_SHARD wants k/n, got '%s'", sh);
    uint32_t xlo = (uint32_t)(65536ull * k / nsh), xhi = (uint32_t)(65536ull * (k + 1) / nsh);
    size_t bad = 0;
    for (uint32_t x = xlo; x < xhi; x++)
        for (uint32_t y = 0; y < 65536; y++) {
            rmmec_state s;
            rmmec_init(&s, RMMEC_P16);
            rmmec_accumulate(&s, (uint16_t)x, (uint16_t)y);
            orc_acc o = {RMMEC_P16, 0, 0};
            orc_add_word(t, &o, (uint16_t)x, (uint16_t)y);
            uint32_t g1 = 0, g2 = 0;
            rmmec_readout(&s, RMMEC_OUT_POSIT, &g1);
            rmmec_readout(&s, RMMEC_OUT_FP32, &g2);
            if ((g1 != orc_readout(t, &o, RMMEC_OUT_POSIT) || g2 != orc_readout(t, &o, RMMEC_OUT_FP32)) && bad++ == 0)
                printf("p16 %04x*%04x mismatch\n", x, y);
        }
    printf("  p16: all pairs with a in [0x%04x, 0x%04x) checked (%llu), %zu mismatches\n", xlo, xhi,
           (unsigned long long)(xhi - xlo) << 16, bad);
    assert_int_equal(bad, 0);
}

/* ---- long random dot products against the exact oracle */
static uint16_t rand_word(uint64_t *rs, int mode) {
    int lb = lane_bits[mode];
    uint32_t mask = (1u << lb) - 1, nar = 1u << (lb - 1);
    uint16_t w = 0;
    for (int l = 0; l < 16 / lb; l++) {
        uint64_t r = test_rand64(rs);
        uint32_t v;
        switch (r % 16) {
        case 0: v = 0; break;
        case 1: v = mask >> 1; break;                /* maxpos */
        case 2: v = nar | 1u; break;                 /* -maxpos */
        case 3: v = 1; break;                        /* minpos */
        case 4: v = mask; break;                     /* -minpos */
        default: v = (uint32_t)(r >> 8) & mask;
        }
        if (v == nar && mode != RMMEC_FP4) v = 0;   /* NaR only where asked for */
        w |= (uint16_t)(v << (lb * l));
    }
    return w;
}

static void test_random_dots(void **state) {
    const orc_tables *t = *state;
    uint64_t rs = 0x5eed;
    size_t words = 0, dots = 0;
    enum { MAXLEN = 4000 };
    uint16_t *a = malloc(MAXLEN * sizeof *a), *b = malloc(MAXLEN * sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    for (int mode = 0; mode < 4; mode++)
        for (int d = 0; d < 60; d++) {
            size_t n = 1 + test_rand64(&rs) % MAXLEN;
            for (size_t i = 0; i < n; i++) {
                if (i > 0 && test_rand64(&rs) % 4 == 0) {   /* cancel an earlier product */
                    size_t j = test_rand64(&rs) % i;
                    a[i] = a[j];
                    b[i] = b[j];
                    int lb = lane_bits[mode];
                    uint16_t neg = 0;
                    for (int l = 0; l < 16 / lb; l++) {
                        uint32_t m = (1u << lb) - 1, x = (a[i] >> (lb * l)) & m;
                        x = mode == RMMEC_FP4 ? x ^ (1u << (lb - 1)) : (0u - x) & m;
                        neg |= (uint16_t)(x << (lb * l));
                    }
                    a[i] = neg;
                } else {
                    a[i] = rand_word(&rs, mode);
                    b[i] = rand_word(&rs, mode);
                }
            }
            rmmec_state s;
            rmmec_init(&s, (rmmec_mode)mode);
            orc_acc o = {mode, 0, 0};
            for (size_t i = 0; i < n; i++) {
                rmmec_accumulate(&s, a[i], b[i]);
                orc_add_word(t, &o, a[i], b[i]);
            }
            char what[64];
            snprintf(what, sizeof what, "%s random dot %d (%zu words)", rmmec_mode_name((rmmec_mode)mode), d, n);
            if (compare(t, &s, &o, what)) fail_msg("%s", what);
            /* the vector API gives the same readouts */
            for (int f = 0; f < RMMEC_OUT_COUNT; f++) {
                if (!rmmec_out_valid((rmmec_mode)mode, (rmmec_out)f)) continue;
                uint32_t x = 0, y = 0;
                assert_int_equal(rmmec_dot((rmmec_mode)mode, a, b, n, (rmmec_out)f, &x), LPCS_OK);
                assert_int_equal(rmmec_readout(&s, (rmmec_out)f, &y), LPCS_OK);
                assert_int_equal(x, y);
            }
            words += n;
            dots++;
        }
    free(a);
    free(b);
    printf("  random dots: %zu dot products, %zu words, all readouts and accumulator bits exact\n", dots, words);
}

/* GEMV rows equal independent dot products (and the oracle). */
static void test_gemv(void **state) {
    const orc_tables *t = *state;
    uint64_t rs = 77;
    enum { ROWS = 24, COLS = 50 };
    uint16_t w[ROWS * COLS], x[COLS];
    uint32_t y[ROWS];
    for (int mode = 0; mode < 4; mode++) {
        for (int i = 0; i < ROWS * COLS; i++) w[i] = rand_word(&rs, mode);
        for (int i = 0; i < COLS; i++) x[i] = rand_word(&rs, mode);
        assert_int_equal(rmmec_gemv((rmmec_mode)mode, w, ROWS, COLS, x, RMMEC_OUT_FP32, y), LPCS_OK);
        for (int r = 0; r < ROWS; r++) {
            orc_acc o = {mode, 0, 0};
            for (int c = 0; c < COLS; c++) orc_add_word(t, &o, w[r * COLS + c], x[c]);
            assert_int_equal(y[r], orc_readout(t, &o, RMMEC_OUT_FP32));
        }
    }
}

/* ---- NaR, wrap rules, bad arguments */
static void test_nar_sticky(void **state) {
    const orc_tables *t = *state;
    const uint16_t nar_word[4] = {0, 0x0080 /* P4 lane 1 */, 0x8000 /* P8 lane 1 */, 0x8000};
    for (int mode = RMMEC_P4; mode <= RMMEC_P16; mode++) {
        rmmec_state s;
        rmmec_init(&s, (rmmec_mode)mode);
        rmmec_accumulate(&s, 0x1234, 0x2345);
        assert_false(rmmec_is_nar(&s));
        rmmec_accumulate(&s, nar_word[mode], 0);   /* NaR * 0 is NaR */
        assert_true(rmmec_is_nar(&s));
        for (int i = 0; i < 100; i++) rmmec_accumulate(&s, 0x1111, 0x3333);
        assert_true(rmmec_is_nar(&s));
        orc_acc o = {mode, 1, 0};
        assert_int_equal(compare(t, &s, &o, "nar"), 0);
        rmmec_clear(&s);
        assert_false(rmmec_is_nar(&s));
        uint32_t v = 1;
        assert_int_equal(rmmec_readout(&s, RMMEC_OUT_FP32, &v), LPCS_OK);
        assert_int_equal(v, 0);
    }
    /* FP4 has no NaR: 0x8 is -0 */
    rmmec_state s;
    rmmec_init(&s, RMMEC_FP4);
    rmmec_accumulate(&s, 0x8888, 0x7777);
    assert_false(rmmec_is_nar(&s));
}

static void test_wrap_rules(void **state) {
    const orc_tables *t = *state;
    rmmec_state s;
    /* P8: 128 * maxpos^2 = 2^31 lands on the quire NaR pattern after lane 0
     * of the last word -> 0 (SoftPosit), then lane 1 adds minpos^2. */
    rmmec_init(&s, RMMEC_P8);
    for (int i = 0; i < 127; i++) rmmec_accumulate(&s, 0x007F, 0x007F);
    rmmec_accumulate(&s, 0x017F, 0x017F);
    uint64_t lo, hi;
    int fb;
    rmmec_acc_bits(&s, &lo, &hi, &fb);
    assert_int_equal(lo, 1);
    assert_false(rmmec_is_nar(&s));
    /* P16: 2^15 * maxpos^2 = 2^127 -> 0 */
    rmmec_init(&s, RMMEC_P16);
    for (int i = 0; i < 32768; i++) rmmec_accumulate(&s, 0x7FFF, 0x7FFF);
    rmmec_acc_bits(&s, &lo, &hi, &fb);
    assert_true(lo == 0 && hi == 0);
    /* P4 / FP4: plain wrap modulo 2^32, checked against the oracle */
    for (int mode = RMMEC_FP4; mode <= RMMEC_P4; mode++) {
        rmmec_init(&s, (rmmec_mode)mode);
        /* start just below 2^31 (the state is a plain struct) */
        s.fx = 0x7FFF0000u;
        orc_acc o = {mode, 0, sext32(0x7FFF0000u)};
        for (int i = 0; i < 200; i++) {
            rmmec_accumulate(&s, 0x7777, 0x7777);
            orc_add_word(t, &o, 0x7777, 0x7777);
        }
        assert_int_equal(compare(t, &s, &o, "wrap"), 0);
        rmmec_acc_bits(&s, &lo, &hi, &fb);
        assert_true((int64_t)lo < 0);   /* it did wrap */
    }
}

static void test_bad_args(void **state) {
    (void)state;
    rmmec_state s;
    uint32_t v;
    uint16_t w = 0;
    assert_int_equal(rmmec_init(NULL, RMMEC_P8), LPCS_EINVAL);
    assert_int_equal(rmmec_init(&s, (rmmec_mode)7), LPCS_EINVAL);
    assert_int_equal(rmmec_init(&s, (rmmec_mode)-1), LPCS_EINVAL);
    assert_int_equal(rmmec_accumulate(NULL, 1, 2), LPCS_EINVAL);
    rmmec_clear(NULL);
    rmmec_init(&s, RMMEC_FP4);
    assert_int_equal(rmmec_readout(&s, RMMEC_OUT_POSIT, &v), LPCS_EUNSUPPORTED);
    assert_int_equal(rmmec_readout(&s, RMMEC_OUT_P16E1, &v), LPCS_EUNSUPPORTED);
    assert_int_equal(rmmec_readout(&s, (rmmec_out)9, &v), LPCS_EINVAL);
    assert_int_equal(rmmec_readout(&s, RMMEC_OUT_FP32, NULL), LPCS_EINVAL);
    assert_int_equal(rmmec_readout(NULL, RMMEC_OUT_FP32, &v), LPCS_EINVAL);
    assert_int_equal(rmmec_dot(RMMEC_P8, NULL, &w, 1, RMMEC_OUT_POSIT, &v), LPCS_EINVAL);
    assert_int_equal(rmmec_dot(RMMEC_P8, &w, &w, 1, RMMEC_OUT_POSIT, NULL), LPCS_EINVAL);
    assert_int_equal(rmmec_dot((rmmec_mode)5, &w, &w, 1, RMMEC_OUT_POSIT, &v), LPCS_EINVAL);
    assert_int_equal(rmmec_dot(RMMEC_FP4, &w, &w, 1, RMMEC_OUT_POSIT, &v), LPCS_EUNSUPPORTED);
    assert_int_equal(rmmec_dot(RMMEC_P8, NULL, NULL, 0, RMMEC_OUT_POSIT, &v), LPCS_OK);
    assert_int_equal(v, 0);
    assert_int_equal(rmmec_gemv(RMMEC_P8, NULL, 2, 2, &w, RMMEC_OUT_POSIT, &v), LPCS_EINVAL);
    assert_int_equal(rmmec_gemv(RMMEC_P8, &w, SIZE_MAX, 2, &w, RMMEC_OUT_POSIT, &v), LPCS_ERANGE);
    assert_int_equal(rmmec_gemv(RMMEC_P8, &w, 0, 0, &w, RMMEC_OUT_POSIT, NULL), LPCS_OK);
    assert_int_equal(rmmec_lanes(RMMEC_P8), 2);
    assert_int_equal(rmmec_lanes((rmmec_mode)9), 0);
    assert_string_equal(rmmec_mode_name((rmmec_mode)9), "?");
    assert_string_equal(rmmec_out_name(RMMEC_OUT_BF16), "bf16");
}

/* The oracle itself can disagree: a deliberately wrong value is caught. */
static void test_oracle_can_fail(void **state) {
    const orc_tables *t = *state;
    rmmec_state s;
    rmmec_init(&s, RMMEC_P8);
    rmmec_accumulate(&s, 0x4040, 0x4040);   /* 1*1 + 1*1 = 2 */
    orc_acc o = {RMMEC_P8, 0, 0};
    orc_add_word(t, &o, 0x4040, 0x4041);     /* 1*1 + 1*(1+1/64) */
    assert_int_equal(compare(t, &s, &o, "expected mismatch (negative test)"), 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_q8_dot32),    cmocka_unit_test(test_q16_dot32),
        cmocka_unit_test(test_pairs_fp4),   cmocka_unit_test(test_pairs_p4),
        cmocka_unit_test(test_pairs_p8),    cmocka_unit_test(test_pairs_p16),
        cmocka_unit_test(test_random_dots), cmocka_unit_test(test_gemv),
        cmocka_unit_test(test_nar_sticky),  cmocka_unit_test(test_wrap_rules),
        cmocka_unit_test(test_bad_args),    cmocka_unit_test(test_oracle_can_fail),
    };
    return cmocka_run_group_tests_name("rmmec", tests, setup, teardown);
}
