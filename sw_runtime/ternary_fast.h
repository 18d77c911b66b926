/* Fast exact ternary GEMV for the cpu backend: weights unpacked once to
 * int16, int8 activations widened to int16, products summed in int16 lanes
 * that are flushed to int32 before they can overflow. Integer sums are exact
 * and order-independent, so y equals golden ternary_gemv_i32 bit for bit
 * (tests/test_runtime.c checks it). */
#ifndef LPCS_RT_TERNARY_FAST_H
#define LPCS_RT_TERNARY_FAST_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    size_t rows, cols, stride; /* stride: cols rounded up to 8 */
    int16_t *w;                /* [rows][stride], zero padded */
} rt_tern_mat;

/* From golden's packed layout (ternary.h). LPCS_OK or an lpcs_status. */
int rt_tern_mat_init(rt_tern_mat *m, const uint8_t *packed, size_t rows, size_t cols);
void rt_tern_mat_free(rt_tern_mat *m);
/* y[rows] = W . x; xw: scratch of stride int16. */
void rt_tern_gemv(const rt_tern_mat *m, const int8_t *x, int16_t *xw, int32_t *y);

#endif
