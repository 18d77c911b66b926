/* golden/posit and golden/quire against the independent exact oracle
 * (tests/posit_oracle.c): exhaustive add/sub/mul/div/sqrt for every n <= 10
 * and es 0..3, random samples up to n = 32 (incl. fma, conversions,
 * from_double, fdp), and proof that the checks can fail. */
#include <math.h>

#include "posit.h"
#include "posit_oracle.h"
#include "quire.h"
#include "test_util.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_SANITIZER 1
#else
#define UNDER_SANITIZER 0
#endif

typedef uint32_t (*gold2)(posit_cfg, uint32_t, uint32_t);
typedef uint32_t (*orc2)(int, int, uint32_t, uint32_t);

static uint64_t total_checked;

/* Mismatches of g against o over all pairs of patterns (or all a for a
 * unary op when unary != 0). Prints the first one. */
static size_t sweep(posit_cfg c, const char *name, gold2 g, orc2 o, int unary) {
    const uint32_t count = 1u << c.n;
    size_t bad = 0;
    for (uint32_t a = 0; a < count; a++)
        for (uint32_t b = 0; b < (unary ? 1u : count); b++) {
            uint32_t want = o(c.n, c.es, a, b), got = g(c, a, b);
            if (got != want && bad++ == 0)
                printf("p%de%d %s: first mismatch a=0x%x b=0x%x oracle=0x%x golden=0x%x\n", c.n, c.es, name, a, b,
                       want, got);
        }
    total_checked += unary ? count : (uint64_t)count * count;
    return bad;
}

static uint32_t g_sqrt(posit_cfg c, uint32_t a, uint32_t b) { (void)b; return posit_sqrt(c, a); }
static uint32_t o_sqrt(int n, int es, uint32_t a, uint32_t b) { (void)b; return orc_sqrt(n, es, a); }

static void test_exhaustive_small(void **state) {
    (void)state;
    /* Full sweep even under ASan+UBSan (about 20 s of CPU there, 6 s at -O2);
     * `make test-long` (LPCS_LONG=1) extends it to n <= 12. */
    const int nmax = test_long_mode() ? 12 : 10;
    size_t bad = 0;
    total_checked = 0;
    for (int es = 0; es <= 3; es++)
        for (int n = 2; n <= nmax; n++) {
            posit_cfg c = posit_cfg_make(n, es);
            bad += sweep(c, "add", posit_add, orc_add, 0);
            bad += sweep(c, "mul", posit_mul, orc_mul, 0);
            bad += sweep(c, "div", posit_div, orc_div, 0);
            bad += sweep(c, "sqrt", g_sqrt, o_sqrt, 1);
            if (n <= 8) bad += sweep(c, "sub", posit_sub, orc_sub, 0);
        }
    printf("  exhaustive n=2..%d, es=0..3 (add mul div sqrt, sub for n<=8): %llu results checked, %zu mismatches\n",
           nmax, (unsigned long long)total_checked, bad);
    assert_int_equal(bad, 0);
}

/* Random patterns biased towards the interesting ones: near 0, +-1,
 * +-maxpos, +-minpos, and uniformly random. */
static uint32_t rand_posit(posit_cfg c, uint64_t *s) {
    uint32_t mask = 0xFFFFFFFFu >> (32 - c.n);
    uint64_t r = test_rand64(s);
    uint32_t small = (uint32_t)(r >> 40) & 7;
    switch (r & 7) {
    case 0: return small & mask;                                       /* 0, minpos.. */
    case 1: return (0u - small) & mask;                                /* -minpos.. */
    case 2: return ((0xFFFFFFFFu >> (33 - c.n)) - small) & mask;       /* maxpos.. */
    case 3: return ((1u << (c.n - 2)) + small - 4) & mask;             /* around 1 */
    default: return (uint32_t)(r >> 32) & mask;
    }
}

