/* The contract's llama forward for tests (ref_llama.h). */
#include "ref_llama.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmath.h"
#include "minifloat.h"
#include "posit.h"

static void rmsnorm(float *o, const float *x, const float *w, int n, float eps) {
    float ss = lpcs_dot_f32(x, x, (size_t)n);
    ss /= (float)n;
    ss += eps;
    ss = 1.0f / sqrtf(ss);
    for (int j = 0; j < n; j++) o[j] = w[j] * (ss * x[j]);
}

unsigned ref_rmmec_code(rmmec_mode mode, float v) {
    switch (mode) {
    case RMMEC_P8: return posit_from_float(posit_cfg_make(8, 0), v);
    case RMMEC_P16: return posit_from_float(posit_cfg_make(16, 1), v);
    case RMMEC_P4: return posit_from_float(posit_cfg_make(4, 1), v);
    default: return mf_from_f32(MF_FP4_E2M1, v, MF_SATFINITE);
    }
}

size_t ref_count_diff(const float *a, const float *b, size_t n) {
    size_t d = 0;
    for (size_t i = 0; i < n; i++) d += memcmp(a + i, b + i, sizeof(float)) != 0;
    return d;
}

void ref_llama_forward(const rt_model *m, const int *toks, size_t ntok, const qformat *embed_fmt, ref_matvec_fn mv,
                       void *ctx, float *logits) {
    const rt_config *c = &m->cfg;
    int D = c->dim, Hd = c->hidden, NH = c->n_heads, hs = D / NH, KV = D * c->n_kv_heads / NH, L = c->n_layers;
    int kvmul = NH / c->n_kv_heads;
    float *x = malloc(sizeof(float) * (size_t)D), *xb = malloc(sizeof(float) * (size_t)D),
          *q = malloc(sizeof(float) * (size_t)D), *o = malloc(sizeof(float) * (size_t)D),
          *xb2 = malloc(sizeof(float) * (size_t)D), *hb = malloc(sizeof(float) * (size_t)Hd),
          *hb2 = malloc(sizeof(float) * (size_t)Hd), *att = malloc(sizeof(float) * ntok),
          *kc = malloc(sizeof(float) * (size_t)L * ntok * (size_t)KV),
          *vc = malloc(sizeof(float) * (size_t)L * ntok * (size_t)KV);
    for (size_t t = 0; t < ntok; t++) {
        const float *emb = m->embed + (size_t)toks[t] * (size_t)D;
        if (embed_fmt)
            qformat_roundtrip(embed_fmt, emb, x, (size_t)D, (size_t)D);
        else
            memcpy(x, emb, sizeof(float) * (size_t)D);
        for (int l = 0; l < L; l++) {
            const rt_llama_layer *W = &m->ll[l];
            float *kt = kc + ((size_t)l * ntok + t) * (size_t)KV, *vt = vc + ((size_t)l * ntok + t) * (size_t)KV;
            rmsnorm(xb, x, W->attn_norm, D, c->norm_eps);
            mv(ctx, q, W->wq, xb, D, D);
            mv(ctx, kt, W->wk, xb, KV, D);
            mv(ctx, vt, W->wv, xb, KV, D);
            for (int i = 0; i < D; i += 2) {
                float freq = 1.0f / powf(10000.0f, (float)(i % hs) / (float)hs), val = (float)t * freq;
                float fcr = cosf(val), fci = sinf(val), v0 = q[i], v1 = q[i + 1];
                q[i] = v0 * fcr - v1 * fci, q[i + 1] = v0 * fci + v1 * fcr;
                if (i < KV) {
                    v0 = kt[i], v1 = kt[i + 1];
                    kt[i] = v0 * fcr - v1 * fci, kt[i + 1] = v0 * fci + v1 * fcr;
                }
            }
            for (int h = 0; h < NH; h++) {
                int g = h / kvmul;
                for (size_t s = 0; s <= t; s++)
                    att[s] = lpcs_dot_f32(q + h * hs, kc + ((size_t)l * ntok + s) * (size_t)KV + g * hs, (size_t)hs) /
                             sqrtf((float)hs);
                float mx = att[0], sum = 0.0f;
                for (size_t s = 1; s <= t; s++) mx = att[s] > mx ? att[s] : mx;
                for (size_t s = 0; s <= t; s++) sum += att[s] = lpcs_expf(att[s] - mx);
                for (size_t s = 0; s <= t; s++) att[s] /= sum;
                for (int i = 0; i < hs; i++) {
                    float acc = 0.0f;
                    for (size_t s = 0; s <= t; s++) acc = fmaf(att[s], vc[((size_t)l * ntok + s) * (size_t)KV + g * hs + i], acc);
                    o[h * hs + i] = acc;
                }
            }
            mv(ctx, xb2, W->wo, o, D, D);
            for (int i = 0; i < D; i++) x[i] += xb2[i];
            rmsnorm(xb, x, W->ffn_norm, D, c->norm_eps);
            mv(ctx, hb, W->w1, xb, Hd, D);
            mv(ctx, hb2, W->w3, xb, Hd, D);
            for (int i = 0; i < Hd; i++) hb[i] = (hb[i] * (1.0f / (1.0f + lpcs_expf(-hb[i])))) * hb2[i];
            mv(ctx, xb2, W->w2, hb, D, Hd);
            for (int i = 0; i < D; i++) x[i] += xb2[i];
        }
        rmsnorm(xb, x, m->final_norm, D, c->norm_eps);
        mv(ctx, logits + t * (size_t)c->vocab, m->cls, xb, c->vocab, D);
    }
    free(x), free(xb), free(q), free(o), free(xb2), free(hb), free(hb2), free(att), free(kc), free(vc);
}
