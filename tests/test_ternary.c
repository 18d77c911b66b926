/* golden/ternary.c: packing layout, GEMV/GEMM against a naive int64 oracle
 * with its own decoder, quantizers against libm-based oracles and hand cases. */
#include <math.h>

#include "test_util.h"
#include "ternary.h"

/* ---- independent oracles --------------------------------------------- */

/* Decodes one weight straight from the documented layout. */
static int oracle_weight(const uint8_t *row, size_t k) {
    switch ((row[k / 4] >> (2 * (k % 4))) & 3) {
    case 0: return 0;
    case 1: return 1;
    case 3: return -1;
    default: return 99; /* invalid */
    }
}

static int64_t oracle_dot(const uint8_t *row, size_t cols, const int8_t *x) {
    int64_t acc = 0;
    for (size_t k = 0; k < cols; k++) acc += (int64_t)oracle_weight(row, k) * x[k];
    return acc;
}

/* rint() in the default rounding mode is round-half-even: an oracle
 * independent of the golden floor-based rounding. */
static float oracle_rne(float v) { return (float)rint((double)v); }

static int8_t rand_ternary(uint64_t *s) { return (int8_t)((int)(test_rand64(s) % 3) - 1); }

/* ---- packing ---------------------------------------------------------- */

static void test_pack_layout(void **st) {
    (void)st;
    const int8_t w[6] = {1, -1, 0, 1, -1, 1};
    uint8_t p[2] = {0xAA, 0xAA};
    assert_int_equal(ternary_pack(w, 6, p), LPCS_OK);
    assert_int_equal(p[0], 0x4D);        /* 01 | 11<<2 | 00<<4 | 01<<6 */
    assert_int_equal(p[1], 0x07);        /* 11 | 01<<2, padding codes 00 */
    int8_t back[6];
    assert_int_equal(ternary_unpack(p, 6, back), LPCS_OK);
    assert_memory_equal(back, w, 6);
    assert_int_equal(ternary_row_bytes(0), 0);
    assert_int_equal(ternary_row_bytes(1), 1);
    assert_int_equal(ternary_row_bytes(4), 1);
    assert_int_equal(ternary_row_bytes(5), 2);
    /* every single weight position and value lands where the contract says */
    for (size_t k = 0; k < 8; k++)
        for (int v = -1; v <= 1; v++) {
            int8_t one[8] = {0};
            uint8_t q[2];
            one[k] = (int8_t)v;
            assert_int_equal(ternary_pack(one, 8, q), LPCS_OK);
            uint8_t code = v == 0 ? 0 : (v == 1 ? 1 : 3);
            assert_int_equal(q[k / 4], code << (2 * (k % 4)));
            assert_int_equal(q[1 - k / 4], 0);
        }
}

static void test_pack_roundtrip(void **st) {
    (void)st;
    uint64_t s = 1;
    for (size_t n = 0; n < 67; n++) {
        int8_t w[67] = {0}, back[67];
        uint8_t p[17];
        for (size_t k = 0; k < n; k++) w[k] = rand_ternary(&s);
        assert_int_equal(ternary_pack(w, n, p), LPCS_OK);
        for (size_t k = 0; k < n; k++) assert_int_equal(oracle_weight(p, k), w[k]);
        if (n % 4) assert_int_equal(p[n / 4] >> (2 * (n % 4)), 0); /* padding is zero */
        assert_int_equal(ternary_unpack(p, n, back), LPCS_OK);
        assert_memory_equal(back, w, n);
    }
    /* a whole matrix: rows padded independently */
    int8_t m[3 * 5];
    uint8_t pm[3 * 2];
    for (int k = 0; k < 15; k++) m[k] = rand_ternary(&s);
    assert_int_equal(ternary_pack_matrix(m, 3, 5, pm), LPCS_OK);
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 5; c++) assert_int_equal(oracle_weight(pm + 2 * r, (size_t)c), m[r * 5 + c]);
}

