/* HGRN-Bit (MatMul-free LM) layer ops for one token, exactly as
 * ../shared/models/README.md and train.py (MMFree.forward, scan_exact):
 *
 *   h = RMSNorm(x, attn_norm, 1e-6)
 *   f = sigmoid(f_proj(h));  if l > 0: f = lb[l] + (1 - lb[l]) * f
 *   i = silu(i_proj(h)) * (1 - f)
 *   s = f * s + i                          (recurrent state, s_0 = 0)
 *   o = RMSNorm(g_proj(h), g_norm, 1e-6) * silu(s)
 *   x = x + o_proj(o)
 *   h = RMSNorm(x, mlp_norm, 1e-6)
 *   gate, y = split(gate_proj(h), 2)       (first `inter` values = gate)
 *   x = x + down_proj(silu(gate) * y)
 *
 * Fixed fp32 order of the element-wise parts (binary32, RNE, no FMA):
 *   exp(v)     = lpcs_expf(v)                (golden/fmath.h: <= 1 ulp, the same
 *                                           code on every backend, CUDA included)
 *   sigmoid(z) = 1.0f / (1.0f + exp(-z))
 *   silu(z)    = z / (1.0f + exp(-z))       (PyTorch's silu kernel form)
 *   f'         = lb + ((1.0f - lb) * f)
 *   i          = silu(i_pre) * (1.0f - f')
 *   s          = (f' * s) + i
 *   o          = rmsnorm(g)_k * silu(s_k)    (rmsnorm: bitlinear_rmsnorm_f32)
 *   x          = x + proj(...)              (residual add, fp32)
 *   glu        = silu(gate_k) * y_k
 * lower bounds: per column d, p = softmax_l(lower_bounds[l][d]) computed as
 *   m = max_l v_l; e_l = exp(v_l - m); S = sequential fp32 sum of e_l (l = 0..L-1);
 *   p_l = e_l / S; c_l = c_{l-1} + p_l (c_0 = p_0); lb[l][d] = c_l - p_0.
 * All BitLinear projections follow bitlinear.h. */
#ifndef LPCS_GOLDEN_HGRN_H
#define LPCS_GOLDEN_HGRN_H

#include <stddef.h>

#include "bitlinear.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

float hgrn_exp_f32(float v);
float hgrn_sigmoid_f32(float z);
float hgrn_silu_f32(float z);

/* lb[layers][dim] from the model's lower_bounds[layers][dim] (see above). */
int hgrn_lower_bounds(const float *lower_bounds, size_t layers, size_t dim, float *lb);

/* MLGRU recurrence on pre-activations (outputs of f_proj / i_proj):
 * updates state[dim] in place. lb_l: this layer's row of lb, or NULL for
 * layer 0 (no lower bound, as train.py). */
int hgrn_mlgru_recur(size_t dim, const float *i_pre, const float *f_pre, const float *lb_l,
                     float *state);
/* o[dim] = RMSNorm(g_pre, g_norm, 1e-6) * silu(state). o may alias g_pre. */
int hgrn_gate_out(size_t dim, const float *g_pre, const float *g_norm, const float *state, float *o);
/* out[inter] = silu(gy[k]) * gy[inter + k]  (gy = gate_proj output, 2*inter). */
int hgrn_glu(size_t inter, const float *gy, float *out);

/* One layer's parameters (the runtime fills them; this struct owns nothing). */
typedef struct {
    size_t dim, inter;
    const float *attn_norm, *g_norm, *mlp_norm; /* [dim] */
    const float *lb;                            /* [dim] row of hgrn_lower_bounds, NULL for layer 0 */
    const bitlinear *i_proj, *f_proj, *g_proj, *o_proj; /* dim -> dim */
    const bitlinear *gate_proj;                 /* dim -> 2*inter */
    const bitlinear *down_proj;                 /* inter -> dim */
} hgrn_layer;

/* Bytes of scratch both steps need. */
size_t hgrn_scratch_bytes(const hgrn_layer *L);
/* Token mixer: x[dim] += o_proj(...); state[dim] is the layer's recurrent state. */
int hgrn_token_mixer_step(const hgrn_layer *L, float *x, float *state, void *scratch);
/* Channel mixer: x[dim] += down_proj(silu(gate) * y). */
int hgrn_channel_mixer(const hgrn_layer *L, float *x, void *scratch);

#ifdef __cplusplus
}
#endif
#endif
