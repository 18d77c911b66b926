/* Real weights through the RTL engine: the shipped HGRN-Bit checkpoint is
 * ternarized by golden; every BitLinear GEMV of a golden forward pass over
 * "<s>ROMEO:" (all 6 layers' 36 projections + lm_head, real int8
 * activations captured on the way) runs on the Verilated engine through the
 * C API (sim/ternary_rtl.h) and is compared with golden ternary_gemv_i32 bit
 * for bit; the logits computed from the RTL results must equal golden's. */
#include <math.h>

#include "../sim/ternary_rtl.h"
#include "test_util.h"
#include "ternary_model.h"

static ternary_rtl *g_rtl;
static unsigned long long g_gemvs, g_outputs, g_stationary;
static int g_use_stationary; /* later tokens: one engine per matrix, weights loaded once */
static struct {
    const bitlinear *L;
    ternary_rtl *e;
} g_engines[64];

static ternary_rtl *stationary_engine(const bitlinear *L) {
    int i = 0;
    for (; i < 64 && g_engines[i].L; i++)
        if (g_engines[i].L == L) return g_engines[i].e;
    assert_true(i < 64);
    g_engines[i].L = L;
    g_engines[i].e = ternary_rtl_open(NULL);
    assert_non_null(g_engines[i].e);
    assert_int_equal(ternary_rtl_load(g_engines[i].e, L->packed, L->out, L->in), 0);
    return g_engines[i].e;
}

/* BitLinear with the GEMV done twice: golden and RTL, compared. */
static void bl_forward_rtl(const bitlinear *L, const float *x, float *y) {
    float *xh = malloc(L->in * sizeof(float)), s;
    int8_t *xq = malloc(L->in);
    int32_t *acc = malloc(L->out * sizeof(int32_t)), *acc_rtl = malloc(L->out * sizeof(int32_t));
    assert_int_equal(bitlinear_rmsnorm_f32(x, L->norm_weight, L->in, BITLINEAR_NORM_EPS, xh), LPCS_OK);
    assert_int_equal(act_quant_absmax_i8(xh, L->in, xq, &s), LPCS_OK);
    assert_int_equal(ternary_gemv_i32(L->packed, L->out, L->in, xq, acc), LPCS_OK);
    if (g_use_stationary) {
        assert_int_equal(ternary_rtl_run(stationary_engine(L), xq, acc_rtl), 0);
        g_stationary++;
    } else {
        assert_int_equal(ternary_rtl_gemv(g_rtl, L->packed, L->out, L->in, xq, acc_rtl), 0);
    }
    for (size_t j = 0; j < L->out; j++)
        if (acc[j] != acc_rtl[j]) fail_msg("%zux%zu row %zu: rtl %d golden %d", L->out, L->in, j, acc_rtl[j], acc[j]);
    g_gemvs++;
    g_outputs += L->out;
    assert_int_equal(bitlinear_dequant(acc_rtl, L->out, s, L->inv_beta, y), LPCS_OK);
    free(xh), free(xq), free(acc), free(acc_rtl);
}

/* One token through the model, every GEMV on the RTL (hgrn.h order). */
static void step_rtl(tm_model *m, float (*state)[TM_DIM], int token, float *logits) {
    float x[TM_DIM], h[TM_DIM], iv[TM_DIM], fv[TM_DIM], gv[TM_DIM], ov[TM_DIM], gy[2 * TM_INTER], gl[TM_INTER];
    memcpy(x, m->emb + (size_t)token * TM_DIM, sizeof x);
    for (int l = 0; l < TM_LAYERS; l++) {
        const hgrn_layer *Ly = &m->layer[l];
        bitlinear_rmsnorm_f32(x, Ly->attn_norm, TM_DIM, 1e-6f, h);
        bl_forward_rtl(Ly->i_proj, h, iv);
        bl_forward_rtl(Ly->f_proj, h, fv);
        assert_int_equal(hgrn_mlgru_recur(TM_DIM, iv, fv, Ly->lb, state[l]), LPCS_OK);
        bl_forward_rtl(Ly->g_proj, h, gv);
        assert_int_equal(hgrn_gate_out(TM_DIM, gv, Ly->g_norm, state[l], gv), LPCS_OK);
        bl_forward_rtl(Ly->o_proj, gv, ov);
        for (int k = 0; k < TM_DIM; k++) x[k] = x[k] + ov[k];
        bitlinear_rmsnorm_f32(x, Ly->mlp_norm, TM_DIM, 1e-6f, h);
        bl_forward_rtl(Ly->gate_proj, h, gy);
        assert_int_equal(hgrn_glu(TM_INTER, gy, gl), LPCS_OK);
        bl_forward_rtl(Ly->down_proj, gl, ov);
        for (int k = 0; k < TM_DIM; k++) x[k] = x[k] + ov[k];
    }
    bitlinear_rmsnorm_f32(x, m->final_norm, TM_DIM, 1e-6f, h);
    bl_forward_rtl(&m->lm_head, h, logits);
}

