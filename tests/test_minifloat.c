/* golden/minifloat conversions against CUDA's host conversions (the oracle),
 * bit for bit: every code decoded, all specials and every rounding boundary,
 * 2^24 random fp32 patterns per format and saturation mode (all 2^32 under
 * LPCS_LONG=1), random fp64 patterns. */
#include "test_util.h"
#include "minifloat.h"
#include "cuda_fp_oracle.h"
#include "status.h"

#include <math.h>
#include <pthread.h>

static const char *sat_name(int s) { return s ? "satfinite" : "nonsat"; }

static uint32_t f2u(float x) { uint32_t u; memcpy(&u, &x, 4); return u; }
static float u2f(uint32_t u) { float x; memcpy(&x, &u, 4); return x; }
static uint64_t d2u(double x) { uint64_t u; memcpy(&u, &x, 8); return u; }
static double u2d(uint64_t u) { double x; memcpy(&x, &u, 8); return x; }

/* The converter under test; a test swaps in a faulty one to show the sweep
 * can fail. */
typedef uint32_t (*from_f32_fn)(mf_format f, float x, mf_sat s);

static uint32_t faulty_from_f32(mf_format f, float x, mf_sat s) {
    uint32_t r = mf_from_f32(f, x, s);
    return f2u(x) == 0x3f812345u ? r ^ 1u : r;   /* one wrong answer */
}

/* Compares the fp32 patterns [lo, hi) (step `step`); prints the first
 * mismatch. Returns the number of mismatches. */
static uint64_t sweep_f32(from_f32_fn fn, mf_format f, int sat, uint64_t lo, uint64_t hi,
                          uint64_t step, int quiet) {
    uint64_t bad = 0;
    for (uint64_t u = lo; u < hi; u += step) {
        float x = u2f((uint32_t)u);
        uint32_t want = cuda_oracle_from_f32((int)f, x, sat);
        uint32_t got = fn(f, x, (mf_sat)sat);
        if (want != got && bad++ == 0 && !quiet)
            fprintf(stderr, "MISMATCH %s %s from_f32(0x%08x): cuda 0x%x golden 0x%x\n",
                    mf_get_info(f)->name, sat_name(sat), (unsigned)u, want, got);
    }
    return bad;
}

static uint64_t check_f64(mf_format f, int sat, double x) {
    uint32_t want = cuda_oracle_from_f64((int)f, x, sat);
    uint32_t got = mf_from_f64(f, x, (mf_sat)sat);
    if (want != got) {
        fprintf(stderr, "MISMATCH %s %s from_f64(0x%016llx): cuda 0x%x golden 0x%x\n",
                mf_get_info(f)->name, sat_name(sat), (unsigned long long)d2u(x), want, got);
        return 1;
    }
    return 0;
}

static uint64_t check_f32(mf_format f, int sat, float x) {
    uint32_t u = f2u(x);
    return sweep_f32(mf_from_f32, f, sat, u, (uint64_t)u + 1, 1, 0);
}

static void test_info(void **state) {
    (void)state;
    static const struct { int bits, e, m, bias; double max; } want[MF_FORMAT_COUNT] = {
        {4, 2, 1, 1, 6}, {6, 2, 3, 1, 7.5}, {6, 3, 2, 3, 28}, {8, 4, 3, 7, 448},
        {8, 5, 2, 15, 57344}, {16, 8, 7, 127, 0x1.fep127}, {16, 5, 10, 15, 65504}};
    for (int f = 0; f < MF_FORMAT_COUNT; f++) {
        const mf_info *i = mf_get_info((mf_format)f);
        assert_non_null(i);
        assert_int_equal(i->bits, want[f].bits);
        assert_int_equal(i->ebits, want[f].e);
        assert_int_equal(i->mbits, want[f].m);
        assert_int_equal(i->bias, want[f].bias);
        assert_true(i->max_finite == want[f].max);
        assert_true(mf_to_f64((mf_format)f, mf_max_code((mf_format)f)) == want[f].max);
    }
    assert_null(mf_get_info(MF_FORMAT_COUNT));
    assert_null(mf_get_info((mf_format)-1));
    assert_int_equal(mf_from_f32(MF_FORMAT_COUNT, 1.0f, MF_NONSAT), 0);
    assert_int_equal(mf_code_count(MF_FORMAT_COUNT), 0);
    float t[16];
    assert_int_equal(mf_value_table(MF_FP4_E2M1, NULL, 16), 0);
    assert_int_equal(mf_value_table(MF_FP4_E2M1, t, 15), 0);
    assert_int_equal(mf_value_table(MF_FP4_E2M1, t, 16), 16);
    static const float fp4[8] = {0, 0.5f, 1, 1.5f, 2, 3, 4, 6};
    for (int c = 0; c < 8; c++) {
        assert_true(t[c] == fp4[c]);
        assert_true(t[c + 8] == -fp4[c]);
    }
}