static void test_random_large(void **state) {
    (void)state;
    uint64_t s = 12345;
    const int per = UNDER_SANITIZER ? 150 : 400; /* fewer samples under ASan */
    size_t bad = 0;
    uint64_t checked = 0;
    for (int es = 0; es <= 3; es++)
        for (int n = 11; n <= 32; n++) {
            posit_cfg c = posit_cfg_make(n, es);
            int reps = (n == 16 || n == 32) ? 4 * per : per;
            for (int i = 0; i < reps; i++) {
                uint32_t a = rand_posit(c, &s), b = rand_posit(c, &s), d = rand_posit(c, &s);
                uint32_t want[6] = {orc_add(n, es, a, b), orc_sub(n, es, a, b), orc_mul(n, es, a, b),
                                    orc_div(n, es, a, b), orc_sqrt(n, es, a), orc_fma(n, es, a, b, d)};
                uint32_t got[6] = {posit_add(c, a, b), posit_sub(c, a, b), posit_mul(c, a, b),
                                   posit_div(c, a, b), posit_sqrt(c, a), posit_fma(c, a, b, d)};
                static const char *names[6] = {"add", "sub", "mul", "div", "sqrt", "fma"};
                for (int k = 0; k < 6; k++)
                    if (got[k] != want[k] && bad++ == 0)
                        printf("p%de%d %s: first mismatch a=0x%x b=0x%x d=0x%x oracle=0x%x golden=0x%x\n", n, es,
                               names[k], a, b, d, want[k], got[k]);
                checked += 6;
            }
        }
    printf("  random n=11..32, es=0..3 (add sub mul div sqrt fma): %llu results checked, %zu mismatches\n",
           (unsigned long long)checked, bad);
    assert_int_equal(bad, 0);
}

/* fma for small configs: exhaustive over a and b, sampled d. */
static void test_fma_small(void **state) {
    (void)state;
    uint64_t s = 777, checked = 0;
    size_t bad = 0;
    for (int es = 0; es <= 3; es++)
        for (int n = 2; n <= 7; n++) {
            posit_cfg c = posit_cfg_make(n, es);
            uint32_t count = 1u << n;
            for (uint32_t a = 0; a < count; a++)
                for (uint32_t b = 0; b < count; b++) {
                    uint32_t d = rand_posit(c, &s);
                    uint32_t want = orc_fma(n, es, a, b, d), got = posit_fma(c, a, b, d);
                    if (got != want && bad++ == 0)
                        printf("p%de%d fma: first mismatch a=0x%x b=0x%x d=0x%x oracle=0x%x golden=0x%x\n", n, es,
                               a, b, d, want, got);
                    checked++;
                }
        }
    printf("  fma n=2..7 (all a, b; random d): %llu checked, %zu mismatches\n", (unsigned long long)checked, bad);
    assert_int_equal(bad, 0);
}

static void test_convert(void **state) {
    (void)state;
    uint64_t s = 99, checked = 0;
    size_t bad = 0;
    for (int n1 = 2; n1 <= 32; n1++)
        for (int es1 = 0; es1 <= 3; es1++)
            for (int n2 = 2; n2 <= 32; n2 += (n2 < 10 ? 1 : 3))
                for (int es2 = 0; es2 <= 3; es2++) {
                    posit_cfg c1 = posit_cfg_make(n1, es1), c2 = posit_cfg_make(n2, es2);
                    for (int i = 0; i < 6; i++) {
                        uint32_t p = rand_posit(c1, &s);
                        uint32_t want = orc_convert(n1, es1, p, n2, es2), got = posit_convert(c1, p, c2);
                        if (got != want && bad++ == 0)
                            printf("convert p%de%d 0x%x -> p%de%d: oracle=0x%x golden=0x%x\n", n1, es1, p, n2, es2,
                                   want, got);
                        checked++;
                    }
                }
    printf("  convert between configs: %llu checked, %zu mismatches\n", (unsigned long long)checked, bad);
    assert_int_equal(bad, 0);
}

