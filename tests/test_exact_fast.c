/* The cpu backend's exact matmuls (sw_runtime/exact.c with the fast kernels
 * of exact_fast.h) equal golden, bit for bit, on rows built to reach every
 * path: P8 / P4 / FP4 int16 sums and rows over the bound (golden path), P16
 * decided by the double sum, its binned fallback at fp32 ties and NaR
 * (golden path), LUT-GEMV integer sums for every weight kind, weight and
 * activation width and table group g of the design point, with golden
 * lutgemv_build_tables + lutgemv_gemv + lutgemv_convert as the oracle. Every
 * kernel ISA this CPU has (portable, AVX2, AVX-512), 1 and T tokens. */
#include "test_util.h"

#include <math.h>

#include "design_point.h"
#include "engine.h"
#include "exact.h"
#include "exact_fast.h"
#include "intq.h"
#include "kernels/fp_cpu.h"
#include "lutgemv.h"
#include "minifloat.h"
#include "posit.h"
#include "ref_llama.h"
#include "rmmec.h"
#include "ternary.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void) {
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}
static float gauss(float s) { /* sum of uniforms: a bell shape is enough here */
    float a = 0;
    for (int i = 0; i < 4; i++) a += (float)(rnd() & 0xFFFF) / 65536.0f - 0.5f;
    return a * s;
}

/* One exact op over weights W (rows x cols) in format fmt, activation format
 * afmt (NULL: fp32), mapped by rt_exact_map with design point dp (NULL: default). */
typedef struct {
    rt_engine eng;
    rt_op op;
    rt_qf wq, aq;
} one_op;

static void op_init(one_op *o, const char *fmt, const char *afmt, const float *W, size_t rows, size_t cols,
                    const dp_config *dp) {
    memset(o, 0, sizeof *o);
    rt_err e = {0, ""};
    char plan[64];
    snprintf(plan, sizeof plan, "w=%s%s%s", fmt, afmt ? ",a=" : "", afmt ? afmt : "");
    assert_int_equal(rt_plan_parse(&o->eng.plan, plan, &e), LPCS_OK);
    assert_int_equal(rt_qf_parse(fmt, &o->wq, &e), LPCS_OK);
    float *wr = malloc(rows * cols * sizeof *wr);
    assert_int_equal(rt_qf_roundtrip(&o->wq, W, wr, rows * cols, cols), LPCS_OK);
    o->op.type = OP_MATMUL, o->op.wclass = WC_FFN, o->op.layer = 0;
    o->op.qf = &o->wq, o->op.w = wr, o->op.w_src = W, o->op.rows = rows, o->op.cols = cols;
    o->eng.ops = &o->op, o->eng.n_ops = 1;
    rt_sched_opts so;
    rt_sched_default(&so);
    int sim = rt_sched_find(&so, "sim");
    assert_true(sim >= 0);
    if (dp) so.backends[sim].cfg = dp;
    assert_int_equal(rt_exact_map(&o->eng, &so, &e), LPCS_OK);
    assert_non_null(o->op.exact);
}

static void op_free(one_op *o) {
    rt_exact_free(&o->eng);
    free((void *)o->op.w);
    rt_plan_default(&o->eng.plan);
}

/* Runs the op on T tokens X with each ISA; returns the results of the last. */
static size_t run_isas(one_op *o, const float *X, size_t T, float *Y) {
    size_t runs = 0;
    float *Y0 = malloc(T * o->op.rows * sizeof *Y0);
    for (int isa = 0; isa < KN_ISA_COUNT; isa++) {
        if (!kn_isa_supported((kn_isa)isa)) continue;
        o->eng.isa = isa;
        assert_int_equal(rt_exact_matmul(&o->eng, &o->op, X, o->op.cols, Y, o->op.rows, T), LPCS_OK);
        if (runs++) assert_memory_equal(Y, Y0, T * o->op.rows * sizeof *Y);
        memcpy(Y0, Y, T * o->op.rows * sizeof *Y);
        /* token by token gives the same bits as all T at once */
        for (size_t t = 0; t < T; t++) {
            float *y1 = malloc(o->op.rows * sizeof *y1);
            assert_int_equal(rt_exact_matmul(&o->eng, &o->op, X + t * o->op.cols, o->op.cols, y1, o->op.rows, 1), LPCS_OK);
            assert_memory_equal(y1, Y + t * o->op.rows, o->op.rows * sizeof *y1);
            free(y1);
        }
    }
    free(Y0);
    return runs;
}

