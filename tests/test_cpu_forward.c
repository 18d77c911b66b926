/* The cpu backend's llama forward follows the numerics contract: its logits
 * equal, bit for bit, a forward written here from docs/numerics.md with
 * golden's lpcs_dot_f32 / lpcs_expf, for every kernel ISA this CPU runs
 * (the portable one always) and 1, 2 and 3 threads; and a long sequence
 * (where attention is split over threads too) gives the same bits for 1
 * and 3 threads; and prefill (batched over tokens) equals stepping. */
#include "test_util.h"

#include <math.h>

#include "engine.h"
#include "fmath.h"
#include "kernels/fp_cpu.h"
#include "model.h"
#include "intdot.h"
#include "intq.h"
#include "plan.h"

static const int toks[] = {1, 85, 82, 80, 72, 82};
#define NTOK (sizeof toks / sizeof toks[0])

static int load(rt_model *m) {
    char p[600];
    rt_err e = {0, ""};
    int rc = rt_model_load(m, test_shared_path(p, sizeof p, "models/shakespeare-llama.bin"), NULL, &e);
    if (rc) fprintf(stderr, "%s\n", e.msg);
    return rc;
}

/* bits 0: fp32 (lpcs_dot_f32); else golden intdot on per-row intN codes of W
 * (plan w=intN with the keyword intdot). */
static void matvec(float *y, const float *W, const float *x, int rows, int cols, int bits) {
    if (!bits) {
        for (int r = 0; r < rows; r++) y[r] = lpcs_dot_f32(W + (size_t)r * cols, x, (size_t)cols);
        return;
    }
    int8_t *codes = malloc((size_t)rows * (size_t)cols), *a = malloc((size_t)cols);
    float *sw = malloc(sizeof(float) * (size_t)rows);
    assert_int_equal(intq_quantize_rows(bits, W, (size_t)rows, (size_t)cols, codes, sw), 0);
    assert_int_equal(intdot_gemv(codes, sw, (size_t)rows, (size_t)cols, x, a, y), 0);
    free(codes), free(a), free(sw);
}

static void rmsnorm(float *o, const float *x, const float *w, int n, float eps) {
    float ss = lpcs_dot_f32(x, x, (size_t)n);
    ss /= (float)n;
    ss += eps;
    ss = 1.0f / sqrtf(ss);
    for (int j = 0; j < n; j++) o[j] = w[j] * (ss * x[j]);
}

/* The contract's llama forward (run.c's structure); logits of every token. */
static void golden_llama(const rt_model *m, float *logits /* [NTOK][vocab] */, int ab, int fb) {
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
        memcpy(x, m->embed + (size_t)toks[t] * (size_t)D, sizeof(float) * (size_t)D);
        for (int l = 0; l < L; l++) {
            const rt_llama_layer *W = &m->ll[l];
            float *kt = kc + ((size_t)l * NTOK + t) * (size_t)KV, *vt = vc + ((size_t)l * NTOK + t) * (size_t)KV;
            rmsnorm(xb, x, W->attn_norm, D, c->norm_eps);
            matvec(q, W->wq, xb, D, D, ab);
            matvec(kt, W->wk, xb, KV, D, ab);
            matvec(vt, W->wv, xb, KV, D, ab);
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
            matvec(xb2, W->wo, o, D, D, ab);
            for (int i = 0; i < D; i++) x[i] += xb2[i];
            rmsnorm(xb, x, W->ffn_norm, D, c->norm_eps);
            matvec(hb, W->w1, xb, Hd, D, fb);
            matvec(hb2, W->w3, xb, Hd, D, fb);
            for (int i = 0; i < Hd; i++) hb[i] = (hb[i] * (1.0f / (1.0f + lpcs_expf(-hb[i])))) * hb2[i];
            matvec(xb2, W->w2, hb, D, Hd, fb);
            for (int i = 0; i < D; i++) x[i] += xb2[i];
        }
        rmsnorm(xb, x, m->final_norm, D, c->norm_eps);
        matvec(logits + t * (size_t)c->vocab, m->cls, xb, c->vocab, D, 0);
    }
    free(x), free(xb), free(q), free(o), free(xb2), free(hb), free(hb2), free(att), free(kc), free(vc);
}

