/* Runtime loaders on malformed input: every broken file written here (into
 * $LPCS_BUILD/rt_loader/) must give a clear error naming the file and the
 * problem, never a crash or a huge allocation. Valid synthetic files in each
 * supported layout (llama2.c v0/v1/v2, safetensors F32/F16/BF16) must load
 * with the expected values. */
#include "test_util.h"

#include <math.h>
#include <sys/stat.h>

#include "model.h"
#include "plan.h"
#include "safetensors.h"
#include "tokenizer.h"

static char dir[512];

static const char *path_of(char *buf, size_t len, const char *name) {
    snprintf(buf, len, "%s/%s", dir, name);
    return buf;
}

static void write_file(const char *path, const void *data, size_t n) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    if (n) assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
}

static int setup(void **state) {
    (void)state;
    const char *b = getenv("LPCS_BUILD");
    snprintf(dir, sizeof dir, "%s/rt_loader", b && *b ? b : "build");
    mkdir(b && *b ? b : "build", 0755);
    mkdir(dir, 0755);
    return 0;
}

/* ---- a tiny llama: dim 8, hidden 16, 1 layer, 2 heads, 1 kv head, vocab 10, seq 4 ---- */
enum { D = 8, H = 16, NL = 1, NH = 2, NKV = 1, V = 10, SEQ = 4, KVD = D * NKV / NH, HS = D / NH };
/* v0 order: emb, att_norm, wq, wk, wv, wo, ffn_norm, w1, w2, w3, final, freq_cis (2 * SEQ * HS/2) */
static const size_t v0_counts[] = {V * D, D, D * D, KVD * D, KVD * D, D * D, D, H * D, D * H, H * D, D};
#define NT0 (sizeof v0_counts / sizeof v0_counts[0])

static size_t v0_floats(void) {
    size_t n = 0;
    for (size_t i = 0; i < NT0; i++) n += v0_counts[i];
    return n;
}

/* Writes a v0 file (header + weights value i*0.001 + freq_cis zeros + extra
 * bytes); returns its size. */
static size_t write_v0(const char *path, const int32_t hdr[7], long extra_bytes) {
    size_t nf = v0_floats() + 2 * SEQ * HS / 2;
    size_t n = 28 + nf * 4;
    uint8_t *buf = calloc(n + 64, 1);
    memcpy(buf, hdr, 28);
    float *w = (float *)(buf + 28);
    for (size_t i = 0; i < v0_floats(); i++) w[i] = (float)i * 0.001f;
    size_t total = (size_t)((long)n + extra_bytes);
    write_file(path, buf, total);
    free(buf);
    return total;
}

static const int32_t good_hdr[7] = {D, H, NL, NH, NKV, V, SEQ};

static void expect_llama_error(const char *path, const char *needle) {
    rt_model m;
    rt_err e = {0, ""};
    int rc = rt_model_load(&m, path, NULL, &e);
    if (rc == LPCS_OK || !strstr(e.msg, needle) || !strstr(e.msg, path)) {
        fprintf(stderr, "file %s: rc %d, message '%s', expected to contain '%s'\n", path, rc, e.msg, needle);
        if (rc == LPCS_OK) rt_model_free(&m);
        fail();
    }
}

static void test_llama2c_v0_valid(void **state) {
    (void)state;
    char p[600];
    write_v0(path_of(p, sizeof p, "ok_v0.bin"), good_hdr, 0);
    rt_model m;
    rt_err e = {0, ""};
    assert_int_equal(rt_model_load(&m, p, NULL, &e), LPCS_OK);
    assert_int_equal(m.cfg.dim, D);
    assert_int_equal(m.cfg.n_kv_heads, NKV);
    assert_true(m.cfg.shared_classifier);
    assert_ptr_equal(m.cls, m.embed);
    assert_true(m.embed[3] == 3 * 0.001f);
    assert_true(m.ll[0].attn_norm[0] == (float)(V * D) * 0.001f);
    size_t w3_off = 0;
    for (size_t i = 0; i < 9; i++) w3_off += v0_counts[i];
    assert_true(m.ll[0].w3[0] == (float)w3_off * 0.001f);
    rt_model_free(&m);
}