/* Golden rmmec_dot of row r and token t, operands packed from the floats here. */
static uint32_t golden_rmmec(rmmec_mode mode, const float *w, const float *x, size_t n) {
    int lanes = rmmec_lanes(mode), bits = 16 / lanes;
    size_t nw = (n + (size_t)lanes - 1) / (size_t)lanes;
    uint16_t *a = calloc(nw, 2), *b = calloc(nw, 2);
    for (size_t i = 0; i < n; i++) {
        a[i / (size_t)lanes] |= (uint16_t)(ref_rmmec_code(mode, w[i]) << (bits * (int)(i % (size_t)lanes)));
        b[i / (size_t)lanes] |= (uint16_t)(ref_rmmec_code(mode, x[i]) << (bits * (int)(i % (size_t)lanes)));
    }
    uint32_t out;
    assert_int_equal(rmmec_dot(mode, a, b, nw, RMMEC_OUT_FP32, &out), LPCS_OK);
    free(a), free(b);
    return out;
}

/* kind: 0 bell-shaped, 1 every code of the format (huge range), 2 ties and
 * cancellation (small integers and halves), 3 with NaN (NaR) entries. */
static float sample(int kind, rmmec_mode mode) {
    int p16 = mode == RMMEC_P16;
    switch (kind) {
    case 0: return gauss(p16 ? 0.3f : 2.0f);
    case 1: {
        if (mode == RMMEC_FP4) return mf_to_f32(MF_FP4_E2M1, rnd() & 0xFu);
        int n = p16 ? 16 : mode == RMMEC_P8 ? 8 : 4;
        posit_cfg c = posit_cfg_make(n, p16 || mode == RMMEC_P4 ? 1 : 0);
        uint32_t code = rnd() & ((1u << n) - 1u);
        if (code == 1u << (n - 1)) code = 0;
        return posit_to_float(c, code);
    }
    case 2: return (float)((int)(rnd() % 9) - 4) * ((rnd() & 1) ? 1.0f : ldexpf(1.0f, -(int)(rnd() % 13)));
    default: return (rnd() % 50) || mode == RMMEC_FP4 ? gauss(1.0f) : NAN; /* FP4 has no NaN */
    }
}

static void check_rmmec(const char *fmt, rmmec_mode mode) {
    size_t compared = 0;
    for (int c = 0; c < 24; c++) {
        int kind = c % 4;
        size_t rows = 1 + rnd() % 40, cols = 1 + rnd() % 700, T = 1 + rnd() % 4;
        if (c == 1) cols = 768; /* p8: every code over 768 columns exceeds the int32 bound */
        float *W = malloc(rows * cols * sizeof *W), *X = malloc(T * cols * sizeof *X);
        float *Y = malloc(T * rows * sizeof *Y);
        for (size_t i = 0; i < rows * cols; i++) W[i] = sample(kind, mode);
        for (size_t i = 0; i < T * cols; i++) X[i] = sample(kind, mode);
        if (c == 1) /* row 0 all maxpos: sum |w x| far over 2^31 (P8: quire8 wraps, golden path) */
            for (size_t k = 0; k < cols; k++) W[k] = X[k] = mode == RMMEC_P16 ? 0x1p28f : mode == RMMEC_P8 ? 64.0f : 6.0f;
        if (kind == 2 && cols >= 2 && mode == RMMEC_P16) { /* an exact fp32 tie: 1 + 2^-24 rounds to 1 */
            W[0] = 1, W[1] = 1, X[0] = 1, X[1] = 0x1p-24f;
            for (size_t k = 2; k < cols; k++) W[k] = 0;
        }
        one_op o;
        op_init(&o, fmt, NULL, W, rows, cols, NULL);
        assert_true(run_isas(&o, X, T, Y) >= 1);
        for (size_t t = 0; t < T; t++)
            for (size_t r = 0; r < rows; r++) {
                uint32_t want = golden_rmmec(mode, o.op.w + r * cols, X + t * cols, cols), got;
                memcpy(&got, &Y[t * rows + r], 4);
                if (got != want)
                    fail_msg("%s case %d (kind %d) row %zu token %zu: 0x%08x vs golden 0x%08x", fmt, c, kind, r, t, got,
                             want);
                compared++;
            }
        if (kind == 2 && cols >= 2 && mode == RMMEC_P16) assert_int_equal(Y[0], 1.0f);
        op_free(&o);
        free(W), free(X), free(Y);
    }
    printf("%s: %zu outputs equal golden rmmec_dot\n", fmt, compared);
    assert_true(compared >= 200);
}

static void test_p8(void **state) {
    (void)state;
    check_rmmec("p8e0", RMMEC_P8);
}

