/* Exact execution on the cpu backend (sw_runtime/exact.h): for each RMMEC
 * plan, the whole llama's logits equal, bit for bit, a forward written here
 * whose matmuls are golden rmmec_dot per row on operands this test encodes
 * itself (the rest follows docs/numerics.md like tests/test_cpu_forward.c);
 * every matmul of the engine is reported on the planned unit and mode; and
 * exact differs from fake where the arithmetic differs (w=p8e0 with fp32
 * activations: converted to p8 at the unit; p16e1: one rounding of the
 * quire instead of fp32 sums). With w=a=p8e0 exact equals fake: fp32 sums of
 * p8e0 products (multiples of 2^-12 below 2^12) are exact here, the test
 * records that as a property. */
#include "test_util.h"

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

static const int toks[] = {1, 85, 82, 80, 72, 82};
#define NTOK (sizeof toks / sizeof toks[0])

typedef struct {
    const char *plan;
    rmmec_mode mode;
    const char *mode_name;
    const char *wfmt; /* the weight format (the embedding is fake-quantized with it) */
} exact_plan;

static const exact_plan PLANS[] = {
    {"w=p8e0", RMMEC_P8, "p8", "p8e0"},
    {"w=p8e0,a=p8e0", RMMEC_P8, "p8", "p8e0"},
    {"w=p16e1,a=p16e1", RMMEC_P16, "p16", "p16e1"},
    {"w=p4e1,a=p4e1", RMMEC_P4, "p4", "p4e1"},
    {"w=fp4e2m1,a=fp4e2m1", RMMEC_FP4, "fp4", "fp4e2m1"},
};

static int load(rt_model *m) {
    char p[600];
    rt_err e = {0, ""};
    int rc = rt_model_load(m, test_shared_path(p, sizeof p, "models/shakespeare-llama.bin"), NULL, &e);
    if (rc) fprintf(stderr, "%s\n", e.msg);
    return rc;
}

/* One element in the mode's code (this test's own encoder). */
static unsigned code_of(rmmec_mode mode, float v) {
    switch (mode) {
    case RMMEC_P8: return posit_from_float(posit_cfg_make(8, 0), v);
    case RMMEC_P16: return posit_from_float(posit_cfg_make(16, 1), v);
    case RMMEC_P4: return posit_from_float(posit_cfg_make(4, 1), v);
    default: return mf_from_f32(MF_FP4_E2M1, v, MF_SATFINITE);
    }
}

/* y[r] = rmmec_dot(W row r, x) read out as fp32, operands packed here:
 * element i of a row goes to word i / lanes, bits (16 / lanes) * (i % lanes). */
static rmmec_mode g_mode;
static void matvec(float *y, const float *W, const float *x, int rows, int cols) {
    int lanes = rmmec_lanes(g_mode), bits = 16 / lanes, nw = (cols + lanes - 1) / lanes;
    uint16_t *a = calloc((size_t)nw, 2), *w = malloc((size_t)nw * 2);
    for (int i = 0; i < cols; i++) a[i / lanes] |= (uint16_t)(code_of(g_mode, x[i]) << (bits * (i % lanes)));
    for (int r = 0; r < rows; r++) {
        memset(w, 0, (size_t)nw * 2);
        for (int i = 0; i < cols; i++)
            w[i / lanes] |= (uint16_t)(code_of(g_mode, W[(size_t)r * cols + i]) << (bits * (i % lanes)));
        uint32_t out;
        assert_int_equal(rmmec_dot(g_mode, w, a, (size_t)nw, RMMEC_OUT_FP32, &out), LPCS_OK);
        memcpy(&y[r], &out, 4);
    }
    free(a), free(w);
}

static void rmsnorm(float *o, const float *x, const float *w, int n, float eps) {
    float ss = lpcs_dot_f32(x, x, (size_t)n);
    ss /= (float)n;
    ss += eps;
    ss = 1.0f / sqrtf(ss);
    for (int j = 0; j < n; j++) o[j] = w[j] * (ss * x[j]);
}

