/* golden/bitlinear.c and golden/hgrn.c:
 *  - BitLinear bit for bit against a separate fp32 re-implementation of the
 *    order written in bitlinear.h (unpacked int matrix, libm rint);
 *  - BitLinear against a double-precision evaluation of train.py's formula:
 *    integer codes equal except where the double value sits within fp32
 *    noise of a rounding tie, outputs within a few fp32 ulps;
 *  - HGRN element-wise ops and lower bounds against double formulas;
 *  - the composite layer steps equal the documented composition. */
#include <math.h>

#include "bitlinear.h"
#include "hgrn.h"
#include "test_util.h"

static float rand_float(uint64_t *s, float range) {
    return (float)((double)(test_rand64(s) >> 11) * 0x1p-53 * 2.0 - 1.0) * range;
}

typedef struct {
    size_t in, out;
    float *w, *g, *x;
} case_t;

static case_t make_case(uint64_t *s, size_t in, size_t out, float xr) {
    case_t c = {in, out, malloc(in * out * sizeof(float)), malloc(in * sizeof(float)), malloc(in * sizeof(float))};
    for (size_t k = 0; k < in * out; k++) c.w[k] = rand_float(s, 0.08f);
    for (size_t k = 0; k < in; k++) c.g[k] = 1.0f + rand_float(s, 0.5f);
    for (size_t k = 0; k < in; k++) c.x[k] = rand_float(s, xr);
    return c;
}
static void free_case(case_t *c) { free(c->w), free(c->g), free(c->x); }

/* The documented fp32 order, written again from bitlinear.h. */
static void ref_fp32(const case_t *c, const int8_t *wq, float inv_beta, float *y, int8_t *xq_out) {
    size_t n = c->in;
    double lane[32] = {0}, ss = 0;
    for (size_t k = 0; k < n; k++) lane[k % 32] += (double)c->x[k] * (double)c->x[k];
    for (int j = 0; j < 32; j++) ss += lane[j];
    float ms = (float)(ss / (double)n);
    volatile float v = ms + 1e-6f;
    float r = 1.0f / sqrtf(v);
    float *xh = malloc(n * sizeof(float)), amax = 0;
    for (size_t k = 0; k < n; k++) {
        volatile float t = c->x[k] * r;
        xh[k] = t * c->g[k];
        amax = fmaxf(amax, fabsf(xh[k]));
    }
    float s = 127.0f / fmaxf(amax, 1e-5f);
    for (size_t k = 0; k < n; k++) {
        float q = rintf(xh[k] * s);
        xq_out[k] = (int8_t)fminf(fmaxf(q, -128.0f), 127.0f);
    }
    for (size_t j = 0; j < c->out; j++) {
        long long acc = 0;
        for (size_t k = 0; k < n; k++) acc += (long long)wq[j * n + k] * xq_out[k];
        volatile float a = (float)acc / s;
        y[j] = a / inv_beta;
    }
    free(xh);
}

static void test_bitlinear_bit_exact(void **st) {
    (void)st;
    uint64_t s = 21;
    const size_t shapes[][2] = {{256, 256}, {256, 1536}, {768, 256}, {5, 3}, {33, 7}, {1, 1}};
    for (size_t si = 0; si < sizeof shapes / sizeof *shapes; si++)
        for (int trial = 0; trial < 4; trial++) {
            case_t c = make_case(&s, shapes[si][0], shapes[si][1], trial == 3 ? 1e-7f : 3.0f);
            bitlinear L;
            assert_int_equal(bitlinear_init_from_latent(&L, c.w, c.g, c.in, c.out), LPCS_OK);
            int8_t *wq = malloc(c.in * c.out), *xq = malloc(c.in);
            float beta;
            assert_int_equal(ternary_absmean_quantize(c.w, c.in * c.out, wq, &beta), LPCS_OK);
            assert_true(beta == L.beta && L.inv_beta == 1.0f / beta);
            float *y = malloc(c.out * sizeof(float)), *want = malloc(c.out * sizeof(float));
            void *scratch = malloc(bitlinear_scratch_bytes(&L));
            assert_int_equal(bitlinear_forward(&L, c.x, y, scratch), LPCS_OK);
            ref_fp32(&c, wq, L.inv_beta, want, xq);
            for (size_t j = 0; j < c.out; j++)
                if (memcmp(&y[j], &want[j], 4))
                    fail_msg("shape %zux%zu out %zu: got %a want %a", c.in, c.out, j, y[j], want[j]);
            free(wq), free(xq), free(y), free(want), free(scratch);
            bitlinear_free(&L);
            free_case(&c);
        }
}

