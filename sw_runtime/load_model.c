/* Model loading entry point: picks the loader from the file name, reads
 * config.json for safetensors checkpoints (model_type llama or hgrn_bit), and
 * maps Hugging Face parameter names onto rt_model. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "safetensors.h"
#include "rt_weights_alloc.h"

static int ends_with(const char *s, const char *suf) {
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcmp(s + a - b, suf);
}

int rt_find_beside(const char *model_path, const char *suffix, const char *plain, char *out, size_t out_len) {
    char stem[1024];
    snprintf(stem, sizeof stem, "%s", model_path);
    char *dot = strrchr(stem, '.'), *slash = strrchr(stem, '/');
    if (dot && (!slash || dot > slash)) *dot = 0;
    if (suffix) {
        snprintf(out, out_len, "%s%s", stem, suffix);
        if (rt_file_exists(out)) return 1;
    }
    if (plain) {
        slash = strrchr(stem, '/');
        if (slash)
            snprintf(out, out_len, "%.*s/%s", (int)(slash - stem), stem, plain);
        else
            snprintf(out, out_len, "%s", plain);
        if (rt_file_exists(out)) return 1;
    }
    return 0;
}

void rt_model_free(rt_model *m) {
    if (!m) return;
    free(m->arena);
    free(m->ll);
    free(m->hl);
    free(m->wblocks);
    free(m->blocks_arena);
    m->wblocks = NULL;
    m->blocks_arena = NULL;
    m->arena = NULL;
    m->ll = NULL;
    m->hl = NULL;
}

int rt_model_load(rt_model *m, const char *path, const char *config_path, rt_err *e) {
    if (!path) return rt_fail(e, LPCS_EINVAL, "no model path given");
    if (ends_with(path, ".safetensors") || ends_with(path, ".safetensors.index.json"))
        return rt_model_load_safetensors(m, path, config_path, e);
    if (ends_with(path, ".bin")) return rt_model_load_llama2c(m, path, e);
    if (ends_with(path, ".gguf")) return rt_model_load_gguf(m, path, e);
    return rt_fail(e, LPCS_EUNSUPPORTED, "%s: unknown model file type (expected .bin, .safetensors or .gguf)", path);
}

/* ---- config.json ---- */

static int cfg_int(json_t *root, const char *key, int def, int *out, const char *path, rt_err *e) {
    json_t *v = json_object_get(root, key);
    if (!v) {
        if (def < 0) return rt_fail(e, LPCS_EFORMAT, "%s: missing integer \"%s\"", path, key);
        *out = def;
        return LPCS_OK;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > (1 << 30))
        return rt_fail(e, LPCS_EFORMAT, "%s: \"%s\" must be a non-negative integer below 2^30", path, key);
    *out = (int)json_integer_value(v);
    return LPCS_OK;
}

static float cfg_real(json_t *root, const char *key, float def) {
    json_t *v = json_object_get(root, key);
    return json_is_number(v) ? (float)json_number_value(v) : def;
}

