#include "graph_util.h"
#include "matmul_int.h"
#include "matmul_shiftmac.h"
#include "rt_weights_alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#define RT_GB_CAP 4096

/* The first op: row lookup of the (plan-quantized) vocab x dim embedding. */
static void embed_op(rt_gb *g, const float *embed, size_t vocab, size_t dim) {
    rt_op *op = rt_gb_add(g, OP_EMBED, "embed", -1, WC_EMBED);
    op->out = B_X, op->n = dim, op->rows = vocab, op->cols = dim;
    op->w = rt_gb_weight(g, embed, vocab, dim, WC_EMBED, -1);
}

int rt_gb_begin(rt_gb *g, rt_engine *eng, rt_err *e) {
    memset(g, 0, sizeof *g);
    g->eng = eng;
    g->e = e;
    if (eng->plan.ggml && eng->m->n_wblocks == 0) /* never a silent no-op */
        return rt_fail(e, LPCS_EINVAL, "%s: plan 'ggml' needs a GGUF model with matrices in a ggml block format "
                       "(this model has none)", eng->m->path);
    int per_layer = 40, cap = per_layer * eng->m->cfg.n_layers + 16;
    eng->ops = calloc((size_t)cap, sizeof *eng->ops);
    if (!eng->ops) return rt_fail(e, LPCS_ENOMEM, "out of memory for the op list");
    g->cap = cap;
    if (!rt_plan_is_fp32(&eng->plan)) {
        /* room for a quantized copy of every weight, plus an unshared head */
        const rt_config *c = &eng->m->cfg;
        size_t n = eng->m->arena_floats + (size_t)c->vocab * (size_t)c->dim;
        eng->owned_weights = rt_weights_alloc(n * sizeof(float));
        if (!eng->owned_weights) return rt_fail(e, LPCS_ENOMEM, "out of memory for quantized weights");
        g->next_w = eng->owned_weights;
        g->end_w = eng->owned_weights + n;
    }
    const rt_config *c = &eng->m->cfg;
    embed_op(g, eng->m->embed, (size_t)c->vocab, (size_t)c->dim); /* an error: reported by rt_gb_end */
    return LPCS_OK;
}

int rt_gb_end(rt_gb *g) {
    if (g->status) return g->status;
    if (g->eng->plan.intdot) { /* never a silent no-op */
        int n = 0;
        for (int i = 0; i < g->eng->n_ops; i++) n += g->eng->ops[i].intdot != NULL;
        if (!n)
            return rt_fail(g->e, LPCS_EINVAL, "plan 'intdot' needs integer weight formats (w=int8, w=int4, ...): no matrix has one");
    }
    return LPCS_OK;
}

rt_op *rt_gb_add(rt_gb *g, rt_op_type t, const char *name, int layer, rt_wclass c) {
    if (g->status || g->eng->n_ops >= g->cap) {
        if (!g->status) g->status = rt_fail(g->e, LPCS_ERANGE, "op list longer than %d ops", g->cap);
        memset(&g->dummy, 0, sizeof g->dummy);
        return &g->dummy;
    }
    rt_op *op = &g->eng->ops[g->eng->n_ops++];
    memset(op, 0, sizeof *op);
    if (layer >= 0)
        snprintf(op->name, sizeof op->name, "L%d.%s", layer, name);
    else
        snprintf(op->name, sizeof op->name, "%s", name);
    op->type = t;
    op->layer = layer;
    op->wclass = c;
    op->in = op->in2 = op->out = B_NONE;
    op->requested = -1;
    op->w_bits = 32;
    return op;
}