/* Near a rounding tie the double and fp32 evaluations may legitimately pick
 * different integers: |frac - 0.5| below this is "within fp32 noise". */
#define TIE_WINDOW 1e-4

static int near_tie(double v) { return fabs(fabs(v - floor(v)) - 0.5) < TIE_WINDOW; }

static void test_bitlinear_vs_double(void **st) {
    (void)st;
    uint64_t s = 99;
    int tokens = 0, exact_tokens = 0;
    for (int trial = 0; trial < 40; trial++) {
        case_t c = make_case(&s, 256, 64, 2.0f);
        size_t n = c.in, m = c.out;
        bitlinear L;
        assert_int_equal(bitlinear_init_from_latent(&L, c.w, c.g, n, m), LPCS_OK);
        int8_t *wq = malloc(n * m);
        assert_int_equal(ternary_unpack(L.packed, n, wq), LPCS_OK); /* row 0 only for a quick layout check */
        for (size_t j = 0; j < m; j++) assert_int_equal(ternary_unpack(L.packed + j * ternary_row_bytes(n), n, wq + j * n), LPCS_OK);
        /* double: beta, codes */
        double sum = 0;
        for (size_t k = 0; k < n * m; k++) sum += fabs((double)c.w[k]);
        double beta = fmax(sum / (double)(n * m), 1e-5);
        assert_true(fabs(beta - L.beta) <= beta * 0x1p-23);
        for (size_t k = 0; k < n * m; k++) {
            double v = c.w[k] / beta, q = fmin(fmax(rint(v), -1), 1);
            if (q != wq[k]) assert_true(near_tie(v));
        }
        /* double: normalize, quantize */
        double ss = 0, amax = 0, *xh = malloc(n * sizeof(double));
        for (size_t k = 0; k < n; k++) ss += (double)c.x[k] * c.x[k];
        double r = 1.0 / sqrt(ss / n + 1e-6);
        for (size_t k = 0; k < n; k++) xh[k] = c.x[k] * r * c.g[k], amax = fmax(amax, fabs(xh[k]));
        double sc = 127.0 / fmax(amax, 1e-5);
        int8_t *xq = malloc(n);
        float *xhf = malloc(n * sizeof(float)), sf;
        assert_int_equal(bitlinear_rmsnorm_f32(c.x, c.g, n, 1e-6f, xhf), LPCS_OK);
        assert_int_equal(act_quant_absmax_i8(xhf, n, xq, &sf), LPCS_OK);
        int codes_equal = 1;
        for (size_t k = 0; k < n; k++) {
            double v = xh[k] * sc, q = fmin(fmax(rint(v), -128), 127);
            if (q != xq[k]) {
                assert_true(near_tie(v));
                codes_equal = 0;
            }
        }
        /* output: y = acc / s * beta in double, from golden's own integer codes */
        float *y = malloc(m * sizeof(float));
        void *scratch = malloc(bitlinear_scratch_bytes(&L));
        assert_int_equal(bitlinear_forward(&L, c.x, y, scratch), LPCS_OK);
        for (size_t j = 0; j < m; j++) {
            long long acc = 0;
            for (size_t k = 0; k < n; k++) acc += (long long)wq[j * n + k] * xq[k];
            double want = (double)acc / sc * beta;
            assert_true(fabs(y[j] - want) <= fabs(want) * 2e-6);
        }
        tokens++;
        exact_tokens += codes_equal;
        free(wq), free(xh), free(xq), free(xhf), free(y), free(scratch);
        bitlinear_free(&L);
        free_case(&c);
    }
    print_message("bitlinear vs double: %d tokens, %d with identical activation codes\n", tokens, exact_tokens);
    assert_true(exact_tokens >= tokens - 2);
}

static void test_bitlinear_bad_input(void **st) {
    (void)st;
    bitlinear L;
    float w[4] = {1, -1, 0, 0.5f}, g[2] = {1, 1}, x[2] = {1, 2}, y[2];
    char scratch[64];
    assert_int_equal(bitlinear_init_from_latent(NULL, w, g, 2, 2), LPCS_EINVAL);
    assert_int_equal(bitlinear_init_from_latent(&L, NULL, g, 2, 2), LPCS_EINVAL);
    assert_int_equal(bitlinear_init_from_latent(&L, w, g, 0, 2), LPCS_ERANGE);
    w[2] = NAN;
    assert_int_equal(bitlinear_init_from_latent(&L, w, g, 2, 2), LPCS_ERANGE);
    assert_null(L.packed);
    w[2] = 0;
    assert_int_equal(bitlinear_init_from_latent(&L, w, g, 2, 2), LPCS_OK);
    assert_int_equal(bitlinear_forward(&L, NULL, y, scratch), LPCS_EINVAL);
    assert_int_equal(bitlinear_forward(&L, x, y, NULL), LPCS_EINVAL);
    x[0] = INFINITY;
    assert_int_equal(bitlinear_forward(&L, x, y, scratch), LPCS_ERANGE);
    bitlinear_free(&L);
    bitlinear_free(&L); /* idempotent */
    int8_t bad[4] = {0, 3, 0, 0};
    assert_int_equal(bitlinear_init_from_ternary(&L, bad, 1.0f, g, 2, 2), LPCS_ERANGE);
    assert_null(L.packed);
}

