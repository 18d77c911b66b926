/* Exact execution: op -> unit / mode mapping and the golden RMMEC matmul
 * (exact.h). */
#include "exact.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matmul_shiftmac.h"
#include "minifloat.h"
#include "posit.h"
#include "rmmec.h"

/* An exact RMMEC matrix: the weights as the unit's packed words. */
typedef struct {
    rmmec_mode mode;
    size_t rows, cols, words; /* words per row */
    uint16_t *w;              /* [rows][words] */
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

static void set_mode(rt_op *op, const char *unit, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_mode(rt_op *op, const char *unit, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    op->unit = unit;
    vsnprintf(op->mode, sizeof op->mode, fmt, ap);
    va_end(ap);
}

int rt_exact_map(rt_engine *eng, rt_exec_mode mode, rt_err *e) {
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
        if (mode == RT_EXEC_FAKE || rm < 0 || op->aux) {
            if (!f || f->identity)
                set_mode(op, "vector", "fp32");
            else
                set_mode(op, "vector", "fake:%s", f->name);
            continue;
        }
        rt_xmat *x = calloc(1, sizeof *x);
        size_t lanes = (size_t)rmmec_lanes((rmmec_mode)rm);
        if (x) {
            x->mode = (rmmec_mode)rm, x->rows = op->rows, x->cols = op->cols;
            x->words = (op->cols + lanes - 1) / lanes;
            x->w = malloc(x->rows * x->words * sizeof *x->w);
        }
        if (!x || !x->w) {
            if (x) free(x->w);
            free(x);
            return rt_fail(e, LPCS_ENOMEM, "out of memory for the exact weights of %s", op->name);
        }
        for (size_t r = 0; r < op->rows; r++) /* op->w is already rounded to f: encoding is exact */
            rt_exact_rmmec_pack(rm, op->w + r * op->cols, op->cols, x->w + r * x->words);
        op->exact = x;
        set_mode(op, "rmmec", "%s", rmmec_mode_name((rmmec_mode)rm));
    }
    return LPCS_OK;
}

void rt_exact_free(rt_engine *eng) {
    for (int i = 0; eng->ops && i < eng->n_ops; i++) {
        rt_xmat *x = eng->ops[i].exact;
        if (x) free(x->w);
        free(x);
        eng->ops[i].exact = NULL;
    }
}

int rt_exact_matmul(const rt_op *op, const float *xin, size_t ldx, float *y, size_t ldy, size_t T) {
    const rt_xmat *x = op->exact;
    if (!x) return LPCS_EINVAL;
    uint16_t *a = malloc(x->words * sizeof *a);
    uint32_t *o = malloc(x->rows * sizeof *o);
    int rc = a && o ? LPCS_OK : LPCS_ENOMEM;
    for (size_t t = 0; t < T && !rc; t++) {
        rt_exact_rmmec_pack(x->mode, xin + t * ldx, x->cols, a);
        rc = rmmec_gemv(x->mode, x->w, x->rows, x->words, a, RMMEC_OUT_FP32, o);
        if (!rc) memcpy(y + t * ldy, o, x->rows * sizeof *o);
    }
    free(a), free(o);
    return rc;
}
