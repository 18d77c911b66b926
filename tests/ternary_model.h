/* The shipped HGRN-Bit checkpoint on the golden ops, one token at a time
 * (test helper; the runtime has the real model code). */
#ifndef LPCS_TESTS_TERNARY_MODEL_H
#define LPCS_TESTS_TERNARY_MODEL_H

#include "hgrn.h"
#include "ternary_st.h"

#define TM_LAYERS 6
#define TM_DIM 256
#define TM_INTER 768
#define TM_VOCAB 259

typedef struct {
    float *emb, *lower, *lb, *final_norm;
    float *norms[TM_LAYERS][3]; /* attn_norm, g_norm, mlp_norm */
    bitlinear proj[TM_LAYERS][6]; /* i f g o gate down */
    bitlinear lm_head;
    hgrn_layer layer[TM_LAYERS];
    float state[TM_LAYERS][TM_DIM];
    void *scratch;
} tm_model;

static const char *const tm_proj_names[6] = {"attn.i_proj", "attn.f_proj", "attn.g_proj",
                                             "attn.o_proj", "mlp.gate_proj", "mlp.down_proj"};

static inline int tm_bitlinear(bitlinear *L, const tst_file *f, const char *prefix, size_t in, size_t out) {
    char name[256];
    snprintf(name, sizeof name, "%s.weight", prefix);
    float *w = tst_get(f, name, out, in);
    snprintf(name, sizeof name, "%s.norm.weight", prefix);
    float *g = tst_get(f, name, in, 1);
    int st = w && g ? bitlinear_init_from_latent(L, w, g, in, out) : -1;
    free(w), free(g);
    return st;
}

static inline void tm_free(tm_model *m) {
    free(m->emb), free(m->lower), free(m->lb), free(m->final_norm), free(m->scratch);
    for (int l = 0; l < TM_LAYERS; l++) {
        for (int j = 0; j < 3; j++) free(m->norms[l][j]);
        for (int j = 0; j < 6; j++) bitlinear_free(&m->proj[l][j]);
    }
    bitlinear_free(&m->lm_head);
    memset(m, 0, sizeof *m);
}

static inline int tm_load(tm_model *m, const char *path) {
    memset(m, 0, sizeof *m);
    tst_file f;
    if (tst_open(&f, path)) return -1;
    int bad = 0;
    m->emb = tst_get(&f, "model.embeddings.weight", TM_VOCAB, TM_DIM);
    m->lower = tst_get(&f, "model.lower_bounds", TM_LAYERS, TM_DIM);
    m->final_norm = tst_get(&f, "model.norm.weight", TM_DIM, 1);
    m->lb = (float *)malloc(TM_LAYERS * TM_DIM * sizeof(float));
    bad |= !m->emb || !m->lower || !m->final_norm || !m->lb;
    if (!bad) bad |= hgrn_lower_bounds(m->lower, TM_LAYERS, TM_DIM, m->lb) != 0;
    bad |= tm_bitlinear(&m->lm_head, &f, "lm_head", TM_DIM, TM_VOCAB) != 0;
    const char *nn[3] = {"attn_norm", "attn.g_norm", "mlp_norm"};
    for (int l = 0; l < TM_LAYERS && !bad; l++) {
        char p[160];
        for (int j = 0; j < 3; j++) {
            snprintf(p, sizeof p, "model.layers.%d.%s.weight", l, nn[j]);
            bad |= !(m->norms[l][j] = tst_get(&f, p, TM_DIM, 1));
        }
        for (int j = 0; j < 6; j++) {
            size_t in = j == 5 ? TM_INTER : TM_DIM, out = j == 4 ? 2 * TM_INTER : TM_DIM;
            snprintf(p, sizeof p, "model.layers.%d.%s", l, tm_proj_names[j]);
            bad |= tm_bitlinear(&m->proj[l][j], &f, p, in, out) != 0;
        }
        if (bad) break;
        hgrn_layer L = {TM_DIM, TM_INTER, m->norms[l][0], m->norms[l][1], m->norms[l][2],
                        l ? m->lb + l * TM_DIM : NULL, &m->proj[l][0], &m->proj[l][1], &m->proj[l][2],
                        &m->proj[l][3], &m->proj[l][4], &m->proj[l][5]};
        m->layer[l] = L;
    }
    tst_close(&f);
    if (!bad) {
        size_t sb = hgrn_scratch_bytes(&m->layer[0]), hb = bitlinear_scratch_bytes(&m->lm_head) + TM_DIM * 4;
        m->scratch = malloc(sb > hb ? sb : hb);
        bad |= !m->scratch;
    }
    if (bad) tm_free(m);
    return bad ? -1 : 0;
}

/* Feeds one token; writes logits[TM_VOCAB]. x0 (optional) receives the
 * embedding row, h0 (optional) layer 0's attn-normalized input. */
static inline int tm_step(tm_model *m, int token, float *logits) {
    float x[TM_DIM];
    memcpy(x, m->emb + (size_t)token * TM_DIM, sizeof x);
    for (int l = 0; l < TM_LAYERS; l++) {
        int st = hgrn_token_mixer_step(&m->layer[l], x, m->state[l], m->scratch);
        if (!st) st = hgrn_channel_mixer(&m->layer[l], x, m->scratch);
        if (st) return st;
    }
    float h[TM_DIM];
    int st = bitlinear_rmsnorm_f32(x, m->final_norm, TM_DIM, 1e-6f, h);
    return st ? st : bitlinear_forward(&m->lm_head, h, logits, m->scratch);
}

#endif