static void test_pack_bad_input(void **st) {
    (void)st;
    int8_t w[4] = {0, 2, 0, 0};
    uint8_t p[1];
    assert_int_equal(ternary_pack(w, 4, p), LPCS_ERANGE);
    w[1] = -2;
    assert_int_equal(ternary_pack(w, 4, p), LPCS_ERANGE);
    assert_int_equal(ternary_pack(NULL, 4, p), LPCS_EINVAL);
    assert_int_equal(ternary_pack(w, 4, NULL), LPCS_EINVAL);
    uint8_t bad = 0x02; /* code 0b10 at weight 0 */
    int8_t out[4];
    assert_int_equal(ternary_unpack(&bad, 4, out), LPCS_EFORMAT);
    bad = 0x80; /* 0b10 in weight 3 */
    assert_int_equal(ternary_unpack(&bad, 4, out), LPCS_EFORMAT);
    assert_int_equal(ternary_unpack(&bad, 3, out), LPCS_OK); /* ... which is padding for n = 3 */
    assert_int_equal(ternary_unpack(NULL, 3, out), LPCS_EINVAL);
}

/* ---- GEMV / GEMM -------------------------------------------------------- */

static void check_gemv(const uint8_t *p, size_t rows, size_t cols, const int8_t *x) {
    int32_t *y = malloc(rows * sizeof *y);
    assert_non_null(y);
    assert_int_equal(ternary_gemv_i32(p, rows, cols, x, y), LPCS_OK);
    size_t rb = ternary_row_bytes(cols);
    for (size_t r = 0; r < rows; r++) {
        int64_t want = oracle_dot(p + r * rb, cols, x);
        if (want != y[r]) fail_msg("row %zu cols %zu: got %d want %lld", r, cols, y[r], (long long)want);
    }
    free(y);
}

static void test_gemv_random(void **st) {
    (void)st;
    uint64_t s = 7;
    for (int trial = 0; trial < 300; trial++) {
        size_t rows = 1 + test_rand64(&s) % 9, cols = 1 + test_rand64(&s) % 130;
        size_t rb = ternary_row_bytes(cols);
        uint8_t *p = malloc(rows * rb);
        int8_t *x = malloc(cols), *w = malloc(rows * cols);
        for (size_t k = 0; k < rows * cols; k++) w[k] = rand_ternary(&s);
        for (size_t k = 0; k < cols; k++) x[k] = (int8_t)(test_rand64(&s) & 0xff);
        assert_int_equal(ternary_pack_matrix(w, rows, cols, p), LPCS_OK);
        check_gemv(p, rows, cols, x);
        free(p), free(x), free(w);
    }
}

static void test_gemv_edges(void **st) {
    (void)st;
    const size_t colss[] = {1, 3, 4, 5, 7, 64, 255, 1023, 4099};
    for (size_t ci = 0; ci < sizeof colss / sizeof *colss; ci++) {
        size_t cols = colss[ci], rb = ternary_row_bytes(cols);
        /* rows: all 0, all +1, all -1, alternating */
        uint8_t *p = calloc(4 * rb, 1);
        int8_t *w = malloc(4 * cols), *x = malloc(cols);
        for (size_t k = 0; k < cols; k++) {
            w[k] = 0, w[cols + k] = 1, w[2 * cols + k] = -1, w[3 * cols + k] = (int8_t)(k % 2 ? -1 : 1);
        }
        assert_int_equal(ternary_pack_matrix(w, 4, cols, p), LPCS_OK);
        const int fills[] = {0, 127, -128, 1, -1};
        for (int fi = 0; fi < 5; fi++) {
            memset(x, fills[fi], cols);
            check_gemv(p, 4, cols, x);
        }
        for (size_t k = 0; k < cols; k++) x[k] = (int8_t)(k % 2 ? -128 : 127);
        check_gemv(p, 4, cols, x);
        int32_t y[4];
        memset(x, -128, cols);
        assert_int_equal(ternary_gemv_i32(p, 4, cols, x, y), LPCS_OK);
        assert_int_equal(y[0], 0);
        assert_int_equal(y[1], -128 * (int32_t)cols);
        assert_int_equal(y[2], 128 * (int32_t)cols);
        free(p), free(w), free(x);
    }
}