static double rand_double(uint64_t *s) {
    uint64_t r = test_rand64(s), u;
    double d;
    switch (r & 3) {
    case 0: /* any bit pattern */
        u = test_rand64(s);
        break;
    case 1: /* exponent within +-300 of 1 */
        u = (test_rand64(s) & 0x800FFFFFFFFFFFFFull) | (uint64_t)(1023 - 300 + (r >> 8) % 600) << 52;
        break;
    default: /* few mantissa bits: many exact ties */
        u = (test_rand64(s) & 0x800FF00000000000ull) | (uint64_t)(1023 - 260 + (r >> 8) % 520) << 52;
        break;
    }
    memcpy(&d, &u, sizeof d);
    return d;
}

static void test_from_double(void **state) {
    (void)state;
    uint64_t s = 4242, checked = 0;
    size_t bad = 0;
    const double specials[] = {0.0, -0.0, 1.0, -1.0, INFINITY, -INFINITY, NAN, 4.9406564584124654e-324,
                               -4.9406564584124654e-324, 1.7976931348623157e308, 0.5, 3.0};
    for (int es = 0; es <= 3; es++)
        for (int n = 2; n <= 32; n++) {
            posit_cfg c = posit_cfg_make(n, es);
            for (int i = 0; i < 300; i++) {
                double x = i < 12 ? specials[i] : rand_double(&s);
                uint32_t want = orc_from_double(n, es, x), got = posit_from_double(c, x);
                uint32_t gotf = posit_from_float(c, (float)x), wantf = orc_from_double(n, es, (double)(float)x);
                if (got != want && bad++ == 0)
                    printf("from_double p%de%d x=%a: oracle=0x%x golden=0x%x\n", n, es, x, want, got);
                if (gotf != wantf && bad++ == 0)
                    printf("from_float p%de%d x=%a: oracle=0x%x golden=0x%x\n", n, es, (double)(float)x, wantf,
                           gotf);
                checked += 2;
            }
        }
    printf("  from_double/from_float: %llu checked, %zu mismatches\n", (unsigned long long)checked, bad);
    assert_int_equal(bad, 0);
}

/* Decode, to_double, to_float, cmp and neg for every pattern of n <= 14 and
 * sampled patterns up to 32, against the oracle's decode. */
static void test_decode_compare(void **state) {
    (void)state;
    uint64_t s = 5, checked = 0;
    size_t bad = 0;
    for (int es = 0; es <= 3; es++)
        for (int n = 2; n <= 32; n++) {
            posit_cfg c = posit_cfg_make(n, es);
            uint32_t count = n <= 14 ? 1u << n : 4096;
            for (uint32_t i = 0; i < count; i++) {
                uint32_t p = n <= 14 ? i : rand_posit(c, &s), q = rand_posit(c, &s);
                orc_dy x, y;
                int x_real = orc_decode(n, es, p, &x), y_real = orc_decode(n, es, q, &y);
                posit_parts d = posit_decode(c, p);
                int ok = d.is_nar == !x_real && d.is_zero == (x_real && x.m == 0);
                if (ok && x_real && x.m) {
                    orc_dy g = {d.sign, d.sig, d.scale - d.frac_bits};
                    orc_dy diff[2] = {x, g};
                    diff[1].sign ^= 1;
                    ok = orc_sign_of_sum(diff, 2) == 0 && d.sig >> d.frac_bits == 1;
                    double v = posit_to_double(c, p);
                    ok = ok && v == (x.sign ? -1.0 : 1.0) * ldexp((double)x.m, x.e);
                    ok = ok && posit_to_float(c, p) == (float)v;
                }
                if (!x_real) ok = ok && isnan(posit_to_double(c, p)) && posit_is_nar(c, p);
                /* order: NaR smallest, then by value */
                int want_cmp;
                if (!x_real || !y_real)
                    want_cmp = (!x_real && !y_real) ? 0 : !x_real ? -1 : 1;
                else {
                    orc_dy diff[2] = {x, y};
                    diff[1].sign ^= 1;
                    want_cmp = orc_sign_of_sum(diff, 2);
                }
                ok = ok && posit_cmp(c, p, q) == want_cmp && posit_eq(c, p, q) == (want_cmp == 0) &&
                     posit_lt(c, p, q) == (want_cmp < 0) && posit_le(c, p, q) == (want_cmp <= 0);
                /* neg / abs */
                orc_dy nx;
                uint32_t np = posit_neg(c, p), ap = posit_abs(c, p);
                int n_real = orc_decode(n, es, np, &nx);
                ok = ok && n_real == x_real && (!x_real || (nx.m == x.m && nx.e == x.e && (x.m == 0 || nx.sign != x.sign)));
                ok = ok && (x_real ? ap == (x.sign ? np : p) : ap == p);
                if (!ok && bad++ == 0) printf("decode/cmp p%de%d p=0x%x q=0x%x disagree with the oracle\n", n, es, p, q);
                checked++;
            }
        }
    printf("  decode/to_double/to_float/cmp/neg/abs: %llu patterns checked, %zu mismatches\n",
           (unsigned long long)checked, bad);
    assert_int_equal(bad, 0);
}

