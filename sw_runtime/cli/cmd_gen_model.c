/* lpcs gen-model SHAPE OUT.safetensors: a random-weight checkpoint with the
 * exact tensor shapes of a public model, in a format lpcs loads
 * (safetensors + OUT-stem.config.json with Hugging Face names, and a
 * byte-level OUT-stem.tok.bin of the shape's vocabulary), so that decode
 * and prefill can be measured at real sizes. Weights uniform in [-a, a],
 * a = sqrt(3 / fan_in) / 4 (finite, non-trivial activations); norms 1. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"

typedef struct {
    const char *name, *arch, *note;
    int dim, hidden, layers, heads, kv_heads, vocab, seq;
} shape;

static const shape SHAPES[] = {
    {"llama2-7b", "llama", "Llama-2-7B", 4096, 11008, 32, 32, 32, 32000, 4096},
    {"llama2-13b", "llama", "Llama-2-13B", 5120, 13824, 40, 40, 40, 32000, 4096},
    {"llama3-8b", "llama", "Llama-3-8B (GQA, 8 KV heads)", 4096, 14336, 32, 32, 8, 128256, 8192},
    {"bitnet-2b", "llama", "BitNet b1.58 2B4T shapes on the llama graph (run with --plan w=ternary)", 2560, 6912, 30,
     20, 5, 128256, 4096},
    {"mmfree-2.7b", "hgrn_bit", "MMfreeLM-2.7B-like HGRN-Bit (ternary BitLinear)", 2560, 6912, 32, 1, 1, 32000, 2048},
    {"tiny", "llama", "a tiny llama for tests", 64, 160, 2, 4, 2, 259, 256},
    {"tiny-hgrn", "hgrn_bit", "a tiny hgrn_bit for tests", 64, 128, 2, 1, 1, 259, 256},
};

typedef struct {
    char name[96];
    uint64_t rows, cols; /* cols 0: 1-D */
    float a;             /* uniform half-width; < 0: constant 1; 0: zeros */
} tensor;

static uint64_t rng_state = 0x243f6a8885a308d3ull;
static float urand(void) {
    rng_state ^= rng_state << 13, rng_state ^= rng_state >> 7, rng_state ^= rng_state << 17;
    return (float)(rng_state >> 40) / 16777216.0f * 2.0f - 1.0f;
}

static uint16_t to_bf16(float f) { /* RNE (finite inputs) */
    uint32_t u;
    memcpy(&u, &f, 4);
    return (uint16_t)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

static void help(FILE *out) {
    fprintf(out, "usage: lpcs gen-model SHAPE OUT.safetensors [--dtype bf16|f32] [--layers N]\n"
                 "Writes a random-weight checkpoint with the tensor shapes of SHAPE and OUT-stem.config.json.\n"
                 "--layers N keeps the layer shapes but writes N layers. Shapes:\n");
    for (size_t i = 0; i < sizeof SHAPES / sizeof *SHAPES; i++) fprintf(out, "  %-12s %s\n", SHAPES[i].name, SHAPES[i].note);
}

int cmd_gen_model(int argc, char **argv) {
    const char *sname = NULL, *out = NULL, *dtype = "bf16";
    int layers = -1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) return help(stdout), 0;
        if (!strcmp(argv[i], "--dtype") && i + 1 < argc) dtype = argv[++i];
        else if (!strcmp(argv[i], "--layers") && i + 1 < argc) layers = atoi(argv[++i]);
        else if (argv[i][0] == '-') return fprintf(stderr, "lpcs gen-model: unknown option %s\n", argv[i]), 2;
        else if (!sname) sname = argv[i];
        else if (!out) out = argv[i];
        else return fprintf(stderr, "lpcs gen-model: unexpected argument %s\n", argv[i]), 2;
    }
    const shape *s = NULL;
    for (size_t i = 0; sname && i < sizeof SHAPES / sizeof *SHAPES; i++)
        if (!strcmp(SHAPES[i].name, sname)) s = &SHAPES[i];
    if (!s || !out) {
        if (sname && !s) fprintf(stderr, "lpcs gen-model: unknown shape %s\n", sname);
        help(stderr);
        return 2;
    }
    int bf = !strcmp(dtype, "bf16");
    if (!bf && strcmp(dtype, "f32")) return fprintf(stderr, "lpcs gen-model: --dtype wants bf16 or f32\n"), 2;
    const int L = layers > 0 ? layers : s->layers;
    const uint64_t D = (uint64_t)s->dim, H = (uint64_t)s->hidden, V = (uint64_t)s->vocab;
    const uint64_t KV = D / (uint64_t)s->heads * (uint64_t)s->kv_heads;
    const int hgrn = !strcmp(s->arch, "hgrn_bit");
    size_t cap = 16 + (size_t)L * 16, nt = 0;
    tensor *t = calloc(cap, sizeof *t);
    if (!t) return fprintf(stderr, "lpcs gen-model: out of memory\n"), 1;