static size_t count_diff(const float *a, const float *b, size_t n) {
    size_t d = 0;
    for (size_t i = 0; i < n; i++) d += memcmp(a + i, b + i, sizeof(float)) != 0;
    return d;
}

/* Steps the tokens on a cpu engine with plan spec (NULL: fp32), kernel
 * variant isa and th threads; fails on any logit that differs from want.
 * Returns the number of logits compared. */
static size_t check_forward(const rt_model *m, const char *spec, int isa, int th, const float *want) {
    size_t V = (size_t)m->cfg.vocab, compared = 0;
    rt_plan plan;
    rt_err e = {0, ""};
    if (spec) assert_int_equal(rt_plan_parse(&plan, spec, &e), LPCS_OK);
    rt_sched_opts so;
    rt_sched_default(&so);
    assert_int_equal(rt_sched_backend(&so, "cpu", NULL), LPCS_OK);
    so.cpu_isa_forced = isa + 1;
    rt_engine eng;
    assert_int_equal(rt_engine_init(&eng, m, spec ? &plan : NULL, &so, &e), LPCS_OK);
    assert_int_equal(eng.isa, isa);
    assert_int_equal(rt_engine_set_threads(&eng, th, &e), LPCS_OK);
    for (size_t t = 0; t < NTOK; t++) {
        const float *lg = rt_engine_step(&eng, toks[t], &e);
        assert_non_null(lg);
        size_t d = count_diff(lg, want + t * V, V);
        if (d) fail_msg("plan %s, %s kernels, %d threads, token %zu: %zu of %zu logits differ from golden", spec ? spec : "fp32",
                        kn_isa_name((kn_isa)isa), th, t, d, V);
        compared += V;
    }
    rt_engine_free(&eng);
    return compared;
}

static void test_llama_every_isa_and_threads(void **state) {
    (void)state;
    rt_model m;
    assert_int_equal(load(&m), LPCS_OK);
    size_t V = (size_t)m.cfg.vocab, compared = 0;
    float *want = malloc(sizeof(float) * NTOK * V);
    golden_llama(&m, want, 0, 0);
    for (int isa = 0; isa < KN_ISA_COUNT; isa++) {
        if (!kn_isa_supported((kn_isa)isa)) {
            printf("SKIP: %s kernels (this CPU lacks them)\n", kn_isa_name((kn_isa)isa));
            continue;
        }
        for (int th = 1; th <= 3; th++) compared += check_forward(&m, NULL, isa, th, want);
    }
    printf("cpu forward: %zu logits equal to golden's\n", compared);
    assert_true(compared >= 3 * NTOK * V);
    free(want);
    rt_model_free(&m);
}

/* Past ~230 positions attention is split over the threads as well. */
static void test_long_sequence_threads(void **state) {
    (void)state;
    rt_model m;
    assert_int_equal(load(&m), LPCS_OK);
    size_t V = (size_t)m.cfg.vocab, n = (size_t)m.cfg.seq_len;
    rt_engine e1, e3;
    rt_err e = {0, ""};
    rt_sched_opts so;
    rt_sched_default(&so);
    assert_int_equal(rt_sched_backend(&so, "cpu", NULL), LPCS_OK);
    assert_int_equal(rt_engine_init(&e1, &m, NULL, &so, &e), LPCS_OK);
    assert_int_equal(rt_engine_init(&e3, &m, NULL, &so, &e), LPCS_OK);
    assert_int_equal(rt_engine_set_threads(&e3, 3, &e), LPCS_OK);
    size_t compared = 0;
    int tok = 1;
    for (size_t t = 0; t < n; t++) {
        const float *a = rt_engine_step(&e1, tok, &e), *b = rt_engine_step(&e3, tok, &e);
        assert_non_null(a), assert_non_null(b);
        assert_int_equal(count_diff(a, b, V), 0);
        compared += V;
        tok = (int)((t * 7919u + 13u) % V);
    }
    assert_true(n >= 256 && compared >= 256 * V);
    rt_engine_free(&e1), rt_engine_free(&e3);
    rt_model_free(&m);
}

/* Prefill (op by op over all tokens, one GEMM per matmul) gives the bits of
 * stepping token by token, for plans with and without quantization ops and
 * bf16 weights, in one batch and in two chunks, for 1 and 2 threads. */
