/* LUT-GEMV golden: exactness against a direct integer GEMV written here
 * independently (no tables, no bit planes), exhaustive on small shapes and
 * random on large ones; tight entry/accumulator widths; lookup counts against
 * a brute-force O(N^2) count; type conversion order; bad input. */
#include "test_util.h"
#include "lutgemv.h"

typedef struct {
    lutgemv_wkind kind;
    int bits;
} wcfg;

/* Every weight configuration: signed 1..8, ternary, unsigned+zp 1..8. */
static int all_wcfgs(wcfg *out) {
    int n = 0;
    for (int b = 1; b <= 8; b++) out[n++] = (wcfg){LUTGEMV_W_SIGNED, b};
    out[n++] = (wcfg){LUTGEMV_W_TERNARY, 2};
    for (int b = 1; b <= 8; b++) out[n++] = (wcfg){LUTGEMV_W_UNSIGNED_ZP, b};
    return n;
}

/* Code values a weight config accepts (codes, not effective values). */
static int code_values(wcfg w, int16_t *v) {
    int n = 0;
    if (w.kind == LUTGEMV_W_TERNARY) {
        v[0] = -1, v[1] = 0, v[2] = 1;
        return 3;
    }
    int lo = w.kind == LUTGEMV_W_SIGNED ? -(1 << (w.bits - 1)) : 0;
    for (int i = 0; i < (1 << w.bits); i++) v[n++] = (int16_t)(lo + i);
    return n;
}

/* The independent oracle: sum over k of (code - zp) * x, per scale group. */
static void direct_gemv(const lutgemv_cfg *c, const int16_t *w, const int16_t *zp,
                        const int8_t *x, int64_t *acc) {
    size_t ql = (c->qgroup == 0 || c->qgroup >= c->cols) ? c->cols : c->qgroup;
    size_t Q = (c->cols + ql - 1) / ql;
    for (size_t n = 0; n < c->batch; n++)
        for (size_t r = 0; r < c->rows; r++)
            for (size_t q = 0; q < Q; q++) {
                int64_t s = 0;
                for (size_t k = q * ql; k < c->cols && k < (q + 1) * ql; k++) {
                    int64_t wv = w[r * c->cols + k];
                    if (c->w_kind == LUTGEMV_W_UNSIGNED_ZP) wv -= zp[r * Q + q];
                    s += wv * x[n * c->cols + k];
                }
                acc[(n * c->rows + r) * Q + q] = s;
            }
}

/* Runs LUT-GEMV (with and without pattern reuse) and the oracle; compares. */
static void check_exact(const lutgemv_cfg *c, const int16_t *w, const int16_t *zp, const int8_t *x) {
    size_t tl = lutgemv_table_len(c), al = lutgemv_acc_len(c);
    int16_t *t = malloc(tl * sizeof *t);
    int64_t *a1 = malloc(al * sizeof *a1), *a2 = malloc(al * sizeof *a2), *ref = malloc(al * sizeof *ref);
    assert_non_null(t), assert_non_null(a1), assert_non_null(a2), assert_non_null(ref);
    assert_int_equal(lutgemv_build_tables(c, w, zp, 0, t), LPCS_OK);
    lutgemv_counts k1, k2;
    assert_int_equal(lutgemv_gemv(c, t, x, 1, a1, &k1), LPCS_OK);
    assert_int_equal(lutgemv_gemv(c, t, x, 0, a2, &k2), LPCS_OK);
    direct_gemv(c, w, zp, x, ref);
    for (size_t i = 0; i < al; i++) {
        if (a1[i] != ref[i] || a2[i] != ref[i]) {
            fprintf(stderr, "mismatch g=%d kind=%d wb=%d ab=%d M=%zu K=%zu N=%zu at %zu: lut %lld/%lld direct %lld\n",
                    c->g, c->w_kind, c->w_bits, c->a_bits, c->rows, c->cols, c->batch, i,
                    (long long)a1[i], (long long)a2[i], (long long)ref[i]);
            fail();
        }
    }
    assert_int_equal(k2.lookups_done, k2.lookups_naive);
    assert_true(k1.lookups_done <= k1.lookups_naive);
    free(t), free(a1), free(a2), free(ref);
}

/* Every weight value meets every activation value at every position of a
 * full group plus one padded group (K = g+1), for every g, weight config and
 * activation width: row i holds value (i+k) mod nw at k, token n value
 * (n+3k) mod nx, so each (row, token) pair differs at every position. */
