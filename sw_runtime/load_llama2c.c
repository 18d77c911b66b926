/* llama2.c checkpoints: legacy version 0 (7 int32 header, negative vocab =
 * separate classifier), and export.py's versions 1 (fp32) and 2 (Q8_0 int8
 * groups with fp32 scales), both with a 256-byte header starting with the
 * magic "ak42". Weights are copied (v2: dequantized) into one fp32 arena,
 * after the file size has been checked against the header. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "rt_file.h"
#include "rt_weights_alloc.h"

#define LLAMA2C_MAGIC 0x616b3432u

enum { T_EMB, T_ATT_NORM, T_WQ, T_WK, T_WV, T_WO, T_FFN_NORM, T_W1, T_W2, T_W3, T_FINAL, T_CLS, T_N };

typedef struct {
    uint64_t each; /* floats per layer (or the whole tensor) */
    uint64_t count;/* layers, or 1 */
} tshape;

static int32_t rd_i32(const uint8_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

static void shapes(const rt_config *c, tshape t[T_N]) {
    uint64_t D = (uint64_t)c->dim, H = (uint64_t)c->hidden, L = (uint64_t)c->n_layers;
    uint64_t KV = D * (uint64_t)c->n_kv_heads / (uint64_t)c->n_heads, V = (uint64_t)c->vocab;
    t[T_EMB] = (tshape){V * D, 1};
    t[T_ATT_NORM] = (tshape){D, L};
    t[T_WQ] = (tshape){D * D, L};
    t[T_WK] = (tshape){KV * D, L};
    t[T_WV] = (tshape){KV * D, L};
    t[T_WO] = (tshape){D * D, L};
    t[T_FFN_NORM] = (tshape){D, L};
    t[T_W1] = (tshape){H * D, L};
    t[T_W2] = (tshape){D * H, L};
    t[T_W3] = (tshape){H * D, L};
    t[T_FINAL] = (tshape){D, 1};
    t[T_CLS] = (tshape){c->shared_classifier ? 0 : V * D, 1};
}

int rt_config_check(const rt_config *c, const char *path, rt_err *e) {
    if (c->dim <= 0 || c->dim > RT_MAX_DIM || c->n_layers <= 0 || c->n_layers > RT_MAX_LAYERS ||
        c->vocab <= 0 || c->vocab > RT_MAX_VOCAB || c->hidden <= 0 || c->hidden > 4 * RT_MAX_DIM ||
        c->seq_len <= 0 || c->seq_len > RT_MAX_SEQ)
        return rt_fail(e, LPCS_EFORMAT,
                       "%s: implausible dimensions (dim=%d hidden=%d layers=%d vocab=%d seq_len=%d; "
                       "limits dim<=%d hidden<=%d layers<=%d vocab<=%d seq_len<=%d)",
                       path, c->dim, c->hidden, c->n_layers, c->vocab, c->seq_len, RT_MAX_DIM,
                       4 * RT_MAX_DIM, RT_MAX_LAYERS, RT_MAX_VOCAB, RT_MAX_SEQ);
    if (c->arch == RT_ARCH_LLAMA) {
        if (c->n_heads <= 0 || c->n_kv_heads <= 0 || c->dim % c->n_heads != 0 ||
            c->n_heads % c->n_kv_heads != 0 || (c->dim / c->n_heads) % 2 != 0)
            return rt_fail(e, LPCS_EFORMAT,
                           "%s: inconsistent attention shape (dim=%d n_heads=%d n_kv_heads=%d: need "
                           "dim %% n_heads == 0, n_heads %% n_kv_heads == 0, even head size)",
                           path, c->dim, c->n_heads, c->n_kv_heads);
    }
    return LPCS_OK;
}

/* Points the model's per-layer views into the arena laid out in T_ order. */
static int layout_arena(rt_model *m, const tshape t[T_N], float *dst[T_N], rt_err *e) {
    uint64_t total = 0;
    for (int i = 0; i < T_N; i++) total += t[i].each * t[i].count;
    m->arena = rt_weights_alloc(total * sizeof(float));
    m->ll = calloc((size_t)m->cfg.n_layers, sizeof *m->ll);
    if (!m->arena || !m->ll)
        return rt_fail(e, LPCS_ENOMEM, "%s: cannot allocate %llu weights", m->path,
                       (unsigned long long)total);
    m->arena_floats = total;
    float *p = m->arena;
    for (int i = 0; i < T_N; i++) {
        dst[i] = p;
        p += t[i].each * t[i].count;
    }
    m->embed = dst[T_EMB];
    m->final_norm = dst[T_FINAL];
    m->cls = m->cfg.shared_classifier ? dst[T_EMB] : dst[T_CLS];
    for (int l = 0; l < m->cfg.n_layers; l++) {
        rt_llama_layer *L = &m->ll[l];
        L->attn_norm = dst[T_ATT_NORM] + l * t[T_ATT_NORM].each;
        L->wq = dst[T_WQ] + l * t[T_WQ].each;
        L->wk = dst[T_WK] + l * t[T_WK].each;
        L->wv = dst[T_WV] + l * t[T_WV].each;
        L->wo = dst[T_WO] + l * t[T_WO].each;
        L->ffn_norm = dst[T_FFN_NORM] + l * t[T_FFN_NORM].each;
        L->w1 = dst[T_W1] + l * t[T_W1].each;
        L->w2 = dst[T_W2] + l * t[T_W2].each;
        L->w3 = dst[T_W3] + l * t[T_W3].each;
    }
    m->n_params = (size_t)(total);
    return LPCS_OK;
}

static const int order_v0[] = {T_EMB, T_ATT_NORM, T_WQ, T_WK, T_WV, T_WO, T_FFN_NORM, T_W1, T_W2, T_W3, T_FINAL};
static const int order_v1[] = {T_ATT_NORM, T_FFN_NORM, T_FINAL, T_EMB, T_WQ, T_WK, T_WV, T_WO, T_W1, T_W2, T_W3};
static const int q80_v2[] = {T_EMB, T_WQ, T_WK, T_WV, T_WO, T_W1, T_W2, T_W3};

int rt_model_load_llama2c(rt_model *m, const char *path, rt_err *e) {
    memset(m, 0, sizeof *m);
    snprintf(m->path, sizeof m->path, "%s", path);
    rt_file f;
    int rc = rt_file_map(&f, path, e);
    if (rc) return rc;
    rt_config *c = &m->cfg;
    c->arch = RT_ARCH_LLAMA;
    c->norm_eps = 1e-5f;
    c->bos = 1;
    c->eos = 2;
    int version = 0, group = 0;
    size_t off;
    if (f.size >= 4 && (uint32_t)rd_i32(f.data) == LLAMA2C_MAGIC) {
        if (f.size < 256) {
            rc = rt_fail(e, LPCS_EFORMAT, "%s: truncated llama2.c header (%zu bytes, need 256)", path, f.size);
            goto out;
        }
        version = rd_i32(f.data + 4);
        if (version != 1 && version != 2) {
            rc = rt_fail(e, LPCS_EUNSUPPORTED,
                         "%s: llama2.c file version %d is not supported (supported: legacy 0, 1 fp32, 2 Q8_0)",
                         path, version);
            goto out;
        }
        const uint8_t *h = f.data + 8;
        c->dim = rd_i32(h), c->hidden = rd_i32(h + 4), c->n_layers = rd_i32(h + 8);
        c->n_heads = rd_i32(h + 12), c->n_kv_heads = rd_i32(h + 16), c->vocab = rd_i32(h + 20);
        c->seq_len = rd_i32(h + 24);
        c->shared_classifier = h[28] != 0;
        if (version == 2) group = rd_i32(h + 29);
        off = 256;
        m->format = version == 1 ? "llama2c-v1" : "llama2c-v2-q80";
    } else {
        if (f.size < 28) {
            rc = rt_fail(e, LPCS_EFORMAT, "%s: truncated llama2.c header (%zu bytes, need 28)", path, f.size);
            goto out;
        }
        c->dim = rd_i32(f.data), c->hidden = rd_i32(f.data + 4), c->n_layers = rd_i32(f.data + 8);
        c->n_heads = rd_i32(f.data + 12), c->n_kv_heads = rd_i32(f.data + 16);
        int v = rd_i32(f.data + 20);
        c->shared_classifier = v > 0;
        c->vocab = v == INT32_MIN ? 0 : (v < 0 ? -v : v);
        c->seq_len = rd_i32(f.data + 24);
        off = 28;
        m->format = "llama2c-v0";
        if (c->dim <= 0 || c->dim > RT_MAX_DIM) {
            rc = rt_fail(e, LPCS_EFORMAT,
                         "%s: not a llama2.c checkpoint (no \"ak42\" magic, and the legacy header's dim=%d is "
                         "implausible)", path, c->dim);
            goto out;
        }
    }
    if ((rc = rt_config_check(c, path, e))) goto out;
    tshape t[T_N];
    shapes(c, t);
    uint64_t need = off;
    if (version == 0) {
        for (size_t i = 0; i < sizeof order_v0 / sizeof *order_v0; i++)
            need += 4 * t[order_v0[i]].each * t[order_v0[i]].count;
        need += 2 * 4 * (uint64_t)c->seq_len * (uint64_t)(c->dim / c->n_heads / 2); /* legacy freq_cis */
        need += 4 * t[T_CLS].each;
    } else if (version == 1) {
        for (size_t i = 0; i < sizeof order_v1 / sizeof *order_v1; i++)
            need += 4 * t[order_v1[i]].each * t[order_v1[i]].count;
        need += 4 * t[T_CLS].each;
    } else {
        if (group <= 0 || group > RT_MAX_DIM) {
            rc = rt_fail(e, LPCS_EFORMAT, "%s: invalid Q8_0 group size %d", path, group);
            goto out;
        }
        need += 4 * (t[T_ATT_NORM].each * t[T_ATT_NORM].count + t[T_FFN_NORM].each * t[T_FFN_NORM].count +
                     t[T_FINAL].each);
        for (size_t i = 0; i <= sizeof q80_v2 / sizeof *q80_v2; i++) {
            int k = i < sizeof q80_v2 / sizeof *q80_v2 ? q80_v2[i] : T_CLS;
            if (t[k].each % (uint64_t)group) {
                rc = rt_fail(e, LPCS_EFORMAT, "%s: tensor of %llu values is not a multiple of the Q8_0 group %d",
                             path, (unsigned long long)t[k].each, group);
                goto out;
            }
            need += t[k].count * (t[k].each + 4 * (t[k].each / (uint64_t)group));
        }
    }
    if (need != f.size) {
        rc = rt_fail(e, LPCS_EFORMAT,
                     "%s: file is %zu bytes but its %s header (dim=%d hidden=%d layers=%d heads=%d kv_heads=%d "
                     "vocab=%d seq_len=%d%s) implies %llu bytes (%s)",
                     path, f.size, m->format, c->dim, c->hidden, c->n_layers, c->n_heads, c->n_kv_heads, c->vocab,
                     c->seq_len, c->shared_classifier ? ", shared classifier" : ", separate classifier",
                     (unsigned long long)need, need > f.size ? "truncated" : "trailing or misread data");
        goto out;
    }
    float *dst[T_N];
    if ((rc = layout_arena(m, t, dst, e))) goto out;
    const uint8_t *p = f.data + off;
    if (version == 0) {
        for (size_t i = 0; i < sizeof order_v0 / sizeof *order_v0; i++) {
            size_t n = (size_t)(t[order_v0[i]].each * t[order_v0[i]].count);
            memcpy(dst[order_v0[i]], p, n * 4);
            p += n * 4;
        }
        p += 2 * 4 * (size_t)c->seq_len * (size_t)(c->dim / c->n_heads / 2);
        memcpy(dst[T_CLS], p, (size_t)t[T_CLS].each * 4);
    } else if (version == 1) {
        for (size_t i = 0; i < sizeof order_v1 / sizeof *order_v1; i++) {
            size_t n = (size_t)(t[order_v1[i]].each * t[order_v1[i]].count);
            memcpy(dst[order_v1[i]], p, n * 4);
            p += n * 4;
        }
        memcpy(dst[T_CLS], p, (size_t)t[T_CLS].each * 4);
    } else {
        const int fp[] = {T_ATT_NORM, T_FFN_NORM, T_FINAL};
        for (int i = 0; i < 3; i++) {
            size_t n = (size_t)(t[fp[i]].each * t[fp[i]].count);
            memcpy(dst[fp[i]], p, n * 4);
            p += n * 4;
        }
        for (size_t i = 0; i <= sizeof q80_v2 / sizeof *q80_v2; i++) {
            int k = i < sizeof q80_v2 / sizeof *q80_v2 ? q80_v2[i] : T_CLS;
            for (uint64_t l = 0; l < t[k].count; l++) {
                size_t n = (size_t)t[k].each, ng = n / (size_t)group;
                const int8_t *q = (const int8_t *)p;
                const uint8_t *s = p + n;
                float *d = dst[k] + l * n;
                for (size_t g = 0; g < ng; g++) {
                    float sc;
                    memcpy(&sc, s + 4 * g, 4);
                    for (size_t j = 0; j < (size_t)group; j++) d[g * group + j] = q[g * group + j] * sc;
                }
                p += n + 4 * ng;
            }
        }
    }
    m->n_params = m->arena_floats;
    rc = LPCS_OK;
out:
    rt_file_unmap(&f);
    if (rc) rt_model_free(m);
    return rc;
}
