/* lpcs CUDA backend: the C API the runtime's `cuda` backend calls.
 *
 * Two implementations share this header:
 *  - lpcs_cuda_stub.c (plain C, in liblpcsrt.a): every call reports
 *    "not available" (lpcs_cuda_available() == 0, others LPCS_EUNSUPPORTED),
 *    so build/lpcs links and runs on machines without CUDA;
 *  - build/cuda/liblpcs_cuda.a (nvcc, `make cuda`): the real kernels. A CUDA
 *    build of lpcs links it *instead of* the stub object (see
 *    sw_runtime/cuda/README.md).
 *
 * Every result is bit-exact with the golden function named beside it: integer
 * GEMVs accumulate exactly in int32, conversions use the golden algorithms,
 * and fp32 steps follow the golden operation order (no FMA contraction).
 * All pointers are host pointers; the library copies to and from the device.
 * Functions return lpcs_status codes (golden/status.h). */
#ifndef LPCS_CUDA_H
#define LPCS_CUDA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 1 if a CUDA device is usable by this build, else 0 (stub: always 0). */
int lpcs_cuda_available(void);
/* One line into buf (len bytes): the device name and compute capability, or
 * why none is usable. Returns buf. */
const char *lpcs_cuda_describe(char *buf, size_t len);

/* ---- Ternary GEMV/GEMM (golden: ternary_gemv_i32) --------------------------
 * Weights use the golden packing (golden/ternary.h): code 00 = 0, 01 = +1,
 * 11 = -1, 4 weights per byte, first weight in the LSBs, each row padded to a
 * whole byte. Upload re-lays them out for the device once. */
typedef struct lpcs_cuda_ternary lpcs_cuda_ternary;
int lpcs_cuda_ternary_upload(const uint8_t *packed, size_t rows, size_t cols,
                             lpcs_cuda_ternary **out);
void lpcs_cuda_ternary_free(lpcs_cuda_ternary *w);
/* y[b][r] = sum_k W[r][k] * x[b][k] for b < batch (any batch >= 1), exact. */
int lpcs_cuda_ternary_gemm_i32(const lpcs_cuda_ternary *w, const int8_t *x,
                               size_t batch, int32_t *y);

/* ---- BitLinear (golden: bitlinear_forward) ---------------------------------
 * RMSNorm(eps 1e-6, norm_weight) -> per-token int8 absmax -> ternary GEMV ->
 * dequantize with beta, in golden's fp32 operation order, for `batch` tokens
 * x[batch][in] -> y[batch][out]. norm_weight has `in` floats. */
int lpcs_cuda_bitlinear_forward(const lpcs_cuda_ternary *w, float beta,
                                const float *norm_weight, const float *x,
                                size_t batch, float *y);

/* ---- LUT-GEMV (golden: lutgemv) --------------------------------------------
 * Integer weights of `bits` = 1..4 bits (two's complement if is_signed, else
 * unsigned), given one value per int8 in w[rows][cols]; stored on the device
 * as bit planes and evaluated with per-4-column lookup tables of activation
 * sums in shared memory. y[b][r] = sum_k w[r][k] * x[b][k], exact. */
typedef struct lpcs_cuda_lut lpcs_cuda_lut;
int lpcs_cuda_lut_upload(const int8_t *w, size_t rows, size_t cols, int bits,
                         int is_signed, lpcs_cuda_lut **out);
void lpcs_cuda_lut_free(lpcs_cuda_lut *w);
int lpcs_cuda_lut_gemm_i32(const lpcs_cuda_lut *w, const int8_t *x,
                           size_t batch, int32_t *y);

/* ---- Direct int4 GEMV/GEMM (same integer result as LUT-GEMV) -----------------
 * Signed 4-bit weights (-8..7, one per int8 in w[rows][cols]), packed two per
 * byte on the device; the bandwidth-oriented 4-bit path. y = W x exactly. */
typedef struct lpcs_cuda_int4 lpcs_cuda_int4;
int lpcs_cuda_int4_upload(const int8_t *w, size_t rows, size_t cols, lpcs_cuda_int4 **out);
void lpcs_cuda_int4_free(lpcs_cuda_int4 *w);
int lpcs_cuda_int4_gemm_i32(const lpcs_cuda_int4 *w, const int8_t *x, size_t batch, int32_t *y);

/* ---- Format conversions ------------------------------------------------------
 * Element-wise fp32 <-> format codes, one code per uint32 (low bits).
 * Minifloats (golden: mf_from_f32 / mf_to_f32): `format` is an mf_format
 * value, `sat` an mf_sat value. Posits (golden: posit_from_float /
 * posit_to_float): any n = 2..32, es = 0..3. */
int lpcs_cuda_mf_from_f32(int format, int sat, const float *x, size_t n, uint32_t *codes);
int lpcs_cuda_mf_to_f32(int format, const uint32_t *codes, size_t n, float *y);
int lpcs_cuda_posit_from_f32(int nbits, int es, const float *x, size_t n, uint32_t *codes);
int lpcs_cuda_posit_to_f32(int nbits, int es, const uint32_t *codes, size_t n, float *y);

/* ---- Block formats (golden: mx_quantize / mx_dequantize, nvfp4_quantize /
 * nvfp4_dequantize). elem: mx_elem, round: mx_round; scales[ceil(n/32)],
 * block_scales[ceil(n/16)], codes[n] one per byte. */
int lpcs_cuda_mx_quantize(int elem, int round, const float *x, size_t n, uint8_t *scales,
                          uint8_t *codes);
int lpcs_cuda_mx_dequantize(int elem, const uint8_t *scales, const uint8_t *codes, size_t n,
                            float *y);
int lpcs_cuda_nvfp4_quantize(const float *x, size_t n, float *tensor_scale,
                             uint8_t *block_scales, uint8_t *codes);
int lpcs_cuda_nvfp4_dequantize(float tensor_scale, const uint8_t *block_scales,
                               const uint8_t *codes, size_t n, float *y);

/* ---- RMMEC (golden: rmmec_gemv) ------------------------------------------------
 * mode: rmmec_mode, out_fmt: rmmec_out; w[rows][cols] and x[cols] are 16-bit
 * operand words; y[rows] readout codes. Exact accumulation, one rounding. */
int lpcs_cuda_rmmec_gemv(int mode, const uint16_t *w, size_t rows, size_t cols,
                         const uint16_t *x, int out_fmt, uint32_t *y);

#ifdef __cplusplus
}
#endif
#endif
