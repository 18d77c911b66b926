/* LUT-GEMV cycle / energy model: formulas on hand-computed shapes, the
 * pattern-reuse saving, bank splitting, energy bookkeeping, bad input. (The
 * model's equality with the RTL's cycle counts is the test-lutgemv-model step.) */
#include "test_util.h"
#include "lutgemv_model.h"

static void test_cycles_by_hand(void **state) {
    (void)state;
    /* M=16, K=32, N=8, g=4, a=8: G=8. All tokens identical -> 1 lookup per (r,grp,p). */
    lutgemv_cfg c = {.rows = 16, .cols = 32, .batch = 8, .g = 4, .w_bits = 4, .a_bits = 8};
    int8_t x[8 * 32];
    for (int i = 0; i < 8 * 32; i++) x[i] = (int8_t)(i % 32 - 16);
    lutgemv_counts k;
    assert_int_equal(lutgemv_count_lookups(&c, x, 1, &k), LPCS_OK);
    assert_int_equal(k.lookups_done, 16 * 8 * 8);
    lutgemv_model_params p = lutgemv_model_defaults();
    lutgemv_cycles cy;
    assert_int_equal(lutgemv_model_cycles(&c, &k, &p, &cy), LPCS_OK);
    assert_int_equal(cy.build, 16 * 8 * 16);
    assert_int_equal(cy.load_x, 8 * 8);
    assert_int_equal(cy.run, 16 * 8 * 8 + 2);
    assert_int_equal(cy.read, 16 * 8);
    assert_int_equal(cy.convert, (16 * 8 + 31) / 32 * 64);
    assert_int_equal(cy.total, cy.build + cy.load_x + cy.run + cy.read + cy.convert);
    p.pattern_aware = 0; /* no reuse: every token looks up */
    assert_int_equal(lutgemv_model_cycles(&c, &k, &p, &cy), LPCS_OK);
    assert_int_equal(cy.run, 16 * 8 * 8 * 8 + 2);
    p.pattern_aware = 1;
    p.banks = 3; /* rows split 6/5/5: the slowest bank counts */
    assert_int_equal(lutgemv_model_cycles(&c, &k, &p, &cy), LPCS_OK);
    assert_int_equal(cy.build, 6 * 8 * 16);
    assert_int_equal(cy.run, 6 * 8 * 8 + 2);
    assert_int_equal(cy.read, 6 * 8);
}

static void test_energy(void **state) {
    (void)state;
    lutgemv_cfg c = {.rows = 4, .cols = 8, .batch = 2, .g = 4, .w_bits = 2, .w_kind = LUTGEMV_W_TERNARY, .a_bits = 8};
    int8_t x[16] = {1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8};
    lutgemv_counts k;
    assert_int_equal(lutgemv_count_lookups(&c, x, 1, &k), LPCS_OK);
    lutgemv_model_params p = lutgemv_model_defaults();
    lutgemv_energy_params e = {1, 2, 3, 4, 5}; /* read/bit, write/bit, add/bit, compare, convert */
    lutgemv_energy en;
    assert_int_equal(lutgemv_model_energy(&c, &k, &p, &e, 4, 16, &en), LPCS_OK);
    assert_true(en.table_build == (double)k.table_entries * 4 * 2);
    assert_true(en.lookups == (double)k.lookups_done * 4 * 1);
    assert_true(en.index_compare == (double)k.lookups_naive * 4);
    assert_true(en.accumulate == (double)k.accumulates * 16 * 3);
    assert_true(en.convert == (double)k.conversions * 5);
    assert_true(en.load_x == 2.0 * 8 * 8 * 2);
    assert_true(en.total == en.table_build + en.lookups + en.index_compare + en.accumulate + en.convert + en.load_x);
    /* Two identical tokens: reuse halves the lookups, so less lookup energy. */
    p.pattern_aware = 0;
    lutgemv_energy en0;
    assert_int_equal(lutgemv_model_energy(&c, &k, &p, &e, 4, 16, &en0), LPCS_OK);
    assert_true(en0.lookups == 2 * en.lookups && en0.index_compare == 0.0);
    lutgemv_energy_params d = lutgemv_energy_defaults();
    assert_true(d.e_sram_read_bit > 0 && d.e_add_bit > 0 && d.e_convert > 0);
}

