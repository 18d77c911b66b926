/* Argument checks and fixed layouts of the golden units, one case at a time
 * (issue 17: golden C mutants survived because the bad-input tests passed all
 * arguments bad at once, and self-consistent pack/unpack changes were not seen).
 * The expected values come from the contracts in the headers (lane counts,
 * ceil(cols/4), the 2-bit code table, the activation range, llama.cpp names),
 * written out here by hand or brute-forced, never from the golden code. */
#include <math.h>

#include "lutgemv.h"
#include "qformat.h"
#include "rmmec.h"
#include "shiftmac.h"
#include "status.h"
#include "ternary.h"
#include "test_util.h"

static void rmmec_lane_counts(void **state) {
    (void)state;
    assert_int_equal(rmmec_lanes(RMMEC_FP4), 4);
    assert_int_equal(rmmec_lanes(RMMEC_P4), 4);
    assert_int_equal(rmmec_lanes(RMMEC_P8), 2);
    assert_int_equal(rmmec_lanes(RMMEC_P16), 1);
    assert_int_equal(rmmec_lanes(RMMEC_MODE_COUNT), 0);
    assert_int_equal(rmmec_lanes((rmmec_mode)-1), 0);
    assert_string_equal(rmmec_mode_name(RMMEC_MODE_COUNT), "?");
}

static void rmmec_readout_each_bad_argument(void **state) {
    (void)state;
    rmmec_state s;
    uint32_t out = 0;
    assert_int_equal(rmmec_init(&s, RMMEC_P8), LPCS_OK);
    assert_int_equal(rmmec_readout(&s, RMMEC_OUT_POSIT, &out), LPCS_OK);
    assert_int_equal(rmmec_readout(NULL, RMMEC_OUT_POSIT, &out), LPCS_EINVAL);
    assert_int_equal(rmmec_readout(&s, RMMEC_OUT_POSIT, NULL), LPCS_EINVAL);
    assert_int_equal(rmmec_readout(&s, (rmmec_out)-1, &out), LPCS_EINVAL);
    assert_int_equal(rmmec_readout(&s, RMMEC_OUT_COUNT, &out), LPCS_EINVAL);
    rmmec_state bad = s;
    bad.mode = RMMEC_MODE_COUNT;
    assert_int_equal(rmmec_readout(&bad, RMMEC_OUT_POSIT, &out), LPCS_EINVAL);
}

static void shiftmac_quantize_each_bad_argument(void **state) {
    (void)state;
    const float w[4] = {0.5f, -1.0f, 0.25f, 2.0f};
    uint8_t codes[4];
    float alpha[2];
    assert_int_equal(shiftmac_quantize(w, 2, 2, 1, codes, alpha), LPCS_OK);
    assert_int_equal(shiftmac_quantize(NULL, 2, 2, 1, codes, alpha), LPCS_EINVAL);
    assert_int_equal(shiftmac_quantize(w, 2, 2, 1, NULL, alpha), LPCS_EINVAL);
    assert_int_equal(shiftmac_quantize(w, 2, 2, 1, codes, NULL), LPCS_EINVAL);
    assert_int_equal(shiftmac_quantize(w, 0, 2, 1, codes, alpha), LPCS_EINVAL);
    assert_int_equal(shiftmac_quantize(w, 2, 0, 1, codes, alpha), LPCS_EINVAL);
}

static void shiftmac_linear_each_bad_argument(void **state) {
    (void)state;
    const float w[6] = {0.5f, -1.0f, 0.25f, 2.0f, -0.125f, 1.0f};
    shiftmac_linear L;
    /* the smallest layer (1 x 1) is valid */
    assert_int_equal(shiftmac_linear_init(&L, w, 1, 1, 1), LPCS_OK);
    shiftmac_linear_free(&L);
    assert_int_equal(shiftmac_linear_init(&L, NULL, 3, 2, 1), LPCS_EINVAL);
    assert_int_equal(shiftmac_linear_init(&L, w, 0, 2, 1), LPCS_EINVAL);
    assert_int_equal(shiftmac_linear_init(&L, w, 3, 0, 1), LPCS_EINVAL);
    assert_int_equal(shiftmac_linear_init(&L, w, 3, 2, 1), LPCS_OK);
    const float x[3] = {1.0f, -2.0f, 0.5f};
    float y[2];
    void *scratch = malloc(shiftmac_linear_scratch_bytes(&L));
    assert_non_null(scratch);
    assert_int_equal(shiftmac_linear_forward(&L, x, y, scratch), LPCS_OK);
    assert_int_equal(shiftmac_linear_forward(NULL, x, y, scratch), LPCS_EINVAL);
    assert_int_equal(shiftmac_linear_forward(&L, NULL, y, scratch), LPCS_EINVAL);
    assert_int_equal(shiftmac_linear_forward(&L, x, NULL, scratch), LPCS_EINVAL);
    assert_int_equal(shiftmac_linear_forward(&L, x, y, NULL), LPCS_EINVAL);
    shiftmac_linear empty = L;
    empty.packed = NULL;
    assert_int_equal(shiftmac_linear_forward(&empty, x, y, scratch), LPCS_EINVAL);
    free(scratch);
    shiftmac_linear_free(&L);
}