/* Every code of every format decodes exactly as CUDA decodes it. */
static void test_decode_every_code(void **state) {
    (void)state;
    uint64_t checked = 0;
    for (int f = 0; f < MF_FORMAT_COUNT; f++) {
        uint32_t n = mf_code_count((mf_format)f);
        float *tab = malloc(n * sizeof *tab);
        assert_int_equal(mf_value_table((mf_format)f, tab, n), n);
        for (uint32_t c = 0; c < n; c++) {
            uint32_t want = f2u(cuda_oracle_to_f32(f, c));
            uint32_t got = f2u(mf_to_f32((mf_format)f, c));
            if (want != got || f2u(tab[c]) != want)
                fail_msg("%s decode 0x%x: cuda 0x%08x golden 0x%08x", mf_get_info((mf_format)f)->name,
                         c, want, got);
            double d = mf_to_f64((mf_format)f, c);
            if (!(isnan(d) ? isnan(tab[c]) : d == (double)tab[c])) fail_msg("to_f64 0x%x", c);
            checked++;
        }
        free(tab);
    }
    printf("decode: %llu codes checked (all codes of 7 formats)\n", (unsigned long long)checked);
}

/* Specials and every rounding boundary: for each code, its value, the
 * midpoints to its neighbours and the fp32/fp64 neighbours of those. */
static void test_specials_and_boundaries(void **state) {
    (void)state;
    static const uint32_t specials32[] = {
        0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001,
        0xff800001, 0x7fffffff, 0xffffffff, 0x7fa00000, 0x00000001, 0x80000001, 0x007fffff,
        0x00800000, 0x7f7fffff, 0xff7fffff, 0x3f800000, 0xbf800000};
    static const uint64_t specials64[] = {
        0, 0x8000000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
        0x7ff8000000000000ull, 0xfff8000000000000ull, 0x7ff0000000000001ull,
        0xfff4000000000000ull, 0x7ffc000000000000ull, 0xfffc000000000000ull,
        0x7ffbffffffffffffull, 0x0000000000000001ull, 0x800fffffffffffffull,
        0x7fefffffffffffffull, 0xffefffffffffffffull, 0x47efffffe0000000ull};
    uint64_t checked = 0, bad = 0;
    for (int f = 0; f < MF_FORMAT_COUNT; f++) {
        for (int sat = 0; sat < 2; sat++) {
            for (size_t i = 0; i < sizeof specials32 / sizeof *specials32; i++, checked++)
                bad += check_f32((mf_format)f, sat, u2f(specials32[i]));
            for (size_t i = 0; i < sizeof specials64 / sizeof *specials64; i++, checked++)
                bad += check_f64((mf_format)f, sat, u2d(specials64[i]));
            uint32_t maxc = mf_max_code((mf_format)f);
            for (uint32_t c = 0; c <= maxc; c++) {
                double v = mf_to_f64((mf_format)f, c);
                double next = c < maxc ? mf_to_f64((mf_format)f, c + 1)
                                       : 2 * v - mf_to_f64((mf_format)f, c - 1);
                double pts[3] = {v, (v + next) / 2, next};
                for (int k = 0; k < 3; k++) {
                    for (int neg = 0; neg < 2; neg++) {
                        double p = neg ? -pts[k] : pts[k];
                        double d[3] = {nextafter(p, -INFINITY), p, nextafter(p, INFINITY)};
                        float s[3] = {nextafterf((float)p, -INFINITY), (float)p,
                                      nextafterf((float)p, INFINITY)};
                        for (int j = 0; j < 3; j++) {
                            bad += check_f64((mf_format)f, sat, d[j]);
                            bad += check_f32((mf_format)f, sat, s[j]);
                            checked += 2;
                        }
                    }
                }
            }
        }
    }
    printf("specials+boundaries: %llu conversions checked, %llu mismatches\n",
           (unsigned long long)checked, (unsigned long long)bad);
    assert_int_equal(bad, 0);
}