static void test_exhaustive_values(void **state) {
    (void)state;
    wcfg wc[17];
    int nwc = all_wcfgs(wc);
    int16_t vals[256];
    for (int g = LUTGEMV_G_MIN; g <= LUTGEMV_G_MAX; g++)
        for (int iw = 0; iw < nwc; iw++)
            for (int ab = 2; ab <= 8; ab++) {
                int nw = code_values(wc[iw], vals), nx = 1 << ab;
                lutgemv_cfg c = {.rows = (size_t)nw, .cols = (size_t)g + 1, .batch = (size_t)nx, .g = g,
                                 .w_bits = wc[iw].bits, .w_kind = wc[iw].kind, .a_bits = ab, .qgroup = 0};
                int16_t *w = malloc(c.rows * c.cols * sizeof *w), zp[256];
                int8_t *x = malloc(c.batch * c.cols);
                for (size_t i = 0; i < c.rows; i++) {
                    for (size_t k = 0; k < c.cols; k++) w[i * c.cols + k] = vals[(i + k) % (size_t)nw];
                    zp[i] = vals[(i * 7 + 3) % (size_t)nw]; /* all zero points appear (7 is odd) */
                }
                for (size_t n = 0; n < c.batch; n++)
                    for (size_t k = 0; k < c.cols; k++)
                        x[n * c.cols + k] = (int8_t)(-(nx / 2) + (int)((n + 3 * k) % (size_t)nx));
                check_exact(&c, w, zp, x);
                free(w), free(x);
            }
}

/* All weight vectors x all activation vectors of one full group, for the
 * small widths (g = 2 and g = 3). */
static void test_exhaustive_vectors(void **state) {
    (void)state;
    for (int g = 2; g <= 3; g++)
        for (int wb = 1; wb <= (g == 2 ? 4 : 3); wb++)
            for (int ab = 2; ab <= (g == 2 ? 4 : 3); ab++)
                for (int kind = 0; kind < 3; kind++) {
                    if (kind == LUTGEMV_W_TERNARY && wb != 2) continue;
                    wcfg wcf = {(lutgemv_wkind)kind, wb};
                    int16_t vals[256];
                    int nw = code_values(wcf, vals), nx = 1 << ab;
                    size_t rows = 1, toks = 1;
                    for (int j = 0; j < g; j++) rows *= (size_t)nw, toks *= (size_t)nx;
                    lutgemv_cfg c = {.rows = rows, .cols = (size_t)g, .batch = toks, .g = g,
                                     .w_bits = wb, .w_kind = (lutgemv_wkind)kind, .a_bits = ab};
                    int16_t *w = malloc(rows * (size_t)g * sizeof *w), *zp = malloc(rows * sizeof *zp);
                    int8_t *x = malloc(toks * (size_t)g);
                    for (size_t i = 0; i < rows; i++) {
                        size_t v = i;
                        for (int j = 0; j < g; j++, v /= (size_t)nw) w[i * (size_t)g + (size_t)j] = vals[v % (size_t)nw];
                        zp[i] = vals[(i * 5) % (size_t)nw];
                    }
                    for (size_t n = 0; n < toks; n++) {
                        size_t v = n;
                        for (int j = 0; j < g; j++, v /= (size_t)nx)
                            x[n * (size_t)g + (size_t)j] = (int8_t)(-(nx / 2) + (int)(v % (size_t)nx));
                    }
                    check_exact(&c, w, zp, x);
                    free(w), free(zp), free(x);
                }
}

static void random_case(uint64_t *rng, size_t M, size_t K, size_t N, int g, wcfg wc, int ab, size_t qgroup) {
    lutgemv_cfg c = {.rows = M, .cols = K, .batch = N, .g = g, .w_bits = wc.bits, .w_kind = wc.kind,
                     .a_bits = ab, .qgroup = qgroup};
    assert_int_equal(lutgemv_cfg_check(&c), LPCS_OK);
    int16_t vals[256];
    int nw = code_values(wc, vals);
    size_t Q = lutgemv_qgroups(&c);
    int16_t *w = malloc(M * K * sizeof *w), *zp = malloc(M * Q * sizeof *zp);
    int8_t *x = malloc(N * K);
    for (size_t i = 0; i < M * K; i++) w[i] = vals[test_rand64(rng) % (uint64_t)nw];
    for (size_t i = 0; i < M * Q; i++) zp[i] = (int16_t)(test_rand64(rng) % (1u << wc.bits));
    for (size_t i = 0; i < N * K; i++) x[i] = (int8_t)((int)(test_rand64(rng) % (1u << ab)) - (1 << (ab - 1)));
    check_exact(&c, w, zp, x);
    free(w), free(zp), free(x);
}

