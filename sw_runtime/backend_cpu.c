/* Backend "cpu": the golden reference for whole models. Plain C fp32 with a
 * fixed reduction order (documented at rt_matvec), so results are the same
 * on every x86-64 / ARM machine for the same build flags (no FMA
 * contraction: the project builds without -ffast-math and -mfma). */
#include <math.h>
#include <string.h>

#include "engine.h"

typedef float v4f __attribute__((vector_size(16)));

static inline v4f ld4(const float *p) {
    v4f v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Each row's dot product: 8 interleaved partial sums (lane k takes the
 * elements j with j % 8 == k over the first cols - cols % 8 elements),
 * combined as ((s0+s4)+(s1+s5)) + ((s2+s6)+(s3+s7)), then the tail elements
 * added in order. Four rows run together to share the loads of x. */
static inline float finish(v4f a, v4f b, const float *w, const float *x, size_t j, size_t cols) {
    v4f s = a + b;
    float r = (s[0] + s[1]) + (s[2] + s[3]);
    for (; j < cols; j++) r += w[j] * x[j];
    return r;
}

void rt_matvec(float *y, const float *W, const float *x, size_t rows, size_t cols) {
    size_t r = 0, c8 = cols & ~(size_t)7;
    for (; r + 4 <= rows; r += 4) {
        const float *w0 = W + r * cols, *w1 = w0 + cols, *w2 = w1 + cols, *w3 = w2 + cols;
        v4f a0 = {0}, b0 = {0}, a1 = {0}, b1 = {0}, a2 = {0}, b2 = {0}, a3 = {0}, b3 = {0};
        for (size_t j = 0; j < c8; j += 8) {
            v4f xl = ld4(x + j), xh = ld4(x + j + 4);
            a0 += ld4(w0 + j) * xl, b0 += ld4(w0 + j + 4) * xh;
            a1 += ld4(w1 + j) * xl, b1 += ld4(w1 + j + 4) * xh;
            a2 += ld4(w2 + j) * xl, b2 += ld4(w2 + j + 4) * xh;
            a3 += ld4(w3 + j) * xl, b3 += ld4(w3 + j + 4) * xh;
        }
        y[r] = finish(a0, b0, w0, x, c8, cols);
        y[r + 1] = finish(a1, b1, w1, x, c8, cols);
        y[r + 2] = finish(a2, b2, w2, x, c8, cols);
        y[r + 3] = finish(a3, b3, w3, x, c8, cols);
    }
    for (; r < rows; r++) {
        const float *w0 = W + r * cols;
        v4f a0 = {0}, b0 = {0};
        for (size_t j = 0; j < c8; j += 8) {
            a0 += ld4(w0 + j) * ld4(x + j);
            b0 += ld4(w0 + j + 4) * ld4(x + j + 4);
        }
        y[r] = finish(a0, b0, w0, x, c8, cols);
    }
}

typedef uint16_t v8h __attribute__((vector_size(16)));

/* 8 bf16 values -> two fp32 vectors (exact: bf16 is the top half of fp32). */
static inline void ld8_bf16(const uint16_t *p, v4f *lo, v4f *hi) {
    v8h h, z = {0};
    memcpy(&h, p, sizeof h);
    /* interleave with zeros: each 32-bit lane = h[i] << 16 (little endian) */
    v8h a = __builtin_shufflevector(z, h, 0, 8, 1, 9, 2, 10, 3, 11);
    v8h b = __builtin_shufflevector(z, h, 4, 12, 5, 13, 6, 14, 7, 15);
    memcpy(lo, &a, sizeof a);
    memcpy(hi, &b, sizeof b);
}

static inline float finish_bf16(v4f a, v4f b, const uint16_t *w, const float *x, size_t j, size_t cols) {
    v4f s = a + b;
    float r = (s[0] + s[1]) + (s[2] + s[3]);
    for (; j < cols; j++) {
        uint32_t u = (uint32_t)w[j] << 16;
        float f;
        memcpy(&f, &u, 4);
        r += f * x[j];
    }
    return r;
}

/* rt_matvec with weights stored as bf16 (plan w=bf16): the same reduction
 * order on the same (exactly widened) values, so the same bits as rt_matvec
 * on the bf16-rounded fp32 weights, reading half the bytes. */
void rt_matvec_bf16(float *y, const uint16_t *W, const float *x, size_t rows, size_t cols) {
    size_t r = 0, c8 = cols & ~(size_t)7;
    for (; r + 2 <= rows; r += 2) {
        const uint16_t *w0 = W + r * cols, *w1 = w0 + cols;
        v4f a0 = {0}, b0 = {0}, a1 = {0}, b1 = {0}, lo, hi;
        for (size_t j = 0; j < c8; j += 8) {
            v4f xl = ld4(x + j), xh = ld4(x + j + 4);
            ld8_bf16(w0 + j, &lo, &hi);
            a0 += lo * xl, b0 += hi * xh;
            ld8_bf16(w1 + j, &lo, &hi);
            a1 += lo * xl, b1 += hi * xh;
        }
        y[r] = finish_bf16(a0, b0, w0, x, c8, cols);
        y[r + 1] = finish_bf16(a1, b1, w1, x, c8, cols);
    }
    for (; r < rows; r++) {
        const uint16_t *w0 = W + r * cols;
        v4f a0 = {0}, b0 = {0}, lo, hi;
        for (size_t j = 0; j < c8; j += 8) {
            ld8_bf16(w0 + j, &lo, &hi);
            a0 += lo * ld4(x + j), b0 += hi * ld4(x + j + 4);
        }
        y[r] = finish_bf16(a0, b0, w0, x, c8, cols);
    }
}