/* Generic quire and posit_fdp against the oracle's exact sum. */
static void test_fdp_generic(void **state) {
    (void)state;
    uint64_t s = 31337, checked = 0;
    size_t bad = 0;
    for (int es = 0; es <= 3; es++)
        for (int n = 3; n <= 32; n++) {
            posit_cfg c = posit_cfg_make(n, es);
            for (int i = 0; i < 12; i++) {
                uint32_t a[48], b[48];
                int k = 1 + (int)(test_rand64(&s) % 48);
                for (int j = 0; j < k; j++) {
                    a[j] = rand_posit(c, &s);
                    b[j] = rand_posit(c, &s);
                    if (a[j] == 1u << (n - 1)) a[j] = 0; /* NaR is tested separately */
                    if (b[j] == 1u << (n - 1)) b[j] = 1;
                }
                if (i == 0) { /* exact cancellation leaves one tiny product */
                    a[1] = a[0];
                    b[1] = posit_neg(c, b[0]);
                    if (k < 3) k = 3;
                    a[2] = 1;
                    b[2] = 1;
                }
                uint32_t want = orc_fdp(n, es, a, b, k), got = posit_fdp(c, a, b, (size_t)k);
                /* the same sum through add/sub/add_posit */
                posit_quire q;
                assert_int_equal(pquire_init(&q, c), LPCS_OK);
                for (int j = 0; j < k; j++) {
                    if (j & 1)
                        pquire_fdp_sub(&q, a[j], posit_neg(c, b[j]));
                    else
                        pquire_fdp_add(&q, a[j], b[j]);
                }
                uint32_t got2 = pquire_to_posit(&q);
                if ((got != want || got2 != want) && bad++ == 0)
                    printf("fdp p%de%d k=%d: oracle=0x%x posit_fdp=0x%x quire=0x%x\n", n, es, k, want, got, got2);
                checked++;
            }
        }
    /* add_posit: sum of posits rounded once */
    for (int n = 4; n <= 32; n += 4) {
        posit_cfg c = posit_cfg_make(n, 2);
        uint32_t a[8], one[8];
        posit_quire q;
        pquire_init(&q, c);
        for (int j = 0; j < 8; j++) {
            a[j] = rand_posit(c, &s);
            if (a[j] == 1u << (n - 1)) a[j] = 0;
            one[j] = posit_one(c);
            pquire_add_posit(&q, a[j]);
        }
        if (pquire_to_posit(&q) != orc_fdp(n, 2, a, one, 8) && bad++ == 0) printf("pquire_add_posit p%de2 wrong\n", n);
        checked++;
    }
    printf("  generic quire / posit_fdp: %llu sums checked, %zu mismatches\n", (unsigned long long)checked, bad);
    assert_int_equal(bad, 0);
}

/* quire8/quire16 (SoftPosit layout) on random sums vs the oracle, plus the
 * SoftPosit corner cases: NaR operands, wrap-around onto the NaR pattern. */
