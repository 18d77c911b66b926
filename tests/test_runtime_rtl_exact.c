/* rtl backend vs cpu backend, exact mode, whole models: every op whose unit
 * has RTL runs on its Verilated model (RMMEC for posit/FP4 plans, the shift-
 * MAC engine for w=shiftmac, the ternary engine for BitLinear), every layer,
 * a window of 16 tokens; the logits must equal the cpu backend's (golden)
 * bit for bit, and every unit op must be placed on rtl, on its planned unit
 * and mode, without fallback (the fields the run report prints).
 *
 * Built twice (tests/runtime.mk): test_runtime_rtl_exact against the real
 * RTL, test_runtime_rtl_exact_fault against the units Verilated with a
 * DUT-side fault (RMMEC: a partial-product bit stuck at 0; shift-MAC:
 * FAULT=2, a shift of 0 done as 1). The fault build inverts the check: for
 * each faulted unit the logits must DIFFER from cpu (the equality check can
 * fail for the right reason); ternary (not faulted there) is skipped.
 *
 * LPCS_RTL_CASES=all adds the slow P16 plan (make test runs the others);
 * each case prints the unit's simulated cycles and cycles per second
 * (bench/rtl/run_rtl_bench.sh collects them). */
#include "test_util.h"

#include <time.h>

#include "backend_rtl.h"
#include "engine.h"
#include "model.h"
#include "plan.h"

#define NTOK 16

typedef struct {
    const char *model, *plan; /* plan NULL: the model's own (mmfree: BitLinear) */
    const char *unit, *mode;
    int slow;                 /* only with LPCS_RTL_CASES=all */
} rtl_case;

static const rtl_case CASES[] = {
    {"models/shakespeare-llama.bin", "w=p8e0", "rmmec", "p8", 0},
    {"models/shakespeare-llama.bin", "w=p4e1,a=p4e1", "rmmec", "p4", 0},
    {"models/shakespeare-llama.bin", "w=fp4e2m1,a=fp4e2m1", "rmmec", "fp4", 0},
    {"models/shakespeare-llama.bin", "w=p16e1,a=p16e1", "rmmec", "p16", 1},
    {"models/shakespeare-llama.bin", "w=shiftmac", "shiftmac", "exact", 0},
    {"models/shakespeare-mmfree.safetensors", NULL, "ternary", "exact", 0},
};

#ifdef RTL_FAULT_BUILD
static const int fault_build = 1;
#else
static const int fault_build = 0;
#endif

