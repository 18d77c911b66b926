/* Integer matmuls on the cpu backend (see matmul_int.h). */
#include "matmul_int.h"

#include <stdlib.h>

#include "intdot.h"
#include "intq.h"
#include "kernels/int_cpu.h"
#include "kernels/lut_gemv_cpu.h"
#include "kernels/pool.h"

/* op->intdot: the packed codes for kernels/int_cpu, or (plan keyword `lut`,
 * 2..4-bit codes) for kernels/lut_gemv_cpu with the row scales beside them. */
typedef struct {
    ki_matrix k;           /* lut: only rows, cols and kpad (the activation row) are set */
    int lut;
    lut_gemv_weights l;
    float *scale;          /* lut: per row */
} int_weights;


int rt_intdot_wants(const rt_engine *eng, const rt_op *op) {
    return eng->plan.intdot && op->type == OP_MATMUL && op->qf && !op->qf->identity && op->qf->q.kind == QF_INT;
}

static void int_weights_free(int_weights *m) {
    if (!m) return;
    ki_matrix_free(&m->k);
    lut_gemv_free(&m->l);
    free(m->scale);
    free(m);
}

int rt_intdot_attach(rt_op *op, const float *w, int lut, rt_err *e) {
    int bits = op->qf->q.bits;
    int_weights *m = calloc(1, sizeof *m);
    int8_t *codes = malloc(op->rows * op->cols + 1);
    float *scales = malloc((op->rows + 1) * sizeof *scales);
    int rc = m && codes && scales ? intq_quantize_rows(bits, w, op->rows, op->cols, codes, scales) : LPCS_ENOMEM;
    if (!rc && lut && bits <= 4 && op->cols <= INTDOT_MAX_COLS) {
        m->lut = 1, m->scale = scales, scales = NULL;
        m->k.rows = op->rows, m->k.cols = op->cols, m->k.bits = 8;
        rc = ki_layout(8, op->cols, &m->k.kpad, &m->k.row_bytes);
        if (!rc) rc = lut_gemv_pack(codes, op->rows, op->cols, bits == 2 ? LUTK_INT2 : bits == 3 ? LUTK_INT3 : LUTK_INT4, &m->l);
    } else if (!rc)
        rc = ki_matrix_init(&m->k, bits, codes, scales, op->rows, op->cols);
    free(codes);
    free(scales);
    if (rc) {
        int_weights_free(m);
        return rt_fail(e, rc, "plan intdot: cannot pack %s as int%d: %s", op->name, bits, lpcs_status_str(rc));
    }
    op->intdot = m;
    return LPCS_OK;
}

typedef struct {
    ki_variant v;
    const int_weights *m;
    float *Y;
    size_t ldy, T;
    const int8_t *A;
    const float *sa;
    const int32_t *qsum;
} int_task;

static void int_part(void *arg, int idx, int n) {
    const int_task *k = arg;
    unsigned long lo, hi;
    kn_split(k->m->k.rows, idx, n, 16, &lo, &hi);
    if (lo < hi) ki_gemm(k->v, &k->m->k, k->Y, k->ldy, k->A, k->sa, k->qsum, k->T, lo, hi);
}

int rt_intdot_exec(rt_engine *eng, const rt_op *op, const float *X, size_t ldx, float *Y, size_t ldy, size_t T) {
    const int_weights *w = op->intdot;
    const ki_matrix *m = &w->k;
    int8_t *A = malloc(T * m->kpad);
    float *sa = malloc(T * sizeof *sa);
    int32_t *qsum = malloc(T * sizeof *qsum);
    if (!A || !sa || !qsum) {
        free(A), free(sa), free(qsum);
        return LPCS_ENOMEM;
    }
    ki_variant v = ki_for_isa((kn_isa)eng->isa);
    for (size_t t = 0; t < T; t++) ki_quantize_act(v, X + t * ldx, m->cols, m->kpad, A + t * m->kpad, &sa[t], &qsum[t]);
    int par = eng->pool && (double)m->rows * (double)m->cols * (double)T >= 2.0 * eng->par_min_macs /* int8 work per MAC is about half fp32's */, rc = LPCS_OK;
    if (w->lut) {
        /* --isa portable forces the portable lookups too; avx2 and avx512 use AVX2 */
        lutk_impl impl = eng->isa == KN_ISA_PORTABLE ? LUTK_IMPL_PORTABLE : LUTK_IMPL_AUTO;
        /* all T tokens in one pass over the weights: exact sums, then golden intdot's rescale */
        void *tabs = malloc(T * lut_gemv_scratch_bytes(&w->l));
        int32_t *acc = malloc(T * m->rows * sizeof *acc);
        rc = acc && tabs ? lut_gemv_gemm_pool(&w->l, A, m->kpad, T, acc, m->rows, impl, tabs, par ? eng->pool : NULL) : LPCS_ENOMEM;
        for (size_t t = 0; t < T && !rc; t++)
            for (size_t r = 0; r < m->rows; r++) Y[t * ldy + r] = intdot_scale(acc[t * m->rows + r], sa[t], w->scale[r]);
        free(tabs), free(acc);
    } else {
        int_task k = {v, w, Y, ldy, T, A, sa, qsum};
        if (par)
            kn_pool_run(eng->pool, int_part, &k);
        else
            int_part(&k, 0, 1);
    }
    free(A), free(sa), free(qsum);
    return rc;
}

void rt_intdot_release(rt_engine *eng) {
    for (int i = 0; eng->ops && i < eng->n_ops; i++) {
        int_weights_free(eng->ops[i].intdot);
        eng->ops[i].intdot = NULL;
    }
}
