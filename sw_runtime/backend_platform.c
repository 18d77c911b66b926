/* Backend "sim" on the SystemC platform (sim/platform/), and the timing
 * source of `lpcs sweep --mode platform`. An ordinary backend: the CLI
 * registers it in place of the analytical sim backend (rt_sched_register),
 * with its design point as configuration (const dp_config *, NULL =
 * dp_default). Binaries that do not register it do not link it, so
 * liblpcsrt.a and the unit tests do not need SystemC.
 *
 * Every op placed on it runs through the platform (platform_exec_op): this
 * adapter only hands the platform the op's operands as data (the weight
 * image in the unit's storage format, the activation buffers, the KV cache
 * rows) and the platform's unit modules compute the result themselves
 * (sim/platform/platform_api.h). It never computes a result: it does not
 * call the cpu backend, its kernels or golden's arithmetic, and
 * tests/check_layers.py fails the build's check if its object references
 * any of them. Ops the platform has no data path for (ggml blocks, plan
 * intdot) are not supported here: the scheduler puts them on cpu and reports the
 * fallback. op->st.cycles / energy_pj accumulate the platform's numbers.
 * All state is per engine (be->state); the platform serializes calls itself. */
#include "backend_platform.h"

#include <stdlib.h>
#include <string.h>

#include "arch_consts.h"
#include "bitlinear.h"
#include "exact.h"
#include "matmul_shiftmac.h"
#include "platform_api.h"
#include "shadow.h"

/* Per engine: the design point and the residency of its op list (decided
 * once), and the bytes each op moved on the platform so far. */
typedef struct {
    dp_config dp;
    int n;
    arch_op *ops;
    double *dram, *sram;
    int *unit;
    void **img;         /* per op: the weight image in the unit's storage format, made on first use */
} plat_state;

static void plat_release(rt_backend_inst *be) {
    plat_state *s = be->state;
    if (!s) return;
    for (int i = 0; s->img && i < s->n; i++) free(s->img[i]);
    free(s->ops), free(s->dram), free(s->sram), free(s->unit), free(s->img);
    free(s);
    be->state = NULL;
}

static plat_state *plat_get(rt_backend_inst *be, const rt_engine *eng) {
    if (be->state) return be->state;
    plat_state *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    be->state = s;
    rt_arch_point(be->cfg, &s->dp);
    s->n = eng->n_ops;
    s->ops = calloc((size_t)s->n, sizeof(arch_op));
    s->dram = calloc((size_t)s->n, sizeof(double));
    s->sram = calloc((size_t)s->n, sizeof(double));
    s->unit = calloc((size_t)s->n, sizeof(int));
    s->img = calloc((size_t)s->n, sizeof *s->img);
    if (!s->ops || !s->dram || !s->sram || !s->unit || !s->img) {
        plat_release(be);
        return NULL;
    }
    /* residency depends on sizes only: any position will do */
    for (int i = 0; i < s->n; i++) rt_arch_from_op(eng, &eng->ops[i], 0, &s->ops[i]);
    rt_arch_residency(eng, &s->dp, s->ops, s->n);
    return s;
}

/* 1 if op is an exact op of the RMMEC (exact.h). */
static int on_rmmec(const rt_op *op) { return op->exact && op->unit && !strcmp(op->unit, "rmmec") && op->qf; }

/* The LUT-GEMV weight image (PD_GEMV_LUT's storage format): per row the fp32
 * scale, then the w_bits codes LSB first in two's complement (ternary: the
 * 2-bit two's complement of -1 / 0 / +1). Format conversion only. */
static uint8_t *lut_image(const lutgemv_cfg *c, const int8_t *wq, const float *wscale) {
    size_t rb = plat_lut_row_bytes(c);
    uint8_t *img = calloc(c->rows, rb);
    for (size_t r = 0; img && r < c->rows; r++) {
        uint8_t *row = img + r * rb;
        memcpy(row, &wscale[r], 4);
        for (size_t k = 0; k < c->cols; k++) {
            unsigned v = (unsigned)(uint8_t)wq[r * c->cols + k] & ((1u << c->w_bits) - 1u);
            size_t bit = k * (size_t)c->w_bits;
            row[4 + bit / 8] |= (uint8_t)(v << (bit % 8));
            if (bit % 8 + (size_t)c->w_bits > 8) row[4 + bit / 8 + 1] |= (uint8_t)(v >> (8 - bit % 8));
        }
    }
    return img;
}