/* Runs the 16-token window; logits [NTOK][V]. On rtl, checks placement. */
static double run(const rt_model *m, const rtl_case *c, int on_rtl, float *out, unsigned long long *cycles) {
    rt_err e = {0, ""};
    rt_plan plan, *pp = NULL;
    if (c->plan) {
        assert_int_equal(rt_plan_parse(&plan, c->plan, &e), LPCS_OK);
        pp = &plan;
    }
    rt_sched_opts so;
    rt_sched_default(&so);
    static const rt_rtl_config rcfg = {NULL, 0, 0};
    assert_int_equal(rt_sched_register(&so, &rt_backend_rtl, &rcfg, &e), LPCS_OK);
    assert_int_equal(rt_sched_backend(&so, on_rtl ? "rtl" : "cpu", &e), LPCS_OK);
    rt_engine eng;
    int rc = rt_engine_init(&eng, m, pp, &so, &e);
    if (rc) fprintf(stderr, "%s\n", e.msg);
    assert_int_equal(rc, LPCS_OK);
    int rtl = rt_sched_find(&so, "rtl"), unit_ops = 0;
    for (int i = 0; on_rtl && i < eng.n_ops; i++) {
        const rt_op *op = &eng.ops[i];
        if (op->type != OP_MATMUL && op->type != OP_BITLINEAR) continue;
        if (op->type == OP_MATMUL && !c->plan) continue;
        /* every matmul of the plan: planned unit + mode, placed on rtl, no fallback */
        if (strcmp(op->unit, c->unit) || strcmp(op->mode, c->mode) || op->backend != rtl)
            fail_msg("%s: op %s is on unit %s mode %s backend %d (want %s %s on rtl = %d): %s", c->plan ? c->plan : "-",
                     op->name, op->unit, op->mode, op->backend, c->unit, c->mode, rtl, op->fallback_why);
        unit_ops++;
    }
    if (on_rtl) {
        int want = m->cfg.arch == RT_ARCH_LLAMA ? 7 * m->cfg.n_layers + 1 : 6 * m->cfg.n_layers + 1;
        assert_int_equal(unit_ops, want);
        for (int i = 0; i < eng.n_ops; i++) /* what did not go to rtl is the vector unit's */
            if (eng.ops[i].backend != rtl) assert_string_equal(eng.ops[i].unit, "vector");
    }
    const int prompt[NTOK] = {1, 'R' + 3, 'O' + 3, 'M' + 3, 'E' + 3, 'O' + 3, ':' + 3, '\n' + 3,
                              'W' + 3, 'h' + 3, 'a' + 3, 't' + 3, ' ' + 3, 's' + 3, 'a' + 3, 'y' + 3};
    size_t V = (size_t)m->cfg.vocab;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int t = 0; t < NTOK; t++) {
        const float *lg = rt_engine_step(&eng, prompt[t], &e);
        if (!lg) fprintf(stderr, "%s\n", e.msg);
        assert_non_null(lg);
        memcpy(out + (size_t)t * V, lg, V * sizeof *lg);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    *cycles = rt_rtl_unit_cycles(&eng, c->unit);
    if (on_rtl) assert_true(*cycles > 0);
    rt_engine_free(&eng);
    return (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
}

static void test_rtl_equals_cpu(void **state) {
    (void)state;
    const char *sel = getenv("LPCS_RTL_CASES");
    int all = sel && !strcmp(sel, "all"), ran = 0;
    for (size_t k = 0; k < sizeof CASES / sizeof *CASES; k++) {
        const rtl_case *c = &CASES[k];
        if (c->slow && !all) continue;
        if (fault_build && !strcmp(c->unit, "ternary")) continue; /* no faulted ternary engine in this build */
        char p[600];
        rt_model m;
        rt_err e = {0, ""};
        int rc = rt_model_load(&m, test_shared_path(p, sizeof p, c->model), NULL, &e);
        if (rc) fprintf(stderr, "%s\n", e.msg);
        assert_int_equal(rc, LPCS_OK);
        size_t n = (size_t)NTOK * (size_t)m.cfg.vocab, diff = 0;
        float *want = malloc(n * sizeof *want), *got = malloc(n * sizeof *got);
        assert_non_null(want);
        assert_non_null(got);
        unsigned long long cyc = 0;
        run(&m, c, 0, want, &cyc);
        double s = run(&m, c, 1, got, &cyc);
        for (size_t i = 0; i < n; i++) diff += memcmp(&want[i], &got[i], sizeof *got) != 0;
        printf("rtl %-8s %-4s %-20s %d tokens x %d layers: %zu of %zu logits differ from cpu; %llu cycles in %.2f s = "
               "%.3g simulated cycles/s\n",
               c->unit, c->mode, c->plan ? c->plan : "(model)", NTOK, m.cfg.n_layers, diff, n, cyc, s,
               (double)cyc / s);
        if (fault_build && diff == 0) fail_msg("%s on the FAULTY %s RTL: logits equal cpu (fault not seen)", c->plan, c->unit);
        if (!fault_build && diff) fail_msg("%s: %zu logits differ between rtl and cpu", c->plan ? c->plan : "mmfree", diff);
        free(want), free(got);
        rt_model_free(&m);
        ran++;
    }
    assert_true(ran >= (fault_build ? 4 : 5));
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_rtl_equals_cpu)};
    return cmocka_run_group_tests_name(fault_build ? "runtime_rtl_exact_fault" : "runtime_rtl_exact", tests, NULL, NULL);
}
