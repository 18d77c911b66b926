/* models/design_point + models/arch_model: config parsing (good and bad
 * input), round trip, cycle formulas against explicit command-by-command
 * counts, SRAM energy anchors, unit mapping, residency, area sums. */
#include "test_util.h"

#include <math.h>

#include "arch_consts.h"
#include "arch_model.h"
#include "design_point.h"

static void test_parse_ok(void **s) {
    (void)s;
    dp_config d;
    dp_default(&d);
    char err[256];
    assert_int_equal(dp_parse_json_text("{\"id\":\"x\",\"rmmec_units\":8,\"clock_ghz\":0.5,\"plan\":\"w=int4,kv=bf16\","
                                        "\"_comment\":\"ignored\"}",
                                        &d, err, sizeof err),
                     0);
    assert_string_equal(d.id, "x");
    assert_int_equal(d.rmmec_units, 8);
    assert_true(d.clock_ghz == 0.5);
    assert_string_equal(d.plan, "w=int4,kv=bf16");
    assert_int_equal(d.ternary_lanes, 8); /* default kept */
}

static void test_parse_bad(void **s) {
    (void)s;
    const char *bad[] = {
        "{\"rmmec_unit\":8}",              /* typo: unknown field */
        "{\"rmmec_units\":\"8\"}",         /* string for a number */
        "{\"rmmec_units\":8.5}",           /* not an integer */
        "{\"clock_ghz\":0}",               /* out of range */
        "{\"clock_ghz\":-1}",
        "{\"pim_g\":9}",
        "{\"ternary_ktile\":24}",          /* not a power of two */
        "{\"id\":\"\"}",                   /* empty id */
        "{\"plan\":5}",
        "{\"rmmec_units\":0,\"ternary_lanes\":0,\"pim_banks\":0}", /* no compute */
        "[1,2]", "{", "", "{\"dram_gbps\":1e400}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dp_config d;
        dp_default(&d);
        char err[256] = "";
        assert_int_not_equal(dp_parse_json_text(bad[i], &d, err, sizeof err), 0);
        assert_true(err[0] != 0);
    }
    char err[64];
    assert_int_not_equal(dp_parse_json_text(NULL, NULL, err, sizeof err), 0);
    assert_int_not_equal(dp_load_file("/nonexistent/x.json", NULL, err, sizeof err), 0);
    dp_config d;
    assert_int_not_equal(dp_load_file("/nonexistent/x.json", &d, err, sizeof err), 0);
}

static void test_round_trip(void **s) {
    (void)s;
    dp_config a, b;
    dp_default(&a);
    a.pim_banks = 3, a.dram_gbps = 12.8, a.sram_kib = 300;
    snprintf(a.plan, sizeof a.plan, "w=\"q\"");
    char js[2048], err[128];
    assert_int_equal(dp_to_json(&a, js, sizeof js), 0);
    dp_default(&b);
    assert_int_equal(dp_parse_json_text(js, &b, err, sizeof err), 0);
    assert_memory_equal(&a, &b, sizeof a);
    assert_int_not_equal(dp_to_json(&a, js, 10), 0); /* too small: an error, no overflow */
}

/* RMMEC: issue the commands one per cycle per unit, rows dealt round robin. */
static double rmmec_oracle(size_t rows, size_t cols, int lanes, int units) {
    double busiest = 0;
    for (int u = 0; u < units; u++) {
        double c = 0;
        for (size_t r = (size_t)u; r < rows; r += (size_t)units) {
            for (size_t k = 0; k < cols; k += (size_t)lanes) c++; /* ACC */
            c++;                                                  /* READ_CLEAR */
        }
        if (c > busiest) busiest = c;
    }
    return busiest + 4; /* last result: 4 edges after its READ (RTL-measured) */
}

