/* golden/ternary_gguf.c (llama.cpp TQ1_0 / TQ2_0 blocks, fp16) and
 * golden/tequila.c. Oracles: exhaustive fp16 decoding against ldexp,
 * per-weight byte/digit positions computed from the documented formulas,
 * hand-built blocks, a double evaluation of the Tequila forward. */
#include <math.h>

#include "tequila.h"
#include "ternary.h"
#include "ternary_gguf.h"
#include "test_util.h"

/* ---- fp16 ----------------------------------------------------------------- */

static double fp16_oracle(uint16_t h) {
    int s = h >> 15, e = (h >> 10) & 31, m = h & 1023;
    double v = e == 0 ? ldexp(m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexp(1024 + m, e - 25);
    return s ? -v : v;
}

static void test_fp16(void **st) {
    (void)st;
    for (uint32_t h = 0; h < 65536; h++) {
        double want = fp16_oracle((uint16_t)h);
        float got = tq_f32_from_fp16((uint16_t)h);
        if (isnan(want)) {
            assert_true(isnan(got));
            continue;
        }
        assert_true((double)got == want);
        if (want == 0) assert_int_equal(signbit(got) != 0, (h >> 15) != 0);
        assert_int_equal(tq_fp16_from_f32(got), h); /* exact values round-trip */
        /* midpoint to the next larger magnitude: ties to even; just off the tie: nearest */
        uint16_t next = (uint16_t)(h + 1);
        if ((h & 0x7fff) < 0x7bff) {
            double mid = (want + fp16_oracle(next)) / 2; /* exact in fp32 (12 significant bits) */
            uint16_t even = (h & 1) ? next : (uint16_t)h;
            assert_int_equal(tq_fp16_from_f32((float)mid), even);
            assert_int_equal(tq_fp16_from_f32(nextafterf((float)mid, 0.0f)), h);
            assert_int_equal(tq_fp16_from_f32(nextafterf((float)mid, (float)(2 * mid))), next);
        }
    }
    assert_int_equal(tq_fp16_from_f32(65519.99f), 0x7bff);
    assert_int_equal(tq_fp16_from_f32(65520.0f), 0x7c00); /* tie with 2^16 rounds to even = Inf */
    assert_int_equal(tq_fp16_from_f32(-1e10f), 0xfc00);
    assert_int_equal(tq_fp16_from_f32(ldexpf(1, -25)), 0);  /* tie between 0 and min subnormal */
    assert_int_equal(tq_fp16_from_f32(nextafterf(ldexpf(1, -25), 1)), 1);
    assert_int_equal(tq_fp16_from_f32(1e-40f), 0);
    assert_true(isnan(tq_f32_from_fp16(tq_fp16_from_f32(NAN))));
}

/* ---- TQ2_0 -------------------------------------------------------------------- */

static size_t tq2_byte(size_t i) { return 32 * (i / 128) + i % 32; }
static int tq2_shift(size_t i) { return (int)(2 * ((i % 128) / 32)); }

static void test_tq2_hand_blocks(void **st) {
    (void)st;
    int8_t w[256];
    uint16_t d = 0x3c00; /* 1.0 */
    uint8_t blk[66];
    const int vals[3] = {0, 1, -1};
    const uint8_t bytes[3] = {0x55, 0xAA, 0x00};
    for (int v = 0; v < 3; v++) {
        memset(w, vals[v], sizeof w);
        assert_int_equal(tq2_0_pack(w, &d, 256, blk), LPCS_OK);
        for (int j = 0; j < 64; j++) assert_int_equal(blk[j], bytes[v]);
        assert_int_equal(blk[64], 0x00);
        assert_int_equal(blk[65], 0x3c);
    }
    for (size_t i = 0; i < 256; i++) { /* one +1 at i, the rest 0 */
        memset(w, 0, sizeof w);
        w[i] = 1;
        assert_int_equal(tq2_0_pack(w, &d, 256, blk), LPCS_OK);
        for (size_t j = 0; j < 64; j++) {
            uint8_t want = j == tq2_byte(i) ? (uint8_t)((0x55 & ~(3 << tq2_shift(i))) | (2 << tq2_shift(i))) : 0x55;
            assert_int_equal(blk[j], want);
        }
        int8_t back[256];
        uint16_t d2;
        assert_int_equal(tq2_0_unpack(blk, 256, back, &d2), LPCS_OK);
        assert_memory_equal(back, w, 256);
        assert_int_equal(d2, d);
    }
    blk[17] |= 0x03 << 4; /* field value 3 */
    int8_t back[256];
    assert_int_equal(tq2_0_unpack(blk, 256, back, &d), LPCS_EFORMAT);
}

/* ---- TQ1_0 -------------------------------------------------------------------- */

/* Byte and digit of weight i, from the documented formulas. */
static void tq1_pos(size_t i, size_t *byte, int *digit) {
    if (i < 160) *byte = i % 32, *digit = (int)(i / 32);
    else if (i < 240) *byte = 32 + (i - 160) % 16, *digit = (int)((i - 160) / 16);
    else *byte = 48 + (i - 240) % 4, *digit = (int)((i - 240) / 4);
}

/* The stored byte for five base-3 digits (t0 most significant), by the definition. */
static uint8_t tq1_byte_of(const int t[5]) {
    int c = t[0] * 81 + t[1] * 27 + t[2] * 9 + t[3] * 3 + t[4];
    return (uint8_t)((c * 256 + 242) / 243); /* ceil(c * 256 / 243) */
}

static void test_tq1_hand_blocks(void **st) {
    (void)st;
    int8_t w[256];
    uint16_t d = 0xabcd;
    uint8_t blk[54];
    /* all 0: digits 1 -> c = 121 -> 128; qh: 1111 then 0 -> c = 120 -> 127 */
    memset(w, 0, sizeof w);
    assert_int_equal(tq1_0_pack(w, &d, 256, blk), LPCS_OK);
    for (int j = 0; j < 48; j++) assert_int_equal(blk[j], 128);
    for (int j = 48; j < 52; j++) assert_int_equal(blk[j], 127);
    assert_int_equal(blk[52], 0xcd);
    assert_int_equal(blk[53], 0xab);
    /* all +1: c = 242 -> 255; qh c = 240 -> 253 */
    memset(w, 1, sizeof w);
    assert_int_equal(tq1_0_pack(w, &d, 256, blk), LPCS_OK);
    for (int j = 0; j < 48; j++) assert_int_equal(blk[j], 255);
    for (int j = 48; j < 52; j++) assert_int_equal(blk[j], 253);
    /* all -1: everything 0 */
    memset(w, -1, sizeof w);
    assert_int_equal(tq1_0_pack(w, &d, 256, blk), LPCS_OK);
    for (int j = 0; j < 52; j++) assert_int_equal(blk[j], 0);
    /* one nonzero weight at each position, both signs */
    for (size_t i = 0; i < 256; i++)
        for (int v = -1; v <= 1; v += 2) {
            memset(w, 0, sizeof w);
            w[i] = (int8_t)v;
            assert_int_equal(tq1_0_pack(w, &d, 256, blk), LPCS_OK);
            size_t byte;
            int digit;
            tq1_pos(i, &byte, &digit);
            for (size_t j = 0; j < 52; j++) {
                int t[5] = {1, 1, 1, 1, j >= 48 ? 0 : 1};
                if (j == byte) t[digit] = v + 1;
                assert_int_equal(blk[j], tq1_byte_of(t));
            }
            int8_t back[256];
            uint16_t d2;
            assert_int_equal(tq1_0_unpack(blk, 256, back, &d2), LPCS_OK);
            assert_memory_equal(back, w, 256);
        }
}

static void test_tq_roundtrip_random(void **st) {
    (void)st;
    uint64_t s = 17;
    const size_t n = 256 * 5;
    int8_t w[256 * 5], back[256 * 5];
    uint16_t d[5], d2[5];
    uint8_t b1[54 * 5], b2[66 * 5];
    for (int trial = 0; trial < 50; trial++) {
        for (size_t i = 0; i < n; i++) w[i] = (int8_t)((int)(test_rand64(&s) % 3) - 1);
        for (int b = 0; b < 5; b++) d[b] = (uint16_t)test_rand64(&s);
        assert_int_equal(tq1_0_pack(w, d, n, b1), LPCS_OK);
        assert_int_equal(tq1_0_unpack(b1, n, back, d2), LPCS_OK);
        assert_memory_equal(back, w, n);
        assert_memory_equal(d2, d, sizeof d);
        assert_int_equal(tq2_0_pack(w, d, n, b2), LPCS_OK);
        assert_int_equal(tq2_0_unpack(b2, n, back, d2), LPCS_OK);
        assert_memory_equal(back, w, n);
        assert_memory_equal(d2, d, sizeof d);
        /* every weight sits where the formulas say */
        for (size_t i = 0; i < n; i++) {
            const uint8_t *blk1 = b1 + 54 * (i / 256), *blk2 = b2 + 66 * (i / 256);
            size_t byte;
            int digit;
            tq1_pos(i % 256, &byte, &digit);
            int pw = 1;
            for (int k = 0; k < digit; k++) pw *= 3;
            assert_int_equal((((uint8_t)(blk1[byte] * pw)) * 3 >> 8) - 1, w[i]);
            assert_int_equal(((blk2[tq2_byte(i % 256)] >> tq2_shift(i % 256)) & 3) - 1, w[i]);
        }
    }
}

static void test_tq_quantize(void **st) {
    (void)st;
    uint64_t s = 23;
    float x[512], y1[512], y2[512];
    uint8_t b1[108], b2[132];
    for (int trial = 0; trial < 40; trial++) {
        float range = ldexpf(1, (int)(test_rand64(&s) % 20) - 10);
        for (int i = 0; i < 512; i++) x[i] = (float)(((double)(test_rand64(&s) >> 11) * 0x1p-53 * 2 - 1) * range);
        if (trial == 0) memset(x, 0, 256 * sizeof(float)); /* an all-zero block: d = 0 */
        if (trial == 1) x[3] = 0.5f * range, x[4] = -0.5f * range, x[5] = range; /* ties away from zero */
        assert_int_equal(tq1_0_quantize(x, 512, b1), LPCS_OK);
        assert_int_equal(tq2_0_quantize(x, 512, b2), LPCS_OK);
        assert_int_equal(tq1_0_dequantize(b1, 512, y1), LPCS_OK);
        assert_int_equal(tq2_0_dequantize(b2, 512, y2), LPCS_OK);
        for (int b = 0; b < 2; b++) {
            double amax = 0;
            for (int j = 0; j < 256; j++) amax = fmax(amax, fabs((double)x[256 * b + j]));
            float id = amax ? (float)(1.0 / amax) : 0.0f;
            float df = tq_f32_from_fp16(tq_fp16_from_f32((float)amax));
            for (int j = 0; j < 256; j++) {
                double v = (double)(float)((double)x[256 * b + j] * id);
                double t = v < 0 ? -floor(-v + 0.5) : floor(v + 0.5); /* round half away from zero */
                assert_true(y1[256 * b + j] == (float)t * df);
                assert_true(y2[256 * b + j] == (float)t * df);
            }
        }
        if (trial == 1) assert_true(y2[3] == tq_f32_from_fp16(tq_fp16_from_f32(range)) && y2[4] == -y2[3]);
    }
    x[7] = NAN;
    assert_int_equal(tq2_0_quantize(x, 512, b2), LPCS_ERANGE);
    assert_int_equal(tq1_0_quantize(x, 500, b1), LPCS_EINVAL);
    assert_int_equal(tq2_0_dequantize(NULL, 256, y1), LPCS_EINVAL);
}

/* ---- Tequila ---------------------------------------------------------------- */

static void test_tequila_hand(void **st) {
    (void)st;
    const float w[6] = {0.3f, -0.3f, 0.05f, 1.0f, 2.0f, -0.1f};
    tequila_matrix M;
    assert_int_equal(tequila_quantize(w, 1, 6, 3, 0.5f, &M), LPCS_OK);
    assert_int_equal(M.groups, 2);
    int8_t q[6];
    assert_int_equal(ternary_unpack(M.packed, 6, q), LPCS_OK);
    const int8_t want[6] = {1, -1, 0, 1, 1, 0};
    assert_memory_equal(q, want, 6);
    assert_true(M.alpha[0] == (float)(((double)0.3f + (double)0.3f + (double)0.05f) / 3));
    assert_true(M.alpha[1] == (float)((1.0 + 2.0 + (double)0.1f) / 3));
    assert_true(M.bias[0] == 0.5f * (float)((double)0.05f + (double)-0.1f));
    float wh[6];
    assert_int_equal(tequila_dequantize(&M, wh), LPCS_OK);
    assert_true(wh[0] == M.alpha[0] && wh[1] == -M.alpha[0] && wh[2] == 0 && wh[4] == M.alpha[1]);
    const int8_t xq[6] = {10, 20, 30, -40, 50, 127};
    float y;
    assert_int_equal(tequila_gemv(&M, xq, 2.0f, &y), LPCS_OK);
    /* acc0 = 10 - 20 = -10, acc1 = -40 + 50 = 10 */
    float t = ((float)-10 * M.alpha[0]) + ((float)10 * M.alpha[1]);
    assert_true(y == t / 2.0f + M.bias[0]);
    tequila_free(&M);
    assert_int_equal(tequila_quantize(w, 1, 6, 0, 0.5f, &M), LPCS_ERANGE);
    assert_int_equal(tequila_quantize(NULL, 1, 6, 3, 0.5f, &M), LPCS_EINVAL);
}

static void test_tequila_random(void **st) {
    (void)st;
    uint64_t s = 31;
    for (int trial = 0; trial < 30; trial++) {
        size_t rows = 1 + test_rand64(&s) % 9, cols = 1 + test_rand64(&s) % 300, G = 1 + test_rand64(&s) % 70;
        float *w = malloc(rows * cols * sizeof(float)), *y = malloc(rows * sizeof(float)), lambda = 0.75f;
        int8_t *xq = malloc(cols), *q = malloc(cols);
        for (size_t i = 0; i < rows * cols; i++) w[i] = (float)(((double)(test_rand64(&s) >> 11) * 0x1p-53 * 2 - 1) * 0.1);
        for (size_t k = 0; k < cols; k++) xq[k] = (int8_t)(test_rand64(&s) & 0xff);
        tequila_matrix M;
        assert_int_equal(tequila_quantize(w, rows, cols, G, lambda, &M), LPCS_OK);
        float s_act = 37.5f;
        assert_int_equal(tequila_gemv(&M, xq, s_act, y), LPCS_OK);
        for (size_t r = 0; r < rows; r++) {
            assert_int_equal(ternary_unpack(M.packed + r * ternary_row_bytes(cols), cols, q), LPCS_OK);
            double want = 0, dead = 0;
            for (size_t g = 0; g * G < cols; g++) {
                size_t k1 = (g + 1) * G < cols ? (g + 1) * G : cols;
                double sum = 0;
                for (size_t k = g * G; k < k1; k++) sum += fabs((double)w[r * cols + k]);
                double alpha = fmax(sum / (double)(k1 - g * G), 1e-5);
                assert_true(fabs(M.alpha[r * M.groups + g] - alpha) <= alpha * 0x1p-24);
                long long acc = 0;
                for (size_t k = g * G; k < k1; k++) {
                    double v = w[r * cols + k] / alpha;
                    int qd = (int)fmin(fmax(rint(v), -1), 1);
                    if (qd != q[k]) assert_true(fabs(fabs(v - floor(v)) - 0.5) < 1e-5); /* only at fp32-noise ties */
                    acc += (long long)q[k] * xq[k];
                    if (q[k] == 0) dead += w[r * cols + k];
                }
                want += (double)acc * alpha;
            }
            want = want / s_act + lambda * dead;
            assert_true(fabs(y[r] - want) <= 1e-5 * (fabs(want) + 1e-3));
        }
        tequila_free(&M);
        free(w), free(y), free(xq), free(q);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp16),          cmocka_unit_test(test_tq2_hand_blocks),
        cmocka_unit_test(test_tq1_hand_blocks), cmocka_unit_test(test_tq_roundtrip_random),
        cmocka_unit_test(test_tq_quantize),   cmocka_unit_test(test_tequila_hand),
        cmocka_unit_test(test_tequila_random),
    };
    return cmocka_run_group_tests_name("ternary_formats", tests, NULL, NULL);
}
