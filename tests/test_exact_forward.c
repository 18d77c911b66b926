/* Exact execution on the cpu backend (sw_runtime/exact.h): for each RMMEC
 * and LUT-GEMV plan, the whole llama's logits equal, bit for bit, the
 * contract's forward (tests/ref_llama.c) whose matmuls are a per-row oracle
 * on operands this test encodes itself: golden rmmec_dot for RMMEC plans,
 * golden LUT-GEMV table build + bit-serial lookups + conversion for integer
 * plans (the engine's fast kernels are neither);
 * a fault in the unit's copy of one weight matrix makes the logits differ;
 * every matmul of the engine is reported on the planned unit and mode; and
 * exact differs from fake where the arithmetic differs (w=p8e0 with fp32
 * activations: converted to p8 at the unit; p16e1: one rounding of the
 * quire instead of fp32 sums). With w=a=p8e0 exact equals fake: fp32 sums of
 * p8e0 products (multiples of 2^-12 below 2^12) are exact here, the test
 * records that as a property. */
#include "test_model_util.h"

#include <math.h>

#include "engine.h"
#include "exact.h"
#include "fmath.h"
#include "minifloat.h"
#include "model.h"
#include "plan.h"
#include "posit.h"
#include "qformat.h"
#include "rmmec.h"
#include "intq.h"
#include "lutgemv.h"
#include "ref_llama.h"
#include "ternary.h"

static const int toks[] = {1, 85, 82, 80, 72, 82};
#define NTOK (sizeof toks / sizeof toks[0])

typedef struct {
    const char *plan;
    const char *unit;      /* "rmmec" or "lutgemv" */
    rmmec_mode mode;       /* rmmec */
    const char *mode_name;
    const char *wfmt;      /* the weight format (the embedding is fake-quantized with it) */
    const char *afmt;      /* lutgemv: the activation format */
} exact_plan;

static const exact_plan PLANS[] = {
    {"w=p8e0", "rmmec", RMMEC_P8, "p8", "p8e0", NULL},
    {"w=p8e0,a=p8e0", "rmmec", RMMEC_P8, "p8", "p8e0", NULL},
    {"w=p16e1,a=p16e1", "rmmec", RMMEC_P16, "p16", "p16e1", NULL},
    {"w=p4e1,a=p4e1", "rmmec", RMMEC_P4, "p4", "p4e1", NULL},
    {"w=fp4e2m1,a=fp4e2m1", "rmmec", RMMEC_FP4, "fp4", "fp4e2m1", NULL},
    {"w=int4,a=int8", "lutgemv", 0, "w4-a8-g4", "int4", "int8"},
    {"w=ternary,a=int8", "lutgemv", 0, "t2-a8-g4", "ternary", "int8"},
    {"w=int8,a=int4", "lutgemv", 0, "w8-a4-g4", "int8", "int4"},
};
#define N_PLANS (sizeof PLANS / sizeof *PLANS)

static int load(rt_model *m) { return test_load_model(m, "models/shakespeare-llama.bin"); }

/* y[r] = rmmec_dot(W row r, x) read out as fp32, operands packed here:
 * element i of a row goes to word i / lanes, bits (16 / lanes) * (i % lanes). */
static void rmmec_matvec(void *ctx, float *y, const float *W, const float *x, int rows, int cols) {
    rmmec_mode mode = ((const exact_plan *)ctx)->mode;
    int lanes = rmmec_lanes(mode), bits = 16 / lanes, nw = (cols + lanes - 1) / lanes;
    uint16_t *a = calloc((size_t)nw, 2), *w = malloc((size_t)nw * 2);
    for (int i = 0; i < cols; i++) a[i / lanes] |= (uint16_t)(ref_rmmec_code(mode, x[i]) << (bits * (i % lanes)));
    for (int r = 0; r < rows; r++) {
        memset(w, 0, (size_t)nw * 2);
        for (int i = 0; i < cols; i++)
            w[i / lanes] |= (uint16_t)(ref_rmmec_code(mode, W[(size_t)r * cols + i]) << (bits * (i % lanes)));
        uint32_t out;
        assert_int_equal(rmmec_dot(mode, w, a, (size_t)nw, RMMEC_OUT_FP32, &out), LPCS_OK);
        memcpy(&y[r], &out, 4);
    }
    free(a), free(w);
}

/* The LUT-GEMV unit per row, all golden: the plan's a= rounding, then the
 * activation codes at the unit input (per-token absmax, intq); weight codes
 * and row scale by the weight format's quantizer; tables (g = 4, the default
 * design point), bit-serial lookups, conversion. */