static void test_cycles(void **s) {
    (void)s;
    const size_t sh[][2] = {{1, 1}, {7, 13}, {64, 256}, {100, 33}};
    for (size_t i = 0; i < 4; i++)
        for (int lanes = 1; lanes <= 4; lanes *= 2)
            for (int units = 1; units <= 16; units *= 4) {
                assert_true(arch_rmmec_cycles(sh[i][0], sh[i][1], lanes, units) ==
                            rmmec_oracle(sh[i][0], sh[i][1], lanes, units));
                /* ternary: one LANES x KTILE word per cycle, + 2 (RTL-measured) */
                double words = 0;
                for (size_t g = 0; g < sh[i][0]; g += (size_t)units)
                    for (size_t t = 0; t < sh[i][1]; t += 16) words++;
                assert_true(arch_ternary_cycles(sh[i][0], sh[i][1], units, 16) == words + 2);
            }
    /* whole ternary op as rtl/ternary_gemv.v's handshake: x words, weight words, start, run */
    assert_true(arch_ternary_op_cycles(64, 256, 8, 16, 0) == 16 + 128 + 1 + 128 + 2);
    assert_true(arch_ternary_op_cycles(64, 256, 8, 16, 1) == 16 + 1 + 128 + 2);
    assert_true(arch_rmmec_cycles(0, 5, 1, 1) == 0);
    assert_int_equal(arch_rmmec_lanes(4.25), 4);
    assert_int_equal(arch_rmmec_lanes(8), 2);
    assert_int_equal(arch_rmmec_lanes(16), 1);
}

static void test_energy_anchors(void **s) {
    (void)s;
    assert_true(fabs(arch_sram_pj_per_byte(8) - 10.0 / 8) < 1e-12);
    assert_true(fabs(arch_sram_pj_per_byte(32) - 20.0 / 8) < 1e-12);
    assert_true(fabs(arch_sram_pj_per_byte(1024) - 100.0 / 8) < 1e-9);
    assert_true(arch_sram_pj_per_byte(100) > arch_sram_pj_per_byte(32));
    assert_true(arch_sram_pj_per_byte(4096) > arch_sram_pj_per_byte(1024));
    assert_true(fabs(PJ_PER_T * YS_MUL8_T - HZ_MUL8_PJ) < 1e-12);
}

static void test_op_cost(void **s) {
    (void)s;
    dp_config d;
    dp_default(&d);
    arch_op o = {0};
    o.kind = ARCH_OP_GEMV, o.rows = 512, o.cols = 512, o.w_bits = 8, o.a_bits = 8, o.w_fmt = ARCH_FMT_FLOAT;
    arch_cost c, r;
    assert_int_equal(arch_op_cost(&d, &o, &c), 0);
    assert_int_equal(c.unit, ARCH_U_RMMEC);
    assert_true(c.dram_bytes == 512.0 * 512);
    assert_true(c.cycles >= c.dram_bytes / arch_dram_bytes_per_cycle(&d));
    assert_true(c.cycles >= c.compute_cycles);
    o.weights_resident = 1;
    assert_int_equal(arch_op_cost(&d, &o, &r), 0);
    assert_true(r.dram_bytes == 0 && r.e_dram_pj == 0);
    assert_true(r.cycles == r.compute_cycles + HOST_CMD_CYCLES);
    o.w_fmt = ARCH_FMT_INT;
    assert_int_equal(arch_pick_unit(&d, &o), ARCH_U_PIM);
    d.pim_banks = 0;
    assert_int_equal(arch_pick_unit(&d, &o), ARCH_U_RMMEC);
    o.kind = ARCH_OP_BITLINEAR;
    assert_int_equal(arch_pick_unit(&d, &o), ARCH_U_TERNARY);
    d.ternary_lanes = 0;
    assert_int_equal(arch_pick_unit(&d, &o), ARCH_U_RMMEC);
    assert_int_not_equal(arch_op_cost(NULL, &o, &c), 0);
    assert_int_not_equal(arch_op_cost(&d, NULL, &c), 0);
}

static void test_area(void **s) {
    (void)s;
    dp_config d;
    dp_default(&d);
    arch_area a, b;
    assert_int_equal(arch_area_of(&d, &a), 0);
    assert_true(fabs(a.total - (a.unit[ARCH_U_RMMEC] + a.unit[ARCH_U_TERNARY] + a.unit[ARCH_U_LUTGEMV] + a.unit[ARCH_U_VECTOR] + a.sram)) < 1e-12);
    d.rmmec_units *= 2;
    arch_area_of(&d, &b);
    assert_true(fabs(b.unit[ARCH_U_RMMEC] - 2 * a.unit[ARCH_U_RMMEC]) < 1e-12);
    assert_int_not_equal(arch_area_of(NULL, &a), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_ok),  cmocka_unit_test(test_parse_bad), cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_cycles),    cmocka_unit_test(test_energy_anchors), cmocka_unit_test(test_op_cost),
        cmocka_unit_test(test_area),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