/* Uniform random activations: the measured lookups agree with the analytic
 * expectation within 1% (and exactly when N = 1 or without reuse). */
static void test_expected_counts(void **state) {
    (void)state;
    uint64_t rng = 5;
    int gs[3] = {2, 4, 6};
    size_t ns[3] = {1, 8, 32};
    for (int gi = 0; gi < 3; gi++)
        for (int ni = 0; ni < 3; ni++) {
            lutgemv_cfg c = {.rows = 2, .cols = 3072, .batch = ns[ni], .g = gs[gi], .w_bits = 4, .a_bits = 8};
            int8_t *x = malloc(c.batch * c.cols);
            for (size_t i = 0; i < c.batch * c.cols; i++) x[i] = (int8_t)(test_rand64(&rng) & 0xff);
            lutgemv_counts k, e, e0;
            assert_int_equal(lutgemv_count_lookups(&c, x, 1, &k), LPCS_OK);
            assert_int_equal(lutgemv_model_expected_counts(&c, 1, &e), LPCS_OK);
            assert_int_equal(lutgemv_model_expected_counts(&c, 0, &e0), LPCS_OK);
            double rel = ((double)k.lookups_done - (double)e.lookups_done) / (double)e.lookups_done;
            if (rel > 0.01 || rel < -0.01) {
                fprintf(stderr, "g=%d N=%zu: measured %llu expected %llu\n", c.g, c.batch,
                        (unsigned long long)k.lookups_done, (unsigned long long)e.lookups_done);
                fail();
            }
            if (c.batch == 1) assert_int_equal(e.lookups_done, k.lookups_done);
            assert_int_equal(e0.lookups_done, k.lookups_naive);
            assert_int_equal(e.lookups_naive, k.lookups_naive);
            assert_int_equal(e.table_entries, k.table_entries);
            assert_int_equal(e.conversions, k.conversions);
            free(x);
        }
    assert_int_equal(lutgemv_model_expected_counts(NULL, 1, &(lutgemv_counts){0}), LPCS_EINVAL);
}

static void test_bad_input(void **state) {
    (void)state;
    lutgemv_cfg c = {.rows = 4, .cols = 8, .batch = 2, .g = 4, .w_bits = 2, .a_bits = 8};
    lutgemv_counts k = {0};
    lutgemv_model_params p = lutgemv_model_defaults();
    lutgemv_energy_params e = lutgemv_energy_defaults();
    lutgemv_cycles cy;
    lutgemv_energy en;
    assert_int_equal(lutgemv_model_cycles(NULL, &k, &p, &cy), LPCS_EINVAL);
    assert_int_equal(lutgemv_model_cycles(&c, NULL, &p, &cy), LPCS_EINVAL);
    assert_int_equal(lutgemv_model_cycles(&c, &k, NULL, &cy), LPCS_EINVAL);
    assert_int_equal(lutgemv_model_cycles(&c, &k, &p, NULL), LPCS_EINVAL);
    p.banks = 0;
    assert_int_equal(lutgemv_model_cycles(&c, &k, &p, &cy), LPCS_EINVAL);
    p = lutgemv_model_defaults();
    p.conv_lanes = 0;
    assert_int_equal(lutgemv_model_cycles(&c, &k, &p, &cy), LPCS_EINVAL);
    p = lutgemv_model_defaults();
    c.g = 9;
    assert_int_equal(lutgemv_model_cycles(&c, &k, &p, &cy), LPCS_EINVAL);
    c.g = 4;
    assert_int_equal(lutgemv_model_energy(&c, &k, &p, NULL, 0, 0, &en), LPCS_EINVAL);
    assert_int_equal(lutgemv_model_energy(&c, &k, &p, &e, 0, 0, NULL), LPCS_EINVAL);
    assert_int_equal(lutgemv_model_energy(&c, &k, &p, &e, 0, 0, &en), LPCS_OK);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_cycles_by_hand), cmocka_unit_test(test_energy),
                                       cmocka_unit_test(test_expected_counts),
                                       cmocka_unit_test(test_bad_input)};
    return cmocka_run_group_tests_name("lutgemv_model", tests, NULL, NULL);
}