/* Random large shapes: odd K (padding), scale groups, every g. */
static void test_random_large(void **state) {
    (void)state;
    uint64_t rng = 0x5a11u;
    wcfg wc[17];
    int nwc = all_wcfgs(wc);
    for (int g = LUTGEMV_G_MIN; g <= LUTGEMV_G_MAX; g++)
        for (int i = 0; i < 6; i++) {
            wcfg w = wc[test_rand64(&rng) % (uint64_t)nwc];
            int ab = 2 + (int)(test_rand64(&rng) % 7);
            size_t K = 200 + test_rand64(&rng) % 900, M = 1 + test_rand64(&rng) % 40;
            size_t N = 1 + test_rand64(&rng) % 12, qg = (i & 1) ? (size_t)g * (1 + test_rand64(&rng) % 40) : 0;
            random_case(&rng, M, K, N, g, w, ab, qg);
        }
    /* One LLM-sized slice: K = 4096, int8 activations, 4-bit weights, g = 4. */
    random_case(&rng, 64, 4096, 4, 4, (wcfg){LUTGEMV_W_UNSIGNED_ZP, 4}, 8, 128);
    random_case(&rng, 64, 4096, 8, 4, (wcfg){LUTGEMV_W_TERNARY, 2}, 8, 0);
}

/* The derived widths are reached: worst-case weights give an entry (and an
 * accumulator) that does not fit one bit less, and a narrower table is refused. */
static void test_widths_tight(void **state) {
    (void)state;
    wcfg wc[17];
    int nwc = all_wcfgs(wc);
    for (int g = LUTGEMV_G_MIN; g <= LUTGEMV_G_MAX; g++)
        for (int iw = 0; iw < nwc; iw++) {
            lutgemv_cfg c = {.rows = 2, .cols = (size_t)g, .batch = 2, .g = g, .w_bits = wc[iw].bits,
                             .w_kind = wc[iw].kind, .a_bits = 8};
            int eb = lutgemv_entry_bits(&c);
            assert_true(eb >= 2 && eb <= 12);
            /* Row 0: most negative effective weight everywhere, row 1: most positive. */
            int16_t w[16], zp[2];
            int16_t lo_code, hi_code;
            if (c.w_kind == LUTGEMV_W_SIGNED) lo_code = (int16_t)-(1 << (c.w_bits - 1)), hi_code = (int16_t)((1 << (c.w_bits - 1)) - 1);
            else if (c.w_kind == LUTGEMV_W_TERNARY) lo_code = -1, hi_code = 1;
            else lo_code = 0, hi_code = (int16_t)((1 << c.w_bits) - 1);
            zp[0] = hi_code, zp[1] = lo_code; /* zp mode: 0 - max and max - 0 */
            for (int j = 0; j < g; j++) w[j] = lo_code, w[g + j] = hi_code;
            int16_t t[2 << LUTGEMV_G_MAX];
            assert_int_equal(lutgemv_build_tables(&c, w, zp, eb - 1, t), LPCS_ERANGE);
            assert_int_equal(lutgemv_build_tables(&c, w, zp, eb, t), LPCS_OK);
            int64_t lo = t[(1 << g) - 1], hi = t[(2 << g) - 1];
            int64_t half = (int64_t)1 << (eb - 2); /* range of eb-1 bits: [-half, half-1] */
            assert_true(lo < -half || hi > half - 1);
            assert_true(lo >= -2 * half && hi <= 2 * half - 1);
            /* Accumulator: worst row against all -2^(ab-1) and all 2^(ab-1)-1. */
            int ab_ = lutgemv_acc_bits(&c);
            int8_t x[16];
            for (int j = 0; j < g; j++) x[j] = -128, x[g + j] = 127;
            int64_t acc[4];
            assert_int_equal(lutgemv_gemv(&c, t, x, 1, acc, NULL), LPCS_OK);
            int64_t amin = acc[0], amax = acc[0];
            for (int i = 1; i < 4; i++) amin = acc[i] < amin ? acc[i] : amin, amax = acc[i] > amax ? acc[i] : amax;
            int64_t ah = (int64_t)1 << (ab_ - 2);
            assert_true(amin < -ah || amax > ah - 1);
            assert_true(amin >= -2 * ah && amax <= 2 * ah - 1);
        }
    /* Hand-checked anchors: int8 g=8 -> [-1024, 1016] (11 bits), ternary g=4 -> [-4,4] (4 bits). */
    lutgemv_cfg c8 = {.rows = 1, .cols = 8, .batch = 1, .g = 8, .w_bits = 8, .a_bits = 8};
    assert_int_equal(lutgemv_entry_bits(&c8), 11);
    lutgemv_cfg ct = {.rows = 1, .cols = 8, .batch = 1, .g = 4, .w_bits = 2, .w_kind = LUTGEMV_W_TERNARY, .a_bits = 8};
    assert_int_equal(lutgemv_entry_bits(&ct), 4);
}

