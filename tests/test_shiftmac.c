/* golden/shiftmac.c against the independent oracle (tests/shiftmac_oracle.c):
 * every code x every int8, random large shapes, edge sizes, the quantizer at
 * and around every log-domain boundary, the linear op bit for bit, bad input,
 * and a negative test: a corrupted design-under-test must be caught. */
#include <math.h>

#include "shiftmac.h"
#include "shiftmac_model.h"
#include "unit.h"
#include "shiftmac_oracle.h"
#include "test_util.h"

/* Compares golden GEMV with the oracle; returns the number of mismatches and
 * adds the compared outputs to *compared. */
static size_t compare_gemv(const uint8_t *dut_packed, const uint8_t *ref_packed, size_t rows, size_t cols,
                           const int8_t *x, size_t *compared) {
    int32_t *y = malloc(rows * sizeof *y);
    int64_t *want = malloc(rows * sizeof *want);
    assert_non_null(y);
    assert_non_null(want);
    assert_int_equal(shiftmac_gemv_i32(dut_packed, rows, cols, x, y), LPCS_OK);
    orc_shift_gemv(ref_packed, rows, cols, x, want);
    size_t bad = 0;
    for (size_t r = 0; r < rows; r++) bad += (int64_t)y[r] != want[r];
    *compared += rows;
    free(y);
    free(want);
    return bad;
}

static void random_codes(uint8_t *c, size_t n, uint64_t *s) {
    for (size_t i = 0; i < n; i++) c[i] = (uint8_t)(test_rand64(s) & 15);
}
static void random_x(int8_t *x, size_t n, uint64_t *s) {
    for (size_t i = 0; i < n; i++) x[i] = (int8_t)(test_rand64(s) & 0xff);
}

/* ---- codes and packing ------------------------------------------------- */

static void test_codes(void **st) {
    (void)st;
    for (unsigned c = 0; c < 16; c++) {
        assert_int_equal(shiftmac_weight_int((uint8_t)c), orc_shift_weight(c));
        assert_int_equal(shiftmac_code((int)(c >> 3), (int)(c & 7)), c);
    }
    assert_int_equal(shiftmac_weight_int(0x0), 128);
    assert_int_equal(shiftmac_weight_int(0x7), 1);
    assert_int_equal(shiftmac_weight_int(0x8), -128);
    assert_int_equal(shiftmac_weight_int(0xF), -1);
    assert_int_equal(shiftmac_code(2, 0), 0xFF);
    assert_int_equal(shiftmac_code(0, 8), 0xFF);
    assert_int_equal(shiftmac_code(0, -1), 0xFF);
}

static void test_pack_layout(void **st) {
    (void)st;
    const uint8_t c[3] = {0x3, 0xA, 0x7};
    uint8_t p[2] = {0xEE, 0xEE};
    assert_int_equal(shiftmac_pack(c, 3, p), LPCS_OK);
    assert_int_equal(p[0], 0xA3);
    assert_int_equal(p[1], 0x07); /* padding nibble 0 */
    uint8_t back[3];
    assert_int_equal(shiftmac_unpack(p, 3, back), LPCS_OK);
    assert_memory_equal(back, c, 3);
    assert_int_equal(shiftmac_row_bytes(0), 0);
    assert_int_equal(shiftmac_row_bytes(1), 1);
    assert_int_equal(shiftmac_row_bytes(2), 1);
    assert_int_equal(shiftmac_row_bytes(3), 2);
    /* every position and code lands where the contract says */
    for (size_t k = 0; k < 4; k++)
        for (unsigned v = 0; v < 16; v++) {
            uint8_t one[4] = {0}, q[2];
            one[k] = (uint8_t)v;
            assert_int_equal(shiftmac_pack(one, 4, q), LPCS_OK);
            assert_int_equal(q[k / 2], v << (4 * (k % 2)));
            assert_int_equal(q[1 - k / 2], 0);
            assert_int_equal(orc_shift_code_at(q, k), v);
        }
    /* a padding nibble is ignored by the GEMV */
    const int8_t x[3] = {1, 1, 1};
    int32_t y0, y1;
    uint8_t pad[2] = {0x00, 0x07};
    assert_int_equal(shiftmac_gemv_i32(pad, 1, 3, x, &y0), LPCS_OK);
    pad[1] = 0xF7;
    assert_int_equal(shiftmac_gemv_i32(pad, 1, 3, x, &y1), LPCS_OK);
    assert_int_equal(y0, 128 + 128 + 1);
    assert_int_equal(y1, y0);
}