static void test_gemm_matches_gemv(void **st) {
    (void)st;
    uint64_t s = 11;
    size_t rows = 13, cols = 37, ntok = 5, rb = ternary_row_bytes(cols);
    int8_t w[13 * 37], x[5 * 37];
    uint8_t p[13 * 10];
    int32_t y[5 * 13];
    for (size_t k = 0; k < rows * cols; k++) w[k] = rand_ternary(&s);
    for (size_t k = 0; k < ntok * cols; k++) x[k] = (int8_t)(test_rand64(&s) & 0xff);
    assert_int_equal(ternary_pack_matrix(w, rows, cols, p), LPCS_OK);
    assert_int_equal(ternary_gemm_i32(p, rows, cols, x, ntok, y), LPCS_OK);
    for (size_t t = 0; t < ntok; t++)
        for (size_t r = 0; r < rows; r++) assert_int_equal(y[t * rows + r], oracle_dot(p + r * rb, cols, x + t * cols));
}

static void test_gemv_bad_input(void **st) {
    (void)st;
    uint8_t p[2] = {0x01, 0x00};
    int8_t x[5] = {1, 2, 3, 4, 5};
    int32_t y[1];
    assert_int_equal(ternary_gemv_i32(NULL, 1, 5, x, y), LPCS_EINVAL);
    assert_int_equal(ternary_gemv_i32(p, 1, 5, NULL, y), LPCS_EINVAL);
    assert_int_equal(ternary_gemv_i32(p, 1, 5, x, NULL), LPCS_EINVAL);
    assert_int_equal(ternary_gemv_i32(p, 1, 0, x, y), LPCS_ERANGE);
    assert_int_equal(ternary_gemv_i32(p, 0, 5, x, y), LPCS_ERANGE);
    assert_int_equal(ternary_gemv_i32(p, 1, TERNARY_MAX_COLS + 1, x, y), LPCS_ERANGE);
    p[1] = 0x02; /* weight 4 has code 0b10 */
    assert_int_equal(ternary_gemv_i32(p, 1, 5, x, y), LPCS_EFORMAT);
    p[1] = 0x08; /* 0b10 in padding only: ignored */
    assert_int_equal(ternary_gemv_i32(p, 1, 5, x, y), LPCS_OK);
    assert_int_equal(y[0], 1);
}

/* ---- quantizers -------------------------------------------------------- */

static void test_round_half_even(void **st) {
    (void)st;
    const float in[] = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 0.49999997f, 0.50000006f, 126.5f, -127.5f,
                        8388607.5f, 8388608.0f, 1e30f, -3.0f, 0.0f};
    for (size_t k = 0; k < sizeof in / sizeof *in; k++) {
        float got = ternary_round_half_even(in[k]), want = oracle_rne(in[k]);
        assert_true(got == want);
    }
    /* sign of zero for -0.5 is irrelevant to the int8 code; value is 0 */
    assert_true(ternary_round_half_even(-0.5f) == 0.0f);
}

static void test_act_quant_ties(void **st) {
    (void)st;
    /* amax = 127 -> scale = 127/127 = 1 exactly, so x*scale = x: exact ties */
    const float x[] = {127.0f, 0.5f, 1.5f, 2.5f, -0.5f, -2.5f, 126.5f, -126.5f, -127.0f, 3.4999998f};
    const int8_t want[] = {127, 0, 2, 2, 0, -2, 126, -126, -127, 3};
    int8_t q[10];
    float s;
    assert_int_equal(act_quant_absmax_i8(x, 10, q, &s), LPCS_OK);
    assert_true(s == 1.0f);
    assert_memory_equal(q, want, 10);
}

static void test_act_quant_zero_and_tiny(void **st) {
    (void)st;
    float x[7] = {0};
    int8_t q[7];
    float s;
    assert_int_equal(act_quant_absmax_i8(x, 7, q, &s), LPCS_OK);
    assert_true(s == 127.0f / 1e-5f);
    for (int k = 0; k < 7; k++) assert_int_equal(q[k], 0);
    /* below the clamp: scale still 127/1e-5, codes small */
    x[0] = 1e-6f, x[1] = -5e-6f;
    assert_int_equal(act_quant_absmax_i8(x, 7, q, &s), LPCS_OK);
    assert_true(s == 127.0f / 1e-5f);
    assert_int_equal(q[0], (int8_t)oracle_rne(1e-6f * s));
    assert_int_equal(q[1], (int8_t)oracle_rne(-5e-6f * s));
}