static void lut_matvec(void *ctx, float *y, const float *W, const float *x, int rows, int cols) {
    const exact_plan *p = ctx;
    qformat wf, af;
    assert_int_equal(qformat_parse(p->wfmt, &wf), LPCS_OK);
    assert_int_equal(qformat_parse(p->afmt, &af), LPCS_OK);
    size_t K = (size_t)cols;
    float *xr = malloc(K * sizeof *xr);
    int8_t *xq = malloc(K), *wq = malloc(K);
    int16_t *w16 = malloc(K * sizeof *w16);
    assert_int_equal(qformat_roundtrip(&af, x, xr, K, K), LPCS_OK);
    float xs = intq_scale_for_absmax(af.bits, intq_absmax(xr, K));
    for (size_t k = 0; k < K; k++) xq[k] = intq_quantize_one(af.bits, xr[k], xs);
    lutgemv_cfg c = {.rows = 1, .cols = K, .batch = 1, .g = 4, .a_bits = af.bits, .qgroup = 0,
                     .w_kind = wf.kind == QF_TERNARY ? LUTGEMV_W_TERNARY : LUTGEMV_W_SIGNED,
                     .w_bits = wf.kind == QF_TERNARY ? 2 : wf.bits};
    int16_t *tab = malloc(lutgemv_table_len(&c) * sizeof *tab);
    for (int r = 0; r < rows; r++) {
        float ws;
        if (wf.kind == QF_TERNARY)
            assert_int_equal(ternary_absmean_quantize(W + (size_t)r * K, K, wq, &ws), LPCS_OK);
        else
            assert_int_equal(intq_quantize_rows(wf.bits, W + (size_t)r * K, 1, K, wq, &ws), LPCS_OK);
        for (size_t k = 0; k < K; k++) w16[k] = wq[k];
        int64_t acc;
        assert_int_equal(lutgemv_build_tables(&c, w16, NULL, 0, tab), LPCS_OK);
        assert_int_equal(lutgemv_gemv(&c, tab, xq, 1, &acc, NULL), LPCS_OK);
        assert_int_equal(lutgemv_convert(&c, &acc, &ws, &xs, &y[r]), LPCS_OK);
    }
    free(xr), free(xq), free(wq), free(w16), free(tab);
}

static void oracle_llama(const rt_model *m, const exact_plan *p, float *logits) {
    qformat wf;
    assert_int_equal(qformat_parse(p->wfmt, &wf), LPCS_OK);
    ref_llama_forward(m, toks, NTOK, &wf, strcmp(p->unit, "rmmec") ? lut_matvec : rmmec_matvec, (void *)p, logits);
}

/* Runs the engine on toks with plan and exec mode; logits [NTOK][V]. Checks
 * every matmul's unit / mode (exact: the plan's unit and mode; fake:
 * vector). fault_op >= 0: rt_exact_fault on the fault_op-th matmul first. */
static void run_engine(const rt_model *m, const exact_plan *p, int fake, int threads, int fault_op, float *out) {
    rt_plan plan;
    rt_err e = {0, ""};
    assert_int_equal(rt_plan_parse(&plan, p->plan, &e), LPCS_OK);
    rt_sched_opts so;
    rt_sched_default(&so);
    assert_int_equal(rt_sched_backend(&so, "cpu", NULL), LPCS_OK);
    so.exec_fake = fake;
    rt_engine eng;
    assert_int_equal(rt_engine_init(&eng, m, &plan, &so, &e), LPCS_OK);
    assert_int_equal(rt_engine_set_threads(&eng, threads, &e), LPCS_OK);
    eng.par_min_macs = 0; /* split every op, however small: the split is what these tests check */
    int matmuls = 0;
    for (int i = 0; i < eng.n_ops; i++) {
        rt_op *op = &eng.ops[i];
        assert_non_null(op->unit);
        if (op->type != OP_MATMUL) continue;
        if (matmuls++ == fault_op) assert_int_equal(rt_exact_fault(op), LPCS_OK);
        if (fake) {
            assert_string_equal(op->unit, "vector");
            assert_true(!strncmp(op->mode, "fake:", 5));
        } else {
            assert_string_equal(op->unit, p->unit);
            assert_string_equal(op->mode, p->mode_name);
            assert_non_null(op->exact);
        }
    }
    assert_int_equal(matmuls, 7 * m->cfg.n_layers + 1);
    size_t V = (size_t)m->cfg.vocab;
    for (size_t t = 0; t < NTOK; t++) {
        const float *lg = rt_engine_step(&eng, toks[t], &e);
        assert_non_null(lg);
        memcpy(out + t * V, lg, V * sizeof(float));
    }
    rt_engine_free(&eng);
}