const float *rt_gb_weight(rt_gb *g, const float *w, size_t rows, size_t cols, rt_wclass c, int layer) {
    const rt_qf *f = rt_plan_w(&g->eng->plan, c, layer);
    if (f->identity || g->status) return w;
    for (int i = 0; i < g->nq; i++) /* the same tensor in the same format: share it */
        if (g->qsrc[i] == w && !strcmp(g->qfmt[i]->name, f->name)) return g->qdst[i];
    if ((size_t)(g->end_w - g->next_w) < rows * cols) {
        g->status = rt_fail(g->e, LPCS_ERANGE, "plan: quantized weights exceed the model size");
        return w;
    }
    float *dst = g->next_w;
    g->next_w += rows * cols;
    int rc = rt_qf_roundtrip(f, w, dst, rows * cols, cols);
    if (rc) {
        g->status = rt_fail(g->e, rc, "plan: cannot quantize weights to %s: %s", f->name, lpcs_status_str(rc));
        return w;
    }
    if (g->nq < 64) {
        g->qsrc[g->nq] = w;
        g->qdst[g->nq] = dst;
        g->qfmt[g->nq++] = f;
    }
    return dst;
}

void rt_gb_norm(rt_gb *g, const char *name, int layer, rt_buf in, rt_buf out, const float *w, size_t n, float eps) {
    rt_op *op = rt_gb_add(g, OP_RMSNORM, name, layer, WC_ATTN);
    op->in = in, op->out = out, op->w = w, op->n = n, op->eps = eps;
}

void rt_gb_aquant(rt_gb *g, const char *name, int layer, rt_wclass c, rt_buf b, size_t n) {
    const rt_qf *f = rt_plan_a(&g->eng->plan, c, layer);
    if (f->identity) return;
    char nm[40];
    snprintf(nm, sizeof nm, "%s.aquant", name);
    rt_op *op = rt_gb_add(g, OP_QUANT, nm, layer, c);
    op->in = b, op->n = n, op->cols = n, op->qf = f;
}

void rt_gb_matmul(rt_gb *g, const char *name, int layer, rt_wclass c, rt_buf in, rt_buf out, const float *w,
                  size_t rows, size_t cols) {
    rt_op *op = rt_gb_add(g, OP_MATMUL, name, layer, c);
    op->in = in, op->out = out, op->rows = rows, op->cols = cols;
    op->w = rt_gb_weight(g, w, rows, cols, c, layer);
    op->w_src = w;
    op->qf = rt_plan_w(&g->eng->plan, c, layer);
    op->w_bits = rt_qf_bits(op->qf);
    if (rt_shiftmac_op(op) && !g->status) { /* the shift-MAC unit's integer path */
        g->status = rt_shiftmac_attach(op, w, g->e);
        return;
    }
    if (rt_intdot_wants(g->eng, op) && !g->status) { /* integer matmul (plan intdot) */
        g->status = rt_intdot_attach(op, w, g->eng->plan.lut, g->e);
        return;
    }
    if (g->eng->plan.ggml && op->qf->identity && (op->wb = rt_model_wblocks(g->eng->m, w)) != NULL)
        op->w_bits = 8.0 * (double)op->wb->row_bytes / (double)cols;
    if (!strcmp(op->qf->name, "bf16") && !g->status) { /* store as bf16: half the bytes, same bits */
        rt_engine *eng = g->eng;
        if (!eng->owned_bf16) {
            eng->owned_bf16 = rt_weights_alloc(eng->m->arena_floats * sizeof *eng->owned_bf16 + 64);
            g->next_h = eng->owned_bf16;
            g->end_h = eng->owned_bf16 + eng->m->arena_floats;
        }
        if (!eng->owned_bf16 || (size_t)(g->end_h - g->next_h) < rows * cols) return; /* stays fp32 */
        uint16_t *h = g->next_h;
        g->next_h += rows * cols;
        for (size_t i = 0; i < rows * cols; i++) {
            uint32_t u;
            memcpy(&u, &op->w[i], 4);
            h[i] = (uint16_t)(u >> 16); /* exact: op->w is already bf16-rounded */
        }
        op->aux = h;
    }
}

void rt_gb_add_res(rt_gb *g, const char *name, int layer, rt_buf in, size_t n) {
    rt_op *op = rt_gb_add(g, OP_ADD, name, layer, WC_ATTN);
    op->in = in, op->out = B_X, op->n = n;
}
