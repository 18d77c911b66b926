/* The Verilated PIM LUT-GEMV bank (sim/pim_rtl.h) driven tile by tile on
 * whole matrices of the shipped llama model, against golden's per-row oracle
 * (lutgemv_build_tables + lutgemv_gemv over the whole matrix), bit for bit.
 * No model op is mapped to the PIM unit yet (exact.h: the LUT-GEMV exact
 * path is not on this branch), so this is the RTL side of that path: real
 * weights (quantized here to int4 / uint4 with zero points / int8 codes),
 * real activations (embedding rows of "ROMEO:\nW", int8 absmax per token,
 * tiled along K for the 640-wide w2), 8- and 4-bit activation planes,
 * pattern-aware lookup on and off, scale groups. The fp32 side (scales,
 * int -> fp32 conversion) stays golden's lutgemv_convert: the bank lacks it.
 * Also prints the bank's simulated cycles per second. */
#include "test_util.h"

#include <math.h>
#include <time.h>

#include "lutgemv.h"
#include "model.h"
#include "pim_rtl.h"
#include "unit_matmul.h"
#include "ternary.h"
#include "rtl/unit_mm_pim_rtl.h"

typedef struct {
    const char *name;
    const float *w; /* [rows][cols] of the model */
    size_t rows, cols, batch, qgroup;
    lutgemv_wkind kind;
    int w_bits, a_bits, pattern;
} pim_case;

/* Weight codes: signed symmetric per row, or unsigned + zero point per (row, scale group). */
static void quantize(const pim_case *c, int16_t *codes, int16_t *zp) {
    size_t Q = c->qgroup ? (c->cols + c->qgroup - 1) / c->qgroup : 1, qg = c->qgroup ? c->qgroup : c->cols;
    int hi = (1 << (c->w_bits - 1)) - 1;
    for (size_t r = 0; r < c->rows; r++)
        for (size_t q = 0; q < Q; q++) {
            const float *w = c->w + r * c->cols + q * qg;
            size_t n = c->cols - q * qg < qg ? c->cols - q * qg : qg;
            float lo = w[0], top = w[0], amax = 0;
            for (size_t k = 0; k < n; k++) {
                lo = fminf(lo, w[k]), top = fmaxf(top, w[k]), amax = fmaxf(amax, fabsf(w[k]));
            }
            for (size_t k = 0; k < n; k++) {
                int16_t *o = &codes[r * c->cols + q * qg + k];
                if (c->kind == LUTGEMV_W_UNSIGNED_ZP) {
                    float s = (top - lo) / 15.0f;
                    int z = s > 0 ? (int)nearbyintf(-lo / s) : 0;
                    z = z < 0 ? 0 : z > 15 ? 15 : z;
                    int v = s > 0 ? (int)nearbyintf(w[k] / s) + z : z;
                    *o = (int16_t)(v < 0 ? 0 : v > 15 ? 15 : v);
                    zp[r * Q + q] = (int16_t)z;
                } else {
                    int v = amax > 0 ? (int)nearbyintf(w[k] / amax * (float)hi) : 0;
                    *o = (int16_t)(v < -hi ? -hi : v > hi ? hi : v);
                }
            }
        }
}

