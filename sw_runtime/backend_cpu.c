/* Backend "cpu": the golden reference for whole models. Every dot product
 * follows golden/fmath.h's lpcs_dot_f32 order and every exp is lpcs_expf
 * (docs/numerics.md), computed by the kernels of sw_runtime/kernels/fp_cpu
 * (AVX-512 / AVX2 / portable, all with the same bits), so results are the
 * same on every machine and for every ISA. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "exact.h"
#include "fmath.h"
#include "ggml_quants.h"
#include "ggml_x86.h"
#include "kernels/fp_cpu.h"
#include "kernels/pool.h"
#include "matmul_int.h"
#include "matmul_shiftmac.h"

/* y[r] = lpcs_dot_f32(W[r], x, cols) (golden/fmath.h), best ISA of this CPU. */
void rt_matvec(float *y, const float *W, const float *x, size_t rows, size_t cols) {
    kn_gemm(kn_isa_best(), KN_W_F32, y, rows, W, cols, x, cols, 1, 0, rows, cols);
}

/* rt_matvec with weights stored as bf16 (plan w=bf16): widened exactly, so
 * the same bits as rt_matvec on the bf16-rounded fp32 weights, reading half
 * the bytes. */
void rt_matvec_bf16(float *y, const uint16_t *W, const float *x, size_t rows, size_t cols) {
    kn_gemm(kn_isa_best(), KN_W_BF16, y, rows, W, cols, x, cols, 1, 0, rows, cols);
}

/* llama2.c run.c's formula with the sum of squares as lpcs_dot_f32(x, x, n). */
static void rmsnorm_isa(kn_isa isa, float *o, const float *x, const float *w, size_t n, float eps) {
    float ss = kn_dot_f32(isa, x, x, n);
    ss /= (float)n;
    ss += eps;
    ss = 1.0f / sqrtf(ss);
    for (size_t j = 0; j < n; j++) o[j] = w[j] * (ss * x[j]);
}

void rt_rmsnorm(float *o, const float *x, const float *w, size_t n, float eps) {
    rmsnorm_isa(kn_isa_best(), o, x, w, n, eps);
}

/* max, e = lpcs_expf(x - max), sum in ascending order, divide. */
static void softmax(kn_isa isa, float *x, size_t n) {
    float mx = x[0];
    for (size_t i = 1; i < n; i++)
        if (x[i] > mx) mx = x[i];
    float sum = kn_exp_shift_sum(isa, x, n, mx);
    kn_div_scalar(isa, x, n, sum);
}

static void rope(rt_engine *eng, rt_op *op) {
    const rt_config *c = &eng->m->cfg;
    float *q = rt_engine_buf(eng, op->in, op->layer), *k = rt_engine_buf(eng, op->in2, op->layer);
    size_t hs = (size_t)(c->dim / c->n_heads);
    if (eng->plan.ggml) {
        ggml_x86_rope(q, op->n, hs, eng->pos, 10000.0f);
        ggml_x86_rope(k, op->cols, hs, eng->pos, 10000.0f);
        return;
    }
    const float *cs = eng->rope_cs ? eng->rope_cs + (size_t)eng->pos * hs : NULL;
    for (size_t i = 0; i < op->n; i += 2) {
        float fcr, fci;
        if (cs) {
            fcr = cs[i % hs], fci = cs[i % hs + 1];
        } else { /* the same formulas as the table (llama2.c run.c) */
            float freq = 1.0f / powf(10000.0f, (float)(i % hs) / (float)hs), val = (float)eng->pos * freq;
            fcr = cosf(val), fci = sinf(val);
        }
        float v0 = q[i], v1 = q[i + 1];
        q[i] = v0 * fcr - v1 * fci;
        q[i + 1] = v0 * fci + v1 * fcr;
        if (i < op->cols) {
            v0 = k[i], v1 = k[i + 1];
            k[i] = v0 * fcr - v1 * fci;
            k[i + 1] = v0 * fci + v1 * fcr;
        }
    }
}


