/* HGRN-Bit token and channel mixers in the fp32 order documented in hgrn.h. */
#include "hgrn.h"

#include <stdint.h>

#include "fmath.h"

float hgrn_exp_f32(float v) { return lpcs_expf(v); }
float hgrn_sigmoid_f32(float z) { return 1.0f / (1.0f + hgrn_exp_f32(-z)); }
float hgrn_silu_f32(float z) { return z / (1.0f + hgrn_exp_f32(-z)); }

int hgrn_lower_bounds(const float *lower_bounds, size_t layers, size_t dim, float *lb) {
    if (!lower_bounds || !lb || layers == 0 || dim == 0) return LPCS_EINVAL;
    for (size_t d = 0; d < dim; d++) {
        float m = lower_bounds[d];
        for (size_t l = 1; l < layers; l++)
            if (lower_bounds[l * dim + d] > m) m = lower_bounds[l * dim + d];
        float sum = 0.0f;
        for (size_t l = 0; l < layers; l++) sum += hgrn_exp_f32(lower_bounds[l * dim + d] - m);
        float p0 = hgrn_exp_f32(lower_bounds[d] - m) / sum, c = 0.0f;
        for (size_t l = 0; l < layers; l++) {
            float p = hgrn_exp_f32(lower_bounds[l * dim + d] - m) / sum;
            c = l == 0 ? p : c + p;
            lb[l * dim + d] = c - p0;
        }
    }
    return LPCS_OK;
}

int hgrn_mlgru_recur(size_t dim, const float *i_pre, const float *f_pre, const float *lb_l,
                     float *state) {
    if (!i_pre || !f_pre || !state) return LPCS_EINVAL;
    for (size_t k = 0; k < dim; k++) {
        float f = hgrn_sigmoid_f32(f_pre[k]);
        if (lb_l) {
            float t = (1.0f - lb_l[k]) * f;
            f = lb_l[k] + t;
        }
        float i = hgrn_silu_f32(i_pre[k]) * (1.0f - f);
        float fs = f * state[k];
        state[k] = fs + i;
    }
    return LPCS_OK;
}

int hgrn_gate_out(size_t dim, const float *g_pre, const float *g_norm, const float *state, float *o) {
    if (!g_pre || !g_norm || !state || !o) return LPCS_EINVAL;
    int st = bitlinear_rmsnorm_f32(g_pre, g_norm, dim, BITLINEAR_NORM_EPS, o);
    if (st) return st;
    for (size_t k = 0; k < dim; k++) o[k] = o[k] * hgrn_silu_f32(state[k]);
    return LPCS_OK;
}

int hgrn_glu(size_t inter, const float *gy, float *out) {
    if (!gy || !out) return LPCS_EINVAL;
    for (size_t k = 0; k < inter; k++) out[k] = hgrn_silu_f32(gy[k]) * gy[inter + k];
    return LPCS_OK;
}

static size_t max_bl_scratch(const hgrn_layer *L) {
    const bitlinear *p[6] = {L->i_proj, L->f_proj, L->g_proj, L->o_proj, L->gate_proj, L->down_proj};
    size_t m = 0;
    for (int j = 0; j < 6; j++) {
        size_t b = bitlinear_scratch_bytes(p[j]);
        if (b > m) m = b;
    }
    return (m + 15) & ~(size_t)15;
}

size_t hgrn_scratch_bytes(const hgrn_layer *L) {
    if (!L) return 0;
    /* floats: h, i, f, g, o (dim each) and gy (2*inter), glu (inter); then one BitLinear scratch */
    return (5 * L->dim + 3 * L->inter) * sizeof(float) + max_bl_scratch(L);
}

static int layer_ok(const hgrn_layer *L) {
    if (!L || !L->attn_norm || !L->g_norm || !L->mlp_norm || !L->i_proj || !L->f_proj || !L->g_proj ||
        !L->o_proj || !L->gate_proj || !L->down_proj || L->dim == 0 || L->inter == 0)
        return 0;
    size_t d = L->dim, n = L->inter;
    const bitlinear *sq[4] = {L->i_proj, L->f_proj, L->g_proj, L->o_proj};
    for (int j = 0; j < 4; j++)
        if (sq[j]->in != d || sq[j]->out != d) return 0;
    return L->gate_proj->in == d && L->gate_proj->out == 2 * n && L->down_proj->in == n &&
           L->down_proj->out == d;
}

int hgrn_token_mixer_step(const hgrn_layer *L, float *x, float *state, void *scratch) {
    if (!layer_ok(L) || !x || !state || !scratch) return LPCS_EINVAL;
    size_t d = L->dim;
    float *h = scratch, *i = h + d, *f = i + d, *g = f + d, *o = g + d;
    void *bs = (void *)((uint8_t *)scratch + (5 * d + 3 * L->inter) * sizeof(float));
    int st = bitlinear_rmsnorm_f32(x, L->attn_norm, d, BITLINEAR_NORM_EPS, h);
    if (!st) st = bitlinear_forward(L->i_proj, h, i, bs);
    if (!st) st = bitlinear_forward(L->f_proj, h, f, bs);
    if (!st) st = hgrn_mlgru_recur(d, i, f, L->lb, state);
    if (!st) st = bitlinear_forward(L->g_proj, h, g, bs);
    if (!st) st = hgrn_gate_out(d, g, L->g_norm, state, g);
    if (!st) st = bitlinear_forward(L->o_proj, g, o, bs);
    if (st) return st;
    for (size_t k = 0; k < d; k++) x[k] = x[k] + o[k];
    return LPCS_OK;
}

int hgrn_channel_mixer(const hgrn_layer *L, float *x, void *scratch) {
    if (!layer_ok(L) || !x || !scratch) return LPCS_EINVAL;
    size_t d = L->dim, n = L->inter;
    float *h = scratch, *o = h + 4 * d, *gy = o + d, *gl = gy + 2 * n;
    void *bs = (void *)((uint8_t *)scratch + (5 * d + 3 * n) * sizeof(float));
    int st = bitlinear_rmsnorm_f32(x, L->mlp_norm, d, BITLINEAR_NORM_EPS, h);
    if (!st) st = bitlinear_forward(L->gate_proj, h, gy, bs);
    if (!st) st = hgrn_glu(n, gy, gl);
    if (!st) st = bitlinear_forward(L->down_proj, gl, o, bs);
    if (st) return st;
    for (size_t k = 0; k < d; k++) x[k] = x[k] + o[k];
    return LPCS_OK;
}
