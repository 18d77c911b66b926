/* golden/mx: OCP MX v1.0 block formats and NVFP4. Element codes are checked
 * against CUDA's host conversions (the oracle of tests/test_minifloat) and a
 * nearest-value search for ties-away; scales against the rule recomputed here
 * with frexpf; round trips, hand-made blocks, bad input. */
#include "test_util.h"
#include "mx.h"
#include "status.h"
#include "cuda_fp_oracle.h"

#include <math.h>

static const mf_format k_mf_of[MX_ELEM_COUNT] = {MF_FP8_E4M3, MF_FP8_E5M2, MF_FP6_E2M3,
                                                 MF_FP6_E3M2, MF_FP4_E2M1, MF_FORMAT_COUNT};

/* Independent element oracle: CUDA (RNE, saturating) or nearest-value search
 * over the decoded value table (ties away from zero); INT8 via nearbyint. */
static uint8_t oracle_elem(mx_elem e, mx_round r, double v) {
    if (e == MX_INT8) {
        double t = v * 64.0;
        double q = r == MX_ROUND_RNE ? nearbyint(t) : copysign(floor(fabs(t) + 0.5), t);
        q = q > 127 ? 127 : q < -127 ? -127 : q;
        return (uint8_t)(int8_t)q;
    }
    mf_format f = k_mf_of[e];
    if (r == MX_ROUND_RNE) return (uint8_t)cuda_oracle_from_f64((int)f, v, 1);
    /* nearest by search over the positive codes; ties -> larger magnitude */
    uint32_t best = 0, sign = signbit(v) ? 1u << (mf_get_info(f)->bits - 1) : 0;
    double a = fabs(v), bestd = INFINITY;
    for (uint32_t c = 0; c <= mf_max_code(f); c++) {
        double d = fabs(a - cuda_oracle_to_f32((int)f, c));
        if (d <= bestd) {
            bestd = d;
            best = c;
        }
    }
    return (uint8_t)(sign | best);
}

/* Scale code recomputed: floor(log2(amax)) via frexpf. */
static uint8_t oracle_scale(mx_elem e, const float *x, size_t len) {
    float amax = 0;
    for (size_t i = 0; i < len; i++) {
        if (!isfinite(x[i])) return 0xff;
        if (fabsf(x[i]) > amax) amax = fabsf(x[i]);
    }
    int ex = -125;   /* amax == 0 counts as 2^-126 */
    if (amax > 0) frexpf(amax, &ex);
    int se = ex - 1 - mx_get_elem_info(e)->emax;
    se = se < -127 ? -127 : se;
    return (uint8_t)(se + 127);
}

static float rand_float(uint64_t *rng, int emin, int erange) {
    uint64_t r = test_rand64(rng);
    float m = (float)((r & 0xffffff) | 0x800000) / (float)0x800000;   /* [1,2) */
    float v = ldexpf(m, emin + (int)((r >> 24) % (uint64_t)erange));
    if ((r >> 40) % 8 == 0) v = 0.0f;
    return (r >> 63) ? -v : v;
}

/* Random blocks: codes and scales agree with the oracles, both roundings. */
static void test_block_vs_element_oracle(void **state) {
    (void)state;
    uint64_t rng = 0x3300a, checked = 0;
    float x[MX_BLOCK];
    uint8_t sc, codes[MX_BLOCK];
    for (int e = 0; e < MX_ELEM_COUNT; e++)
        for (int r = 0; r < 2; r++)
            for (int blk = 0; blk < 1500; blk++) {
                int emin = (int)(test_rand64(&rng) % 280) - 150, erange = 1 + blk % 24;
                size_t len = blk % 7 == 0 ? 1 + blk % MX_BLOCK : MX_BLOCK;
                for (size_t i = 0; i < len; i++) x[i] = rand_float(&rng, emin, erange);
                for (size_t i = 0; i < len; i++)
                    if (!isfinite(x[i])) x[i] = 1.0f;
                assert_int_equal(mx_quantize((mx_elem)e, (mx_round)r, x, len, &sc, codes), LPCS_OK);
                assert_int_equal(sc, oracle_scale((mx_elem)e, x, len));
                for (size_t i = 0; i < len; i++, checked++) {
                    double v = ldexp((double)x[i], -((int)sc - 127));
                    uint8_t want = oracle_elem((mx_elem)e, (mx_round)r, v);
                    if (codes[i] != want)
                        fail_msg("%s %s x=%a scale=%u: code 0x%x oracle 0x%x",
                                 mx_get_elem_info((mx_elem)e)->name, r ? "ties-away" : "rne",
                                 (double)x[i], sc, codes[i], want);
                }
            }
    printf("mx: %llu block elements checked against the element oracles\n",
           (unsigned long long)checked);
}