/* The shift-MAC weight image: per row the fp32 alpha, then its packed codes. */
static uint8_t *shift_image(const shiftmac_linear *L) {
    size_t pb = shiftmac_row_bytes(L->in), rb = plat_shift_row_bytes(L->in);
    uint8_t *img = malloc(L->out * rb);
    for (size_t r = 0; img && r < L->out; r++) {
        memcpy(img + r * rb, &L->alpha[r], 4);
        memcpy(img + r * rb + 4, L->packed + r * pb, pb);
    }
    return img;
}

/* 1 if the design point of be gives op to the platform unit `unit` (the
 * PIM banks need pim_banks > 0, the shift-MAC engine shiftmac_lanes > 0). */
static int on_unit(const rt_backend_inst *be, const rt_engine *eng, const rt_op *op, const char *unit) {
    dp_config d;
    arch_op a;
    rt_arch_point(be->cfg, &d);
    return !rt_arch_from_op(eng, op, 0, &a) && !strcmp(arch_unit_name(arch_pick_unit(&d, &a)), unit);
}

static int plat_supports(const rt_backend_inst *be, const rt_engine *eng, const rt_op *op) {
    /* The platform computes its results itself: it takes no op whose
     * arithmetic it lacks, so the default placement (every backend enabled)
     * cannot change a result. Plan ggml: llama.cpp's x86 order for every op
     * (golden/ggml_x86.h); plan intdot: integer matmuls (golden/intdot.h). */
    if (eng->plan.ggml) return 0;
    switch (op->type) {
    case OP_MATMUL: { /* RMMEC / LUT-GEMV exact, shift-MAC, or fp32 / bf16 (incl. fake-quantized) weights on the vector unit */
        rt_exact_lut l;
        if (op->wb || op->intdot) return 0;
        if (rt_shiftmac_op(op)) return rt_shiftmac_layer(op) != NULL && on_unit(be, eng, op, "shiftmac");
        if (op->exact && rt_exact_lut_of(op, &l) == LPCS_OK) return on_unit(be, eng, op, "lutgemv");
        return op->exact ? on_rmmec(op) && rt_exact_rmmec_mode(op->qf) >= 0 : 1;
    }
    case OP_ROPE: return eng->rope_cs != NULL;
    case OP_BITLINEAR: return op->aux != NULL;
    case OP_RMSNORM:
    case OP_QUANT:
    case OP_EMBED:
    case OP_ATTENTION:
    case OP_SWIGLU:
    case OP_ADD:
    case OP_MLGRU:
    case OP_GATED_NORM:
    case OP_GLU: return 1;
    default: return 0;
    }
}