static void test_quire8_16(void **state) {
    (void)state;
    uint64_t s = 2718;
    size_t bad = 0;
    for (int i = 0; i < 2000; i++) {
        uint32_t a[40], b[40];
        int k = 1 + (int)(test_rand64(&s) % 40);
        int w = i & 1 ? 16 : 8;
        posit_cfg c = w == 8 ? POSIT_P8E0 : POSIT_P16E1;
        quire8_t q8 = quire8_clear();
        quire16_t q16 = quire16_clear();
        for (int j = 0; j < k; j++) {
            a[j] = rand_posit(c, &s);
            b[j] = rand_posit(c, &s);
            if (a[j] == 1u << (w - 1)) a[j] = 0;
            if (b[j] == 1u << (w - 1)) b[j] = 0;
            if (w == 8)
                q8 = (j & 1) ? quire8_fdp_sub(q8, a[j], posit_neg(c, b[j])) : quire8_fdp_add(q8, a[j], b[j]);
            else
                q16 = (j & 1) ? quire16_fdp_sub(q16, a[j], posit_neg(c, b[j])) : quire16_fdp_add(q16, a[j], b[j]);
        }
        /* 40 products of at most 2^12 (p8) stay below the 2^19 wrap point */
        uint32_t want = orc_fdp(w, c.es, a, b, k), got = w == 8 ? quire8_to_posit(q8) : quire16_to_posit(q16);
        if (got != want && bad++ == 0) printf("quire%d: oracle=0x%x golden=0x%x (k=%d)\n", w, want, got, k);
    }
    assert_int_equal(bad, 0);

    /* NaR operand or NaR quire -> NaR */
    quire8_t q8 = quire8_fdp_add(quire8_clear(), 0x80, 0x40);
    assert_true(quire8_is_nar(q8));
    assert_true(quire8_is_nar(quire8_fdp_add(q8, 0x40, 0x40)));
    assert_int_equal(quire8_to_posit(q8), 0x80);
    quire16_t q16 = quire16_fdp_sub(quire16_clear(), 0x4000, 0x8000);
    assert_true(quire16_is_nar(q16));
    assert_int_equal(quire16_to_posit(q16), 0x8000);
    /* wrap: 64*64 = 2^12 is 2^24 lsbs; 128 of them reach 2^31 = the NaR pattern -> 0 */
    q8 = quire8_clear();
    for (int i = 0; i < 127; i++) q8 = quire8_fdp_add(q8, 0x7F, 0x7F);
    assert_int_equal(q8.bits, 127u << 24);
    q8 = quire8_fdp_add(q8, 0x7F, 0x7F);
    assert_int_equal(q8.bits, 0); /* SoftPosit's rule */
    /* quire16: maxpos^2 = 2^56 = 2^112 lsbs; 2^15 of them wrap onto NaR -> 0 */
    q16 = quire16_clear();
    for (int i = 0; i < 32767; i++) q16 = quire16_fdp_add(q16, 0x7FFF, 0x7FFF);
    assert_int_equal(q16.hi, 0x7FFF000000000000ull);
    q16 = quire16_fdp_add(q16, 0x7FFF, 0x7FFF);
    assert_int_equal(q16.hi, 0);
    assert_int_equal(q16.lo, 0);
    /* minpos^2 sits in the lsb */
    assert_int_equal(quire8_fdp_add(quire8_clear(), 1, 1).bits, 1);
    assert_int_equal(quire16_fdp_add(quire16_clear(), 1, 1).lo, 1);
    assert_int_equal(quire16_to_posit(quire16_fdp_add(quire16_clear(), 1, 1)), 1); /* never 0 */
}

