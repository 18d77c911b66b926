/* rtl backend vs cpu backend, exact mode, whole models: every op whose unit
 * has RTL runs on its Verilated model (RMMEC for posit/FP4 plans, the shift-
 * MAC engine for w=shiftmac, the ternary engine for BitLinear, the PIM
 * LUT-GEMV bank for integer / ternary weights with int8 activations), every layer,
 * a window of 16 tokens; the logits must equal the cpu backend's (golden)
 * bit for bit, and every unit op must be placed on rtl, on its planned unit
 * and mode, without fallback (the fields the run report prints).
 *
 * Built twice (tests/runtime.mk): test_runtime_rtl_exact against the real
 * RTL, test_runtime_rtl_exact_fault against the units Verilated with a
 * DUT-side fault (RMMEC: a partial-product bit stuck at 0; shift-MAC:
 * FAULT=2, a shift of 0 done as 1; ternary engine: -DTERNARY_FAULT_NEG, the
 * last tile position adds x for a -1 weight; PIM bank: -DPIM_FAULT_RSP, bit
 * 3 of every read-out sum flipped). The fault build inverts the check: for
 * each case the fault reaches (P4, P8, P16, FP4, shift-MAC, ternary, PIM) the logits must
 * DIFFER from cpu (the equality check can fail for the right reason); it
 * stops at the first token that differs, and runs every faulted case.
 *
 * LPCS_RTL_CASES=all adds the slow P16 and PIM plans to the equality build
 * (make test runs the others; test-rtl-exact-report runs llama w=int4,a=int8
 * on the PIM bank through the CLI; test-rtl-exact-long runs all);
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
    int slow;                 /* equality build: only with LPCS_RTL_CASES=all */
    int faulted;              /* the fault build's unit has a fault these operands reach */
} rtl_case;

static const rtl_case CASES[] = {
    /* the fault build's stuck partial-product bit a[0]&b[0] lies in lane 0 of every RMMEC mode */
    {"models/shakespeare-llama.bin", "w=p8e0", "rmmec", "p8", 0, 1},
    {"models/shakespeare-llama.bin", "w=p4e1,a=p4e1", "rmmec", "p4", 0, 1},
    {"models/shakespeare-llama.bin", "w=fp4e2m1,a=fp4e2m1", "rmmec", "fp4", 0, 1},
    {"models/shakespeare-llama.bin", "w=p16e1,a=p16e1", "rmmec", "p16", 1, 1},
    {"models/shakespeare-llama.bin", "w=shiftmac", "shiftmac", "exact", 0, 1},
    {"models/shakespeare-mmfree.safetensors", NULL, "ternary", "exact", 0, 1},
    /* the PIM LUT-GEMV bank; the fault build's bank flips bit 3 of every result it reads out */
    {"models/shakespeare-llama.bin", "w=int4,a=int8", "lutgemv", "w4-a8-g4", 1, 1},
    {"models/shakespeare-llama.bin", "w=ternary,a=int8", "lutgemv", "t2-a8-g4", 1, 1},
};

#ifdef RTL_FAULT_BUILD
static const int fault_build = 1;
#else
static const int fault_build = 0;
#endif

/* An engine for case c on cpu or on rtl (then its placement is checked:
 * every matmul of the plan on the planned unit and mode, on rtl, no
 * fallback; everything else on the vector unit). */
static void init_engine(rt_engine *eng, const rt_model *m, const rtl_case *c, int on_rtl) {
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
    int rc = rt_engine_init(eng, m, pp, &so, &e);
    if (rc) fprintf(stderr, "%s\n", e.msg);
    assert_int_equal(rc, LPCS_OK);
    if (!on_rtl) return;
    int rtl = rt_sched_find(&so, "rtl"), unit_ops = 0;
    for (int i = 0; i < eng->n_ops; i++) {
        const rt_op *op = &eng->ops[i];
        if (op->backend != rtl) {
            assert_string_equal(op->unit, "vector");
            continue;
        }
        if (strcmp(op->unit, c->unit) || strcmp(op->mode, c->mode))
            fail_msg("%s: op %s is on unit %s mode %s (want %s %s)", c->plan ? c->plan : "-", op->name, op->unit,
                     op->mode, c->unit, c->mode);
        unit_ops++;
    }
    int want = m->cfg.arch == RT_ARCH_LLAMA ? 7 * m->cfg.n_layers + 1 : 6 * m->cfg.n_layers + 1;
    assert_int_equal(unit_ops, want);
    /* the fallbacks a report lists are exactly the vector ops (no RTL unit) */
    assert_int_equal(rt_sched_fallbacks(eng), eng->n_ops - unit_ops);
}

