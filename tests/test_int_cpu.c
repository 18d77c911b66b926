/* golden/intdot and sw_runtime/kernels/int_cpu.
 * 1. golden intdot_gemv against a sum written here in int64 from the
 *    contract (codes, scales, the activation rule spelt out).
 * 2. every kernel variant this CPU runs (portable always) against golden
 *    intdot, bit for bit: bits 8, 4 and 2..7, columns with and without a
 *    64-column tail, 1-5 tokens, random row splits (what threads do),
 *    extreme codes (all +-qmax: the largest sums, VNNI's offset and AVX2's
 *    saturation limits) and non-finite activations. Missing variants are
 *    reported as skipped. */
#include <math.h>
#include <stdlib.h>

#include "intdot.h"
#include "intq.h"
#include "status.h"
#include "kernels/int_cpu.h"
#include "test_util.h"

static uint32_t rs = 0x2545f491u;
static uint32_t rnd32(void) {
    rs ^= rs << 13, rs ^= rs >> 17, rs ^= rs << 5;
    return rs;
}
static float rndf(void) { return ((float)(rnd32() >> 8) / 8388608.0f - 1.0f) * (float)(1u << (rnd32() & 7)); }

static uint32_t bits(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

/* Test-side rule: absmax of the finite values, scale = absmax / 127,
 * code = round-half-even(x / scale) clamped, NaN -> 0. */
static void oracle_act(const float *x, size_t n, int8_t *q, float *sa) {
    float m = 0.0f;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]) && fabsf(x[i]) > m) m = fabsf(x[i]);
    *sa = m / 127.0f;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]) || !(*sa > 0.0f)) {
            q[i] = 0;
            continue;
        }
        double t = nearbyint((double)(x[i] / *sa)); /* default rounding: to nearest even */
        q[i] = (int8_t)(t > 127 ? 127 : t < -127 ? -127 : t);
    }
}

static void test_golden_vs_oracle(void **state) {
    (void)state;
    enum { R = 9, C = 1000 };
    static int8_t W[R * C], a[C], qa[C];
    static float x[C], sw[R], y[R];
    size_t compared = 0;
    for (int rep = 0; rep < 40; rep++) {
        size_t cols = 1 + rnd32() % C;
        for (size_t i = 0; i < R * cols; i++) W[i] = (int8_t)((int)(rnd32() % 255) - 127);
        if (rep == 0) memset(W, 127, sizeof W); /* the largest sums */
        for (size_t r = 0; r < R; r++) sw[r] = rndf();
        for (size_t i = 0; i < cols; i++) x[i] = rndf();
        if (rep == 1) x[0] = NAN, x[cols / 2] = INFINITY;
        assert_int_equal(intdot_gemv(W, sw, R, cols, x, a, y), 0);
        float sa;
        oracle_act(x, cols, qa, &sa);
        assert_memory_equal(a, qa, cols);
        for (size_t r = 0; r < R; r++, compared++) {
            int64_t acc = 0;
            for (size_t k = 0; k < cols; k++) acc += (int64_t)W[r * cols + k] * qa[k];
            float want = (float)(double)acc * (sa * sw[r]); /* |acc| < 2^31: (float)(double) is one RNE */
            assert_true(bits(y[r]) == bits(want));
        }
    }
    assert_int_equal(intdot_gemv(W, sw, 1, INTDOT_MAX_COLS + 1, x, a, y), LPCS_EINVAL);
    assert_true(compared >= 40 * R);
}