static void test_real_weights_on_rtl(void **st) {
    (void)st;
    char path[512];
    tm_model m;
    assert_int_equal(tm_load(&m, test_shared_path(path, sizeof path, "models/shakespeare-mmfree.safetensors")), 0);
    g_rtl = ternary_rtl_open(NULL);
    assert_non_null(g_rtl);
    ternary_rtl_config cfg = ternary_rtl_info();
    static float state[TM_LAYERS][TM_DIM];
    const int tokens[] = {1, 'R' + 3, 'O' + 3, 'M' + 3, 'E' + 3, 'O' + 3, ':' + 3};
    float lg_rtl[TM_VOCAB], lg_gold[TM_VOCAB];
    for (size_t t = 0; t < sizeof tokens / sizeof *tokens; t++) {
        g_use_stationary = t >= 4;
        step_rtl(&m, state, tokens[t], lg_rtl);
        assert_int_equal(tm_step(&m, tokens[t], lg_gold), LPCS_OK);
        assert_memory_equal(lg_rtl, lg_gold, sizeof lg_rtl);
    }
    print_message("real weights on RTL (LANES=%d KTILE=%d): %llu GEMVs (%llu weight-stationary), %llu int32 "
                  "outputs bit-exact, logits of %zu tokens equal golden\n",
                  cfg.lanes, cfg.ktile, g_gemvs, g_stationary, g_outputs, sizeof tokens / sizeof *tokens);
    ternary_rtl_close(g_rtl);
    for (int i = 0; i < 64 && g_engines[i].L; i++) ternary_rtl_close(g_engines[i].e);
    tm_free(&m);
}

static void test_rtl_api_bad_input(void **st) {
    (void)st;
    ternary_rtl *e = ternary_rtl_open(NULL);
    assert_non_null(e);
    uint8_t p[4] = {0x01, 0x02, 0, 0};
    int8_t x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    int32_t y[2];
    assert_int_equal(ternary_rtl_gemv(NULL, p, 1, 8, x, y), -1);
    assert_int_equal(ternary_rtl_gemv(e, NULL, 1, 8, x, y), -1);
    assert_int_equal(ternary_rtl_gemv(e, p, 1, 0, x, y), -1);
    assert_int_equal(ternary_rtl_gemv(e, p, 1, ternary_rtl_info().max_cols + 1, x, y), -1);
    assert_int_equal(ternary_rtl_gemv(e, p, 1, 8, x, y), -4); /* code 0b10 in weight 4 */
    p[1] = 0x01;
    assert_int_equal(ternary_rtl_gemv(e, p, 1, 8, x, y), 0);
    assert_int_equal(y[0], 1 + 5);
    /* weight-stationary: run before load, load too big, load + run twice */
    assert_int_equal(ternary_rtl_run(e, x, y), -1);
    assert_int_equal(ternary_rtl_max_rows(0), 0);
    size_t cap = ternary_rtl_max_rows(8);
    assert_true(cap > 0);
    assert_int_equal(ternary_rtl_load(e, p, cap + 1, 8), -1);
    uint8_t p2[4] = {0x4D, 0x00, 0xFF, 0xFF}; /* row 0: +1 -1 0 +1, 0..; row 1: all -1 */
    assert_int_equal(ternary_rtl_load(e, p2, 2, 8), 0);
    assert_int_equal(ternary_rtl_run(e, x, y), 0);
    assert_int_equal(y[0], 1 - 2 + 4);
    assert_int_equal(y[1], -(1 + 2 + 3 + 4 + 5 + 6 + 7 + 8));
    int8_t x2[8] = {10, 2, 3, 4, 5, 6, 7, 8}; /* same weights, new activations */
    assert_int_equal(ternary_rtl_run(e, x2, y), 0);
    assert_int_equal(y[0], 10 - 2 + 4);
    assert_int_equal(y[1], -45);
    assert_int_equal(ternary_rtl_gemv(e, p, 1, 8, x, y), 0); /* overwrites the loaded matrix */
    assert_int_equal(ternary_rtl_run(e, x, y), -1);
    ternary_rtl_close(e);
    ternary_rtl_close(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_rtl_api_bad_input),
                                       cmocka_unit_test(test_real_weights_on_rtl)};
    return cmocka_run_group_tests_name("ternary_rtl_real", tests, NULL, NULL);
}
