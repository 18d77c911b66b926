/* golden/intq (symmetric INT2..INT8, ternary helper) and golden/qformat (the
 * runtime's quantization entry point). intq is checked against libm's
 * nearbyintf in the default rounding mode (an independent RNE); qformat
 * against the underlying modules, row by row. */
#include "test_util.h"
#include "intq.h"
#include "mx.h"
#include "qformat.h"
#include "posit.h"
#include "status.h"
#include "ternary.h"

#include <math.h>

static float u2f(uint32_t u) { float x; memcpy(&x, &u, 4); return x; }

static int8_t oracle_int(int bits, float x, float scale) {
    int qmax = (1 << (bits - 1)) - 1;
    if (isnan(x) || !(scale > 0)) return 0;
    float t = nearbyintf(x / scale);
    return (int8_t)(t > qmax ? qmax : t < -qmax ? -qmax : t);
}

static void test_intq_vs_oracle(void **state) {
    (void)state;
    uint64_t rng = 0x1a7, checked = 0;
    for (int bits = 2; bits <= 8; bits++)
        for (int i = 0; i < (1 << 17); i++) {
            uint64_t r = test_rand64(&rng);
            float scale = ldexpf(1.0f + (float)(r & 0xffff) / 65536.0f, (int)((r >> 16) % 40) - 20);
            float x;
            if (i & 1) x = u2f((uint32_t)(r >> 32));   /* any pattern, NaN/Inf included */
            else x = ((float)(int)((r >> 32) % 512) - 256.0f) / 2.0f * scale;   /* near ties */
            int8_t got = intq_quantize_one(bits, x, scale), want = oracle_int(bits, x, scale);
            if (got != want) fail_msg("int%d x=%a scale=%a: %d oracle %d", bits, (double)x, (double)scale, got, want);
            checked++;
        }
    printf("intq: %llu values checked against nearbyintf\n", (unsigned long long)checked);
}

static void test_intq_rules(void **state) {
    (void)state;
    assert_int_equal(intq_check_bits(1), LPCS_ERANGE);
    assert_int_equal(intq_check_bits(9), LPCS_ERANGE);
    assert_int_equal(intq_qmax(2), 1);
    assert_int_equal(intq_qmax(8), 127);
    assert_int_equal(intq_qmax(0), 0);
    /* per tensor: absmax 3.5 over finite values, int4: scale 0.5 */
    float x[6] = {1.25f, -3.5f, 0.75f, NAN, INFINITY, 0.25f}, y[6];
    int8_t q[6];
    float s;
    assert_int_equal(intq_quantize_tensor(4, x, 6, q, &s), 0);
    assert_true(s == 0.5f);
    int8_t want[6] = {2, -7, 2, 0, 7, 0};   /* 2.5 -> 2, 1.5 -> 2, 0.5 -> 0 (ties to even) */
    assert_memory_equal(q, want, 6);
    assert_int_equal(intq_dequantize(q, 6, s, y), 0);
    assert_true(y[1] == -3.5f && y[0] == 1.0f);
    /* all zeros: scale 0, q 0 */
    float z[3] = {0, -0.0f, 0};
    assert_int_equal(intq_quantize_tensor(8, z, 3, q, &s), 0);
    assert_true(s == 0.0f && q[0] == 0 && q[1] == 0);
    /* per row */
    float m[2][4] = {{1, 2, 3, 4}, {-8, 4, 2, 1}}, sc[2];
    int8_t qm[8];
    assert_int_equal(intq_quantize_rows(3, &m[0][0], 2, 4, qm, sc), 0);
    assert_true(sc[0] == 4.0f / 3.0f && sc[1] == 8.0f / 3.0f);
    assert_int_equal(qm[3], 3);
    assert_int_equal(qm[4], -3);
    float ym[8];
    assert_int_equal(intq_dequantize_rows(qm, 2, 4, sc, ym), 0);
    assert_true(ym[4] == -3 * sc[1]);
    /* ternary helper */
    float t[5] = {0.3f, -0.9f, 0.1f, 5.0f, -0.2f};
    int8_t qt[5], wt[5] = {1, -1, 0, 1, 0};
    assert_int_equal(intq_ternary_quantize(t, 5, 0.4f, qt), 0);
    assert_memory_equal(qt, wt, 5);
    /* bad input */
    assert_int_equal(intq_quantize(9, x, 6, 1.0f, q), LPCS_ERANGE);
    assert_int_equal(intq_quantize(4, NULL, 6, 1.0f, q), LPCS_EINVAL);
    assert_int_equal(intq_quantize(4, NULL, 0, 1.0f, NULL), LPCS_OK);
    assert_int_equal(intq_quantize_tensor(4, x, 6, q, NULL), LPCS_EINVAL);
    assert_int_equal(intq_quantize_rows(4, NULL, 2, 4, qm, sc), LPCS_EINVAL);
    assert_int_equal(intq_quantize_rows(4, NULL, 2, 0, NULL, sc), LPCS_OK);
    assert_true(sc[0] == 0.0f);
    assert_int_equal(intq_quantize_rows(4, x, SIZE_MAX, 2, qm, sc), LPCS_ERANGE);
    assert_int_equal(intq_dequantize(NULL, 3, 1.0f, y), LPCS_EINVAL);
    assert_int_equal(intq_ternary_quantize(NULL, 3, 1.0f, qt), LPCS_EINVAL);
}

