/* The HGRN-Bit (MatMul-free LM) forward as an op list. Every op calls the
 * golden ternary module (golden/bitlinear.h, golden/hgrn.h), in the order of
 * hgrn_token_mixer_step / hgrn_channel_mixer (g_proj moved before the
 * recurrence, which it does not depend on), so the cpu backend is golden bit
 * for bit (tests/test_runtime_model.c checks it against those, stepping and
 * in a batched prefill). */
#include <stdlib.h>
#include <string.h>

#include "bitlinear.h"
#include "bitlinear_offload.h"
#include "engine.h"
#include "graph_util.h"
#include "hgrn.h"

typedef struct {
    bitlinear *bl;     /* [layers * HG_NPROJ + 1]: per layer i f g o gate down, then lm_head */
    int n;
    rt_bl_scratch cpu; /* the BitLinear pipeline on the cpu's fast exact ternary GEMM */
} hgrn_aux;

void rt_hgrn_free_aux(rt_engine *eng) {
    hgrn_aux *a = eng->bitlin;
    if (!a) return;
    rt_bl_scratch_free(&a->cpu);
    for (int i = 0; i < a->n; i++) bitlinear_free(&a->bl[i]);
    free(a->bl);
    free(a);
    eng->bitlin = NULL;
}

/* A BitLinear op; quant: fake-quantize its input first (plan a=), once per
 * distinct input buffer. */
static rt_op *bitlin(rt_gb *g, hgrn_aux *a, int idx, const char *name, int layer, rt_wclass c, rt_buf in,
                     rt_buf out, int quant) {
    if (quant) rt_gb_aquant(g, name, layer, c, in, a->bl[idx].in);
    rt_op *op = rt_gb_add(g, OP_BITLINEAR, name, layer, c);
    op->in = in, op->out = out, op->rows = a->bl[idx].out, op->cols = a->bl[idx].in;
    op->aux = &a->bl[idx];
    op->w_bits = 2;
    return op;
}

static void norm(rt_gb *g, const char *name, int layer, rt_buf in, rt_buf out, const float *w, size_t n) {
    rt_gb_norm(g, name, layer, in, out, w, n, BITLINEAR_NORM_EPS);
    g->eng->ops[g->eng->n_ops - 1].variant = 1;
}