static void test_llama2c_bad(void **state) {
    (void)state;
    char p[600];
    write_v0(path_of(p, sizeof p, "trunc.bin"), good_hdr, -4);
    expect_llama_error(p, "truncated");
    write_v0(path_of(p, sizeof p, "trailing.bin"), good_hdr, 12);
    expect_llama_error(p, "trailing");
    int32_t h[7];
    memcpy(h, good_hdr, sizeof h);
    h[3] = 3; /* dim 8 not divisible by 3 heads */
    write_v0(path_of(p, sizeof p, "heads.bin"), h, 0);
    expect_llama_error(p, "inconsistent attention shape");
    memcpy(h, good_hdr, sizeof h);
    h[1] = 1 << 30; /* hidden: huge */
    write_v0(path_of(p, sizeof p, "huge.bin"), h, 0);
    expect_llama_error(p, "implausible dimensions");
    memcpy(h, good_hdr, sizeof h);
    h[2] = 1000; /* 1000 layers: plausible, but the file is far too short */
    write_v0(path_of(p, sizeof p, "layers.bin"), h, 0);
    expect_llama_error(p, "truncated");
    memcpy(h, good_hdr, sizeof h);
    h[5] = -V; /* separate classifier expected but absent */
    write_v0(path_of(p, sizeof p, "nocls.bin"), h, 0);
    expect_llama_error(p, "truncated");
    write_file(path_of(p, sizeof p, "empty.bin"), "", 0);
    expect_llama_error(p, "truncated llama2.c header");
    uint8_t gguf[32] = {'G', 'G', 'U', 'F', 3};
    write_file(path_of(p, sizeof p, "gguf.bin"), gguf, sizeof gguf);
    expect_llama_error(p, "not a llama2.c checkpoint");
    uint8_t v9[256] = {0};
    uint32_t magic = 0x616b3432u;
    int32_t ver = 9;
    memcpy(v9, &magic, 4);
    memcpy(v9 + 4, &ver, 4);
    write_file(path_of(p, sizeof p, "v9.bin"), v9, sizeof v9);
    expect_llama_error(p, "version 9 is not supported");
    write_file(path_of(p, sizeof p, "v1short.bin"), v9, 100);
    expect_llama_error(p, "truncated llama2.c header");
    expect_llama_error(path_of(p, sizeof p, "does-not-exist.bin"), "cannot open");
    rt_model m;
    rt_err e = {0, ""};
    assert_int_equal(rt_model_load(&m, path_of(p, sizeof p, "x.onnx"), NULL, &e), LPCS_EUNSUPPORTED);
    assert_non_null(strstr(e.msg, "unknown model file type"));
}

/* v1 (fp32, ak42 header) and v2 (Q8_0) files of the same weights load to
 * the same model as v0 (v2: within the int8 group quantization error). */
