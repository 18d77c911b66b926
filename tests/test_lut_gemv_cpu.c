/* The cpu LUT-GEMV kernel (portable and AVX2 paths) equals the golden
 * LUT-GEMV integer result bit for bit: random shapes with ragged M and K,
 * every weight type, the extreme-value corners, and row ranges split as the
 * thread pool splits them (lut_gemv_tables + lut_gemv_rows). Every check
 * counts the outputs it compared and asserts a minimum. */
#include "test_util.h"
#include "kernels/lut_gemv_cpu.h"
#include "lutgemv.h"

/* Golden integer GEMV (batch 1) through golden/lutgemv.h. */
static void golden_gemv(const int8_t *w, size_t M, size_t K, lutk_wtype t, const int8_t *x, int32_t *y) {
    lutgemv_cfg c = {.rows = M, .cols = K, .batch = 1, .g = 4, .a_bits = 8,
                     .w_kind = t == LUTK_TERNARY ? LUTGEMV_W_TERNARY : LUTGEMV_W_SIGNED,
                     .w_bits = t == LUTK_INT4 ? 4 : t == LUTK_INT3 ? 3 : 2};
    int16_t *w16 = malloc(M * K * sizeof *w16), *tab = malloc(lutgemv_table_len(&c) * sizeof *tab);
    int64_t *acc = malloc(M * sizeof *acc);
    for (size_t i = 0; i < M * K; i++) w16[i] = w[i];
    assert_int_equal(lutgemv_build_tables(&c, w16, NULL, 0, tab), LPCS_OK);
    assert_int_equal(lutgemv_gemv(&c, tab, x, 1, acc, NULL), LPCS_OK);
    for (size_t r = 0; r < M; r++) y[r] = (int32_t)acc[r];
    free(w16), free(tab), free(acc);
}

#define NTYPES 4
static size_t compared; /* outputs compared with golden, all tests */

static void expect_equal(const int32_t *y, const int32_t *ref, size_t M, size_t K, lutk_wtype t, int impl, const char *how) {
    for (size_t r = 0; r < M; r++) {
        if (y[r] != ref[r]) {
            fprintf(stderr, "%s impl %d type %d M=%zu K=%zu row %zu: kernel %d golden %d\n", how, impl, (int)t, M, K, r, y[r],
                    ref[r]);
            fail();
        }
        compared++;
    }
}

/* Whole GEMV, then the rows in nparts ranges of whole 16-row blocks (as
 * kn_split cuts them for a thread pool), each against the same tables. */
static void check(const int8_t *w, size_t M, size_t K, lutk_wtype t, const int8_t *x) {
    lut_gemv_weights p;
    assert_int_equal(lut_gemv_pack(w, M, K, t, &p), LPCS_OK);
    int32_t *ref = malloc(M * sizeof *ref), *y = malloc(M * sizeof *y);
    void *tab = NULL;
    assert_int_equal(posix_memalign(&tab, 32, lut_gemv_scratch_bytes(&p)), 0);
    golden_gemv(w, M, K, t, x, ref);
    lutk_impl impls[2] = {LUTK_IMPL_PORTABLE, LUTK_IMPL_AVX2};
    for (int i = 0; i < 2; i++) {
        if (impls[i] == LUTK_IMPL_AVX2 && !lut_gemv_has_avx2()) continue;
        memset(y, 0x55, M * sizeof *y);
        assert_int_equal(lut_gemv_run(&p, x, y, impls[i], NULL), LPCS_OK);
        expect_equal(y, ref, M, K, t, (int)impls[i], "run");
        memset(y, 0x55, M * sizeof *y);
        assert_int_equal(lut_gemv_tables(&p, x, tab, impls[i]), LPCS_OK);
        size_t blocks = (M + LUT_GEMV_BLOCK_ROWS - 1) / LUT_GEMV_BLOCK_ROWS, nparts = 1 + (M + K) % 3;
        for (size_t part = 0; part < nparts; part++) {
            size_t lo = blocks * part / nparts * LUT_GEMV_BLOCK_ROWS, hi = blocks * (part + 1) / nparts * LUT_GEMV_BLOCK_ROWS;
            if (hi > M) hi = M;
            if (lo > M) lo = M;
            assert_int_equal(lut_gemv_rows(&p, tab, y, impls[i], lo, hi), LPCS_OK);
        }
        expect_equal(y, ref, M, K, t, (int)impls[i], "rows");
    }
    free(tab), free(ref), free(y);
    lut_gemv_free(&p);
}