static lutgemv_cfg lut_cfg(size_t rows, size_t cols, size_t batch, int a_bits) {
    lutgemv_cfg c = {rows, cols, batch, 4, 4, LUTGEMV_W_SIGNED, a_bits, 0};
    return c;
}

static void lutgemv_cfg_each_dimension(void **state) {
    (void)state;
    const size_t big = (size_t)LUTGEMV_DIM_MAX + 1;
    lutgemv_cfg c = lut_cfg(8, 8, 2, 8);
    assert_int_equal(lutgemv_cfg_check(&c), LPCS_OK);
    c = lut_cfg(big, 8, 2, 8);
    assert_int_equal(lutgemv_cfg_check(&c), LPCS_ERANGE);
    c = lut_cfg(8, big, 2, 8);
    assert_int_equal(lutgemv_cfg_check(&c), LPCS_ERANGE);
    c = lut_cfg(8, 8, big, 8);
    assert_int_equal(lutgemv_cfg_check(&c), LPCS_ERANGE);
    /* work N*M*K exactly at the 2^48 limit is allowed, one more row is not */
    c = lut_cfg((size_t)1 << 24, 1, (size_t)1 << 24, 8);
    assert_int_equal(lutgemv_cfg_check(&c), LPCS_OK);
    c = lut_cfg((size_t)1 << 23, 2, (size_t)1 << 24, 8);
    assert_int_equal(lutgemv_cfg_check(&c), LPCS_OK);
    c = lut_cfg(((size_t)1 << 23) + 1, 2, (size_t)1 << 24, 8);
    assert_int_equal(lutgemv_cfg_check(&c), LPCS_ERANGE);
}

/* Smallest b with -2^(b-1) <= lo and hi <= 2^(b-1) - 1. */
static int signed_bits_oracle(int64_t lo, int64_t hi) {
    for (int b = 1; b < 63; b++)
        if (lo >= -((int64_t)1 << (b - 1)) && hi <= ((int64_t)1 << (b - 1)) - 1) return b;
    return 63;
}

static void lutgemv_acc_bits_brute_force(void **state) {
    (void)state;
    for (int wb = 2; wb <= 8; wb++)
        for (int ab = 2; ab <= 8; ab++) {
            lutgemv_cfg c = lut_cfg(4, 12, 1, ab);
            c.w_bits = wb;
            int64_t lo = 0, hi = 0;
            for (int64_t w = -(1 << (wb - 1)); w < (1 << (wb - 1)); w++)
                for (int64_t x = -(1 << (ab - 1)); x < (1 << (ab - 1)); x++) {
                    if (w * x < lo) lo = w * x;
                    if (w * x > hi) hi = w * x;
                }
            assert_int_equal(lutgemv_acc_bits(&c), signed_bits_oracle(12 * lo, 12 * hi));
        }
}

/* An activation one past either end of the a_bits range, alone at any
 * position, is refused by the GEMV and the lookup count. */