/* Per head: score[t] = lpcs_dot_f32(k_t, q) / sqrt(hs) for all t at once
 * (a GEMV over the cache rows; fmaf is symmetric, so q.k = k.q bit for bit),
 * softmax, then out = sum_t att[t] * v_t with fmaf in ascending t. */
typedef struct {
    rt_engine *eng;
    rt_op *op;
} attn_task;

static void attention_heads(void *arg, int idx, int n) {
    rt_engine *eng = ((attn_task *)arg)->eng;
    const rt_op *op = ((attn_task *)arg)->op;
    const rt_config *c = &eng->m->cfg;
    size_t hs = (size_t)(c->dim / c->n_heads), kv = op->cols, kv_mul = (size_t)(c->n_heads / c->n_kv_heads);
    size_t loff = (size_t)op->layer * (size_t)eng->max_pos * kv, T = (size_t)eng->pos + 1;
    const float *q = rt_engine_buf(eng, op->in, op->layer);
    float *out = rt_engine_buf(eng, op->out, op->layer);
    float scale = sqrtf((float)hs);
    kn_isa isa = (kn_isa)eng->isa;
    unsigned long h0, h1;
    kn_split((unsigned long)c->n_heads, idx, n, 1, &h0, &h1);
    for (size_t h = h0; h < h1; h++) {
        const float *qh = q + h * hs;
        float *att = eng->scratch + h * (size_t)eng->max_pos;
        size_t hoff = loff + (h / kv_mul) * hs;
        if (eng->plan.ggml) { /* llama.cpp's fp32 kernels, lane for lane */
            ggml_x86_attention_head(out + h * hs, qh, eng->key_cache + hoff, eng->value_cache + hoff, kv, T, hs,
                                    1.0f / sqrtf((float)hs), att, eng->ggml_batch > 1);
            continue;
        }
        kn_gemm(isa, KN_W_F32, att, T, eng->key_cache + hoff, kv, qh, hs, 1, 0, T, hs);
        kn_div_scalar(isa, att, T, scale);
        softmax(isa, att, T);
        kn_attn_av(isa, out + h * hs, att, eng->value_cache + hoff, kv, T, hs);
    }
}

/* Heads split over the engine's threads (each head's scratch row is its own). */
static void attention(rt_engine *eng, rt_op *op) {
    attn_task a = {eng, op};
    const rt_config *c = &eng->m->cfg;
    if (eng->pool && (double)(eng->pos + 1) * (double)c->dim * 2.0 >= eng->par_min_macs)
        kn_pool_run(eng->pool, attention_heads, &a);
    else
        attention_heads(&a, 0, 1);
}

typedef struct {
    kn_isa isa;
    kn_wtype wt;
    float *Y;
    size_t ldy;
    const void *W;
    const float *X;
    size_t ldx, T, rows, cols;
} matmul_task;

static void matmul_part(void *arg, int idx, int n) {
    const matmul_task *m = arg;
    unsigned long lo, hi;
    kn_split(m->rows, idx, n, 16, &lo, &hi);
    if (lo < hi) kn_gemm(m->isa, m->wt, m->Y, m->ldy, m->W, m->cols, m->X, m->ldx, m->T, lo, hi, m->cols);
}

/* Y[t] = W X[t] for T tokens, rows split over the engine's threads; each
 * output is one independent lpcs_dot_f32, so the bits depend neither on the
 * thread count nor on T. */
int rt_hgrn_bitlinear(rt_engine *eng, const rt_op *op, const float *X, size_t ldx, float *Y, size_t ldy, size_t T);

int rt_cpu_matmul(rt_engine *eng, const rt_op *op, const float *X, size_t ldx, float *Y, size_t ldy, size_t T) {
    if (op->type == OP_BITLINEAR) return rt_hgrn_bitlinear(eng, op, X, ldx, Y, ldy, T);
    if (op->exact) return rt_exact_matmul(eng, op, X, ldx, Y, ldy, T);
    if (rt_shiftmac_op(op)) { /* the shift-MAC unit's integer path, token by token */
        for (size_t t = 0; t < T; t++) rt_shiftmac_exec(op, X + t * ldx, Y + t * ldy);
        return LPCS_OK;
    }
    if (op->intdot) return rt_intdot_exec(eng, op, X, ldx, Y, ldy, T);
    matmul_task m = {(kn_isa)eng->isa, op->aux ? KN_W_BF16 : KN_W_F32, Y, ldy,
                     op->aux ? op->aux : (const void *)op->w, X, ldx, T, op->rows, op->cols};
    if (eng->pool && (double)op->rows * (double)op->cols * (double)T >= eng->par_min_macs)
        kn_pool_run(eng->pool, matmul_part, &m);
    else
        matmul_part(&m, 0, 1);
    return LPCS_OK;
}

