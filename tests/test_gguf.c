/* GGUF reader on malformed input (one broken file per case, each must fail
 * with a one-sentence error naming the file and the problem, never a crash
 * or a huge allocation), the metadata API on a valid file built here byte by
 * byte (not with lpcs's writer), the writer read back, the GGUF model
 * loader, and ggml block formats against values computed by hand from the
 * format definitions. (Bit-exactness against llama.cpp itself:
 * tests/gguf/check_gguf.py.) */
#include "test_util.h"

#include <math.h>
#include <sys/stat.h>

#include "ggml_quants.h"
#include "ggml_x86.h"
#include "gguf.h"
#include "gguf_write.h"
#include "model.h"

static char dir[512];

static int setup(void **state) {
    (void)state;
    const char *b = getenv("LPCS_BUILD");
    snprintf(dir, sizeof dir, "%s/gguf_test", b && *b ? b : "build");
    mkdir(b && *b ? b : "build", 0755);
    mkdir(dir, 0755);
    return 0;
}

/* A byte buffer for hand-built files. */
typedef struct {
    uint8_t b[1 << 16];
    size_t n;
} img;

static void le(img *m, uint64_t v, int n) {
    for (int i = 0; i < n; i++) m->b[m->n++] = (uint8_t)(v >> (8 * i));
}
static void str(img *m, const char *s) {
    le(m, strlen(s), 8);
    memcpy(m->b + m->n, s, strlen(s));
    m->n += strlen(s);
}
static void pad(img *m, size_t a) {
    while (m->n % a) m->b[m->n++] = 0;
}
static void hdr(img *m, uint32_t version, uint64_t nt, uint64_t nkv) {
    m->n = 0;
    memcpy(m->b, "GGUF", 4);
    m->n = 4;
    le(m, version, 4);
    le(m, nt, 8);
    le(m, nkv, 8);
}
static void kv_u32(img *m, const char *k, uint32_t v) {
    str(m, k);
    le(m, GGUF_T_UINT32, 4);
    le(m, v, 4);
}
static void tinfo(img *m, const char *name, uint64_t ne0, uint64_t ne1, uint32_t type, uint64_t off) {
    str(m, name);
    le(m, ne1 ? 2 : 1, 4);
    le(m, ne0, 8);
    if (ne1) le(m, ne1, 8);
    le(m, type, 4);
    le(m, off, 8);
}

/* Parses m from memory and from a file; both must fail with a message
 * containing `want` and the file name. */