static void test_exact_equals_independent_forward(void **state) {
    (void)state;
    rt_model m;
    assert_int_equal(load(&m), LPCS_OK);
    size_t V = (size_t)m.cfg.vocab, compared = 0, faults = 0;
    float *want = malloc(sizeof(float) * NTOK * V), *got = malloc(sizeof(float) * NTOK * V),
          *fake = malloc(sizeof(float) * NTOK * V);
    for (size_t p = 0; p < N_PLANS; p++) {
        oracle_llama(&m, &PLANS[p], want);
        for (int th = 1; th <= 2; th++) {
            run_engine(&m, &PLANS[p], 0, th, -1, got);
            size_t d = ref_count_diff(got, want, NTOK * V);
            if (d) fail_msg("plan %s, %d threads: %zu of %zu logits differ from the %s oracle forward", PLANS[p].plan,
                            th, d, NTOK * V, PLANS[p].unit);
            compared += NTOK * V;
        }
        run_engine(&m, &PLANS[p], 1, 1, -1, fake);
        size_t d = ref_count_diff(fake, want, NTOK * V);
        printf("%-22s exact vs fake: %zu of %zu logits differ\n", PLANS[p].plan, d, NTOK * V);
        if (!strcmp(PLANS[p].plan, "w=p8e0") || PLANS[p].mode == RMMEC_P16 || !strcmp(PLANS[p].unit, "lutgemv"))
            assert_true(d > NTOK * V / 2); /* the unit's arithmetic really is not fake's */
        if (!strcmp(PLANS[p].plan, "w=p8e0,a=p8e0")) assert_int_equal(d, 0);
        /* the design under test corrupted (row 0 of the lm_head's weights inside the unit): must be caught */
        run_engine(&m, &PLANS[p], 0, 1, 7 * m.cfg.n_layers, got);
        d = ref_count_diff(got, want, NTOK * V);
        printf("%-22s unit weight fault: %zu of %zu logits differ\n", PLANS[p].plan, d, NTOK * V);
        assert_true(d > 0);
        faults++;
    }
    printf("exact forward: %zu logits equal to the oracle forwards, %zu unit faults caught\n", compared, faults);
    assert_true(compared >= 2 * N_PLANS * NTOK * V);
    assert_int_equal(faults, N_PLANS);
    free(want), free(got), free(fake);
    rt_model_free(&m);
}

/* Prefill (ppl's batched path) runs exact ops too, with the bits of stepping. */
static void test_exact_prefill_equals_steps(void **state) {
    (void)state;
    rt_model m;
    assert_int_equal(load(&m), LPCS_OK);
    size_t V = (size_t)m.cfg.vocab;
    float *want = malloc(sizeof(float) * NTOK * V), *got = malloc(sizeof(float) * NTOK * V);
    for (size_t p = 0; p < N_PLANS; p++) {
        if (PLANS[p].mode != RMMEC_P16 && strcmp(PLANS[p].plan, "w=p8e0") && strcmp(PLANS[p].plan, "w=int4,a=int8"))
            continue;
        run_engine(&m, &PLANS[p], 0, 1, -1, want);
        rt_plan plan;
        rt_err e = {0, ""};
        assert_int_equal(rt_plan_parse(&plan, PLANS[p].plan, &e), LPCS_OK);
        rt_sched_opts so;
        rt_sched_default(&so);
        assert_int_equal(rt_sched_backend(&so, "cpu", NULL), LPCS_OK);
        rt_engine eng;
        assert_int_equal(rt_engine_init(&eng, &m, &plan, &so, &e), LPCS_OK);
        assert_int_equal(rt_engine_set_threads(&eng, 2, &e), LPCS_OK);
        eng.par_min_macs = 0; /* split every op, however small: the split is what these tests check */
        assert_true(rt_engine_batchable(&eng));
        assert_non_null(rt_engine_prefill(&eng, toks, (int)NTOK, got, &e));
        assert_int_equal(ref_count_diff(got, want, NTOK * V), 0);
        rt_engine_free(&eng);
    }
    free(want), free(got);
    rt_model_free(&m);
}

static void test_exec_parse(void **state) {
    (void)state;
    assert_int_equal(rt_exec_parse("exact"), RT_EXEC_EXACT);
    assert_int_equal(rt_exec_parse("fake"), RT_EXEC_FAKE);
    assert_int_equal(rt_exec_parse("Exact"), -1);
    assert_int_equal(rt_exec_parse(NULL), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_equals_independent_forward),
        cmocka_unit_test(test_exact_prefill_equals_steps),
        cmocka_unit_test(test_exec_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