/* Brute force: a lookup is done for token n unless an earlier token of the
 * batch has the same index for the same (grp, plane); times M rows. */
static uint64_t brute_lookups(const lutgemv_cfg *c, const int8_t *x) {
    uint64_t done = 0;
    size_t G = (c->cols + (size_t)c->g - 1) / (size_t)c->g;
    for (size_t grp = 0; grp < G; grp++)
        for (int p = 0; p < c->a_bits; p++)
            for (size_t n = 0; n < c->batch; n++) {
                int dup = 0;
                for (size_t m = 0; m < n && !dup; m++) {
                    int same = 1;
                    for (int j = 0; j < c->g; j++) {
                        size_t k = grp * (size_t)c->g + (size_t)j;
                        if (k >= c->cols) continue;
                        int bn = ((uint8_t)x[n * c->cols + k] >> p) & 1, bm = ((uint8_t)x[m * c->cols + k] >> p) & 1;
                        if (bn != bm) same = 0;
                    }
                    dup = same;
                }
                done += !dup;
            }
    return done * c->rows;
}

static void test_lookup_counts(void **state) {
    (void)state;
    uint64_t rng = 77;
    for (int it = 0; it < 60; it++) {
        int g = 2 + (int)(test_rand64(&rng) % 7), ab = 2 + (int)(test_rand64(&rng) % 7);
        lutgemv_cfg c = {.rows = 1 + test_rand64(&rng) % 5, .cols = 1 + test_rand64(&rng) % 40,
                         .batch = 1 + test_rand64(&rng) % 33, .g = g, .w_bits = 4, .a_bits = ab};
        int8_t *x = malloc(c.batch * c.cols);
        int sparsity = (int)(test_rand64(&rng) % 4); /* more repeats: small magnitudes */
        for (size_t i = 0; i < c.batch * c.cols; i++) {
            int v = (int)(test_rand64(&rng) % (1u << ab)) - (1 << (ab - 1));
            x[i] = (int8_t)(sparsity ? v >> (ab - 1 > sparsity ? sparsity : ab - 1) : v);
        }
        int16_t *w = calloc(c.rows * c.cols, sizeof *w), *t = malloc(lutgemv_table_len(&c) * sizeof *t);
        int64_t *acc = malloc(lutgemv_acc_len(&c) * sizeof *acc);
        assert_int_equal(lutgemv_build_tables(&c, w, NULL, 0, t), LPCS_OK);
        lutgemv_counts k, kc, kn;
        assert_int_equal(lutgemv_gemv(&c, t, x, 1, acc, &k), LPCS_OK);
        assert_int_equal(lutgemv_count_lookups(&c, x, 1, &kc), LPCS_OK);
        assert_int_equal(lutgemv_count_lookups(&c, x, 0, &kn), LPCS_OK);
        uint64_t G = (c.cols + (size_t)g - 1) / (size_t)g;
        assert_int_equal(k.lookups_done, brute_lookups(&c, x));
        assert_int_equal(kc.lookups_done, k.lookups_done);
        assert_int_equal(k.lookups_naive, c.rows * G * (uint64_t)ab * c.batch);
        assert_int_equal(k.lookups_saved, k.lookups_naive - k.lookups_done);
        assert_int_equal(kn.lookups_done, k.lookups_naive);
        assert_int_equal(k.table_entries, c.rows * G << g);
        assert_int_equal(k.conversions, c.rows * c.batch);
        free(x), free(w), free(t), free(acc);
    }
    /* A batch of identical tokens needs exactly one lookup per (r, grp, p). */
    lutgemv_cfg c = {.rows = 3, .cols = 8, .batch = 16, .g = 4, .w_bits = 2, .a_bits = 8};
    int8_t x[16 * 8];
    for (int i = 0; i < 16 * 8; i++) x[i] = (int8_t)(i % 8 * 17 - 60);
    lutgemv_counts k;
    assert_int_equal(lutgemv_count_lookups(&c, x, 1, &k), LPCS_OK);
    assert_int_equal(k.lookups_done, 3 * 2 * 8);
    assert_int_equal(k.lookups_saved, 3 * 2 * 8 * 15);
}