/* x already representable (one element with the block's top exponent, so
 * the recomputed scale is the same): quantize-dequantize is the identity. */
static void test_roundtrip_representable(void **state) {
    (void)state;
    uint64_t rng = 0x3300b, checked = 0;
    float x[MX_BLOCK], y[MX_BLOCK];
    uint8_t want[MX_BLOCK], sc, codes[MX_BLOCK];
    for (int e = 0; e < MX_ELEM_COUNT; e++) {
        const mx_elem_info *in = mx_get_elem_info((mx_elem)e);
        for (int blk = 0; blk < 500; blk++) {
            int se = -127 + (int)(test_rand64(&rng) % (uint64_t)(255 - in->emax));
            for (int i = 0; i < MX_BLOCK; i++) {
                uint8_t c;
                do c = (uint8_t)(test_rand64(&rng) & ((1u << in->bits) - 1));
                while (e == MX_INT8 ? c == 0x80 : (mf_is_nan(k_mf_of[e], c) || mf_is_inf(k_mf_of[e], c)));
                want[i] = c;
            }
            /* element 7 gets a value in [2^emax, max] */
            do want[7] = (uint8_t)(test_rand64(&rng) & ((1u << in->bits) - 1));
            while (!(fabs(mx_elem_to_f64((mx_elem)e, want[7])) >= ldexp(1, in->emax) &&
                     fabs(mx_elem_to_f64((mx_elem)e, want[7])) <= in->max_norm));
            for (int i = 0; i < MX_BLOCK; i++)
                x[i] = (float)ldexp(mx_elem_to_f64((mx_elem)e, want[i]), se);
            for (int r = 0; r < 2; r++) {
                assert_int_equal(mx_quantize((mx_elem)e, (mx_round)r, x, MX_BLOCK, &sc, codes), 0);
                assert_int_equal(sc, se + 127);
                assert_memory_equal(codes, want, MX_BLOCK);
                assert_int_equal(mx_dequantize((mx_elem)e, &sc, codes, MX_BLOCK, y), 0);
                assert_memory_equal(x, y, sizeof x);   /* bits, incl. -0 */
                checked += MX_BLOCK;
            }
        }
    }
    printf("mx round trip: %llu representable values exact\n", (unsigned long long)checked);
}

