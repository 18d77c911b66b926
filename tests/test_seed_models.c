/* models/cpu_baseline and models/cost_model (issue 16): values computed by
 * hand here, not taken from the code under test. */
#include "test_util.h"

#include <math.h>

#include "cost_model.h"
#include "cpu_baseline.h"

static void near(double got, double want, double rel) {
    if (!(fabs(got - want) <= rel * fabs(want))) fail_msg("got %.9g, want %.9g", got, want);
}

static void test_n1_defaults(void **st) {
    (void)st;
    cpu_config c;
    cpu_neoverse_n1(&c);
    assert_int_equal(c.cores, 64);
    near(c.clock_ghz, 2.5, 1e-12);
    near(c.int8_macs_per_core_cycle, 32, 1e-12);
    near(c.dram_gbps, 204.8, 1e-12); /* 8 x 3200e6 x 8 B */
}

static void test_v100(void **st) {
    (void)st;
    cpu_config c;
    cpu_v100(&c);
    /* 80 x 1.53e9 x 512 = 62.6688e12 MAC/s = 125.3 TFLOPS (datasheet: 125) */
    near(c.cores * c.clock_ghz * 1e9 * c.int8_macs_per_core_cycle, 62.6688e12, 1e-12);
    near(c.dram_gbps, 900, 1e-12);
}

static void test_cpu_roofline(void **st) {
    (void)st;
    cpu_config c = {.cores = 64, .clock_ghz = 2.5, .int8_macs_per_core_cycle = 32, .dram_gbps = 204.8};
    cpu_step s;
    /* 7e9 MACs: 64 x 2.5e9 x 32 = 5.12e12 MAC/s -> 1.3671875 ms; 3.5e9 B / 204.8e9 B/s = 17.08984375 ms */
    assert_int_equal(cpu_step_time(&c, 7e9, 3.5e9, &s), 0);
    near(s.compute_s, 1.3671875e-3, 1e-12);
    near(s.mem_s, 17.08984375e-3, 1e-12);
    assert_int_equal(s.dram_bound, 1);
    near(s.step_s, 17.08984375e-3, 1e-12);
    /* one core: 7e9 / 8e10 = 87.5 ms, compute-bound */
    c.cores = 1;
    assert_int_equal(cpu_step_time(&c, 7e9, 3.5e9, &s), 0);
    near(s.step_s, 87.5e-3, 1e-12);
    assert_int_equal(s.dram_bound, 0);
    /* bad input */
    assert_int_equal(cpu_step_time(&c, -1, 0, &s), -1);
    assert_int_equal(cpu_step_time(&c, 1, NAN, &s), -1);
    c.cores = 0;
    assert_int_equal(cpu_step_time(&c, 1, 1, &s), -1);
    assert_int_equal(cpu_step_time(NULL, 1, 1, &s), -1);
}

static void test_cost(void **st) {
    (void)st;
    /* 300 mm wafer, 100 mm^2: pi 150^2 / 100 = 706.858..., pi 300 / sqrt(200) = 66.643... -> 640.2151 */
    near(cost_dies_per_wafer(300, 100), 706.8583470577036 - 66.64324407237548, 1e-9);
    assert_true(cost_dies_per_wafer(300, 1e6) == 0);
    assert_true(cost_dies_per_wafer(0, 100) == 0);
    /* 100 mm^2 = 1 cm^2 at 0.1 / cm^2: e^-0.1 = 0.904837418 */
    near(cost_yield(100, 0.1), 0.90483741803596, 1e-12);
    /* $9346 / (640.2151 x 0.90483741804) = $16.1332... */
    near(cost_die_usd(100, 9346, 300, 0.1), 9346 / (640.215102985328 * 0.90483741803596), 1e-9);
    assert_true(cost_die_usd(1e6, 9346, 300, 0.1) == -1);
    assert_true(cost_die_usd(100, -1, 300, 0.1) == -1);
    /* $26280 over 3 years (26280 h) = $1/h, plus 500 W x $0.10/kWh = $0.05/h */
    near(cost_usd_per_hour(26280, 3, 500, 0.10), 1.05, 1e-12);
    assert_true(cost_usd_per_hour(1, 0, 0, 0) == -1);
    assert_true(cost_usd_per_hour(-1, 1, 0, 0) == -1);
    /* 10 tokens/s at $2/h: 36000 / 2 = 18000 tokens per dollar */
    near(cost_tokens_per_usd(10, 2), 18000, 1e-12);
    assert_true(cost_tokens_per_usd(10, 0) == 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_n1_defaults),
        cmocka_unit_test(test_v100),
        cmocka_unit_test(test_cpu_roofline),
        cmocka_unit_test(test_cost),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