/* The llama forward (run.c's structure) with the unit's matmuls. */
static void exact_llama(const rt_model *m, const qformat *wf, float *logits /* [NTOK][vocab] */) {
    const rt_config *c = &m->cfg;
    int D = c->dim, Hd = c->hidden, NH = c->n_heads, hs = D / NH, KV = D * c->n_kv_heads / NH, L = c->n_layers;
    int kvmul = NH / c->n_kv_heads;
    float *x = malloc(sizeof(float) * (size_t)D), *xb = malloc(sizeof(float) * (size_t)D),
          *q = malloc(sizeof(float) * (size_t)D), *o = malloc(sizeof(float) * (size_t)D),
          *xb2 = malloc(sizeof(float) * (size_t)D), *hb = malloc(sizeof(float) * (size_t)Hd),
          *hb2 = malloc(sizeof(float) * (size_t)Hd), *att = malloc(sizeof(float) * NTOK),
          *kc = malloc(sizeof(float) * (size_t)L * NTOK * (size_t)KV),
          *vc = malloc(sizeof(float) * (size_t)L * NTOK * (size_t)KV);
    for (size_t t = 0; t < NTOK; t++) {
        assert_int_equal(qformat_roundtrip(wf, m->embed + (size_t)toks[t] * (size_t)D, x, (size_t)D, (size_t)D), 0);
        for (int l = 0; l < L; l++) {
            const rt_llama_layer *W = &m->ll[l];
            float *kt = kc + ((size_t)l * NTOK + t) * (size_t)KV, *vt = vc + ((size_t)l * NTOK + t) * (size_t)KV;
            rmsnorm(xb, x, W->attn_norm, D, c->norm_eps);
            matvec(q, W->wq, xb, D, D);
            matvec(kt, W->wk, xb, KV, D);
            matvec(vt, W->wv, xb, KV, D);
            for (int i = 0; i < D; i += 2) {
                float freq = 1.0f / powf(10000.0f, (float)(i % hs) / (float)hs), val = (float)t * freq;
                float fcr = cosf(val), fci = sinf(val), v0 = q[i], v1 = q[i + 1];
                q[i] = v0 * fcr - v1 * fci, q[i + 1] = v0 * fci + v1 * fcr;
                if (i < KV) {
                    v0 = kt[i], v1 = kt[i + 1];
                    kt[i] = v0 * fcr - v1 * fci, kt[i + 1] = v0 * fci + v1 * fcr;
                }
            }
            for (int h = 0; h < NH; h++) {
                int g = h / kvmul;
                for (size_t s = 0; s <= t; s++)
                    att[s] = lpcs_dot_f32(q + h * hs, kc + ((size_t)l * NTOK + s) * (size_t)KV + g * hs, (size_t)hs) /
                             sqrtf((float)hs);
                float mx = att[0], sum = 0.0f;
                for (size_t s = 1; s <= t; s++) mx = att[s] > mx ? att[s] : mx;
                for (size_t s = 0; s <= t; s++) sum += att[s] = lpcs_expf(att[s] - mx);
                for (size_t s = 0; s <= t; s++) att[s] /= sum;
                for (int i = 0; i < hs; i++) {
                    float acc = 0.0f;
                    for (size_t s = 0; s <= t; s++) acc = fmaf(att[s], vc[((size_t)l * NTOK + s) * (size_t)KV + g * hs + i], acc);
                    o[h * hs + i] = acc;
                }
            }
            matvec(xb2, W->wo, o, D, D);
            for (int i = 0; i < D; i++) x[i] += xb2[i];
            rmsnorm(xb, x, W->ffn_norm, D, c->norm_eps);
            matvec(hb, W->w1, xb, Hd, D);
            matvec(hb2, W->w3, xb, Hd, D);
            for (int i = 0; i < Hd; i++) hb[i] = (hb[i] * (1.0f / (1.0f + lpcs_expf(-hb[i])))) * hb2[i];
            matvec(xb2, W->w2, hb, D, Hd);
            for (int i = 0; i < D; i++) x[i] += xb2[i];
        }
        rmsnorm(xb, x, m->final_norm, D, c->norm_eps);
        matvec(logits + t * (size_t)c->vocab, m->cls, xb, c->vocab, D);
    }
    free(x), free(xb), free(q), free(o), free(xb2), free(hb), free(hb2), free(att), free(kc), free(vc);
}