static void test_scale_rule_hand_made(void **state) {
    (void)state;
    float x[2 * MX_BLOCK], y[2 * MX_BLOCK];
    uint8_t sc[2], codes[2 * MX_BLOCK];
    /* all zeros: 2^-126 rule, clamped to the E8M0 minimum */
    memset(x, 0, sizeof x);
    assert_int_equal(mx_quantize(MX_FP8_E4M3, MX_ROUND_RNE, x, MX_BLOCK, sc, codes), 0);
    assert_int_equal(sc[0], 0);   /* -126 - 8 -> -127 */
    assert_int_equal(mx_quantize(MX_INT8, MX_ROUND_RNE, x, MX_BLOCK, sc, codes), 0);
    assert_int_equal(sc[0], 1);   /* -126 - 0 */
    for (int i = 0; i < MX_BLOCK; i++) assert_int_equal(codes[i], 0);
    /* one outlier: 1000 -> scale 2^(9-8), 500 saturates to 448; 0.001 -> 0 */
    for (int i = 0; i < MX_BLOCK; i++) x[i] = 0.001f;
    x[5] = -1000.0f;
    assert_int_equal(mx_quantize(MX_FP8_E4M3, MX_ROUND_RNE, x, MX_BLOCK, sc, codes), 0);
    assert_int_equal(sc[0], 128);
    assert_int_equal(codes[5], 0xfe);
    assert_int_equal(codes[0], 0x00);
    assert_int_equal(mx_dequantize(MX_FP8_E4M3, sc, codes, MX_BLOCK, y), 0);
    assert_true(y[5] == -896.0f && y[0] == 0.0f);
    /* amax at a power of two and just below it (FP4: 8 -> scale 2^1; 8-ulp ->
     * scale 2^0 and the element saturates to 6) */
    x[0] = 8.0f;
    for (int i = 1; i < MX_BLOCK; i++) x[i] = 1.0f;
    assert_int_equal(mx_quantize(MX_FP4_E2M1, MX_ROUND_RNE, x, MX_BLOCK, sc, codes), 0);
    assert_int_equal(sc[0], 128);
    assert_int_equal(codes[0], 0x6);   /* 4 * 2 */
    x[0] = nextafterf(8.0f, 0.0f);
    assert_int_equal(mx_quantize(MX_FP4_E2M1, MX_ROUND_RNE, x, MX_BLOCK, sc, codes), 0);
    assert_int_equal(sc[0], 127);
    assert_int_equal(codes[0], 0x7);   /* 6 */
    /* fp32 subnormals: floor(log2(2^-140)) - 15 clamps to -127 for E5M2 */
    for (int i = 0; i < MX_BLOCK; i++) x[i] = ldexpf(1.0f, -140 - (i % 4));
    assert_int_equal(mx_quantize(MX_FP8_E5M2, MX_ROUND_RNE, x, MX_BLOCK, sc, codes), 0);
    assert_int_equal(sc[0], 0);
    assert_int_equal(codes[0], mf_from_f64(MF_FP8_E5M2, 0x1p-13, MF_SATFINITE));
    assert_int_equal(codes[3], mf_from_f64(MF_FP8_E5M2, 0x1p-16, MF_SATFINITE));   /* min subnormal */
    assert_int_equal(mx_dequantize(MX_FP8_E5M2, sc, codes, MX_BLOCK, y), 0);
    assert_memory_equal(x, y, MX_BLOCK * sizeof *x);
    /* NaN / Inf: that block's scale is NaN and it dequantizes to NaN; the
     * other block is unaffected */
    for (int i = 0; i < 2 * MX_BLOCK; i++) x[i] = (float)i / 8.0f;
    for (int k = 0; k < 3; k++) {
        float bad[3] = {NAN, INFINITY, -INFINITY};
        x[MX_BLOCK + 3] = bad[k];
        assert_int_equal(mx_quantize(MX_FP6_E3M2, MX_ROUND_RNE, x, 2 * MX_BLOCK, sc, codes), 0);
        assert_int_not_equal(sc[0], MX_SCALE_NAN);
        assert_int_equal(sc[1], MX_SCALE_NAN);
        assert_int_equal(mx_dequantize(MX_FP6_E3M2, sc, codes, 2 * MX_BLOCK, y), 0);
        for (int i = 0; i < MX_BLOCK; i++) {
            assert_false(isnan(y[i]));
            assert_true(isnan(y[MX_BLOCK + i]));
        }
    }
}

/* A constructed tie: FP4 block with amax 4 (scale 2^0), element 2.5 lies
 * halfway between 2 and 3: RNE -> 2 (even), ties-away -> 3. MXINT8: 2.5/64. */