static void test_llama2c_v1_v2(void **state) {
    (void)state;
    char p[600];
    rt_model m0, m1, m2;
    rt_err e = {0, ""};
    write_v0(path_of(p, sizeof p, "ref_v0.bin"), good_hdr, 0);
    assert_int_equal(rt_model_load(&m0, p, NULL, &e), LPCS_OK);
    /* tensors by index in v0 order */
    const float *src[NT0];
    size_t off = 0;
    for (size_t i = 0; i < NT0; i++) {
        src[i] = m0.arena + off;
        off += v0_counts[i];
    }
    uint8_t hdr[256] = {0};
    uint32_t magic = 0x616b3432u;
    int32_t ver = 1;
    memcpy(hdr, &magic, 4);
    memcpy(hdr + 4, &ver, 4);
    memcpy(hdr + 8, good_hdr, 28);
    hdr[36] = 1; /* shared classifier */
    FILE *f = fopen(path_of(p, sizeof p, "ok_v1.bin"), "wb");
    fwrite(hdr, 1, 256, f);
    const int v1_order[] = {1, 6, 10, 0, 2, 3, 4, 5, 7, 8, 9};
    for (int i = 0; i < 11; i++) fwrite(src[v1_order[i]], 4, v0_counts[v1_order[i]], f);
    fclose(f);
    assert_int_equal(rt_model_load(&m1, p, NULL, &e), LPCS_OK);
    assert_string_equal(m1.format, "llama2c-v1");
    assert_memory_equal(m1.arena, m0.arena, v0_floats() * 4);
    /* v2: group size 8 */
    ver = 2;
    int32_t gs = 8;
    memcpy(hdr + 4, &ver, 4);
    memcpy(hdr + 37, &gs, 4);
    f = fopen(path_of(p, sizeof p, "ok_v2.bin"), "wb");
    fwrite(hdr, 1, 256, f);
    const int fp[] = {1, 6, 10};
    for (int i = 0; i < 3; i++) fwrite(src[fp[i]], 4, v0_counts[fp[i]], f);
    const int q[] = {0, 2, 3, 4, 5, 7, 8, 9};
    for (int i = 0; i < 8; i++) {
        size_t n = v0_counts[q[i]];
        int8_t qv[256];
        float sc[32];
        for (size_t g = 0; g < n / 8; g++) {
            float mx = 0;
            for (int j = 0; j < 8; j++) mx = fmaxf(mx, fabsf(src[q[i]][g * 8 + j]));
            sc[g] = mx / 127.0f;
            for (int j = 0; j < 8; j++) qv[g * 8 + j] = (int8_t)lrintf(sc[g] ? src[q[i]][g * 8 + j] / sc[g] : 0);
        }
        fwrite(qv, 1, n, f);
        fwrite(sc, 4, n / 8, f);
    }
    fclose(f);
    assert_int_equal(rt_model_load(&m2, p, NULL, &e), LPCS_OK);
    for (size_t i = 0; i < v0_floats(); i++) assert_true(fabsf(m2.arena[i] - m0.arena[i]) <= 0.5f * 1.0f / 127.0f + 1e-6f); /* |w| < 1: half an int8 step */
    /* v2 with a group size that does not divide the tensors */
    gs = 7;
    FILE *g = fopen(p, "r+b");
    fseek(g, 37, SEEK_SET);
    fwrite(&gs, 4, 1, g);
    fclose(g);
    expect_llama_error(p, "not a multiple of the Q8_0 group");
    rt_model_free(&m0);
    rt_model_free(&m1);
    rt_model_free(&m2);
}

/* ---- safetensors ---- */

typedef struct {
    char name[96];
    const char *dtype;
    int ndim;
    uint64_t shape[2];
    long offset_delta; /* corrupts data_offsets end when non-zero */
} st_spec;

/* Writes a safetensors file of the tensors (values k * 0.01 as F32, BF16 by
 * truncation, F16 all 1.0). header overrides the JSON header when given;
 * hlen_delta corrupts the header-length field. */