/* Wall and this thread's CPU seconds (the machine may be loaded). */
static double seconds(clockid_t clk) {
    struct timespec t;
    clock_gettime(clk, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void test_rtl_equals_cpu(void **state) {
    (void)state;
    const char *sel = getenv("LPCS_RTL_CASES");
    int all = sel && !strcmp(sel, "all"), ran = 0;
    const int prompt[NTOK] = {1, 'R' + 3, 'O' + 3, 'M' + 3, 'E' + 3, 'O' + 3, ':' + 3, '\n' + 3,
                              'W' + 3, 'h' + 3, 'a' + 3, 't' + 3, ' ' + 3, 's' + 3, 'a' + 3, 'y' + 3};
    for (size_t k = 0; k < sizeof CASES / sizeof *CASES; k++) {
        const rtl_case *c = &CASES[k];
        /* the fault build stops at the first token that differs: it runs every faulted case */
        if ((!fault_build && c->slow && !all) || (fault_build && !c->faulted)) continue;
        char p[600];
        rt_model m;
        rt_err e = {0, ""};
        int rc = rt_model_load(&m, test_shared_path(p, sizeof p, c->model), NULL, &e);
        if (rc) fprintf(stderr, "%s\n", e.msg);
        assert_int_equal(rc, LPCS_OK);
        rt_engine cpu, rtl;
        init_engine(&cpu, &m, c, 0);
        init_engine(&rtl, &m, c, 1);
        size_t V = (size_t)m.cfg.vocab, diff = 0, compared = 0;
        double s = 0, cpu_s = 0;
        int t = 0;
        /* lockstep; the fault build stops at the first token whose logits differ */
        for (; t < NTOK && !(fault_build && diff); t++) {
            const float *want = rt_engine_step(&cpu, prompt[t], &e);
            assert_non_null(want);
            double t0 = seconds(CLOCK_MONOTONIC), c0 = seconds(CLOCK_THREAD_CPUTIME_ID);
            const float *got = rt_engine_step(&rtl, prompt[t], &e);
            s += seconds(CLOCK_MONOTONIC) - t0, cpu_s += seconds(CLOCK_THREAD_CPUTIME_ID) - c0;
            if (!got) fprintf(stderr, "%s\n", e.msg);
            assert_non_null(got);
            for (size_t i = 0; i < V; i++) diff += memcmp(&want[i], &got[i], sizeof *got) != 0;
            compared += V;
        }
        unsigned long long cyc = rt_rtl_unit_cycles(&rtl, c->unit);
        assert_true(cyc > 0);
        printf("rtl %-8s %-5s %-20s %d tokens x %d layers: %zu of %zu logits differ from cpu; %llu cycles in %.2f s = "
               "%.3g simulated cycles/s (cpu %.2f s = %.3g cycles per cpu-second)\n",
               c->unit, c->mode, c->plan ? c->plan : "(model)", t, m.cfg.n_layers, diff, compared, cyc, s,
               (double)cyc / s, cpu_s, (double)cyc / cpu_s);
        if (fault_build && diff == 0)
            fail_msg("%s on the FAULTY %s RTL: logits equal cpu (fault not seen)", c->plan, c->unit);
        if (!fault_build && diff) fail_msg("%s: %zu logits differ between rtl and cpu", c->plan ? c->plan : "mmfree", diff);
        if (!fault_build) assert_int_equal(compared, (size_t)NTOK * V);
        rt_engine_free(&cpu);
        rt_engine_free(&rtl);
        rt_model_free(&m);
        ran++;
    }
    assert_true(ran >= (fault_build ? 8 : 5));
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_rtl_equals_cpu)};
    return cmocka_run_group_tests_name(fault_build ? "runtime_rtl_exact_fault" : "runtime_rtl_exact", tests, NULL, NULL);
}