/* As llama2.c run.c: sum of squares in order, fp32. */
void rt_rmsnorm(float *o, const float *x, const float *w, size_t n, float eps) {
    float ss = 0.0f;
    for (size_t j = 0; j < n; j++) ss += x[j] * x[j];
    ss /= (float)n;
    ss += eps;
    ss = 1.0f / sqrtf(ss);
    for (size_t j = 0; j < n; j++) o[j] = w[j] * (ss * x[j]);
}

static void softmax(float *x, size_t n) {
    float mx = x[0];
    for (size_t i = 1; i < n; i++)
        if (x[i] > mx) mx = x[i];
    float sum = 0.0f;
    for (size_t i = 0; i < n; i++) {
        x[i] = expf(x[i] - mx);
        sum += x[i];
    }
    for (size_t i = 0; i < n; i++) x[i] /= sum;
}

/* llama2.c run.c's form of silu (SwiGLU). */
static float silu(float v) { return v * (1.0f / (1.0f + expf(-v))); }

static void rope(rt_engine *eng, rt_op *op) {
    const rt_config *c = &eng->m->cfg;
    float *q = rt_engine_buf(eng, op->in, op->layer), *k = rt_engine_buf(eng, op->in2, op->layer);
    size_t hs = (size_t)(c->dim / c->n_heads);
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

static void attention(rt_engine *eng, rt_op *op) {
    const rt_config *c = &eng->m->cfg;
    size_t hs = (size_t)(c->dim / c->n_heads), kv = op->cols, kv_mul = (size_t)(c->n_heads / c->n_kv_heads);
    size_t loff = (size_t)op->layer * (size_t)eng->max_pos * kv;
    const float *q = rt_engine_buf(eng, op->in, op->layer);
    float *out = rt_engine_buf(eng, op->out, op->layer);
    float scale = sqrtf((float)hs);
    for (size_t h = 0; h < (size_t)c->n_heads; h++) {
        const float *qh = q + h * hs;
        float *att = eng->scratch + h * (size_t)eng->max_pos;
        for (int t = 0; t <= eng->pos; t++) {
            const float *kt = eng->key_cache + loff + (size_t)t * kv + (h / kv_mul) * hs;
            float s = 0.0f;
            for (size_t i = 0; i < hs; i++) s += qh[i] * kt[i];
            att[t] = s / scale;
        }
        softmax(att, (size_t)eng->pos + 1);
        float *oh = out + h * hs;
        memset(oh, 0, hs * sizeof *oh);
        for (int t = 0; t <= eng->pos; t++) {
            const float *vt = eng->value_cache + loff + (size_t)t * kv + (h / kv_mul) * hs;
            float a = att[t];
            for (size_t i = 0; i < hs; i++) oh[i] += a * vt[i];
        }
    }
}

int rt_hgrn_exec(rt_engine *eng, rt_op *op);

int rt_cpu_exec(rt_engine *eng, rt_op *op) {
    float *in = rt_engine_buf(eng, op->in, op->layer), *in2 = rt_engine_buf(eng, op->in2, op->layer);
    float *out = rt_engine_buf(eng, op->out, op->layer);
    switch (op->type) {
    case OP_EMBED:
        memcpy(out, op->w + (size_t)eng->token * op->cols, op->cols * sizeof *out);
        return LPCS_OK;
    case OP_RMSNORM:
        if (op->variant) return rt_hgrn_exec(eng, op);
        rt_rmsnorm(out, in, op->w, op->n, op->eps);
        return LPCS_OK;
    case OP_QUANT: {
        size_t row = op->cols ? op->cols : op->n;
        int rc = rt_qf_roundtrip(op->qf, in, in, op->n, row);
        if (!rc && in2) rc = rt_qf_roundtrip(op->qf, in2, in2, op->n, row);
        return rc;
    }
    case OP_MATMUL:
        if (op->aux)
            rt_matvec_bf16(out, op->aux, in, op->rows, op->cols);
        else
            rt_matvec(out, op->w, in, op->rows, op->cols);
        return LPCS_OK;
    case OP_ROPE:
        rope(eng, op);
        return LPCS_OK;
    case OP_ATTENTION:
        attention(eng, op);
        return LPCS_OK;
    case OP_SWIGLU:
        for (size_t i = 0; i < op->n; i++) out[i] = silu(in[i]) * in2[i];
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