/* ---- HGRN -------------------------------------------------------------- */

static double dsig(double z) { return 1.0 / (1.0 + exp(-z)); }
static int close_to(double got, double want, double rel) { return fabs(got - want) <= rel * fabs(want) + 1e-30; }

static void test_hgrn_elementwise(void **st) {
    (void)st;
    uint64_t s = 5;
    const size_t d = 300;
    float i_pre[300], f_pre[300], lb[300], state[300], g[300], gn[300], o[300], gy[600], glu[300];
    double dstate[300];
    for (size_t k = 0; k < d; k++) {
        i_pre[k] = rand_float(&s, 6), f_pre[k] = rand_float(&s, 6), lb[k] = fabsf(rand_float(&s, 1));
        state[k] = rand_float(&s, 2), dstate[k] = state[k], g[k] = rand_float(&s, 3), gn[k] = 1 + rand_float(&s, .3f);
        gy[k] = rand_float(&s, 5), gy[d + k] = rand_float(&s, 5);
    }
    for (size_t k = 0; k < d; k++) {
        assert_true(close_to(hgrn_sigmoid_f32(i_pre[k]), dsig(i_pre[k]), 2e-7));
        assert_true(close_to(hgrn_silu_f32(i_pre[k]), i_pre[k] * dsig(i_pre[k]), 3e-7));
    }
    assert_int_equal(hgrn_mlgru_recur(d, i_pre, f_pre, lb, state), LPCS_OK);
    for (size_t k = 0; k < d; k++) {
        double f = lb[k] + (1 - lb[k]) * dsig(f_pre[k]);
        double want = f * dstate[k] + i_pre[k] * dsig(i_pre[k]) * (1 - f);
        assert_true(fabs(state[k] - want) <= 1e-6 * (fabs(f * dstate[k]) + fabs(want)) + 1e-7);
    }
    /* layer 0: no lower bound == lower bound of exactly 0 */
    float s1[300] = {0}, s2[300] = {0}, zero[300] = {0};
    assert_int_equal(hgrn_mlgru_recur(d, i_pre, f_pre, NULL, s1), LPCS_OK);
    assert_int_equal(hgrn_mlgru_recur(d, i_pre, f_pre, zero, s2), LPCS_OK);
    assert_memory_equal(s1, s2, sizeof s1);
    assert_int_equal(hgrn_gate_out(d, g, gn, state, o), LPCS_OK);
    double ss = 0;
    for (size_t k = 0; k < d; k++) ss += (double)g[k] * g[k];
    for (size_t k = 0; k < d; k++) {
        double want = g[k] / sqrt(ss / d + 1e-6) * gn[k] * state[k] * dsig(state[k]);
        assert_true(close_to(o[k], want, 1e-6));
    }
    assert_int_equal(hgrn_glu(d, gy, glu), LPCS_OK);
    for (size_t k = 0; k < d; k++) assert_true(close_to(glu[k], gy[k] * dsig(gy[k]) * gy[d + k], 5e-7));
    assert_int_equal(hgrn_mlgru_recur(d, NULL, f_pre, lb, state), LPCS_EINVAL);
}

static void test_hgrn_lower_bounds(void **st) {
    (void)st;
    uint64_t s = 8;
    const size_t L = 6, d = 50;
    float v[6 * 50], lb[6 * 50];
    for (size_t k = 0; k < L * d; k++) v[k] = rand_float(&s, 3);
    for (size_t k = 0; k < 10; k++) /* columns 0..9 all zero */
        for (size_t l = 0; l < L; l++) v[l * d + k] = 0;
    assert_int_equal(hgrn_lower_bounds(v, L, d, lb), LPCS_OK);
    for (size_t k = 0; k < d; k++) {
        double m = -INFINITY, sum = 0, c = 0;
        for (size_t l = 0; l < L; l++) m = fmax(m, v[l * d + k]);
        for (size_t l = 0; l < L; l++) sum += exp(v[l * d + k] - m);
        assert_true(lb[k] == 0.0f);
        for (size_t l = 1; l < L; l++) {
            c += exp(v[l * d + k] - m) / sum;
            assert_true(fabs(lb[l * d + k] - c) <= 4e-7);
        }
        if (k < 10) /* all-zero column: lb[l] ~= l/6 */
            for (size_t l = 0; l < L; l++) assert_true(fabs(lb[l * d + k] - l / 6.0) <= 4e-7);
    }
    assert_int_equal(hgrn_lower_bounds(v, 0, d, lb), LPCS_EINVAL);
}

