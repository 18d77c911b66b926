/* llama-architecture GGUF -> rt_model.
 *
 * Metadata: llama.embedding_length, feed_forward_length, block_count,
 * attention.head_count[_kv], context_length, attention.layer_norm_rms_epsilon,
 * rope.freq_base (10000 only), rope.dimension_count (= head size);
 * tokenizer.ggml.bos/eos_token_id. Tensors (ggml ne[0] = row length):
 * token_embd [D,V], output_norm [D], output [D,V] (absent = tied),
 * blk.N.{attn_norm [D], attn_q [D,D], attn_k [D,KV], attn_v [D,KV],
 * attn_output [D,D], ffn_norm [D], ffn_gate [D,H], ffn_up [D,H], ffn_down [H,D]}.
 *
 * RoPE: llama.cpp's converter permutes Hugging Face q/k rows so that the
 * llama architecture (LLAMA_ROPE_TYPE_NORM) rotates adjacent pairs
 * (x[2i], x[2i+1]) within each head — lpcs's convention — so GGUF q/k are
 * used as stored, with no permutation.
 *
 * Every tensor is dequantized (golden/ggml_quants.h) into the fp32 arena;
 * matrices stored in a block format are also kept as blocks (m->wblocks) for
 * the ggml execution mode (F32 matrices point into the arena). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ggml_quants.h"
#include "gguf.h"
#include "model.h"
#include "rt_weights_alloc.h"

typedef struct {
    const char *name;
    uint64_t ne0, ne1; /* ne1 = 0: 1-D */
    float **dst;
    int keep_blocks;
} want;

static int meta_int(const gguf_file *g, const char *key, int def, int *out, rt_err *e) {
    if (!gguf_find(g, key)) {
        if (def < 0) return rt_fail(e, LPCS_EFORMAT, "%s: missing GGUF key '%s'", g->file.path, key);
        *out = def;
        return LPCS_OK;
    }
    uint32_t v;
    int rc = gguf_get_u32(g, key, &v, e);
    if (rc) return rc;
    if (v > (1u << 30)) return rt_fail(e, LPCS_EFORMAT, "%s: GGUF key '%s' = %u is implausibly large", g->file.path, key, v);
    *out = (int)v;
    return LPCS_OK;
}

static int read_config(const gguf_file *g, rt_config *c, rt_err *e) {
    const char *p = g->file.path;
    char arch[64];
    int rc = gguf_get_cstr(g, "general.architecture", arch, sizeof arch, e);
    if (rc) return rc;
    if (strcmp(arch, "llama"))
        return rt_fail(e, LPCS_EUNSUPPORTED, "%s: GGUF architecture '%s' is not supported (llama)", p, arch);
    memset(c, 0, sizeof *c);
    c->arch = RT_ARCH_LLAMA;
    if ((rc = meta_int(g, "llama.embedding_length", -1, &c->dim, e))) return rc;
    if ((rc = meta_int(g, "llama.feed_forward_length", -1, &c->hidden, e))) return rc;
    if ((rc = meta_int(g, "llama.block_count", -1, &c->n_layers, e))) return rc;
    if ((rc = meta_int(g, "llama.attention.head_count", -1, &c->n_heads, e))) return rc;
    if ((rc = meta_int(g, "llama.attention.head_count_kv", c->n_heads, &c->n_kv_heads, e))) return rc;
    if ((rc = meta_int(g, "llama.context_length", -1, &c->seq_len, e))) return rc;
    if (c->seq_len > 8192) c->seq_len = 8192; /* KV cache bound; lpcs evaluates short windows */
    if ((rc = meta_int(g, "tokenizer.ggml.bos_token_id", 1, &c->bos, e))) return rc;
    if ((rc = meta_int(g, "tokenizer.ggml.eos_token_id", 2, &c->eos, e))) return rc;
    c->norm_eps = 1e-5f;
    if (gguf_find(g, "llama.attention.layer_norm_rms_epsilon") &&
        (rc = gguf_get_f32(g, "llama.attention.layer_norm_rms_epsilon", &c->norm_eps, e)))
        return rc;
    float theta = 10000.0f;
    if (gguf_find(g, "llama.rope.freq_base") && (rc = gguf_get_f32(g, "llama.rope.freq_base", &theta, e))) return rc;
    if (theta != 10000.0f)
        return rt_fail(e, LPCS_EUNSUPPORTED, "%s: llama.rope.freq_base %g is not supported (10000)", p, theta);
    if (gguf_find(g, "llama.rope.scaling.type")) {
        char st[32];
        if ((rc = gguf_get_cstr(g, "llama.rope.scaling.type", st, sizeof st, e))) return rc;
        if (strcmp(st, "none"))
            return rt_fail(e, LPCS_EUNSUPPORTED, "%s: RoPE scaling '%s' is not supported", p, st);
    }
    const gguf_tensor *emb = gguf_find_tensor(g, "token_embd.weight");
    if (!emb) return rt_fail(e, LPCS_EFORMAT, "%s: missing tensor 'token_embd.weight'", p);
    if (emb->n_dims != 2 || emb->ne[1] > RT_MAX_VOCAB)
        return rt_fail(e, LPCS_EFORMAT, "%s: token_embd.weight must be 2-D [dim, vocab]", p);
    c->vocab = (int)emb->ne[1];
    c->shared_classifier = gguf_find_tensor(g, "output.weight") == NULL;
    if ((rc = rt_config_check(c, p, e))) return rc;
    int rope_dims;
    if ((rc = meta_int(g, "llama.rope.dimension_count", c->dim / c->n_heads, &rope_dims, e))) return rc;
    if (rope_dims != c->dim / c->n_heads)
        return rt_fail(e, LPCS_EUNSUPPORTED, "%s: partial RoPE (%d of %d head dims) is not supported", p, rope_dims,
                       c->dim / c->n_heads);
    return LPCS_OK;
}