static void test_bad_input(void **state) {
    (void)state;
    const posit_cfg bad_cfgs[] = {{1, 0}, {33, 0}, {8, -1}, {8, 4}, {0, 0}, {-5, 2}, {1000000, 1}, {16, 99}};
    for (size_t i = 0; i < sizeof bad_cfgs / sizeof bad_cfgs[0]; i++) {
        posit_cfg c = bad_cfgs[i];
        assert_int_equal(posit_cfg_check(c), LPCS_ERANGE);
        assert_int_equal(posit_add(c, 1, 2), 0);
        assert_int_equal(posit_sub(c, 1, 2), 0);
        assert_int_equal(posit_mul(c, 1, 2), 0);
        assert_int_equal(posit_div(c, 1, 2), 0);
        assert_int_equal(posit_sqrt(c, 1), 0);
        assert_int_equal(posit_fma(c, 1, 2, 3), 0);
        assert_int_equal(posit_from_double(c, 1.0), 0);
        assert_true(posit_to_double(c, 1) == 0.0);
        assert_int_equal(posit_convert(c, 1, POSIT_P8E0), 0);
        assert_int_equal(posit_convert(POSIT_P8E0, 1, c), 0);
        assert_int_equal(posit_nar(c), 0);
        assert_int_equal(posit_cmp(c, 1, 2), 0);
        assert_true(posit_decode(c, 1).is_nar);
        assert_int_equal(posit_round(c, 0, 0, 1, 0), 0);
        posit_quire q;
        assert_int_equal(pquire_init(&q, c), LPCS_ERANGE);
        pquire_fdp_add(&q, 1, 1);
        assert_int_equal(pquire_to_posit(&q), 0);
        uint32_t out = 123, a[1] = {1};
        assert_int_equal(posit_fdp_checked(c, a, a, 1, &out), LPCS_ERANGE);
        assert_int_equal(posit_fdp(c, a, a, 1), 0);
    }
    for (int n = 2; n <= 32; n++)
        for (int es = 0; es <= 3; es++) {
            posit_cfg c = posit_cfg_make(n, es);
            uint32_t nar = posit_nar(c), one = posit_one(c);
            assert_int_equal(posit_cfg_check(c), LPCS_OK);
            /* NaR propagates; x/0 and sqrt(<0) are NaR; NaN/Inf -> NaR */
            assert_int_equal(posit_add(c, nar, one), nar);
            assert_int_equal(posit_sub(c, one, nar), nar);
            assert_int_equal(posit_mul(c, nar, 0), nar);
            assert_int_equal(posit_div(c, one, 0), nar);
            assert_int_equal(posit_div(c, 0, 0), nar);
            assert_int_equal(posit_div(c, nar, one), nar);
            assert_int_equal(posit_sqrt(c, nar), nar);
            assert_int_equal(posit_sqrt(c, posit_neg(c, one)), nar);
            assert_int_equal(posit_fma(c, one, one, nar), nar);
            assert_int_equal(posit_fma(c, 0, nar, one), nar);
            assert_int_equal(posit_from_double(c, NAN), nar);
            assert_int_equal(posit_from_double(c, -INFINITY), nar);
            assert_int_equal(posit_from_float(c, INFINITY), nar);
            assert_int_equal(posit_from_double(c, -0.0), 0);
            assert_true(isnan(posit_to_double(c, nar)));
            assert_true(isnan(posit_to_float(c, nar)));
            assert_int_equal(posit_neg(c, nar), nar);
            assert_int_equal(posit_abs(c, nar), nar);
            assert_int_equal(posit_convert(c, nar, POSIT_P32E2), 0x80000000u);
            /* never round to 0 or NaR; saturate */
            assert_int_equal(posit_from_double(c, 1e-300), posit_minpos(c));
            assert_int_equal(posit_from_double(c, -1e300), posit_neg(c, posit_maxpos(c)));
            assert_int_equal(posit_mul(c, posit_maxpos(c), posit_maxpos(c)), posit_maxpos(c));
            assert_int_equal(posit_mul(c, posit_minpos(c), posit_minpos(c)), posit_minpos(c));
            /* bits above n are ignored */
            if (n < 32) assert_int_equal(posit_add(c, one | (1u << n), 0), one);
            /* the quire */
            uint32_t a[2] = {one, nar}, out = 7;
            assert_int_equal(posit_fdp(c, a, a, 0), 0);               /* empty sum */
            assert_int_equal(posit_fdp(c, NULL, a, 0), 0);            /* n = 0: pointers unused */
            assert_int_equal(posit_fdp(c, a, a, 2), nar);             /* NaR operand */
            assert_int_equal(posit_fdp(c, NULL, a, 2), nar);          /* NULL -> NaR */
            assert_int_equal(posit_fdp_checked(c, a, NULL, 2, &out), LPCS_EINVAL);
            assert_int_equal(out, nar);
            assert_int_equal(posit_fdp_checked(c, a, a, 1, NULL), LPCS_EINVAL);
            assert_int_equal(posit_fdp_checked(c, a, a, 1, &out), LPCS_OK);
            assert_int_equal(out, one);
        }
    /* null quire pointers are ignored */
    assert_int_equal(pquire_init(NULL, POSIT_P8E0), LPCS_EINVAL);
    pquire_fdp_add(NULL, 1, 1);
    pquire_fdp_sub(NULL, 1, 1);
    pquire_add_posit(NULL, 1);
    pquire_clear(NULL);
    assert_int_equal(pquire_to_posit(NULL), 0);
    assert_false(pquire_is_nar(NULL));
}

