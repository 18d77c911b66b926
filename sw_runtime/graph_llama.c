/* The Llama-2 forward (llama2.c run.c / train.py) as an op list. */
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "graph_util.h"

int rt_graph_llama(rt_engine *eng, rt_err *e) {
    const rt_model *m = eng->m;
    const rt_config *c = &m->cfg;
    const size_t D = (size_t)c->dim, H = (size_t)c->hidden, V = (size_t)c->vocab;
    const size_t KV = D * (size_t)c->n_kv_heads / (size_t)c->n_heads;
    const float eps = c->norm_eps;
    rt_gb g;
    int rc = rt_gb_begin(&g, eng, e);
    if (rc) return rc;
    rt_op *op;
    for (int l = 0; l < c->n_layers; l++) {
        const rt_llama_layer *L = &m->ll[l];
        rt_gb_norm(&g, "attn_norm", l, B_X, B_XB, L->attn_norm, D, eps);
        rt_gb_aquant(&g, "attn_in", l, WC_ATTN, B_XB, D);
        rt_gb_matmul(&g, "wq", l, WC_ATTN, B_XB, B_Q, L->wq, D, D);
        rt_gb_matmul(&g, "wk", l, WC_ATTN, B_XB, B_KCUR, L->wk, KV, D);
        rt_gb_matmul(&g, "wv", l, WC_ATTN, B_XB, B_VCUR, L->wv, KV, D);
        op = rt_gb_add(&g, OP_ROPE, "rope", l, WC_ATTN);
        op->in = B_Q, op->in2 = B_KCUR, op->n = D, op->cols = KV;
        const rt_qf *kq = rt_plan_kv(&eng->plan, l);
        if (!kq->identity) {
            op = rt_gb_add(&g, OP_QUANT, "kv_quant", l, WC_ATTN);
            op->in = B_KCUR, op->in2 = B_VCUR, op->n = KV, op->cols = D / (size_t)c->n_heads, op->qf = kq;
        }
        op = rt_gb_add(&g, OP_ATTENTION, "attn", l, WC_ATTN);
        op->in = B_Q, op->out = B_XB, op->n = D, op->cols = KV;
        rt_gb_aquant(&g, "wo_in", l, WC_ATTN, B_XB, D);
        rt_gb_matmul(&g, "wo", l, WC_ATTN, B_XB, B_XB2, L->wo, D, D);
        rt_gb_add_res(&g, "attn_res", l, B_XB2, D);
        rt_gb_norm(&g, "ffn_norm", l, B_X, B_XB, L->ffn_norm, D, eps);
        rt_gb_aquant(&g, "ffn_in", l, WC_FFN, B_XB, D);
        rt_gb_matmul(&g, "w1", l, WC_FFN, B_XB, B_HB, L->w1, H, D);
        rt_gb_matmul(&g, "w3", l, WC_FFN, B_XB, B_HB2, L->w3, H, D);
        op = rt_gb_add(&g, OP_SWIGLU, "swiglu", l, WC_FFN);
        op->in = B_HB, op->in2 = B_HB2, op->out = B_HB, op->n = H;
        rt_gb_aquant(&g, "w2_in", l, WC_FFN, B_HB, H);
        rt_gb_matmul(&g, "w2", l, WC_FFN, B_HB, B_XB2, L->w2, D, H);
        rt_gb_add_res(&g, "ffn_res", l, B_XB2, D);
    }
    rt_gb_norm(&g, "final_norm", -1, B_X, B_XB, m->final_norm, D, eps);
    rt_gb_aquant(&g, "head_in", -1, WC_HEAD, B_XB, D);
    rt_gb_matmul(&g, "lm_head", -1, WC_HEAD, B_XB, B_LOGITS, m->cls, V, D);
    return rt_gb_end(&g);
}