/* ---- exact GEMV -------------------------------------------------------- */

/* Every code times every int8, one product per output. */
static void test_every_code_every_int8(void **st) {
    (void)st;
    size_t compared = 0, bad = 0;
    for (unsigned c = 0; c < 16; c++)
        for (int v = -128; v <= 127; v++) {
            uint8_t p = (uint8_t)c;
            int8_t x = (int8_t)v;
            bad += compare_gemv(&p, &p, 1, 1, &x, &compared);
        }
    assert_int_equal(bad, 0);
    assert_int_equal(compared, 16 * 256);
    /* the same products inside one row of 16 codes, at both nibble positions */
    uint8_t codes[16], packed[8];
    for (unsigned c = 0; c < 16; c++) codes[c] = (uint8_t)c;
    assert_int_equal(shiftmac_pack(codes, 16, packed), LPCS_OK);
    for (int v = -128; v <= 127; v++)
        for (unsigned k = 0; k < 16; k++) {
            int8_t x[16] = {0};
            x[k] = (int8_t)v;
            bad += compare_gemv(packed, packed, 1, 16, x, &compared);
        }
    assert_int_equal(bad, 0);
    assert_int_equal(compared, 2 * 16 * 256);
}

static void test_random_shapes(void **st) {
    (void)st;
    uint64_t s = 42;
    size_t compared = 0, bad = 0;
    const size_t shapes[][2] = {{1, 1}, {3, 2}, {7, 33}, {64, 127}, {17, 1000}, {256, 4096}, {5, 11008}, {2, 32768}};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        size_t rows = shapes[i][0], cols = shapes[i][1];
        uint8_t *codes = malloc(rows * cols), *p = malloc(rows * shiftmac_row_bytes(cols));
        int8_t *x = malloc(cols);
        assert_true(codes && p && x);
        random_codes(codes, rows * cols, &s);
        random_x(x, cols, &s);
        assert_int_equal(shiftmac_pack_matrix(codes, rows, cols, p), LPCS_OK);
        bad += compare_gemv(p, p, rows, cols, x, &compared);
        free(codes), free(p), free(x);
    }
    assert_int_equal(bad, 0);
    assert_true(compared >= 300);
}

/* The accumulator bound: K = SHIFTMAC_MAX_COLS terms of +-2^14 stay exact. */
static void test_accumulator_extremes(void **st) {
    (void)st;
    const size_t cols = SHIFTMAC_MAX_COLS;
    uint8_t *p = malloc(4 * shiftmac_row_bytes(cols));
    int8_t *x = malloc(cols);
    assert_true(p && x);
    const uint8_t fill[4] = {0x88, 0x00, 0x08, 0x77}; /* -128 -128 | +128 +128 | alternating | +1 +1 */
    for (size_t r = 0; r < 4; r++) memset(p + r * shiftmac_row_bytes(cols), fill[r], shiftmac_row_bytes(cols));
    memset(x, 0x80, cols); /* x = -128 */
    size_t compared = 0;
    assert_int_equal(compare_gemv(p, p, 4, cols, x, &compared), 0);
    int32_t y[4];
    assert_int_equal(shiftmac_gemv_i32(p, 4, cols, x, y), LPCS_OK);
    assert_int_equal(y[0], 1 << 30);
    assert_int_equal(y[1], -(1 << 30));
    assert_int_equal(y[2], 0);
    assert_int_equal(y[3], -(1 << 23));
    free(p), free(x);
}

static void test_gemm(void **st) {
    (void)st;
    uint64_t s = 9;
    const size_t rows = 37, cols = 301, ntok = 5;
    uint8_t codes[37 * 301], p[37 * 151];
    int8_t x[5 * 301];
    int32_t y[5 * 37];
    int64_t want[37];
    random_codes(codes, rows * cols, &s);
    random_x(x, ntok * cols, &s);
    assert_int_equal(shiftmac_pack_matrix(codes, rows, cols, p), LPCS_OK);
    assert_int_equal(shiftmac_gemm_i32(p, rows, cols, x, ntok, y), LPCS_OK);
    size_t compared = 0;
    for (size_t t = 0; t < ntok; t++) {
        orc_shift_gemv(p, rows, cols, x + t * cols, want);
        for (size_t r = 0; r < rows; r++, compared++) assert_int_equal(y[t * rows + r], want[r]);
    }
    assert_int_equal(compared, rows * ntok);
}