static int read_config(rt_config *c, const char *path, rt_err *e) {
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) return rt_fail(e, LPCS_EFORMAT, "%s: invalid JSON: %s (line %d)", path, je.text, je.line);
    int rc = LPCS_OK;
    const char *type = json_string_value(json_object_get(root, "model_type"));
    memset(c, 0, sizeof *c);
    if (!type) {
        rc = rt_fail(e, LPCS_EFORMAT, "%s: missing \"model_type\"", path);
    } else if (!strcmp(type, "hgrn_bit")) {
        c->arch = RT_ARCH_HGRN;
        int heads = 1, expand = 1, conv = 0;
        if (!rc) rc = cfg_int(root, "hidden_size", -1, &c->dim, path, e);
        if (!rc) rc = cfg_int(root, "num_hidden_layers", -1, &c->n_layers, path, e);
        if (!rc) rc = cfg_int(root, "intermediate_size", -1, &c->hidden, path, e);
        if (!rc) rc = cfg_int(root, "vocab_size", -1, &c->vocab, path, e);
        if (!rc) rc = cfg_int(root, "max_position_embeddings", 2048, &c->seq_len, path, e);
        if (!rc) rc = cfg_int(root, "num_heads", 1, &heads, path, e);
        if (!rc) rc = cfg_int(root, "expand_ratio", 1, &expand, path, e);
        if (!rc) rc = cfg_int(root, "bos_token_id", 1, &c->bos, path, e);
        if (!rc) rc = cfg_int(root, "eos_token_id", 2, &c->eos, path, e);
        conv = json_is_true(json_object_get(root, "use_short_conv"));
        json_t *lb = json_object_get(root, "use_lower_bound");
        c->use_lower_bound = lb ? json_is_true(lb) : 1;
        if (!rc && (heads != 1 || expand != 1 || conv))
            rc = rt_fail(e, LPCS_EUNSUPPORTED,
                         "%s: hgrn_bit with num_heads=%d expand_ratio=%d use_short_conv=%d is not supported "
                         "(supported: 1, 1, false)", path, heads, expand, conv);
        const char *act = json_string_value(json_object_get(root, "hidden_act"));
        if (!rc && act && strcmp(act, "swish") && strcmp(act, "silu"))
            rc = rt_fail(e, LPCS_EUNSUPPORTED, "%s: hidden_act \"%s\" is not supported (swish)", path, act);
        c->norm_eps = cfg_real(root, "rms_norm_eps", 1e-6f);
        c->bitlinear_eps = cfg_real(root, "bitlinear_norm_eps", 1e-6f);
        c->n_heads = c->n_kv_heads = 1;
        c->shared_classifier = json_is_true(json_object_get(root, "tie_word_embeddings"));
    } else if (!strcmp(type, "llama")) {
        c->arch = RT_ARCH_LLAMA;
        if (!rc) rc = cfg_int(root, "hidden_size", -1, &c->dim, path, e);
        if (!rc) rc = cfg_int(root, "num_hidden_layers", -1, &c->n_layers, path, e);
        if (!rc) rc = cfg_int(root, "intermediate_size", -1, &c->hidden, path, e);
        if (!rc) rc = cfg_int(root, "vocab_size", -1, &c->vocab, path, e);
        if (!rc) rc = cfg_int(root, "num_attention_heads", -1, &c->n_heads, path, e);
        if (!rc) rc = cfg_int(root, "num_key_value_heads", c->n_heads, &c->n_kv_heads, path, e);
        if (!rc) rc = cfg_int(root, "max_position_embeddings", 2048, &c->seq_len, path, e);
        if (!rc) rc = cfg_int(root, "bos_token_id", 1, &c->bos, path, e);
        if (!rc) rc = cfg_int(root, "eos_token_id", 2, &c->eos, path, e);
        c->norm_eps = cfg_real(root, "rms_norm_eps", 1e-5f);
        float theta = cfg_real(root, "rope_theta", 10000.0f);
        if (!rc && theta != 10000.0f)
            rc = rt_fail(e, LPCS_EUNSUPPORTED, "%s: rope_theta %g is not supported (10000)", path, theta);
        json_t *tie = json_object_get(root, "tie_word_embeddings");
        c->shared_classifier = tie ? json_is_true(tie) : 0;
    } else {
        rc = rt_fail(e, LPCS_EUNSUPPORTED, "%s: model_type \"%s\" is not supported (llama, hgrn_bit)", path, type);
    }
    json_decref(root);
    if (!rc) rc = rt_config_check(c, path, e);
    return rc;
}

/* ---- safetensors checkpoints ---- */

#define RT_MAX_SHARDS 256

typedef struct {
    const st_file *st; /* shards[0..n_st) */
    int n_st;
    rt_model *m;
    float *next; /* next free slot in the arena */
    rt_err *e;
} takectx;

/* Reserves n floats and reads tensor name with the given 1-D or 2-D shape. */
static int take(takectx *t, float **out, const char *name, uint64_t d0, uint64_t d1) {
    uint64_t shape[2] = {d0, d1};
    int nd = d1 ? 2 : 1;
    *out = t->next;
    t->next += d0 * (d1 ? d1 : 1);
    const st_file *in = t->st; /* the shard holding name (missing: the first reports it) */
    for (int i = 0; i < t->n_st; i++)
        if (st_find(&t->st[i], name)) {
            in = &t->st[i];
            break;
        }
    return st_read_f32(in, name, nd, shape, *out, t->e);
}

/* HF stores q/k rows permuted for rotate-half RoPE; llama2.c (and our
 * forward) rotate adjacent pairs. Undo the permutation, per head. */
static int unpermute_rows(float *w, int n_heads, int rows, int cols) {
    int hs = rows / n_heads;
    float *tmp = malloc((size_t)rows * (size_t)cols * sizeof *tmp);
    if (!tmp) return LPCS_ENOMEM;
    for (int h = 0; h < n_heads; h++)
        for (int half = 0; half < 2; half++)
            for (int i = 0; i < hs / 2; i++)
                memcpy(tmp + ((size_t)h * hs + 2 * i + half) * cols, w + ((size_t)h * hs + half * hs / 2 + i) * cols,
                       (size_t)cols * sizeof *w);
    memcpy(w, tmp, (size_t)rows * (size_t)cols * sizeof *w);
    free(tmp);
    return LPCS_OK;
}

