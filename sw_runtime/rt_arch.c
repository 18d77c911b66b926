#include "rt_arch.h"

#include "ggml_quants.h"
#include "mx.h"
#include "qformat.h"

#include <stdlib.h>
#include <string.h>

/* The storage family from the format registry (golden/qformat.h), not from the name's spelling. */
arch_fmt rt_arch_fmt(const char *name) {
    qformat q;
    if (!name || qformat_parse(name, &q) != LPCS_OK) return ARCH_FMT_FLOAT;
    if (q.kind == QF_TERNARY) return ARCH_FMT_TERNARY;
    if (q.kind == QF_GGML) /* llama.cpp blocks: integer codes with scales; TQ1_0/TQ2_0 ternary */
        return q.ggml_type == GGML_TQ1_0 || q.ggml_type == GGML_TQ2_0 ? ARCH_FMT_TERNARY : ARCH_FMT_INT;
    if (q.kind == QF_SHIFTMAC) return ARCH_FMT_SHIFTMAC;
    if (q.kind == QF_INT || (q.kind == QF_MX && q.mx_elem == MX_INT8)) return ARCH_FMT_INT;
    return ARCH_FMT_FLOAT;
}

void rt_arch_point(const void *cfg, dp_config *d) {
    if (cfg)
        *d = *(const dp_config *)cfg;
    else
        dp_default(d);
}

int rt_arch_from_op(const rt_engine *eng, const rt_op *op, int pos, arch_op *o) {
    if (!eng || !op || !o) return -1;
    memset(o, 0, sizeof *o);
    const rt_config *c = &eng->m->cfg;
    const rt_qf *af = rt_plan_a(&eng->plan, op->wclass, op->layer);
    o->a_bits = af ? rt_qf_bits(af) : 32;
    switch (op->type) {
    case OP_MATMUL:
        o->kind = ARCH_OP_GEMV;
        o->rows = op->rows, o->cols = op->cols;
        o->w_bits = op->w_bits;
        o->w_fmt = rt_arch_fmt(op->qf ? op->qf->name : NULL);
        return 0;
    case OP_BITLINEAR:
        o->kind = ARCH_OP_BITLINEAR;
        o->rows = op->rows, o->cols = op->cols;
        o->w_bits = 2, o->a_bits = 8;
        o->w_fmt = ARCH_FMT_TERNARY;
        return 0;
    case OP_ATTENTION: {
        const rt_qf *kf = rt_plan_kv(&eng->plan, op->layer);
        size_t t = (size_t)pos + 1;
        o->kind = ARCH_OP_ATTENTION;
        o->rows = t * (size_t)c->n_heads;    /* dot products per matrix */
        o->n = t * op->n;                    /* MACs per matrix (q.K, p.V) */
        o->kv_n = t * op->cols;              /* K (V) values read: kv_dim per position */
        o->w_bits = kf ? rt_qf_bits(kf) : 32;
        o->w_fmt = rt_arch_fmt(kf ? kf->name : NULL);
        return 0;
    }
    default: {
        o->kind = ARCH_OP_VECTOR;
        o->n = op->n ? op->n : (op->cols ? op->cols : (size_t)c->dim);
        /* passes over the data: norms read twice (sum of squares, scale), the
         * recurrence and gated norm touch ~3 vectors, others one */
        o->passes = op->type == OP_RMSNORM || op->type == OP_GATED_NORM ? 2 : op->type == OP_MLGRU ? 3 : 1;
        if (op->type == OP_EMBED) o->n = (size_t)c->dim;
        return 0;
    }
    }
}

void rt_arch_residency(const rt_engine *eng, const dp_config *d, arch_op *ops, int n) {
    double sram = d->sram_kib * 1024.0, pim = (double)d->pim_banks * d->pim_kib * 1024.0;
    double used = 0, pim_used = 0;
    (void)eng;
    for (int i = 0; i < n; i++) {
        arch_op *o = &ops[i];
        if (o->kind != ARCH_OP_GEMV && o->kind != ARCH_OP_BITLINEAR) continue;
        if (arch_pick_unit(d, o) == ARCH_U_LUTGEMV) { /* tables fill the LUT-GEMV banks */
            size_t G = (o->cols + (size_t)d->pim_g - 1) / (size_t)d->pim_g;
            double tb = (double)o->rows * (double)G * (double)(1u << d->pim_g) * d->pim_entry_bits / 8.0;
            if (pim_used + tb <= pim) {
                pim_used += tb;
                o->tables_resident = 1;
                o->weights_resident = 1;
                continue;
            }
        }
        double wb = (double)o->rows * (double)o->cols * o->w_bits / 8.0;
        if (used + wb <= sram) {
            used += wb;
            o->weights_resident = 1;
        }
    }
    /* KV cache / state: on chip when the whole of it fits in what is left */
    double kv = 0;
    for (int i = 0; i < n; i++)
        if (ops[i].kind == ARCH_OP_ATTENTION) kv += 2.0 * arch_kv_values(&ops[i]) * ops[i].w_bits / 8.0;
    for (int i = 0; i < n; i++)
        if (ops[i].kind == ARCH_OP_ATTENTION) ops[i].weights_resident = used + kv <= sram;
}

int rt_arch_token_cost(const rt_engine *eng, const dp_config *d, int pos, arch_cost *per_op, rt_arch_token *tot) {
    if (!eng || !d || !tot || eng->n_ops <= 0) return -1;
    memset(tot, 0, sizeof *tot);
    arch_op ops_local[64];
    arch_op *ops = eng->n_ops <= 64 ? ops_local : malloc((size_t)eng->n_ops * sizeof *ops);
    if (!ops) return -1;
    int rc = 0;
    for (int i = 0; i < eng->n_ops && !rc; i++) rc = rt_arch_from_op(eng, &eng->ops[i], pos, &ops[i]);
    if (!rc) rt_arch_residency(eng, d, ops, eng->n_ops);
    for (int i = 0; i < eng->n_ops && !rc; i++) {
        arch_cost c;
        rc = arch_op_cost(d, &ops[i], &c);
        if (rc) break;
        if (per_op) per_op[i] = c;
        rt_arch_token_add(tot, &ops[i], &c);
    }
    if (ops != ops_local) free(ops);
    return rc;
}

void rt_arch_token_add(rt_arch_token *tot, const arch_op *op, const arch_cost *c) {
    tot->cycles += c->cycles;
    tot->energy_pj += c->energy_pj;
    tot->dram_bytes += c->dram_bytes;
    tot->sram_bytes += c->sram_bytes;
    tot->e_compute_pj += c->e_compute_pj;
    tot->e_sram_pj += c->e_sram_pj;
    tot->e_dram_pj += c->e_dram_pj;
    tot->unit_cycles[c->unit] += c->cycles;
    tot->unit_energy_pj[c->unit] += c->energy_pj;
    if (op->kind == ARCH_OP_GEMV || op->kind == ARCH_OP_BITLINEAR) {
        double wb = (double)op->rows * (double)op->cols * op->w_bits / 8.0;
        tot->weight_bytes += wb;
        if (op->weights_resident) tot->resident_weight_bytes += wb;
    }
}
