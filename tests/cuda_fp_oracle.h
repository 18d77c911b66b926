/* CUDA host conversions (cuda_fp4/6/8.h, cuda_bf16.h, cuda_fp16.h) behind a C
 * interface: the independent oracle of golden/minifloat. `fmt` is an
 * mf_format value, `sat` an mf_sat value. Built from tests/cuda_fp_oracle.cpp
 * with g++ (no GPU needed). */
#ifndef LPCS_TESTS_CUDA_FP_ORACLE_H
#define LPCS_TESTS_CUDA_FP_ORACLE_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif
/* For BF16/FP16 CUDA has no saturating host conversion: with sat=1 the
 * oracle maps CUDA's +-Inf result to +-max finite (PTX .satfinite rule). */
uint32_t cuda_oracle_from_f32(int fmt, float x, int sat);
uint32_t cuda_oracle_from_f64(int fmt, double x, int sat);
float    cuda_oracle_to_f32(int fmt, uint32_t code);
/* Same conversions for arrays (benchmark: no call overhead per element). */
void cuda_oracle_from_f32_array(int fmt, const float *x, uint8_t *out, long n, int sat);
#ifdef __cplusplus
}
#endif
#endif