static void expect_fail(const img *m, const char *name, const char *want) {
    char path[700];
    snprintf(path, sizeof path, "%s/%s.gguf", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    if (m->n) assert_int_equal(fwrite(m->b, 1, m->n, f), m->n);
    fclose(f);
    gguf_file g;
    rt_err e = {0};
    int rc = gguf_open(&g, path, &e);
    if (rc == LPCS_OK || !strstr(e.msg, want) || !strstr(e.msg, name))
        fail_msg("%s: expected an error containing '%s', got rc=%d '%s'", name, want, rc, e.msg);
    rt_err e2 = {0};
    assert_int_not_equal(gguf_open_mem(&g, m->b, m->n, name, &e2), LPCS_OK);
    assert_string_equal(e.msg + strlen(path), e2.msg + strlen(name)); /* same sentence */
}

static void test_malformed(void **state) {
    (void)state;
    static img m;
    int cases = 0;
    m.n = 0;
    expect_fail(&m, "empty", "not a GGUF file"), cases++;
    hdr(&m, 3, 0, 0);
    memcpy(m.b, "GGML", 4);
    expect_fail(&m, "magic", "not a GGUF file"), cases++;
    hdr(&m, 1, 0, 0);
    expect_fail(&m, "version1", "GGUF version 1 is not supported"), cases++;
    hdr(&m, 4, 0, 0);
    expect_fail(&m, "version4", "GGUF version 4 is not supported"), cases++;
    hdr(&m, 0x03000000u, 0, 0);
    expect_fail(&m, "bigendian", "big-endian"), cases++;
    hdr(&m, 3, 0, 0);
    m.n = 14;
    expect_fail(&m, "truncated", "truncated"), cases++;
    hdr(&m, 3, 0, UINT64_MAX / 2);
    expect_fail(&m, "hugekv", "key/value count"), cases++;
    hdr(&m, 3, (uint64_t)1 << 60, 0);
    expect_fail(&m, "hugetensors", "tensor count"), cases++;
    hdr(&m, 3, 0, 1);
    le(&m, (uint64_t)1 << 40, 8); /* key length longer than the file */
    memset(m.b + m.n, 'k', 16), m.n += 16;
    expect_fail(&m, "longkey", "more than the"), cases++;
    hdr(&m, 3, 0, 1);
    str(&m, "general.name");
    le(&m, GGUF_T_STRING, 4);
    le(&m, 1000, 8);
    memcpy(m.b + m.n, "abc", 3), m.n += 3;
    expect_fail(&m, "longstring", "claims 1000 bytes"), cases++;
    hdr(&m, 3, 0, 1);
    str(&m, "x");
    le(&m, 77, 4);
    expect_fail(&m, "valuetype", "unknown value type 77"), cases++;
    hdr(&m, 3, 0, 1);
    str(&m, "tokens");
    le(&m, GGUF_T_ARRAY, 4);
    le(&m, GGUF_T_UINT32, 4);
    le(&m, (uint64_t)1 << 50, 8);
    expect_fail(&m, "hugearray", "array elements"), cases++;
    hdr(&m, 3, 0, 1);
    str(&m, "nested");
    le(&m, GGUF_T_ARRAY, 4);
    le(&m, GGUF_T_ARRAY, 4);
    le(&m, 0, 8);
    expect_fail(&m, "nestedarray", "unsupported element type"), cases++;
    hdr(&m, 3, 0, 2);
    kv_u32(&m, "a", 1);
    kv_u32(&m, "a", 2);
    expect_fail(&m, "dupkey", "duplicate key 'a'"), cases++;
    hdr(&m, 3, 0, 1);
    kv_u32(&m, "general.alignment", 24);
    expect_fail(&m, "alignment", "not a power of two"), cases++;
    hdr(&m, 3, 0, 1);
    str(&m, "b");
    le(&m, GGUF_T_BOOL, 4);
    le(&m, 2, 1);
    expect_fail(&m, "bool", "bool value 2"), cases++;
    hdr(&m, 3, 1, 0);
    tinfo(&m, "w", 32, 2, 99, 0);
    expect_fail(&m, "unknowntype", "unknown ggml type 99"), cases++;
    hdr(&m, 3, 1, 0);
    tinfo(&m, "w", 30, 2, GGML_Q4_0, 0);
    expect_fail(&m, "blockrow", "not a multiple of the 32-value block"), cases++;
    hdr(&m, 3, 1, 0);
    str(&m, "w");
    le(&m, 5, 4);
    memset(m.b + m.n, 0, 32), m.n += 32;
    expect_fail(&m, "ndims", "5 dimensions"), cases++;
    hdr(&m, 3, 1, 0);
    tinfo(&m, "w", (uint64_t)1 << 39, (uint64_t)1 << 39, GGML_F32, 0);
    expect_fail(&m, "hugeshape", "oversized dimension"), cases++;
    hdr(&m, 3, 1, 0);
    tinfo(&m, "w", 4, 0, GGML_F32, 8);
    expect_fail(&m, "misaligned", "not a multiple of the alignment 32"), cases++;
    hdr(&m, 3, 1, 0);
    tinfo(&m, "w", 64, 0, GGML_F32, 0);
    pad(&m, 32);
    memset(m.b + m.n, 0, 100), m.n += 100; /* 256 bytes needed */
    expect_fail(&m, "outside", "runs past the end of the file"), cases++;
    hdr(&m, 3, 2, 0);
    tinfo(&m, "a", 16, 0, GGML_F32, 0);
    tinfo(&m, "b", 16, 0, GGML_F32, 32);
    pad(&m, 32);
    memset(m.b + m.n, 0, 128), m.n += 128;
    expect_fail(&m, "overlap", "overlap"), cases++;
    hdr(&m, 3, 2, 0);
    tinfo(&m, "a", 8, 0, GGML_F32, 0);
    tinfo(&m, "a", 8, 0, GGML_F32, 32);
    pad(&m, 32);
    memset(m.b + m.n, 0, 64), m.n += 64;
    expect_fail(&m, "duptensor", "duplicate tensor name 'a'"), cases++;
    hdr(&m, 3, 1, 0);
    tinfo(&m, "a", 8, 0, GGML_F32, 0);
    expect_fail(&m, "nodata", "past the end"), cases++;
    assert_true(cases >= 25);
}

/* Every prefix of a valid file must fail cleanly (the full file parses). */
static img valid;
static void build_valid(img *m) {
    hdr(m, 3, 2, 6);
    kv_u32(m, "general.alignment", 64);
    str(m, "general.architecture");
    le(m, GGUF_T_STRING, 4);
    str(m, "llama");
    str(m, "tokenizer.ggml.tokens");
    le(m, GGUF_T_ARRAY, 4);
    le(m, GGUF_T_STRING, 4);
    le(m, 3, 8);
    str(m, "<s>");
    str(m, "\xe2\x96\x81");
    str(m, "<0x41>");
    str(m, "tokenizer.ggml.scores");
    le(m, GGUF_T_ARRAY, 4);
    le(m, GGUF_T_FLOAT32, 4);
    le(m, 3, 8);
    float sc[3] = {0.5f, -1.25f, 3.0f};
    for (int i = 0; i < 3; i++) {
        uint32_t u;
        memcpy(&u, &sc[i], 4);
        le(m, u, 4);
    }
    str(m, "tokenizer.ggml.token_type");
    le(m, GGUF_T_ARRAY, 4);
    le(m, GGUF_T_INT32, 4);
    le(m, 3, 8);
    le(m, 3, 4), le(m, 1, 4), le(m, 6, 4);
    str(m, "tokenizer.ggml.add_bos_token");
    le(m, GGUF_T_BOOL, 4);
    le(m, 1, 1);
    tinfo(m, "f", 4, 0, GGML_F32, 0);
    tinfo(m, "q", 32, 0, GGML_Q8_0, 64);
    pad(m, 64);
    float f[4] = {1, -2, 3.5f, 0};
    memcpy(m->b + m->n, f, 16);
    m->n += 16;
    pad(m, 64);
    le(m, 0x3800, 2); /* Q8_0 d = 0.5 */
    for (int i = 0; i < 32; i++) le(m, (uint8_t)(int8_t)(i - 16), 1);
}

static void test_valid_and_prefixes(void **state) {
    (void)state;
    build_valid(&valid);
    gguf_file g;
    rt_err e = {0};
    assert_int_equal(gguf_open_mem(&g, valid.b, valid.n, "valid", &e), LPCS_OK);
    assert_int_equal(g.alignment, 64);
    assert_int_equal(g.data_off % 64, 0);
    char arch[16];
    assert_int_equal(gguf_get_cstr(&g, "general.architecture", arch, sizeof arch, &e), LPCS_OK);
    assert_string_equal(arch, "llama");
    gguf_vtype et;
    uint64_t n;
    assert_int_equal(gguf_get_arr(&g, "tokenizer.ggml.tokens", &et, &n, &e), LPCS_OK);
    assert_int_equal(et, GGUF_T_STRING);
    assert_int_equal(n, 3);
    gguf_str s[3];
    assert_int_equal(gguf_arr_strs(&g, "tokenizer.ggml.tokens", s, 3, &e), LPCS_OK);
    assert_true(gguf_str_eq(s[0], "<s>") && gguf_str_eq(s[1], "\xe2\x96\x81") && gguf_str_eq(s[2], "<0x41>"));
    float sc[3];
    int32_t ty[3];
    assert_int_equal(gguf_arr_f32(&g, "tokenizer.ggml.scores", sc, 3, &e), LPCS_OK);
    assert_true(sc[0] == 0.5f && sc[1] == -1.25f && sc[2] == 3.0f);
    assert_int_equal(gguf_arr_i32(&g, "tokenizer.ggml.token_type", ty, 3, &e), LPCS_OK);
    assert_true(ty[0] == 3 && ty[1] == 1 && ty[2] == 6);
    int b;
    assert_int_equal(gguf_get_bool(&g, "tokenizer.ggml.add_bos_token", &b, &e), LPCS_OK);
    assert_int_equal(b, 1);
    uint32_t u;
    assert_int_not_equal(gguf_get_u32(&g, "general.architecture", &u, &e), LPCS_OK);
    assert_non_null(strstr(e.msg, "is string, expected an integer"));
    assert_int_not_equal(gguf_get_u32(&g, "missing.key", &u, &e), LPCS_OK);
    assert_non_null(strstr(e.msg, "missing GGUF key 'missing.key'"));
    assert_int_not_equal(gguf_arr_f32(&g, "tokenizer.ggml.scores", sc, 2, &e), LPCS_OK);
    const gguf_tensor *q = gguf_find_tensor(&g, "q");
    assert_non_null(q);
    float y[32];
    assert_int_equal(ggml_dequantize(q->type, q->data, y, 32), LPCS_OK);
    for (int i = 0; i < 32; i++) assert_true(y[i] == 0.5f * (float)(i - 16));
    gguf_close(&g);
    /* every truncation of the valid image fails with an error */
    int fails = 0;
    for (size_t len = 0; len < valid.n; len++) {
        rt_err e2 = {0};
        if (gguf_open_mem(&g, valid.b, len, "prefix", &e2) != LPCS_OK && e2.msg[0]) fails++;
    }
    assert_int_equal(fails, (int)valid.n);
}

/* The writer's output parsed back (metadata and tensor bytes). */
static void test_writer_roundtrip(void **state) {
    (void)state;
    char path[700];
    snprintf(path, sizeof path, "%s/written.gguf", dir);
    gguf_writer *w = gguf_writer_new();
    assert_non_null(w);
    float x[64];
    for (int i = 0; i < 64; i++) x[i] = (float)i / 8 - 3;
    uint8_t q[2 * 34];
    assert_int_equal(ggml_quantize(GGML_Q8_0, x, q, 64), LPCS_OK);
    const char *toks[2] = {"a", "\xe2\x96\x81"};
    assert_int_equal(gguf_w_str(w, "general.architecture", "llama"), LPCS_OK);
    assert_int_equal(gguf_w_u32(w, "llama.block_count", 7), LPCS_OK);
    assert_int_equal(gguf_w_f32(w, "eps", 1e-5f), LPCS_OK);
    assert_int_equal(gguf_w_arr_str(w, "tokenizer.ggml.tokens", toks, NULL, 2), LPCS_OK);
    uint64_t ne[2] = {32, 2};
    rt_err e = {0};
    assert_int_equal(gguf_w_tensor(w, "q", 2, ne, GGML_Q8_0, q, sizeof q, &e), LPCS_OK);
    assert_int_equal(gguf_w_tensor(w, "f", 1, ne, GGML_F32, x, 32 * 4, &e), LPCS_OK);
    assert_int_not_equal(gguf_w_tensor(w, "bad", 1, ne, GGML_Q4_0, q, 7, &e), LPCS_OK);
    assert_int_equal(gguf_writer_save(w, path, &e), LPCS_OK);
    gguf_writer_free(w);
    gguf_file g;
    assert_int_equal(gguf_open(&g, path, &e), LPCS_OK);
    assert_int_equal(g.version, 3);
    uint32_t bc;
    float eps;
    assert_int_equal(gguf_get_u32(&g, "llama.block_count", &bc, &e), LPCS_OK);
    assert_int_equal(bc, 7);
    assert_int_equal(gguf_get_f32(&g, "eps", &eps, &e), LPCS_OK);
    assert_true(eps == 1e-5f);
    const gguf_tensor *t = gguf_find_tensor(&g, "q"), *f = gguf_find_tensor(&g, "f");
    assert_non_null(t);
    assert_non_null(f);
    assert_int_equal(t->ne[0], 32);
    assert_int_equal(t->ne[1], 2);
    assert_memory_equal(t->data, q, sizeof q);
    assert_memory_equal(f->data, x, 32 * 4);
    assert_int_equal((t->data - g.file.data) % 32, 0);
    assert_int_equal((f->data - g.file.data) % 32, 0);
    gguf_close(&g);
}

/* Block formats decoded by hand from their definitions. */
static void test_block_formats(void **state) {
    (void)state;
    float y[256];
    /* Q4_0: d = 2.0 (fp16 0x4000), nibble j low = j%16, high = 15 - j%16 */
    uint8_t b40[18] = {0x00, 0x40};
    for (int j = 0; j < 16; j++) b40[2 + j] = (uint8_t)(j | (15 - j) << 4);
    assert_int_equal(ggml_dequantize(GGML_Q4_0, b40, y, 32), LPCS_OK);
    for (int j = 0; j < 16; j++) {
        assert_true(y[j] == 2.0f * (float)(j - 8));
        assert_true(y[j + 16] == 2.0f * (float)(7 - j));
    }
    /* Q4_1: d = 0.5, m = -1: y = q*0.5 - 1 */
    uint8_t b41[20] = {0x00, 0x38, 0x00, 0xbc};
    for (int j = 0; j < 16; j++) b41[4 + j] = (uint8_t)(j | j << 4);
    assert_int_equal(ggml_dequantize(GGML_Q4_1, b41, y, 32), LPCS_OK);
    for (int j = 0; j < 16; j++) assert_true(y[j] == 0.5f * (float)j - 1.0f && y[j + 16] == y[j]);
    /* Q5_0: qh bit j set for j odd adds 16 to value j; d = 1 */
    uint8_t b50[22] = {0x00, 0x3c, 0xaa, 0xaa, 0xaa, 0xaa};
    for (int j = 0; j < 16; j++) b50[6 + j] = (uint8_t)(3 | 5 << 4);
    assert_int_equal(ggml_dequantize(GGML_Q5_0, b50, y, 32), LPCS_OK);
    for (int j = 0; j < 16; j++) {
        assert_true(y[j] == (float)(3 + (j % 2) * 16 - 16));
        assert_true(y[j + 16] == (float)(5 + (j % 2) * 16 - 16));
    }
    /* Q4_K: d = 1, dmin = 1, scale j = j+1, min j = 2 (6-bit packing of
     * ggml's 12-byte field), all nibbles 3 -> value (j+1)*3 - 2 in sub-block j */
    uint8_t b4k[144] = {0x00, 0x3c, 0x00, 0x3c};
    uint8_t *sc = b4k + 4;
    for (int j = 0; j < 4; j++) sc[j] = (uint8_t)(j + 1), sc[j + 4] = 2;
    for (int j = 4; j < 8; j++) sc[j + 4] = (uint8_t)(((j + 1) & 0xF) | (2 & 0xF) << 4);
    memset(b4k + 16, 0x33, 128);
    assert_int_equal(ggml_dequantize(GGML_Q4_K, b4k, y, 256), LPCS_OK);
    for (int i = 0; i < 256; i++) assert_true(y[i] == (float)((i / 32 + 1) * 3 - 2));
    /* Q6_K: d = 0.25 (0x3400), scales 1..16, all 6-bit values 40 -> (40-32)*s*d */
    uint8_t b6k[210] = {0};
    memset(b6k, 0x88, 128);            /* low nibbles 8 */
    memset(b6k + 128, 0xaa, 64);       /* high bits 2 -> 8 + 32 = 40 */
    for (int j = 0; j < 16; j++) b6k[192 + j] = (uint8_t)(j + 1);
    b6k[208] = 0x00, b6k[209] = 0x34;
    assert_int_equal(ggml_dequantize(GGML_Q6_K, b6k, y, 256), LPCS_OK);
    for (int i = 0; i < 256; i++) assert_true(y[i] == 0.25f * (float)(i / 16 + 1) * 8.0f);
    /* TQ2_0: fields 0..3 read as field - 1 (3 -> +2, as ggml reads it), d = 1 */
    uint8_t tq2[66] = {0};
    memset(tq2, 0xE4, 64); /* fields 0,1,2,3 at bit pairs 0..3 */
    tq2[64] = 0x00, tq2[65] = 0x3c;
    assert_int_equal(ggml_dequantize(GGML_TQ2_0, tq2, y, 256), LPCS_OK);
    for (int i = 0; i < 256; i++) assert_true(y[i] == (float)((i % 128) / 32 - 1));
    /* BF16 / F16 */
    uint8_t h[4] = {0x80, 0x3f, 0x00, 0xc0};
    assert_int_equal(ggml_dequantize(GGML_BF16, h, y, 2), LPCS_OK);
    assert_true(y[0] == 1.0f && y[1] == -2.0f);
    assert_int_equal(ggml_fp32_to_bf16(1.00390625f), 0x3f80); /* tie -> even */
    assert_int_equal(ggml_fp32_to_bf16(1.01171875f), 0x3f82);
    /* reference quantizers: Q8_0 of 0..31 -> d = 31/127, q = round(x*127/31) */
    float x[32];
    for (int i = 0; i < 32; i++) x[i] = (float)i;
    uint8_t q8[34];
    assert_int_equal(ggml_quantize(GGML_Q8_0, x, q8, 32), LPCS_OK);
    assert_int_equal(q8[2 + 31], 127);
    assert_int_equal(q8[2 + 1], 4); /* 1 * 127/31 = 4.096 */
    /* Q4_0: the largest-magnitude value maps to -8 (d = max/-8) */
    x[5] = -64;
    uint8_t q4[18];
    assert_int_equal(ggml_quantize(GGML_Q4_0, x, q4, 32), LPCS_OK);
    assert_int_equal(q4[2 + 5] & 0xF, 0);
    assert_int_equal(ggml_quantize(GGML_Q4_0, x, q4, 31), LPCS_EINVAL);
    x[0] = NAN;
    assert_int_equal(ggml_quantize(GGML_Q4_0, x, q4, 32), LPCS_ERANGE);
    assert_int_equal(ggml_dequantize(GGML_IQ2_XXS, b4k, y, 256), LPCS_EUNSUPPORTED);
    assert_int_equal(ggml_type_by_name("q4_k"), GGML_Q4_K);
    assert_int_equal(ggml_type_by_name("tq2_0"), GGML_TQ2_0);
    assert_int_equal(ggml_type_by_name("q4_2"), -1);
}

/* ggml dot products: integer sums with float scales, checked against the
 * dequantized operands (exact small integers, so the sums are exact). */
static void test_vec_dot(void **state) {
    (void)state;
    float w[256], a[256], wd[256];
    for (int i = 0; i < 256; i++) {
        w[i] = (float)((i * 7) % 13 - 6);
        a[i] = (float)((i * 5) % 11 - 5) * 0.25f;
    }
    static const uint32_t types[] = {GGML_Q8_0, GGML_Q4_0, GGML_Q5_1, GGML_Q4_K, GGML_Q6_K, GGML_TQ2_0, GGML_F16};
    for (size_t k = 0; k < sizeof types / sizeof *types; k++) {
        uint32_t t = types[k], vt = ggml_vec_dot_type(t);
        uint8_t wb[512], ab[600];
        float ad[256];
        assert_int_equal(ggml_quantize(t, w, wb, 256), LPCS_OK);
        assert_int_equal(ggml_dequantize(t, wb, wd, 256), LPCS_OK);
        assert_int_equal(ggml_quantize_act(t, a, ab, 256), LPCS_OK);
        assert_int_equal(ggml_dequantize(vt == GGML_Q8_1 ? GGML_Q8_0 : vt, ab, ad, 256) == LPCS_OK || vt == GGML_Q8_1, 1);
        double ref = 0;
        if (vt != GGML_Q8_1)
            for (int i = 0; i < 256; i++) ref += (double)wd[i] * (double)ad[i];
        float got = ggml_vec_dot(t, wb, ab, 256);
        if (vt != GGML_Q8_1 && fabs(got - ref) > 1e-5 * (1 + fabs(ref)))
            fail_msg("%s: vec_dot %.9g, dequantized dot %.9g", ggml_type_info(t)->name, got, ref);
    }
}

/* ggml's vector exp (the ggml mode's softmax and SiLU) against libm's
 * double exp: within 3 ulp on [-87, 88] (the polynomial's ~1.5 ulp plus
 * rounding), 0 at -inf and below the range, inf above, NaN kept; the 16- and
 * 8-lane sums against a double sum on exact small integers. */
static void test_x86_kernels(void **state) {
    (void)state;
    int n = 0;
    for (float x = -87.0f; x <= 88.0f; x += 0.00731f, n++) {
        double ref = exp((double)x);
        float got = ggml_x86_expf(x), ulp = nextafterf((float)ref, INFINITY) - (float)ref;
        if (fabs((double)got - ref) > 3.0 * ulp) fail_msg("ggml_x86_expf(%.9g) = %.9g, exp = %.9g", x, got, ref);
    }
    assert_true(n > 20000);
    assert_true(ggml_x86_expf(-INFINITY) == 0.0f && ggml_x86_expf(-200.0f) == 0.0f);
    assert_true(isinf(ggml_x86_expf(200.0f)) && isnan(ggml_x86_expf(NAN)));
    float l[16];
    for (int i = 0; i < 16; i++) l[i] = (float)(i * i - 7);
    assert_true(ggml_hsum16(l) == 1128.0f && ggml_hsum8(l) == 84.0f);
}

/* A GGUF model missing a tensor: clear error from the loader. */
static void test_loader_errors(void **state) {
    (void)state;
    static img m;
    hdr(&m, 3, 1, 7);
    str(&m, "general.architecture");
    le(&m, GGUF_T_STRING, 4);
    str(&m, "llama");
    kv_u32(&m, "llama.embedding_length", 8);
    kv_u32(&m, "llama.feed_forward_length", 16);
    kv_u32(&m, "llama.block_count", 1);
    kv_u32(&m, "llama.attention.head_count", 2);
    kv_u32(&m, "llama.context_length", 4);
    kv_u32(&m, "llama.attention.head_count_kv", 1);
    tinfo(&m, "token_embd.weight", 8, 10, GGML_F32, 0);
    pad(&m, 32);
    memset(m.b + m.n, 0, 320), m.n += 320;
    char path[700];
    snprintf(path, sizeof path, "%s/notensors.gguf", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(m.b, 1, m.n, f);
    fclose(f);
    rt_model mod;
    rt_err e = {0};
    assert_int_not_equal(rt_model_load(&mod, path, NULL, &e), LPCS_OK);
    assert_non_null(strstr(e.msg, "missing tensor 'output_norm.weight'"));
    /* a non-llama architecture */
    memcpy(m.b + 4 + 4 + 16 + 8 + 20 + 4 + 8, "gpt2x", 5);
    f = fopen(path, "wb");
    fwrite(m.b, 1, m.n, f);
    fclose(f);
    assert_int_not_equal(rt_model_load(&mod, path, NULL, &e), LPCS_OK);
    assert_non_null(strstr(e.msg, "architecture 'gpt2x' is not supported"));
    /* sharded safetensors index naming a path outside its folder */
    char cfg[700];
    snprintf(path, sizeof path, "%s/model.safetensors.index.json", dir);
    snprintf(cfg, sizeof cfg, "%s/config.json", dir);
    f = fopen(cfg, "wb");
    fputs("{\"model_type\": \"llama\", \"hidden_size\": 8, \"num_hidden_layers\": 1, \"intermediate_size\": 16,"
          " \"vocab_size\": 10, \"num_attention_heads\": 2}", f);
    fclose(f);
    f = fopen(path, "wb");
    fputs("{\"weight_map\": {\"model.norm.weight\": \"../evil.safetensors\"}}", f);
    fclose(f);
    assert_int_not_equal(rt_model_load(&mod, path, NULL, &e), LPCS_OK);
    assert_non_null(strstr(e.msg, "is not a plain file name"));
    f = fopen(path, "wb");
    fputs("{\"weight_map\": {\"model.norm.weight\": \"missing.safetensors\"}}", f);
    fclose(f);
    assert_int_not_equal(rt_model_load(&mod, path, NULL, &e), LPCS_OK);
    assert_non_null(strstr(e.msg, "missing.safetensors"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_malformed),         cmocka_unit_test(test_valid_and_prefixes),
        cmocka_unit_test(test_writer_roundtrip),  cmocka_unit_test(test_block_formats),
        cmocka_unit_test(test_vec_dot),           cmocka_unit_test(test_loader_errors),
        cmocka_unit_test(test_x86_kernels),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
