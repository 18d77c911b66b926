/* sw_runtime/kernels/fp_cpu: every ISA variant this machine runs (the
 * portable one always) against golden's lpcs_dot_f32 on exactly widened
 * weights, bit for bit, over shapes with and without a 16-column tail, 1-7
 * tokens, and arbitrary row splits (what threads do). Variants the CPU lacks
 * are reported as skipped. */
#include <math.h>

#include "fmath.h"
#include "kernels/fp_cpu.h"
#include "test_util.h"

static uint32_t rs = 0x9e3779b9u;
static uint32_t rnd32(void) {
    rs ^= rs << 13, rs ^= rs >> 17, rs ^= rs << 5;
    return rs;
}
static float rndf(void) { return ((float)(rnd32() >> 8) / 8388608.0f - 1.0f) * (float)(1u << (rnd32() & 7)); }

/* Test-side widening, written from the format definitions. */
static float widen(kn_wtype wt, const void *W, size_t i) {
    if (wt == KN_W_F32) return ((const float *)W)[i];
    uint16_t h = ((const uint16_t *)W)[i];
    if (wt == KN_W_BF16) {
        uint32_t u = (uint32_t)h << 16;
        float f;
        memcpy(&f, &u, 4);
        return f;
    }
    int e = (h >> 10) & 31, m = h & 1023;
    float mag = e == 0 ? ldexpf((float)m, -24) : ldexpf((float)(m | 1024), e - 25);
    return (h & 0x8000) ? -mag : mag;
}