static void write_st(const char *path, const st_spec *t, int n, const char *header, long hlen_delta) {
    char *hdr = malloc(1 << 16);
    size_t o = (size_t)snprintf(hdr, 1 << 16, "{\"__metadata__\":{\"format\":\"pt\"}");
    uint64_t off = 0;
    uint8_t *data = calloc(1 << 20, 1);
    for (int i = 0; i < n; i++) {
        uint64_t numel = t[i].shape[0] * (t[i].ndim > 1 ? t[i].shape[1] : 1);
        int es = !strcmp(t[i].dtype, "F32") ? 4 : !strcmp(t[i].dtype, "I8") ? 1 : 2;
        if (numel < 100000)
            for (uint64_t k = 0; k < numel; k++) {
                float v = (float)k * 0.01f;
                uint32_t u;
                memcpy(&u, &v, 4);
                if (es == 4) memcpy(data + off + 4 * k, &v, 4);
                if (es == 2) {
                    uint16_t h = !strcmp(t[i].dtype, "BF16") ? (uint16_t)(u >> 16) : 0x3c00;
                    memcpy(data + off + 2 * k, &h, 2);
                }
            }
        char shape[64];
        if (t[i].ndim == 2)
            snprintf(shape, sizeof shape, "[%llu,%llu]", (unsigned long long)t[i].shape[0],
                     (unsigned long long)t[i].shape[1]);
        else
            snprintf(shape, sizeof shape, "[%llu]", (unsigned long long)t[i].shape[0]);
        uint64_t bytes = numel < 100000 ? numel * (uint64_t)es : 16;
        o += (size_t)snprintf(hdr + o, (1 << 16) - o,
                              ",\"%s\":{\"dtype\":\"%s\",\"shape\":%s,\"data_offsets\":[%llu,%llu]}", t[i].name,
                              t[i].dtype, shape, (unsigned long long)off,
                              (unsigned long long)((long)(off + bytes) + t[i].offset_delta));
        off += bytes;
    }
    snprintf(hdr + o, (1 << 16) - o, "}");
    const char *h = header ? header : hdr;
    uint64_t hl = (uint64_t)((long)strlen(h) + hlen_delta);
    FILE *f = fopen(path, "wb");
    fwrite(&hl, 8, 1, f);
    fwrite(h, 1, strlen(h), f);
    fwrite(data, 1, off, f);
    fclose(f);
    free(data);
    free(hdr);
}

/* A tiny hgrn_bit model: hidden 8, 1 layer, intermediate 8, vocab 10. */
static int hgrn_specs(st_spec *t, const char *dtype) {
    int n = 0;
#define T1(nm, a) (t[n] = (st_spec){"", dtype, 1, {a, 0}, 0}, snprintf(t[n].name, 96, "%s", nm), n++)
#define T2(nm, a, b) (t[n] = (st_spec){"", dtype, 2, {a, b}, 0}, snprintf(t[n].name, 96, "%s", nm), n++)
    T2("model.embeddings.weight", 10, 8);
    T1("model.norm.weight", 8);
    T2("model.lower_bounds", 1, 8);
    T2("lm_head.weight", 10, 8);
    T1("lm_head.norm.weight", 8);
    T1("model.layers.0.attn_norm.weight", 8);
    T1("model.layers.0.attn.g_norm.weight", 8);
    T1("model.layers.0.mlp_norm.weight", 8);
    const char *pn[] = {"attn.i_proj", "attn.f_proj", "attn.g_proj", "attn.o_proj", "mlp.gate_proj", "mlp.down_proj"};
    for (int i = 0; i < 6; i++) {
        char nm[96];
        snprintf(nm, sizeof nm, "model.layers.0.%s.weight", pn[i]);
        T2(nm, i == 4 ? 16 : 8, 8);
        snprintf(nm, sizeof nm, "model.layers.0.%s.norm.weight", pn[i]);
        T1(nm, 8);
    }
#undef T1
#undef T2
    return n;
}

static const char *hgrn_cfg =
    "{\"model_type\": \"hgrn_bit\", \"vocab_size\": 10, \"hidden_size\": 8, \"num_hidden_layers\": 1,"
    " \"intermediate_size\": 8, \"max_position_embeddings\": 16, \"use_lower_bound\": true}";