/* Conversion: fixed order s = s + (float)acc*scale over q, then * x_scale. The
 * expected values are worked out by hand where the order matters. */
static void test_convert(void **state) {
    (void)state;
    lutgemv_cfg c = {.rows = 1, .cols = 12, .batch = 2, .g = 4, .w_bits = 4, .a_bits = 8, .qgroup = 4};
    assert_int_equal(lutgemv_qgroups(&c), 3);
    /* token 0: (1e8*1) + (1*1) + (-1e8*1) in order: 1e8+1 rounds to 1e8 -> 0. */
    int64_t acc[6] = {100000000, 1, -100000000, 16777217, 0, 0};
    float ws[3] = {1.0f, 1.0f, 1.0f}, xs[2] = {0.5f, 3.0f}, y[2];
    assert_int_equal(lutgemv_convert(&c, acc, ws, NULL, y), LPCS_OK);
    assert_true(y[0] == 0.0f);
    assert_true(y[1] == 16777216.0f); /* (float)16777217 rounds to even */
    assert_int_equal(lutgemv_convert(&c, acc, ws, xs, y), LPCS_OK);
    assert_true(y[1] == 50331648.0f);
    float ws2[3] = {0.1f, 0.2f, 0.3f};
    int64_t acc2[6] = {3, -7, 11, 1, 2, 3};
    assert_int_equal(lutgemv_convert(&c, acc2, ws2, xs, y), LPCS_OK);
    volatile float s = 0.0f, t;
    t = 3.0f * 0.1f; s = s + t; t = -7.0f * 0.2f; s = s + t; t = 11.0f * 0.3f; s = s + t;
    float e0 = s * 0.5f;
    assert_memory_equal(&y[0], &e0, sizeof e0);
}