static void lutgemv_activation_range_each_position(void **state) {
    (void)state;
    for (int ab = 2; ab <= 7; ab++) {
        lutgemv_cfg c = lut_cfg(2, 4, 2, ab);
        int16_t w[8] = {1, -2, 3, -4, 0, 1, -1, 2};
        int16_t *tables = malloc(lutgemv_table_len(&c) * sizeof *tables);
        int64_t *acc = malloc(lutgemv_acc_len(&c) * sizeof *acc);
        assert_non_null(tables);
        assert_non_null(acc);
        assert_int_equal(lutgemv_build_tables(&c, w, NULL, lutgemv_entry_bits(&c), tables), LPCS_OK);
        const int lo = -(1 << (ab - 1)), hi = (1 << (ab - 1)) - 1;
        int8_t x[8] = {0};
        for (int pos = 0; pos < 8; pos++) {
            memset(x, 0, sizeof x);
            x[pos] = (int8_t)lo;
            assert_int_equal(lutgemv_gemv(&c, tables, x, 0, acc, NULL), LPCS_OK);
            x[pos] = (int8_t)hi;
            assert_int_equal(lutgemv_gemv(&c, tables, x, 0, acc, NULL), LPCS_OK);
            x[pos] = (int8_t)(lo - 1);
            assert_int_not_equal(lutgemv_gemv(&c, tables, x, 0, acc, NULL), LPCS_OK);
            x[pos] = (int8_t)(hi + 1);
            assert_int_not_equal(lutgemv_gemv(&c, tables, x, 0, acc, NULL), LPCS_OK);
        }
        free(tables);
        free(acc);
    }
}

static void ternary_row_bytes_is_ceil_quarter(void **state) {
    (void)state;
    static const size_t want[13] = {0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3};
    for (size_t cols = 0; cols < 13; cols++) assert_int_equal(ternary_row_bytes(cols), want[cols]);
    assert_int_equal(ternary_row_bytes(1001), 251);
}

/* The packed layout written out by hand: code 00 = 0, 01 = +1, 11 = -1, weight k
 * in bits 2(k%4)+1:2(k%4) of byte k/4, rows padded to a byte. */
static void ternary_packed_layout_by_hand(void **state) {
    (void)state;
    const int8_t w[2 * 6] = {1, -1, 0, 1, -1, 1, /* row 1 */ 0, 0, -1, -1, 1, 0};
    /* row 0: byte0 = 01 | 11<<2 | 00<<4 | 01<<6 = 0x4D, byte1 = 11 | 01<<2 = 0x07
     * row 1: byte0 = 00 | 00<<2 | 11<<4 | 11<<6 = 0xF0, byte1 = 01 = 0x01 */
    const uint8_t want[4] = {0x4D, 0x07, 0xF0, 0x01};
    uint8_t got[4] = {0xAA, 0xAA, 0xAA, 0xAA};
    assert_int_equal(ternary_pack_matrix(w, 2, 6, got), LPCS_OK);
    assert_memory_equal(got, want, sizeof want);
    int8_t back[6];
    assert_int_equal(ternary_unpack(want + 2, 6, back), LPCS_OK);
    assert_memory_equal(back, w + 6, 6);
}

/* Exact-size heap buffers: a loop that runs one element too far reads or
 * writes outside them (caught by AddressSanitizer in the mutation runs). The
 * codes are checked against round(x * 127 / absmax) written out by hand. */
static void ternary_act_quant_exact_buffers(void **state) {
    (void)state;
    const float src[5] = {1.0f, -0.5f, 0.25f, -1.0f, 0.0f};
    const int8_t want[5] = {127, -64, 32, -127, 0}; /* -63.5 and 31.75: half-even -64, nearest 32 */
    float *x = malloc(sizeof src);
    int8_t *q = malloc(sizeof want);
    assert_non_null(x);
    assert_non_null(q);
    memcpy(x, src, sizeof src);
    float scale = 0.0f;
    assert_int_equal(act_quant_absmax_i8(x, 5, q, &scale), LPCS_OK);
    assert_memory_equal(q, want, sizeof want);
    assert_true(scale == 127.0f);
    free(x);
    free(q);
}

static void ternary_fixed_act_quant_exact_buffers(void **state) {
    (void)state;
    const int32_t src[5] = {100, -50, 25, -100, 0};
    const int8_t want[5] = {127, -64, 32, -127, 0}; /* 127 * |x| / 100: 63.5 -> 64 (ties to even), 31.75 -> 32 */
    int32_t *x = malloc(sizeof src);
    int8_t *q = malloc(sizeof want);
    assert_non_null(x);
    assert_non_null(q);
    memcpy(x, src, sizeof src);
    uint32_t amax = 0;
    assert_int_equal(act_quant_absmax_fixed_i8(x, 5, q, &amax), LPCS_OK);
    assert_memory_equal(q, want, sizeof want);
    assert_int_equal(amax, 100);
    free(x);
    free(q);
}

