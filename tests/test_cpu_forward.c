/* The cpu backend's llama forward follows the numerics contract: its logits
 * equal, bit for bit, a forward written here from docs/numerics.md with
 * golden's lpcs_dot_f32 / lpcs_expf, for every kernel ISA this CPU runs
 * (the portable one always) and 1, 2 and 3 threads; and a long sequence
 * (where attention is split over threads too) gives the same bits for 1
 * and 3 threads; and prefill (batched over tokens) equals stepping. */
#include "test_model_util.h"

#include <math.h>

#include "engine.h"
#include "fmath.h"
#include "intdot.h"
#include "intq.h"
#include "kernels/fp_cpu.h"
#include "model.h"
#include "plan.h"
#include "ref_llama.h"

static const int toks[] = {1, 85, 82, 80, 72, 82};
#define NTOK (sizeof toks / sizeof toks[0])

static int load(rt_model *m) { return test_load_model(m, "models/shakespeare-llama.bin"); }

static void matvec(void *ctx, float *y, const float *W, const float *x, int rows, int cols) {
    (void)ctx;
    for (int r = 0; r < rows; r++) y[r] = lpcs_dot_f32(W + (size_t)r * cols, x, (size_t)cols);
}

/* The contract's llama forward (tests/ref_llama.c) with fp32 dots; logits of every token. */
static void golden_llama(const rt_model *m, float *logits /* [NTOK][vocab] */) {
    ref_llama_forward(m, toks, NTOK, NULL, matvec, NULL, logits);
}

/* Plan intdot's oracle: golden intdot on per-row intN codes of W, attn_bits
 * for q/k/v/o, ffn_bits for the FFN, fp32 for the classifier. */
typedef struct {
    const rt_model *m;
    int attn_bits, ffn_bits;
} intdot_oracle;

static int oracle_bits(const intdot_oracle *o, const float *W) {
    if (W == o->m->cls) return 0;
    for (int l = 0; l < o->m->cfg.n_layers; l++) {
        const rt_llama_layer *L = &o->m->ll[l];
        if (W == L->wq || W == L->wk || W == L->wv || W == L->wo) return o->attn_bits;
    }
    return o->ffn_bits;
}

static void matvec_intdot(void *ctx, float *y, const float *W, const float *x, int rows, int cols) {
    int bits = oracle_bits(ctx, W);
    if (!bits) {
        matvec(NULL, y, W, x, rows, cols);
        return;
    }
    int8_t *codes = malloc((size_t)rows * (size_t)cols), *a = malloc((size_t)cols);
    float *sw = malloc(sizeof(float) * (size_t)rows);
    assert_int_equal(intq_quantize_rows(bits, W, (size_t)rows, (size_t)cols, codes, sw), 0);
    assert_int_equal(intdot_gemv(codes, sw, (size_t)rows, (size_t)cols, x, a, y), 0);
    free(codes), free(a), free(sw);
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
    eng.par_min_macs = 0; /* split every op, however small: the split is what these tests check */
    for (size_t t = 0; t < NTOK; t++) {
        const float *lg = rt_engine_step(&eng, toks[t], &e);
        assert_non_null(lg);
        size_t d = ref_count_diff(lg, want + t * V, V);
        if (d)
            fail_msg("plan %s, %s kernels, %d threads, token %zu: %zu of %zu logits differ from golden", spec ? spec : "fp32",
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
    golden_llama(&m, want);
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
    e3.par_min_macs = 0; /* split every op, however small: the split is what these tests check */
    size_t compared = 0;
    int tok = 1;
    for (size_t t = 0; t < n; t++) {
        const float *a = rt_engine_step(&e1, tok, &e), *b = rt_engine_step(&e3, tok, &e);
        assert_non_null(a), assert_non_null(b);
        assert_int_equal(ref_count_diff(a, b, V), 0);
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
    const char *plans[] = {"fp32", "w=bf16", "w=int8,a=int8,kv=fp8e4m3", "w.attn=int8,w.ffn=int4,intdot",
                           "w.attn=int3,w.ffn=int2,lut"};
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
                b.par_min_macs = 0; /* split every op, however small: the split is what these tests check */
                assert_true(rt_engine_batchable(&b)); /* really the batched path */
                if (split) assert_non_null(rt_engine_prefill(&b, in, split, got, &e));
                const float *last = rt_engine_prefill(&b, in + split, N - split, got + (size_t)split * V, &e);
                assert_non_null(last);
                assert_int_equal(b.pos, N);
                size_t d = ref_count_diff(got, want, N * V);
                if (d) fail_msg("plan %s, %d threads, split %d: %zu logits differ", plans[p], th, split, d);
                assert_int_equal(ref_count_diff(last, want + (size_t)(N - 1) * V, V), 0);
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
    intdot_oracle o = {&m, 8, 4};
    ref_llama_forward(&m, toks, NTOK, NULL, matvec_intdot, &o, want);
    for (int isa = 0; isa < KN_ISA_COUNT; isa++)
        for (int th = 1; th <= 2 && kn_isa_supported((kn_isa)isa); th++)
            compared += check_forward(&m, "w.attn=int8,w.ffn=int4,intdot", isa, th, want);
    printf("cpu forward, plan intdot: %zu logits equal to golden's\n", compared);
    assert_true(compared >= 2 * NTOK * V);
    /* plan lut: the int4 FFN on the LUT kernel (int8 attention stays on int_cpu), same bits */
    size_t before = compared;
    for (int isa = 0; isa < KN_ISA_COUNT; isa++)
        for (int th = 1; th <= 2 && kn_isa_supported((kn_isa)isa); th++)
            compared += check_forward(&m, "w.attn=int8,w.ffn=int4,lut", isa, th, want);
    /* every layer matrix on the LUT kernel: int3 attention, int2 (ternary codes) FFN */
    intdot_oracle o2 = {&m, 3, 2};
    ref_llama_forward(&m, toks, NTOK, NULL, matvec_intdot, &o2, want);
    for (int isa = 0; isa < KN_ISA_COUNT; isa++)
        for (int th = 1; th <= 2 && kn_isa_supported((kn_isa)isa); th++)
            compared += check_forward(&m, "w.attn=int3,w.ffn=int2,lut", isa, th, want);
    printf("cpu forward, plan lut: %zu logits equal to golden's\n", compared - before);
    assert_true(compared - before >= 4 * NTOK * V);
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