static int load_hf_llama(takectx *t) {
    rt_model *m = t->m;
    const rt_config *c = &m->cfg;
    uint64_t D = (uint64_t)c->dim, H = (uint64_t)c->hidden, V = (uint64_t)c->vocab;
    uint64_t KV = D * (uint64_t)c->n_kv_heads / (uint64_t)c->n_heads;
    char n[256];
    int rc;
    if ((rc = take(t, &m->embed, "model.embed_tokens.weight", V, D))) return rc;
    if ((rc = take(t, &m->final_norm, "model.norm.weight", D, 0))) return rc;
    if (c->shared_classifier)
        m->cls = m->embed;
    else if ((rc = take(t, &m->cls, "lm_head.weight", V, D)))
        return rc;
    for (int l = 0; l < c->n_layers; l++) {
        rt_llama_layer *L = &m->ll[l];
#define TK(dst, suffix, a, b)                                                  \
    snprintf(n, sizeof n, "model.layers.%d.%s", l, suffix);                    \
    if ((rc = take(t, &L->dst, n, a, b))) return rc;
        TK(attn_norm, "input_layernorm.weight", D, 0);
        TK(wq, "self_attn.q_proj.weight", D, D);
        TK(wk, "self_attn.k_proj.weight", KV, D);
        TK(wv, "self_attn.v_proj.weight", KV, D);
        TK(wo, "self_attn.o_proj.weight", D, D);
        TK(ffn_norm, "post_attention_layernorm.weight", D, 0);
        TK(w1, "mlp.gate_proj.weight", H, D);
        TK(w2, "mlp.down_proj.weight", D, H);
        TK(w3, "mlp.up_proj.weight", H, D);
#undef TK
        if (unpermute_rows(L->wq, c->n_heads, (int)D, (int)D) ||
            unpermute_rows(L->wk, c->n_kv_heads, (int)KV, (int)D))
            return rt_fail(t->e, LPCS_ENOMEM, "%s: out of memory", m->path);
    }
    return LPCS_OK;
}

static int load_hgrn(takectx *t) {
    rt_model *m = t->m;
    const rt_config *c = &m->cfg;
    uint64_t D = (uint64_t)c->dim, I = (uint64_t)c->hidden, V = (uint64_t)c->vocab;
    char n[256];
    int rc;
    if ((rc = take(t, &m->embed, "model.embeddings.weight", V, D))) return rc;
    if ((rc = take(t, &m->final_norm, "model.norm.weight", D, 0))) return rc;
    if (c->use_lower_bound && (rc = take(t, &m->lower_bounds, "model.lower_bounds", (uint64_t)c->n_layers, D)))
        return rc;
    if ((rc = take(t, &m->cls, "lm_head.weight", V, D))) return rc;
    if ((rc = take(t, &m->cls_norm, "lm_head.norm.weight", D, 0))) return rc;
    static const char *const pn[HG_NPROJ] = {"attn.i_proj", "attn.f_proj", "attn.g_proj", "attn.o_proj", "mlp.gate_proj",
                                       "mlp.down_proj"};
    for (int l = 0; l < c->n_layers; l++) {
        rt_hgrn_layer *L = &m->hl[l];
        snprintf(n, sizeof n, "model.layers.%d.attn_norm.weight", l);
        if ((rc = take(t, &L->attn_norm, n, D, 0))) return rc;
        snprintf(n, sizeof n, "model.layers.%d.attn.g_norm.weight", l);
        if ((rc = take(t, &L->g_norm, n, D, 0))) return rc;
        snprintf(n, sizeof n, "model.layers.%d.mlp_norm.weight", l);
        if ((rc = take(t, &L->mlp_norm, n, D, 0))) return rc;
        for (int p = 0; p < HG_NPROJ; p++) {
            rt_bitlin_w *B = &L->proj[p];
            B->in = p == HG_DOWN ? (int)I : (int)D;
            B->out = p == HG_GATE ? 2 * (int)I : p == HG_DOWN ? (int)D : (int)D;
            snprintf(n, sizeof n, "model.layers.%d.%s.weight", l, pn[p]);
            if ((rc = take(t, &B->w, n, (uint64_t)B->out, (uint64_t)B->in))) return rc;
            snprintf(n, sizeof n, "model.layers.%d.%s.norm.weight", l, pn[p]);
            if ((rc = take(t, &B->norm, n, (uint64_t)B->in, 0))) return rc;
        }
    }
    return LPCS_OK;
}

/* Opens the shards a Hugging Face model.safetensors.index.json names in its
 * weight_map (plain file names beside the index, each opened once). */