static void test_act_quant_nonfinite(void **st) {
    (void)st;
    float x[3] = {1.0f, NAN, 2.0f};
    int8_t q[3] = {9, 9, 9};
    float s = 5;
    assert_int_equal(act_quant_absmax_i8(x, 3, q, &s), LPCS_ERANGE);
    assert_true(q[0] == 0 && q[1] == 0 && q[2] == 0 && s == 0.0f);
    x[1] = -INFINITY;
    assert_int_equal(act_quant_absmax_i8(x, 3, q, &s), LPCS_ERANGE);
    assert_int_equal(act_quant_absmax_i8(NULL, 3, q, &s), LPCS_EINVAL);
    assert_int_equal(act_quant_absmax_i8(x, 0, q, &s), LPCS_EINVAL);
}

static float rand_float(uint64_t *s, float range) {
    return (float)((double)(test_rand64(s) >> 11) * 0x1p-53 * 2.0 - 1.0) * range;
}

static void test_act_quant_random(void **st) {
    (void)st;
    uint64_t s = 3;
    for (int trial = 0; trial < 200; trial++) {
        size_t n = 1 + test_rand64(&s) % 300;
        float x[300], scale, range = ldexpf(1.0f, (int)(test_rand64(&s) % 40) - 20);
        int8_t q[300];
        for (size_t k = 0; k < n; k++) x[k] = rand_float(&s, range);
        assert_int_equal(act_quant_absmax_i8(x, n, q, &scale), LPCS_OK);
        double amax = 0;
        for (size_t k = 0; k < n; k++) amax = fmax(amax, fabs((double)x[k]));
        float want_s = (float)(127.0 / fmax(amax, (double)1e-5f)); /* double quotient rounded once = fp32 division */
        assert_true(scale == want_s);
        for (size_t k = 0; k < n; k++) {
            double v = rint((double)(float)((double)x[k] * (double)want_s));
            v = v > 127 ? 127 : (v < -128 ? -128 : v);
            assert_int_equal(q[k], (int)v);
        }
    }
}

/* Fixed-point quantizer: double rint is an exact oracle here (127*x is exact
 * and a non-tie quotient is >= 1/(2*amax) away from a tie, far above double's error). */
static void check_fixed(const int32_t *x, size_t n) {
    int8_t q[300];
    uint32_t amax;
    assert_int_equal(act_quant_absmax_fixed_i8(x, n, q, &amax), LPCS_OK);
    double m = 0;
    for (size_t k = 0; k < n; k++) m = fmax(m, fabs((double)x[k]));
    assert_true((double)amax == m);
    for (size_t k = 0; k < n; k++) assert_int_equal(q[k], m == 0 ? 0 : (int)rint(127.0 * x[k] / m));
}

static void test_act_quant_fixed(void **st) {
    (void)st;
    const int32_t ties[] = {254, 1, 3, 5, -1, -3, 2, 0};      /* 127*x/254 = x/2: 0.5, 1.5, 2.5 ... */
    int8_t q[8];
    uint32_t amax;
    assert_int_equal(act_quant_absmax_fixed_i8(ties, 8, q, &amax), LPCS_OK);
    const int8_t want[8] = {127, 0, 2, 2, 0, -2, 1, 0};
    assert_memory_equal(q, want, 8);
    check_fixed(ties, 8);
    const int32_t ext[] = {INT32_MIN, INT32_MAX, -1, 1, 0, INT32_MIN / 2};
    check_fixed(ext, 6);
    assert_int_equal(act_quant_absmax_fixed_i8(ext, 6, q, &amax), LPCS_OK);
    assert_int_equal(amax, 2147483648u);
    assert_int_equal(q[0], -127);
    const int32_t zeros[4] = {0};
    check_fixed(zeros, 4);
    uint64_t s = 9;
    for (int trial = 0; trial < 300; trial++) {
        int32_t x[300];
        size_t n = 1 + test_rand64(&s) % 300;
        int bits = 1 + (int)(test_rand64(&s) % 32);
        for (size_t k = 0; k < n; k++) x[k] = (int32_t)((int64_t)test_rand64(&s) >> (64 - bits));
        check_fixed(x, n);
    }
    assert_int_equal(act_quant_absmax_fixed_i8(NULL, 3, q, &amax), LPCS_EINVAL);
}

