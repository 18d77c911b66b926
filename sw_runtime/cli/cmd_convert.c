/* lpcs convert IN OUT.gguf [--type T] [--tokenizer FILE] [--config FILE]
 *
 * Writes any llama-architecture model lpcs loads (llama2.c .bin, safetensors
 * + config.json, GGUF) as a GGUF v3 file llama.cpp loads: llama.* metadata,
 * llama.cpp tensor names, q/k in the adjacent-pair RoPE layout both use,
 * 2-D weights in ggml type T (golden/ggml_quants.h reference quantizers;
 * rows whose length is not a multiple of T's block fall back as llama.cpp's
 * quantizer does: Q4_K->Q5_0, Q5_K->Q5_1, Q6_K->Q8_0, TQ*->Q4_0, then F16),
 * norms F32. The vocabulary becomes a SentencePiece ("llama") vocabulary:
 * "<0xXX>" pieces are byte tokens, other pieces normal with ' ' written as
 * U+2581; ids 0/1/2 unknown/BOS/EOS; no space prefix.
 * hgrn_bit models are refused: llama.cpp has no architecture for them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ggml_quants.h"
#include "gguf.h"
#include "gguf_write.h"
#include "model.h"
#include "tokenizer.h"

static void usage(FILE *o) {
    fprintf(o, "usage: lpcs convert IN OUT.gguf [--type T] [--tokenizer FILE] [--config FILE]\n"
               "  IN: llama2.c .bin, .safetensors (+ config.json) or .gguf (llama architecture)\n"
               "  --type T  weight matrices as F32 (default) F16 BF16 Q8_0 Q4_0 Q4_1 Q5_0 Q5_1\n"
               "            Q4_K Q5_K Q6_K TQ1_0 TQ2_0 (norms stay F32)\n"
               "  --tokenizer FILE  llama2.c tokenizer (default: beside IN, as lpcs run)\n");
}

static int llama_ftype(int t) {
    switch (t) {
    case GGML_F32: return 0;
    case GGML_F16: return 1;
    case GGML_Q4_0: return 2;
    case GGML_Q4_1: return 3;
    case GGML_Q8_0: return 7;
    case GGML_Q5_0: return 8;
    case GGML_Q5_1: return 9;
    case GGML_Q4_K: return 14;
    case GGML_Q5_K: return 16;
    case GGML_Q6_K: return 18;
    case GGML_BF16: return 32;
    case GGML_TQ1_0: return 36;
    case GGML_TQ2_0: return 37;
    default: return 0;
    }
}

static int fallback(int t, size_t cols) {
    const ggml_type_traits *tr = ggml_type_info((uint32_t)t);
    if (cols % (size_t)tr->block == 0) return t;
    int f = t == GGML_Q4_K ? GGML_Q5_0 : t == GGML_Q5_K ? GGML_Q5_1 : t == GGML_Q6_K ? GGML_Q8_0
          : (t == GGML_TQ1_0 || t == GGML_TQ2_0) ? GGML_Q4_0 : GGML_F16;
    return cols % (size_t)ggml_type_info((uint32_t)f)->block == 0 ? f : GGML_F16;
}

typedef struct {
    gguf_writer *w;
    void **bufs;
    int n_bufs;
    rt_err e;
} conv;

/* Adds tensor name with rows x cols fp32 values, stored as type (1-D when rows == 0). */
static int add(conv *c, const char *name, const float *x, size_t rows, size_t cols, int type) {
    int t = rows ? fallback(type, cols) : GGML_F32;
    size_t n = (rows ? rows : 1) * cols, nbytes = ggml_row_bytes((uint32_t)t, cols) * (rows ? rows : 1);
    void *buf = malloc(nbytes ? nbytes : 1);
    if (!buf) return rt_fail(&c->e, LPCS_ENOMEM, "out of memory quantizing %s", name);
    c->bufs[c->n_bufs++] = buf;
    int rc = ggml_quantize((uint32_t)t, x, buf, n);
    if (rc) return rt_fail(&c->e, rc, "%s: cannot store as %s (non-finite weight?)", name, ggml_type_info((uint32_t)t)->name);
    uint64_t ne[2] = {cols, rows};
    return gguf_w_tensor(c->w, name, rows ? 2 : 1, ne, (uint32_t)t, buf, nbytes, &c->e);
}

