/* Integer matmul with int8 activations: the contract of the cpu backend's
 * plan keyword `intdot` (sw_runtime/kernels/int_cpu.h computes it with
 * AVX-512 VNNI, AVX2 or portable C; every variant gives these bits).
 *
 *   weights    : per-row symmetric intN codes w[r][k] in [-qmax, qmax] and an
 *                fp32 row scale sw[r] (golden/intq.h, intq_quantize_rows)
 *   activation : one token x[cols] -> int8 codes a[k] and a scale sa with
 *                intq_quantize_tensor(8, ...) (absmax / 127, RNE, NaN -> 0)
 *   output     : acc = sum_k w[r][k] * a[k], exact in int32 (cols <= 2^17),
 *                y[r] = (float)acc * (sa * sw[r])   (fp32; (float) is RNE)
 * The integer sum is exact, so its order does not matter: any ISA, any row
 * split and any thread count give the same bits. */
#ifndef LPCS_GOLDEN_INTDOT_H
#define LPCS_GOLDEN_INTDOT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The longest row whose int8 x int8 sum cannot overflow int32. */
#define INTDOT_MAX_COLS ((size_t)1 << 17)

/* sum_k w[k] * a[k] over n <= INTDOT_MAX_COLS, in int32. */
int32_t intdot_dot(const int8_t *w, const int8_t *a, size_t n);

/* One output: (float)acc * (sa * sw). */
float intdot_scale(int32_t acc, float sa, float sw);

/* y[r] = intdot_scale(intdot_dot(W[r], a, cols), sa, sw[r]) for r < rows,
 * with a, sa = the token x quantized as above (a: cols bytes of scratch).
 * LPCS_EINVAL if cols > INTDOT_MAX_COLS. */
int intdot_gemv(const int8_t *W, const float *sw, size_t rows, size_t cols, const float *x, int8_t *a, float *y);

#ifdef __cplusplus
}
#endif
#endif
