/* The platform's PIM LUT-GEMV bank and shift-MAC engine
 * (sim/platform/pim_bank.h) against golden: rows packed here into the
 * units' storage formats (this test's own packer), results compared bit for
 * bit with golden lutgemv_build_tables + lutgemv_gemv + lutgemv_convert on
 * the bank's staged activation codes (themselves checked against golden
 * intq), and with golden shiftmac_linear_forward. Every weight kind, w_bits
 * 1..8, a_bits 2..8, g 2..8, columns that are not a multiple of g, extreme
 * codes; invalid ternary codes, a too narrow table word and the fault hook. */
#include "intq.h"
#include "lutgemv.h"
#include "pim_bank.h"
#include "shiftmac.h"
#include "test_util.h"

static uint32_t rng = 12345u;
static uint32_t rnd(void) { return rng = rng * 1664525u + 1013904223u, rng >> 8; }
static float frnd(void) { return ((float)(rnd() % 20001u) - 10000.0f) / 997.0f; }

/* Row r of the bank's format: the scale, then the codes LSB first. */
static void pack_row(const lutgemv_cfg *c, const int16_t *w, float scale, uint8_t *row) {
    memset(row, 0, pim_row_bytes(c));
    memcpy(row, &scale, 4);
    for (size_t k = 0; k < c->cols; k++)
        for (int b = 0; b < c->w_bits; b++) {
            size_t bit = k * (size_t)c->w_bits + (size_t)b;
            if (((unsigned)w[k] >> b) & 1u) row[4 + bit / 8] |= (uint8_t)(1u << (bit % 8));
        }
}

static int wrange(const lutgemv_cfg *c, int *lo) {
    int mn, mx;
    lutgemv_weight_range(c, &mn, &mx);
    *lo = mn;
    return mx - mn + 1;
}

static size_t compared;

/* One configuration: R rows of random (and extreme) weights, one activation. */
static void check_cfg(lutgemv_cfg c) {
    size_t R = c.rows, K = c.cols;
    int lo, span = wrange(&c, &lo);
    int16_t *w = malloc(R * K * sizeof *w);
    float *x = malloc(K * sizeof *x), *ws = malloc(R * sizeof *ws), *y = malloc(R * sizeof *y), *yg = malloc(R * sizeof *yg);
    uint8_t *img = malloc(R * pim_row_bytes(&c));
    int16_t *tab = malloc(lutgemv_table_len(&c) * sizeof *tab);
    int64_t *acc = malloc(R * sizeof *acc);
    assert_non_null(w), assert_non_null(x), assert_non_null(img), assert_non_null(tab), assert_non_null(acc);
    for (size_t r = 0; r < R; r++) {
        for (size_t k = 0; k < K; k++) /* row 0 all at the range's low end, row 1 at its high end */
            w[r * K + k] = (int16_t)(r == 0 ? lo : r == 1 ? lo + span - 1 : lo + (int)(rnd() % (unsigned)span));
        ws[r] = frnd() / 64.0f;
        pack_row(&c, w + r * K, ws[r], img + r * pim_row_bytes(&c));
    }
    for (size_t k = 0; k < K; k++) x[k] = k % 7 == 3 ? 0.0f : frnd();
    pim_bank b;
    assert_int_equal(pim_bank_input(&b, &c, 16, x), LPCS_OK);
    /* the unit input: golden intq's per-token absmax codes */
    float sc = intq_scale_for_absmax(c.a_bits, intq_absmax(x, K));
    assert_memory_equal(&b.x_scale, &sc, 4);
    for (size_t k = 0; k < K; k++) assert_int_equal(b.xq[k], intq_quantize_one(c.a_bits, x[k], sc));
    /* two tiles, as the platform splits rows */
    assert_int_equal(pim_bank_rows(&b, img, R / 2, y), LPCS_OK);
    assert_int_equal(pim_bank_rows(&b, img + (R / 2) * pim_row_bytes(&c), R - R / 2, y + R / 2), LPCS_OK);
    assert_int_equal(lutgemv_build_tables(&c, w, NULL, 16, tab), LPCS_OK);
    assert_int_equal(lutgemv_gemv(&c, tab, b.xq, 0, acc, NULL), LPCS_OK);
    assert_int_equal(lutgemv_convert(&c, acc, ws, &b.x_scale, yg), LPCS_OK);
    for (size_t r = 0; r < R; r++) {
        if (memcmp(&y[r], &yg[r], 4))
            fail_msg("w%d%s a%d g%d K%zu row %zu: bank %.9g golden %.9g", c.w_bits,
                     c.w_kind == LUTGEMV_W_TERNARY ? "t" : "", c.a_bits, c.g, K, r, y[r], yg[r]);
        compared++;
    }
    /* the fault hook: exactly one code of the row changes, to another valid weight */
    uint8_t *row = img + (R / 2) * pim_row_bytes(&c);
    pim_bank_corrupt(&b, row);
    float yf;
    assert_int_equal(pim_bank_rows(&b, row, 1, &yf), LPCS_OK);
    if (b.xq[b.fault_col] != 0 && ws[R / 2] != 0.0f) assert_memory_not_equal(&yf, &y[R / 2], 4);
    pim_bank_free(&b);
    free(w), free(x), free(ws), free(y), free(yg), free(img), free(tab), free(acc);
}