static size_t count_diff(const float *a, const float *b, size_t n) {
    size_t d = 0;
    for (size_t i = 0; i < n; i++) d += memcmp(a + i, b + i, sizeof(float)) != 0;
    return d;
}

/* Runs the engine on toks with plan and exec mode; logits [NTOK][V]. Checks
 * every matmul's unit / mode (exact: rmmec + mode_name; fake: vector). */
static void run_engine(const rt_model *m, const exact_plan *p, int fake, int threads, float *out) {
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
    int matmuls = 0;
    for (int i = 0; i < eng.n_ops; i++) {
        const rt_op *op = &eng.ops[i];
        assert_non_null(op->unit);
        if (op->type != OP_MATMUL) continue;
        matmuls++;
        if (fake) {
            assert_string_equal(op->unit, "vector");
            assert_true(!strncmp(op->mode, "fake:", 5));
        } else {
            assert_string_equal(op->unit, "rmmec");
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
    size_t V = (size_t)m.cfg.vocab, compared = 0;
    float *want = malloc(sizeof(float) * NTOK * V), *got = malloc(sizeof(float) * NTOK * V),
          *fake = malloc(sizeof(float) * NTOK * V);
    for (size_t p = 0; p < sizeof PLANS / sizeof *PLANS; p++) {
        qformat wf;
        assert_int_equal(qformat_parse(PLANS[p].wfmt, &wf), LPCS_OK);
        g_mode = PLANS[p].mode;
        exact_llama(&m, &wf, want);
        for (int th = 1; th <= 2; th++) {
            run_engine(&m, &PLANS[p], 0, th, got);
            size_t d = count_diff(got, want, NTOK * V);
            if (d) fail_msg("plan %s, %d threads: %zu of %zu logits differ from the rmmec_dot forward", PLANS[p].plan,
                            th, d, NTOK * V);
            compared += NTOK * V;
        }
        run_engine(&m, &PLANS[p], 1, 1, fake);
        size_t d = count_diff(fake, want, NTOK * V);
        printf("%-22s exact vs fake: %zu of %zu logits differ\n", PLANS[p].plan, d, NTOK * V);
        if (!strcmp(PLANS[p].plan, "w=p8e0") || PLANS[p].mode == RMMEC_P16)
            assert_true(d > NTOK * V / 2); /* the unit's arithmetic really is not fake's */
        if (!strcmp(PLANS[p].plan, "w=p8e0,a=p8e0")) assert_int_equal(d, 0);
    }
    printf("exact forward: %zu logits equal to the rmmec_dot forward\n", compared);
    assert_true(compared >= 10 * NTOK * V);
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
    run_engine(&m, &PLANS[2], 0, 1, want);
    rt_plan plan;
    rt_err e = {0, ""};
    assert_int_equal(rt_plan_parse(&plan, PLANS[2].plan, &e), LPCS_OK);
    rt_sched_opts so;
    rt_sched_default(&so);
    assert_int_equal(rt_sched_backend(&so, "cpu", NULL), LPCS_OK);
    rt_engine eng;
    assert_int_equal(rt_engine_init(&eng, &m, &plan, &so, &e), LPCS_OK);
    assert_true(rt_engine_batchable(&eng));
    assert_non_null(rt_engine_prefill(&eng, toks, (int)NTOK, got, &e));
    assert_int_equal(count_diff(got, want, NTOK * V), 0);
    rt_engine_free(&eng);
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