static void test_p16(void **state) {
    (void)state;
    check_rmmec("p16e1", RMMEC_P16);
}

static void test_p4_fp4(void **state) {
    (void)state;
    check_rmmec("p4e1", RMMEC_P4);
    check_rmmec("fp4e2m1", RMMEC_FP4);
}

/* The double sum declines a tie and a cancellation, the binned sum gets them right. */
static void test_p16_tie_goes_to_bins(void **state) {
    (void)state;
    const float w[2] = {1.0f, 1.0f}, x[2] = {1.0f, 0x1p-24f};
    uint32_t o = 0;
    assert_int_equal(xf_p16_dot_f64(w, x, 2, 1.0f + 0x1p-24f, 0, &o), 0);
    int16_t wm[2], xm[2];
    uint8_t ws[2], xs[2];
    for (int k = 0; k < 2; k++) assert_true(xf_p16_split(w[k], &wm[k], &ws[k]) && xf_p16_split(x[k], &xm[k], &xs[k]));
    o = xf_p16_dot(wm, ws, xm, xs, 2);
    assert_int_equal(o, 0x3F800000u);
    assert_int_equal(xf_i128_to_f32((__int128)3 << 100, -100), 0x40400000u);
    /* catastrophic cancellation: the double sum says 0, the quire 2^-56 */
    const float W[3] = {0x1p28f, 0x1p-28f, -0x1p28f}, X[3] = {0x1p28f, 0x1p-28f, 0x1p28f};
    one_op op;
    op_init(&op, "p16e1", NULL, W, 1, 3, NULL);
    float y;
    assert_true(run_isas(&op, X, 1, &y) >= 1);
    assert_int_equal(y, 0x1p-56f);
    op_free(&op);
    assert_int_equal(xf_i128_to_f32(-((__int128)(1 << 24) + 3), 0), 0xCB800002u); /* tie 2^24+3 -> even 2^24+4 */
}

/* LUT-GEMV: every weight kind / width, activation width and g against golden. */
static void test_lutgemv(void **state) {
    (void)state;
    static const char *const wf[] = {"int2", "int3", "int4", "int5", "int8", "ternary"};
    size_t compared = 0;
    for (int c = 0; c < 30; c++) {
        const char *w = wf[c % 6];
        char af[8];
        snprintf(af, sizeof af, "int%d", 2 + (int)(rnd() % 7));
        dp_config dp;
        dp_default(&dp);
        dp.pim_g = 2 + (int)(rnd() % 7), dp.pim_entry_bits = 16;
        size_t rows = 1 + rnd() % 30, cols = 1 + rnd() % 500, T = 1 + rnd() % 4;
        float *W = malloc(rows * cols * sizeof *W), *X = malloc(T * cols * sizeof *X);
        float *Y = malloc(T * rows * sizeof *Y);
        for (size_t i = 0; i < rows * cols; i++) W[i] = gauss(0.1f);
        for (size_t i = 0; i < T * cols; i++) X[i] = gauss(3.0f);
        one_op o;
        op_init(&o, w, af, W, rows, cols, &dp);
        assert_string_equal(o.op.unit, "lutgemv");
        assert_true(run_isas(&o, X, T, Y) >= 1);
        qformat wq, aq;
        assert_int_equal(qformat_parse(w, &wq), LPCS_OK);
        assert_int_equal(qformat_parse(af, &aq), LPCS_OK);
        lutgemv_cfg lc = {.rows = rows, .cols = cols, .batch = T, .g = dp.pim_g, .a_bits = aq.bits, .qgroup = 0,
                          .w_kind = wq.kind == QF_TERNARY ? LUTGEMV_W_TERNARY : LUTGEMV_W_SIGNED,
                          .w_bits = wq.kind == QF_TERNARY ? 2 : wq.bits};
        int16_t *w16 = malloc(rows * cols * sizeof *w16), *tab = malloc(lutgemv_table_len(&lc) * sizeof *tab);
        int8_t *q = malloc(cols), *xq = malloc(T * cols);
        float *ws = malloc(rows * sizeof *ws), *xs = malloc(T * sizeof *xs), *want = malloc(T * rows * sizeof *want);
        int64_t *acc = malloc(lutgemv_acc_len(&lc) * sizeof *acc);
        for (size_t r = 0; r < rows; r++) {
            if (wq.kind == QF_TERNARY)
                assert_int_equal(ternary_absmean_quantize(W + r * cols, cols, q, &ws[r]), LPCS_OK);
            else
                assert_int_equal(intq_quantize_rows(wq.bits, W + r * cols, 1, cols, q, &ws[r]), LPCS_OK);
            for (size_t k = 0; k < cols; k++) w16[r * cols + k] = q[k];
        }
        for (size_t t = 0; t < T; t++) /* the unit's input conversion of fp32 activations */
            assert_int_equal(intq_quantize_tensor(aq.bits, X + t * cols, cols, xq + t * cols, &xs[t]), LPCS_OK);
        assert_int_equal(lutgemv_build_tables(&lc, w16, NULL, dp.pim_entry_bits, tab), LPCS_OK);
        assert_int_equal(lutgemv_gemv(&lc, tab, xq, 1, acc, NULL), LPCS_OK);
        assert_int_equal(lutgemv_convert(&lc, acc, ws, xs, want), LPCS_OK);
        assert_memory_equal(Y, want, T * rows * sizeof *Y);
        compared += T * rows;
        op_free(&o);
        free(W), free(X), free(Y), free(w16), free(tab), free(q), free(xq), free(ws), free(xs), free(want), free(acc);
    }
    printf("lutgemv: %zu outputs equal golden tables + bit-serial lookups + conversion\n", compared);
    assert_true(compared >= 100);
}