static void test_bank_vs_golden(void **state) {
    (void)state;
    compared = 0;
    for (int wb = 1; wb <= 8; wb++)
        for (int g = 2; g <= 8; g++) {
            lutgemv_cfg c = {.rows = 9, .cols = 1 + rnd() % 70, .batch = 1, .g = g, .w_bits = wb,
                             .w_kind = LUTGEMV_W_SIGNED, .a_bits = 2 + (int)(rnd() % 7)};
            check_cfg(c);
            if (wb == 2) {
                c.w_kind = LUTGEMV_W_TERNARY;
                check_cfg(c);
            }
        }
    for (int ab = 2; ab <= 8; ab++) { /* every activation width at the model's shape class */
        lutgemv_cfg c = {.rows = 8, .cols = 256, .batch = 1, .g = 4, .w_bits = 4, .w_kind = LUTGEMV_W_SIGNED, .a_bits = ab};
        check_cfg(c);
    }
    assert_true(compared >= 600);
    printf("test_pim_bank: %zu LUT-GEMV rows equal to golden\n", compared);
}

static void test_bank_refuses(void **state) {
    (void)state;
    lutgemv_cfg c = {.rows = 2, .cols = 8, .batch = 1, .g = 4, .w_bits = 2, .w_kind = LUTGEMV_W_TERNARY, .a_bits = 8};
    float x[8] = {1, -2, 3, -4, 5, -6, 7, -8};
    pim_bank b;
    assert_int_equal(pim_bank_input(&b, &c, 16, x), LPCS_OK);
    uint8_t row[16] = {0};
    row[4] = 0x02; /* code 0b10 in column 0: not a ternary weight */
    float y;
    assert_int_equal(pim_bank_rows(&b, row, 1, &y), LPCS_EFORMAT);
    pim_bank_free(&b);
    c.w_kind = LUTGEMV_W_SIGNED, c.w_bits = 8; /* entries in [-512, 508] need 10 bits */
    assert_int_equal(pim_bank_input(&b, &c, 9, x), LPCS_ERANGE);
    pim_bank_free(&b);
    assert_int_equal(pim_bank_input(&b, &c, 10, x), LPCS_OK);
    pim_bank_free(&b);
    c.qgroup = 4; /* one scale per row only */
    assert_int_equal(pim_bank_input(&b, &c, 16, x), LPCS_EINVAL);
    pim_bank_free(&b);
}

static void test_shift_vs_golden(void **state) {
    (void)state;
    size_t n = 0;
    for (size_t K = 1; K <= 300; K += 37) {
        size_t R = 7;
        float *w = malloc(R * K * sizeof *w), *x = malloc(K * sizeof *x), y[7], yg[7];
        for (size_t i = 0; i < R * K; i++) w[i] = frnd();
        for (size_t k = 0; k < K; k++) x[k] = frnd();
        shiftmac_linear L;
        assert_int_equal(shiftmac_linear_init(&L, w, K, R, 1), LPCS_OK);
        size_t rb = shift_row_bytes(K), pb = shiftmac_row_bytes(K);
        uint8_t *img = malloc(R * rb);
        for (size_t r = 0; r < R; r++) memcpy(img + r * rb, &L.alpha[r], 4), memcpy(img + r * rb + 4, L.packed + r * pb, pb);
        void *scratch = malloc(shiftmac_linear_scratch_bytes(&L));
        assert_int_equal(shiftmac_linear_forward(&L, x, yg, scratch), LPCS_OK);
        shift_engine e;
        assert_int_equal(shift_engine_input(&e, K, x), LPCS_OK);
        assert_int_equal(shift_engine_rows(&e, img, 3, y), LPCS_OK);
        assert_int_equal(shift_engine_rows(&e, img + 3 * rb, R - 3, y + 3), LPCS_OK);
        assert_memory_equal(y, yg, R * sizeof *y);
        n += R;
        shift_engine_corrupt(&e, img); /* the sign of one code of row 0 */
        assert_int_equal(shift_engine_rows(&e, img, 1, y), LPCS_OK);
        if (e.xq[e.fault_col] != 0 && L.alpha[0] != 0.0f) assert_memory_not_equal(&y[0], &yg[0], 4);
        shift_engine_free(&e);
        shiftmac_linear_free(&L);
        free(w), free(x), free(img), free(scratch);
    }
    assert_true(n >= 50);
    printf("test_pim_bank: %zu shift-MAC rows equal to golden\n", n);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_bank_vs_golden), cmocka_unit_test(test_bank_refuses),
                                       cmocka_unit_test(test_shift_vs_golden)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