#define T(R, C, A, ...) (snprintf(t[nt].name, sizeof t[nt].name, __VA_ARGS__), t[nt].rows = (R), t[nt].cols = (C), t[nt++].a = (A))
    const float aD = sqrtf(3.0f / (float)D) / 4, aH = sqrtf(3.0f / (float)H) / 4;
    if (!hgrn) {
        T(V, D, aD, "model.embed_tokens.weight");
        for (int l = 0; l < L; l++) {
            T(D, 0, -1, "model.layers.%d.input_layernorm.weight", l);
            T(D, D, aD, "model.layers.%d.self_attn.q_proj.weight", l);
            T(KV, D, aD, "model.layers.%d.self_attn.k_proj.weight", l);
            T(KV, D, aD, "model.layers.%d.self_attn.v_proj.weight", l);
            T(D, D, aD, "model.layers.%d.self_attn.o_proj.weight", l);
            T(D, 0, -1, "model.layers.%d.post_attention_layernorm.weight", l);
            T(H, D, aD, "model.layers.%d.mlp.gate_proj.weight", l);
            T(H, D, aD, "model.layers.%d.mlp.up_proj.weight", l);
            T(D, H, aH, "model.layers.%d.mlp.down_proj.weight", l);
        }
        T(D, 0, -1, "model.norm.weight");
        T(V, D, aD, "lm_head.weight");
    } else {
        T(V, D, aD, "model.embeddings.weight");
        T((uint64_t)L, D, 0, "model.lower_bounds");
        const char *pn[6] = {"attn.i_proj", "attn.f_proj", "attn.g_proj", "attn.o_proj", "mlp.gate_proj", "mlp.down_proj"};
        for (int l = 0; l < L; l++) {
            T(D, 0, -1, "model.layers.%d.attn_norm.weight", l);
            T(D, 0, -1, "model.layers.%d.attn.g_norm.weight", l);
            T(D, 0, -1, "model.layers.%d.mlp_norm.weight", l);
            for (int p = 0; p < 6; p++) {
                uint64_t r = p == 4 ? 2 * H : D, c = p == 5 ? H : D;
                T(r, c, p == 5 ? aH : aD, "model.layers.%d.%s.weight", l, pn[p]);
                T(c, 0, -1, "model.layers.%d.%s.norm.weight", l, pn[p]);
            }
        }
        T(D, 0, -1, "model.norm.weight");
        T(V, D, aD, "lm_head.weight");
        T(D, 0, -1, "lm_head.norm.weight");
    }