/* The checks can fail: the oracle with the arithmetic-midpoint tie rule
 * (a plausible wrong reading of "round to nearest") disagrees with golden,
 * and a deliberately broken operation is caught by the sweep. */
static uint32_t broken_mul(posit_cfg c, uint32_t a, uint32_t b) {
    uint32_t r = posit_mul(c, a, b);
    return (a == 0x13 && b == 0x25) ? r ^ 1 : r; /* one wrong result */
}

static void test_oracle_can_fail(void **state) {
    (void)state;
    size_t differ = 0, agree_bitstring = 0;
    posit_cfg c = POSIT_P8E2;
    for (uint32_t a = 0; a < 256; a++)
        for (uint32_t b = 0; b < 256; b++) {
            uint32_t g = posit_mul(c, a, b);
            differ += orc_mul_tie(8, 2, a, b, ORC_TIE_ARITH_MIDPOINT) != g;
            agree_bitstring += orc_mul_tie(8, 2, a, b, ORC_TIE_BITSTRING) == g;
        }
    printf("  p8e2 mul: %zu results differ under the arithmetic-midpoint rule (must be > 0)\n", differ);
    assert_true(differ > 0);
    assert_int_equal(agree_bitstring, 65536);
    size_t bad = sweep(POSIT_P8E0, "broken mul (expected mismatch)", broken_mul, orc_mul, 0);
    assert_int_equal(bad, 1);
    /* sanity: an exactly representable value rounds to itself */
    orc_dy one = {0, 1, 0};
    assert_int_equal(orc_round_sum(8, 0, &one, 1, ORC_TIE_BITSTRING), 0x40);
}

/* The oracle itself agrees with SoftPosit on its exhaustive p8e0 / p4e1
 * tables: both readings of the rounding rule are the same. */
static void test_oracle_vs_softposit(void **state) {
    (void)state;
    const char *files[] = {"p8_add.bin", "p8_mul.bin", "p8_div.bin", "p4e1_add.bin", "p4e1_mul.bin"};
    orc2 ops[] = {orc_add, orc_mul, orc_div, orc_add, orc_mul};
    size_t bad = 0, checked = 0;
    for (int f = 0; f < 5; f++) {
        size_t len = 0;
        unsigned char *v = test_load_shared("vectors/posit", files[f], &len);
        int w = f < 3 ? 8 : 4, es = f < 3 ? 0 : 1;
        for (size_t i = 0; i < len; i++) {
            uint32_t a = (uint32_t)(i >> w), b = (uint32_t)(i & ((1u << w) - 1));
            uint32_t want = v[i] & ((1u << w) - 1), got = ops[f](w, es, a, b);
            if (got != want && bad++ == 0) printf("oracle vs %s: a=0x%x b=0x%x softposit=0x%x oracle=0x%x\n", files[f], a, b, want, got);
            checked++;
        }
        free(v);
    }
    printf("  oracle vs SoftPosit tables: %zu checked, %zu mismatches\n", checked, bad);
    assert_int_equal(bad, 0);
}

/* posit_round(c, sign, exp2, mag, sticky): sticky stands for a positive
 * amount far below mag's last bit (the oracle adds 2^(exp2-100)). */
