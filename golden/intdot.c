/* Integer matmul with int8 activations (intdot.h): the plain reference. */
#include "intdot.h"

#include "intq.h"
#include "status.h"

int32_t intdot_dot(const int8_t *w, const int8_t *a, size_t n) {
    int32_t acc = 0;
    for (size_t k = 0; k < n; k++) acc += (int32_t)w[k] * (int32_t)a[k];
    return acc;
}

float intdot_scale(int32_t acc, float sa, float sw) { return (float)acc * (sa * sw); }

int intdot_gemv(const int8_t *W, const float *sw, size_t rows, size_t cols, const float *x, int8_t *a, float *y) {
    if (cols > INTDOT_MAX_COLS) return LPCS_EINVAL;
    float sa;
    int rc = intq_quantize_tensor(8, x, cols, a, &sa);
    if (rc) return rc;
    for (size_t r = 0; r < rows; r++) y[r] = intdot_scale(intdot_dot(W + r * cols, a, cols), sa, sw[r]);
    return LPCS_OK;
}