/* ---- quantizer --------------------------------------------------------- */

static void test_quantize_boundaries(void **st) {
    (void)st;
    size_t compared = 0;
    const float alphas[] = {1.0f, 0.37f, 3.0e-3f, 1.7e30f, 1e-38f, 0x1p-140f};
    for (size_t a = 0; a < sizeof alphas / sizeof alphas[0]; a++) {
        const float al = alphas[a];
        for (int e = 0; e < 8; e++) {
            /* floats straddling alpha * 2^-(e+1/2) and the powers of two themselves */
            float b = (float)((double)al * pow(2.0, -(e + 0.5)));
            float probes[] = {b, nextafterf(b, 0.0f), nextafterf(b, INFINITY), al * ldexpf(1.0f, -e), 0.0f, -0.0f, al};
            for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++)
                for (int sg = 0; sg < 2; sg++) {
                    float w = sg ? -probes[i] : probes[i];
                    if (fabsf(w) > al) continue;
                    uint8_t c;
                    assert_int_equal(shiftmac_quantize_one(w, al, &c), LPCS_OK);
                    if (c != orc_shift_quant(w, al)) fail_msg("w %a alpha %a: golden %u oracle %u", w, al, c, orc_shift_quant(w, al));
                    compared++;
                }
        }
    }
    assert_true(compared >= 300);
    uint8_t c;
    assert_int_equal(shiftmac_quantize_one(1.0f, 1.0f, &c), LPCS_OK);
    assert_int_equal(c, 0x0);
    assert_int_equal(shiftmac_quantize_one(-0.25f, 1.0f, &c), LPCS_OK);
    assert_int_equal(c, 0xA);
    assert_int_equal(shiftmac_quantize_one(0.0f, 1.0f, &c), LPCS_OK);
    assert_int_equal(c, 0x7);
    assert_int_equal(shiftmac_quantize_one(-0.0f, 1.0f, &c), LPCS_OK);
    assert_int_equal(c, 0x7);
    assert_int_equal(shiftmac_quantize_one(1e-9f, 1.0f, &c), LPCS_OK);
    assert_int_equal(c, 0x7);
}

static void test_quantize_random(void **st) {
    (void)st;
    uint64_t s = 7;
    const size_t rows = 64, cols = 257;
    float *w = malloc(rows * cols * sizeof *w), alpha[64], talpha[64];
    uint8_t *codes = malloc(rows * cols), *tcodes = malloc(rows * cols);
    assert_true(w && codes && tcodes);
    for (size_t i = 0; i < rows * cols; i++) {
        double u = (double)(test_rand64(&s) >> 11) * 0x1p-53;
        w[i] = (float)((u - 0.5) * pow(2.0, (double)(test_rand64(&s) % 24) - 12.0));
    }
    w[5] = 0.0f;
    for (size_t c = 0; c < cols; c++) w[3 * cols + c] = 0.0f; /* an all-zero row */
    assert_int_equal(shiftmac_quantize(w, rows, cols, 1, codes, alpha), LPCS_OK);
    assert_int_equal(shiftmac_quantize(w, rows, cols, 0, tcodes, talpha), LPCS_OK);
    float tmax = 0.0f;
    for (size_t i = 0; i < rows * cols; i++) tmax = fmaxf(tmax, fabsf(w[i]));
    size_t compared = 0;
    for (size_t r = 0; r < rows; r++) {
        float m = 0.0f;
        for (size_t c = 0; c < cols; c++) m = fmaxf(m, fabsf(w[r * cols + c]));
        assert_true(alpha[r] == m);
        assert_true(talpha[r] == tmax);
        for (size_t c = 0; c < cols; c++, compared++) {
            assert_int_equal(codes[r * cols + c], orc_shift_quant(w[r * cols + c], m));
            assert_int_equal(tcodes[r * cols + c], orc_shift_quant(w[r * cols + c], tmax));
        }
    }
    assert_int_equal(compared, rows * cols);
    for (size_t c = 0; c < cols; c++) assert_int_equal(codes[3 * cols + c], 0x7);
    free(w), free(codes), free(tcodes);
}

/* ---- linear op --------------------------------------------------------- */