static void fill(uint64_t *s, int8_t *w, size_t n, lutk_wtype t) {
    for (size_t i = 0; i < n; i++) {
        uint64_t r = test_rand64(s);
        w[i] = (int8_t)(t == LUTK_TERNARY ? (int)(r % 3) - 1
                        : t == LUTK_INT2 ? (int)(r % 4) - 2
                        : t == LUTK_INT3 ? (int)(r % 8) - 4
                                         : (int)(r % 16) - 8);
    }
}

static void test_random_shapes(void **state) {
    (void)state;
    uint64_t s = 99;
    size_t before = compared;
    for (int it = 0; it < 48; it++) {
        size_t M = 1 + test_rand64(&s) % 70, K = 1 + test_rand64(&s) % 700;
        lutk_wtype t = (lutk_wtype)(it % NTYPES);
        int8_t *w = malloc(M * K), *x = malloc(K);
        fill(&s, w, M * K, t);
        for (size_t k = 0; k < K; k++) x[k] = (int8_t)(test_rand64(&s) & 0xff);
        check(w, M, K, t, x);
        free(w), free(x);
    }
    /* A full-size row block count and K = 4096. */
    size_t M = 64, K = 4096;
    int8_t *w = malloc(M * K), *x = malloc(K);
    for (int t = 0; t < NTYPES; t++) {
        fill(&s, w, M * K, (lutk_wtype)t);
        for (size_t k = 0; k < K; k++) x[k] = (int8_t)(test_rand64(&s) & 0xff);
        check(w, M, K, (lutk_wtype)t, x);
    }
    free(w), free(x);
    printf("lut_gemv_cpu random: %zu outputs equal to golden\n", compared - before);
    assert_true(compared - before >= 2 * (48 * 8 + NTYPES * 64)); /* >= 2 checks of each output, portable path alone */
}

/* Corners: every weight at its minimum / maximum against x = -128 / 127,
 * the int16 partial sums at their bound (K a multiple of 128). */
static void test_extremes(void **state) {
    (void)state;
    size_t M = 17, K = 1024 + 3;
    int8_t *w = malloc(M * K), x[1027];
    int mins[NTYPES] = {-1, -2, -8, -4}, maxs[NTYPES] = {1, 1, 7, 3};
    size_t before = compared;
    for (int t = 0; t < NTYPES; t++)
        for (int xv = 0; xv < 3; xv++) {
            for (size_t r = 0; r < M; r++)
                for (size_t k = 0; k < K; k++) w[r * K + k] = (int8_t)(r % 2 ? mins[t] : maxs[t]);
            for (size_t k = 0; k < K; k++) x[k] = (int8_t)(xv == 0 ? -128 : xv == 1 ? 127 : (k % 2 ? -128 : 127));
            check(w, M, K, (lutk_wtype)t, x);
        }
    free(w);
    assert_true(compared - before >= (size_t)NTYPES * 3 * 2 * M);
}

/* T tokens in one pass (lut_gemv_gemm_pool): every token's outputs equal
 * golden's GEMV of that token, on this thread and on a 2-thread pool. */
static void test_batch(void **state) {
    (void)state;
    uint64_t s = 5;
    size_t before = compared;
    kn_pool *pool = kn_pool_new(2);
    assert_non_null(pool);
    for (int it = 0; it < 8; it++) {
        size_t M = 1 + test_rand64(&s) % 90, K = 1 + test_rand64(&s) % 600, T = 1 + test_rand64(&s) % 5;
        lutk_wtype t = (lutk_wtype)(it % NTYPES);
        int8_t *w = malloc(M * K), *x = malloc(T * K);
        int32_t *ref = malloc(T * M * sizeof *ref), *y = malloc(T * M * sizeof *y);
        fill(&s, w, M * K, t);
        for (size_t k = 0; k < T * K; k++) x[k] = (int8_t)(test_rand64(&s) & 0xff);
        for (size_t tok = 0; tok < T; tok++) golden_gemv(w, M, K, t, x + tok * K, ref + tok * M);
        lut_gemv_weights p;
        assert_int_equal(lut_gemv_pack(w, M, K, t, &p), LPCS_OK);
        void *tabs = malloc(T * lut_gemv_scratch_bytes(&p));
        lutk_impl impls[2] = {LUTK_IMPL_PORTABLE, LUTK_IMPL_AVX2};
        for (int i = 0; i < 2; i++)
            for (int th = 0; th < 2 && (impls[i] != LUTK_IMPL_AVX2 || lut_gemv_has_avx2()); th++) {
                memset(y, 0x55, T * M * sizeof *y);
                assert_int_equal(lut_gemv_gemm_pool(&p, x, K, T, y, M, impls[i], tabs, th ? pool : NULL), LPCS_OK);
                expect_equal(y, ref, T * M, K, t, (int)impls[i], "batch");
            }
        lut_gemv_free(&p);
        free(w), free(x), free(ref), free(y), free(tabs);
    }
    kn_pool_free(pool);
    printf("lut_gemv_cpu batch: %zu outputs equal to golden\n", compared - before);
    assert_true(compared - before >= 2 * 8); /* >= 1 token x 1 row x 2 runs per shape, portable path alone */
}