static int write_vocab(conv *c, const rt_tokenizer *tk, const rt_config *cfg) {
    int V = cfg->vocab;
    char **pieces = calloc((size_t)V, sizeof *pieces);
    size_t *lens = calloc((size_t)V, sizeof *lens);
    int32_t *types = calloc((size_t)V, sizeof *types);
    float *scores = calloc((size_t)V, sizeof *scores);
    int rc = LPCS_OK;
    if (!pieces || !lens || !types || !scores) rc = LPCS_ENOMEM;
    for (int i = 0; i < V && !rc; i++) {
        const char *p = tk->piece[i];
        int n = tk->piece_len[i];
        pieces[i] = malloc((size_t)n * 3 + 1);
        if (!pieces[i]) { rc = LPCS_ENOMEM; break; }
        size_t o = 0;
        int is_byte = n == 6 && !strncmp(p, "<0x", 3) && p[5] == '>';
        for (int k = 0; k < n; k++) {
            if (p[k] == ' ' && !is_byte) { memcpy(pieces[i] + o, "\xe2\x96\x81", 3); o += 3; }
            else pieces[i][o++] = p[k];
        }
        /* llama2.c's <s> / </s> pieces carry spaces/newlines around them. */
        if (i == cfg->bos || i == cfg->eos) {
            const char *s = i == cfg->bos ? "<s>" : "</s>";
            o = strlen(s);
            memcpy(pieces[i], s, o);
        }
        pieces[i][o] = 0;
        lens[i] = o;
        scores[i] = tk->score[i];
        types[i] = i == 0 ? 2 : (i == cfg->bos || i == cfg->eos) ? 3 : is_byte ? 6 : 1;
    }
    if (!rc) rc = gguf_w_str(c->w, "tokenizer.ggml.model", "llama");
    if (!rc) rc = gguf_w_arr_str(c->w, "tokenizer.ggml.tokens", (const char *const *)pieces, lens, (size_t)V);
    if (!rc) rc = gguf_w_arr_f32(c->w, "tokenizer.ggml.scores", scores, (size_t)V);
    if (!rc) rc = gguf_w_arr_i32(c->w, "tokenizer.ggml.token_type", types, (size_t)V);
    if (!rc) rc = gguf_w_u32(c->w, "tokenizer.ggml.bos_token_id", (uint32_t)cfg->bos);
    if (!rc) rc = gguf_w_u32(c->w, "tokenizer.ggml.eos_token_id", (uint32_t)cfg->eos);
    if (!rc) rc = gguf_w_u32(c->w, "tokenizer.ggml.unknown_token_id", 0);
    if (!rc) rc = gguf_w_bool(c->w, "tokenizer.ggml.add_bos_token", 1);
    if (!rc) rc = gguf_w_bool(c->w, "tokenizer.ggml.add_space_prefix", 0);
    for (int i = 0; pieces && i < V; i++) free(pieces[i]);
    free(pieces);
    free(lens);
    free(types);
    free(scores);
    if (rc) rt_fail(&c->e, rc, "out of memory writing the vocabulary");
    return rc;
}