static void test_linear_bit_exact(void **st) {
    (void)st;
    uint64_t s = 3;
    const size_t in = 288, out = 77;
    float *w = malloc(in * out * sizeof *w), x[288], y[77], want[77];
    uint8_t *codes = malloc(in * out);
    assert_true(w && codes);
    size_t compared = 0;
    for (int per_row = 0; per_row < 2; per_row++)
        for (int trial = 0; trial < 20; trial++) {
            for (size_t i = 0; i < in * out; i++)
                w[i] = (float)((double)(test_rand64(&s) >> 11) * 0x1p-53 - 0.5) * (float)(1 + trial);
            for (size_t k = 0; k < in; k++) x[k] = (float)((double)(test_rand64(&s) >> 11) * 0x1p-52 - 1.0) * 3.0f;
            if (trial == 0) memset(x, 0, sizeof x);
            shiftmac_linear L;
            assert_int_equal(shiftmac_linear_init(&L, w, in, out, per_row), LPCS_OK);
            void *scratch = malloc(shiftmac_linear_scratch_bytes(&L));
            assert_non_null(scratch);
            assert_int_equal(shiftmac_linear_forward(&L, x, y, scratch), LPCS_OK);
            /* the oracle quantizes the latent weights itself */
            float alpha[77];
            for (size_t j = 0; j < out; j++) {
                float m = 0.0f;
                for (size_t k = 0; k < (per_row ? in : in * out); k++) m = fmaxf(m, fabsf(w[(per_row ? j * in : 0) + k]));
                alpha[j] = m;
                for (size_t k = 0; k < in; k++) codes[j * in + k] = (uint8_t)orc_shift_quant(w[j * in + k], m);
            }
            assert_int_equal(orc_shift_linear(codes, alpha, in, out, x, want), 0);
            for (size_t j = 0; j < out; j++, compared++) {
                uint32_t a, b;
                memcpy(&a, &y[j], 4), memcpy(&b, &want[j], 4);
                if (a != b) fail_msg("per_row %d trial %d out %zu: golden %a oracle %a", per_row, trial, j, y[j], want[j]);
            }
            free(scratch);
            shiftmac_linear_free(&L);
        }
    assert_int_equal(compared, 2 * 20 * out);
    free(w), free(codes);
}

/* ---- bad input --------------------------------------------------------- */

static void test_bad_input(void **st) {
    (void)st;
    uint8_t p[4] = {0}, c[4] = {0};
    int8_t x[4] = {0};
    int32_t y[4];
    float w[4] = {1, 2, 3, 4}, a[2];
    assert_int_equal(shiftmac_gemv_i32(NULL, 1, 1, x, y), LPCS_EINVAL);
    assert_int_equal(shiftmac_gemv_i32(p, 1, 1, NULL, y), LPCS_EINVAL);
    assert_int_equal(shiftmac_gemv_i32(p, 1, 1, x, NULL), LPCS_EINVAL);
    assert_int_equal(shiftmac_gemv_i32(p, 0, 1, x, y), LPCS_EINVAL);
    assert_int_equal(shiftmac_gemv_i32(p, 1, 0, x, y), LPCS_ERANGE);
    assert_int_equal(shiftmac_gemv_i32(p, 1, SHIFTMAC_MAX_COLS + 1, x, y), LPCS_ERANGE);
    assert_int_equal(shiftmac_gemm_i32(p, 1, 1, x, 0, y), LPCS_EINVAL);
    c[2] = 16;
    assert_int_equal(shiftmac_pack(c, 4, p), LPCS_ERANGE);
    assert_int_equal(shiftmac_pack(NULL, 4, p), LPCS_EINVAL);
    assert_int_equal(shiftmac_unpack(p, 4, NULL), LPCS_EINVAL);
    assert_int_equal(shiftmac_quantize_one(2.0f, 1.0f, c), LPCS_ERANGE);
    assert_int_equal(shiftmac_quantize_one(NAN, 1.0f, c), LPCS_ERANGE);
    assert_int_equal(shiftmac_quantize_one(0.5f, INFINITY, c), LPCS_ERANGE);
    assert_int_equal(shiftmac_quantize_one(0.5f, 1.0f, NULL), LPCS_EINVAL);
    w[2] = NAN;
    memset(c, 9, 4);
    assert_int_equal(shiftmac_quantize(w, 2, 2, 1, c, a), LPCS_ERANGE);
    for (int i = 0; i < 4; i++) assert_int_equal(c[i], 0);
    assert_true(a[0] == 0.0f && a[1] == 0.0f);
    w[2] = INFINITY;
    assert_int_equal(shiftmac_quantize(w, 2, 2, 0, c, a), LPCS_ERANGE);
    shiftmac_linear L;
    assert_int_equal(shiftmac_linear_init(&L, w, 2, 2, 1), LPCS_ERANGE);
    assert_null(L.packed);
    assert_int_equal(shiftmac_linear_init(&L, NULL, 2, 2, 1), LPCS_EINVAL);
    assert_int_equal(shiftmac_linear_init(NULL, w, 2, 2, 1), LPCS_EINVAL);
    assert_int_equal(shiftmac_linear_init(&L, w, SHIFTMAC_MAX_COLS + 1, 1, 1), LPCS_ERANGE);
    assert_int_equal(shiftmac_linear_init(&L, w, 4096, SIZE_MAX / 1024, 1), LPCS_ERANGE);
    w[2] = 3.0f;
    assert_int_equal(shiftmac_linear_init(&L, w, 2, 2, 1), LPCS_OK);
    float xin[2] = {1.0f, INFINITY}, yo[2];
    char scratch[64];
    assert_int_equal(shiftmac_linear_forward(&L, xin, yo, scratch), LPCS_ERANGE);
    assert_int_equal(shiftmac_linear_forward(&L, xin, yo, NULL), LPCS_EINVAL);
    shiftmac_linear_free(&L);
    shiftmac_linear_free(NULL);
}

