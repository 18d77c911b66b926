/* Exact execution: op -> unit / mode mapping and the unit arithmetic of the
 * exact matmuls on the cpu backend (exact.h). */
#include "exact.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "design_point.h"
#include "exact_fast.h"
#include "intq.h"
#include "kernels/fp_cpu.h"
#include "kernels/lut_gemv_cpu.h"
#include "kernels/pool.h"
#include "lutgemv.h"
#include "matmul_shiftmac.h"
#include "minifloat.h"
#include "posit.h"
#include "rmmec.h"
#include "ternary.h"


typedef enum { XK_RMMEC, XK_LUT } rt_xkind;

/* Posit conversion tables shared by an engine's exact matrices (exact_fast.h). */
typedef struct {
    xf_ptab p8, p16;
} rt_xtabs;

/* An exact matrix in its unit's operands. */
typedef struct {
    rt_xkind kind;
    size_t rows, cols;
    const xf_ptab *tab; /* P8 / P16: the mode's conversion tables (golden if !tab->ok) */
    rt_xtabs *own_tabs; /* the matrix that frees the shared tables */
    /* rmmec */
    rmmec_mode mode;
    size_t words;       /* packed words per row */
    uint16_t *w;        /* [rows][words]: the unit's operand words (golden) */
    int16_t *wv;        /* P8 / P4 / FP4: values * 2^vshift (integers); P16: mantissas [rows][cols] */
    uint8_t *ws;        /* P16: shifts [rows][cols] */
    int64_t *wabs;      /* P8 / P4 / FP4: sum_k |wv| per row */
    float *wf;          /* P16: the values [rows][cols] */
    double *wabsf;      /* P16: sum_k |wf| per row, rounded up by a margin */
    uint8_t *wnar;      /* per row: a NaR weight (golden path) */
    /* lutgemv */
    lutgemv_cfg lut;    /* batch 1, qgroup 0 (one scale per row) */
    int8_t *wq;         /* [rows][cols] weight codes */
    float *wscale;      /* [rows] */
    int lutk;           /* 1: wq also packed for the cpu LUT kernel (2..4-bit codes, int8 activations) */
    lut_gemv_weights lk;
} rt_xmat;

int rt_exec_parse(const char *name) {
    if (name && !strcmp(name, "exact")) return RT_EXEC_EXACT;
    if (name && !strcmp(name, "fake")) return RT_EXEC_FAKE;
    return -1;
}

const char *rt_exec_name(rt_exec_mode m) { return m == RT_EXEC_FAKE ? "fake" : "exact"; }

int rt_exact_rmmec_mode(const rt_qf *f) {
    if (f->identity) return -1;
    if (f->q.kind == QF_POSIT) {
        if (f->q.posit_n == 8 && f->q.posit_es == 0) return RMMEC_P8;
        if (f->q.posit_n == 16 && f->q.posit_es == 1) return RMMEC_P16;
        if (f->q.posit_n == 4 && f->q.posit_es == 1) return RMMEC_P4;
        return -1;
    }
    if (f->q.kind == QF_MINIFLOAT && f->q.mf == MF_FP4_E2M1) return RMMEC_FP4;
    return -1;
}

static uint32_t encode(int mode, float v) {
    switch (mode) {
    case RMMEC_FP4: return mf_from_f32(MF_FP4_E2M1, v, MF_SATFINITE);
    case RMMEC_P4: return posit_from_float(posit_cfg_make(4, 1), v);
    case RMMEC_P8: return posit_from_float(posit_cfg_make(8, 0), v);
    default: return posit_from_float(posit_cfg_make(16, 1), v);
    }
}

void rt_exact_rmmec_pack(int mode, const float *v, size_t n, uint16_t *words) {
    size_t lanes = (size_t)rmmec_lanes((rmmec_mode)mode), bits = 16 / lanes;
    size_t nw = (n + lanes - 1) / lanes;
    memset(words, 0, nw * sizeof *words);
    for (size_t i = 0; i < n; i++)
        words[i / lanes] |= (uint16_t)(encode(mode, v[i]) << (bits * (i % lanes)));
}

