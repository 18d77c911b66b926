/* rtl backend vs cpu on the shipped MatMul-free model: layer 0's six
 * BitLinear ops placed on the Verilated ternary GEMV engine (the rest on
 * cpu) must give the cpu backend's logits bit for bit, token after token.
 * Built only with the Verilated library (test step test-runtime-rtl).
 * LPCS_RTL_VCD=path writes a waveform of the engine's run. */
#include "test_util.h"

#include "backend_rtl.h"
#include "engine.h"
#include "model.h"

static void test_rtl_layer0_equals_cpu(void **state) {
    (void)state;
    char p[600];
    rt_model m;
    rt_err e = {0, ""};
    int rc = rt_model_load(&m, test_shared_path(p, sizeof p, "models/shakespeare-mmfree.safetensors"), NULL, &e);
    if (rc) fprintf(stderr, "%s\n", e.msg);
    assert_int_equal(rc, LPCS_OK);
    rt_sched_opts cpu, rtl;
    rt_rtl_config rcfg = {getenv("LPCS_RTL_VCD"), 0, 0};
    rt_sched_default(&cpu);
    assert_int_equal(rt_sched_register(&cpu, &rt_backend_rtl, &rcfg, &e), LPCS_OK);
    assert_int_equal(rt_sched_backend(&cpu, "cpu", &e), LPCS_OK);
    rtl = cpu;
    assert_int_equal(rt_sched_place(&rtl, "L0.*=rtl", &e), LPCS_OK);
    rt_engine a, b;
    assert_int_equal(rt_engine_init(&a, &m, NULL, &cpu, &e), LPCS_OK);
    assert_int_equal(rt_engine_init(&b, &m, NULL, &rtl, &e), LPCS_OK);
    int on_rtl = 0;
    for (int i = 0; i < b.n_ops; i++) {
        const rt_op *op = &b.ops[i];
        if (op->backend == rt_sched_find(&rtl, "rtl")) {
            assert_int_equal(op->type, OP_BITLINEAR);
            assert_int_equal(op->layer, 0);
            on_rtl++;
        }
    }
    assert_int_equal(on_rtl, 6);
    const int toks[] = {1, 85, 82, 80, 72};
    for (int t = 0; t < 5; t++) {
        const float *x = rt_engine_step(&a, toks[t], &e), *y = rt_engine_step(&b, toks[t], &e);
        if (!y) fprintf(stderr, "%s\n", e.msg);
        assert_non_null(x);
        assert_non_null(y);
        if (memcmp(x, y, (size_t)m.cfg.vocab * 4)) {
            for (int k = 0; k < m.cfg.vocab; k++)
                if (memcmp(&x[k], &y[k], 4)) {
                    fprintf(stderr, "token %d logit %d: cpu %a rtl %a\n", t, k, x[k], y[k]);
                    break;
                }
            fail();
        }
    }
    unsigned long long cyc = rt_rtl_cycles(&b);
    fprintf(stderr, "rtl: 5 tokens x 6 BitLinear GEMVs of layer 0 in %llu simulated cycles\n", cyc);
    assert_true(cyc > 0);
    rt_engine_free(&a);
    rt_engine_free(&b);
    rt_model_free(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_rtl_layer0_equals_cpu)};
    return cmocka_run_group_tests_name("runtime_rtl", tests, NULL, NULL);
}
