#include "ternary_fast.h"

#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "ternary.h"

typedef int16_t v8s __attribute__((vector_size(16)));

int rt_tern_mat_init(rt_tern_mat *m, const uint8_t *packed, size_t rows, size_t cols) {
    memset(m, 0, sizeof *m);
    if (!packed || !rows || !cols || cols > TERNARY_MAX_COLS) return LPCS_EINVAL;
    size_t stride = (cols + 7) & ~(size_t)7, rb = ternary_row_bytes(cols);
    int8_t *row = malloc(cols);
    m->w = calloc(rows * stride, sizeof *m->w);
    if (!row || !m->w) {
        free(row);
        rt_tern_mat_free(m);
        return LPCS_ENOMEM;
    }
    for (size_t r = 0; r < rows; r++) {
        int st = ternary_unpack(packed + r * rb, cols, row);
        if (st) {
            free(row);
            rt_tern_mat_free(m);
            return st;
        }
        for (size_t j = 0; j < cols; j++) m->w[r * stride + j] = row[j];
    }
    free(row);
    m->rows = rows, m->cols = cols, m->stride = stride;
    return LPCS_OK;
}

void rt_tern_mat_free(rt_tern_mat *m) {
    free(m->w);
    m->w = NULL;
}

/* Each int16 lane gathers at most FLUSH products of magnitude <= 128:
 * 255 * 128 < 32767, so it never overflows before it is added to int32. */
#define FLUSH 255

void rt_tern_gemv(const rt_tern_mat *m, const int8_t *x, int16_t *xw, int32_t *y) {
    size_t S = m->stride, nv = S / 8;
    for (size_t j = 0; j < m->cols; j++) xw[j] = x[j];
    for (size_t j = m->cols; j < S; j++) xw[j] = 0;
    const v8s *xv = (const v8s *)(const void *)xw;
    for (size_t r = 0; r < m->rows; r++) {
        const v8s *wv = (const v8s *)(const void *)(m->w + r * S);
        int32_t acc = 0;
        for (size_t b = 0; b < nv; b += FLUSH) {
            size_t e = b + FLUSH < nv ? b + FLUSH : nv;
            v8s s = {0};
            for (size_t k = b; k < e; k++) s += wv[k] * xv[k];
            for (int l = 0; l < 8; l++) acc += s[l];
        }
        y[r] = acc;
    }
}