/* One element in the mode's code, by the tables where they are usable. */
static unsigned xenc(const rt_xmat *x, float v) {
    return x->tab && x->tab->ok ? xf_ptab_encode(x->tab, v) : encode(x->mode, v);
}

/* The value of a code (NaR: NaN). */
static float xval(const rt_xmat *x, unsigned c) {
    if (x->tab && x->tab->ok) return x->tab->val[c];
    switch (x->mode) {
    case RMMEC_FP4: return mf_to_f32(MF_FP4_E2M1, c);
    case RMMEC_P4: return posit_to_float(posit_cfg_make(4, 1), c);
    case RMMEC_P8: return posit_to_float(posit_cfg_make(8, 0), c);
    default: return posit_to_float(posit_cfg_make(16, 1), c);
    }
}

/* Integer-sum modes: every value is an integer times 2^-vshift and every
 * product an integer in the accumulator's lsb 2^-(2 vshift): P8 (2^-6,
 * quire8 lsb 2^-12), P4 (p4e1 values 2^-4..2^4, lsb 2^-8), FP4 (halves, lsb
 * 2^-2). The NaR code of the mode (FP4: none). */
static int vshift(rmmec_mode m) { return m == RMMEC_P8 ? 6 : m == RMMEC_P4 ? 4 : 1; }
static unsigned nar_code(rmmec_mode m) { return m == RMMEC_P8 ? 0x80u : m == RMMEC_P4 ? 0x8u : 0x100u; }

/* Value * 2^vshift of code c, XF_P8_NAR for NaR (exact: see vshift). */
static int16_t ival(const rt_xmat *x, unsigned c) {
    return c == nar_code(x->mode) ? XF_P8_NAR : (int16_t)ldexpf(xval(x, c), vshift(x->mode));
}

static void xpack(const rt_xmat *x, const float *v, size_t n, uint16_t *words) {
    size_t lanes = (size_t)rmmec_lanes(x->mode), bits = 16 / lanes;
    memset(words, 0, (n + lanes - 1) / lanes * sizeof *words);
    for (size_t i = 0; i < n; i++) words[i / lanes] |= (uint16_t)(xenc(x, v[i]) << (bits * (i % lanes)));
}

/* Element i of a packed row. */
static unsigned lane_code(int mode, const uint16_t *words, size_t i) {
    size_t lanes = (size_t)rmmec_lanes((rmmec_mode)mode), bits = 16 / lanes;
    return (words[i / lanes] >> (bits * (i % lanes))) & ((1u << bits) - 1);
}

/* The fast decode of one packed row (P8 / P16; other modes have none). */
static void decode_row(const rt_xmat *x, size_t r) {
    const uint16_t *words = x->w + r * x->words;
    int16_t *v = x->wv + r * x->cols;
    int64_t abs = 0;
    double fabs_sum = 0.0;
    int nar = 0;
    for (size_t k = 0; k < x->cols; k++) {
        unsigned c = lane_code(x->mode, words, k);
        if (x->mode != RMMEC_P16) {
            v[k] = ival(x, c);
            nar |= v[k] == XF_P8_NAR;
            abs += v[k] < 0 ? -(int64_t)v[k] : v[k];
        } else {
            float f = xval(x, c); /* exact; NaR -> NaN */
            nar |= c == 0x8000u || !xf_p16_split(f, &v[k], &x->ws[r * x->cols + k]);
            x->wf[r * x->cols + k] = f;
            fabs_sum += f < 0 ? -(double)f : (double)f;
        }
    }
    if (x->mode == RMMEC_P16) x->wabsf[r] = fabs_sum * (1.0 + 0x1p-30); /* covers the sum's roundings */
    if (x->mode != RMMEC_P16) x->wabs[r] = abs;
    x->wnar[r] = (uint8_t)(nar || (x->mode == RMMEC_P16 && x->cols >= XF_P16_KMAX));
}