static void test_ties_away_vs_rne(void **state) {
    (void)state;
    float x[MX_BLOCK] = {4.0f, 2.5f, -2.5f, 0.25f};
    uint8_t sc, c_rne[MX_BLOCK], c_ta[MX_BLOCK];
    assert_int_equal(mx_quantize(MX_FP4_E2M1, MX_ROUND_RNE, x, 4, &sc, c_rne), 0);
    assert_int_equal(mx_quantize(MX_FP4_E2M1, MX_ROUND_TIES_AWAY, x, 4, &sc, c_ta), 0);
    assert_int_equal(sc, 127);
    assert_int_equal(c_rne[1], 0x4);
    assert_int_equal(c_ta[1], 0x5);
    assert_int_equal(c_rne[2], 0xc);
    assert_int_equal(c_ta[2], 0xd);
    assert_int_equal(c_rne[3], 0x0);   /* 0.25: tie between 0 and 0.5 */
    assert_int_equal(c_ta[3], 0x1);
    float y[4] = {1.0f, 2.5f / 64, 1.5f / 64, -0.5f / 64};
    assert_int_equal(mx_quantize(MX_INT8, MX_ROUND_RNE, y, 4, &sc, c_rne), 0);
    assert_int_equal(mx_quantize(MX_INT8, MX_ROUND_TIES_AWAY, y, 4, &sc, c_ta), 0);
    assert_int_equal((int8_t)c_rne[1], 2);
    assert_int_equal((int8_t)c_ta[1], 3);
    assert_int_equal((int8_t)c_rne[2], 2);
    assert_int_equal((int8_t)c_ta[2], 2);
    assert_int_equal((int8_t)c_rne[3], 0);
    assert_int_equal((int8_t)c_ta[3], -1);
}

/* ---------------- NVFP4 ---------------- */
static void test_nvfp4_scale_recipe(void **state) {
    (void)state;
    uint64_t rng = 0x4a4a, checked = 0;
    enum { N = 16 * 37 + 5 };
    static float x[N], y[N];
    static uint8_t bs[N / 16 + 1], codes[N];
    for (int t = 0; t < 40; t++) {
        int emin = (int)(test_rand64(&rng) % 200) - 110;
        for (int i = 0; i < N; i++) x[i] = rand_float(&rng, emin, 1 + t % 20);
        float ts;
        assert_int_equal(nvfp4_quantize(x, N, &ts, bs, codes), 0);
        float amax = 0;
        for (int i = 0; i < N; i++) amax = fmaxf(amax, fabsf(x[i]));
        assert_true(ts == (amax > 0 ? amax / 2688.0f : 1.0f));
        for (size_t b = 0; b < nvfp4_num_blocks(N); b++) {
            float bamax = 0;
            for (size_t i = b * 16; i < N && i < b * 16 + 16; i++) bamax = fmaxf(bamax, fabsf(x[i]));
            uint32_t want_bs = cuda_oracle_from_f32(MF_FP8_E4M3, (bamax / 6.0f) / ts, 1);
            assert_int_equal(bs[b], want_bs);
            float d = cuda_oracle_to_f32(MF_FP8_E4M3, want_bs) * ts;
            for (size_t i = b * 16; i < N && i < b * 16 + 16; i++, checked++) {
                uint32_t want = d == 0.0f ? 0 : cuda_oracle_from_f32(MF_FP4_E2M1, x[i] / d, 1);
                if (codes[i] != want) fail_msg("nvfp4 x=%a: code %x oracle %x", (double)x[i], codes[i], want);
            }
        }
        assert_int_equal(nvfp4_dequantize(ts, bs, codes, N, y), 0);
        for (int i = 0; i < N; i++)
            assert_true(y[i] == cuda_oracle_to_f32(MF_FP4_E2M1, codes[i]) *
                                    (cuda_oracle_to_f32(MF_FP8_E4M3, bs[i / 16]) * ts));
    }
    printf("nvfp4: %llu elements checked against the recipe with CUDA conversions\n",
           (unsigned long long)checked);
}

/* Representable tensor: ts = 1 (amax 2688 = 6 * 448), each block holds
 * +-6 * s for an E4M3 value s, elements e2m1 * s: exact round trip. */