int rt_graph_hgrn(rt_engine *eng, rt_err *e) {
    const rt_model *m = eng->m;
    const rt_config *c = &m->cfg;
    const size_t D = (size_t)c->dim, I = (size_t)c->hidden, V = (size_t)c->vocab, L = (size_t)c->n_layers;
    hgrn_aux *a = calloc(1, sizeof *a);
    if (!a) return rt_fail(e, LPCS_ENOMEM, "out of memory");
    eng->bitlin = a;
    a->bl = calloc(L * HG_NPROJ + 1, sizeof *a->bl);
    a->cpu.mm = &rt_unit_mm_cpu_ternary;
    eng->lb = calloc(L * D, sizeof *eng->lb);
    if (!a->bl || !eng->lb) return rt_fail(e, LPCS_ENOMEM, "out of memory");
    for (size_t i = 0; i <= L * HG_NPROJ; i++) {
        const rt_bitlin_w *w = i < L * HG_NPROJ ? &m->hl[i / HG_NPROJ].proj[i % HG_NPROJ] : NULL;
        int rc = w ? bitlinear_init_from_latent(&a->bl[i], w->w, w->norm, (size_t)w->in, (size_t)w->out)
                   : bitlinear_init_from_latent(&a->bl[i], m->cls, m->cls_norm, D, V);
        if (rc)
            return rt_fail(e, rc, "%s: cannot ternarize BitLinear %zu: %s", m->path, i, lpcs_status_str(rc));
        a->n = (int)i + 1;
    }
    if (c->use_lower_bound) {
        int rc = hgrn_lower_bounds(m->lower_bounds, L, D, eng->lb);
        if (rc) return rt_fail(e, rc, "%s: lower bounds: %s", m->path, lpcs_status_str(rc));
    }

    rt_gb g;
    int rc = rt_gb_begin(&g, eng, e);
    if (rc) return rc;
    rt_op *op;
    for (int l = 0; l < c->n_layers; l++) {
        const rt_hgrn_layer *HL = &m->hl[l];
        int b = l * HG_NPROJ;
        norm(&g, "attn_norm", l, B_X, B_XB, HL->attn_norm, D);
        bitlin(&g, a, b + HG_I, "i_proj", l, WC_ATTN, B_XB, B_I, 1);
        bitlin(&g, a, b + HG_F, "f_proj", l, WC_ATTN, B_XB, B_F, 0);
        /* g before the recurrence (it only reads x): prefill then runs
         * mlgru .. gate_out token after token with no GEMM in between */
        bitlin(&g, a, b + HG_G, "g_proj", l, WC_ATTN, B_XB, B_G, 0);
        op = rt_gb_add(&g, OP_MLGRU, "mlgru", l, WC_ATTN);
        op->in = B_I, op->in2 = B_F, op->out = B_STATE, op->n = D;
        op->w = l > 0 && c->use_lower_bound ? eng->lb + (size_t)l * D : NULL;
        const rt_qf *kq = rt_plan_kv(&eng->plan, l);
        if (!kq->identity) {
            op = rt_gb_add(&g, OP_QUANT, "state_quant", l, WC_ATTN);
            op->in = B_STATE, op->n = D, op->cols = D, op->qf = kq;
        }
        op = rt_gb_add(&g, OP_GATED_NORM, "gate_out", l, WC_ATTN);
        op->in = B_G, op->in2 = B_STATE, op->out = B_Q, op->w = HL->g_norm, op->n = D;
        bitlin(&g, a, b + HG_O, "o_proj", l, WC_ATTN, B_Q, B_XB2, 1);
        rt_gb_add_res(&g, "attn_res", l, B_XB2, D);
        norm(&g, "mlp_norm", l, B_X, B_XB, HL->mlp_norm, D);
        bitlin(&g, a, b + HG_GATE, "gate_proj", l, WC_FFN, B_XB, B_HB, 1);
        op = rt_gb_add(&g, OP_GLU, "glu", l, WC_FFN);
        op->in = B_HB, op->out = B_HB2, op->n = I;
        bitlin(&g, a, b + HG_DOWN, "down_proj", l, WC_FFN, B_HB2, B_XB2, 1);
        rt_gb_add_res(&g, "mlp_res", l, B_XB2, D);
    }
    norm(&g, "final_norm", -1, B_X, B_XB, m->final_norm, D);
    bitlin(&g, a, (int)L * HG_NPROJ, "lm_head", -1, WC_HEAD, B_XB, B_LOGITS, 1);
    if ((rc = rt_gb_end(&g))) return rc;
    /* unpack every matrix for the cpu GEMM now, not in the first token */
    for (int i = 0; i < eng->n_ops; i++)
        if (eng->ops[i].type == OP_BITLINEAR && (rc = rt_bl_prepare(eng, &eng->ops[i], &a->cpu)))
            return rt_fail(e, rc, "%s: cannot unpack BitLinear %s: %s", m->path, eng->ops[i].name, lpcs_status_str(rc));
    return LPCS_OK;
}

int rt_hgrn_bitlinear(rt_engine *eng, const rt_op *op, const float *X, size_t ldx, float *Y, size_t ldy, size_t T) {
    hgrn_aux *a = eng->bitlin;
    /* the engine's threads split the rows (set now: --threads may change it), above the hand-off's cost */
    a->cpu.ctx = (double)op->rows * (double)op->cols * (double)T >= 2.0 * eng->par_min_macs ? eng->pool : NULL;
    a->cpu.isa = eng->isa;
    return rt_bitlinear_offload_batch(eng, op, &a->cpu, X, ldx, Y, ldy, T);
}

int rt_hgrn_exec(rt_engine *eng, rt_op *op) {
    float *in = rt_engine_buf(eng, op->in, op->layer), *in2 = rt_engine_buf(eng, op->in2, op->layer);
    float *out = rt_engine_buf(eng, op->out, op->layer);
    switch (op->type) {
    case OP_RMSNORM: return bitlinear_rmsnorm_f32(in, op->w, op->n, op->eps, out);
    case OP_BITLINEAR: /* bitlinear_forward's steps, fast exact GEMM */
        return rt_hgrn_bitlinear(eng, op, in, 0, out, 0, 1);
    case OP_MLGRU: return hgrn_mlgru_recur(op->n, in, in2, op->w, out);
    case OP_GATED_NORM: return hgrn_gate_out(op->n, in, op->w, in2, out);
    case OP_GLU: return hgrn_glu(op->n, in, out);
    default: return LPCS_EUNSUPPORTED;
    }
}