/* A design point whose table words are too narrow keeps the op off the unit (vector, fake). */
static void test_lutgemv_entry_bits_refused(void **state) {
    (void)state;
    dp_config dp;
    dp_default(&dp);
    dp.pim_g = 8, dp.pim_entry_bits = 8; /* int8 weights, g = 8: entries need 11 bits */
    float W[64];
    for (int i = 0; i < 64; i++) W[i] = gauss(1.0f);
    one_op o;
    memset(&o, 0, sizeof o);
    rt_err e = {0, ""};
    assert_int_equal(rt_plan_parse(&o.eng.plan, "w=int8,a=int8", &e), LPCS_OK);
    assert_int_equal(rt_qf_parse("int8", &o.wq, &e), LPCS_OK);
    o.op.type = OP_MATMUL, o.op.wclass = WC_FFN, o.op.qf = &o.wq, o.op.w = W, o.op.w_src = W, o.op.rows = 8, o.op.cols = 8;
    o.eng.ops = &o.op, o.eng.n_ops = 1;
    rt_sched_opts so;
    rt_sched_default(&so);
    so.backends[rt_sched_find(&so, "sim")].cfg = &dp;
    assert_int_equal(rt_exact_map(&o.eng, &so, &e), LPCS_OK);
    assert_null(o.op.exact);
    assert_string_equal(o.op.unit, "vector");
    assert_string_equal(o.op.mode, "fake:int8");
}

/* The table-driven posit conversions equal golden on random floats of every
 * magnitude (and the self-check at init accepted the tables). */
static void test_posit_tables(void **state) {
    (void)state;
    static const int cfg[][2] = {{8, 0}, {16, 1}, {4, 1}};
    size_t compared = 0;
    for (int i = 0; i < 3; i++) {
        xf_ptab t;
        assert_int_equal(xf_ptab_init(&t, cfg[i][0], cfg[i][1]), LPCS_OK);
        assert_true(t.ok);
        posit_cfg c = posit_cfg_make(cfg[i][0], cfg[i][1]);
        for (int k = 0; k < 1 << 20; k++) {
            uint32_t b = rnd() << 16 ^ rnd();
            if (k & 1) b = (b & 0x81FFFFFFu) | ((uint32_t)(100 + rnd() % 56) << 23); /* near the posit range */
            float x;
            memcpy(&x, &b, 4);
            if (xf_ptab_encode(&t, x) != posit_from_float(c, x))
                fail_msg("posit(%d,%d) of %a: table 0x%x, golden 0x%x", cfg[i][0], cfg[i][1], (double)x,
                         xf_ptab_encode(&t, x), posit_from_float(c, x));
            compared++;
        }
        for (uint32_t k = 0; k < (1u << cfg[i][0]); k++) {
            float v = t.val[k], g = posit_to_float(c, k);
            assert_true(memcmp(&v, &g, 4) == 0 || (v != v && g != g));
        }
        xf_ptab_free(&t);
    }
    printf("posit tables: %zu random floats encoded as golden\n", compared);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_p8),
        cmocka_unit_test(test_p16),
        cmocka_unit_test(test_p4_fp4),
        cmocka_unit_test(test_p16_tie_goes_to_bins),
        cmocka_unit_test(test_lutgemv),
        cmocka_unit_test(test_lutgemv_entry_bits_refused),
        cmocka_unit_test(test_posit_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