static void test_nvfp4_roundtrip(void **state) {
    (void)state;
    uint64_t rng = 0x4a4b;
    enum { N = 16 * 64 };
    static float x[N], y[N];
    static uint8_t bs[N / 16], codes[N], want[N];
    for (int b = 0; b < N / 16; b++) {
        uint8_t s = b == 0 ? 0x7e : (uint8_t)(1 + test_rand64(&rng) % 0x7d);   /* no 0, no NaN */
        float sv = mf_to_f32(MF_FP8_E4M3, s);
        for (int i = 0; i < 16; i++) {
            want[b * 16 + i] = (uint8_t)(test_rand64(&rng) & 0xf);
            if (i == 9) want[b * 16 + i] = (uint8_t)(0x7 | (test_rand64(&rng) & 0x8));
            x[b * 16 + i] = mf_to_f32(MF_FP4_E2M1, want[b * 16 + i]) * sv;
        }
    }
    float ts;
    assert_int_equal(nvfp4_quantize(x, N, &ts, bs, codes), 0);
    assert_true(ts == 1.0f);
    assert_memory_equal(codes, want, N);
    assert_int_equal(nvfp4_dequantize(ts, bs, codes, N, y), 0);
    assert_memory_equal(x, y, sizeof x);
}

static void test_nvfp4_hand_made(void **state) {
    (void)state;
    float x[48] = {0}, y[48], ts;
    uint8_t bs[3], codes[48];
    assert_int_equal(nvfp4_quantize(x, 48, &ts, bs, codes), 0);   /* all zeros */
    assert_true(ts == 1.0f);
    assert_int_equal(bs[0], 0);
    assert_int_equal(nvfp4_dequantize(ts, bs, codes, 48, y), 0);
    for (int i = 0; i < 48; i++) assert_true(y[i] == 0.0f);
    x[20] = 2688.0f;   /* outlier in block 1, small values elsewhere */
    x[3] = 0.01f;
    x[40] = NAN;
    assert_int_equal(nvfp4_quantize(x, 48, &ts, bs, codes), 0);
    assert_true(ts == 1.0f);
    assert_int_equal(bs[1], 0x7e);     /* 448 */
    assert_int_equal(codes[20], 0x7);  /* 6 */
    assert_int_equal(bs[2], 0x7f);     /* NaN block */
    assert_int_equal(bs[0], mf_from_f32(MF_FP8_E4M3, 0.01f / 6.0f, MF_SATFINITE));
    assert_int_equal(nvfp4_dequantize(ts, bs, codes, 48, y), 0);
    assert_true(y[20] == 2688.0f);
    for (int i = 32; i < 48; i++) assert_true(isnan(y[i]));
}

static void test_qerr(void **state) {
    (void)state;
    float ref[5] = {1, 2, 3, 4, NAN}, ap[5] = {1, 2, 3, 5, 1};
    qerr_report r;
    assert_int_equal(qerr_compute(ref, ap, 5, &r), 0);
    assert_int_equal(r.n, 4);
    assert_int_equal(r.n_skipped, 1);
    assert_true(r.mse == 0.25 && r.max_abs_err == 1.0);
    assert_true(fabs(r.sqnr_db - 10 * log10(30.0)) < 1e-12);
    assert_int_equal(qerr_compute(ref, ref, 4, &r), 0);
    assert_true(isinf(r.sqnr_db) && r.sqnr_db > 0);
    assert_int_equal(qerr_compute(NULL, ap, 5, &r), LPCS_EINVAL);
    assert_int_equal(qerr_compute(ref, ap, 5, NULL), LPCS_EINVAL);
    assert_int_equal(qerr_compute(NULL, NULL, 0, &r), 0);
    assert_int_equal(r.n, 0);
    /* MXFP8 on a Gaussian-ish tensor beats MXFP4 on SQNR */
    uint64_t rng = 77;
    enum { N = 4096 };
    static float x[N], y8[N], y4[N];
    static uint8_t sc[N / 32], c[N];
    for (int i = 0; i < N; i++) x[i] = rand_float(&rng, -4, 6);
    mx_quantize(MX_FP8_E4M3, MX_ROUND_RNE, x, N, sc, c);
    mx_dequantize(MX_FP8_E4M3, sc, c, N, y8);
    mx_quantize(MX_FP4_E2M1, MX_ROUND_RNE, x, N, sc, c);
    mx_dequantize(MX_FP4_E2M1, sc, c, N, y4);
    qerr_report r8, r4;
    qerr_compute(x, y8, N, &r8);
    qerr_compute(x, y4, N, &r4);
    printf("qerr example: mxfp8 sqnr %.2f dB, mxfp4 sqnr %.2f dB\n", r8.sqnr_db, r4.sqnr_db);
    assert_true(r8.sqnr_db > r4.sqnr_db + 6);
}