static void test_bad_input(void **state) {
    (void)state;
    lutgemv_cfg ok = {.rows = 2, .cols = 5, .batch = 2, .g = 4, .w_bits = 4, .a_bits = 8};
    assert_int_equal(lutgemv_cfg_check(&ok), LPCS_OK);
    assert_int_equal(lutgemv_cfg_check(NULL), LPCS_EINVAL);
    lutgemv_cfg c = ok; c.g = 1; assert_int_equal(lutgemv_cfg_check(&c), LPCS_EINVAL);
    c = ok; c.g = 9; assert_int_equal(lutgemv_cfg_check(&c), LPCS_EINVAL);
    c = ok; c.a_bits = 1; assert_int_equal(lutgemv_cfg_check(&c), LPCS_EINVAL);
    c = ok; c.a_bits = 9; assert_int_equal(lutgemv_cfg_check(&c), LPCS_EINVAL);
    c = ok; c.w_bits = 0; assert_int_equal(lutgemv_cfg_check(&c), LPCS_EINVAL);
    c = ok; c.w_bits = 9; assert_int_equal(lutgemv_cfg_check(&c), LPCS_EINVAL);
    c = ok; c.w_kind = LUTGEMV_W_TERNARY; c.w_bits = 3; assert_int_equal(lutgemv_cfg_check(&c), LPCS_EINVAL);
    c = ok; c.w_kind = (lutgemv_wkind)7; assert_int_equal(lutgemv_cfg_check(&c), LPCS_EINVAL);
    c = ok; c.rows = 0; assert_int_equal(lutgemv_cfg_check(&c), LPCS_ERANGE);
    c = ok; c.cols = 0; assert_int_equal(lutgemv_cfg_check(&c), LPCS_ERANGE);
    c = ok; c.batch = 0; assert_int_equal(lutgemv_cfg_check(&c), LPCS_ERANGE);
    c = ok; c.cols = (size_t)-1; assert_int_equal(lutgemv_cfg_check(&c), LPCS_ERANGE);
    c = ok; c.rows = LUTGEMV_DIM_MAX; c.cols = LUTGEMV_DIM_MAX; assert_int_equal(lutgemv_cfg_check(&c), LPCS_ERANGE);
    /* M*N*K = 2^72 would wrap a 64-bit product: must still be refused. */
    c = ok; c.rows = c.cols = c.batch = LUTGEMV_DIM_MAX; c.g = 8; assert_int_equal(lutgemv_cfg_check(&c), LPCS_ERANGE);
    c = ok; c.rows = 2; c.cols = LUTGEMV_DIM_MAX; c.batch = LUTGEMV_DIM_MAX; assert_int_equal(lutgemv_cfg_check(&c), LPCS_ERANGE);
    c = ok; c.rows = 1; c.cols = 1u << 20; c.batch = 1u << 20; assert_int_equal(lutgemv_cfg_check(&c), LPCS_OK);
    c = ok; c.qgroup = 6; assert_int_equal(lutgemv_cfg_check(&c), LPCS_EINVAL);
    assert_int_equal(lutgemv_entry_bits(NULL), 0);
    assert_int_equal(lutgemv_acc_bits(NULL), 0);
    int wmin, wmax;
    assert_int_equal(lutgemv_weight_range(&ok, NULL, &wmax), LPCS_EINVAL);
    assert_int_equal(lutgemv_weight_range(&ok, &wmin, &wmax), LPCS_OK);
    assert_int_equal(wmin, -8), assert_int_equal(wmax, 7);

    int16_t w[10] = {0}, t[2 * 2 * 16], zp[2] = {0, 0};
    int8_t x[10] = {0};
    int64_t acc[4];
    float y[4], ws[2] = {1, 1};
    assert_int_equal(lutgemv_build_tables(&ok, NULL, NULL, 0, t), LPCS_EINVAL);
    assert_int_equal(lutgemv_build_tables(&ok, w, NULL, 0, NULL), LPCS_EINVAL);
    assert_int_equal(lutgemv_build_tables(&ok, w, NULL, -1, t), LPCS_ERANGE);
    assert_int_equal(lutgemv_build_tables(&ok, w, NULL, 17, t), LPCS_ERANGE);
    w[3] = 8; /* out of int4 range */
    assert_int_equal(lutgemv_build_tables(&ok, w, NULL, 0, t), LPCS_EINVAL);
    w[3] = 0;
    c = ok; c.w_kind = LUTGEMV_W_UNSIGNED_ZP;
    assert_int_equal(lutgemv_build_tables(&c, w, NULL, 0, t), LPCS_EINVAL); /* zp missing */
    zp[1] = 16;
    assert_int_equal(lutgemv_build_tables(&c, w, zp, 0, t), LPCS_EINVAL); /* zp out of range */
    w[0] = -1; zp[1] = 0;
    assert_int_equal(lutgemv_build_tables(&c, w, zp, 0, t), LPCS_EINVAL); /* negative code */
    w[0] = 0;
    assert_int_equal(lutgemv_build_tables(&ok, w, NULL, 0, t), LPCS_OK);
    assert_int_equal(lutgemv_gemv(&ok, NULL, x, 1, acc, NULL), LPCS_EINVAL);
    assert_int_equal(lutgemv_gemv(&ok, t, NULL, 1, acc, NULL), LPCS_EINVAL);
    assert_int_equal(lutgemv_gemv(&ok, t, x, 1, NULL, NULL), LPCS_EINVAL);
    c = ok; c.a_bits = 4; x[7] = 8; /* out of int4 range */
    assert_int_equal(lutgemv_gemv(&c, t, x, 1, acc, NULL), LPCS_EINVAL);
    assert_int_equal(lutgemv_count_lookups(&c, x, 1, &(lutgemv_counts){0}), LPCS_EINVAL);
    x[7] = 0;
    assert_int_equal(lutgemv_count_lookups(&c, x, 1, NULL), LPCS_EINVAL);
    assert_int_equal(lutgemv_gemv(&ok, t, x, 1, acc, NULL), LPCS_OK);
    assert_int_equal(lutgemv_convert(&ok, NULL, ws, NULL, y), LPCS_EINVAL);
    assert_int_equal(lutgemv_convert(&ok, acc, NULL, NULL, y), LPCS_EINVAL);
    assert_int_equal(lutgemv_convert(&ok, acc, ws, NULL, NULL), LPCS_EINVAL);
    c = ok; c.g = 0;
    assert_int_equal(lutgemv_convert(&c, acc, ws, NULL, y), LPCS_EINVAL);
    assert_int_equal(lutgemv_gemv(&c, t, x, 1, acc, NULL), LPCS_EINVAL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exhaustive_values), cmocka_unit_test(test_exhaustive_vectors),
        cmocka_unit_test(test_random_large),      cmocka_unit_test(test_widths_tight),
        cmocka_unit_test(test_lookup_counts),     cmocka_unit_test(test_convert),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests_name("lutgemv", tests, NULL, NULL);
}