static void test_parse(void **state) {
    (void)state;
    static const struct { const char *name; qformat_kind kind; double bpv; } ok[] = {
        {"fp32", QF_FP32, 32},         {"bf16", QF_MINIFLOAT, 16},     {"fp16", QF_MINIFLOAT, 16},
        {"fp8e4m3", QF_MINIFLOAT, 8},  {"fp8e5m2sat", QF_MINIFLOAT, 8}, {"fp6e2m3", QF_MINIFLOAT, 6},
        {"fp6e3m2", QF_MINIFLOAT, 6},  {"fp4e2m1", QF_MINIFLOAT, 4},   {"mxfp4", QF_MX, 4.25},
        {"mxfp6", QF_MX, 6.25},        {"mxfp6e3m2", QF_MX, 6.25},     {"mxfp8", QF_MX, 8.25},
        {"mxfp8e5m2-ta", QF_MX, 8.25}, {"mxint8", QF_MX, 8.25},        {"nvfp4", QF_NVFP4, 4.5},
        {"int2", QF_INT, 2},           {"int8", QF_INT, 8},            {"ternary", QF_TERNARY, 2},
    };
    qformat f;
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        assert_int_equal(qformat_parse(ok[i].name, &f), LPCS_OK);
        assert_int_equal(f.kind, ok[i].kind);
        assert_string_equal(f.name, ok[i].name);
        assert_true(qformat_bits_per_value(&f) == ok[i].bpv);
    }
    assert_int_equal(qformat_parse("mxfp8e5m2-ta", &f), 0);
    assert_int_equal(f.mx_elem, MX_FP8_E5M2);
    assert_int_equal(f.mx_round, MX_ROUND_TIES_AWAY);
    static const char *bad[] = {"", "fp7", "int9", "int1", "int", "int44", "mxfp4-tb", "mxfp4ta",
                                "p33e0", "p8e4", "p1e0", "P8E0", "fp8e4m3 ", "p8e", "pe0",
                                "ternary2", "a-very-long-format-name-that-is-too-long"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        f.kind = QF_INT;
        assert_int_equal(qformat_parse(bad[i], &f), LPCS_EUNSUPPORTED);
        assert_int_equal(f.kind, 0);
    }
    assert_int_equal(qformat_parse("p8e0", &f), LPCS_OK);
    assert_int_equal(f.kind, QF_POSIT);
    assert_true(f.posit_n == 8 && f.posit_es == 0 && qformat_bits_per_value(&f) == 8);
    assert_int_equal(qformat_parse("p32e3", &f), LPCS_OK);
    assert_int_equal(qformat_parse("p2e0", &f), LPCS_OK);
    assert_int_equal(qformat_parse(NULL, &f), LPCS_EINVAL);
    assert_int_equal(qformat_parse("fp32", NULL), LPCS_EINVAL);
    assert_true(qformat_bits_per_value(NULL) == 0.0);
    assert_int_equal(qformat_parse("mxfp4", &f), 0);
    assert_true(qformat_storage_bits(&f, 160, 80) == 160 * 4 + 2 * 3 * 8);   /* 3 blocks/row */
    assert_int_equal(qformat_parse("int4", &f), 0);
    assert_true(qformat_storage_bits(&f, 160, 80) == 160 * 4 + 2 * 32);
}

static void fill(float *x, size_t n, uint64_t seed) {
    for (size_t i = 0; i < n; i++) {
        uint64_t r = test_rand64(&seed);
        x[i] = ldexpf((float)(int)(r & 0xffff) - 32768.0f, (int)((r >> 16) % 16) - 20);
    }
}

/* qformat_roundtrip equals the underlying module applied row by row, and
 * gives the same bits in place. */