const rt_wblocks *rt_model_wblocks(const rt_model *m, const float *w) {
    if (!m || !w) return NULL;
    for (int i = 0; i < m->n_wblocks; i++)
        if (m->wblocks[i].w == w) return &m->wblocks[i];
    return NULL;
}

int rt_model_load_gguf(rt_model *m, const char *path, rt_err *e) {
    memset(m, 0, sizeof *m);
    snprintf(m->path, sizeof m->path, "%s", path);
    m->format = "gguf";
    gguf_file g;
    int rc = gguf_open(&g, path, e);
    if (rc) return rc;
    rt_config *c = &m->cfg;
    if ((rc = read_config(&g, c, e))) goto out;
    uint64_t D = (uint64_t)c->dim, H = (uint64_t)c->hidden, V = (uint64_t)c->vocab;
    uint64_t KV = D * (uint64_t)c->n_kv_heads / (uint64_t)c->n_heads;
    int L = c->n_layers, nw = 3 + 9 * L;
    want *w = calloc((size_t)nw, sizeof *w);
    char (*names)[64] = calloc((size_t)nw, sizeof *names);
    m->ll = calloc((size_t)L, sizeof *m->ll);
    if (!w || !names || !m->ll) {
        free(w);
        free(names);
        rc = rt_fail(e, LPCS_ENOMEM, "%s: out of memory", path);
        goto out;
    }
    int n = 0;
#define W(nm, a, b, d, k)                                                      \
    do {                                                                       \
        snprintf(names[n], sizeof names[n], "%s", nm);                         \
        w[n] = (want){names[n], a, b, d, k};                                   \
        n++;                                                                   \
    } while (0)
    W("token_embd.weight", D, V, &m->embed, 1);
    W("output_norm.weight", D, 0, &m->final_norm, 0);
    if (!c->shared_classifier) W("output.weight", D, V, &m->cls, 1);
    for (int l = 0; l < L; l++) {
        rt_llama_layer *ly = &m->ll[l];
        static const char *const sfx[9] = {"attn_norm", "attn_q", "attn_k", "attn_v", "attn_output",
                                     "ffn_norm",  "ffn_gate", "ffn_up", "ffn_down"};
        float **dst[9] = {&ly->attn_norm, &ly->wq, &ly->wk, &ly->wv, &ly->wo, &ly->ffn_norm, &ly->w1, &ly->w3, &ly->w2};
        uint64_t sh[9][2] = {{D, 0}, {D, D}, {D, KV}, {D, KV}, {D, D}, {D, 0}, {D, H}, {D, H}, {H, D}};
        for (int k = 0; k < 9; k++) {
            char nm[64];
            snprintf(nm, sizeof nm, "blk.%d.%s.weight", l, sfx[k]);
            W(nm, sh[k][0], sh[k][1], dst[k], sh[k][1] != 0);
        }
    }
#undef W
    /* Check every tensor (presence, shape, decodable type) before allocating. */
    uint64_t floats = 0, block_bytes = 0;
    int nblk = 0;
    for (int i = 0; i < n && !rc; i++) {
        const gguf_tensor *t = gguf_find_tensor(&g, w[i].name);
        if (!t) { rc = rt_fail(e, LPCS_EFORMAT, "%s: missing tensor '%s'", path, w[i].name); break; }
        int nd = w[i].ne1 ? 2 : 1;
        if (t->n_dims != nd || t->ne[0] != w[i].ne0 || t->ne[1] != (w[i].ne1 ? w[i].ne1 : 1)) {
            rc = rt_fail(e, LPCS_EFORMAT, "%s: tensor '%s' has shape [%" PRIu64 ", %" PRIu64 "], expected [%" PRIu64
                         ", %" PRIu64 "]", path, w[i].name, t->ne[0], t->ne[1], w[i].ne0, w[i].ne1 ? w[i].ne1 : 1);
            break;
        }
        const ggml_type_traits *tr = ggml_type_info(t->type);
        if (!tr || !tr->codec || t->type == GGML_Q8_K) {
            rc = rt_fail(e, LPCS_EUNSUPPORTED, "%s: tensor '%s' has ggml type %s, which lpcs cannot decode", path,
                         w[i].name, tr ? tr->name : "?");
            break;
        }
        floats += t->ne[0] * t->ne[1];
        if (w[i].keep_blocks) { /* F32 matrices are their own blocks: no copy */
            block_bytes += t->type != GGML_F32 ? t->nbytes : 0;
            nblk++;
        }
    }
    if (!rc) {
        m->arena = rt_weights_alloc((size_t)floats * sizeof(float));
        m->blocks_arena = malloc(block_bytes ? (size_t)block_bytes : 1);
        m->wblocks = calloc(nblk ? (size_t)nblk : 1, sizeof *m->wblocks);
        if (!m->arena || !m->blocks_arena || !m->wblocks)
            rc = rt_fail(e, LPCS_ENOMEM, "%s: cannot allocate %" PRIu64 " weights", path, floats);
    }
    float *next = m->arena;
    uint8_t *bnext = m->blocks_arena;
    for (int i = 0; i < n && !rc; i++) {
        const gguf_tensor *t = gguf_find_tensor(&g, w[i].name);
        size_t cnt = (size_t)(t->ne[0] * t->ne[1]);
        if ((rc = ggml_dequantize(t->type, t->data, next, cnt))) {
            rc = rt_fail(e, rc, "%s: cannot decode tensor '%s'", path, w[i].name);
            break;
        }
        *w[i].dst = next;
        if (w[i].keep_blocks) {
            uint8_t *blocks = t->type == GGML_F32 ? (uint8_t *)next : bnext;
            if (t->type != GGML_F32) {
                memcpy(bnext, t->data, (size_t)t->nbytes);
                bnext += t->nbytes;
            }
            m->wblocks[m->n_wblocks++] = (rt_wblocks){next, t->type, blocks, (size_t)t->ne[1], (size_t)t->ne[0],
                                                       (size_t)(t->nbytes / t->ne[1])};
        }
        next += cnt;
    }
    if (!rc) {
        if (c->shared_classifier) m->cls = m->embed;
        m->arena_floats = (size_t)floats;
        m->n_params = (size_t)floats;
    }
    free(w);
    free(names);
out:
    gguf_close(&g);
    if (rc) rt_model_free(m);
    return rc;
}