/* ---- negative test: the comparison catches a faulty design --------------- */

/* The design under test runs on a weight buffer with one bit flipped (sign,
 * then exponent) while the oracle sees the true weights: the comparison must
 * report the mismatch, for every bit of a code. */
static void test_fault_is_caught(void **st) {
    (void)st;
    uint64_t s = 5;
    const size_t rows = 9, cols = 31;
    uint8_t codes[9 * 31], p[9 * 16], bad_p[9 * 16];
    int8_t x[31];
    random_codes(codes, rows * cols, &s);
    for (size_t k = 0; k < cols; k++) x[k] = (int8_t)(k % 2 ? -100 : 77);
    assert_int_equal(shiftmac_pack_matrix(codes, rows, cols, p), LPCS_OK);
    size_t compared = 0;
    assert_int_equal(compare_gemv(p, p, rows, cols, x, &compared), 0);
    for (int bit = 0; bit < 4; bit++) {
        memcpy(bad_p, p, sizeof p);
        bad_p[4 * 16 + 3] ^= (uint8_t)(1u << bit); /* row 4, code 6 */
        assert_int_equal(compare_gemv(bad_p, p, rows, cols, x, &compared), 1);
    }
    assert_int_equal(compared, 5 * rows);
}

/* ---- models/shiftmac_model (cycles are checked against the RTL by the co-sim) -- */

static void test_model(void **st) {
    (void)st;
    shiftmac_model_cfg c = shiftmac_model_defaults();
    shiftmac_cycles cy;
    /* 8 lanes, K = 100 -> 7 tiles; 2048/7 = 292 words -> 2336 rows per chunk */
    assert_int_equal(shiftmac_model_cycles(&c, 20, 100, &cy), LPCS_OK);
    assert_int_equal(cy.load_x, 7);
    assert_int_equal(cy.load_w, 3 * 7);
    assert_int_equal(cy.compute, 3 * 7 + 3);
    assert_int_equal(cy.chunks, 1);
    assert_int_equal(cy.total, 7 + 21 + 24);
    assert_int_equal(shiftmac_model_cycles(&c, 2337, 100, &cy), LPCS_OK);
    assert_int_equal(cy.chunks, 2);
    assert_int_equal(cy.load_w, (292 + 1) * 7);
    assert_int_equal(cy.compute, (292 + 1) * 7 + 6);
    assert_int_equal(shiftmac_model_cycles(&c, 1, 0, &cy), LPCS_ERANGE);
    assert_int_equal(shiftmac_model_cycles(&c, 1, 64 * 16 + 1, &cy), LPCS_ERANGE);
    assert_int_equal(shiftmac_model_cycles(&c, 0, 5, &cy), LPCS_ERANGE);
    assert_int_equal(shiftmac_model_cycles(NULL, 1, 5, &cy), LPCS_EINVAL);
    shiftmac_model_cfg bad = c;
    bad.ktile = 12;
    assert_int_equal(shiftmac_model_cycles(&bad, 1, 5, &cy), LPCS_EINVAL);
    assert_true(shiftmac_model_area_cells(&bad) == 0.0);
    /* the area fit reproduces the two yosys points it was fitted on */
    c.lanes = 4;
    assert_true(fabs(shiftmac_model_area_cells(&c) - 15500.0) < 0.5);
    c.lanes = 8;
    assert_true(fabs(shiftmac_model_area_cells(&c) - 30461.0) < 0.5);
    /* energy: every term positive, terms scale with rows * cols */
    shiftmac_energy_params ep = shiftmac_energy_defaults();
    shiftmac_energy e1, e2;
    assert_int_equal(shiftmac_model_energy(&c, 64, 512, &ep, &e1), LPCS_OK);
    assert_int_equal(shiftmac_model_energy(&c, 128, 512, &ep, &e2), LPCS_OK);
    assert_true(e1.weight_reads > 0 && e1.x_reads > 0 && e1.terms > 0 && e1.accumulate > 0 && e1.loads > 0);
    assert_true(fabs(e2.terms - 2 * e1.terms) < 1e-9 * e2.terms);
    assert_true(fabs(e1.total - (e1.weight_reads + e1.x_reads + e1.terms + e1.accumulate + e1.loads)) < 1e-9 * e1.total);
    assert_int_equal(shiftmac_model_energy(&c, 64, 512, NULL, &e1), LPCS_EINVAL);
}