#undef T
    /* header */
    size_t hcap = nt * 160 + 64, hl = 0;
    char *h = malloc(hcap);
    uint64_t off = 0, esz = bf ? 2 : 4, params = 0;
    if (!h) return free(t), fprintf(stderr, "lpcs gen-model: out of memory\n"), 1;
    hl += (size_t)snprintf(h + hl, hcap - hl, "{");
    for (size_t i = 0; i < nt; i++) {
        uint64_t n = t[i].rows * (t[i].cols ? t[i].cols : 1);
        params += n;
        if (t[i].cols)
            hl += (size_t)snprintf(h + hl, hcap - hl, "%s\"%s\":{\"dtype\":\"%s\",\"shape\":[%llu,%llu],\"data_offsets\":[%llu,%llu]}",
                                   i ? "," : "", t[i].name, bf ? "BF16" : "F32", (unsigned long long)t[i].rows,
                                   (unsigned long long)t[i].cols, (unsigned long long)off, (unsigned long long)(off + n * esz));
        else
            hl += (size_t)snprintf(h + hl, hcap - hl, "%s\"%s\":{\"dtype\":\"%s\",\"shape\":[%llu],\"data_offsets\":[%llu,%llu]}",
                                   i ? "," : "", t[i].name, bf ? "BF16" : "F32", (unsigned long long)t[i].rows,
                                   (unsigned long long)off, (unsigned long long)(off + n * esz));
        off += n * esz;
    }
    hl += (size_t)snprintf(h + hl, hcap - hl, "}");
    while (hl % 8) h[hl++] = ' ';
    fprintf(stderr,
            "lpcs gen-model: %s, %d layers, %.3f G parameters, %s: file %.2f GB; lpcs needs about %.1f GB of host "
            "memory to load it (fp32 arena) and, with --backend cuda, %.1f GB of GPU memory for bf16 weights (plan "
            "bf16) or %.1f GB for fp32 (+ KV cache and activations)\n",
            s->note, L, (double)params / 1e9, dtype, (double)(off + hl + 8) / 1e9, (double)params * 4 / 1e9,
            (double)params * 2 / 1e9, (double)params * 4 / 1e9);
    FILE *f = fopen(out, "wb");
    if (!f) return free(t), free(h), fprintf(stderr, "lpcs gen-model: cannot write %s\n", out), 1;
    uint64_t hl64 = hl;
    int bad = fwrite(&hl64, 8, 1, f) != 1 || fwrite(h, 1, hl, f) != hl;
    enum { CH = 1 << 16 };
    float *fb = malloc(CH * sizeof *fb);
    uint16_t *hb = malloc(CH * sizeof *hb);
    bad = bad || !fb || !hb;
    for (size_t i = 0; !bad && i < nt; i++) {
        uint64_t n = t[i].rows * (t[i].cols ? t[i].cols : 1);
        for (uint64_t d = 0; !bad && d < n; d += CH) {
            size_t k = n - d < CH ? (size_t)(n - d) : CH;
            for (size_t j = 0; j < k; j++) fb[j] = t[i].a < 0 ? 1.0f : t[i].a == 0 ? 0.0f : urand() * t[i].a;
            if (bf) {
                for (size_t j = 0; j < k; j++) hb[j] = to_bf16(fb[j]);
                bad = fwrite(hb, 2, k, f) != k;
            } else {
                bad = fwrite(fb, 4, k, f) != k;
            }
        }
    }
    bad = fclose(f) || bad;
    free(fb), free(hb), free(h), free(t);
    if (bad) return fprintf(stderr, "lpcs gen-model: write error on %s\n", out), 1;
    /* config: OUT-stem.config.json */
    char cpath[1200];
    snprintf(cpath, sizeof cpath, "%s", out);
    char *dot = strrchr(cpath, '.');
    if (dot && !strcmp(dot, ".safetensors")) *dot = 0;
    strncat(cpath, ".config.json", sizeof cpath - strlen(cpath) - 1);
    FILE *c = fopen(cpath, "w");
    if (!c) return fprintf(stderr, "lpcs gen-model: cannot write %s\n", cpath), 1;
    if (!hgrn)
        fprintf(c, "{\"model_type\": \"llama\", \"hidden_size\": %d, \"intermediate_size\": %d, \"num_hidden_layers\": %d,\n"
                   " \"num_attention_heads\": %d, \"num_key_value_heads\": %d, \"vocab_size\": %d,\n"
                   " \"max_position_embeddings\": %d, \"rms_norm_eps\": 1e-05, \"rope_theta\": 10000.0,\n"
                   " \"tie_word_embeddings\": false, \"bos_token_id\": 1, \"eos_token_id\": 2}\n",
                s->dim, s->hidden, L, s->heads, s->kv_heads, s->vocab, s->seq);
    else
        fprintf(c, "{\"model_type\": \"hgrn_bit\", \"vocab_size\": %d, \"hidden_size\": %d, \"num_hidden_layers\": %d,\n"
                   " \"num_heads\": 1, \"expand_ratio\": 1, \"use_short_conv\": false, \"use_lower_bound\": true,\n"
                   " \"intermediate_size\": %d, \"hidden_act\": \"swish\", \"rms_norm_eps\": 1e-06,\n"
                   " \"bitlinear_norm_eps\": 1e-06, \"max_position_embeddings\": %d, \"bos_token_id\": 1,\n"
                   " \"eos_token_id\": 2, \"tie_word_embeddings\": false}\n",
                s->vocab, s->dim, L, s->hidden, s->seq);
    if (fclose(c)) return fprintf(stderr, "lpcs gen-model: write error on %s\n", cpath), 1;
    /* tokenizer OUT-stem.tok.bin (llama2.c format): the byte-level vocabulary
     * of ../shared/models (0 <unk>, 1 <s>, 2 </s>, 3 + b = byte b), padded with
     * "<tN>" pieces up to the shape's vocabulary */
    dot = strrchr(cpath, '.');
    *dot = 0, dot = strrchr(cpath, '.'), *dot = 0;
    strncat(cpath, ".tok.bin", sizeof cpath - strlen(cpath) - 1);
    FILE *k = fopen(cpath, "wb");
    if (!k) return fprintf(stderr, "lpcs gen-model: cannot write %s\n", cpath), 1;
    int32_t maxlen = 16;
    bad = fwrite(&maxlen, 4, 1, k) != 1;
    for (int i = 0; i < s->vocab && !bad; i++) {
        char piece[32];
        if (i < 3) snprintf(piece, sizeof piece, "%s", i == 0 ? "<unk>" : i == 1 ? "\n<s>\n" : "\n</s>\n");
        else if (i < 259 && i - 3 >= 0x20 && i - 3 <= 0x7e) snprintf(piece, sizeof piece, "%c", i - 3);
        else if (i < 259) snprintf(piece, sizeof piece, "<0x%02X>", i - 3);
        else snprintf(piece, sizeof piece, "<t%d>", i);
        float score = 0.0f;
        int32_t len = (int32_t)strlen(piece);
        bad = fwrite(&score, 4, 1, k) != 1 || fwrite(&len, 4, 1, k) != 1 || fwrite(piece, 1, (size_t)len, k) != (size_t)len;
    }
    bad = fclose(k) || bad;
    if (bad) return fprintf(stderr, "lpcs gen-model: write error on %s\n", cpath), 1;
    fprintf(stderr, "lpcs gen-model: wrote %s, its .config.json and .tok.bin\n", out);
    return 0;
}