int rt_hgrn_exec(rt_engine *eng, rt_op *op);

int rt_matvec_ggml(float *y, const rt_wblocks *W, const float *x) {
    uint32_t vt = ggml_vec_dot_type(W->type);
    size_t ab = ggml_row_bytes(vt, W->cols);
    void *act = malloc(ab ? ab : 1);
    if (!act) return LPCS_ENOMEM;
    int rc = ggml_quantize_act(W->type, x, act, W->cols);
    for (size_t r = 0; !rc && r < W->rows; r++)
        y[r] = ggml_vec_dot_rows(W->type, W->blocks + r * W->row_bytes, act, W->cols, W->rows);
    free(act);
    return rc;
}

int rt_cpu_exec(rt_engine *eng, rt_op *op) {
    float *in = rt_engine_buf(eng, op->in, op->layer), *in2 = rt_engine_buf(eng, op->in2, op->layer);
    float *out = rt_engine_buf(eng, op->out, op->layer);
    switch (op->type) {
    case OP_EMBED:
        memcpy(out, op->w + (size_t)eng->token * op->cols, op->cols * sizeof *out);
        return LPCS_OK;
    case OP_RMSNORM:
        if (op->variant) return rt_hgrn_exec(eng, op);
        if (eng->plan.ggml) {
            ggml_x86_rms_norm(out, in, op->w, op->n, op->eps);
            return LPCS_OK;
        }
        rmsnorm_isa((kn_isa)eng->isa, out, in, op->w, op->n, op->eps);
        return LPCS_OK;
    case OP_QUANT: {
        size_t row = op->cols ? op->cols : op->n;
        int rc = rt_qf_roundtrip(op->qf, in, in, op->n, row);
        if (!rc && in2) rc = rt_qf_roundtrip(op->qf, in2, in2, op->n, row);
        return rc;
    }
    case OP_MATMUL:
        if (op->wb) return rt_matvec_ggml(out, op->wb, in);
        return rt_cpu_matmul(eng, op, in, op->cols, out, op->rows, 1);
    case OP_ROPE:
        rope(eng, op);
        return LPCS_OK;
    case OP_ATTENTION:
        attention(eng, op);
        return LPCS_OK;
    case OP_SWIGLU:
        if (eng->plan.ggml) {
            ggml_x86_swiglu(out, in, in2, op->n);
            return LPCS_OK;
        }
        kn_swiglu((kn_isa)eng->isa, out, in, in2, op->n);
        return LPCS_OK;
    case OP_ADD:
        for (size_t i = 0; i < op->n; i++) out[i] += in[i];
        return LPCS_OK;
    case OP_GLU:
    case OP_GATED_NORM:
    case OP_BITLINEAR:
    case OP_MLGRU:
        return rt_hgrn_exec(eng, op);
    default:
        return LPCS_EUNSUPPORTED;
    }
}

static int cpu_supports(const rt_backend_inst *be, const rt_engine *eng, const rt_op *op) {
    (void)be, (void)eng;
    return op->type < OP_TYPE_COUNT;
}

static int cpu_exec(rt_backend_inst *be, rt_engine *eng, rt_op *op, int n_tokens) {
    (void)be;
    if (n_tokens != 1) return LPCS_EUNSUPPORTED; /* the engine's buffers hold one token */
    return rt_cpu_exec(eng, op);
}

const rt_backend_iface rt_backend_cpu = {.name = "cpu", .supports = cpu_supports, .exec = cpu_exec};