/* Every non-NaN code survives decode -> encode in both modes. */
static void test_roundtrip_codes(void **state) {
    (void)state;
    for (int f = 0; f < MF_FORMAT_COUNT; f++)
        for (uint32_t c = 0; c < mf_code_count((mf_format)f); c++) {
            if (mf_is_nan((mf_format)f, c)) continue;
            float x = mf_to_f32((mf_format)f, c);
            assert_int_equal(mf_from_f32((mf_format)f, x, MF_NONSAT), c);
            assert_int_equal(mf_from_f64((mf_format)f, (double)x, MF_NONSAT), c);
            if (!mf_is_inf((mf_format)f, c))
                assert_int_equal(mf_from_f32((mf_format)f, x, MF_SATFINITE), c);
        }
}

/* Random fp32 bit patterns: 2^24 per format and mode (all 2^32 when long). */
typedef struct { mf_format f; int sat; uint64_t lo, hi; uint64_t bad; } sweep_job;
static void *sweep_thread(void *p) {
    sweep_job *j = p;
    j->bad = sweep_f32(mf_from_f32, j->f, j->sat, j->lo, j->hi, 1, 0);
    return NULL;
}

static void test_random_f32(void **state) {
    (void)state;
    uint64_t checked = 0, bad = 0, rng = 0x5eed0001;
    const uint64_t n = 1ull << 24;
    for (int f = 0; f < MF_FORMAT_COUNT; f++)
        for (int sat = 0; sat < 2; sat++) {
            uint64_t fb = 0;
            for (uint64_t i = 0; i < n; i++) {
                uint32_t u = (uint32_t)test_rand64(&rng);
                fb += sweep_f32(mf_from_f32, (mf_format)f, sat, u, (uint64_t)u + 1, 1, fb > 0);
            }
            checked += n;
            bad += fb;
        }
    printf("random fp32: %llu patterns checked (2^24 x 7 formats x 2 modes), %llu mismatches\n",
           (unsigned long long)checked, (unsigned long long)bad);
    assert_int_equal(bad, 0);
}

static void test_exhaustive_f32(void **state) {
    (void)state;
    if (!test_long_mode()) {
        printf("exhaustive fp32: skipped (set LPCS_LONG=1)\n");
        return;
    }
    uint64_t checked = 0, bad = 0;
    for (int f = 0; f < MF_FORMAT_COUNT; f++)
        for (int sat = 0; sat < 2; sat++) {
            sweep_job j[2] = {{(mf_format)f, sat, 0, 1ull << 31, 0},
                              {(mf_format)f, sat, 1ull << 31, 1ull << 32, 0}};
            pthread_t t;
            pthread_create(&t, NULL, sweep_thread, &j[1]);
            sweep_thread(&j[0]);
            pthread_join(t, NULL);
            printf("exhaustive fp32 %s %s: 2^32 patterns, %llu mismatches\n",
                   mf_get_info((mf_format)f)->name, sat_name(sat),
                   (unsigned long long)(j[0].bad + j[1].bad));
            fflush(stdout);
            checked += 1ull << 32;
            bad += j[0].bad + j[1].bad;
        }
    printf("exhaustive fp32: %llu patterns checked\n", (unsigned long long)checked);
    assert_int_equal(bad, 0);
}