int cmd_convert(int argc, char **argv) {
    const char *in = NULL, *out = NULL, *type_name = "F32", *tok_path = NULL, *cfg_path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { usage(stdout); return 0; }
        if ((!strcmp(a, "--type") || !strcmp(a, "--tokenizer") || !strcmp(a, "--config")) && i + 1 < argc) {
            const char *v = argv[++i];
            if (!strcmp(a, "--type")) type_name = v;
            else if (!strcmp(a, "--tokenizer")) tok_path = v;
            else cfg_path = v;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "lpcs convert: unknown or incomplete option '%s'\n", a);
            usage(stderr);
            return 2;
        } else if (!in) in = a;
        else if (!out) out = a;
        else { usage(stderr); return 2; }
    }
    if (!in || !out) { usage(stderr); return 2; }
    int type = ggml_type_by_name(type_name);
    static const int allowed[] = {GGML_F32, GGML_F16, GGML_BF16, GGML_Q8_0, GGML_Q4_0, GGML_Q4_1, GGML_Q5_0,
                                  GGML_Q5_1, GGML_Q4_K, GGML_Q5_K, GGML_Q6_K, GGML_TQ1_0, GGML_TQ2_0};
    int ok = 0;
    for (size_t k = 0; k < sizeof allowed / sizeof *allowed; k++) ok |= type == allowed[k];
    if (!ok) {
        fprintf(stderr, "lpcs convert: --type %s is not supported (F32 F16 BF16 Q8_0 Q4_0 Q4_1 Q5_0 Q5_1 Q4_K Q5_K Q6_K TQ1_0 TQ2_0)\n",
                type_name);
        return 2;
    }
    rt_err e = {0};
    rt_model m;
    if (rt_model_load(&m, in, cfg_path, &e)) {
        fprintf(stderr, "lpcs convert: %s\n", e.msg);
        return 1;
    }
    if (m.cfg.arch != RT_ARCH_LLAMA) {
        fprintf(stderr, "lpcs convert: %s: hgrn_bit models cannot be written as GGUF (llama.cpp has no hgrn_bit "
                        "architecture); only llama models convert\n", in);
        rt_model_free(&m);
        return 1;
    }
    char tp[1024];
    if (tok_path) snprintf(tp, sizeof tp, "%s", tok_path);
    else if (!rt_find_beside(in, ".tok.bin", "tok-bytes.bin", tp, sizeof tp) &&
             !rt_find_beside(in, NULL, "tokenizer.bin", tp, sizeof tp)) {
        fprintf(stderr, "lpcs convert: %s: no tokenizer beside it (tok-bytes.bin, tokenizer.bin); give --tokenizer\n", in);
        rt_model_free(&m);
        return 1;
    }
    rt_tokenizer tk;
    if (rt_tokenizer_load(&tk, tp, m.cfg.vocab, &e)) {
        fprintf(stderr, "lpcs convert: %s\n", e.msg);
        rt_model_free(&m);
        return 1;
    }
    const rt_config *c = &m.cfg;
    int L = c->n_layers;
    conv cv = {gguf_writer_new(), calloc((size_t)(3 + 9 * L), sizeof(void *)), 0, {0}};
    int rc = cv.w && cv.bufs ? LPCS_OK : rt_fail(&cv.e, LPCS_ENOMEM, "out of memory");
    size_t D = (size_t)c->dim, H = (size_t)c->hidden, V = (size_t)c->vocab;
    size_t KV = D * (size_t)c->n_kv_heads / (size_t)c->n_heads;
    if (!rc) rc = gguf_w_str(cv.w, "general.architecture", "llama");
    if (!rc) rc = gguf_w_str(cv.w, "general.name", "lpcs-convert");
    if (!rc) rc = gguf_w_u32(cv.w, "general.alignment", 32);
    if (!rc) rc = gguf_w_u32(cv.w, "general.file_type", (uint32_t)llama_ftype(type));
    if (!rc) rc = gguf_w_u32(cv.w, "llama.context_length", (uint32_t)c->seq_len);
    if (!rc) rc = gguf_w_u32(cv.w, "llama.embedding_length", (uint32_t)D);
    if (!rc) rc = gguf_w_u32(cv.w, "llama.block_count", (uint32_t)L);
    if (!rc) rc = gguf_w_u32(cv.w, "llama.feed_forward_length", (uint32_t)H);
    if (!rc) rc = gguf_w_u32(cv.w, "llama.attention.head_count", (uint32_t)c->n_heads);
    if (!rc) rc = gguf_w_u32(cv.w, "llama.attention.head_count_kv", (uint32_t)c->n_kv_heads);
    if (!rc) rc = gguf_w_f32(cv.w, "llama.attention.layer_norm_rms_epsilon", c->norm_eps);
    if (!rc) rc = gguf_w_u32(cv.w, "llama.rope.dimension_count", (uint32_t)(D / (size_t)c->n_heads));
    if (!rc) rc = gguf_w_f32(cv.w, "llama.rope.freq_base", 10000.0f);
    if (!rc) rc = gguf_w_u32(cv.w, "llama.vocab_size", (uint32_t)V);
    if (rc == LPCS_ENOMEM) rt_fail(&cv.e, rc, "out of memory");
    if (!rc) rc = write_vocab(&cv, &tk, c);
    if (!rc) rc = add(&cv, "token_embd.weight", m.embed, V, D, type);
    for (int l = 0; l < L && !rc; l++) {
        const rt_llama_layer *y = &m.ll[l];
        struct { const char *s; const float *w; size_t r, k; } t[9] = {
            {"attn_norm", y->attn_norm, 0, D}, {"attn_q", y->wq, D, D},     {"attn_k", y->wk, KV, D},
            {"attn_v", y->wv, KV, D},          {"attn_output", y->wo, D, D}, {"ffn_norm", y->ffn_norm, 0, D},
            {"ffn_gate", y->w1, H, D},         {"ffn_up", y->w3, H, D},      {"ffn_down", y->w2, D, H}};
        for (int k = 0; k < 9 && !rc; k++) {
            char name[64];
            snprintf(name, sizeof name, "blk.%d.%s.weight", l, t[k].s);
            rc = add(&cv, name, t[k].w, t[k].r, t[k].k, type);
        }
    }
    if (!rc) rc = add(&cv, "output_norm.weight", m.final_norm, 0, D, type);
    if (!rc && !c->shared_classifier) rc = add(&cv, "output.weight", m.cls, V, D, type);
    if (!rc) rc = gguf_writer_save(cv.w, out, &cv.e);
    if (rc)
        fprintf(stderr, "lpcs convert: %s\n", cv.e.msg[0] ? cv.e.msg : "failed");
    else
        fprintf(stderr, "lpcs convert: wrote %s (%s, %d layers, vocab %d)\n", out, ggml_type_info((uint32_t)type)->name,
                L, c->vocab);
    for (int i = 0; i < cv.n_bufs; i++) free(cv.bufs[i]);
    free(cv.bufs);
    gguf_writer_free(cv.w);
    rt_tokenizer_free(&tk);
    rt_model_free(&m);
    return rc ? 1 : 0;
}