/* The unit descriptor (models/unit_shiftmac.c): found by name, ranks only
 * shiftmac GEMVs on design points with lanes, compute cycles = the RTL's
 * (values measured by the co-sim, docs/shiftmac.md), K split in passes. */
static void test_descriptor(void **st) {
    (void)st;
    int u = arch_unit_find("shiftmac");
    assert_true(u >= 0);
    const arch_unit_desc *ud = arch_unit_get(u);
    dp_config d;
    char err[200];
    dp_default(&d);
    arch_op op = {.kind = ARCH_OP_GEMV, .rows = 26, .cols = 807, .w_bits = 4, .a_bits = 8, .w_fmt = ARCH_FMT_SHIFTMAC};
    assert_int_equal(ud->rank(&d, &op), 0); /* default point: no shift-MAC lanes */
    assert_true(ud->area_mm2(&d) == 0.0);
    assert_int_equal(dp_set_field(&d, "shiftmac_lanes", "8", 0, err, sizeof err), 0);
    assert_int_equal(dp_check(&d, err, sizeof err), 0);
    assert_true(ud->rank(&d, &op) > 0);
    assert_int_equal((int)arch_pick_unit(&d, &op), u);
    arch_op other = op;
    other.w_fmt = ARCH_FMT_INT;
    assert_int_equal(ud->rank(&d, &other), 0);
    arch_cost c = {0};
    double wb = 0;
    assert_int_equal(ud->compute(&d, &op, &c, &wb), 0);
    assert_true(c.compute_cycles == 462.0); /* RTL: 26 x 807 on 8 x 16 */
    op.rows = 11, op.cols = 1024;
    assert_int_equal(ud->compute(&d, &op, &c, &wb), 0);
    assert_true(c.compute_cycles == 323.0); /* RTL: 11 x 1024 */
    op.cols = 1024 + 476; /* two passes of the activation buffer */
    assert_int_equal(ud->compute(&d, &op, &c, &wb), 0);
    shiftmac_model_cfg mc = {8, 16, 2048, 64};
    shiftmac_cycles a, b;
    assert_int_equal(shiftmac_model_cycles(&mc, 11, 1024, &a), LPCS_OK);
    assert_int_equal(shiftmac_model_cycles(&mc, 11, 476, &b), LPCS_OK);
    assert_true(c.compute_cycles == (double)(a.total + b.total));
    assert_true(ud->area_mm2(&d) > 0.0);
    assert_int_not_equal(dp_set_field(&d, "shiftmac_ktile", "12", 0, err, sizeof err) == 0 && dp_check(&d, err, sizeof err) == 0, 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codes),
        cmocka_unit_test(test_pack_layout),
        cmocka_unit_test(test_every_code_every_int8),
        cmocka_unit_test(test_random_shapes),
        cmocka_unit_test(test_accumulator_extremes),
        cmocka_unit_test(test_gemm),
        cmocka_unit_test(test_quantize_boundaries),
        cmocka_unit_test(test_quantize_random),
        cmocka_unit_test(test_linear_bit_exact),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_fault_is_caught),
        cmocka_unit_test(test_model),
        cmocka_unit_test(test_descriptor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