static void test_kernels_vs_golden(void **state) {
    (void)state;
    enum { MAXR = 37, MAXC = 700, MAXT = 5 };
    static int8_t codes[MAXR * MAXC], A[MAXT * (MAXC + 256)], a1[MAXC];
    static float X[MAXT * MAXC], sw[MAXR], sa[MAXT], Y[MAXT * MAXR], ygold[MAXR];
    static int32_t qsum[MAXT];
    const size_t colsv[] = {1, 3, 31, 32, 63, 64, 65, 127, 128, 200, 256, 300, 640, 700};
    const int bitsv[] = {8, 4, 2, 3, 5, 6, 7};
    size_t compared = 0;
    int ran[KI_COUNT] = {0};
    for (int v = 0; v < KI_COUNT; v++) {
        if (!ki_supported((ki_variant)v)) {
            printf("SKIP: %s variant (this CPU lacks it)\n", ki_name((ki_variant)v));
            continue;
        }
        for (size_t bi = 0; bi < sizeof bitsv / sizeof *bitsv; bi++)
            for (size_t ci = 0; ci < sizeof colsv / sizeof *colsv; ci++) {
                int b = bitsv[bi], qmax = intq_qmax(b);
                size_t cols = colsv[ci], rows = 1 + rnd32() % MAXR, T = 1 + rnd32() % MAXT;
                int extreme = ci % 3 == 0;
                for (size_t i = 0; i < rows * cols; i++)
                    codes[i] = (int8_t)(extreme ? (rnd32() & 1 ? qmax : -qmax) : (int)(rnd32() % (2u * (unsigned)qmax + 1)) - qmax);
                for (size_t r = 0; r < rows; r++) sw[r] = rndf();
                for (size_t i = 0; i < T * cols; i++) X[i] = extreme ? (rnd32() & 1 ? 3.0f : -3.0f) : rndf();
                if (ci % 3 == 1) /* absmax 127: scale 1, every other value a rounding tie */
                    for (size_t i = 0; i < T * cols; i++) X[i] = i % cols == 0 ? 127.0f : (float)((int)(rnd32() % 254) - 127) + 0.5f;
                if (ci == 4) X[1 % cols] = NAN, X[0] = -INFINITY;
                ki_matrix m;
                assert_int_equal(ki_matrix_init(&m, b, codes, sw, rows, cols), 0);
                for (size_t t = 0; t < T; t++) ki_quantize_act((ki_variant)v, X + t * cols, cols, m.kpad, A + t * m.kpad, &sa[t], &qsum[t]);
                for (size_t r0 = 0; r0 < rows;) {
                    size_t r1 = r0 + 1 + rnd32() % 9;
                    if (r1 > rows) r1 = rows;
                    ki_gemm((ki_variant)v, &m, Y, MAXR, A, sa, qsum, T, r0, r1);
                    r0 = r1;
                }
                for (size_t t = 0; t < T; t++) {
                    assert_int_equal(intdot_gemv(codes, sw, rows, cols, X + t * cols, a1, ygold), 0);
                    float sgold;
                    assert_int_equal(intq_quantize_tensor(8, X + t * cols, cols, a1, &sgold), 0);
                    assert_memory_equal(A + t * m.kpad, a1, cols); /* the kernel's activation codes */
                    assert_true(bits(sa[t]) == bits(sgold));
                    for (size_t r = 0; r < rows; r++, compared++)
                        if (bits(Y[t * MAXR + r]) != bits(ygold[r]))
                            fail_msg("%s bits %d rows %zu cols %zu T %zu: y[%zu][%zu] %a != golden %a", ki_name((ki_variant)v), b,
                                     rows, cols, T, t, r, (double)Y[t * MAXR + r], (double)ygold[r]);
                }
                ki_matrix_free(&m);
            }
        ran[v] = 1;
    }
    printf("int_cpu: %zu outputs compared with golden intdot (portable%s%s)\n", compared, ran[KI_AVX2] ? ", avx2" : "",
           ran[KI_AVX512VNNI] ? ", avx512vnni" : "");
    assert_true(ran[KI_PORTABLE] && compared > 2000);
}

/* Raw sums (the ternary unit's path): any int8 activations, -128 included,
 * against an int64 sum here; every weight width. */
static void test_i32_full_range(void **state) {
    (void)state;
    enum { MAXR = 21, MAXC = 520, MAXT = 3 };
    static int8_t codes[MAXR * MAXC], x[MAXT * MAXC], A[MAXT * (MAXC + 256)];
    static int32_t Y[MAXT * MAXR], qsum[MAXT];
    size_t compared = 0;
    for (int v = 0; v < KI_COUNT; v++) {
        if (!ki_supported((ki_variant)v)) continue;
        for (int b = 2; b <= 8; b++)
            for (size_t cols = 1; cols <= MAXC; cols += 37) {
                int qmax = intq_qmax(b);
                size_t rows = 1 + rnd32() % MAXR, T = 1 + rnd32() % MAXT;
                int extreme = cols % 2 == 0; /* every code at +-qmax, every activation -128 */
                for (size_t i = 0; i < rows * cols; i++)
                    codes[i] = (int8_t)(extreme ? -qmax : (int)(rnd32() % (2u * (unsigned)qmax + 1)) - qmax);
                for (size_t i = 0; i < T * cols; i++) x[i] = (int8_t)(extreme ? -128 : (int)(rnd32() & 255) - 128);
                ki_matrix m;
                assert_int_equal(ki_matrix_init(&m, b, codes, NULL, rows, cols), 0);
                for (size_t t = 0; t < T; t++) ki_pad_act(x + t * cols, cols, m.kpad, A + t * m.kpad, &qsum[t]);
                ki_gemm_i32((ki_variant)v, &m, Y, MAXR, A, qsum, T, 0, rows);
                for (size_t t = 0; t < T; t++)
                    for (size_t r = 0; r < rows; r++, compared++) {
                        int64_t want = 0;
                        for (size_t k = 0; k < cols; k++) want += (int64_t)codes[r * cols + k] * x[t * cols + k];
                        if (Y[t * MAXR + r] != want)
                            fail_msg("%s bits %d cols %zu: y[%zu][%zu] %d != %lld", ki_name((ki_variant)v), b, cols, t, r,
                                     Y[t * MAXR + r], (long long)want);
                    }
                ki_matrix_free(&m);
            }
    }
    assert_true(compared > 1000);
}

static void test_bad_codes(void **state) {
    (void)state;
    int8_t c[2] = {8, 0};
    float s[1] = {1.0f};
    ki_matrix m;
    assert_int_equal(ki_matrix_init(&m, 4, c, s, 1, 2), LPCS_EINVAL); /* 8 is outside int4's +-7 */
    assert_int_equal(ki_matrix_init(&m, 9, c, s, 1, 2), LPCS_EINVAL);
    c[0] = 7;
    assert_int_equal(ki_matrix_init(&m, 4, c, s, 1, 2), 0);
    ki_matrix_free(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_vs_oracle),
        cmocka_unit_test(test_kernels_vs_golden),
        cmocka_unit_test(test_i32_full_range),
        cmocka_unit_test(test_bad_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