static void test_hgrn_layer_composition(void **st) {
    (void)st;
    uint64_t s = 13;
    const size_t d = 64, n = 96;
    float *w = malloc(2 * n * d * sizeof(float)), g[96], an[64], gn[64], mn[64], lb[64];
    bitlinear P[6];
    for (size_t k = 0; k < 96; k++) g[k] = 1 + rand_float(&s, .2f);
    for (size_t k = 0; k < d; k++) an[k] = 1 + rand_float(&s, .2f), gn[k] = 1 + rand_float(&s, .2f),
                                   mn[k] = 1 + rand_float(&s, .2f), lb[k] = fabsf(rand_float(&s, .5f));
    const size_t ins[6] = {d, d, d, d, d, n}, outs[6] = {d, d, d, d, 2 * n, d};
    for (int j = 0; j < 6; j++) {
        for (size_t k = 0; k < ins[j] * outs[j]; k++) w[k] = rand_float(&s, .1f);
        assert_int_equal(bitlinear_init_from_latent(&P[j], w, g, ins[j], outs[j]), LPCS_OK);
    }
    hgrn_layer Ly = {d, n, an, gn, mn, lb, &P[0], &P[1], &P[2], &P[3], &P[4], &P[5]};
    void *scratch = malloc(hgrn_scratch_bytes(&Ly)), *bs = malloc(4096 * 4);
    float x[64], state[64] = {0}, xr[64], sr[64] = {0};
    for (size_t k = 0; k < d; k++) x[k] = xr[k] = rand_float(&s, 1);
    for (int t = 0; t < 3; t++) {
        assert_int_equal(hgrn_token_mixer_step(&Ly, x, state, scratch), LPCS_OK);
        assert_int_equal(hgrn_channel_mixer(&Ly, x, scratch), LPCS_OK);
        /* the same by hand from the documented steps */
        float h[64], iv[64], fv[64], gv[64], ov[64], gy[192], gl[96];
        bitlinear_rmsnorm_f32(xr, an, d, 1e-6f, h);
        bitlinear_forward(&P[0], h, iv, bs);
        bitlinear_forward(&P[1], h, fv, bs);
        bitlinear_forward(&P[2], h, gv, bs);
        for (size_t k = 0; k < d; k++) {
            float f = lb[k] + (1.0f - lb[k]) * hgrn_sigmoid_f32(fv[k]);
            float i = hgrn_silu_f32(iv[k]) * (1.0f - f);
            sr[k] = f * sr[k] + i;
        }
        bitlinear_rmsnorm_f32(gv, gn, d, 1e-6f, gv);
        for (size_t k = 0; k < d; k++) gv[k] *= hgrn_silu_f32(sr[k]);
        bitlinear_forward(&P[3], gv, ov, bs);
        for (size_t k = 0; k < d; k++) xr[k] += ov[k];
        bitlinear_rmsnorm_f32(xr, mn, d, 1e-6f, h);
        bitlinear_forward(&P[4], h, gy, bs);
        for (size_t k = 0; k < n; k++) gl[k] = hgrn_silu_f32(gy[k]) * gy[n + k];
        bitlinear_forward(&P[5], gl, ov, bs);
        for (size_t k = 0; k < d; k++) xr[k] += ov[k];
        assert_memory_equal(x, xr, sizeof x);
        assert_memory_equal(state, sr, sizeof state);
    }
    Ly.down_proj = &P[0]; /* wrong shape */
    assert_int_equal(hgrn_channel_mixer(&Ly, x, scratch), LPCS_EINVAL);
    for (int j = 0; j < 6; j++) bitlinear_free(&P[j]);
    free(w), free(scratch), free(bs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bitlinear_bit_exact), cmocka_unit_test(test_bitlinear_vs_double),
        cmocka_unit_test(test_bitlinear_bad_input), cmocka_unit_test(test_hgrn_elementwise),
        cmocka_unit_test(test_hgrn_lower_bounds),   cmocka_unit_test(test_hgrn_layer_composition),
    };
    return cmocka_run_group_tests_name("bitlinear", tests, NULL, NULL);
}