static int open_shards(const char *index, st_file *st, int *n, rt_err *e) {
    json_error_t je;
    json_t *root = json_load_file(index, JSON_REJECT_DUPLICATES, &je);
    if (!root) return rt_fail(e, LPCS_EFORMAT, "%s: invalid JSON: %s (line %d)", index, je.text, je.line);
    json_t *map = json_object_get(root, "weight_map");
    int rc = json_is_object(map) ? LPCS_OK : rt_fail(e, LPCS_EFORMAT, "%s: no \"weight_map\" object", index);
    const char *key;
    json_t *v;
    char names[RT_MAX_SHARDS][256];
    *n = 0;
    json_object_foreach(map, key, v) {
        if (rc) break;
        const char *f = json_string_value(v);
        if (!f || !*f || strchr(f, '/') || f[0] == '.' || strlen(f) >= sizeof names[0]) {
            rc = rt_fail(e, LPCS_EFORMAT, "%s: weight_map entry '%s' is not a plain file name", index, key);
            break;
        }
        int seen = 0;
        for (int i = 0; i < *n && !seen; i++) seen = !strcmp(names[i], f);
        if (seen) continue;
        if (*n >= RT_MAX_SHARDS) {
            rc = rt_fail(e, LPCS_ERANGE, "%s: more than %d shards", index, RT_MAX_SHARDS);
            break;
        }
        snprintf(names[*n], sizeof names[0], "%s", f);
        char sp[1024];
        const char *slash = strrchr(index, '/');
        snprintf(sp, sizeof sp, "%.*s%s", slash ? (int)(slash - index + 1) : 0, index, f);
        if ((rc = st_open(&st[*n], sp, e))) break;
        (*n)++;
    }
    if (!rc && *n == 0) rc = rt_fail(e, LPCS_EFORMAT, "%s: weight_map names no shard", index);
    if (rc)
        for (int i = 0; i < *n; i++) st_close(&st[i]);
    json_decref(root);
    return rc;
}

int rt_model_load_safetensors(rt_model *m, const char *path, const char *config_path, rt_err *e) {
    memset(m, 0, sizeof *m);
    snprintf(m->path, sizeof m->path, "%s", path);
    m->format = "safetensors";
    char cfgp[1024];
    if (config_path)
        snprintf(cfgp, sizeof cfgp, "%s", config_path);
    else if (!rt_find_beside(path, ".config.json", "config.json", cfgp, sizeof cfgp))
        return rt_fail(e, LPCS_EIO, "%s: no config.json found beside it (tried <name>.config.json and config.json; "
                       "give one with --config)", path);
    int rc = read_config(&m->cfg, cfgp, e);
    if (rc) return rc;
    static const char idx_sfx[] = ".index.json";
    size_t pl = strlen(path), il = sizeof idx_sfx - 1;
    int sharded = pl > il && !strcmp(path + pl - il, idx_sfx);
    st_file *st = calloc(sharded ? RT_MAX_SHARDS : 1, sizeof *st);
    int n_st = 1;
    if (!st) return rt_fail(e, LPCS_ENOMEM, "%s: out of memory", path);
    if ((rc = sharded ? open_shards(path, st, &n_st, e) : st_open(&st[0], path, e))) {
        free(st);
        return rc;
    }
    /* Total floats = total elements of every tensor in the files: bounded by
     * the file sizes, and enough for any subset the model reads. */
    uint64_t total = 0;
    for (int k = 0; k < n_st; k++)
        for (size_t i = 0; i < st[k].n; i++) total += st[k].t[i].numel;
    m->arena = rt_weights_alloc(total * sizeof(float));
    if (m->cfg.arch == RT_ARCH_HGRN)
        m->hl = calloc((size_t)m->cfg.n_layers, sizeof *m->hl);
    else
        m->ll = calloc((size_t)m->cfg.n_layers, sizeof *m->ll);
    if (!m->arena || (!m->hl && !m->ll)) {
        rc = rt_fail(e, LPCS_ENOMEM, "%s: cannot allocate %llu weights", path, (unsigned long long)total);
    } else {
        takectx t = {st, n_st, m, m->arena, e};
        /* take() copies a tensor only after its shape matched, and reads each
         * name once, so the arena (sum of all tensors) cannot overflow. */
        rc = m->cfg.arch == RT_ARCH_HGRN ? load_hgrn(&t) : load_hf_llama(&t);
        m->arena_floats = (size_t)(t.next - m->arena);
        m->n_params = m->arena_floats;
    }
    for (int k = 0; k < n_st; k++) st_close(&st[k]);
    free(st);
    if (rc) rt_model_free(m);
    return rc;
}