static void expect_st_error(const char *name, const st_spec *t, int n, const char *header, long hlen_delta,
                            const char *needle) {
    char p[600], c[600];
    path_of(p, sizeof p, name);
    write_st(p, t, n, header, hlen_delta);
    snprintf(c, sizeof c, "%s", p);
    strcpy(strrchr(c, '.'), ".config.json");
    write_file(c, hgrn_cfg, strlen(hgrn_cfg));
    rt_model m;
    rt_err e = {0, ""};
    int rc = rt_model_load(&m, p, NULL, &e);
    if (rc == LPCS_OK || !strstr(e.msg, needle) || !strstr(e.msg, name)) {
        fprintf(stderr, "%s: rc %d, message '%s', expected '%s'\n", name, rc, e.msg, needle);
        if (rc == LPCS_OK) rt_model_free(&m);
        fail();
    }
}

static void test_safetensors_valid(void **state) {
    (void)state;
    const char *dts[] = {"F32", "BF16", "F16"};
    for (int d = 0; d < 3; d++) {
        st_spec t[32];
        int n = hgrn_specs(t, dts[d]);
        char p[600], c[600];
        snprintf(c, sizeof c, "%s", path_of(p, sizeof p, "tiny.safetensors"));
        write_st(p, t, n, NULL, 0);
        strcpy(strrchr(c, '.'), ".config.json");
        write_file(c, hgrn_cfg, strlen(hgrn_cfg));
        rt_model m;
        rt_err e = {0, ""};
        assert_int_equal(rt_model_load(&m, p, NULL, &e), LPCS_OK);
        assert_int_equal(m.cfg.arch, RT_ARCH_HGRN);
        assert_int_equal(m.hl[0].proj[HG_GATE].out, 16);
        float want = d == 2 ? 1.0f : 0.0f; /* F16 file holds 1.0 everywhere */
        assert_true(m.embed[0] == want);
        if (d == 0) assert_true(m.embed[5] == 5 * 0.01f);
        if (d == 2) assert_true(m.hl[0].proj[HG_DOWN].w[63] == 1.0f);
        rt_model_free(&m);
    }
    /* F16 conversion: normal, subnormal, inf */
    assert_true(st_f16_to_f32(0x3c00) == 1.0f);
    assert_true(st_f16_to_f32(0xc000) == -2.0f);
    assert_true(st_f16_to_f32(0x0001) == ldexpf(1.0f, -24));
    assert_true(isinf(st_f16_to_f32(0x7c00)));
    assert_true(st_bf16_to_f32(0x3f80) == 1.0f);
}

static void test_safetensors_bad(void **state) {
    (void)state;
    st_spec t[32];
    int n = hgrn_specs(t, "BF16");
    expect_st_error("hlen.safetensors", t, n, NULL, 1000000, "beyond the file");
    expect_st_error("notjson.safetensors", t, n, "{\"a\": [1, 2", 0, "not a JSON object");
    expect_st_error("array.safetensors", t, n, "[1, 2, 3]", 0, "not a JSON object");
    st_spec u[32];
    memcpy(u, t, sizeof u);
    u[n - 1].offset_delta = 100000; /* last tensor's data runs off the end */
    expect_st_error("offsets.safetensors", u, n, NULL, 0, "run past the end");
    memcpy(u, t, sizeof u);
    u[3].offset_delta = -2; /* lm_head: shape and byte span disagree */
    expect_st_error("span.safetensors", u, n, NULL, 0, "data_offsets span");
    expect_st_error("missing.safetensors", t, n - 1, NULL, 0, "missing tensor 'model.layers.0.mlp.down_proj.norm.weight'");
    memcpy(u, t, sizeof u);
    u[0].dtype = "I8";
    expect_st_error("dtype.safetensors", u, n, NULL, 0, "dtype I8");
    memcpy(u, t, sizeof u);
    u[16].shape[0] = 8; /* gate_proj should be [16, 8] */
    expect_st_error("shape.safetensors", u, n, NULL, 0, "has shape [8, 8], expected [16, 8]");
    memcpy(u, t, sizeof u);
    u[0].shape[0] = 1ull << 40; /* huge dims: rejected before any allocation */
    expect_st_error("huge.safetensors", u, n, NULL, 0, "larger than the file");
    char p[600];
    /* numel * 4 wraps to 0 for shape [2^62]: must not pass as an empty tensor (found by fuzz_loaders) */
    {
        const char hdr[] = "{\"x\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904],\"data_offsets\":[0,0]}}";
        unsigned char buf[8 + sizeof hdr];
        uint64_t hl = sizeof hdr - 1;
        for (int i = 0; i < 8; i++) buf[i] = (unsigned char)(hl >> (8 * i));
        memcpy(buf + 8, hdr, hl);
        write_file(path_of(p, sizeof p, "wrap.safetensors"), buf, 8 + hl);
        st_file sf;
        rt_err we = {0, ""};
        int rc = st_open(&sf, p, &we);
        if (rc == LPCS_OK) st_close(&sf);
        assert_int_not_equal(rc, LPCS_OK);
        assert_non_null(strstr(we.msg, "wrap.safetensors"));
    }
    write_file(path_of(p, sizeof p, "short.safetensors"), "\1\0\0", 3);
    rt_model m;
    rt_err e = {0, ""};
    write_file(path_of(p, sizeof p, "short.config.json"), hgrn_cfg, strlen(hgrn_cfg));
    assert_int_not_equal(rt_model_load(&m, path_of(p, sizeof p, "short.safetensors"), NULL, &e), LPCS_OK);
    assert_non_null(strstr(e.msg, "truncated safetensors"));
}

