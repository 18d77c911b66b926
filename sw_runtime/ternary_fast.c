#include "ternary_fast.h"

#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "ternary.h"

int rt_tern_mat_init(rt_tern_mat *m, const uint8_t *packed, size_t rows, size_t cols) {
    memset(m, 0, sizeof *m);
    if (!packed || !rows || !cols || cols > TERNARY_MAX_COLS) return LPCS_EINVAL;
    size_t rb = ternary_row_bytes(cols);
    int8_t *w = malloc(rows * cols);
    if (!w) return LPCS_ENOMEM;
    int st = LPCS_OK;
    for (size_t r = 0; r < rows && !st; r++) st = ternary_unpack(packed + r * rb, cols, w + r * cols);
    if (!st) st = ki_matrix_init(&m->k, 2, w, NULL, rows, cols);
    free(w);
    if (st) return st;
    m->rows = rows, m->cols = cols, m->v = ki_for_isa(kn_isa_best());
    return LPCS_OK;
}

void rt_tern_mat_free(rt_tern_mat *m) { ki_matrix_free(&m->k); }

size_t rt_tern_scratch_bytes(const rt_tern_mat *m) { return m->k.kpad; }

void rt_tern_gemv(const rt_tern_mat *m, const int8_t *x, int8_t *scratch, int32_t *y) {
    int32_t qsum;
    ki_pad_act(x, m->cols, m->k.kpad, scratch, &qsum);
    ki_gemm_i32(m->v, &m->k, y, m->rows, scratch, &qsum, 1, 0, m->rows);
}

typedef struct {
    const rt_tern_mat *m;
    const int8_t *A;
    const int32_t *qsum;
    int32_t *y;
    size_t T;
} tern_task;

static void tern_part(void *arg, int idx, int n) {
    const tern_task *k = arg;
    unsigned long lo, hi;
    kn_split(k->m->rows, idx, n, 16, &lo, &hi);
    if (lo < hi) ki_gemm_i32(k->m->v, &k->m->k, k->y, k->m->rows, k->A, k->qsum, k->T, lo, hi);
}

/* Below this many MACs a second thread costs more than it saves. */
#define TERN_PAR_MIN_MACS (1u << 18) /* as intdot's */

int rt_tern_gemm(const rt_tern_mat *m, const int8_t *x, size_t T, int32_t *y, kn_pool *pool) {
    size_t kp = m->k.kpad;
    int8_t *A = malloc(T * kp);
    int32_t *qsum = malloc(T * sizeof *qsum);
    if (!A || !qsum) {
        free(A), free(qsum);
        return LPCS_ENOMEM;
    }
    for (size_t t = 0; t < T; t++) ki_pad_act(x + t * m->cols, m->cols, kp, A + t * kp, &qsum[t]);
    tern_task k = {m, A, qsum, y, T};
    if (pool && (double)m->rows * (double)m->cols * (double)T >= TERN_PAR_MIN_MACS)
        kn_pool_run(pool, tern_part, &k);
    else
        tern_part(&k, 0, 1);
    free(A), free(qsum);
    return LPCS_OK;
}