static void test_roundtrip_matches_modules(void **state) {
    (void)state;
    enum { ROWS = 3, RL = 80, N = ROWS * RL };
    static const char *names[] = {"fp32", "bf16", "fp16sat", "fp8e4m3", "fp8e5m2", "fp6e2m3",
                                  "fp6e3m2", "fp4e2m1", "mxfp4", "mxfp6", "mxfp6e3m2", "mxfp8",
                                  "mxfp8e5m2", "mxint8", "mxfp4-ta", "nvfp4", "int2", "int5",
                                  "int8", "ternary", "p8e0", "p16e1", "p4e1", "p32e2", "p12e3"};
    float x[N], y[N], inplace[N], want[N];
    fill(x, N, 99);
    x[17] = 0.0f;
    x[RL + 3] = -0.0f;
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        qformat f;
        assert_int_equal(qformat_parse(names[k], &f), 0);
        assert_int_equal(qformat_roundtrip(&f, x, y, N, RL), 0);
        memcpy(inplace, x, sizeof x);
        assert_int_equal(qformat_roundtrip(&f, inplace, inplace, N, RL), 0);
        assert_memory_equal(y, inplace, sizeof y);
        /* reference, module by module */
        if (f.kind == QF_FP32) memcpy(want, x, sizeof x);
        for (size_t r = 0; r < ROWS; r++) {
            const float *xr = x + r * RL;
            float *wr = want + r * RL;
            if (f.kind == QF_MINIFLOAT) {
                for (size_t i = 0; i < RL; i++)
                    wr[i] = mf_to_f32((mf_format)f.mf, mf_from_f32((mf_format)f.mf, xr[i], (mf_sat)f.sat));
            } else if (f.kind == QF_MX) {
                uint8_t sc[3], c[RL];
                assert_int_equal(mx_quantize((mx_elem)f.mx_elem, (mx_round)f.mx_round, xr, RL, sc, c), 0);
                assert_int_equal(mx_dequantize((mx_elem)f.mx_elem, sc, c, RL, wr), 0);
            } else if (f.kind == QF_NVFP4) {
                uint8_t sc[5], c[RL];
                float ts = nvfp4_tensor_scale(x, N);
                assert_int_equal(nvfp4_quantize_with_scale(xr, RL, ts, sc, c), 0);
                assert_int_equal(nvfp4_dequantize(ts, sc, c, RL, wr), 0);
            } else if (f.kind == QF_INT) {
                int8_t q[RL];
                float s;
                assert_int_equal(intq_quantize_tensor(f.bits, xr, RL, q, &s), 0);
                assert_int_equal(intq_dequantize(q, RL, s, wr), 0);
            } else if (f.kind == QF_TERNARY) {
                int8_t q[RL];
                float beta;
                assert_int_equal(ternary_absmean_quantize(xr, RL, q, &beta), 0);
                for (size_t i = 0; i < RL; i++) wr[i] = (float)q[i] / (1.0f / beta);
            } else if (f.kind == QF_POSIT) {
                posit_cfg c = posit_cfg_make(f.posit_n, f.posit_es);
                for (size_t i = 0; i < RL; i++) wr[i] = posit_to_float(c, posit_from_float(c, xr[i]));
            }
        }
        if (memcmp(y, want, sizeof y)) fail_msg("qformat %s differs from its module", names[k]);
        qerr_report rep;
        qerr_compute(x, y, N, &rep);
        printf("qformat %-12s bits/value %.3f  SQNR %6.2f dB\n", names[k], qformat_bits_per_value(&f),
               rep.sqnr_db);
    }
}

static void test_roundtrip_bad_input(void **state) {
    (void)state;
    qformat f;
    float x[8] = {0}, y[8];
    assert_int_equal(qformat_parse("int4", &f), 0);
    assert_int_equal(qformat_roundtrip(NULL, x, y, 8, 4), LPCS_EINVAL);
    assert_int_equal(qformat_roundtrip(&f, NULL, y, 8, 4), LPCS_EINVAL);
    assert_int_equal(qformat_roundtrip(&f, x, NULL, 8, 4), LPCS_EINVAL);
    assert_int_equal(qformat_roundtrip(&f, x, y, 8, 0), LPCS_EINVAL);
    assert_int_equal(qformat_roundtrip(&f, x, y, 8, 3), LPCS_EINVAL);
    assert_int_equal(qformat_roundtrip(&f, NULL, NULL, 0, 0), LPCS_OK);
    assert_int_equal(qformat_parse("ternary", &f), 0);
    x[5] = NAN;
    assert_int_equal(qformat_roundtrip(&f, x, y, 8, 4), LPCS_ERANGE);
    x[5] = 0.0f;
    f.kind = (qformat_kind)99;
    assert_int_equal(qformat_roundtrip(&f, x, y, 8, 4), LPCS_EINVAL);
    assert_int_equal(qformat_parse("int4", &f), 0);
    f.bits = 12;
    assert_int_equal(qformat_roundtrip(&f, x, y, 8, 4), LPCS_EINVAL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intq_vs_oracle),
        cmocka_unit_test(test_intq_rules),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_roundtrip_matches_modules),
        cmocka_unit_test(test_roundtrip_bad_input),
    };
    return cmocka_run_group_tests_name("qformat", tests, NULL, NULL);
}