static void test_prefill_equals_steps(void **state) {
    (void)state;
    rt_model m;
    assert_int_equal(load(&m), LPCS_OK);
    const char *plans[] = {"fp32", "w=bf16", "w=int8,a=int8,kv=fp8e4m3", "w.attn=int8,w.ffn=int4,intdot"};
    enum { N = 40 };
    int in[N];
    for (int i = 0; i < N; i++) in[i] = i == 0 ? 1 : 3 + (i * 31) % 250;
    size_t V = (size_t)m.cfg.vocab, compared = 0;
    float *want = malloc(sizeof(float) * N * V), *got = malloc(sizeof(float) * N * V);
    for (size_t p = 0; p < sizeof plans / sizeof *plans; p++) {
        rt_plan plan;
        rt_err e = {0, ""};
        assert_int_equal(rt_plan_parse(&plan, plans[p], &e), LPCS_OK);
        rt_sched_opts so;
        rt_sched_default(&so);
        assert_int_equal(rt_sched_backend(&so, "cpu", NULL), LPCS_OK);
        rt_engine a;
        assert_int_equal(rt_engine_init(&a, &m, &plan, &so, &e), LPCS_OK);
        for (int t = 0; t < N; t++) {
            const float *lg = rt_engine_step(&a, in[t], &e);
            assert_non_null(lg);
            memcpy(want + (size_t)t * V, lg, V * sizeof(float));
        }
        rt_engine_free(&a);
        for (int th = 1; th <= 2; th++)
            for (int split = 0; split <= 17; split += 17) {
                rt_engine b;
                assert_int_equal(rt_engine_init(&b, &m, &plan, &so, &e), LPCS_OK);
                assert_int_equal(rt_engine_set_threads(&b, th, &e), LPCS_OK);
                assert_true(rt_engine_batchable(&b)); /* really the batched path */
                if (split) assert_non_null(rt_engine_prefill(&b, in, split, got, &e));
                const float *last = rt_engine_prefill(&b, in + split, N - split, got + (size_t)split * V, &e);
                assert_non_null(last);
                assert_int_equal(b.pos, N);
                size_t d = count_diff(got, want, N * V);
                if (d) fail_msg("plan %s, %d threads, split %d: %zu logits differ", plans[p], th, split, d);
                assert_int_equal(count_diff(last, want + (size_t)(N - 1) * V, V), 0);
                compared += N * V;
                rt_engine_free(&b);
            }
    }
    assert_true(compared >= 16 * N * V);
    free(want), free(got);
    rt_model_free(&m);
}

/* Plan intdot (integer matmuls, int8 attention and int4 FFN weights):
 * logits equal the contract's forward with golden intdot's matmuls, for
 * every integer kernel variant this CPU runs and 1 and 2 threads. */
static void test_llama_intdot(void **state) {
    (void)state;
    rt_model m;
    assert_int_equal(load(&m), LPCS_OK);
    size_t V = (size_t)m.cfg.vocab, compared = 0;
    float *want = malloc(sizeof(float) * NTOK * V);
    golden_llama(&m, want, 8, 4);
    for (int isa = 0; isa < KN_ISA_COUNT; isa++)
        for (int th = 1; th <= 2 && kn_isa_supported((kn_isa)isa); th++)
            compared += check_forward(&m, "w.attn=int8,w.ffn=int4,intdot", isa, th, want);
    printf("cpu forward, plan intdot: %zu logits equal to golden's\n", compared);
    assert_true(compared >= 2 * NTOK * V);
    /* without an integer weight format the keyword is refused, not ignored */
    rt_plan plan;
    rt_err e = {0, ""};
    assert_int_equal(rt_plan_parse(&plan, "intdot", &e), LPCS_OK);
    rt_sched_opts so;
    rt_sched_default(&so);
    rt_engine eng;
    assert_int_not_equal(rt_engine_init(&eng, &m, &plan, &so, &e), LPCS_OK);
    assert_non_null(strstr(e.msg, "intdot"));
    free(want);
    rt_model_free(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_llama_every_isa_and_threads),
        cmocka_unit_test(test_llama_intdot),
        cmocka_unit_test(test_long_sequence_threads),
        cmocka_unit_test(test_prefill_equals_steps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