static uint32_t bits(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static void test_gemm_all_isas(void **state) {
    (void)state;
    enum { MAXR = 41, MAXC = 300, MAXT = 7 };
    static float Wf[MAXR * MAXC], Wwide[MAXR * MAXC], X[MAXT * MAXC], Y[MAXT * MAXR];
    static uint16_t Wh[MAXR * MAXC];
    size_t compared = 0;
    int ran[KN_ISA_COUNT] = {0};
    const size_t colsv[] = {1, 5, 16, 17, 31, 32, 48, 63, 64, 100, 288, 300};
    for (int isa = 0; isa < KN_ISA_COUNT; isa++) {
        if (!kn_isa_supported((kn_isa)isa)) {
            printf("SKIP: %s variant (this CPU lacks it)\n", kn_isa_name((kn_isa)isa));
            continue;
        }
        for (int wt = 0; wt < 3; wt++)
            for (size_t ci = 0; ci < sizeof colsv / sizeof *colsv; ci++) {
                size_t cols = colsv[ci], rows = 1 + rnd32() % MAXR, T = 1 + rnd32() % MAXT;
                const void *W = Wf;
                for (size_t i = 0; i < rows * cols; i++) {
                    Wf[i] = rndf();
                    Wh[i] = (uint16_t)(rnd32() & 0xffff);
                    if (wt == KN_W_F16 && ((Wh[i] >> 10) & 31) == 31) Wh[i] &= 0xbfff; /* no inf/NaN */
                    if (wt == KN_W_BF16 && ((Wh[i] >> 7) & 255) > 140) Wh[i] &= 0xc07f;
                }
                if (wt != KN_W_F32) W = Wh;
                for (size_t i = 0; i < rows * cols; i++) Wwide[i] = widen((kn_wtype)wt, W, i);
                for (size_t i = 0; i < T * cols; i++) X[i] = rndf();
                /* rows in random chunks, as threads split them */
                for (size_t r0 = 0; r0 < rows;) {
                    size_t r1 = r0 + 1 + rnd32() % 9;
                    if (r1 > rows) r1 = rows;
                    kn_gemm((kn_isa)isa, (kn_wtype)wt, Y, MAXR, W, cols, X, cols, T, r0, r1, cols);
                    r0 = r1;
                }
                for (size_t t = 0; t < T; t++)
                    for (size_t r = 0; r < rows; r++) {
                        float want = lpcs_dot_f32(Wwide + r * cols, X + t * cols, cols);
                        if (bits(Y[t * MAXR + r]) != bits(want))
                            fail_msg("%s w%d rows %zu cols %zu T %zu: y[%zu][%zu] %a != golden %a", kn_isa_name((kn_isa)isa),
                                     wt, rows, cols, T, t, r, (double)Y[t * MAXR + r], (double)want);
                        compared++;
                    }
                assert_true(bits(kn_dot_f32((kn_isa)isa, Wwide, X, cols)) == bits(lpcs_dot_f32(Wwide, X, cols)));
            }
        ran[isa] = 1;
    }
    printf("fp_cpu: %zu outputs compared with golden (portable%s%s)\n", compared, ran[1] ? ", avx2" : "",
           ran[2] ? ", avx512" : "");
    assert_true(ran[KN_ISA_PORTABLE] && compared >= 3 * 12 * 1);
    assert_true(compared > 1000);
}

static void test_axpy_all_isas(void **state) {
    (void)state;
    float o[37], o0[37], v[37];
    size_t compared = 0;
    for (int isa = 0; isa < KN_ISA_COUNT; isa++) {
        if (!kn_isa_supported((kn_isa)isa)) continue;
        for (size_t n = 0; n <= 37; n++) {
            for (size_t i = 0; i < n; i++) o[i] = o0[i] = rndf(), v[i] = rndf();
            float a = rndf();
            kn_axpy_fma((kn_isa)isa, o, a, v, n);
            for (size_t i = 0; i < n; i++, compared++) assert_true(bits(o[i]) == bits(fmaf(a, v[i], o0[i])));
        }
    }
    assert_true(compared >= 37 * 19);
}

/* Attention pieces: the AV update, the softmax numerator and SwiGLU against
 * loops written here from the contract (fmaf in ascending t; golden's exp). */
static void test_attention_pieces_all_isas(void **state) {
    (void)state;
    enum { MAXT = 70, N = 53, LDV = 61 };
    static float V[MAXT * LDV], att[MAXT], out[N], x[MAXT], x0[MAXT], a[N], b[N], o2[N];
    size_t compared = 0;
    for (int isa = 0; isa < KN_ISA_COUNT; isa++) {
        if (!kn_isa_supported((kn_isa)isa)) continue;
        for (size_t T = 1; T <= MAXT; T += 3) {
            for (size_t i = 0; i < T * LDV; i++) V[i] = rndf();
            for (size_t t = 0; t < T; t++) att[t] = (float)(rnd32() >> 8) / 16777216.0f;
            for (size_t n = 1; n <= N; n += 13) {
                kn_attn_av((kn_isa)isa, out, att, V, LDV, T, n);
                for (size_t i = 0; i < n; i++, compared++) {
                    float want = 0.0f;
                    for (size_t t = 0; t < T; t++) want = fmaf(att[t], V[t * LDV + i], want);
                    assert_true(bits(out[i]) == bits(want));
                }
            }
            for (size_t t = 0; t < T; t++) x[t] = x0[t] = rndf() * 4.0f;
            float m = x0[0], sum = 0.0f, got = kn_exp_shift_sum((kn_isa)isa, x, T, m);
            for (size_t t = 0; t < T; t++, compared++) {
                float e = lpcs_expf(x0[t] - m);
                assert_true(bits(x[t]) == bits(e));
                sum += e;
            }
            assert_true(bits(got) == bits(sum));
        }
        for (size_t i = 0; i < N; i++) a[i] = rndf() * 8.0f, b[i] = rndf();
        a[0] = -100.0f, a[1] = 100.0f, a[2] = 0.0f;
        kn_swiglu((kn_isa)isa, o2, a, b, N);
        for (size_t i = 0; i < N; i++, compared++)
            assert_true(bits(o2[i]) == bits((a[i] * (1.0f / (1.0f + lpcs_expf(-a[i])))) * b[i]));
    }
    assert_true(compared >= 24 * (5 * 53 / 2));
}

/* golden's exp through the vector kernels on the inputs that take its
 * special branches: NaN, +-inf, overflow and underflow thresholds and their
 * neighbours, the k > 127 and k < -126 scalings (subnormal results), zeros,
 * and random bit patterns; softmax numerator (m = 0) and SwiGLU; the
 * division kernel on the same values. */
static float nextf(float f, int up) { return nextafterf(f, up ? INFINITY : -INFINITY); }

/* NaN payloads of a product of two NaNs depend on the operand order the
 * compiler picked (x86 keeps the first): any NaN equals any NaN here. */
static int same_or_both_nan(float a, float b) { return bits(a) == bits(b) || (a != a && b != b); }

static void test_exp_special_all_isas(void **state) {
    (void)state;
    enum { N = 4096 + 13 };
    static float x[N], x0[N], o[N], b[N];
    const float edges[] = {NAN, -NAN, INFINITY, -INFINITY, 0.0f, -0.0f, 88.72283172607421875f, -103.972076416015625f,
                           88.0f, 88.5f, 87.5f, 88.3762626647949f, -87.33654f, -87.0f, -88.0f, -95.0f, -100.0f, -103.0f,
                           1e-30f, -1e-30f, 0x1p-149f, 3.0e38f, -3.0e38f, 0.34657359f, -0.34657359f, 1.0f, -1.0f};
    size_t ne = sizeof edges / sizeof *edges, n = 0;
    for (size_t i = 0; i < ne; i++) {
        x0[n++] = edges[i];
        if (edges[i] == edges[i] && !isinf(edges[i]) && edges[i] != 0.0f) x0[n++] = nextf(edges[i], 1), x0[n++] = nextf(edges[i], 0);
    }
    while (n < N) { /* random bit patterns, then uniform over the range where exp is finite and nonzero */
        uint32_t u = rnd32();
        float f;
        memcpy(&f, &u, 4);
        x0[n] = (n & 1) ? f : -104.0f + 193.0f * (float)(rnd32() >> 8) / 16777216.0f;
        n++;
    }
    size_t compared = 0;
    for (int isa = 0; isa < KN_ISA_COUNT; isa++) {
        if (!kn_isa_supported((kn_isa)isa)) continue;
        for (size_t len = 1; len <= N; len = len * 3 + 1) { /* lengths with and without a partial vector */
            memcpy(x, x0, len * sizeof *x);
            (void)kn_exp_shift_sum((kn_isa)isa, x, len, 0.0f);
            for (size_t i = 0; i < len; i++, compared++)
                if (bits(x[i]) != bits(lpcs_expf(x0[i] - 0.0f)))
                    fail_msg("%s: exp(%a) = %a, golden %a", kn_isa_name((kn_isa)isa), (double)x0[i], (double)x[i],
                             (double)lpcs_expf(x0[i]));
            for (size_t i = 0; i < len; i++) b[i] = x0[(i * 7 + 3) % N];
            kn_swiglu((kn_isa)isa, o, x0, b, len);
            for (size_t i = 0; i < len; i++, compared++) {
                float want = (x0[i] * (1.0f / (1.0f + lpcs_expf(-x0[i])))) * b[i];
                if (!same_or_both_nan(o[i], want))
                    fail_msg("%s: swiglu(%a, %a) = %a, golden %a", kn_isa_name((kn_isa)isa), (double)x0[i], (double)b[i],
                             (double)o[i], (double)want);
            }
            memcpy(x, x0, len * sizeof *x);
            kn_div_scalar((kn_isa)isa, x, len, b[0]);
            for (size_t i = 0; i < len; i++, compared++) assert_true(bits(x[i]) == bits(x0[i] / b[0]));
        }
    }
    printf("fp_cpu: %zu exp/swiglu/div results compared with golden\n", compared);
    assert_true(compared >= 3 * 4096);
}

/* A strided weight matrix (attention over the KV cache) gives the same bits
 * as the packed one. */
static void test_gemm_strided(void **state) {
    (void)state;
    enum { R = 19, C = 48, LD = 100 };
    static float Wp[R * C], Ws[R * LD], x[C], y1[R], y2[R];
    for (size_t r = 0; r < R; r++)
        for (size_t c = 0; c < C; c++) Wp[r * C + c] = Ws[r * LD + c] = rndf();
    for (size_t c = 0; c < C; c++) x[c] = rndf();
    for (int isa = 0; isa < KN_ISA_COUNT; isa++) {
        if (!kn_isa_supported((kn_isa)isa)) continue;
        kn_gemm((kn_isa)isa, KN_W_F32, y1, R, Wp, C, x, C, 1, 0, R, C);
        kn_gemm((kn_isa)isa, KN_W_F32, y2, R, Ws, LD, x, C, 1, 0, R, C);
        for (size_t r = 0; r < R; r++) {
            assert_true(bits(y1[r]) == bits(y2[r]));
            assert_true(bits(y1[r]) == bits(lpcs_dot_f32(x, Wp + r * C, C)));
        }
    }
}

static void test_isa_names(void **state) {
    (void)state;
    assert_int_equal(kn_isa_parse("portable"), KN_ISA_PORTABLE);
    assert_int_equal(kn_isa_parse("avx512"), KN_ISA_AVX512);
    assert_int_equal(kn_isa_parse("auto"), (int)kn_isa_best());
    assert_int_equal(kn_isa_parse("sse9"), -1);
    assert_true(kn_isa_supported(kn_isa_best()));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_isa_names),
        cmocka_unit_test(test_gemm_all_isas),
        cmocka_unit_test(test_axpy_all_isas),
        cmocka_unit_test(test_attention_pieces_all_isas),
        cmocka_unit_test(test_gemm_strided),
        cmocka_unit_test(test_exp_special_all_isas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