static void test_bad_input(void **state) {
    (void)state;
    float x[4] = {1, 2, 3, 4}, y[4], ts;
    uint8_t sc[1], c[4];
    assert_int_equal(mx_quantize(MX_FP4_E2M1, MX_ROUND_RNE, NULL, 4, sc, c), LPCS_EINVAL);
    assert_int_equal(mx_quantize(MX_FP4_E2M1, MX_ROUND_RNE, x, 4, NULL, c), LPCS_EINVAL);
    assert_int_equal(mx_quantize(MX_FP4_E2M1, MX_ROUND_RNE, x, 4, sc, NULL), LPCS_EINVAL);
    assert_int_equal(mx_quantize(MX_ELEM_COUNT, MX_ROUND_RNE, x, 4, sc, c), LPCS_EINVAL);
    assert_int_equal(mx_quantize(MX_FP4_E2M1, (mx_round)7, x, 4, sc, c), LPCS_EINVAL);
    assert_int_equal(mx_quantize(MX_FP4_E2M1, MX_ROUND_RNE, NULL, 0, NULL, NULL), LPCS_OK);
    assert_int_equal(mx_dequantize(MX_FP4_E2M1, NULL, c, 4, y), LPCS_EINVAL);
    assert_int_equal(mx_dequantize(MX_FP4_E2M1, sc, c, 4, NULL), LPCS_EINVAL);
    assert_int_equal(mx_dequantize((mx_elem)-1, sc, c, 4, y), LPCS_EINVAL);
    assert_int_equal(mx_dequantize(MX_FP4_E2M1, NULL, NULL, 0, NULL), LPCS_OK);
    assert_int_equal(nvfp4_quantize(NULL, 4, &ts, sc, c), LPCS_EINVAL);
    assert_int_equal(nvfp4_quantize(x, 4, NULL, sc, c), LPCS_EINVAL);
    assert_int_equal(nvfp4_quantize(x, 0, &ts, NULL, NULL), LPCS_OK);
    assert_true(ts == 1.0f);
    assert_int_equal(nvfp4_dequantize(1.0f, NULL, c, 4, y), LPCS_EINVAL);
    assert_int_equal(nvfp4_dequantize(1.0f, NULL, NULL, 0, NULL), LPCS_OK);
    assert_null(mx_get_elem_info(MX_ELEM_COUNT));
    assert_int_equal(mx_num_blocks(0), 0);
    assert_int_equal(mx_num_blocks(33), 2);
    assert_int_equal(nvfp4_num_blocks(16), 1);
    assert_true(isnan(mx_e8m0_to_f64(0xff)));
    assert_true(mx_e8m0_to_f64(0) == 0x1p-127 && mx_e8m0_to_f64(254) == 0x1p127);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_block_vs_element_oracle),
        cmocka_unit_test(test_roundtrip_representable),
        cmocka_unit_test(test_scale_rule_hand_made),
        cmocka_unit_test(test_ties_away_vs_rne),
        cmocka_unit_test(test_nvfp4_scale_recipe),
        cmocka_unit_test(test_nvfp4_roundtrip),
        cmocka_unit_test(test_nvfp4_hand_made),
        cmocka_unit_test(test_qerr),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests_name("mx", tests, NULL, NULL);
}