/* Random fp64: uniform bit patterns and values near the formats' range. */
static void test_random_f64(void **state) {
    (void)state;
    uint64_t checked = 0, bad = 0, rng = 0x5eed0002;
    const uint64_t n = 1ull << 20;
    for (int f = 0; f < MF_FORMAT_COUNT; f++)
        for (int sat = 0; sat < 2; sat++)
            for (uint64_t i = 0; i < n; i++) {
                uint64_t u = test_rand64(&rng);
                if (i & 1) {   /* exponent within +-48 of 2^0: the formats' range */
                    uint64_t e = 1023 - 160 + (u >> 56) % 320;
                    if (f != MF_BF16) e = 1023 - 48 + (u >> 56) % 96;
                    u = (u & 0x800fffffffffffffull) | (e << 52);
                }
                bad += check_f64((mf_format)f, sat, u2d(u));
                checked++;
            }
    printf("random fp64: %llu patterns checked, %llu mismatches\n", (unsigned long long)checked,
           (unsigned long long)bad);
    assert_int_equal(bad, 0);
}

/* The array conversion equals the per-value one; bad input is refused. */
static void test_array_conversion(void **state) {
    (void)state;
    enum { N = 1 << 16 };
    static float x[N];
    static uint8_t out[N];
    uint64_t rng = 0xa77a;
    for (int i = 0; i < N; i++) x[i] = u2f((uint32_t)test_rand64(&rng));
    for (int f = MF_FP4_E2M1; f <= MF_FP8_E5M2; f++)
        for (int sat = 0; sat < 2; sat++) {
            assert_int_equal(mf_from_f32_array((mf_format)f, (mf_sat)sat, x, N, out), LPCS_OK);
            for (int i = 0; i < N; i++)
                if (out[i] != cuda_oracle_from_f32(f, x[i], sat))
                    fail_msg("array %s x=0x%08x", mf_get_info((mf_format)f)->name, f2u(x[i]));
        }
    assert_int_equal(mf_from_f32_array(MF_BF16, MF_NONSAT, x, N, out), LPCS_EINVAL);
    assert_int_equal(mf_from_f32_array(MF_FORMAT_COUNT, MF_NONSAT, x, N, out), LPCS_EINVAL);
    assert_int_equal(mf_from_f32_array(MF_FP8_E4M3, MF_NONSAT, NULL, N, out), LPCS_EINVAL);
    assert_int_equal(mf_from_f32_array(MF_FP8_E4M3, MF_NONSAT, x, N, NULL), LPCS_EINVAL);
    assert_int_equal(mf_from_f32_array(MF_FP8_E4M3, MF_NONSAT, NULL, 0, NULL), LPCS_OK);
    assert_true(mf_to_f32(MF_FORMAT_COUNT, 1) == 0.0f);
    assert_int_equal(mf_add(MF_FORMAT_COUNT, MF_NONSAT, 1, 1), 0);
    assert_int_equal(mf_is_nan(MF_FORMAT_COUNT, 0x7f), 0);
}

/* The sweep does catch a wrong answer (a test that cannot fail is a defect). */
static void test_sweep_detects_fault(void **state) {
    (void)state;
    assert_int_equal(sweep_f32(faulty_from_f32, MF_FP8_E4M3, 0, 0x3f812340u, 0x3f812350u, 1, 1), 1);
    assert_int_equal(sweep_f32(faulty_from_f32, MF_FP8_E4M3, 0, 0x3f812340u, 0x3f812345u, 1, 1), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_info),
        cmocka_unit_test(test_decode_every_code),
        cmocka_unit_test(test_specials_and_boundaries),
        cmocka_unit_test(test_roundtrip_codes),
        cmocka_unit_test(test_random_f64),
        cmocka_unit_test(test_random_f32),
        cmocka_unit_test(test_exhaustive_f32),
        cmocka_unit_test(test_array_conversion),
        cmocka_unit_test(test_sweep_detects_fault),
    };
    return cmocka_run_group_tests_name("minifloat", tests, NULL, NULL);
}