/* The operands of op at the engine's position, as the platform takes them. */
static int plat_operands(plat_state *s, rt_engine *eng, rt_op *op, int i, plat_data *pd) {
    const rt_config *c = &eng->m->cfg;
    memset(pd, 0, sizeof *pd);
    pd->in = rt_engine_buf(eng, op->in, op->layer);
    pd->in2 = rt_engine_buf(eng, op->in2, op->layer);
    pd->out = rt_engine_buf(eng, op->out, op->layer);
    pd->n = op->n, pd->rows = op->rows, pd->cols = op->cols, pd->eps = op->eps, pd->v = op->w;
    pd->fault = rt_is_fault_op(eng, op); /* the design under test corrupts itself (shadow.h) */
    switch (op->type) {
    case OP_EMBED:
        pd->kind = PD_EMBED, pd->w = op->w + (size_t)eng->token * op->cols, pd->n = op->cols;
        return LPCS_OK;
    case OP_RMSNORM: pd->kind = op->variant ? PD_RMSNORM_BL : PD_RMSNORM; return LPCS_OK;
    case OP_QUANT:
        pd->kind = PD_QUANT, pd->qf = op->qf->identity ? NULL : &op->qf->q, pd->row_len = op->cols ? op->cols : op->n;
        return LPCS_OK;
    case OP_MATMUL: {
        rt_exact_lut l;
        if (rt_shiftmac_op(op)) {
            const shiftmac_linear *L = rt_shiftmac_layer(op);
            if (!L) return LPCS_EUNSUPPORTED;
            if (!s->img[i] && !(s->img[i] = shift_image(L))) return LPCS_ENOMEM;
            pd->kind = PD_GEMV_SHIFTMAC, pd->w = s->img[i], pd->w_row_bytes = plat_shift_row_bytes(L->in);
        } else if (op->exact && rt_exact_lut_of(op, &l) == LPCS_OK) {
            if (!s->img[i] && !(s->img[i] = lut_image(l.cfg, l.wq, l.wscale))) return LPCS_ENOMEM;
            pd->kind = PD_GEMV_LUT, pd->lut = *l.cfg, pd->w = s->img[i], pd->w_row_bytes = plat_lut_row_bytes(l.cfg);
        } else if (on_rmmec(op)) {
            int mode = rt_exact_rmmec_mode(op->qf);
            size_t lanes = (size_t)rmmec_lanes((rmmec_mode)mode), words = (op->cols + lanes - 1) / lanes;
            if (!s->img[i]) { /* the weight image in the unit's storage format (op->w is already rounded) */
                uint16_t *w = malloc(op->rows * words * sizeof(uint16_t));
                if (!(s->img[i] = w)) return LPCS_ENOMEM;
                for (size_t r = 0; r < op->rows; r++) rt_exact_rmmec_pack(mode, op->w + r * op->cols, op->cols, w + r * words);
            }
            pd->kind = PD_GEMV_RMMEC, pd->mode = mode, pd->w = s->img[i], pd->w_row_bytes = 2 * words;
        } else {
            pd->kind = PD_GEMV_F32, pd->mode = op->aux != NULL;
            pd->w = op->aux ? op->aux : (const void *)op->w, pd->w_row_bytes = op->cols * (op->aux ? 2 : 4);
        }
        return LPCS_OK;
    }
    case OP_BITLINEAR: {
        const bitlinear *B = op->aux;
        pd->kind = PD_BITLINEAR, pd->rows = B->out, pd->cols = B->in, pd->w = B->packed;
        pd->w_row_bytes = ternary_row_bytes(B->in), pd->v = B->norm_weight, pd->inv_beta = B->inv_beta;
        return LPCS_OK;
    }
    case OP_ROPE: {
        size_t hs = (size_t)(c->dim / c->n_heads);
        pd->kind = PD_ROPE, pd->head_size = hs, pd->v = eng->rope_cs + (size_t)eng->pos * hs;
        return LPCS_OK;
    }
    case OP_ATTENTION: {
        size_t hs = (size_t)(c->dim / c->n_heads), loff = (size_t)op->layer * (size_t)eng->max_pos * op->cols;
        pd->kind = PD_ATTENTION, pd->k_cache = eng->key_cache + loff, pd->v_cache = eng->value_cache + loff;
        pd->T = (size_t)eng->pos + 1, pd->kv_dim = op->cols, pd->n_heads = (size_t)c->n_heads;
        pd->kv_mul = (size_t)(c->n_heads / c->n_kv_heads), pd->head_size = hs, pd->n = (size_t)c->n_heads * hs;
        return LPCS_OK;
    }
    case OP_SWIGLU: pd->kind = PD_SWIGLU; return LPCS_OK;
    case OP_ADD: pd->kind = PD_ADD; return LPCS_OK;
    case OP_MLGRU: pd->kind = PD_MLGRU; return LPCS_OK;
    case OP_GATED_NORM: pd->kind = PD_GATED_NORM; return LPCS_OK;
    case OP_GLU: pd->kind = PD_GLU; return LPCS_OK;
    default: return LPCS_EUNSUPPORTED;
    }
}