static void test_pim_rtl_equals_golden(void **state) {
    (void)state;
    char p[600];
    rt_model m;
    rt_err e = {0, ""};
    int rc = rt_model_load(&m, test_shared_path(p, sizeof p, "models/shakespeare-llama.bin"), NULL, &e);
    if (rc) fprintf(stderr, "%s\n", e.msg);
    assert_int_equal(rc, LPCS_OK);
    const rt_llama_layer *L0 = &m.ll[0], *L4 = &m.ll[m.cfg.n_layers - 1];
    size_t D = (size_t)m.cfg.dim, H = (size_t)m.cfg.hidden, KV = D * (size_t)m.cfg.n_kv_heads / (size_t)m.cfg.n_heads;
    const pim_case cases[] = {
        {"L0.wq int4 a8 pattern", L0->wq, D, D, 8, 0, LUTGEMV_W_SIGNED, 4, 8, 1},
        {"L0.wk uint4+zp/64 a8", L0->wk, KV, D, 4, 64, LUTGEMV_W_UNSIGNED_ZP, 4, 8, 0},
        {"L4.w2 int8/128 a4 pattern", L4->w2, 64, H, 8, 128, LUTGEMV_W_SIGNED, 8, 4, 1},
    };
    const char *text = "ROMEO:\nW";
    pim_rtl *bank = pim_rtl_open();
    assert_non_null(bank);
    size_t outputs = 0;
    double secs = 0, cpu_secs = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const pim_case *c = &cases[i];
        lutgemv_cfg cfg = {c->rows, c->cols, c->batch, pim_rtl_params().g, c->w_bits, c->kind, c->a_bits, c->qgroup};
        assert_int_equal(lutgemv_cfg_check(&cfg), LPCS_OK);
        size_t Q = lutgemv_qgroups(&cfg), na = lutgemv_acc_len(&cfg);
        int16_t *w = malloc(c->rows * c->cols * sizeof *w), *zp = calloc(c->rows * Q, sizeof *zp);
        int16_t *tables = malloc(lutgemv_table_len(&cfg) * sizeof *tables);
        int8_t *x = malloc(c->batch * c->cols);
        float *xf = malloc(c->cols * sizeof *xf), sc;
        int64_t *want = malloc(na * sizeof *want), *got = malloc(na * sizeof *got);
        assert_true(w && zp && tables && x && xf && want && got);
        quantize(c, w, zp);
        for (size_t n = 0; n < c->batch; n++) { /* token embeddings, repeated along K past dim */
            const float *emb = m.embed + (size_t)(text[n] + 3) * D;
            for (size_t k = 0; k < c->cols; k++) xf[k] = emb[k % D];
            assert_int_equal(act_quant_absmax_i8(xf, c->cols, x + n * c->cols, &sc), LPCS_OK);
            for (size_t k = 0; k < c->cols; k++) /* fewer activation planes: keep the top a_bits bits */
                x[n * c->cols + k] = (int8_t)(x[n * c->cols + k] >> (8 - c->a_bits));
        }
        assert_int_equal(lutgemv_build_tables(&cfg, w, zp, 0, tables), LPCS_OK);
        lutgemv_counts cnt;
        assert_int_equal(lutgemv_gemv(&cfg, tables, x, c->pattern, want, &cnt), LPCS_OK);
        uint64_t lookups = 0, c0 = pim_rtl_cycles(bank);
        struct timespec t0, t1, u0, u1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &u0);
        assert_int_equal(pim_rtl_gemv(bank, &cfg, w, zp, x, c->pattern, got, &lookups), 0);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &u1);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
        secs += s;
        cpu_secs += (double)(u1.tv_sec - u0.tv_sec) + 1e-9 * (double)(u1.tv_nsec - u0.tv_nsec);
        size_t diff = 0;
        for (size_t k = 0; k < na; k++) diff += want[k] != got[k];
        printf("pim rtl %-26s %zux%zu batch %zu: %zu of %zu sums differ from golden; lookups %llu (golden %llu); "
               "%llu cycles in %.2f s\n",
               c->name, c->rows, c->cols, c->batch, diff, na, (unsigned long long)lookups,
               (unsigned long long)cnt.lookups_done, (unsigned long long)(pim_rtl_cycles(bank) - c0), s);
        assert_int_equal(diff, 0);
        /* the bank's lookups are per tile: tiles split groups only along K, so the count equals golden's */
        assert_int_equal(lookups, cnt.lookups_done);
        outputs += na;
        free(w), free(zp), free(tables), free(x), free(xf), free(want), free(got);
    }
    printf("pim rtl: %zu exact sums, %llu simulated cycles in %.2f s = %.3g cycles/s (cpu %.2f s = %.3g cycles per "
           "cpu-second)\n",
           outputs, (unsigned long long)pim_rtl_cycles(bank), secs, (double)pim_rtl_cycles(bank) / secs, cpu_secs,
           (double)pim_rtl_cycles(bank) / cpu_secs);
    assert_true(outputs >= 3000);
    pim_rtl_close(bank);
    rt_model_free(&m);
}