static void set_mode(rt_op *op, const char *unit, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_mode(rt_op *op, const char *unit, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    op->unit = unit;
    vsnprintf(op->mode, sizeof op->mode, fmt, ap);
    va_end(ap);
}

static void xmat_free(rt_xmat *x) {
    if (!x) return;
    free(x->w), free(x->wv), free(x->ws), free(x->wabs), free(x->wnar), free(x->wq), free(x->wscale);
    free(x->wf), free(x->wabsf);
    lut_gemv_free(&x->lk);
    if (x->own_tabs) xf_ptab_free(&x->own_tabs->p8), xf_ptab_free(&x->own_tabs->p16);
    free(x->own_tabs);
    free(x);
}

static int oom(rt_xmat *x, const rt_op *op, rt_err *e) {
    xmat_free(x);
    return rt_fail(e, LPCS_ENOMEM, "out of memory for the exact weights of %s", op->name);
}

/* The shared tables of mode rm (built on first use; *tabs is owned by the
 * first matrix that gets it). */
static const xf_ptab *tabs_for(rt_xtabs **tabs, rt_xmat *x, int rm) {
    if (rm != RMMEC_P8 && rm != RMMEC_P16) return NULL;
    if (!*tabs) {
        if (!(*tabs = calloc(1, sizeof **tabs))) return NULL;
        x->own_tabs = *tabs;
    }
    xf_ptab *t = rm == RMMEC_P8 ? &(*tabs)->p8 : &(*tabs)->p16;
    if (!t->val) xf_ptab_init(t, rm == RMMEC_P8 ? 8 : 16, rm == RMMEC_P8 ? 0 : 1); /* failure: !ok, golden */
    return t;
}

static int map_rmmec(rt_op *op, int rm, rt_xtabs **tabs, rt_err *e) {
    rt_xmat *x = calloc(1, sizeof *x);
    if (!x) return oom(x, op, e);
    size_t lanes = (size_t)rmmec_lanes((rmmec_mode)rm), R = op->rows, K = op->cols;
    x->kind = XK_RMMEC, x->mode = (rmmec_mode)rm, x->rows = R, x->cols = K;
    x->tab = tabs_for(tabs, x, rm);
    x->words = (K + lanes - 1) / lanes;
    x->w = malloc(R * x->words * sizeof *x->w);
    if (!x->w) return oom(x, op, e);
    for (size_t r = 0; r < R; r++) /* op->w is already rounded to the format: encoding is exact */
        xpack(x, op->w + r * K, K, x->w + r * x->words);
    {
        x->wv = malloc(R * K * sizeof *x->wv), x->wnar = malloc(R);
        x->wabs = rm != RMMEC_P16 ? malloc(R * sizeof *x->wabs) : NULL;
        x->ws = rm == RMMEC_P16 ? malloc(R * K) : NULL;
        x->wf = rm == RMMEC_P16 ? malloc(R * K * sizeof *x->wf) : NULL;
        x->wabsf = rm == RMMEC_P16 ? malloc(R * sizeof *x->wabsf) : NULL;
        if (!x->wv || !x->wnar || (rm != RMMEC_P16 && !x->wabs) || (rm == RMMEC_P16 && (!x->ws || !x->wf || !x->wabsf)))
            return oom(x, op, e);
        for (size_t r = 0; r < R; r++) decode_row(x, r);
    }
    op->exact = x;
    set_mode(op, "rmmec", "%s", rmmec_mode_name((rmmec_mode)rm));
    return LPCS_OK;
}

/* The LUT-GEMV configuration of a matmul with integer / ternary weights and
 * integer activations on design point d; 0 if the unit can take it. */
static int lut_cfg(const rt_op *op, const rt_qf *a, const dp_config *d, lutgemv_cfg *c) {
    const qformat *wf = &op->qf->q;
    if (op->qf->identity || a->identity || a->q.kind != QF_INT || !op->w_src) return -1;
    if (wf->kind != QF_INT && wf->kind != QF_TERNARY) return -1;
    memset(c, 0, sizeof *c);
    c->rows = op->rows, c->cols = op->cols, c->batch = 1, c->g = d->pim_g, c->qgroup = 0;
    c->w_kind = wf->kind == QF_TERNARY ? LUTGEMV_W_TERNARY : LUTGEMV_W_SIGNED;
    c->w_bits = wf->kind == QF_TERNARY ? 2 : wf->bits;
    c->a_bits = a->q.bits;
    if (lutgemv_cfg_check(c)) return -1;
    int eb = lutgemv_entry_bits(c);
    return eb > 0 && eb <= d->pim_entry_bits ? 0 : -1;
}

/* The cpu LUT kernel (kernels/lut_gemv_cpu.h) computes the unit's exact
 * integer accumulator for weight codes of up to 4 bits and activation codes
 * of up to 8 bits (its sums are exact int32; the packing refuses a row long
 * enough to overflow): wq is packed for it too. Other configurations keep
 * the int8 dots. Called again after rt_exact_fault changes wq. */
static int lut_pack(rt_xmat *x) {
    const lutgemv_cfg *c = &x->lut;
    lut_gemv_free(&x->lk);
    x->lutk = 0;
    if (c->w_bits > 4 || c->a_bits > 8) return LPCS_OK;
    lutk_wtype t = c->w_kind == LUTGEMV_W_TERNARY || c->w_bits == 2 ? LUTK_INT2 : c->w_bits == 3 ? LUTK_INT3 : LUTK_INT4;
    int rc = lut_gemv_pack(x->wq, x->rows, x->cols, t, &x->lk);
    if (rc == LPCS_ERANGE) return LPCS_OK; /* too long a row for int32 sums: int8 dots */
    x->lutk = !rc;
    return rc;
}

/* Weight codes and per-row scales, quantized from the model's weights with
 * the plan format's own rule (so the dequantized values are fake's op->w). */
static int map_lut(rt_op *op, const lutgemv_cfg *c, rt_err *e) {
    rt_xmat *x = calloc(1, sizeof *x);
    if (!x) return oom(x, op, e);
    size_t R = op->rows, K = op->cols;
    x->kind = XK_LUT, x->rows = R, x->cols = K, x->lut = *c;
    x->wq = malloc(R * K), x->wscale = malloc(R * sizeof *x->wscale);
    if (!x->wq || !x->wscale) return oom(x, op, e);
    int rc = LPCS_OK;
    for (size_t r = 0; r < R && !rc; r++) {
        const float *w = op->w_src + r * K;
        if (c->w_kind == LUTGEMV_W_TERNARY)
            rc = ternary_absmean_quantize(w, K, x->wq + r * K, &x->wscale[r]);
        else
            rc = intq_quantize_rows(c->w_bits, w, 1, K, x->wq + r * K, &x->wscale[r]);
    }
    if (!rc) rc = lut_pack(x);
    if (rc) {
        xmat_free(x);
        return rt_fail(e, rc, "cannot quantize the weights of %s for the LUT-GEMV unit", op->name);
    }
    op->exact = x;
    set_mode(op, "lutgemv", "%s%d-a%d-g%d", c->w_kind == LUTGEMV_W_TERNARY ? "t" : "w", c->w_bits, c->a_bits, c->g);
    return LPCS_OK;
}

/* The design point whose units the plan maps to: the sim backend's, else the default. */
static void design_point(const rt_sched_opts *so, dp_config *d) {
    dp_default(d);
    for (int i = 0; so && i < so->n_backends; i++)
        if (so->backends[i].iface && !strcmp(so->backends[i].iface->name, "sim") && so->backends[i].cfg)
            *d = *(const dp_config *)so->backends[i].cfg;
}

int rt_exact_map(rt_engine *eng, const rt_sched_opts *so, rt_err *e) {
    int fake = so && so->exec_fake;
    dp_config dp;
    design_point(so, &dp);
    rt_xtabs *tabs = NULL;
    for (int i = 0; i < eng->n_ops; i++) {
        rt_op *op = &eng->ops[i];
        if (op->type == OP_BITLINEAR) {
            set_mode(op, "ternary", "exact");
            continue;
        }
        if (op->type == OP_QUANT && op->qf) { /* the plan's rounding of activations / KV */
            set_mode(op, "vector", "round:%s", op->qf->name);
            continue;
        }
        if (op->type == OP_ATTENTION && !rt_plan_kv(&eng->plan, op->layer)->identity) {
            /* QK^T and PV in fp32 over the KV cache rounded to the plan's KV format (docs/exact.md) */
            set_mode(op, "vector", "fp32:kv=%s", rt_plan_kv(&eng->plan, op->layer)->name);
            continue;
        }
        if (op->type != OP_MATMUL) {
            set_mode(op, "vector", "fp32");
            continue;
        }
        if (rt_shiftmac_op(op)) { /* the shift-MAC unit's integer path in either exec mode */
            set_mode(op, "shiftmac", "exact");
            continue;
        }
        const rt_qf *f = op->qf;
        int rm = f ? rt_exact_rmmec_mode(f) : -1;
        lutgemv_cfg lc;
        int lut = f && !fake && !op->aux && !lut_cfg(op, rt_plan_a(&eng->plan, op->wclass, op->layer), &dp, &lc);
        int rc = LPCS_OK;
        if (lut)
            rc = map_lut(op, &lc, e);
        else if (!fake && rm >= 0 && !op->aux)
            rc = map_rmmec(op, rm, &tabs, e);
        else if (!f || f->identity)
            set_mode(op, "vector", "fp32");
        else
            set_mode(op, "vector", "fake:%s", f->name);
        if (rc) return rc;
    }
    return LPCS_OK;
}

void rt_exact_free(rt_engine *eng) {
    for (int i = 0; eng->ops && i < eng->n_ops; i++) {
        xmat_free(eng->ops[i].exact);
        eng->ops[i].exact = NULL;
    }
}

int rt_exact_fault(rt_op *op) {
    rt_xmat *x = op->exact;
    if (!x) return LPCS_EINVAL;
    if (x->kind == XK_LUT) { /* every weight code of row 0 moves by one step inside its range */
        for (size_t k = 0; k < x->cols; k++) x->wq[k] = (int8_t)(x->wq[k] > 0 ? x->wq[k] - 1 : x->wq[k] + 1);
        return lut_pack(x); /* the LUT kernel computes with the faulty codes too */
    }
    static const uint16_t flip[RMMEC_MODE_COUNT] = {0x4444u, 0x4444u, 0x0404u, 0x0004u}; /* bit 2 of every lane */
    for (size_t k = 0; k < x->words; k++) x->w[k] ^= flip[x->mode];
    if (x->wv) decode_row(x, 0);
    return LPCS_OK;
}

/* T tokens' activations in the unit's operands (decoded once, shared by
 * the rows; each row is then applied to every token while it is in cache). */
typedef struct {
    const rt_xmat *m;
    size_t T, ldy;
    int avx2;        /* 0 portable, 1 AVX2, 2 AVX-512F */
    uint16_t *a;     /* [T][words] packed words (golden path) */
    int16_t *av;     /* [T][K] P8 values*64 / P16 mantissas */
    uint8_t *as;     /* [T][K] P16 shifts */
    int8_t *aq;      /* [T][K] LUT codes */
    int64_t *amax;   /* [T] P8: max |av|; -1: a NaR in the token (golden path) */
    float *af;       /* [T][K] P16 values */
    double *amaxf;   /* [T] P16: max |af| */
    float *ascale;   /* [T] LUT per-token scale */
    float *y;
    int rc;
} xtask;

static void rows_rmmec(xtask *t, size_t lo, size_t hi) {
    const rt_xmat *x = t->m;
    size_t K = x->cols;
    for (size_t r = lo; r < hi; r++)
        for (size_t i = 0; i < t->T; i++) {
            uint32_t o;
            const int16_t *av = t->av + i * K;
            int ok = t->amax[i] >= 0 && x->wnar && !x->wnar[r];
            if (ok && x->mode != RMMEC_P16 && x->wabs[r] * t->amax[i] < ((int64_t)1 << 31))
                o = xf_i16_dot(x->wv + r * K, av, K, -2 * vshift(x->mode), t->avx2 > 0);
            else if (ok && x->mode == RMMEC_P16 &&
                     xf_p16_dot_f64(x->wf + r * K, t->af + i * K, K, x->wabsf[r] * t->amaxf[i] * (1.0 + 0x1p-30),
                                    t->avx2, &o))
                ;
            else if (ok && x->mode == RMMEC_P16)
                o = xf_p16_dot(x->wv + r * K, x->ws + r * K, av, t->as + i * K, K);
            else if (rmmec_dot(x->mode, x->w + r * x->words, t->a + i * x->words, x->words, RMMEC_OUT_FP32, &o))
                t->rc = LPCS_EINVAL;
            memcpy(&t->y[i * t->ldy + r], &o, 4);
        }
}

/* Rows [a, b) of every token on the cpu LUT kernel (a on a 16-row block, b
 * too or the last row): per token its tables, the exact sums, the conversion.
 * 0, or -1 when out of memory (the caller then uses the int8 dots). */
static int rows_lut_kernel(xtask *t, size_t a, size_t b, const lutgemv_cfg *c) {
    const rt_xmat *x = t->m;
    void *tab = malloc(lut_gemv_scratch_bytes(&x->lk));
    int32_t *acc = malloc(x->rows * sizeof *acc);
    lutk_impl impl = t->avx2 ? LUTK_IMPL_AUTO : LUTK_IMPL_PORTABLE;
    int rc = tab && acc ? 0 : -1;
    for (size_t i = 0; i < t->T && !rc; i++) {
        if (lut_gemv_tables(&x->lk, t->aq + i * x->cols, tab, impl) || lut_gemv_rows(&x->lk, tab, acc, impl, a, b)) {
            t->rc = LPCS_EINVAL;
            break;
        }
        for (size_t r = a; r < b; r++) {
            int64_t v = acc[r];
            if (lutgemv_convert(c, &v, &x->wscale[r], &t->ascale[i], &t->y[i * t->ldy + r])) t->rc = LPCS_EINVAL;
        }
    }
    free(tab), free(acc);
    return rc;
}

static void rows_lut(xtask *t, size_t lo, size_t hi) {
    const rt_xmat *x = t->m;
    lutgemv_cfg c = x->lut;
    c.rows = 1;
    size_t a = lo, b = lo; /* [a, b): the rows the LUT kernel takes */
    if (x->lutk) {
        const size_t B = LUT_GEMV_BLOCK_ROWS;
        a = (lo + B - 1) / B * B, b = hi == x->rows ? hi : hi / B * B;
        if (a >= b || rows_lut_kernel(t, a, b, &c)) a = b = lo;
    }
    for (size_t r = lo; r < hi; r++) { /* exact integer acc (= golden lutgemv_gemv), golden conversion */
        if (r == a) r = b;
        if (r >= hi) break;
        for (size_t i = 0; i < t->T; i++) {
            int64_t acc = xf_i8_dot(x->wq + r * x->cols, t->aq + i * x->cols, x->cols, t->avx2 > 0);
            if (lutgemv_convert(&c, &acc, &x->wscale[r], &t->ascale[i], &t->y[i * t->ldy + r])) t->rc = LPCS_EINVAL;
        }
    }
}

int rt_exact_lut_of(const rt_op *op, rt_exact_lut *out) {
    const rt_xmat *x = op ? op->exact : NULL;
    if (!x || x->kind != XK_LUT) return LPCS_EINVAL;
    out->cfg = &x->lut, out->wq = x->wq, out->wscale = x->wscale;
    return LPCS_OK;
}

float rt_exact_lut_input(const lutgemv_cfg *c, const float *x, int8_t *codes) {
    float sc = intq_scale_for_absmax(c->a_bits, intq_absmax(x, c->cols));
    for (size_t k = 0; k < c->cols; k++) codes[k] = intq_quantize_one(c->a_bits, x[k], sc);
    return sc;
}

int rt_exact_lut_output(const rt_exact_lut *l, const int64_t *acc, float x_scale, float *y) {
    return lutgemv_convert(l->cfg, acc, l->wscale, &x_scale, y) ? LPCS_EINVAL : LPCS_OK;
}

static void xpart(void *arg, int idx, int n) {
    xtask *t = arg;
    unsigned long lo, hi;
    kn_split(t->m->rows, idx, n, 8, &lo, &hi);
    if (lo >= hi) return;
    if (t->m->kind == XK_LUT)
        rows_lut(t, lo, hi);
    else
        rows_rmmec(t, lo, hi);
}

/* Token i's activation x (K floats) in the unit's operands. */
static void load_token(xtask *t, size_t i, const float *xt) {
    const rt_xmat *x = t->m;
    size_t K = x->cols;
    if (x->kind == XK_LUT) { /* integer codes at the unit input (per-token absmax, intq's rule) */
        t->ascale[i] = rt_exact_lut_input(&x->lut, xt, t->aq + i * K);
        return;
    }
    uint16_t *a = t->a + i * x->words;
    xpack(x, xt, K, a);
    int64_t amax = 0;
    double amaxf = 0.0;
    for (size_t k = 0; x->wv && k < K && amax >= 0; k++) {
        unsigned c = lane_code(x->mode, a, k);
        int16_t *v = &t->av[i * K + k];
        if (x->mode != RMMEC_P16) {
            *v = ival(x, c);
            int64_t m = *v < 0 ? -(int64_t)*v : *v;
            amax = *v == XF_P8_NAR ? -1 : m > amax ? m : amax;
        } else {
            float f = xval(x, c); /* exact; NaR -> NaN */
            if (c == 0x8000u || !xf_p16_split(f, v, &t->as[i * K + k])) {
                amax = -1;
                break;
            }
            t->af[i * K + k] = f;
            double m = f < 0 ? -(double)f : (double)f;
            amaxf = m > amaxf ? m : amaxf;
        }
    }
    t->amax[i] = amax;
    t->amaxf[i] = amaxf;
}

int rt_exact_matmul(const rt_engine *eng, const rt_op *op, const float *xin, size_t ldx, float *y, size_t ldy,
                    size_t T) {
    const rt_xmat *x = op->exact;
    if (!x) return LPCS_EINVAL;
    size_t K = x->cols;
    xtask t = {.m = x, .T = T, .ldy = ldy, .y = y, .avx2 = !eng ? 0 : eng->isa >= KN_ISA_AVX512 ? 2 : eng->isa >= KN_ISA_AVX2};
    t.a = malloc(T * x->words * sizeof *t.a + 1);
    t.av = malloc(T * K * sizeof *t.av);
    t.as = malloc(T * K);
    t.aq = malloc(T * K);
    t.amax = malloc(T * sizeof *t.amax);
    t.ascale = malloc(T * sizeof *t.ascale);
    t.af = malloc(T * K * sizeof *t.af);
    t.amaxf = malloc(T * sizeof *t.amaxf);
    int rc = t.a && t.av && t.as && t.aq && t.amax && t.ascale && t.af && t.amaxf ? LPCS_OK : LPCS_ENOMEM;
    if (!rc) {
        for (size_t i = 0; i < T; i++) load_token(&t, i, xin + i * ldx);
        if (eng && eng->pool && (double)x->rows * (double)K * (double)T >= eng->par_min_macs)
            kn_pool_run(eng->pool, xpart, &t);
        else
            xpart(&t, 0, 1);
        rc = t.rc;
    }
    free(t.a), free(t.av), free(t.as), free(t.aq), free(t.amax), free(t.ascale), free(t.af), free(t.amaxf);
    return rc;
}
