/* Backend entry points used by the tests only (not part of the runtime API). */
#ifndef LPCS_CUDA_INTERNAL_H
#define LPCS_CUDA_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* out[i] (host) = conversion of the fp32 with bit pattern base + i, i < count,
 * computed on the device: kind 0 = mf_from_f32(format a, sat b), kind 1 =
 * posit_from_f32(n a, es b) with n <= 16. */
int lpcs_cuda_sweep_f32(int kind, int a, int b, uint32_t base, size_t count, uint16_t *out);

#ifdef __cplusplus
}
#endif
#endif