static void test_config_bad(void **state) {
    (void)state;
    st_spec t[32];
    int n = hgrn_specs(t, "F32");
    char p[600], c[600];
    write_st(path_of(p, sizeof p, "cfg.safetensors"), t, n, NULL, 0);
    const char *cases[][2] = {
        {"{\"model_type\": \"mamba\"}", "model_type \"mamba\" is not supported"},
        {"{\"hidden_size\": 8}", "missing \"model_type\""},
        {"{\"model_type\": \"hgrn_bit\", \"hidden_size\": 8}", "missing integer \"num_hidden_layers\""},
        {"{\"model_type\": \"hgrn_bit\", \"vocab_size\": 10, \"hidden_size\": -8, \"num_hidden_layers\": 1, "
         "\"intermediate_size\": 8}", "\"hidden_size\" must be a non-negative integer"},
        {"{\"model_type\": \"hgrn_bit\", \"vocab_size\": 10, \"hidden_size\": 8, \"num_hidden_layers\": 1, "
         "\"intermediate_size\": 8, \"num_heads\": 4}", "not supported"},
        {"{\"model_type\": \"hgrn_bit\"", "invalid JSON"},
        {"{\"model_type\": \"llama\", \"vocab_size\": 10, \"hidden_size\": 8, \"num_hidden_layers\": 1, "
         "\"intermediate_size\": 8, \"num_attention_heads\": 3}", "inconsistent attention shape"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        path_of(c, sizeof c, "cfg.config.json");
        write_file(c, cases[i][0], strlen(cases[i][0]));
        rt_model m;
        rt_err e = {0, ""};
        int rc = rt_model_load(&m, p, NULL, &e);
        if (rc == LPCS_OK || !strstr(e.msg, cases[i][1])) {
            fprintf(stderr, "config %s: rc %d, '%s', expected '%s'\n", cases[i][0], rc, e.msg, cases[i][1]);
            fail();
        }
    }
    remove(c);
    rt_model m;
    rt_err e = {0, ""};
    write_st(path_of(p, sizeof p, "lonely.safetensors"), t, n, NULL, 0);
    path_of(c, sizeof c, "config.json");
    remove(c);
    assert_int_not_equal(rt_model_load(&m, p, NULL, &e), LPCS_OK);
    assert_non_null(strstr(e.msg, "no config.json found"));
}

/* ---- tokenizer and plans ---- */

static void test_tokenizer_bad(void **state) {
    (void)state;
    char p[600];
    uint8_t buf[64] = {0};
    int32_t ml = 4, len = 1;
    float sc = 0;
    memcpy(buf, &ml, 4);
    memcpy(buf + 4, &sc, 4);
    memcpy(buf + 8, &len, 4);
    buf[12] = 'a';
    rt_tokenizer t;
    rt_err e = {0, ""};
    write_file(path_of(p, sizeof p, "tok_trunc.bin"), buf, 13);
    assert_int_not_equal(rt_tokenizer_load(&t, p, 3, &e), LPCS_OK);
    assert_non_null(strstr(e.msg, "too short for 3 tokens"));
    len = 99;
    memcpy(buf + 8, &len, 4);
    write_file(p, buf, 40);
    assert_int_not_equal(rt_tokenizer_load(&t, p, 2, &e), LPCS_OK);
    assert_non_null(strstr(e.msg, "invalid length 99"));
    ml = -1;
    memcpy(buf, &ml, 4);
    write_file(p, buf, 40);
    assert_int_not_equal(rt_tokenizer_load(&t, p, 2, &e), LPCS_OK);
    assert_non_null(strstr(e.msg, "max_token_length"));
}

static void test_plan_parse(void **state) {
    (void)state;
    rt_plan p;
    rt_err e = {0, ""};
    assert_int_equal(rt_plan_parse(&p, "w=mxfp4,a=fp8e4m3,kv=p8e0,L1.w.ffn=int4", &e), LPCS_OK);
    assert_string_equal(rt_plan_w(&p, WC_ATTN, 0)->name, "mxfp4");
    assert_string_equal(rt_plan_w(&p, WC_FFN, 1)->name, "int4");
    assert_string_equal(rt_plan_w(&p, WC_FFN, 0)->name, "mxfp4");
    assert_string_equal(rt_plan_a(&p, WC_HEAD, -1)->name, "fp8e4m3");
    assert_string_equal(rt_plan_kv(&p, 3)->name, "p8e0");
    assert_int_equal(rt_plan_parse(&p, "nvfp4", &e), LPCS_OK);
    assert_string_equal(rt_plan_w(&p, WC_EMBED, -1)->name, "nvfp4");
    assert_true(rt_plan_a(&p, WC_ATTN, 0)->identity);
    assert_int_equal(rt_plan_parse(&p, "fp32", &e), LPCS_OK);
    assert_true(rt_plan_is_fp32(&p));
    assert_int_not_equal(rt_plan_parse(&p, "w=fp7", &e), LPCS_OK);
    assert_non_null(strstr(e.msg, "unknown number format 'fp7'"));
    assert_int_not_equal(rt_plan_parse(&p, "q=int4", &e), LPCS_OK);
    assert_non_null(strstr(e.msg, "unknown key 'q'"));
    assert_int_not_equal(rt_plan_parse(&p, "w.mlp=int4", &e), LPCS_OK);
    assert_non_null(strstr(e.msg, "unknown tensor class"));
    char f[600];
    const char *txt = "# weights\nw=int8\nkv=bf16 # cache\n";
    write_file(path_of(f, sizeof f, "plan.txt"), txt, strlen(txt));
    char spec[620];
    snprintf(spec, sizeof spec, "@%s", f);
    assert_int_equal(rt_plan_parse(&p, spec, &e), LPCS_OK);
    assert_string_equal(rt_plan_w(&p, WC_FFN, 2)->name, "int8");
    assert_string_equal(rt_plan_kv(&p, 0)->name, "bf16");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_llama2c_v0_valid), cmocka_unit_test(test_llama2c_bad),
        cmocka_unit_test(test_llama2c_v1_v2),    cmocka_unit_test(test_safetensors_valid),
        cmocka_unit_test(test_safetensors_bad),  cmocka_unit_test(test_config_bad),
        cmocka_unit_test(test_tokenizer_bad),    cmocka_unit_test(test_plan_parse),
    };
    return cmocka_run_group_tests_name("runtime_loaders", tests, setup, NULL);
}