static int plat_exec(rt_backend_inst *be, rt_engine *eng, rt_op *op, int n_tokens) {
    if (n_tokens != 1) return LPCS_EUNSUPPORTED;
    plat_state *s = plat_get(be, eng);
    if (!s) return LPCS_ENOMEM;
    int i = (int)(op - eng->ops);
    if (i < 0 || i >= s->n) return LPCS_EINVAL;
    arch_op a;
    rt_arch_from_op(eng, op, eng->pos, &a);
    a.weights_resident = s->ops[i].weights_resident;
    a.tables_resident = s->ops[i].tables_resident;
    plat_data pd;
    int rc = plat_operands(s, eng, op, i, &pd);
    if (rc) return rc;
    plat_result r;
    rc = platform_exec_op(&s->dp, &a, &pd, &r);
    if (rc) return rc < 0 ? LPCS_EINVAL : rc;
    op->st.cycles += r.cycles;
    op->st.energy_pj += r.energy_pj;
    s->dram[i] += r.dram_bytes;
    s->sram[i] += r.sram_bytes;
    s->unit[i] = r.unit;
    return LPCS_OK;
}

static const char *plat_describe(const rt_backend_inst *be) {
    (void)be;
    return "SystemC TLM-2.0 platform (sim/platform) at the registered design point";
}

const rt_backend_iface rt_backend_platform = {.name = "sim",
                                              .supports = plat_supports,
                                              .exec = plat_exec,
                                              .release = plat_release,
                                              .describe = plat_describe};

int rt_platform_token_cost(const rt_engine *eng, const dp_config *d, int pos, rt_arch_token *tot, FILE *explain) {
    if (!eng || !d || !tot || eng->n_ops <= 0) return -1;
    memset(tot, 0, sizeof *tot);
    arch_op *ops = calloc((size_t)eng->n_ops, sizeof *ops);
    if (!ops) return -1;
    int rc = platform_check_point(d);
    for (int i = 0; i < eng->n_ops && !rc; i++) rc = rt_arch_from_op(eng, &eng->ops[i], pos, &ops[i]);
    if (!rc) rt_arch_residency(eng, d, ops, eng->n_ops);
    for (int i = 0; i < eng->n_ops && !rc; i++) {
        plat_result r;
        arch_cost ac;
        rc = platform_time_op(d, &ops[i], &r) || arch_op_cost(d, &ops[i], &ac);
        if (rc) break;
        if (explain) /* per-op model vs platform, for debugging the models */
            fprintf(explain, "%-20s %-8s model %10.0f platform %10.0f (%+.2f%%) tiles %d\n", eng->ops[i].name,
                    arch_unit_name(r.unit), ac.cycles, r.cycles, 100.0 * (ac.cycles - r.cycles) / r.cycles, r.tiles);
        arch_cost pc = {.unit = r.unit, .cycles = r.cycles, .energy_pj = r.energy_pj, .dram_bytes = r.dram_bytes,
                        .sram_bytes = r.sram_bytes, .e_compute_pj = ac.e_compute_pj,
                        .e_dram_pj = r.dram_bytes * HZ_DRAM_PJ_PER_B}; /* e_sram: from the totals below */
        rt_arch_token_add(tot, &ops[i], &pc);
    }
    /* e_sram: what is neither compute nor DRAM */
    tot->e_sram_pj = tot->energy_pj - tot->e_compute_pj - tot->e_dram_pj;
    free(ops);
    return rc;
}

int rt_platform_op_bytes(const rt_engine *eng, int i, double *dram, double *sram, int *unit) {
    for (int b = 0; b < eng->n_backends; b++) {
        const plat_state *s = eng->backends[b].iface == &rt_backend_platform ? eng->backends[b].state : NULL;
        if (s && i >= 0 && i < s->n) {
            *dram = s->dram[i], *sram = s->sram[i], *unit = s->unit[i];
            return 0;
        }
    }
    return -1;
}
