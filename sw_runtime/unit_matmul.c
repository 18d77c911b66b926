/* Reference (golden) and cpu implementations of the per-unit matmul
 * interface (unit_matmul.h). */
#include "unit_matmul.h"

#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "ternary.h"
#include "ternary_fast.h"

/* ---- golden: keep the weights, call golden per token ---- */

int rt_mm_keep_prepare(void *ctx, const rt_mm_weights *w, void **mat) {
    (void)ctx;
    if (!w || !w->data || !w->rows || !w->cols) return LPCS_EINVAL;
    rt_mm_weights *k = malloc(sizeof *k);
    if (!k) return LPCS_ENOMEM;
    *k = *w;
    *mat = k;
    return LPCS_OK;
}

void rt_mm_keep_release(void *ctx, void *mat) {
    (void)ctx;
    free(mat);
}

static int golden_ternary(void *ctx, void *mat, const void *x, int n, void *y) {
    (void)ctx;
    const rt_mm_weights *w = mat;
    for (int t = 0; t < n; t++) {
        int st = ternary_gemv_i32(w->data, w->rows, w->cols, (const int8_t *)x + (size_t)t * w->cols,
                                  (int32_t *)y + (size_t)t * w->rows);
        if (st) return st;
    }
    return LPCS_OK;
}

const rt_unit_mm rt_unit_mm_golden_ternary = {"ternary", "golden", rt_mm_keep_prepare, golden_ternary, rt_mm_keep_release};

typedef struct {
    lutgemv_cfg cfg; /* batch 1 */
    int16_t *tables;
} lut_mat;

static int lut_prepare(void *ctx, const rt_mm_weights *w, void **mat) {
    (void)ctx;
    if (!w || !w->data || !w->lut) return LPCS_EINVAL;
    lut_mat *m = calloc(1, sizeof *m);
    if (!m) return LPCS_ENOMEM;
    m->cfg = *w->lut;
    m->cfg.batch = 1;
    int st = lutgemv_cfg_check(&m->cfg);
    if (!st && !(m->tables = malloc(lutgemv_table_len(&m->cfg) * sizeof *m->tables))) st = LPCS_ENOMEM;
    if (!st) st = lutgemv_build_tables(&m->cfg, w->data, NULL, w->entry_bits, m->tables);
    if (st) {
        free(m->tables), free(m);
        return st;
    }
    *mat = m;
    return LPCS_OK;
}

static void lut_release(void *ctx, void *mat) {
    (void)ctx;
    lut_mat *m = mat;
    if (m) free(m->tables);
    free(m);
}

static int golden_lut(void *ctx, void *mat, const void *x, int n, void *y) {
    (void)ctx;
    const lut_mat *m = mat;
    size_t acc = lutgemv_acc_len(&m->cfg);
    for (int t = 0; t < n; t++) {
        int st = lutgemv_gemv(&m->cfg, m->tables, (const int8_t *)x + (size_t)t * m->cfg.cols, 0,
                              (int64_t *)y + (size_t)t * acc, NULL);
        if (st) return st;
    }
    return LPCS_OK;
}

const rt_unit_mm rt_unit_mm_golden_lutgemv = {"lutgemv", "golden", lut_prepare, golden_lut, lut_release};

static int golden_rmmec(void *ctx, void *mat, const void *x, int n, void *y) {
    (void)ctx;
    const rt_mm_weights *w = mat;
    for (int t = 0; t < n; t++) {
        int st = rmmec_gemv(w->mode, w->data, w->rows, w->cols, (const uint16_t *)x + (size_t)t * w->cols, w->out,
                            (uint32_t *)y + (size_t)t * w->rows);
        if (st) return st;
    }
    return LPCS_OK;
}

const rt_unit_mm rt_unit_mm_golden_rmmec = {"rmmec", "golden", rt_mm_keep_prepare, golden_rmmec, rt_mm_keep_release};

/* ---- cpu: the fast exact ternary GEMV (ternary_fast.h) ---- */

typedef struct {
    rt_tern_mat m;
    int8_t *xw; /* zero-padded activations */
} cpu_tern;

static int cpu_tern_prepare(void *ctx, const rt_mm_weights *w, void **mat) {
    (void)ctx;
    if (!w || !w->data) return LPCS_EINVAL;
    cpu_tern *c = calloc(1, sizeof *c);
    if (!c) return LPCS_ENOMEM;
    int st = rt_tern_mat_init(&c->m, w->data, w->rows, w->cols);
    if (!st && !(c->xw = malloc(rt_tern_scratch_bytes(&c->m)))) st = LPCS_ENOMEM;
    if (st) {
        rt_tern_mat_free(&c->m), free(c);
        return st;
    }
    *mat = c;
    return LPCS_OK;
}

static void cpu_tern_release(void *ctx, void *mat) {
    (void)ctx;
    cpu_tern *c = mat;
    if (!c) return;
    rt_tern_mat_free(&c->m);
    free(c->xw), free(c);
}

/* ctx: NULL or the kn_pool whose threads split the rows */
static int cpu_tern_gemm(void *ctx, void *mat, const void *x, int n, void *y) {
    cpu_tern *c = mat;
    if (n == 1 && !ctx) {
        rt_tern_gemv(&c->m, x, c->xw, y);
        return LPCS_OK;
    }
    return n < 1 ? LPCS_EINVAL : rt_tern_gemm(&c->m, x, (size_t)n, y, ctx);
}

const rt_unit_mm rt_unit_mm_cpu_ternary = {"ternary", "cpu", cpu_tern_prepare, cpu_tern_gemm, cpu_tern_release};