static void test_absmean_hand(void **st) {
    (void)st;
    /* mean |w| = 8/8 = 1 -> inv = 1: ties at +-0.5 go to 0, 1.5 -> 2 -> clamp 1 */
    const float w[8] = {2.0f, -1.5f, 0.5f, 0.0f, 1.5f, -0.5f, 0.5f, -1.5f};
    const int8_t want[8] = {1, -1, 0, 0, 1, 0, 0, -1};
    int8_t q[8];
    float beta;
    assert_int_equal(ternary_absmean_quantize(w, 8, q, &beta), LPCS_OK);
    assert_true(beta == 1.0f);
    assert_memory_equal(q, want, 8);
    /* all zeros: beta clamps to 1e-5, every code 0 */
    const float z[5] = {0};
    assert_int_equal(ternary_absmean_quantize(z, 5, q, &beta), LPCS_OK);
    assert_true(beta == 1e-5f);
    for (int k = 0; k < 5; k++) assert_int_equal(q[k], 0);
    /* a tie that the fp32 reciprocal creates: mean = 3 -> inv = fl(1/3); 1.5*inv rounds below .5 */
    const float t[3] = {3.0f, -4.5f, 1.5f};
    assert_int_equal(ternary_absmean_quantize(t, 3, q, &beta), LPCS_OK);
    assert_true(beta == 3.0f);
    assert_int_equal(q[2], (int8_t)oracle_rne(1.5f * (1.0f / 3.0f)));
    float bad[2] = {1.0f, NAN};
    assert_int_equal(ternary_absmean_quantize(bad, 2, q, &beta), LPCS_ERANGE);
    assert_int_equal(ternary_absmean_quantize(NULL, 2, q, &beta), LPCS_EINVAL);
}

static void test_absmean_random(void **st) {
    (void)st;
    uint64_t s = 5;
    for (int trial = 0; trial < 100; trial++) {
        size_t n = 1 + test_rand64(&s) % 2000;
        float *w = malloc(n * sizeof *w), beta;
        int8_t *q = malloc(n);
        for (size_t k = 0; k < n; k++) w[k] = rand_float(&s, 0.05f);
        assert_int_equal(ternary_absmean_quantize(w, n, q, &beta), LPCS_OK);
        long double sum = 0; /* plain sequential long double sum: a different order and precision */
        for (size_t k = 0; k < n; k++) sum += fabsl((long double)w[k]);
        float mean = (float)(double)(sum / (long double)n);
        float want_beta = mean > 1e-5f ? mean : 1e-5f;
        assert_true(beta == want_beta);
        float inv = (float)(1.0 / (double)want_beta);
        for (size_t k = 0; k < n; k++) {
            double v = rint((double)(float)((double)w[k] * (double)inv));
            assert_int_equal(q[k], v > 1 ? 1 : (v < -1 ? -1 : (int)v));
        }
        free(w), free(q);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pack_layout),       cmocka_unit_test(test_pack_roundtrip),
        cmocka_unit_test(test_pack_bad_input),    cmocka_unit_test(test_gemv_random),
        cmocka_unit_test(test_gemv_edges),        cmocka_unit_test(test_gemm_matches_gemv),
        cmocka_unit_test(test_gemv_bad_input),    cmocka_unit_test(test_round_half_even),
        cmocka_unit_test(test_act_quant_ties),    cmocka_unit_test(test_act_quant_zero_and_tiny),
        cmocka_unit_test(test_act_quant_nonfinite), cmocka_unit_test(test_act_quant_random),
        cmocka_unit_test(test_act_quant_fixed),   cmocka_unit_test(test_absmean_hand),      cmocka_unit_test(test_absmean_random),
    };
    return cmocka_run_group_tests_name("ternary", tests, NULL, NULL);
}