static void qformat_names(void **state) {
    (void)state;
    qformat f;
    static const char *const ggml[] = {"q8_0", "q4_0", "q4_1", "q5_0", "q5_1", "q4_k", "q5_k", "q6_k", "tq1_0", "tq2_0"};
    for (size_t i = 0; i < sizeof ggml / sizeof *ggml; i++) {
        assert_int_equal(qformat_parse(ggml[i], &f), LPCS_OK);
        assert_int_equal(f.kind, QF_GGML);
    }
    assert_int_equal(qformat_parse("p8e0", &f), LPCS_OK);
    assert_int_equal(f.kind, QF_POSIT);
    assert_int_equal(f.posit_n, 8);
    assert_int_equal(f.posit_es, 0);
    /* strtol would take a sign or blanks after the 'p': the grammar does not */
    static const char *const bad[] = {"p+8e0", "p 8e0", "p-8e0", "p8e+1", "p8e 1", "p33e0", "p1e0", "p8e4", "p008e0"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) assert_int_not_equal(qformat_parse(bad[i], &f), LPCS_OK);
}

/* llama.cpp quantizes a row that a k-quant block cannot tile with its fallback
 * type (llama-quant.cpp): q4_k on 32-wide rows must give q5_0's values. */
static void qformat_ggml_row_fallback(void **state) {
    (void)state;
    enum { ROWS = 2, LEN = 32 };
    float in[ROWS * LEN], a[ROWS * LEN], b[ROWS * LEN];
    for (int i = 0; i < ROWS * LEN; i++) in[i] = (float)((i * 37) % 29 - 14) / 7.0f;
    static const char *const pairs[][2] = {{"q4_k", "q5_0"}, {"q5_k", "q5_1"}, {"q6_k", "q8_0"},
                                           {"tq1_0", "q4_0"}, {"tq2_0", "q4_0"}};
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        qformat k, fb;
        assert_int_equal(qformat_parse(pairs[i][0], &k), LPCS_OK);
        assert_int_equal(qformat_parse(pairs[i][1], &fb), LPCS_OK);
        assert_int_equal(qformat_roundtrip(&k, in, a, ROWS * LEN, LEN), LPCS_OK);
        assert_int_equal(qformat_roundtrip(&fb, in, b, ROWS * LEN, LEN), LPCS_OK);
        assert_memory_equal(a, b, sizeof a);
        assert_memory_not_equal(a, in, sizeof a);   /* the codes do change these values (an f16 fallback would not match b) */
    }
}

/* shiftmac round trip of a 2 x 3 matrix in exact-size heap buffers, row by
 * row: per-row power-of-two scale of the row's absmax (shiftmac.h steps). */
static void qformat_shiftmac_rows(void **state) {
    (void)state;
    const float src[6] = {0.5f, -1.0f, 0.3f, 4.0f, -2.5f, 0.7f};
    float *in = malloc(sizeof src), *out = malloc(sizeof src);
    assert_non_null(in);
    assert_non_null(out);
    memcpy(in, src, sizeof src);
    qformat f;
    assert_int_equal(qformat_parse("shiftmac", &f), LPCS_OK);
    assert_int_equal(qformat_roundtrip(&f, in, out, 6, 3), LPCS_OK);
    for (int r = 0; r < 2; r++) {
        uint8_t codes[3];
        float alpha;
        assert_int_equal(shiftmac_quantize(src + 3 * r, 1, 3, 1, codes, &alpha), LPCS_OK);
        for (int i = 0; i < 3; i++) assert_true(out[3 * r + i] == shiftmac_dequant_one(codes[i], alpha));
    }
    free(in);
    free(out);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rmmec_lane_counts),
        cmocka_unit_test(rmmec_readout_each_bad_argument),
        cmocka_unit_test(shiftmac_quantize_each_bad_argument),
        cmocka_unit_test(shiftmac_linear_each_bad_argument),
        cmocka_unit_test(lutgemv_cfg_each_dimension),
        cmocka_unit_test(lutgemv_acc_bits_brute_force),
        cmocka_unit_test(lutgemv_activation_range_each_position),
        cmocka_unit_test(ternary_row_bytes_is_ceil_quarter),
        cmocka_unit_test(ternary_packed_layout_by_hand),
        cmocka_unit_test(ternary_act_quant_exact_buffers),
        cmocka_unit_test(ternary_fixed_act_quant_exact_buffers),
        cmocka_unit_test(qformat_names),
        cmocka_unit_test(qformat_ggml_row_fallback),
        cmocka_unit_test(qformat_shiftmac_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
