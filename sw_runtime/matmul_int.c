/* Integer matmuls on the cpu backend (see matmul_int.h). */
#include "matmul_int.h"

#include <stdlib.h>

#include "intq.h"
#include "kernels/int_cpu.h"
#include "kernels/pool.h"

/* Below this many multiply-adds a matmul runs on the calling thread. */
#define INT_PAR_MIN_MACS (1u << 18)

int rt_intdot_wants(const rt_engine *eng, const rt_op *op) {
    return eng->plan.intdot && op->type == OP_MATMUL && op->qf && !op->qf->identity && op->qf->q.kind == QF_INT;
}

int rt_intdot_attach(rt_op *op, const float *w, rt_err *e) {
    int bits = op->qf->q.bits;
    ki_matrix *m = calloc(1, sizeof *m);
    int8_t *codes = malloc(op->rows * op->cols + 1);
    float *scales = malloc((op->rows + 1) * sizeof *scales);
    int rc = m && codes && scales ? intq_quantize_rows(bits, w, op->rows, op->cols, codes, scales) : LPCS_ENOMEM;
    if (!rc) rc = ki_matrix_init(m, bits, codes, scales, op->rows, op->cols);
    free(codes);
    free(scales);
    if (rc) {
        free(m);
        return rt_fail(e, rc, "plan intdot: cannot pack %s as int%d: %s", op->name, bits, lpcs_status_str(rc));
    }
    op->intdot = m;
    return LPCS_OK;
}

typedef struct {
    ki_variant v;
    const ki_matrix *m;
    float *Y;
    size_t ldy, T;
    const int8_t *A;
    const float *sa;
    const int32_t *qsum;
} int_task;

static void int_part(void *arg, int idx, int n) {
    const int_task *k = arg;
    unsigned long lo, hi;
    kn_split(k->m->rows, idx, n, 16, &lo, &hi);
    if (lo < hi) ki_gemm(k->v, k->m, k->Y, k->ldy, k->A, k->sa, k->qsum, k->T, lo, hi);
}

int rt_intdot_exec(rt_engine *eng, const rt_op *op, const float *X, size_t ldx, float *Y, size_t ldy, size_t T) {
    const ki_matrix *m = op->intdot;
    int8_t *A = malloc(T * m->kpad);
    float *sa = malloc(T * sizeof *sa);
    int32_t *qsum = malloc(T * sizeof *qsum);
    if (!A || !sa || !qsum) {
        free(A), free(sa), free(qsum);
        return LPCS_ENOMEM;
    }
    ki_variant v = ki_for_isa((kn_isa)eng->isa);
    for (size_t t = 0; t < T; t++) ki_quantize_act(v, X + t * ldx, m->cols, m->kpad, A + t * m->kpad, &sa[t], &qsum[t]);
    int_task k = {v, m, Y, ldy, T, A, sa, qsum};
    if (eng->pool && (double)m->rows * (double)m->cols * (double)T >= INT_PAR_MIN_MACS)
        kn_pool_run(eng->pool, int_part, &k);
    else
        int_part(&k, 0, 1);
    free(A), free(sa), free(qsum);
    return LPCS_OK;
}

void rt_intdot_release(rt_engine *eng) {
    for (int i = 0; eng->ops && i < eng->n_ops; i++) {
        ki_matrix *m = eng->ops[i].intdot;
        if (!m) continue;
        ki_matrix_free(m);
        free(m);
        eng->ops[i].intdot = NULL;
    }
}