/* The unit_matmul.h "lutgemv" implementation on the bank equals golden's,
 * for 11 tokens (one full batch of 8 through the bank, then 3). */
static void test_unit_mm_rtl_lutgemv(void **state) {
    (void)state;
    char p[600];
    rt_model m;
    rt_err e = {0, ""};
    assert_int_equal(rt_model_load(&m, test_shared_path(p, sizeof p, "models/shakespeare-llama.bin"), NULL, &e), LPCS_OK);
    enum { NT = 11 };
    const size_t R = (size_t)m.cfg.hidden, K = (size_t)m.cfg.dim;
    pim_case c = {"L2.w1", m.ll[2].w1, R, K, NT, 0, LUTGEMV_W_SIGNED, 4, 8, 1};
    int16_t *w = malloc(R * K * sizeof *w), zp = 0;
    int8_t *x = malloc(NT * K);
    int64_t *want = malloc(NT * R * sizeof *want), *got = malloc(NT * R * sizeof *got);
    assert_true(w && x && want && got);
    quantize(&c, w, &zp);
    float sc;
    for (size_t t = 0; t < NT; t++)
        assert_int_equal(act_quant_absmax_i8(m.embed + (size_t)(t * 7 + 40) * K, K, x + t * K, &sc), LPCS_OK);
    lutgemv_cfg cfg = {R, K, 1, pim_rtl_params().g, 4, LUTGEMV_W_SIGNED, 8, 0};
    rt_mm_weights mw = {.rows = R, .cols = K, .data = w, .lut = &cfg, .entry_bits = 0};
    const rt_unit_mm *impl[2] = {&rt_unit_mm_golden_lutgemv, &rt_unit_mm_rtl_lutgemv};
    int64_t *out[2] = {want, got};
    pim_rtl *bank = pim_rtl_open();
    for (int i = 0; i < 2; i++) {
        void *mat = NULL, *ctx = i ? (void *)bank : NULL;
        assert_string_equal(impl[i]->unit, "lutgemv");
        assert_int_equal(impl[i]->prepare(ctx, &mw, &mat), LPCS_OK);
        assert_int_equal(impl[i]->gemm(ctx, mat, x, NT, out[i]), LPCS_OK);
        impl[i]->release(ctx, mat);
    }
    assert_memory_equal(want, got, NT * R * sizeof *got);
    printf("unit_mm lutgemv rtl = golden: %d tokens x %zu rows, %llu bank cycles\n", NT, R,
           (unsigned long long)pim_rtl_cycles(bank));
    pim_rtl_close(bank);
    free(w), free(x), free(want), free(got);
    rt_model_free(&m);
}

/* A bad configuration is refused, not run. */
static void test_pim_rtl_refuses(void **state) {
    (void)state;
    pim_rtl *bank = pim_rtl_open();
    int16_t w[64] = {0};
    int8_t x[16] = {0};
    int64_t acc[16];
    lutgemv_cfg bad_g = {2, 8, 1, 3, 4, LUTGEMV_W_SIGNED, 8, 0};
    assert_int_equal(pim_rtl_gemv(bank, &bad_g, w, NULL, x, 1, acc, NULL), -1);
    lutgemv_cfg big_batch = {2, 8, 16, 4, 4, LUTGEMV_W_SIGNED, 8, 0};
    assert_int_equal(pim_rtl_gemv(bank, &big_batch, w, NULL, x, 1, acc, NULL), -1);
    assert_int_equal(pim_rtl_gemv(NULL, &bad_g, w, NULL, x, 1, acc, NULL), -1);
    pim_rtl_close(bank);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_pim_rtl_equals_golden),
                                       cmocka_unit_test(test_unit_mm_rtl_lutgemv),
                                       cmocka_unit_test(test_pim_rtl_refuses)};
    return cmocka_run_group_tests_name("pim_rtl_tiles", tests, NULL, NULL);
}