static void test_bad_input(void **state) {
    (void)state;
    int8_t w[8] = {0}, x[8] = {0};
    int32_t y[2];
    lut_gemv_weights p;
    assert_int_equal(lut_gemv_pack(NULL, 2, 4, LUTK_INT4, &p), LPCS_EINVAL);
    assert_int_equal(lut_gemv_pack(w, 2, 4, LUTK_INT4, NULL), LPCS_EINVAL);
    assert_int_equal(lut_gemv_pack(w, 0, 4, LUTK_INT4, &p), LPCS_ERANGE);
    assert_int_equal(lut_gemv_pack(w, 2, 0, LUTK_INT4, &p), LPCS_ERANGE);
    assert_int_equal(lut_gemv_pack(w, 2, 4, (lutk_wtype)9, &p), LPCS_EINVAL);
    w[3] = 2;
    assert_int_equal(lut_gemv_pack(w, 2, 4, LUTK_INT2, &p), LPCS_EINVAL);
    assert_int_equal(lut_gemv_pack(w, 2, 4, LUTK_TERNARY, &p), LPCS_EINVAL);
    assert_int_equal(lut_gemv_pack(w, 2, 4, LUTK_INT4, &p), LPCS_OK);
    assert_int_equal(lut_gemv_run(NULL, x, y, LUTK_IMPL_AUTO, NULL), LPCS_EINVAL);
    assert_int_equal(lut_gemv_run(&p, NULL, y, LUTK_IMPL_AUTO, NULL), LPCS_EINVAL);
    assert_int_equal(lut_gemv_run(&p, x, NULL, LUTK_IMPL_AUTO, NULL), LPCS_EINVAL);
    assert_int_equal(lut_gemv_run(&p, x, y, (lutk_impl)7, NULL), LPCS_EINVAL);
    assert_int_equal(lut_gemv_run(&p, x, y, LUTK_IMPL_AUTO, NULL), LPCS_OK);
    assert_int_equal(y[0], 0);
    void *tab = NULL;
    assert_int_equal(posix_memalign(&tab, 32, lut_gemv_scratch_bytes(&p)), 0);
    assert_int_equal(lut_gemv_tables(&p, NULL, tab, LUTK_IMPL_AUTO), LPCS_EINVAL);
    assert_int_equal(lut_gemv_tables(&p, x, tab, LUTK_IMPL_AUTO), LPCS_OK);
    assert_int_equal(lut_gemv_rows(&p, tab, y, LUTK_IMPL_AUTO, 0, 3), LPCS_EINVAL); /* beyond rows */
    assert_int_equal(lut_gemv_rows(&p, tab, y, LUTK_IMPL_AUTO, 1, 2), LPCS_EINVAL); /* not on a block */
    assert_int_equal(lut_gemv_rows(&p, NULL, y, LUTK_IMPL_AUTO, 0, 2), LPCS_EINVAL);
    assert_int_equal(lut_gemv_rows(&p, tab, y, LUTK_IMPL_AUTO, 0, 2), LPCS_OK);
    w[3] = -5;
    lut_gemv_weights q;
    assert_int_equal(lut_gemv_pack(w, 2, 4, LUTK_INT3, &q), LPCS_EINVAL);
    free(tab);
    lut_gemv_free(&p);
    lut_gemv_free(&p); /* idempotent */
    lut_gemv_free(NULL);
    assert_int_equal(lut_gemv_run(&p, x, y, LUTK_IMPL_AUTO, NULL), LPCS_EINVAL);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_random_shapes), cmocka_unit_test(test_extremes), cmocka_unit_test(test_batch),
                                       cmocka_unit_test(test_bad_input)};
    printf("lut_gemv_cpu: AVX2 path %s\n", lut_gemv_has_avx2() ? "tested" : "absent (portable only)");
    return cmocka_run_group_tests_name("lut_gemv_cpu", tests, NULL, NULL);
}