static void test_round_api(void **state) {
    (void)state;
    uint64_t s = 1618, checked = 0;
    size_t bad = 0;
    for (int es = 0; es <= 3; es++)
        for (int n = 2; n <= 32; n++) {
            posit_cfg c = posit_cfg_make(n, es);
            for (int i = 0; i < 200; i++) {
                uint64_t r = test_rand64(&s);
                uint64_t mag = test_rand64(&s) >> (r & 63);
                if (!mag) mag = 1;
                if (r & 64) mag &= ~0ull << ((r >> 8) & 31); /* trailing zeros: exact ties */
                if (!mag) mag = 1ull << 40;
                int exp2 = (int)((r >> 16) % 700) - 350, sign = (int)((r >> 32) & 1), sticky = (int)((r >> 33) & 1);
                orc_dy t[2] = {{sign, mag, exp2}, {sign, sticky ? 1u : 0u, exp2 - 100}};
                uint32_t want = orc_round_sum(n, es, t, 2, ORC_TIE_BITSTRING);
                uint32_t got = posit_round(c, sign, exp2, mag, sticky);
                if (got != want && bad++ == 0)
                    printf("posit_round p%de%d sign=%d exp2=%d mag=0x%llx sticky=%d: oracle=0x%x golden=0x%x\n", n,
                           es, sign, exp2, (unsigned long long)mag, sticky, want, got);
                checked++;
            }
        }
    printf("  posit_round: %llu checked, %zu mismatches\n", (unsigned long long)checked, bad);
    assert_int_equal(bad, 0);
    assert_int_equal(posit_round(POSIT_P8E0, 0, 0, 0, 0), 0);
    assert_int_equal(posit_round(POSIT_P8E0, 1, 1000000000, 1, 0), 0x81); /* -maxpos, no overflow */
}

/* The generic quire spans the full product range of the widest config:
 * maxpos^2 + minpos^2 - maxpos^2 leaves minpos^2, which rounds to minpos. */
static void test_quire_range(void **state) {
    (void)state;
    for (int es = 0; es <= 3; es++)
        for (int n = 3; n <= 32; n++) {
            posit_cfg c = posit_cfg_make(n, es);
            uint32_t mx = posit_maxpos(c), mn = posit_minpos(c);
            posit_quire q;
            assert_int_equal(pquire_init(&q, c), LPCS_OK);
            pquire_fdp_add(&q, mx, mx);
            assert_int_equal(pquire_to_posit(&q), mx);
            pquire_fdp_add(&q, mn, mn);
            pquire_fdp_sub(&q, mx, mx);
            assert_int_equal(pquire_to_posit(&q), mn);
            pquire_fdp_sub(&q, mn, posit_neg(c, mn)); /* += minpos^2 */
            pquire_fdp_sub(&q, mn, mn);
            pquire_fdp_sub(&q, mn, mn);
            assert_int_equal(pquire_to_posit(&q), 0);
            /* a large negative sum */
            for (int i = 0; i < 1000; i++) pquire_fdp_add(&q, mx, posit_neg(c, mx));
            assert_int_equal(pquire_to_posit(&q), posit_neg(c, mx));
            pquire_fdp_add(&q, posit_nar(c), mn);
            assert_true(pquire_is_nar(&q));
            pquire_fdp_add(&q, mn, mn); /* stays NaR */
            assert_int_equal(pquire_to_posit(&q), posit_nar(c));
            pquire_clear(&q);
            assert_false(pquire_is_nar(&q));
            assert_int_equal(pquire_to_posit(&q), 0);
        }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_api),           cmocka_unit_test(test_quire_range),
        cmocka_unit_test(test_oracle_vs_softposit), cmocka_unit_test(test_oracle_can_fail),
        cmocka_unit_test(test_bad_input),           cmocka_unit_test(test_decode_compare),
        cmocka_unit_test(test_exhaustive_small),    cmocka_unit_test(test_fma_small),
        cmocka_unit_test(test_random_large),        cmocka_unit_test(test_convert),
        cmocka_unit_test(test_from_double),         cmocka_unit_test(test_fdp_generic),
        cmocka_unit_test(test_quire8_16),
    };
    return cmocka_run_group_tests_name("posit_oracle", tests, NULL, NULL);
}
