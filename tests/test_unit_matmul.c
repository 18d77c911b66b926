/* The per-unit matmul interface (sw_runtime/unit_matmul.h): every
 * implementation in this build against naive oracles written here (integer
 * dot products; FP4 products summed exactly in double), over a batch of
 * tokens with odd shapes. An implementation joins the list below when it is
 * added; a backend may place ops only on checked ones. */
#include "test_util.h"

#include "ternary.h"
#include "unit_matmul.h"

static uint32_t rng_state = 12345;
static uint32_t rnd(void) {
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

enum { T = 3 }; /* tokens per batch */

static void check_ternary(const rt_unit_mm *mm) {
    const size_t R = 37, K = 301;
    int8_t *w = malloc(R * K), x[T * 301];
    uint8_t *packed = malloc(R * ternary_row_bytes(K));
    int32_t y[T * 37], want[T * 37];
    for (size_t i = 0; i < R * K; i++) w[i] = (int8_t)((int)(rnd() % 3) - 1);
    for (size_t i = 0; i < T * K; i++) x[i] = (int8_t)(rnd() % 256 - 128);
    x[0] = -128, w[0] = -1; /* the extreme product */
    assert_int_equal(ternary_pack_matrix(w, R, K, packed), LPCS_OK);
    for (int t = 0; t < T; t++)
        for (size_t r = 0; r < R; r++) {
            int32_t s = 0;
            for (size_t k = 0; k < K; k++) s += w[r * K + k] * x[t * K + k];
            want[t * R + r] = s;
        }
    rt_mm_weights mw = {.rows = R, .cols = K, .data = packed};
    void *mat = NULL;
    assert_int_equal(mm->prepare(NULL, &mw, &mat), LPCS_OK);
    assert_int_equal(mm->gemm(NULL, mat, x, T, y), LPCS_OK);
    assert_memory_equal(y, want, sizeof want);
    y[5] ^= 1; /* the comparison above can fail */
    assert_memory_not_equal(y, want, sizeof want);
    mm->release(NULL, mat);
    free(w), free(packed);
}

static void test_ternary_golden(void **s) {
    (void)s;
    check_ternary(&rt_unit_mm_golden_ternary);
}
static void test_ternary_cpu(void **s) {
    (void)s;
    check_ternary(&rt_unit_mm_cpu_ternary);
}

static void test_lutgemv_golden(void **s) {
    (void)s;
    lutgemv_cfg c = {.rows = 19, .cols = 45, .batch = 1, .g = 4, .w_bits = 4, .w_kind = LUTGEMV_W_SIGNED, .a_bits = 8};
    int16_t w[19 * 45];
    int8_t x[T * 45];
    for (size_t i = 0; i < 19 * 45; i++) w[i] = (int16_t)((int)(rnd() % 16) - 8);
    for (size_t i = 0; i < T * 45; i++) x[i] = (int8_t)(rnd() % 255 - 127);
    rt_mm_weights mw = {.rows = 19, .cols = 45, .data = w, .lut = &c, .entry_bits = 0};
    const rt_unit_mm *mm = &rt_unit_mm_golden_lutgemv;
    void *mat = NULL;
    assert_int_equal(mm->prepare(NULL, &mw, &mat), LPCS_OK);
    assert_int_equal(lutgemv_acc_len(&c), 19); /* one scale group per row */
    int64_t y[T * 19];
    assert_int_equal(mm->gemm(NULL, mat, x, T, y), LPCS_OK);
    for (int t = 0; t < T; t++)
        for (size_t r = 0; r < 19; r++) {
            int64_t d = 0;
            for (size_t k = 0; k < 45; k++) d += (int64_t)w[r * 45 + k] * x[t * 45 + k];
            assert_int_equal(y[t * 19 + r], d);
        }
    mm->release(NULL, mat);
}

/* FP4 E2M1 nibble -> value (independent of golden's decoder). */
static double fp4(unsigned v) {
    static const double mag[8] = {0, 0.5, 1, 1.5, 2, 3, 4, 6};
    return (v & 8 ? -1 : 1) * mag[v & 7];
}

static void test_rmmec_golden_fp4(void **s) {
    (void)s;
    enum { R = 9, K = 13 }; /* words: 4 FP4 lanes each */
    uint16_t w[R * K], x[T * K];
    for (size_t i = 0; i < R * K; i++) w[i] = (uint16_t)rnd();
    for (size_t i = 0; i < T * K; i++) x[i] = (uint16_t)rnd();
    rt_mm_weights mw = {.rows = R, .cols = K, .data = w, .mode = RMMEC_FP4, .out = RMMEC_OUT_FP32};
    const rt_unit_mm *mm = &rt_unit_mm_golden_rmmec;
    void *mat = NULL;
    uint32_t y[T * R];
    assert_int_equal(mm->prepare(NULL, &mw, &mat), LPCS_OK);
    assert_int_equal(mm->gemm(NULL, mat, x, T, y), LPCS_OK);
    for (int t = 0; t < T; t++)
        for (int r = 0; r < R; r++) {
            double d = 0; /* every product is a multiple of 1/4 below 36: exact */
            for (int k = 0; k < K; k++)
                for (int l = 0; l < 4; l++) d += fp4(w[r * K + k] >> (4 * l) & 15u) * fp4(x[t * K + k] >> (4 * l) & 15u);
            float f = (float)d, g;
            memcpy(&g, &y[t * R + r], 4);
            assert_true(f == g || (f == 0 && g == 0));
        }
    mm->release(NULL, mat);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ternary_golden),
        cmocka_unit_test(test_ternary_cpu),
        cmocka_unit_test(test_lutgemv_golden),
        cmocka_unit_test(test_rmmec_golden_fp4),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
