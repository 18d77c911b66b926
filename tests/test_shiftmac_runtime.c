/* The shift-MAC unit reached from the runtime: with --plan w=shiftmac every
 * matmul of shakespeare-llama runs golden shiftmac on the cpu backend, checked
 * op by op against the independent oracle (tests/shiftmac_oracle.c, which
 * quantizes the model's fp32 weights itself), and the sim backend (default
 * placement of matmuls) gives the same logits bit for bit. */
#include <math.h>

#include "engine.h"
#include "matmul_shiftmac.h"
#include "rt_arch.h"
#include "model.h"
#include "shiftmac_oracle.h"
#include "test_util.h"
#include "unit.h"

/* The model's fp32 weight behind a llama matmul op ("L3.wq", "lm_head"). */
static const float *weight_of(const rt_model *m, const rt_op *op) {
    if (!strcmp(op->name, "lm_head")) return m->cls;
    const rt_llama_layer *L = &m->ll[op->layer];
    const char *n = strchr(op->name, '.') + 1;
    if (!strcmp(n, "wq")) return L->wq;
    if (!strcmp(n, "wk")) return L->wk;
    if (!strcmp(n, "wv")) return L->wv;
    if (!strcmp(n, "wo")) return L->wo;
    if (!strcmp(n, "w1")) return L->w1;
    if (!strcmp(n, "w2")) return L->w2;
    if (!strcmp(n, "w3")) return L->w3;
    return NULL;
}

static void test_llama_shiftmac(void **state) {
    (void)state;
    char path[600];
    rt_model m;
    rt_err e = {0, ""};
    assert_int_equal(rt_model_load(&m, test_shared_path(path, sizeof path, "models/shakespeare-llama.bin"), NULL, &e),
                     LPCS_OK);
    rt_plan p;
    assert_int_equal(rt_plan_parse(&p, "w=shiftmac", &e), LPCS_OK);
    rt_sched_opts cpu, def;
    rt_sched_default(&cpu);
    rt_sched_default(&def);
    assert_int_equal(rt_sched_backend(&cpu, "cpu", &e), LPCS_OK);
    /* the sim backend on a design point with an 8 x 16 shift-MAC engine */
    dp_config dp;
    char err[200];
    dp_default(&dp);
    assert_int_equal(dp_set_field(&dp, "shiftmac_lanes", "8", 0, err, sizeof err), 0);
    assert_int_equal(rt_sched_register(&def, &rt_backend_sim, &dp, &e), LPCS_OK);
    rt_engine a, b;
    assert_int_equal(rt_engine_init(&a, &m, &p, &cpu, &e), LPCS_OK);
    assert_int_equal(rt_engine_init(&b, &m, &p, &def, &e), LPCS_OK);

    size_t nmat = 0, compared = 0;
    uint64_t rs = 11;
    for (int i = 0; i < a.n_ops; i++) {
        rt_op *op = &a.ops[i];
        if (op->type != OP_MATMUL) continue;
        nmat++;
        assert_non_null(op->aux);
        const float *w = weight_of(&m, op);
        assert_non_null(w);
        /* the oracle quantizes the fp32 weights (per-row absmax) and runs the linear op */
        uint8_t *codes = malloc(op->rows * op->cols);
        float *alpha = malloc(op->rows * 4), *want = malloc(op->rows * 4);
        assert_true(codes && alpha && want);
        for (size_t r = 0; r < op->rows; r++) {
            float mx = 0.0f;
            for (size_t k = 0; k < op->cols; k++) mx = fmaxf(mx, fabsf(w[r * op->cols + k]));
            alpha[r] = mx;
            for (size_t k = 0; k < op->cols; k++) codes[r * op->cols + k] = (uint8_t)orc_shift_quant(w[r * op->cols + k], mx);
        }
        float *in = rt_engine_buf(&a, op->in, op->layer), *out = rt_engine_buf(&a, op->out, op->layer);
        for (size_t k = 0; k < op->cols; k++) in[k] = (float)((int64_t)(test_rand64(&rs) % 4001) - 2000) / 700.0f;
        assert_int_equal(orc_shift_linear(codes, alpha, op->cols, op->rows, in, want), 0);
        assert_int_equal(rt_cpu_exec(&a, op), LPCS_OK);
        for (size_t r = 0; r < op->rows; r++, compared++) {
            uint32_t u, v;
            memcpy(&u, &out[r], 4), memcpy(&v, &want[r], 4);
            if (u != v) fail_msg("%s row %zu: runtime %a, oracle %a", op->name, r, out[r], want[r]);
        }
        free(codes), free(alpha), free(want);
    }
    assert_int_equal(nmat, 7 * (size_t)m.cfg.n_layers + 1);
    assert_true(compared >= 1000);

    /* whole tokens: cpu-only engine and default placement (matmuls on sim) agree */
    rt_engine_reset(&a);
    const int toks[] = {1, 85, 82, 80, 72};
    for (size_t t = 0; t < sizeof toks / sizeof *toks; t++) {
        const float *x = rt_engine_step(&a, toks[t], &e), *y = rt_engine_step(&b, toks[t], &e);
        assert_non_null(x);
        assert_non_null(y);
        assert_memory_equal(x, y, (size_t)m.cfg.vocab * 4);
        for (int v = 0; v < m.cfg.vocab; v++) assert_true(isfinite(x[v]));
    }
    /* batched prefill (rt_cpu_matmul over 5 tokens) = the same tokens one by one */
    rt_engine c;
    assert_int_equal(rt_engine_init(&c, &m, &p, &cpu, &e), LPCS_OK);
    const size_t nt = sizeof toks / sizeof *toks, V = (size_t)m.cfg.vocab;
    assert_true(rt_engine_batchable(&c));
    float *pl = malloc(nt * V * 4);
    assert_non_null(pl);
    assert_non_null(rt_engine_prefill(&c, toks, (int)nt, pl, &e));
    rt_engine_reset(&a);
    for (size_t t = 0; t < nt; t++) {
        const float *lg = rt_engine_step(&a, toks[t], &e);
        assert_non_null(lg);
        assert_memory_equal(pl + t * V, lg, V * 4);
    }
    free(pl);
    rt_engine_free(&c);

    /* the sim engine costed every matmul on the shiftmac unit (its descriptor),
     * the default design point (no shift-MAC lanes) would not */
    const int su = arch_unit_find("shiftmac");
    assert_true(su >= 0);
    dp_config none;
    dp_default(&none);
    size_t costed = 0;
    for (int i = 0; i < b.n_ops; i++) {
        const rt_op *op = &b.ops[i];
        if (op->type != OP_MATMUL) continue;
        arch_op ao;
        arch_cost c;
        assert_int_equal(rt_arch_from_op(&b, op, 0, &ao), 0);
        assert_int_equal(ao.w_fmt, ARCH_FMT_SHIFTMAC);
        assert_int_equal((int)arch_pick_unit(&dp, &ao), su);
        assert_int_not_equal((int)arch_pick_unit(&none, &ao), su);
        assert_int_equal(arch_op_cost(&dp, &ao, &c), 0);
        assert_true(c.compute_cycles > 0 && op->st.cycles >= 5 * c.compute_cycles * (1 - 1e-12));
        costed++;
    }
    assert_int_equal(costed, nmat);
    rt_engine_free(&a), rt_engine_free(&b);
    rt_model_free(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_llama_shiftmac)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
